//! The alerts job (hourly): per shop, complaint and return spikes against each key's own
//! baseline (`domain::alerts`), and shipments that stopped moving, which get a proactive
//! ticket before the buyer writes (or a note on the buyer's open ticket). Alerts reach the
//! chosen people in-app and by email (`system_mail`, queued in the same transaction).
//!
//! Several workers may run: each shop is handled in one transaction holding the shop's
//! advisory lock (another worker skips it), and every alert has a unique dedup key (one per
//! key per day, one per order), so even a second pass after the lock is released raises
//! nothing twice.

use std::time::Duration;

use aftersail_db::alerts::{self as db, NewAlert, StuckOrder};
use aftersail_db::notifications::{self, Recipients};
use aftersail_db::{messages, tenants, tickets, TenantTx};
use aftersail_domain::alerts::{self, AlertKind, Settings, Spike};
use aftersail_domain::{AlertId, TenantId, TicketId};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

const INTERVAL: Duration = Duration::from_secs(3600);
/// Stuck orders handled per shop per pass (the rest come next hour).
const SHIPMENT_BATCH: i64 = 200;
/// The tag on proactive tickets.
pub const PROACTIVE_TAG: &str = "proactive";

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// Shops another worker was handling (skipped).
    pub skipped: usize,
    pub spikes: usize,
    pub proactive_tickets: usize,
    pub notes: usize,
}

/// One pass over every shop at `now` (a parameter: tests drive the clock).
pub async fn run_once(pool: &PgPool, now: DateTime<Utc>) -> anyhow::Result<Round> {
    let mut round = Round::default();
    for tenant in db::tenants(pool).await? {
        if let Err(err) = one_shop(pool, tenant, now, &mut round).await {
            tracing::warn!(error = ?err, %tenant, "alerts for a shop failed; retrying next round");
        }
    }
    Ok(round)
}

pub async fn run(pool: PgPool, token: CancellationToken) {
    crate::repeat("alerts", INTERVAL, &token, || async {
        let round = run_once(&pool, Utc::now()).await?;
        if round.spikes + round.proactive_tickets + round.notes > 0 {
            tracing::info!(
                spikes = round.spikes,
                proactive_tickets = round.proactive_tickets,
                notes = round.notes,
                "alerts"
            );
        }
        Ok(false)
    })
    .await;
}

