//! Automation at run time: the event queue the rules run from (filled by triggers in the
//! transaction that made the change), timers for time rules, the loop guard, what a rule sees
//! of a ticket, and the changes rules make (each recorded in the ticket's history under the
//! rule's name). Rules as settings live in `rules`.

use std::time::Duration;

use aftersail_domain::{
    CustomerId, MessageId, OrderId, RuleId, SlaPolicyId, TeamId, TenantId, TicketId, UserId,
};
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{Error, TenantTx};

// ---------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct EventClaim {
    pub tenant_id: TenantId,
    pub id: i64,
    pub lease_id: Uuid,
    /// Claims so far, this one included.
    pub attempts: i32,
}

/// Claims queued events across shops, oldest first, for `lease`; a ticket's later events
/// wait while an earlier one is queued.
pub async fn claim_events(
    pool: &PgPool,
    limit: i32,
    lease: Duration,
) -> Result<Vec<EventClaim>, Error> {
    sqlx::query_as("SELECT tenant_id, id, lease_id, attempts FROM claim_automation_events($1, $2)")
        .bind(limit)
        .bind(lease)
        .fetch_all(pool)
        .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Event {
    pub id: i64,
    pub kind: String,
    pub ticket_id: Option<TicketId>,
    pub message_id: Option<MessageId>,
    pub order_id: Option<OrderId>,
    pub previous: Option<Json<serde_json::Value>>,
    /// `ticket_updated`: the status the update set (`None` on events queued before migration 23).
    pub status_after: Option<String>,
    pub cause: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

/// Takes the event out of the queue inside `tx` (so it is gone exactly when what it caused
/// commits). `None` when the lease was lost: another worker has it now.
pub async fn take_event(tx: &mut TenantTx, id: i64, lease: Uuid) -> Result<Option<Event>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "DELETE FROM automation_events WHERE tenant_id = $1 AND id = $2 AND lease_id = $3
         RETURNING id, kind, ticket_id, message_id, order_id, previous, status_after, cause, occurred_at",
    )
    .bind(tenant)
    .bind(id)
    .bind(lease)
    .fetch_optional(tx.conn())
    .await
}

/// A handling that failed: the event stays queued and is tried again after `retry_in`.
pub async fn event_failed(
    pool: &PgPool,
    claim: EventClaim,
    error: &str,
    retry_in: Duration,
    give_up_after: i32,
) -> Result<(), Error> {
    let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
    sqlx::query(
        "UPDATE automation_events SET last_error = $4, lease_until = now() + $5
         WHERE tenant_id = $1 AND id = $2 AND lease_id = $3",
    )
    .bind(claim.tenant_id)
    .bind(claim.id)
    .bind(claim.lease_id)
    .bind(error)
    .bind(crate::whole_millis(retry_in))
    .execute(tx.conn())
    .await?;
    // An event that keeps failing would hold back its ticket's later events forever: after
    // `give_up_after` attempts it is dropped (and logged by the caller).
    sqlx::query(
        "DELETE FROM automation_events WHERE tenant_id = $1 AND id = $2 AND lease_id = $3 AND attempts >= $4",
    )
    .bind(claim.tenant_id)
    .bind(claim.id)
    .bind(claim.lease_id)
    .bind(give_up_after)
    .execute(tx.conn())
    .await?;
    tx.commit().await
}

/// Every change made in `tx` from now on raises events caused by `cause`, so the loop guard
/// can tell a chain of rule reactions from a new event.
pub async fn set_cause(tx: &mut TenantTx, cause: &str) -> Result<(), Error> {
    sqlx::query("SELECT set_config('app.automation_cause', $1, true)")
        .bind(cause)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The loop guard: true the first time `rule` fires on `ticket` for `cause`, false after.
pub async fn first_fire(
    tx: &mut TenantTx,
    rule: RuleId,
    ticket: TicketId,
    cause: &str,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "INSERT INTO rule_fires (tenant_id, rule_id, ticket_id, cause) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
    )
    .bind(tenant)
    .bind(rule)
    .bind(ticket)
    .bind(cause)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Drops loop-guard rows fired before `before`, across shops; returns how many.
pub async fn purge_rule_fires(pool: &PgPool, before: DateTime<Utc>) -> Result<i64, Error> {
    sqlx::query_scalar("SELECT purge_old_rule_fires($1)")
        .bind(before)
        .fetch_one(pool)
        .await
}

/// How many events wait (for tests and the benchmark).
pub async fn queued_events(tx: &mut TenantTx) -> Result<i64, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar("SELECT count(*) FROM automation_events WHERE tenant_id = $1")
        .bind(tenant)
        .fetch_one(tx.conn())
        .await
}

