//! Deletes what has expired: sessions past their end, login attempts older than any
//! throttling window looks at (sign-in and buyer portal), and ticket presence nobody
//! refreshed for an hour, and loop-guard rows older than any chain of rule reactions.
//! Shops that set a retention period (Settings → Privacy) lose their solved and closed
//! tickets that many days after the last activity, in batches, with an audit row.

use std::time::Duration;

use aftersail_db::{
    audit, automation, login_attempts, portal, presence, privacy, sessions, TenantTx,
};
use aftersail_domain::TenantId;
use chrono::{DateTime, Utc};
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
    /// Tickets deleted by shops' retention periods.
    pub retention_tickets: i64,
}

/// Tickets one retention transaction deletes.
const RETENTION_BATCH: i64 = 500;

pub async fn run_once(pool: &PgPool) -> anyhow::Result<Purged> {
    Ok(Purged {
        sessions: sessions::purge_expired(pool).await?,
        login_attempts: login_attempts::purge_older_than(pool, KEEP_LOGIN_ATTEMPTS).await?,
        presence: presence::purge_stale(pool).await?,
        portal_attempts: portal::purge_failures_older_than(pool, KEEP_LOGIN_ATTEMPTS).await?,
        rule_fires: automation::purge_rule_fires(pool, chrono::Utc::now() - KEEP_RULE_FIRES)
            .await?,
        retention_tickets: purge_retention(pool, Utc::now()).await?,
    })
}

/// Deletes, for every shop with a retention period, the solved and closed tickets whose
/// last activity is more than that many days before `now`; one transaction per batch, then
/// one audit row per shop with the counts. Returns the tickets deleted.
pub async fn purge_retention(pool: &PgPool, now: DateTime<Utc>) -> anyhow::Result<i64> {
    let mut total = 0;
    for (tenant, days) in privacy::retention_shops(pool).await? {
        let cutoff = now - chrono::Duration::days(i64::from(days));
        let mut purged = privacy::Purged::default();
        loop {
            let mut tx = TenantTx::begin(pool, TenantId(tenant)).await?;
            let batch = privacy::purge_batch(&mut tx, cutoff, RETENTION_BATCH).await?;
            tx.commit().await?;
            purged += batch;
            if batch.tickets < RETENTION_BATCH {
                break;
            }
        }
        if purged.tickets > 0 {
            let mut tx = TenantTx::begin(pool, TenantId(tenant)).await?;
            let mut detail = purged.to_json();
            detail["retention_days"] = days.into();
            detail["cutoff"] = cutoff.to_rfc3339().into();
            audit::record(
                &mut tx,
                None,
                "retention.purged",
                "tenant",
                Some(tenant),
                detail,
            )
            .await?;
            tx.commit().await?;
        }
        total += purged.tickets;
    }
    Ok(total)
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
