//! Background jobs. Each job exposes `run_once()` (one deterministic pass, for tests) and
//! `run(token)` (the loop, stopping cleanly when the token is cancelled). Jobs coordinate
//! only through Postgres, so any number of worker processes may run.

pub mod backoff;
pub mod channel_sync;
pub mod connectors;
pub mod housekeeping;
pub mod ingest;
pub mod outbox_delivery;
pub mod webhook_processing;

use std::sync::Arc;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

pub use connectors::Connectors;

/// Starts every job on `tracker`; they finish their current pass and stop when `token` is cancelled.
pub fn spawn_all(
    pool: PgPool,
    connectors: Arc<Connectors>,
    token: CancellationToken,
    tracker: &TaskTracker,
) {
    tracker.spawn(housekeeping::run(pool.clone(), token.clone()));
    tracker.spawn(channel_sync::run(
        pool.clone(),
        connectors.clone(),
        token.clone(),
    ));
    tracker.spawn(webhook_processing::run(pool.clone(), token.clone()));
    tracker.spawn(outbox_delivery::run(pool, connectors, token));
}