// ---------------------------------------------------------------------------------------
// Rules as the runner reads them
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActiveRule {
    pub id: RuleId,
    pub name: String,
    pub trigger: String,
    pub definition: Json<serde_json::Value>,
    pub stop: bool,
}

/// The shop's enabled rules for `trigger` that run in the current mode, in order.
pub async fn rules_for(
    tx: &mut TenantTx,
    trigger: &str,
    holiday_mode: bool,
) -> Result<Vec<ActiveRule>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, name, trigger, definition, stop FROM rules
         WHERE tenant_id = $1 AND enabled AND trigger = $2
           AND (rule_set = 'always' OR rule_set = CASE WHEN $3 THEN 'holiday' ELSE 'regular' END)
         ORDER BY position, id",
    )
    .bind(tenant)
    .bind(trigger)
    .bind(holiday_mode)
    .fetch_all(tx.conn())
    .await
}

/// Enabled time rules counting from `anchor` (holiday mode is applied when they fire).
pub async fn time_rules_from(tx: &mut TenantTx, anchor: &str) -> Result<Vec<ActiveRule>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, name, trigger, definition, stop FROM rules
         WHERE tenant_id = $1 AND enabled AND trigger = 'time' AND definition->'time'->>'after' = $2
         ORDER BY position, id",
    )
    .bind(tenant)
    .bind(anchor)
    .fetch_all(tx.conn())
    .await
}

/// One rule as a timer needs it; `None` when it was deleted, disabled or is not active in
/// the current holiday mode.
pub async fn rule_if_active(
    tx: &mut TenantTx,
    rule: RuleId,
    holiday_mode: bool,
) -> Result<Option<ActiveRule>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, name, trigger, definition, stop FROM rules
         WHERE tenant_id = $1 AND id = $2 AND enabled
           AND (rule_set = 'always' OR rule_set = CASE WHEN $3 THEN 'holiday' ELSE 'regular' END)",
    )
    .bind(tenant)
    .bind(rule)
    .bind(holiday_mode)
    .fetch_optional(tx.conn())
    .await
}

// ---------------------------------------------------------------------------------------
// Timers
// ---------------------------------------------------------------------------------------

/// What a timer counts for: a ticket, or an order (which may have no ticket yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerSubject {
    Ticket(TicketId),
    Order(OrderId),
}

