//! Background jobs. Each job exposes `run_once()` (one deterministic pass, for tests) and
//! `run(token)` (the loop, stopping cleanly when the token is cancelled). Jobs coordinate
//! only through Postgres, so any number of worker processes may run.

pub mod housekeeping;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Starts every job on `tracker`; they finish their current pass and stop when `token` is cancelled.
pub fn spawn_all(pool: PgPool, token: CancellationToken, tracker: &TaskTracker) {
    tracker.spawn(housekeeping::run(pool, token));
}
