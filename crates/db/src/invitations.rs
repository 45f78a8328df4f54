//! Invitations from an owner or admin to join their shop.

use aftersail_domain::{InvitationId, Role, TenantId, UserId};
use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::{Error, TenantTx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invitation {
    pub id: InvitationId,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub invited_by: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str =
    "id, email, role, invited_by, created_at, expires_at, accepted_at, revoked_at";

pub async fn create(
    tx: &mut TenantTx,
    email: &str,
    role: Role,
    token_hash: &[u8],
    invited_by: UserId,
    expires_at: DateTime<Utc>,
) -> Result<InvitationId, Error> {
    let tenant = tx.tenant();
    let id = InvitationId::new();
    sqlx::query(
        "INSERT INTO invitations (tenant_id, id, email, role, token_hash, invited_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant)
    .bind(id)
    .bind(email)
    .bind(role.as_str())
    .bind(token_hash)
    .bind(invited_by)
    .bind(expires_at)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

pub async fn get(tx: &mut TenantTx, id: InvitationId) -> Result<Option<Invitation>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM invitations WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

/// Invitations neither accepted nor revoked (expired ones included, marked by `expires_at`).
pub async fn list_pending(tx: &mut TenantTx) -> Result<Vec<Invitation>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM invitations
         WHERE tenant_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL
         ORDER BY created_at DESC"
    ))
    .bind(tenant)
    .fetch_all(tx.conn())
    .await
}

pub async fn revoke(tx: &mut TenantTx, id: InvitationId) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE invitations SET revoked_at = now()
         WHERE tenant_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(tenant)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks an invitation used; false when it was accepted or revoked meanwhile.
pub async fn accept(tx: &mut TenantTx, id: InvitationId) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE invitations SET accepted_at = now()
         WHERE tenant_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()",
    )
    .bind(tenant)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Finds the open invitation behind a link's token (before the tenant is known).
pub async fn resolve(
    pool: &PgPool,
    token_hash: &[u8],
) -> Result<Option<(TenantId, InvitationId)>, Error> {
    sqlx::query_as("SELECT tenant_id, invitation_id FROM auth_invitation($1)")
        .bind(token_hash)
        .fetch_optional(pool)
        .await
}