/// Schedules `rule` to fire at `due_at`; once per subject and anchor moment. With `replace`,
/// earlier timers of this rule for the subject are dropped (a newer "last message" restarts
/// the count).
pub async fn schedule_timer(
    tx: &mut TenantTx,
    rule: RuleId,
    subject: TimerSubject,
    anchor_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
    replace: bool,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    let (ticket, order) = match subject {
        TimerSubject::Ticket(t) => (Some(t), None),
        TimerSubject::Order(o) => (None, Some(o)),
    };
    if replace {
        sqlx::query(
            "DELETE FROM automation_timers WHERE tenant_id = $1 AND rule_id = $2
               AND ticket_id IS NOT DISTINCT FROM $3 AND order_id IS NOT DISTINCT FROM $4",
        )
        .bind(tenant)
        .bind(rule)
        .bind(ticket)
        .bind(order)
        .execute(tx.conn())
        .await?;
    }
    sqlx::query(
        "INSERT INTO automation_timers (tenant_id, id, rule_id, ticket_id, order_id, anchor_at, due_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
    )
    .bind(tenant)
    .bind(Uuid::now_v7())
    .bind(rule)
    .bind(ticket)
    .bind(order)
    .bind(anchor_at)
    .bind(due_at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct TimerClaim {
    pub tenant_id: TenantId,
    pub id: Uuid,
    pub lease_id: Uuid,
}

/// Claims timers due at `now` across shops (`now` is a parameter so tests drive the clock).
pub async fn claim_timers(
    pool: &PgPool,
    now: DateTime<Utc>,
    limit: i32,
    lease: Duration,
) -> Result<Vec<TimerClaim>, Error> {
    sqlx::query_as("SELECT tenant_id, id, lease_id FROM claim_automation_timers($1, $2, $3)")
        .bind(now)
        .bind(limit)
        .bind(lease)
        .fetch_all(pool)
        .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Timer {
    pub id: Uuid,
    pub rule_id: RuleId,
    pub ticket_id: Option<TicketId>,
    pub order_id: Option<OrderId>,
    pub anchor_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
}

/// Takes the timer inside `tx`; `None` when the lease was lost.
pub async fn take_timer(tx: &mut TenantTx, id: Uuid, lease: Uuid) -> Result<Option<Timer>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "DELETE FROM automation_timers WHERE tenant_id = $1 AND id = $2 AND lease_id = $3
         RETURNING id, rule_id, ticket_id, order_id, anchor_at, due_at",
    )
    .bind(tenant)
    .bind(id)
    .bind(lease)
    .fetch_optional(tx.conn())
    .await
}

// ---------------------------------------------------------------------------------------
// What rules see
// ---------------------------------------------------------------------------------------

/// The shop's automation settings.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Shop {
    pub slug: String,
    pub name: String,
    pub holiday_mode: bool,
    pub calendar_zone: Option<String>,
    pub calendar_hours: Option<Json<serde_json::Value>>,
    pub calendar_holidays: Option<Vec<chrono::NaiveDate>>,
}

pub async fn shop(tx: &mut TenantTx) -> Result<Shop, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT t.slug, t.name, t.holiday_mode, c.time_zone AS calendar_zone, c.hours AS calendar_hours,
                c.holidays AS calendar_holidays
         FROM tenants t LEFT JOIN business_calendars c ON c.tenant_id = t.id AND c.id = t.business_calendar_id
         WHERE t.id = $1",
    )
    .bind(tenant)
    .fetch_one(tx.conn())
    .await
}

/// A ticket with its customer and order, as conditions, templates and SLA see them. Read
/// with `FOR UPDATE` of the ticket: one worker at a time changes a ticket.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TicketView {
    pub id: TicketId,
    pub number: i64,
    pub channel: String,
    pub subject: String,
    pub status: String,
    pub priority: String,
    #[sqlx(rename = "type")]
    pub kind: Option<String>,
    pub assignee_id: Option<UserId>,
    pub assignee_name: Option<String>,
    pub team_id: Option<TeamId>,
    pub tags: Vec<String>,
    pub language: Option<String>,
    pub sentiment: Option<String>,
    pub intent: Option<String>,
    pub escalations: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub next_reply_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub sla_policy_id: Option<SlaPolicyId>,
    pub sla_warn_minutes: i32,
    pub sla_paused_at: Option<DateTime<Utc>>,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub customer_email: Option<String>,
    pub customer_country: Option<String>,
    pub customer_language: Option<String>,
    pub customer_tags: Vec<String>,
    pub customer_lifetime_value_minor: i64,
    pub customer_currency: String,
    pub customer_order_count: i32,
    pub customer_complaint_count: i32,
    pub order_id: Option<OrderId>,
    pub order_number: Option<String>,
    pub order_status: Option<String>,
    pub order_total_minor: Option<i64>,
    pub order_currency: Option<String>,
    pub order_shipping_country: Option<String>,
    pub order_carrier: Option<String>,
    pub order_tracking_number: Option<String>,
    pub order_ordered_at: Option<DateTime<Utc>>,
    pub order_delivered_at: Option<DateTime<Utc>>,
    /// The newest RMA opened for this ticket or its order.
    pub rma_code: Option<String>,
}

