//! SLA policies as settings: which tickets they match, their targets, the calendar their
//! clocks count in and what happens on a breach. Ordered: the first enabled policy (lowest
//! position) that matches a ticket applies. (Clocks at run time: `sla`.)

use aftersail_domain::{CalendarId, SlaPolicyId, TeamId};
use chrono::{DateTime, Utc};

use crate::{Error, TenantTx};

/// The unique index that keeps names distinct (case-insensitively) within a shop.
pub const NAME_KEY: &str = "sla_policies_name_key";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Policy {
    pub id: SlaPolicyId,
    pub name: String,
    pub position: i32,
    pub enabled: bool,
    /// Empty lists match any ticket.
    pub channels: Vec<String>,
    pub priorities: Vec<String>,
    pub types: Vec<String>,
    pub customer_tags: Vec<String>,
    pub first_reply_minutes: Option<i32>,
    pub next_reply_minutes: Option<i32>,
    pub resolution_minutes: Option<i32>,
    /// `None`: calendar hours (every hour counts).
    pub calendar_id: Option<CalendarId>,
    pub calendar_name: Option<String>,
    pub warn_minutes: i32,
    pub breach_priority: Option<String>,
    pub breach_notify: Option<String>,
    pub breach_team_id: Option<TeamId>,
    pub updated_at: DateTime<Utc>,
}

/// What a policy form sets (everything but its place in the order and whether it is on).
#[derive(Debug, Clone, Default)]
pub struct PolicyInput {
    pub name: String,
    pub channels: Vec<String>,
    pub priorities: Vec<String>,
    pub types: Vec<String>,
    pub customer_tags: Vec<String>,
    pub first_reply_minutes: Option<i32>,
    pub next_reply_minutes: Option<i32>,
    pub resolution_minutes: Option<i32>,
    pub calendar_id: Option<CalendarId>,
    pub warn_minutes: i32,
    pub breach_priority: Option<String>,
    pub breach_notify: Option<String>,
    pub breach_team_id: Option<TeamId>,
}

const SELECT: &str =
    "SELECT p.id, p.name, p.position, p.enabled, p.channels, p.priorities, p.types,
        p.customer_tags, p.first_reply_minutes, p.next_reply_minutes, p.resolution_minutes,
        p.calendar_id, c.name AS calendar_name, p.warn_minutes, p.breach_priority, p.breach_notify,
        p.breach_team_id, p.updated_at
     FROM sla_policies p
     LEFT JOIN business_calendars c ON c.tenant_id = p.tenant_id AND c.id = p.calendar_id
     WHERE p.tenant_id = $1";

/// Every policy, in order.
pub async fn list(tx: &mut TenantTx) -> Result<Vec<Policy>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!("{SELECT} ORDER BY p.position, p.id"))
        .bind(tenant)
        .fetch_all(tx.conn())
        .await
}

pub async fn get(tx: &mut TenantTx, id: SlaPolicyId) -> Result<Option<Policy>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!("{SELECT} AND p.id = $2"))
        .bind(tenant)
        .bind(id)
        .fetch_optional(tx.conn())
        .await
}

/// A new policy, last in the order, enabled.
pub async fn create(tx: &mut TenantTx, p: &PolicyInput) -> Result<SlaPolicyId, Error> {
    let tenant = tx.tenant();
    let id = SlaPolicyId::new();
    sqlx::query(
        "INSERT INTO sla_policies (tenant_id, id, name, position, channels, priorities, types,
             customer_tags, first_reply_minutes, next_reply_minutes, resolution_minutes, calendar_id,
             warn_minutes, breach_priority, breach_notify, breach_team_id)
         VALUES ($1, $2, $3,
             (SELECT coalesce(max(position), 0) + 1 FROM sla_policies WHERE tenant_id = $1),
             $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(tenant)
    .bind(id)
    .bind(&p.name)
    .bind(&p.channels)
    .bind(&p.priorities)
    .bind(&p.types)
    .bind(&p.customer_tags)
    .bind(p.first_reply_minutes)
    .bind(p.next_reply_minutes)
    .bind(p.resolution_minutes)
    .bind(p.calendar_id)
    .bind(p.warn_minutes)
    .bind(&p.breach_priority)
    .bind(&p.breach_notify)
    .bind(p.breach_team_id)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

/// Returns false when there is no such policy in the shop.
pub async fn update(tx: &mut TenantTx, id: SlaPolicyId, p: &PolicyInput) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE sla_policies SET name = $3, channels = $4, priorities = $5, types = $6,
             customer_tags = $7, first_reply_minutes = $8, next_reply_minutes = $9,
             resolution_minutes = $10, calendar_id = $11, warn_minutes = $12, breach_priority = $13,
             breach_notify = $14, breach_team_id = $15, updated_at = now()
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(&p.name)
    .bind(&p.channels)
    .bind(&p.priorities)
    .bind(&p.types)
    .bind(&p.customer_tags)
    .bind(p.first_reply_minutes)
    .bind(p.next_reply_minutes)
    .bind(p.resolution_minutes)
    .bind(p.calendar_id)
    .bind(p.warn_minutes)
    .bind(&p.breach_priority)
    .bind(&p.breach_notify)
    .bind(p.breach_team_id)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Returns false when there is no such policy in the shop.
pub async fn set_enabled(tx: &mut TenantTx, id: SlaPolicyId, enabled: bool) -> Result<bool, Error> {
    crate::ordering::set_enabled(tx, "sla_policies", id.0, enabled).await
}

/// Returns the deleted policy's name, or `None` when there was no such policy. Tickets it
/// applied to keep their deadlines (their `sla_policy_id` becomes empty).
pub async fn delete(tx: &mut TenantTx, id: SlaPolicyId) -> Result<Option<String>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar("DELETE FROM sla_policies WHERE tenant_id = $1 AND id = $2 RETURNING name")
        .bind(tenant)
        .bind(id)
        .fetch_optional(tx.conn())
        .await
}

/// Swaps the policy with its neighbour above (`up`) or below. `None`: no such policy;
/// `Some(false)`: already first (or last), nothing changed.
pub async fn move_policy(
    tx: &mut TenantTx,
    id: SlaPolicyId,
    up: bool,
) -> Result<Option<bool>, Error> {
    crate::ordering::swap(tx, "sla_policies", id.0, up).await
}
