//! The audit trail of administrative actions.

use aftersail_domain::UserId;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Error, TenantTx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditEvent {
    pub id: Uuid,
    pub actor_id: Option<UserId>,
    pub actor_name: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<Uuid>,
    pub detail: sqlx::types::JsonValue,
    pub at: DateTime<Utc>,
}

pub async fn record(
    tx: &mut TenantTx,
    actor: Option<UserId>,
    action: &str,
    target_type: &str,
    target_id: Option<Uuid>,
    detail: sqlx::types::JsonValue,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "INSERT INTO audit_events (tenant_id, id, actor_id, action, target_type, target_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant)
    .bind(Uuid::now_v7())
    .bind(actor)
    .bind(action)
    .bind(target_type)
    .bind(target_id)
    .bind(detail)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The newest events first.
pub async fn recent(tx: &mut TenantTx, limit: i64) -> Result<Vec<AuditEvent>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT e.id, e.actor_id, u.name AS actor_name, e.action, e.target_type, e.target_id, e.detail, e.at
         FROM audit_events e LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.id = e.actor_id
         WHERE e.tenant_id = $1 ORDER BY e.at DESC, e.id DESC LIMIT $2",
    )
    .bind(tenant)
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}
