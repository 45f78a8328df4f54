//! SLA at run time: a ticket's clocks, the sweeper's due tickets, warnings and breaches.
//! (Policies and calendars as settings: `sla_policies`, `calendars`.)

use aftersail_domain::TicketId;
use chrono::{DateTime, Utc};

use crate::{Error, TenantTx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SlaEvent {
    pub target: String,
    /// `warning` or `breach`.
    pub kind: String,
    pub due_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub policy_name: Option<String>,
}

/// A ticket's warnings and breaches, newest first.
pub async fn events_for_ticket(tx: &mut TenantTx, ticket: TicketId) -> Result<Vec<SlaEvent>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT e.target, e.kind, e.due_at, e.recorded_at, p.name AS policy_name
         FROM sla_events e LEFT JOIN sla_policies p ON p.tenant_id = e.tenant_id AND p.id = e.policy_id
         WHERE e.tenant_id = $1 AND e.ticket_id = $2 ORDER BY e.recorded_at DESC, e.id DESC",
    )
    .bind(tenant)
    .bind(ticket)
    .fetch_all(tx.conn())
    .await
}
