//! The rule runner: handles the automation event queue (ticket created, message received,
//! ticket updated, order events) and due timers of time rules.
//!
//! Each event is handled in ONE transaction that takes it out of the queue, keeps the SLA
//! clocks (policy, next reply, pause/resume), schedules timers, evaluates the rules for its
//! trigger and carries out their actions, and logs every run. A crash anywhere loses nothing
//! and repeats nothing: the event comes back after its lease and the transaction that would
//! have done it twice never committed. Several workers never fire a rule twice: events are
//! leased, a ticket's events are handled in order, and `rule_fires` is the loop guard (a rule
//! fires at most once per ticket per originating event, so rules that undo each other stop).

mod actions;
mod bot;
mod csat_survey;
mod facts;
pub mod sla_clock;
mod values;

use std::time::Duration;

use aftersail_db::automation::{self, ActiveRule, EventClaim, MessageView, TimerSubject};
use aftersail_db::rule_runs::{self, NewRun};
use aftersail_db::TenantTx;
use aftersail_domain::rules::{evaluate, Definition, TimeAnchor, Trigger};
use aftersail_domain::sla::calendar::Clock;
use aftersail_domain::{RuleId, TicketId};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

pub use actions::reassign_to_team;

const CLAIM: i32 = 64;
const IDLE_WAIT: Duration = Duration::from_millis(500);
/// A failing event is retried this many times, then dropped with an error in the log.
pub const MAX_ATTEMPTS: i32 = 8;

/// What the runner needs from the configuration.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The public address of the app, for `{{portal.return_url}}`.
    pub public_url: Option<String>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub events: usize,
    pub timers: usize,
    pub failed: usize,
}

impl Round {
    pub fn busy(&self) -> bool {
        self.events + self.timers + self.failed > 0
    }
}

/// One pass: the queued events, then the timers due at `now` (a parameter, so tests drive
/// the clock).
pub async fn run_once(
    pool: &PgPool,
    settings: &Settings,
    now: DateTime<Utc>,
    lease: Duration,
) -> anyhow::Result<Round> {
    let mut round = Round::default();
    for claim in automation::claim_events(pool, CLAIM, lease).await? {
        match handle_event(pool, settings, claim, now).await {
            Ok(()) => round.events += 1,
            Err(err) => {
                round.failed += 1;
                if claim.attempts >= MAX_ATTEMPTS {
                    tracing::error!(tenant = %claim.tenant_id, event = claim.id, error = ?err, "automation event failed for the last time; dropped");
                } else {
                    tracing::warn!(tenant = %claim.tenant_id, event = claim.id, error = ?err, "automation event failed; retried later");
                }
                let retry = crate::backoff::delay(
                    claim.attempts.max(1) as u32,
                    Duration::from_secs(5),
                    Duration::from_secs(600),
                    &mut rand::thread_rng(),
                );
                automation::event_failed(pool, claim, &format!("{err:#}"), retry, MAX_ATTEMPTS)
                    .await?;
            }
        }
    }
    for claim in automation::claim_timers(pool, now, CLAIM, lease).await? {
        match handle_timer(pool, settings, claim, now).await {
            Ok(()) => round.timers += 1,
            Err(err) => {
                round.failed += 1;
                tracing::warn!(tenant = %claim.tenant_id, timer = %claim.id, error = ?err, "automation timer failed; retried after its lease");
            }
        }
    }
    Ok(round)
}

pub async fn run(pool: PgPool, settings: Settings, lease: Duration, token: CancellationToken) {
    crate::repeat("automation", IDLE_WAIT, &token, || async {
        Ok(run_once(&pool, &settings, Utc::now(), lease).await?.busy())
    })
    .await;
}

/// Shop-wide facts for one transaction.
struct Shop {
    name: String,
    holiday_mode: bool,
    /// The app's public address (for the shop's public pages) and the shop's slug.
    public_url: Option<String>,
    slug: String,
    hours: Option<Clock>,
}

