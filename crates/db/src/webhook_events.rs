//! Webhook deliveries, stored as received and acknowledged at once; the worker processes
//! them. The vendor's delivery id makes a redelivery a no-op.

use aftersail_domain::{ChannelId, TenantId};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{Error, TenantTx};

pub struct NewEvent<'a> {
    pub channel_id: ChannelId,
    pub delivery_id: &'a str,
    pub topic: &'a str,
    pub body: &'a [u8],
}

/// Stores the delivery; returns false when this delivery id was stored before.
pub async fn store(tx: &mut TenantTx, e: NewEvent<'_>) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "INSERT INTO webhook_events (tenant_id, id, channel_id, delivery_id, topic, body)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (tenant_id, channel_id, delivery_id) DO NOTHING",
    )
    .bind(tenant)
    .bind(Uuid::now_v7())
    .bind(e.channel_id)
    .bind(e.delivery_id)
    .bind(e.topic)
    .bind(e.body)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Claim {
    pub tenant_id: TenantId,
    pub id: Uuid,
}

/// Claims up to `limit` unprocessed deliveries of any shop (each tried at most 10 times).
pub async fn claim_pending(pool: &PgPool, limit: i32) -> Result<Vec<Claim>, Error> {
    sqlx::query_as("SELECT tenant_id, id FROM claim_webhook_events($1)")
        .bind(limit)
        .fetch_all(pool)
        .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Event {
    pub id: Uuid,
    pub channel_id: ChannelId,
    pub delivery_id: String,
    pub topic: String,
    pub body: Vec<u8>,
}

/// The delivery, locked for processing, unless it was processed meanwhile.
pub async fn get_pending(tx: &mut TenantTx, id: Uuid) -> Result<Option<Event>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, channel_id, delivery_id, topic, body FROM webhook_events
         WHERE tenant_id = $1 AND id = $2 AND processed_at IS NULL FOR UPDATE SKIP LOCKED",
    )
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

pub async fn mark_processed(tx: &mut TenantTx, id: Uuid) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE webhook_events SET processed_at = now(), last_error = NULL WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn mark_failed(tx: &mut TenantTx, id: Uuid, error: &str) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query("UPDATE webhook_events SET last_error = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(error)
        .execute(tx.conn())
        .await?;
    Ok(())
}
