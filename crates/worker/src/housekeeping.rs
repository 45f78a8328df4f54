//! Deletes what has expired: sessions past their end, login attempts older than any
//! throttling window looks at (sign-in and buyer portal), and ticket presence nobody
//! refreshed for an hour, and loop-guard rows older than any chain of rule reactions.

use std::time::Duration;

use aftersail_db::{automation, login_attempts, portal, presence, sessions};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

const EVERY: Duration = Duration::from_secs(600);
const KEEP_LOGIN_ATTEMPTS: chrono::Duration = chrono::Duration::days(1);
const KEEP_RULE_FIRES: chrono::Duration = chrono::Duration::days(1);

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: i64,
    pub login_attempts: u64,
    /// Ticket presence entries nobody refreshed for an hour.
    pub presence: i64,
    /// Failed buyer-portal lookups older than a day.
    pub portal_attempts: u64,
    /// Loop-guard rows older than a day (a chain of rule reactions takes seconds).
    pub rule_fires: i64,
}

pub async fn run_once(pool: &PgPool) -> anyhow::Result<Purged> {
    Ok(Purged {
        sessions: sessions::purge_expired(pool).await?,
        login_attempts: login_attempts::purge_older_than(pool, KEEP_LOGIN_ATTEMPTS).await?,
        presence: presence::purge_stale(pool).await?,
        portal_attempts: portal::purge_failures_older_than(pool, KEEP_LOGIN_ATTEMPTS).await?,
        rule_fires: automation::purge_rule_fires(pool, chrono::Utc::now() - KEEP_RULE_FIRES)
            .await?,
    })
}

pub async fn run(pool: PgPool, token: CancellationToken) {
    loop {
        match run_once(&pool).await {
            Ok(purged) if purged != Purged::default() => tracing::info!(?purged, "housekeeping"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = ?err, "housekeeping failed; retrying next round"),
        }
        tokio::select! {
            () = token.cancelled() => break,
            () = tokio::time::sleep(EVERY) => {}
        }
    }
}