async fn shop(tx: &mut TenantTx, settings: &Settings) -> anyhow::Result<Shop> {
    let s = automation::shop(tx).await?;
    let hours = match &s.calendar_zone {
        Some(zone) => sla_clock::clock(
            Some(zone),
            s.calendar_hours.as_ref().map(|h| &h.0),
            s.calendar_holidays.as_deref(),
        )
        .ok(),
        None => None,
    };
    Ok(Shop {
        public_url: settings.public_url.clone(),
        slug: s.slug,
        name: s.name,
        holiday_mode: s.holiday_mode,
        hours,
    })
}

async fn handle_event(
    pool: &PgPool,
    settings: &Settings,
    claim: EventClaim,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
    let Some(event) = automation::take_event(&mut tx, claim.id, claim.lease_id).await? else {
        return Ok(());
    };
    let cause = event
        .cause
        .clone()
        .unwrap_or_else(|| format!("event:{}", event.id));
    automation::set_cause(&mut tx, &cause).await?;
    let shop = shop(&mut tx, settings).await?;
    let previous = event.previous.as_ref().map(|p| p.0.clone());
    let at = event.occurred_at;
    match event.kind.as_str() {
        "ticket_created" => {
            let Some(ticket) = event.ticket_id else {
                return commit(tx).await;
            };
            if let Some(t) = automation::lock_ticket(&mut tx, ticket).await? {
                sla_clock::on_created(&mut tx, &t).await?;
            }
            schedule(
                &mut tx,
                TimeAnchor::TicketCreated,
                TimerSubject::Ticket(ticket),
                at,
                false,
            )
            .await?;
            let run = Run {
                trigger: Trigger::TicketCreated,
                ticket,
                message: None,
                previous: None,
            };
            run_rules(&mut tx, &shop, &cause, run, now).await?;
        }
        "message_received" => {
            let (Some(ticket), Some(message)) = (event.ticket_id, event.message_id) else {
                return commit(tx).await;
            };
            let Some(m) = automation::message(&mut tx, message).await? else {
                return commit(tx).await;
            };
            if m.automated.is_none() {
                if let Some(t) = automation::lock_ticket(&mut tx, ticket).await? {
                    sla_clock::on_inbound(&mut tx, &t, m.created_at).await?;
                }
            }
            schedule(
                &mut tx,
                TimeAnchor::LastInbound,
                TimerSubject::Ticket(ticket),
                at,
                true,
            )
            .await?;
            let run = Run {
                trigger: Trigger::MessageReceived,
                ticket,
                message: Some(m),
                previous: None,
            };
            run_rules(&mut tx, &shop, &cause, run, now).await?;
        }
        "message_sent" => {
            if let Some(ticket) = event.ticket_id {
                schedule(
                    &mut tx,
                    TimeAnchor::LastOutbound,
                    TimerSubject::Ticket(ticket),
                    at,
                    true,
                )
                .await?;
            }
        }
        "ticket_updated" => {
            let Some(ticket) = event.ticket_id else {
                return commit(tx).await;
            };
            let Some(t) = automation::lock_ticket(&mut tx, ticket).await? else {
                return commit(tx).await;
            };
            let before = |key: &str| {
                previous
                    .as_ref()
                    .and_then(|p| p.get(key))
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned)
            };
            // This event's own change, from the status before it to the status it set: an
            // update handled after later ones (queued together) is still that update. Events
            // queued before migration 23 did not record the status they set; for them, the
            // ticket's status now.
            let old_status = before("status").unwrap_or_default();
            let new_status = event
                .status_after
                .clone()
                .unwrap_or_else(|| t.status.clone());
            if old_status != new_status {
                sla_clock::on_status_change(&mut tx, &t, &old_status, &new_status, at).await?;
                // A survey for a solve, while the ticket is still solved.
                if new_status == "solved" && t.status == "solved" {
                    csat_survey::after_solve(&mut tx, &shop, &t).await?;
                }
                // The "pending for …" timer, while the ticket still waits on the buyer.
                if new_status == "pending" && t.status == "pending" {
                    schedule(
                        &mut tx,
                        TimeAnchor::BecamePending,
                        TimerSubject::Ticket(ticket),
                        at,
                        true,
                    )
                    .await?;
                }
            }
            if before("priority").as_deref() != Some(t.priority.as_str())
                || before("type") != t.kind
            {
                let t = automation::lock_ticket(&mut tx, ticket).await?.unwrap_or(t);
                sla_clock::on_reclassified(&mut tx, &t).await?;
            }
            let run = Run {
                trigger: Trigger::TicketUpdated,
                ticket,
                message: None,
                previous,
            };
            run_rules(&mut tx, &shop, &cause, run, now).await?;
        }
        "order_created" => {
            if let Some(order) = event.order_id {
                schedule(
                    &mut tx,
                    TimeAnchor::OrderCreated,
                    TimerSubject::Order(order),
                    at,
                    false,
                )
                .await?;
            }
        }
        "order_updated" => {
            let Some(order) = event.order_id else {
                return commit(tx).await;
            };
            let flag = |key: &str| {
                previous
                    .as_ref()
                    .and_then(|p| p.get(key))
                    .and_then(serde_json::Value::as_bool)
                    .unwrap_or(false)
            };
            if flag("shipped") {
                schedule(
                    &mut tx,
                    TimeAnchor::OrderShipped,
                    TimerSubject::Order(order),
                    at,
                    false,
                )
                .await?;
            }
            if flag("delivered") {
                schedule(
                    &mut tx,
                    TimeAnchor::OrderDelivered,
                    TimerSubject::Order(order),
                    at,
                    false,
                )
                .await?;
            }
            if let Some(ticket) = automation::ticket_of_order(&mut tx, order).await? {
                let run = Run {
                    trigger: Trigger::OrderUpdated,
                    ticket,
                    message: None,
                    previous: None,
                };
                run_rules(&mut tx, &shop, &cause, run, now).await?;
            }
        }
        other => tracing::warn!(kind = other, "unknown automation event ignored"),
    }
    commit(tx).await
}

