//! The SLA side of automation events: which policy applies, deadlines when a ticket is
//! created or its priority/type changes, the next-reply clock when the buyer writes again,
//! and pausing while the ticket waits on the buyer.

use aftersail_db::automation::TicketView;
use aftersail_db::sla::{self, Clocks, PolicyForClock};
use aftersail_db::TenantTx;
use aftersail_domain::sla::calendar::{Calendar, Clock, WeeklyHours};
use aftersail_domain::sla::policy::{self as sla_policy, PolicyMatch, SlaSubject};
use aftersail_domain::ticket::{Priority, TicketType};
use chrono::{DateTime, Duration, Utc};

/// A calendar stored as time zone + weekly hours JSON + holidays; `None` zone: calendar hours.
pub fn clock(
    zone: Option<&str>,
    hours: Option<&serde_json::Value>,
    holidays: Option<&[chrono::NaiveDate]>,
) -> Result<Clock, String> {
    let Some(zone) = zone else {
        return Ok(Clock::Calendar);
    };
    let zone: chrono_tz::Tz = zone
        .parse()
        .map_err(|_| format!("unknown time zone {zone}"))?;
    let hours: Vec<WeeklyHours> = serde_json::from_value(hours.cloned().unwrap_or_default())
        .map_err(|e| format!("unreadable weekly hours: {e}"))?;
    let calendar = Calendar::new(zone, hours, holidays.unwrap_or_default().to_vec())
        .map_err(|e| e.to_string())?;
    Ok(Clock::Business(calendar))
}

pub fn policy_clock(p: &PolicyForClock) -> Result<Clock, String> {
    clock(
        p.calendar_zone.as_deref(),
        p.calendar_hours.as_ref().map(|h| &h.0),
        p.calendar_holidays.as_deref(),
    )
}

fn matches(p: &PolicyForClock, t: &TicketView) -> bool {
    let m = PolicyMatch {
        channels: p.channels.clone(),
        priorities: p
            .priorities
            .iter()
            .filter_map(|c| Priority::parse(c))
            .collect(),
        types: p
            .types
            .iter()
            .filter_map(|c| TicketType::parse(c))
            .collect(),
        customer_tags: p.customer_tags.clone(),
    };
    let Some(priority) = Priority::parse(&t.priority) else {
        return false;
    };
    m.matches(&SlaSubject {
        channel: &t.channel,
        priority,
        ticket_type: t.kind.as_deref().and_then(TicketType::parse),
        customer_tags: &t.customer_tags,
    })
}

fn minutes(m: Option<i32>) -> Option<Duration> {
    m.filter(|m| *m > 0)
        .map(|m| Duration::minutes(i64::from(m)))
}

fn current(t: &TicketView) -> Clocks {
    Clocks {
        policy: t.sla_policy_id,
        warn_minutes: t.sla_warn_minutes,
        first_response_due_at: t.first_response_due_at,
        next_reply_due_at: t.next_reply_due_at,
        resolution_due_at: t.resolution_due_at,
        paused_at: t.sla_paused_at,
    }
}

/// Deadlines of `policy` counted from the ticket's creation (none: no SLA).
fn clocks_for(t: &TicketView, policy: Option<&PolicyForClock>) -> Result<Clocks, String> {
    let Some(p) = policy else {
        return Ok(Clocks {
            paused_at: t.sla_paused_at,
            ..Clocks::default()
        });
    };
    let clock = policy_clock(p)?;
    let due = |m: Option<i32>| minutes(m).map(|d| sla_policy::deadline(&clock, t.created_at, d));
    Ok(Clocks {
        policy: Some(p.id),
        warn_minutes: p.warn_minutes,
        first_response_due_at: if t.first_response_at.is_none() {
            due(p.first_reply_minutes)
        } else {
            t.first_response_due_at
        },
        // A running next-reply clock keeps its deadline; a policy without one stops it.
        next_reply_due_at: t
            .next_reply_due_at
            .filter(|_| p.next_reply_minutes.is_some()),
        resolution_due_at: due(p.resolution_minutes),
        paused_at: t.sla_paused_at,
    })
}

