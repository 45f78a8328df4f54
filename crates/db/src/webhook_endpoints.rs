//! Outbound webhooks: the shop's endpoints, the deliveries the triggers of migration 19
//! queue for them (one per event and endpoint, in the transaction of the change), and every
//! attempt the worker makes. A delivery's id is its `webhook-id`: the same on every retry and
//! redelivery, so consumers dedupe on it.

use std::time::Duration;

use aftersail_domain::{TenantId, WebhookDeliveryId, WebhookEndpointId};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{Error, TenantTx};

/// The event types endpoints subscribe to (the triggers emit exactly these).
pub const EVENT_TYPES: &[&str] = &[
    "ticket.created",
    "ticket.updated",
    "message.created",
    "rma.created",
    "rma.updated",
    "refund.created",
    "refund.updated",
];

/// The delivery states, for the log's filter.
pub const STATES: &[&str] = &["queued", "failed", "delivered", "dead"];

/// Whom an endpoint's sealed secret belongs to (the AEAD associated data): a sealed secret
/// copied onto another endpoint's row does not open.
pub fn secret_owner(tenant: TenantId, endpoint: WebhookEndpointId) -> String {
    format!("webhook_endpoint/{tenant}/{endpoint}")
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Endpoint {
    pub id: WebhookEndpointId,
    pub url: String,
    pub description: String,
    pub event_types: Vec<String>,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    /// Deliveries given up on (dead), for the list.
    pub dead: i64,
}

impl Endpoint {
    pub fn subscribed(&self, event: &str) -> bool {
        self.event_types.iter().any(|e| e == event)
    }
}

const ENDPOINT_COLUMNS: &str = "e.id, e.url, e.description, e.event_types, e.enabled, e.created_at,
    (SELECT count(*) FROM webhook_deliveries d
     WHERE d.tenant_id = e.tenant_id AND d.endpoint_id = e.id AND d.state = 'dead') AS dead";

pub async fn list(tx: &mut TenantTx) -> Result<Vec<Endpoint>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints e WHERE e.tenant_id = $1 ORDER BY e.created_at, e.id"
    ))
    .bind(tenant)
    .fetch_all(tx.conn())
    .await
}

pub async fn get(tx: &mut TenantTx, id: WebhookEndpointId) -> Result<Option<Endpoint>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints e WHERE e.tenant_id = $1 AND e.id = $2"
    ))
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

/// The endpoint's sealed secret (open it with [`secret_owner`]).
pub async fn sealed_secret(
    tx: &mut TenantTx,
    id: WebhookEndpointId,
) -> Result<Option<String>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT secret_sealed FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

pub struct EndpointFields<'a> {
    pub url: &'a str,
    pub description: &'a str,
    pub event_types: &'a [String],
    pub enabled: bool,
}

