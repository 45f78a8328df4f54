//! The SLA sweeper: finds tickets whose warning point or deadline has come (through the
//! `sla_check_at` index, so a sweep costs what is due, not what is open), records the
//! warning or breach once, and on breach does what the policy says: raise the priority,
//! notify, hand the ticket to a team.
//!
//! Several sweepers may run: each ticket is locked (`SKIP LOCKED`) and re-checked before it
//! is handled, and `sla_events` holds one row per ticket, target, kind and deadline.

use std::time::Duration;

use aftersail_db::notifications::{self, Recipients};
use aftersail_db::sla::{self, SweepTicket};
use aftersail_db::{ticket_events, TenantTx};
use aftersail_domain::sla::policy::{short_duration, Target};
use aftersail_domain::TenantId;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

/// Tickets looked at per query.
pub const BATCH: i32 = 500;
const IDLE_WAIT: Duration = Duration::from_secs(15);

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub warned: usize,
    pub breached: usize,
}

/// Sweeps everything due at `now` (a parameter, so tests and the benchmark drive the clock).
pub async fn run_once(pool: &PgPool, now: DateTime<Utc>) -> anyhow::Result<Round> {
    let mut round = Round::default();
    loop {
        let due = sla::due_tickets(pool, now, BATCH).await?;
        let mut handled = 0;
        for (tenant, ticket) in &due {
            if sweep_one(pool, *tenant, *ticket, now, &mut round).await? {
                handled += 1;
            }
        }
        // A short page is the end; a page where nothing could be handled (all locked by
        // another sweeper) is left to the next round.
        if due.len() < BATCH as usize || handled == 0 {
            return Ok(round);
        }
    }
}

pub async fn run(pool: PgPool, token: CancellationToken) {
    crate::repeat("SLA sweep", IDLE_WAIT, &token, || async {
        let round = run_once(&pool, Utc::now()).await?;
        if round.warned + round.breached > 0 {
            tracing::info!(
                warned = round.warned,
                breached = round.breached,
                "SLA sweep"
            );
        }
        Ok(false)
    })
    .await;
}

async fn sweep_one(
    pool: &PgPool,
    tenant: TenantId,
    ticket: aftersail_domain::TicketId,
    now: DateTime<Utc>,
    round: &mut Round,
) -> anyhow::Result<bool> {
    let mut tx = TenantTx::begin(pool, tenant).await?;
    let Some(t) = sla::lock_due(&mut tx, ticket, now).await? else {
        return Ok(false);
    };
    let Some(due) = t.sla_due_at else {
        return Ok(false);
    };
    let target = target_of(&t, due);
    if now >= due {
        if sla::record(&mut tx, &t, target.as_str(), "breach", due, now).await? {
            round.breached += 1;
            on_breach(&mut tx, &t, target, due, now).await?;
        }
    } else {
        if sla::record(&mut tx, &t, target.as_str(), "warning", due, now).await? {
            round.warned += 1;
            let text = format!(
                "#{}: {} due in {} (SLA warning)",
                t.number,
                label(target),
                short_duration(due - now)
            );
            notifications::notify(&mut tx, owner(&t), Some(t.id), &text, now).await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// The deadline the ticket races (`sla_due_at` is the earliest of the running ones).
fn target_of(t: &SweepTicket, due: DateTime<Utc>) -> Target {
    if t.first_response_at.is_none() && t.first_response_due_at == Some(due) {
        Target::FirstReply
    } else if t.next_reply_due_at == Some(due) {
        Target::NextReply
    } else {
        Target::Resolution
    }
}

fn label(target: Target) -> &'static str {
    match target {
        Target::FirstReply => "First reply",
        Target::NextReply => "Next reply",
        Target::Resolution => "Resolution",
    }
}

/// Who hears about a ticket's SLA: its assignee, else its team, else the admins.
fn owner(t: &SweepTicket) -> Recipients {
    match (t.assignee_id, t.team_id) {
        (Some(_), _) => Recipients::Assignee(t.id),
        (None, Some(team)) => Recipients::Team(team),
        (None, None) => Recipients::Admins,
    }
}

/// The policy's breach actions.
async fn on_breach(
    tx: &mut TenantTx,
    t: &SweepTicket,
    target: Target,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    ticket_events::record(tx, t.id, None, "sla_breach", None, Some(target.as_str())).await?;
    let Some(policy) = (match t.sla_policy_id {
        Some(id) => sla::policy(tx, id).await?,
        None => None,
    }) else {
        return Ok(());
    };
    if let Some(priority) = &policy.breach_priority {
        if rank(priority) > rank(&t.priority) {
            sla::escalate(tx, t.id, &t.priority, priority).await?;
        }
    }
    let text = format!(
        "#{}: {} breached (was due {} ago) — {}",
        t.number,
        label(target),
        short_duration(now - due),
        policy.name
    );
    let notify = match policy.breach_notify.as_deref() {
        Some("assignee") => Some(owner(t)),
        Some("team") => t.team_id.map(Recipients::Team).or(Some(owner(t))),
        Some("admins") => Some(Recipients::Admins),
        _ => None,
    };
    if let Some(to) = notify {
        notifications::notify(tx, to, Some(t.id), &text, now).await?;
    }
    if let Some(team) = policy.breach_team_id {
        if t.team_id != Some(team) {
            crate::automation::reassign_to_team(tx, t.id, team, t.language.as_deref()).await?;
        }
    }
    Ok(())
}

fn rank(priority: &str) -> u8 {
    match priority {
        "low" => 0,
        "normal" => 1,
        "high" => 2,
        _ => 3,
    }
}