pub async fn lock_ticket(tx: &mut TenantTx, id: TicketId) -> Result<Option<TicketView>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT t.id, t.number, t.channel, t.subject, t.status, t.priority, t.type, t.assignee_id,
                u.name AS assignee_name, t.team_id, t.tags, t.language, t.sentiment, t.intent,
                t.escalations, t.created_at,
                t.first_response_at, t.first_response_due_at, t.next_reply_due_at, t.resolution_due_at,
                t.sla_policy_id, t.sla_warn_minutes, t.sla_paused_at,
                c.id AS customer_id, c.name AS customer_name, c.email AS customer_email,
                c.country AS customer_country, c.language AS customer_language, c.tags AS customer_tags,
                c.lifetime_value_minor AS customer_lifetime_value_minor, c.currency AS customer_currency,
                c.order_count AS customer_order_count, c.complaint_count AS customer_complaint_count,
                o.id AS order_id, o.external_id AS order_number, o.status AS order_status,
                o.total_minor AS order_total_minor, o.currency AS order_currency,
                o.shipping_country AS order_shipping_country, o.carrier AS order_carrier,
                o.tracking_number AS order_tracking_number, o.ordered_at AS order_ordered_at,
                o.delivered_at AS order_delivered_at,
                (SELECT r.code FROM rmas r WHERE r.tenant_id = t.tenant_id
                   AND (r.ticket_id = t.id OR (t.order_id IS NOT NULL AND r.order_id = t.order_id))
                 ORDER BY r.created_at DESC LIMIT 1) AS rma_code
         FROM tickets t
         JOIN customers c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id
         LEFT JOIN orders o ON o.tenant_id = t.tenant_id AND o.id = t.order_id
         LEFT JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.assignee_id
         WHERE t.tenant_id = $1 AND t.id = $2
         FOR UPDATE OF t",
    )
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

/// The message that started a run.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MessageView {
    pub id: MessageId,
    pub kind: String,
    pub body_text: String,
    pub language: Option<String>,
    /// What the classifier read in a buyer's message (see `messages::Classified`).
    pub intent: Option<String>,
    pub intent_confidence: Option<f32>,
    pub sentiment: Option<String>,
    pub escalations: Vec<String>,
    /// `auto_reply`, `bounce`, `bulk` (a machine wrote it) or `rule`/`bot` (we did).
    pub automated: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn message(tx: &mut TenantTx, id: MessageId) -> Result<Option<MessageView>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, kind, body_text, language, intent, intent_confidence, sentiment, escalations,
                automated, created_at FROM messages
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

/// The buyer's newest message on the ticket (what a time rule's reply answers).
pub async fn latest_inbound(
    tx: &mut TenantTx,
    ticket: TicketId,
) -> Result<Option<MessageView>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, kind, body_text, language, intent, intent_confidence, sentiment, escalations,
                automated, created_at FROM messages
         WHERE tenant_id = $1 AND ticket_id = $2 AND kind = 'inbound'
         ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(tenant)
    .bind(ticket)
    .fetch_optional(tx.conn())
    .await
}

/// Whether an agent answered on the ticket after `since`.
pub async fn agent_replied_since(
    tx: &mut TenantTx,
    ticket: TicketId,
    since: DateTime<Utc>,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM messages WHERE tenant_id = $1 AND ticket_id = $2 AND kind = 'outbound'
                          AND author_user_id IS NOT NULL AND created_at > $3)",
    )
    .bind(tenant)
    .bind(ticket)
    .bind(since)
    .fetch_one(tx.conn())
    .await
}

/// The order's newest open ticket, for order events and order timers.
pub async fn ticket_of_order(tx: &mut TenantTx, order: OrderId) -> Result<Option<TicketId>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT id FROM tickets WHERE tenant_id = $1 AND order_id = $2
         ORDER BY (status IN ('solved', 'closed')), last_message_at DESC LIMIT 1",
    )
    .bind(tenant)
    .bind(order)
    .fetch_optional(tx.conn())
    .await
}

// ---------------------------------------------------------------------------------------
// Changes rules make
// ---------------------------------------------------------------------------------------

/// A ticket property a rule may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Property {
    Status,
    Priority,
    Type,
}

impl Property {
    fn column(self) -> &'static str {
        match self {
            Property::Status => "status",
            Property::Priority => "priority",
            Property::Type => "type",
        }
    }
}

