//! Connected channels (mailboxes, shops): their settings, sealed credentials, sync cursor,
//! schedule and health. Workers claim due channels across shops with a lease
//! ([`claim_due`]); everything else is tenant-scoped.

use std::time::Duration;

use aftersail_domain::{ChannelId, TenantId};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{Error, TenantTx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Channel {
    pub id: ChannelId,
    pub kind: String,
    pub name: String,
    pub settings: serde_json::Value,
    pub secrets_sealed: Option<String>,
    pub status: String,
    pub cursor: Option<String>,
    pub poll_interval_secs: i32,
    pub requests_per_minute: i32,
    pub next_poll_at: DateTime<Utc>,
    pub consecutive_failures: i32,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
    pub backlog: Option<i64>,
    pub items_ingested: i64,
    pub backfill_done: bool,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, kind, name, settings, secrets_sealed, status, cursor, poll_interval_secs, \
    requests_per_minute, next_poll_at, consecutive_failures, last_sync_at, last_success_at, last_error, \
    last_error_at, backlog, items_ingested, backfill_done, created_at";

/// The owner string sealed credentials are bound to: a ciphertext opens only on its own row.
pub fn secret_owner(tenant: TenantId, channel: ChannelId) -> String {
    format!("channel/{tenant}/{channel}")
}

pub struct NewChannel<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub settings: &'a serde_json::Value,
    pub secrets_sealed: Option<&'a str>,
    pub poll_interval_secs: i32,
    pub requests_per_minute: i32,
}

/// Creates the channel with a chosen id (its credentials are sealed to it beforehand).
/// A name the shop uses already violates `channels_name_key`.
pub async fn create(tx: &mut TenantTx, id: ChannelId, c: NewChannel<'_>) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "INSERT INTO channels (tenant_id, id, kind, name, settings, secrets_sealed, poll_interval_secs,
                               requests_per_minute)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(tenant)
    .bind(id)
    .bind(c.kind)
    .bind(c.name)
    .bind(c.settings)
    .bind(c.secrets_sealed)
    .bind(c.poll_interval_secs)
    .bind(c.requests_per_minute)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn list(tx: &mut TenantTx) -> Result<Vec<Channel>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM channels WHERE tenant_id = $1 ORDER BY lower(name)"
    ))
    .bind(tenant)
    .fetch_all(tx.conn())
    .await
}

pub async fn get(tx: &mut TenantTx, id: ChannelId) -> Result<Option<Channel>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM channels WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

/// Replaces settings and (when given) credentials; an active or failed channel is polled
/// again at once with a clean failure count, since what was wrong may be fixed now.
pub async fn update_settings(
    tx: &mut TenantTx,
    id: ChannelId,
    name: &str,
    settings: &serde_json::Value,
    secrets_sealed: Option<&str>,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE channels SET name = $3, settings = $4, secrets_sealed = coalesce($5, secrets_sealed),
                status = CASE WHEN status = 'auth_failed' THEN 'active' ELSE status END,
                consecutive_failures = 0, next_poll_at = now()
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(name)
    .bind(settings)
    .bind(secrets_sealed)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Stores credentials the platform rotated (a new refresh token), leaving all else as it is.
pub async fn store_rotated_secrets(
    tx: &mut TenantTx,
    id: ChannelId,
    secrets_sealed: &str,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query("UPDATE channels SET secrets_sealed = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(secrets_sealed)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Changes how often the channel is polled (5 s to a day, by the table's check).
pub async fn set_poll_interval(tx: &mut TenantTx, id: ChannelId, secs: i32) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done =
        sqlx::query("UPDATE channels SET poll_interval_secs = $3 WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(id)
            .bind(secs)
            .execute(tx.conn())
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Pauses or resumes polling (resuming polls at once). Returns false for an unknown channel.
pub async fn set_paused(tx: &mut TenantTx, id: ChannelId, paused: bool) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE channels SET status = CASE WHEN $3 THEN 'paused' ELSE 'active' END,
                consecutive_failures = CASE WHEN $3 THEN consecutive_failures ELSE 0 END,
                next_poll_at = CASE WHEN $3 THEN next_poll_at ELSE now() END
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(paused)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Waits until no other transaction stores inbound items for this shop, and keeps others
/// waiting until this one ends (a transaction-scoped advisory lock on the shop).
pub async fn lock_shop_ingest(tx: &mut TenantTx) -> Result<(), Error> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('ingest:' || $1::text, 0))")
        .bind(tx.tenant())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// A channel claimed for one poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Claim {
    pub tenant_id: TenantId,
    pub id: ChannelId,
    pub lease_id: Uuid,
}

/// Claims up to `limit` due channels of any shop for `lease` (FOR UPDATE SKIP LOCKED, so
/// concurrent workers never get the same channel).
pub async fn claim_due(pool: &PgPool, limit: i32, lease: Duration) -> Result<Vec<Claim>, Error> {
    sqlx::query_as("SELECT tenant_id, id, lease_id FROM claim_due_channels($1, $2)")
        .bind(limit)
        .bind(lease)
        .fetch_all(pool)
        .await
}

/// The claimed channel, if the lease is still ours.
pub async fn get_leased(
    tx: &mut TenantTx,
    id: ChannelId,
    lease: Uuid,
) -> Result<Option<Channel>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM channels WHERE tenant_id = $1 AND id = $2 AND lease_id = $3
         FOR UPDATE"
    ))
    .bind(tenant)
    .bind(id)
    .bind(lease)
    .fetch_optional(tx.conn())
    .await
}

