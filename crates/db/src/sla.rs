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
pub async fn events_for_ticket(
    tx: &mut TenantTx,
    ticket: TicketId,
) -> Result<Vec<SlaEvent>, Error> {
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

/// A policy as the runner applies it, with its calendar (none: calendar hours).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PolicyForClock {
    pub id: aftersail_domain::SlaPolicyId,
    pub name: String,
    pub channels: Vec<String>,
    pub priorities: Vec<String>,
    pub types: Vec<String>,
    pub customer_tags: Vec<String>,
    pub first_reply_minutes: Option<i32>,
    pub next_reply_minutes: Option<i32>,
    pub resolution_minutes: Option<i32>,
    pub warn_minutes: i32,
    pub calendar_zone: Option<String>,
    pub calendar_hours: Option<sqlx::types::Json<serde_json::Value>>,
    pub calendar_holidays: Option<Vec<chrono::NaiveDate>>,
    pub breach_priority: Option<String>,
    pub breach_notify: Option<String>,
    pub breach_team_id: Option<aftersail_domain::TeamId>,
}

const POLICY_SELECT: &str =
    "SELECT p.id, p.name, p.channels, p.priorities, p.types, p.customer_tags,
        p.first_reply_minutes, p.next_reply_minutes, p.resolution_minutes, p.warn_minutes,
        c.time_zone AS calendar_zone, c.hours AS calendar_hours, c.holidays AS calendar_holidays,
        p.breach_priority, p.breach_notify, p.breach_team_id
    FROM sla_policies p
    LEFT JOIN business_calendars c ON c.tenant_id = p.tenant_id AND c.id = p.calendar_id
    WHERE p.tenant_id = $1";

/// Enabled policies in order: the first that matches a ticket applies.
pub async fn policies_in_order(tx: &mut TenantTx) -> Result<Vec<PolicyForClock>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "{POLICY_SELECT} AND p.enabled ORDER BY p.position, p.id"
    ))
    .bind(tenant)
    .fetch_all(tx.conn())
    .await
}

pub async fn policy(
    tx: &mut TenantTx,
    id: aftersail_domain::SlaPolicyId,
) -> Result<Option<PolicyForClock>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!("{POLICY_SELECT} AND p.id = $2"))
        .bind(tenant)
        .bind(id)
        .fetch_optional(tx.conn())
        .await
}

/// A ticket's SLA clocks as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Clocks {
    pub policy: Option<aftersail_domain::SlaPolicyId>,
    pub warn_minutes: i32,
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub next_reply_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub paused_at: Option<DateTime<Utc>>,
}

pub async fn set_clocks(tx: &mut TenantTx, ticket: TicketId, c: &Clocks) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE tickets SET sla_policy_id = $3, sla_warn_minutes = $4, first_response_due_at = $5,
                next_reply_due_at = $6, resolution_due_at = $7, sla_paused_at = $8
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(ticket)
    .bind(c.policy)
    .bind(c.warn_minutes)
    .bind(c.first_response_due_at)
    .bind(c.next_reply_due_at)
    .bind(c.resolution_due_at)
    .bind(c.paused_at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Tickets whose next SLA check is due at `now`, across shops, earliest first. Found
/// through `tickets_sla_check_idx`: the cost follows the due tickets, not the open ones.
pub async fn due_tickets(
    pool: &sqlx::PgPool,
    now: DateTime<Utc>,
    limit: i32,
) -> Result<Vec<(aftersail_domain::TenantId, TicketId)>, Error> {
    sqlx::query_as("SELECT tenant_id, id FROM sla_due_tickets($1, $2)")
        .bind(now)
        .bind(limit)
        .fetch_all(pool)
        .await
}

/// A due ticket as the sweeper handles it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SweepTicket {
    pub id: TicketId,
    pub number: i64,
    pub channel: String,
    pub priority: String,
    pub assignee_id: Option<aftersail_domain::UserId>,
    pub team_id: Option<aftersail_domain::TeamId>,
    pub language: Option<String>,
    pub sla_policy_id: Option<aftersail_domain::SlaPolicyId>,
    pub sla_warn_minutes: i32,
    pub first_response_at: Option<DateTime<Utc>>,
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub next_reply_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub sla_due_at: Option<DateTime<Utc>>,
    pub sla_warned_due: Option<DateTime<Utc>>,
}

/// Locks the ticket if its check is still due (another sweeper may have handled it, or
/// holds it now: then `None`).
pub async fn lock_due(
    tx: &mut TenantTx,
    ticket: TicketId,
    now: DateTime<Utc>,
) -> Result<Option<SweepTicket>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, number, channel, priority, assignee_id, team_id, language, sla_policy_id, sla_warn_minutes,
                first_response_at, first_response_due_at, next_reply_due_at, resolution_due_at, sla_due_at,
                sla_warned_due
         FROM tickets WHERE tenant_id = $1 AND id = $2 AND sla_check_at <= $3
         FOR UPDATE SKIP LOCKED",
    )
    .bind(tenant)
    .bind(ticket)
    .bind(now)
    .fetch_optional(tx.conn())
    .await
}

/// Records a warning or breach once per ticket, target and deadline, and moves the ticket's
/// next check on. Returns false when it was recorded before.
pub async fn record(
    tx: &mut TenantTx,
    t: &SweepTicket,
    target: &str,
    kind: &str,
    due: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let column = if kind == "breach" {
        "sla_breached_due"
    } else {
        "sla_warned_due"
    };
    sqlx::query(&format!(
        "UPDATE tickets SET {column} = $3 WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant)
    .bind(t.id)
    .bind(due)
    .execute(tx.conn())
    .await?;
    let done = sqlx::query(
        "INSERT INTO sla_events (tenant_id, id, ticket_id, policy_id, target, kind, due_at, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
    )
    .bind(tenant)
    .bind(uuid::Uuid::now_v7())
    .bind(t.id)
    .bind(t.sla_policy_id)
    .bind(target)
    .bind(kind)
    .bind(due)
    .bind(at)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Raises the priority on breach, recorded in the ticket's history (no agent: the SLA did it).
pub async fn escalate(
    tx: &mut TenantTx,
    ticket: TicketId,
    from: &str,
    to: &str,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query("UPDATE tickets SET priority = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(ticket)
        .bind(to)
        .execute(tx.conn())
        .await?;
    crate::ticket_events::record(tx, ticket, None, "priority", Some(from), Some(to)).await
}
