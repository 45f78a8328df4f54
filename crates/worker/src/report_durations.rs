//! Business-hours durations for reports: when a ticket gets its first reply or is solved, a
//! trigger (migration 17) stores the calendar seconds and marks it `durations_pending` in the
//! same transaction; this job counts the same spans in the shop's business calendar
//! (`domain::sla::Clock`; a shop without one counts every hour) and clears the mark. Counting
//! twice gives the same figures, and rows are locked `SKIP LOCKED`, so any number may run.

use std::collections::BTreeMap;
use std::time::Duration;

use aftersail_db::{automation, reports, TenantTx};
use aftersail_domain::sla::calendar::Clock;
use aftersail_domain::{TenantId, TicketId};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::automation::sla_clock;

/// Tickets looked at per query.
pub const BATCH: i32 = 500;
const IDLE_WAIT: Duration = Duration::from_secs(10);

/// Counts every pending ticket; returns how many were filled in.
pub async fn run_once(pool: &PgPool) -> anyhow::Result<usize> {
    let mut filled = 0;
    loop {
        let due = reports::pending_durations(pool, BATCH).await?;
        let mut by_tenant: BTreeMap<TenantId, Vec<TicketId>> = BTreeMap::new();
        for (tenant, ticket) in &due {
            by_tenant.entry(*tenant).or_default().push(*ticket);
        }
        let mut handled = 0;
        for (tenant, tickets) in by_tenant {
            handled += fill(pool, tenant, &tickets).await?;
        }
        filled += handled;
        // A short page is the end; a page another worker holds is left to the next round.
        if due.len() < BATCH as usize || handled == 0 {
            return Ok(filled);
        }
    }
}

pub async fn run(pool: PgPool, token: CancellationToken) {
    crate::repeat("report durations", IDLE_WAIT, &token, || async {
        let n = run_once(&pool).await?;
        if n > 0 {
            tracing::debug!(tickets = n, "report durations counted");
        }
        Ok(false)
    })
    .await;
}

async fn fill(pool: &PgPool, tenant: TenantId, tickets: &[TicketId]) -> anyhow::Result<usize> {
    let mut tx = TenantTx::begin(pool, tenant).await?;
    let rows = reports::lock_pending(&mut tx, tickets).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let shop = automation::shop(&mut tx).await?;
    // A calendar that no longer reads (edited by hand) counts every hour rather than
    // leaving the tickets pending for ever.
    let clock = sla_clock::clock(
        shop.calendar_zone.as_deref(),
        shop.calendar_hours.as_ref().map(|h| &h.0),
        shop.calendar_holidays.as_deref(),
    )
    .unwrap_or_else(|err| {
        tracing::warn!(%tenant, error = %err, "shop calendar unreadable; counting calendar hours");
        Clock::Calendar
    });
    let counted: Vec<(TicketId, Option<i64>, Option<i64>)> = rows
        .iter()
        .map(|t| {
            let secs = |at: Option<chrono::DateTime<chrono::Utc>>| {
                at.map(|at| clock.between(t.created_at, at).num_seconds())
            };
            (t.id, secs(t.first_response_at), secs(t.solved_at))
        })
        .collect();
    reports::fill_durations(&mut tx, &counted).await?;
    tx.commit().await?;
    Ok(counted.len())
}