async fn one_shop(
    pool: &PgPool,
    tenant: TenantId,
    now: DateTime<Utc>,
    round: &mut Round,
) -> anyhow::Result<()> {
    let mut tx = TenantTx::begin(pool, tenant).await?;
    if !db::try_lock(&mut tx).await? {
        round.skipped += 1;
        return Ok(());
    }
    let settings = db::settings(&mut tx).await?;
    if settings.spikes_enabled {
        let zone: chrono_tz::Tz = tenants::get(&mut tx)
            .await?
            .time_zone
            .parse()
            .unwrap_or(chrono_tz::UTC);
        let day = now.with_timezone(&zone).date_naive();
        let returns = db::returns_by_sku(&mut tx, now).await?;
        let by_sku = db::complaints_by_sku(&mut tx, now).await?;
        let by_channel = db::complaints_by_channel(&mut tx, now).await?;
        for (kind, counts) in [
            (AlertKind::ReturnSpikeSku, returns),
            (AlertKind::ComplaintSpikeSku, by_sku),
            (AlertKind::ComplaintSpikeChannel, by_channel),
        ] {
            for spike in alerts::spikes(&counts, settings.spikes) {
                if raise_spike(&mut tx, &settings, kind, &spike, day, now).await? {
                    round.spikes += 1;
                }
            }
        }
    }
    if settings.shipments_enabled {
        let t = settings.shipments;
        let min_days = t.stale_days.min(t.customs_days);
        for order in db::stuck_orders(&mut tx, now, min_days, SHIPMENT_BATCH).await? {
            let Some(stuck) = alerts::stuck(
                order.tracking_status.as_deref(),
                order.tracking_updated_at,
                now,
                t,
            ) else {
                continue;
            };
            shipment(&mut tx, &settings, &order, stuck, now, round).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// What the alert says, in one line ("SKU MUG-01: 9 returns today, baseline 1.2/day").
pub fn spike_text(kind: AlertKind, key: &str, count: u32, mean: f64) -> String {
    let (what, noun) = match kind {
        AlertKind::ReturnSpikeSku => ("SKU", "returns"),
        AlertKind::ComplaintSpikeSku => ("SKU", "complaints"),
        _ => ("Channel", "complaints"),
    };
    format!("{what} {key}: {count} {noun} today, baseline {mean:.1}/day")
}

async fn raise_spike(
    tx: &mut TenantTx,
    settings: &Settings,
    kind: AlertKind,
    spike: &Spike,
    day: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let dedup = alerts::dedup_key(kind, &spike.key, day);
    let Some(id) = db::raise(
        tx,
        NewAlert {
            kind: kind.as_str(),
            key: &spike.key,
            dedup_key: &dedup,
            count: i32::try_from(spike.count).unwrap_or(i32::MAX),
            baseline_mean: spike.baseline.mean,
            baseline_sd: spike.baseline.sd,
            days: None,
            order_id: None,
            at: now,
        },
    )
    .await?
    else {
        return Ok(false);
    };
    let text = spike_text(kind, &spike.key, spike.count, spike.baseline.mean);
    deliver(tx, settings, id, &text, None, now).await?;
    Ok(true)
}

/// A stuck shipment: one alert per order; a proactive ticket, or a note on the buyer's open one.
async fn shipment(
    tx: &mut TenantTx,
    settings: &Settings,
    order: &StuckOrder,
    stuck: alerts::Stuck,
    now: DateTime<Utc>,
    round: &mut Round,
) -> anyhow::Result<()> {
    let dedup = alerts::dedup_key(stuck.kind, &order.id.to_string(), now.date_naive());
    let Some(alert) = db::raise(
        tx,
        NewAlert {
            kind: stuck.kind.as_str(),
            key: &order.external_id,
            dedup_key: &dedup,
            count: 1,
            baseline_mean: 0.0,
            baseline_sd: 0.0,
            days: Some(i32::try_from(stuck.days).unwrap_or(i32::MAX)),
            order_id: Some(order.id),
            at: now,
        },
    )
    .await?
    else {
        return Ok(());
    };
    let subject = match stuck.kind {
        AlertKind::CustomsStuck => format!(
            "Shipment #{} has been in customs for {} days",
            order.external_id, stuck.days
        ),
        _ => format!(
            "Shipment #{} has not moved for {} days",
            order.external_id, stuck.days
        ),
    };
    let note = format!(
        "{subject}.\nCarrier: {}\nTracking number: {}\nTracking status: {}\nShipped: {}\nLast tracking update: {}\n\
         Opened by the stuck-shipment alert before the buyer wrote; check with the carrier and tell the buyer.",
        order.carrier.as_deref().unwrap_or("—"),
        order.tracking_number.as_deref().unwrap_or("—"),
        order.tracking_status.as_deref().unwrap_or("unknown"),
        order.shipped_at.format("%Y-%m-%d %H:%M UTC"),
        order.tracking_updated_at.format("%Y-%m-%d %H:%M UTC"),
    );
    let ticket = match order.open_ticket_id {
        Some(ticket) => {
            add_note(tx, ticket, &order.channel, &note, now).await?;
            round.notes += 1;
            ticket
        }
        None => {
            let (ticket, _number) = tickets::create(
                tx,
                tickets::NewTicket {
                    channel: &order.channel,
                    customer_id: order.customer_id,
                    order_id: Some(order.id),
                    subject: &subject,
                    status: "open",
                    priority: alerts::stuck_priority(stuck, settings.shipments),
                    kind: Some("shipping"),
                    language: None,
                    at: now,
                },
            )
            .await?;
            add_note(tx, ticket, &order.channel, &note, now).await?;
            tickets::set_tags(tx, ticket, &[PROACTIVE_TAG.to_owned()]).await?;
            round.proactive_tickets += 1;
            ticket
        }
    };
    db::set_ticket(tx, alert, ticket).await?;
    deliver(tx, settings, alert, &subject, Some(ticket), now).await?;
    Ok(())
}

async fn add_note(
    tx: &mut TenantTx,
    ticket: TicketId,
    channel: &str,
    text: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    messages::create(
        tx,
        messages::NewMessage {
            ticket_id: ticket,
            kind: "note",
            author: None,
            body_text: text,
            language: None,
            channel,
            external_id: None,
            delivery_state: None,
            at: now,
        },
    )
    .await?;
    Ok(())
}

/// Tells the recipients: in-app and/or a queued mail each, as the settings say.
async fn deliver(
    tx: &mut TenantTx,
    settings: &Settings,
    alert: AlertId,
    text: &str,
    ticket: Option<TicketId>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let people = db::recipients(tx).await?;
    for (user, email) in &people {
        if settings.notify_in_app {
            notifications::notify(tx, Recipients::User(*user), ticket, text, now).await?;
        }
        if settings.notify_email {
            let subject = format!("[Aftersail alert] {text}");
            let body = format!(
                "{text}\n\nSee Alerts in Aftersail (/alerts) for the figures and to acknowledge it.\n"
            );
            db::enqueue_mail(tx, Some(alert), email, &subject, &body, now).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spike_lines_read_like_the_page() {
        assert_eq!(
            spike_text(AlertKind::ReturnSpikeSku, "MUG-01", 9, 1.2),
            "SKU MUG-01: 9 returns today, baseline 1.2/day"
        );
        assert_eq!(
            spike_text(AlertKind::ComplaintSpikeChannel, "amazon", 7, 0.96),
            "Channel amazon: 7 complaints today, baseline 1.0/day"
        );
    }
}