/// Sets a property and records it in the ticket's history under the rule. Returns false
/// when it already had that value (nothing written).
pub async fn set_property(
    tx: &mut TenantTx,
    ticket: TicketId,
    rule: RuleId,
    property: Property,
    value: &str,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let column = property.column();
    let previous: Option<Option<String>> = sqlx::query_scalar(&format!(
        "WITH old AS (SELECT {column} AS v FROM tickets WHERE tenant_id = $1 AND id = $2)
         UPDATE tickets SET {column} = $3 FROM old
         WHERE tickets.tenant_id = $1 AND tickets.id = $2 AND old.v IS DISTINCT FROM $3
         RETURNING old.v"
    ))
    .bind(tenant)
    .bind(ticket)
    .bind(value)
    .fetch_optional(tx.conn())
    .await?;
    let Some(previous) = previous else {
        return Ok(false);
    };
    history(tx, ticket, rule, column, previous.as_deref(), Some(value)).await?;
    Ok(true)
}

/// Adds and removes tags (normalised by the caller); returns false when nothing changed.
pub async fn change_tags(
    tx: &mut TenantTx,
    ticket: TicketId,
    rule: RuleId,
    add: &[String],
    remove: &[String],
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let changed: Option<(Vec<String>, Vec<String>)> = sqlx::query_as(
        "WITH old AS (SELECT tags FROM tickets WHERE tenant_id = $1 AND id = $2),
              new AS (SELECT ARRAY(SELECT DISTINCT x FROM unnest(old.tags || $3::text[]) AS x
                                   WHERE NOT x = ANY($4::text[]) ORDER BY x) AS tags FROM old)
         UPDATE tickets SET tags = new.tags FROM old, new
         WHERE tickets.tenant_id = $1 AND tickets.id = $2 AND old.tags IS DISTINCT FROM new.tags
         RETURNING old.tags, new.tags",
    )
    .bind(tenant)
    .bind(ticket)
    .bind(add)
    .bind(remove)
    .fetch_optional(tx.conn())
    .await?;
    let Some((old, new)) = changed else {
        return Ok(false);
    };
    history(
        tx,
        ticket,
        rule,
        "tags",
        Some(&old.join(", ")),
        Some(&new.join(", ")),
    )
    .await?;
    Ok(true)
}

/// Assigns (or, with `None`, unassigns) and, for automatic picks, moves the agent to the back
/// of the round-robin line. Returns false when nothing changed.
pub async fn assign(
    tx: &mut TenantTx,
    ticket: TicketId,
    rule: Option<RuleId>,
    user: Option<UserId>,
    team: Option<TeamId>,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let previous: Option<(Option<String>, Option<String>)> = sqlx::query_as(
        "WITH old AS (SELECT t.assignee_id, u.name AS assignee_name, t.team_id FROM tickets t
                      LEFT JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.assignee_id
                      WHERE t.tenant_id = $1 AND t.id = $2)
         UPDATE tickets SET assignee_id = $3, team_id = coalesce($4, tickets.team_id) FROM old
         WHERE tickets.tenant_id = $1 AND tickets.id = $2
           AND (old.assignee_id IS DISTINCT FROM $3 OR ($4::uuid IS NOT NULL AND old.team_id IS DISTINCT FROM $4))
         RETURNING old.assignee_name,
                   (SELECT name FROM users WHERE tenant_id = $1 AND id = $3)",
    )
    .bind(tenant)
    .bind(ticket)
    .bind(user)
    .bind(team)
    .fetch_optional(tx.conn())
    .await?;
    let Some((from, to)) = previous else {
        return Ok(false);
    };
    if let Some(user) = user {
        // The wall clock, not `at`: the round-robin line must move even when a test or a
        // replay hands every run the same instant.
        sqlx::query("UPDATE users SET last_assigned_at = clock_timestamp() WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(user)
            .execute(tx.conn())
            .await?;
    }
    match rule {
        Some(rule) => history(tx, ticket, rule, "assignee", from.as_deref(), to.as_deref()).await?,
        None => {
            crate::ticket_events::record(
                tx,
                ticket,
                None,
                "assignee",
                from.as_deref(),
                to.as_deref(),
            )
            .await?
        }
    }
    Ok(true)
}

/// An agent who may be picked, with what assignment weighs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Candidate {
    pub user_id: UserId,
    pub available: bool,
    pub languages: Vec<String>,
    pub open_tickets: i64,
    pub last_assigned_at: Option<DateTime<Utc>>,
}

