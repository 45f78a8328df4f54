//! Background jobs. Each job exposes `run_once()` (one deterministic pass, for tests) and
//! `run(token)` (the loop, stopping cleanly when the token is cancelled). Jobs coordinate
//! only through Postgres, so any number of worker processes may run.

pub mod alerts;
pub mod automation;
pub mod backoff;
pub mod channel_sync;
pub mod connectors;
pub mod housekeeping;
pub mod ingest;
pub mod mail_idle;
pub mod notices;
pub mod notification_queue;
pub mod outbound_webhooks;
pub mod outbox_delivery;
pub mod refund_sync;
pub mod report_durations;
pub mod rule_webhooks;
pub mod sla_sweeper;
pub mod system_mail;
pub mod webhook_processing;

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

pub use connectors::Connectors;
pub use notices::BuyerNotices;

/// Runs `pass` until `token` is cancelled: again at once while it finds work (`Ok(true)`),
/// after `idle` when it found none or failed (a failure is logged as `what`'s and retried).
pub async fn repeat<F, Fut>(what: &str, idle: Duration, token: &CancellationToken, mut pass: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<bool>>,
{
    loop {
        let busy = match pass().await {
            Ok(busy) => busy,
            Err(err) => {
                tracing::warn!(error = ?err, "{what} round failed; retrying");
                false
            }
        };
        if busy && !token.is_cancelled() {
            continue;
        }
        tokio::select! {
            () = token.cancelled() => break,
            () = tokio::time::sleep(idle) => {}
        }
    }
}

/// How long a claimed channel or reply belongs to the worker that claimed it. A worker that
/// dies holding a claim delays that channel or reply by at most this long.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(120);

/// Starts every job on `tracker`; they finish their current pass and stop when `token` is cancelled.
#[allow(clippy::too_many_arguments)]
pub fn spawn_all(
    pool: PgPool,
    connectors: Arc<Connectors>,
    notices: Arc<dyn BuyerNotices>,
    automation: automation::Settings,
    smtp: Option<aftersail_channels::email::smtp::SmtpConfig>,
    lease: Duration,
    token: CancellationToken,
    tracker: &TaskTracker,
) {
    tracker.spawn(automation::run(
        pool.clone(),
        automation,
        lease,
        token.clone(),
    ));
    tracker.spawn(sla_sweeper::run(pool.clone(), token.clone()));
    tracker.spawn(alerts::run(pool.clone(), token.clone()));
    tracker.spawn(system_mail::run(pool.clone(), smtp, lease, token.clone()));
    tracker.spawn(rule_webhooks::run(pool.clone(), lease, token.clone()));
    tracker.spawn(outbound_webhooks::run(
        pool.clone(),
        connectors.secret_key().cloned(),
        lease,
        token.clone(),
    ));
    tracker.spawn(housekeeping::run(pool.clone(), token.clone()));
    tracker.spawn(channel_sync::run(
        pool.clone(),
        connectors.clone(),
        lease,
        token.clone(),
    ));
    tracker.spawn(mail_idle::run(
        pool.clone(),
        connectors.clone(),
        token.clone(),
    ));
    tracker.spawn(webhook_processing::run(pool.clone(), token.clone()));
    tracker.spawn(notification_queue::run(
        pool.clone(),
        connectors.clone(),
        token.clone(),
    ));
    tracker.spawn(refund_sync::run(
        pool.clone(),
        connectors.clone(),
        notices,
        lease,
        token.clone(),
    ));
    tracker.spawn(report_durations::run(pool.clone(), token.clone()));
    tracker.spawn(outbox_delivery::run(pool, connectors, lease, token));
}