/// A new ticket: the first matching policy sets its deadlines. Returns the policy's name.
pub async fn on_created(tx: &mut TenantTx, t: &TicketView) -> anyhow::Result<Option<String>> {
    let policy = first_match(tx, t).await?;
    apply(tx, t, policy.as_ref()).await
}

/// Priority or type changed: the matching policy may be another one now.
pub async fn on_reclassified(tx: &mut TenantTx, t: &TicketView) -> anyhow::Result<Option<String>> {
    let policy = first_match(tx, t).await?;
    if policy.as_ref().map(|p| p.id) == t.sla_policy_id {
        return Ok(None);
    }
    apply(tx, t, policy.as_ref()).await
}

/// The first enabled policy, in order, that matches the ticket.
async fn first_match(tx: &mut TenantTx, t: &TicketView) -> anyhow::Result<Option<PolicyForClock>> {
    let policies = sla::policies_in_order(tx).await?;
    Ok(policies.into_iter().find(|p| matches(p, t)))
}

/// Sets `policy`'s deadlines on the ticket (a rule's "apply SLA policy" too).
pub async fn apply(
    tx: &mut TenantTx,
    t: &TicketView,
    policy: Option<&PolicyForClock>,
) -> anyhow::Result<Option<String>> {
    let clocks = clocks_for(t, policy).map_err(anyhow::Error::msg)?;
    sla::set_clocks(tx, t.id, &clocks).await?;
    Ok(policy.map(|p| p.name.clone()))
}

/// The buyer wrote after our first response: the next-reply clock starts, unless it runs
/// already or an agent has answered since.
pub async fn on_inbound(
    tx: &mut TenantTx,
    t: &TicketView,
    written_at: DateTime<Utc>,
) -> anyhow::Result<()> {
    let (Some(policy_id), Some(_)) = (t.sla_policy_id, t.first_response_at) else {
        return Ok(());
    };
    if t.next_reply_due_at.is_some() {
        return Ok(());
    }
    let Some(p) = sla::policy(tx, policy_id).await? else {
        return Ok(());
    };
    let Some(target) = minutes(p.next_reply_minutes) else {
        return Ok(());
    };
    if aftersail_db::automation::agent_replied_since(tx, t.id, written_at).await? {
        return Ok(());
    }
    let clock = policy_clock(&p).map_err(anyhow::Error::msg)?;
    let mut clocks = current(t);
    clocks.warn_minutes = p.warn_minutes;
    clocks.next_reply_due_at = Some(sla_policy::deadline(&clock, written_at, target));
    sla::set_clocks(tx, t.id, &clocks).await?;
    Ok(())
}

/// The status changed from `from` to `to` at `at`: waiting on the buyer pauses the clocks,
/// leaving it resumes them with the time that was left (a deadline already passed stays
/// passed). `to` is the change's own status, which the ticket may since have left: changes
/// queued together are applied in turn, each at its own time.
pub async fn on_status_change(
    tx: &mut TenantTx,
    t: &TicketView,
    from: &str,
    to: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    let Some(policy_id) = t.sla_policy_id else {
        return Ok(());
    };
    let mut clocks = current(t);
    if to == "pending" && from != "pending" {
        if clocks.paused_at.is_none() {
            clocks.paused_at = Some(at);
            sla::set_clocks(tx, t.id, &clocks).await?;
        }
        return Ok(());
    }
    let (true, Some(paused_at)) = (from == "pending", clocks.paused_at) else {
        return Ok(());
    };
    let Some(p) = sla::policy(tx, policy_id).await? else {
        return Ok(());
    };
    let clock = policy_clock(&p).map_err(anyhow::Error::msg)?;
    clocks.warn_minutes = p.warn_minutes;
    let resume = |due: Option<DateTime<Utc>>| {
        due.map(|due| {
            if due <= paused_at {
                due
            } else {
                sla_policy::resume(&clock, due, paused_at, at)
            }
        })
    };
    clocks.first_response_due_at = resume(clocks.first_response_due_at);
    clocks.next_reply_due_at = resume(clocks.next_reply_due_at);
    clocks.resolution_due_at = resume(clocks.resolution_due_at);
    clocks.paused_at = None;
    sla::set_clocks(tx, t.id, &clocks).await?;
    Ok(())
}