async fn commit(tx: TenantTx) -> anyhow::Result<()> {
    tx.commit().await?;
    Ok(())
}

/// Timers for the time rules counting from `anchor`.
async fn schedule(
    tx: &mut TenantTx,
    anchor: TimeAnchor,
    subject: TimerSubject,
    at: DateTime<Utc>,
    replace: bool,
) -> anyhow::Result<()> {
    for rule in automation::time_rules_from(tx, anchor.as_str()).await? {
        let Ok(def) = serde_json::from_value::<Definition>(rule.definition.0.clone()) else {
            continue;
        };
        let Some(time) = def.time else { continue };
        let due = at + chrono::Duration::minutes(i64::from(time.minutes));
        automation::schedule_timer(tx, rule.id, subject, at, due, replace).await?;
    }
    Ok(())
}

/// One evaluation round: which ticket, why, with which message and previous values.
struct Run {
    trigger: Trigger,
    ticket: TicketId,
    message: Option<MessageView>,
    previous: Option<serde_json::Value>,
}

async fn run_rules(
    tx: &mut TenantTx,
    shop: &Shop,
    cause: &str,
    run: Run,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let rules = automation::rules_for(tx, run.trigger.as_str(), shop.holiday_mode).await?;
    for rule in rules {
        let stop = run_rule(tx, shop, cause, &rule, &run, run.trigger.as_str(), now).await?;
        if stop {
            break;
        }
    }
    Ok(())
}

