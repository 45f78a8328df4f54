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

/// What the audit log page asks for. Every field narrows; `before` is the keyset position
/// (the last row of the previous page).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub actor: Option<UserId>,
    /// Actions that start with this ("user.", "ticket.status").
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub before: Option<(DateTime<Utc>, Uuid)>,
}

/// One page of the shop's log, newest first: administrative actions (`audit_events`) and
/// ticket changes (`ticket_events`, shown as `ticket.<kind>` with the ticket number), read
/// together so nothing is stored twice.
pub async fn page(
    tx: &mut TenantTx,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<AuditEvent>, Error> {
    let tenant = tx.tenant();
    let (before_at, before_id) = filter.before.unzip();
    sqlx::query_as(
        "WITH a AS (
             SELECT e.id, e.actor_id, e.action, e.target_type, e.target_id, e.detail, e.at
             FROM audit_events e
             WHERE e.tenant_id = $1 AND ($2::uuid IS NULL OR e.actor_id = $2)
               AND ($3::text IS NULL OR starts_with(e.action, $3))
               AND ($4::timestamptz IS NULL OR e.at >= $4) AND ($5::timestamptz IS NULL OR e.at < $5)
               AND ($6::timestamptz IS NULL OR (e.at, e.id) < ($6, $7::uuid))
             ORDER BY e.at DESC, e.id DESC LIMIT $8),
         t AS (
             SELECT te.id, te.actor_id, 'ticket.' || te.kind AS action, 'ticket'::text AS target_type,
                    te.ticket_id AS target_id,
                    jsonb_strip_nulls(jsonb_build_object('number', tk.number, 'from', te.from_value,
                                                         'to', te.to_value)) AS detail,
                    te.at
             FROM ticket_events te
             JOIN tickets tk ON tk.tenant_id = te.tenant_id AND tk.id = te.ticket_id
             WHERE te.tenant_id = $1 AND ($2::uuid IS NULL OR te.actor_id = $2)
               AND ($3::text IS NULL OR starts_with('ticket.' || te.kind, $3))
               AND ($4::timestamptz IS NULL OR te.at >= $4) AND ($5::timestamptz IS NULL OR te.at < $5)
               AND ($6::timestamptz IS NULL OR (te.at, te.id) < ($6, $7::uuid))
             ORDER BY te.at DESC, te.id DESC LIMIT $8)
         SELECT x.id, x.actor_id, u.name AS actor_name, x.action, x.target_type, x.target_id, x.detail, x.at
         FROM (SELECT * FROM a UNION ALL SELECT * FROM t) x
         LEFT JOIN users u ON u.tenant_id = $1 AND u.id = x.actor_id
         ORDER BY x.at DESC, x.id DESC LIMIT $8",
    )
    .bind(tenant)
    .bind(filter.actor)
    .bind(filter.action.as_deref())
    .bind(filter.from)
    .bind(filter.until)
    .bind(before_at)
    .bind(before_id)
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}
