//! A ticket's history: who changed what, and when.

use aftersail_domain::{TicketId, UserId};
use chrono::{DateTime, Utc};

use crate::{Error, TenantTx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TicketEvent {
    pub actor_name: Option<String>,
    /// The rule that made the change, when a rule did.
    pub rule_name: Option<String>,
    pub kind: String,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub at: DateTime<Utc>,
}

pub async fn record(
    tx: &mut TenantTx,
    ticket: TicketId,
    actor: Option<UserId>,
    kind: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "INSERT INTO ticket_events (tenant_id, id, ticket_id, actor_id, kind, from_value, to_value)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant)
    .bind(uuid::Uuid::now_v7())
    .bind(ticket)
    .bind(actor)
    .bind(kind)
    .bind(from)
    .bind(to)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Newest first.
pub async fn for_ticket(tx: &mut TenantTx, ticket: TicketId) -> Result<Vec<TicketEvent>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT u.name AS actor_name, r.name AS rule_name, e.kind, e.from_value, e.to_value, e.at
         FROM ticket_events e LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.id = e.actor_id
         LEFT JOIN rules r ON r.tenant_id = e.tenant_id AND r.id = e.rule_id
         WHERE e.tenant_id = $1 AND e.ticket_id = $2 ORDER BY e.at DESC, e.id DESC",
    )
    .bind(tenant)
    .bind(ticket)
    .fetch_all(tx.conn())
    .await
}