pub async fn create(
    tx: &mut TenantTx,
    id: WebhookEndpointId,
    f: EndpointFields<'_>,
    secret_sealed: &str,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "INSERT INTO webhook_endpoints (tenant_id, id, url, description, event_types, enabled, secret_sealed)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant)
    .bind(id)
    .bind(f.url)
    .bind(f.description)
    .bind(f.event_types)
    .bind(f.enabled)
    .bind(secret_sealed)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn update(
    tx: &mut TenantTx,
    id: WebhookEndpointId,
    f: EndpointFields<'_>,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE webhook_endpoints SET url = $3, description = $4, event_types = $5, enabled = $6,
                updated_at = now()
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(f.url)
    .bind(f.description)
    .bind(f.event_types)
    .bind(f.enabled)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces the secret; the previous one keeps signing (as a second signature) for `overlap`.
pub async fn set_secret(
    tx: &mut TenantTx,
    id: WebhookEndpointId,
    secret_sealed: &str,
    overlap: Duration,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE webhook_endpoints SET previous_secret_sealed = secret_sealed, previous_until = now() + $4,
                secret_sealed = $3, updated_at = now()
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(secret_sealed)
    .bind(crate::whole_millis(overlap))
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Until when the previous secret still signs, if it does.
pub async fn previous_until(
    tx: &mut TenantTx,
    id: WebhookEndpointId,
) -> Result<Option<DateTime<Utc>>, Error> {
    let tenant = tx.tenant();
    let until: Option<Option<DateTime<Utc>>> = sqlx::query_scalar(
        "SELECT previous_until FROM webhook_endpoints
         WHERE tenant_id = $1 AND id = $2 AND previous_until > now()",
    )
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await?;
    Ok(until.flatten())
}

pub async fn delete(tx: &mut TenantTx, id: WebhookEndpointId) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query("DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Queues a `ping` event for this endpoint only (whatever it subscribes to, even disabled:
/// "Send test event" is how an admin checks the receiving side).
pub async fn queue_ping(
    tx: &mut TenantTx,
    endpoint: WebhookEndpointId,
) -> Result<WebhookDeliveryId, Error> {
    let tenant = tx.tenant();
    let id = WebhookDeliveryId::new();
    sqlx::query(
        "INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_type, payload)
         VALUES ($1, $2, $3, 'ping', jsonb_build_object(
             'type', 'ping',
             'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),
             'data', jsonb_build_object('endpoint_id', $3::uuid))::text)",
    )
    .bind(tenant)
    .bind(id)
    .bind(endpoint)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Delivery {
    pub id: WebhookDeliveryId,
    pub event_type: String,
    pub payload: String,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// Where a page of the log starts: after this (created_at, id).
#[derive(Debug, Clone, Copy)]
pub struct Cursor {
    pub created_at: DateTime<Utc>,
    pub id: WebhookDeliveryId,
}

/// The endpoint's deliveries, newest first, `limit` of them after `after`, in `state` if given.
pub async fn deliveries(
    tx: &mut TenantTx,
    endpoint: WebhookEndpointId,
    state: Option<&str>,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<Delivery>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, event_type, payload, state, attempts, next_attempt_at, last_status, last_error,
                created_at, delivered_at
         FROM webhook_deliveries
         WHERE tenant_id = $1 AND endpoint_id = $2 AND ($3::text IS NULL OR state = $3)
           AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5))
         ORDER BY created_at DESC, id DESC LIMIT $6",
    )
    .bind(tenant)
    .bind(endpoint)
    .bind(state)
    .bind(after.map(|c| c.created_at))
    .bind(after.map(|c| c.id))
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Attempt {
    pub delivery_id: WebhookDeliveryId,
    pub attempted_at: DateTime<Utc>,
    pub status: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
    pub response_body: Option<String>,
}

/// Every attempt of these deliveries, oldest first.
pub async fn attempts_of(
    tx: &mut TenantTx,
    deliveries: &[WebhookDeliveryId],
) -> Result<Vec<Attempt>, Error> {
    let tenant = tx.tenant();
    let ids: Vec<Uuid> = deliveries.iter().map(|d| d.0).collect();
    sqlx::query_as(
        "SELECT delivery_id, attempted_at, status, error, duration_ms, response_body
         FROM webhook_attempts WHERE tenant_id = $1 AND delivery_id = ANY($2)
         ORDER BY attempted_at, id",
    )
    .bind(tenant)
    .bind(ids)
    .fetch_all(tx.conn())
    .await
}

/// Queues the delivery again now, with fresh attempts and the same id (so the same
/// `webhook-id`). `false` when it is not this endpoint's.
pub async fn redeliver(
    tx: &mut TenantTx,
    endpoint: WebhookEndpointId,
    delivery: WebhookDeliveryId,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE webhook_deliveries SET state = 'queued', attempts = 0, next_attempt_at = now()
         WHERE tenant_id = $1 AND endpoint_id = $2 AND id = $3",
    )
    .bind(tenant)
    .bind(endpoint)
    .bind(delivery)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

// ------------------------------------------------------------------------------------------
// The worker's side
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Claim {
    pub tenant_id: TenantId,
    pub id: WebhookDeliveryId,
    pub lease_id: Uuid,
}

/// Claims up to `limit` due deliveries of any shop for `lease` (SKIP LOCKED: two workers
/// never hold one delivery at once); each claim counts as an attempt.
pub async fn claim_due(pool: &PgPool, limit: i32, lease: Duration) -> Result<Vec<Claim>, Error> {
    sqlx::query_as("SELECT tenant_id, id, lease_id FROM claim_webhook_deliveries($1, $2)")
        .bind(limit)
        .bind(lease)
        .fetch_all(pool)
        .await
}

/// A claimed delivery with what sending it needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Leased {
    pub id: WebhookDeliveryId,
    pub endpoint_id: WebhookEndpointId,
    pub payload: String,
    pub attempts: i32,
    pub url: String,
    pub enabled: bool,
    pub secret_sealed: String,
    /// The previous secret while it still signs after a rotation.
    pub previous_secret_sealed: Option<String>,
}

/// The claimed delivery, if the lease is still ours.
pub async fn get_leased(tx: &mut TenantTx, claim: Claim) -> Result<Option<Leased>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT d.id, d.endpoint_id, d.payload, d.attempts, e.url, e.enabled, e.secret_sealed,
                CASE WHEN e.previous_until > now() THEN e.previous_secret_sealed END AS previous_secret_sealed
         FROM webhook_deliveries d
         JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
         WHERE d.tenant_id = $1 AND d.id = $2 AND d.lease_id = $3 AND d.state IN ('queued', 'failed')",
    )
    .bind(tenant)
    .bind(claim.id)
    .bind(claim.lease_id)
    .fetch_optional(tx.conn())
    .await
}

/// What one attempt got back.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub status: Option<i32>,
    /// `None`: delivered (a 2xx).
    pub error: Option<String>,
    pub duration_ms: i32,
    pub response_body: Option<String>,
}

/// Logs the attempt and moves the delivery: `delivered`, or `failed` with the next attempt
/// after `retry_in`, or `dead` when `retry_in` is `None`. Only while the lease is ours;
/// `false` when it was not (another worker took over; nothing is written).
pub async fn record_attempt(
    tx: &mut TenantTx,
    claim: Claim,
    outcome: &Outcome,
    retry_in: Option<Duration>,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let state = match (&outcome.error, retry_in) {
        (None, _) => "delivered",
        (Some(_), Some(_)) => "failed",
        (Some(_), None) => "dead",
    };
    let moved = sqlx::query(
        "UPDATE webhook_deliveries SET state = $4, last_status = $5, last_error = $6,
                next_attempt_at = now() + coalesce($7, interval '0'), lease_id = NULL, lease_until = NULL,
                delivered_at = CASE WHEN $4 = 'delivered' THEN now() ELSE delivered_at END
         WHERE tenant_id = $1 AND id = $2 AND lease_id = $3",
    )
    .bind(tenant)
    .bind(claim.id)
    .bind(claim.lease_id)
    .bind(state)
    .bind(outcome.status)
    .bind(outcome.error.as_deref())
    .bind(retry_in.map(crate::whole_millis))
    .execute(tx.conn())
    .await?;
    if moved.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO webhook_attempts (tenant_id, id, delivery_id, status, error, duration_ms, response_body)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant)
    .bind(Uuid::now_v7())
    .bind(claim.id)
    .bind(outcome.status)
    .bind(outcome.error.as_deref())
    .bind(outcome.duration_ms)
    .bind(outcome.response_body.as_deref())
    .execute(tx.conn())
    .await?;
    Ok(true)
}