/// Active agents (of `team`, or all), with their open load. Locks their rows so two workers
/// assigning at once take turns and round robin stays fair.
pub async fn candidates(tx: &mut TenantTx, team: Option<TeamId>) -> Result<Vec<Candidate>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT u.id AS user_id, u.available, u.languages, u.last_assigned_at,
                (SELECT count(*) FROM tickets t WHERE t.tenant_id = u.tenant_id AND t.assignee_id = u.id
                   AND t.status IN ('new', 'open', 'pending', 'on_hold')) AS open_tickets
         FROM users u
         WHERE u.tenant_id = $1 AND u.active
           AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM team_members m
                                            WHERE m.tenant_id = u.tenant_id AND m.team_id = $2 AND m.user_id = u.id))
         ORDER BY u.id
         FOR UPDATE OF u",
    )
    .bind(tenant)
    .bind(team)
    .fetch_all(tx.conn())
    .await
}

/// An internal note nobody typed (a rule's, the SLA sweeper's).
pub async fn note(
    tx: &mut TenantTx,
    ticket: TicketId,
    channel: &str,
    text: &str,
    at: DateTime<Utc>,
) -> Result<MessageId, Error> {
    crate::messages::create(
        tx,
        crate::messages::NewMessage {
            ticket_id: ticket,
            kind: "note",
            author: None,
            body_text: text,
            language: None,
            channel,
            external_id: None,
            delivery_state: None,
            at,
        },
    )
    .await
}

/// Queues a webhook call for the rule webhook worker.
pub async fn queue_webhook(
    tx: &mut TenantTx,
    rule: RuleId,
    ticket: Option<TicketId>,
    url: &str,
    payload: &serde_json::Value,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "INSERT INTO rule_webhook_calls (tenant_id, id, rule_id, ticket_id, url, payload)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(tenant)
    .bind(Uuid::now_v7())
    .bind(rule)
    .bind(ticket)
    .bind(url)
    .bind(payload)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A line in the ticket's history, with the rule as the actor.
pub async fn history(
    tx: &mut TenantTx,
    ticket: TicketId,
    rule: RuleId,
    kind: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "INSERT INTO ticket_events (tenant_id, id, ticket_id, actor_id, kind, from_value, to_value, rule_id)
         VALUES ($1, $2, $3, NULL, $4, $5, $6, $7)",
    )
    .bind(tenant)
    .bind(Uuid::now_v7())
    .bind(ticket)
    .bind(kind)
    .bind(from)
    .bind(to)
    .bind(rule)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A reply template as a rule sends it: the default body, the per-language bodies and the
/// actions applied with it.
#[derive(Debug, Clone)]
pub struct TemplateForReply {
    pub name: String,
    pub body: String,
    pub bodies: Vec<(String, String)>,
    pub actions: serde_json::Value,
}

pub async fn template_for_reply(
    tx: &mut TenantTx,
    id: aftersail_domain::ReplyTemplateId,
) -> Result<Option<TemplateForReply>, Error> {
    let tenant = tx.tenant();
    let row: Option<(String, String, Json<serde_json::Value>)> = sqlx::query_as(
        "SELECT name, body, actions FROM reply_templates WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await?;
    let Some((name, body, actions)) = row else {
        return Ok(None);
    };
    let bodies = sqlx::query_as(
        "SELECT language, body FROM reply_template_bodies WHERE tenant_id = $1 AND template_id = $2
         ORDER BY language",
    )
    .bind(tenant)
    .bind(id)
    .fetch_all(tx.conn())
    .await?;
    Ok(Some(TemplateForReply {
        name,
        body,
        bodies,
        actions: actions.0,
    }))
}

/// The order's open RMA, if any (a rule does not open a second one).
pub async fn open_rma_of_order(tx: &mut TenantTx, order: OrderId) -> Result<Option<String>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT code FROM rmas WHERE tenant_id = $1 AND order_id = $2
           AND status NOT IN ('rejected', 'refunded', 'closed')
         ORDER BY created_at DESC LIMIT 1",
    )
    .bind(tenant)
    .bind(order)
    .fetch_optional(tx.conn())
    .await
}
