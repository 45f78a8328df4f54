//! Push for mailboxes: one IMAP IDLE connection per active email channel, across all worker
//! processes (a session-level advisory lock per channel decides which process watches it).
//! When the server announces new mail the channel is made due at once, so mail shows up in
//! seconds instead of at the next poll interval; the poll itself stays the channel sync's job.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aftersail_db::channels;
use aftersail_db::TenantTx;
use aftersail_domain::{ChannelId, TenantId};
use sqlx::{Connection, PgConnection, PgPool};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::connectors::Connectors;

/// How often the set of channels to watch is read again.
const RESCAN: Duration = Duration::from_secs(30);
/// One IDLE lasts at most this long (servers drop idle clients after 30 minutes).
const IDLE_FOR: Duration = Duration::from_secs(20 * 60);
/// After an error, wait this long before watching again.
const AFTER_ERROR: Duration = Duration::from_secs(60);

/// The advisory lock key of a channel's watcher.
fn lock_key(channel: ChannelId) -> i64 {
    let bytes = channel.0.as_bytes();
    i64::from_be_bytes(bytes[8..16].try_into().expect("8 bytes")) ^ 0x6d61_696c_6964_6c65
}

pub async fn run(pool: PgPool, connectors: Arc<Connectors>, token: CancellationToken) {
    let mut watchers: HashMap<ChannelId, JoinHandle<()>> = HashMap::new();
    loop {
        match channels::to_watch(&pool).await {
            Ok(active) => {
                let wanted: HashMap<ChannelId, TenantId> =
                    active.into_iter().map(|(t, c)| (c, t)).collect();
                watchers.retain(|id, task| {
                    let keep = wanted.contains_key(id) && !task.is_finished();
                    if !keep {
                        task.abort();
                    }
                    keep
                });
                for (channel, tenant) in wanted {
                    watchers.entry(channel).or_insert_with(|| {
                        tokio::spawn(watch(
                            pool.clone(),
                            connectors.clone(),
                            tenant,
                            channel,
                            token.clone(),
                        ))
                    });
                }
            }
            Err(err) => tracing::warn!(error = %err, "listing mailboxes to watch failed"),
        }
        tokio::select! {
            () = token.cancelled() => break,
            () = tokio::time::sleep(RESCAN) => {}
        }
    }
    for (_, task) in watchers {
        task.abort();
    }
}

/// Watches one mailbox while this process holds its lock; returns when another process
/// watches it, the channel stops being an active email channel, or on shutdown.
async fn watch(
    pool: PgPool,
    connectors: Arc<Connectors>,
    tenant: TenantId,
    channel: ChannelId,
    token: CancellationToken,
) {
    let Some(lock) = take_lock(&pool, channel).await else {
        return;
    };
    while !token.is_cancelled() {
        let connector = match load(&pool, &connectors, tenant, channel).await {
            Ok(Some(connector)) => connector,
            Ok(None) => break,
            Err(problem) => {
                tracing::debug!(%channel, problem = %problem, "mailbox not watched");
                wait(&token, AFTER_ERROR).await;
                continue;
            }
        };
        let outcome = tokio::select! {
            () = token.cancelled() => break,
            outcome = connector.wait_for_activity(IDLE_FOR) => outcome,
        };
        match outcome {
            Ok(true) => {
                if let Err(err) = poll_now(&pool, tenant, channel).await {
                    tracing::warn!(%channel, error = %err, "could not mark the mailbox due");
                }
            }
            Ok(false) => {}
            Err(err) if err.is_retryable() => wait(&token, AFTER_ERROR).await,
            // No push here (no IDLE, refused login): the regular poll covers it.
            Err(_) => break,
        }
    }
    lock.close().await.ok();
}

async fn take_lock(pool: &PgPool, channel: ChannelId) -> Option<PgConnection> {
    let options = pool.connect_options();
    let mut conn = PgConnection::connect_with(&options).await.ok()?;
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(lock_key(channel))
        .fetch_one(&mut conn)
        .await
        .ok()?;
    if locked {
        Some(conn)
    } else {
        conn.close().await.ok();
        None
    }
}

async fn load(
    pool: &PgPool,
    connectors: &Connectors,
    tenant: TenantId,
    channel: ChannelId,
) -> Result<Option<Arc<dyn aftersail_channels::Connector>>, String> {
    let mut tx = TenantTx::begin(pool, tenant)
        .await
        .map_err(|e| e.to_string())?;
    let row = channels::get(&mut tx, channel)
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    match row {
        Some(row) if row.status == "active" && row.kind == "email" => {
            connectors.build(tenant, &row).map(Some)
        }
        _ => Ok(None),
    }
}

async fn poll_now(pool: &PgPool, tenant: TenantId, channel: ChannelId) -> Result<(), sqlx::Error> {
    let mut tx = TenantTx::begin(pool, tenant).await?;
    channels::poll_soon(&mut tx, channel).await?;
    tx.commit().await
}

async fn wait(token: &CancellationToken, how_long: Duration) {
    tokio::select! {
        () = token.cancelled() => {}
        () = tokio::time::sleep(how_long) => {}
    }
}