/// Evaluates one rule against the ticket as it is now and carries out its actions; every
/// evaluation is logged. Returns whether later rules must not run (matched with stop).
async fn run_rule(
    tx: &mut TenantTx,
    shop: &Shop,
    cause: &str,
    rule: &ActiveRule,
    run: &Run,
    event: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let log = |matched: bool, actions: Vec<String>, errors: Vec<String>| RunLog {
        rule: rule.id,
        ticket: run.ticket,
        event: event.to_owned(),
        matched,
        actions,
        errors,
        at: now,
    };
    let def: Definition = match serde_json::from_value(rule.definition.0.clone()) {
        Ok(def) => def,
        Err(err) => {
            log(
                false,
                vec![],
                vec![format!("the rule cannot be read: {err}")],
            )
            .write(tx)
            .await?;
            return Ok(false);
        }
    };
    // Re-read for every rule: an earlier rule may have changed the ticket.
    let Some(ticket) = automation::lock_ticket(tx, run.ticket).await? else {
        return Ok(false);
    };
    let facts = facts::build(
        &ticket,
        run.message.as_ref(),
        run.previous.as_ref(),
        shop.hours.as_ref(),
        now,
    );
    let outcome = evaluate(&def.conditions, &facts);
    if !outcome.matched {
        log(false, vec![], vec![]).write(tx).await?;
        return Ok(false);
    }
    if !automation::first_fire(tx, rule.id, ticket.id, cause).await? {
        let guard = "loop guard: this rule already fired on this ticket for this event".to_owned();
        log(true, vec![], vec![guard]).write(tx).await?;
        return Ok(rule.stop);
    }
    let ctx = actions::RunContext {
        rule: rule.id,
        rule_name: &rule.name,
        cause,
        event,
        shop_name: &shop.name,
        links: shop
            .public_url
            .as_deref()
            .map(|base| actions::PublicLinks::new(base, &shop.slug)),
        now,
    };
    let done = actions::execute(tx, &ctx, &def.actions, &ticket, run.message.as_ref()).await?;
    log(true, done.done, done.errors).write(tx).await?;
    Ok(rule.stop)
}

struct RunLog {
    rule: RuleId,
    ticket: TicketId,
    event: String,
    matched: bool,
    actions: Vec<String>,
    errors: Vec<String>,
    at: DateTime<Utc>,
}

impl RunLog {
    async fn write(self, tx: &mut TenantTx) -> anyhow::Result<()> {
        rule_runs::record(
            tx,
            NewRun {
                rule_id: self.rule,
                ticket_id: Some(self.ticket),
                event: &self.event,
                matched: self.matched,
                actions: &self.actions,
                errors: &self.errors,
                at: self.at,
            },
        )
        .await?;
        Ok(())
    }
}

async fn handle_timer(
    pool: &PgPool,
    settings: &Settings,
    claim: automation::TimerClaim,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
    let Some(timer) = automation::take_timer(&mut tx, claim.id, claim.lease_id).await? else {
        return Ok(());
    };
    let shop = shop(&mut tx, settings).await?;
    let Some(rule) = automation::rule_if_active(&mut tx, timer.rule_id, shop.holiday_mode).await?
    else {
        return commit(tx).await;
    };
    let ticket = match (timer.ticket_id, timer.order_id) {
        (Some(ticket), _) => Some(ticket),
        (None, Some(order)) => automation::ticket_of_order(&mut tx, order).await?,
        (None, None) => None,
    };
    let event = describe_time_rule(&rule);
    let Some(ticket) = ticket else {
        // An order-anchored rule for an order nobody has written about: nothing to act on.
        return commit(tx).await;
    };
    let cause = format!("timer:{}", timer.id);
    automation::set_cause(&mut tx, &cause).await?;
    let run = Run {
        trigger: Trigger::Time,
        ticket,
        message: None,
        previous: None,
    };
    run_rule(&mut tx, &shop, &cause, &rule, &run, &event, now).await?;
    commit(tx).await
}

fn describe_time_rule(rule: &ActiveRule) -> String {
    serde_json::from_value::<Definition>(rule.definition.0.clone())
        .ok()
        .and_then(|d| d.time)
        .map(|t| format!("time: {} min after {}", t.minutes, t.after.as_str()))
        .unwrap_or_else(|| "time".to_owned())
}