pub struct PollResult<'a> {
    pub cursor: Option<&'a str>,
    pub more: bool,
    pub backlog: Option<i64>,
    pub ingested: i64,
}

/// Records a successful poll in the ingest transaction: the new cursor, health, and the next
/// poll (at once when more is waiting). Returns false, changing nothing, when the lease was
/// lost (the caller must roll back).
pub async fn record_poll(
    tx: &mut TenantTx,
    id: ChannelId,
    lease: Uuid,
    r: PollResult<'_>,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE channels SET cursor = coalesce($4, cursor), last_sync_at = now(), last_success_at = now(),
                consecutive_failures = 0, last_error = NULL, last_error_at = NULL,
                backlog = $6, items_ingested = items_ingested + $7,
                backfill_done = backfill_done OR NOT $5,
                next_poll_at = CASE WHEN $5 THEN now()
                                    ELSE now() + make_interval(secs => poll_interval_secs) END,
                lease_id = NULL, lease_until = NULL
         WHERE tenant_id = $1 AND id = $2 AND lease_id = $3",
    )
    .bind(tenant)
    .bind(id)
    .bind(lease)
    .bind(r.cursor)
    .bind(r.more)
    .bind(r.backlog)
    .bind(r.ingested)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a failed poll: the error for the owner to read, the failure count, when to try
/// again, and (for refused credentials) `auth_failed`, which stops polling until the
/// settings change. Returns false when the lease was lost.
pub async fn record_failure(
    tx: &mut TenantTx,
    id: ChannelId,
    lease: Uuid,
    error: &str,
    retry_at: DateTime<Utc>,
    auth_failed: bool,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE channels SET last_sync_at = now(), last_error = $4, last_error_at = now(),
                consecutive_failures = consecutive_failures + 1, next_poll_at = $5,
                status = CASE WHEN $6 THEN 'auth_failed' ELSE status END,
                lease_id = NULL, lease_until = NULL
         WHERE tenant_id = $1 AND id = $2 AND lease_id = $3",
    )
    .bind(tenant)
    .bind(id)
    .bind(lease)
    .bind(error)
    .bind(retry_at)
    .bind(auth_failed)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A channel id from a webhook URL, resolved to its shop before any shop is known.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebhookTarget {
    pub tenant_id: TenantId,
    pub kind: String,
    pub status: String,
    pub secrets_sealed: Option<String>,
}

pub async fn webhook_target(pool: &PgPool, id: ChannelId) -> Result<Option<WebhookTarget>, Error> {
    sqlx::query_as("SELECT tenant_id, kind, status, secrets_sealed FROM webhook_channel($1)")
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// Polls the channel at once (a webhook said something changed), unless it is paused.
pub async fn poll_soon(tx: &mut TenantTx, id: ChannelId) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE channels SET next_poll_at = least(next_poll_at, now()) WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Stops polling a channel whose access was withdrawn on the other side (an app uninstalled).
pub async fn revoke(tx: &mut TenantTx, id: ChannelId, reason: &str) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE channels SET status = 'auth_failed', last_error = $3, last_error_at = now()
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(reason)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Active channels of any shop that can announce new mail (email), for the IDLE watcher.
pub async fn to_watch(pool: &PgPool) -> Result<Vec<(TenantId, ChannelId)>, Error> {
    sqlx::query_as("SELECT tenant_id, id FROM channels_to_watch()")
        .fetch_all(pool)
        .await
}

/// Active channels whose platform queues notifications for us (Amazon with an SQS queue),
/// across shops.
pub async fn with_queue(pool: &PgPool) -> Result<Vec<(TenantId, ChannelId)>, Error> {
    sqlx::query_as("SELECT tenant_id, id FROM channels_with_queue()")
        .fetch_all(pool)
        .await
}

/// Notes a problem on the channel for the owner (shown with its health) without changing
/// its schedule.
pub async fn note_error(tx: &mut TenantTx, id: ChannelId, error: &str) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE channels SET last_error = $3, last_error_at = now() WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(error)
    .execute(tx.conn())
    .await?;
    Ok(())
}
