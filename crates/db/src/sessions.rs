//! Server-side login sessions. The cookie holds a random token; only its SHA-256 is stored.

use aftersail_domain::{Role, SessionId, TenantId, UiLocale, UserId};
use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::{Error, TenantTx};

pub async fn create(
    tx: &mut TenantTx,
    user: UserId,
    token_hash: &[u8],
    csrf_token: &str,
    expires_at: DateTime<Utc>,
    user_agent: Option<&str>,
) -> Result<SessionId, Error> {
    let tenant = tx.tenant();
    let id = SessionId::new();
    sqlx::query(
        "INSERT INTO sessions (tenant_id, id, user_id, token_hash, csrf_token, expires_at, user_agent)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant)
    .bind(id)
    .bind(user)
    .bind(token_hash)
    .bind(csrf_token)
    .bind(expires_at)
    .bind(user_agent)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

/// A live session with what every page needs about its user and shop, in one round trip.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResolvedSession {
    pub tenant_id: TenantId,
    pub session_id: SessionId,
    pub user_id: UserId,
    pub csrf_token: String,
    pub user_name: String,
    pub user_email: String,
    #[sqlx(try_from = "String")]
    pub user_role: Role,
    #[sqlx(try_from = "String")]
    pub ui_locale: UiLocale,
    pub tenant_slug: String,
    pub tenant_name: String,
}

/// Looks a cookie's token hash up; `None` when unknown, expired or the user is deactivated.
pub async fn resolve(pool: &PgPool, token_hash: &[u8]) -> Result<Option<ResolvedSession>, Error> {
    sqlx::query_as("SELECT * FROM auth_session($1)")
        .bind(token_hash)
        .fetch_optional(pool)
        .await
}

pub async fn delete(tx: &mut TenantTx, id: SessionId) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Signs a user out everywhere, except optionally the session making the change.
pub async fn delete_for_user(
    tx: &mut TenantTx,
    user: UserId,
    keep: Option<SessionId>,
) -> Result<u64, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND id IS DISTINCT FROM $3",
    )
    .bind(tenant)
    .bind(user)
    .bind(keep)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected())
}

/// Deletes expired sessions of every tenant (worker housekeeping).
pub async fn purge_expired(pool: &PgPool) -> Result<i64, Error> {
    sqlx::query_scalar("SELECT purge_expired_sessions()")
        .fetch_one(pool)
        .await
}
