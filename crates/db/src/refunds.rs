//! Refunds: proposed by an RMA, reviewed by people (one or many at once), then issued on the
//! platform exactly once (the idempotency key is unique here and sent to the platform).

use std::time::Duration;

use aftersail_domain::{ChannelId, OrderId, RefundId, RmaId, TenantId, UserId};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{Error, TenantTx};

/// Proposes a refund for review. `None` when the RMA has a live refund already.
pub async fn propose(
    tx: &mut TenantTx,
    rma: RmaId,
    order: OrderId,
    amount_minor: i64,
    currency: &str,
) -> Result<Option<RefundId>, Error> {
    let tenant = tx.tenant();
    let id = RefundId::new();
    sqlx::query_scalar(
        "INSERT INTO refunds (tenant_id, id, rma_id, order_id, amount_minor, currency, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, rma_id) WHERE state <> 'rejected' DO NOTHING RETURNING id",
    )
    .bind(tenant)
    .bind(id)
    .bind(rma)
    .bind(order)
    .bind(amount_minor)
    .bind(currency)
    .bind(format!("aftersail-refund-{id}"))
    .fetch_optional(tx.conn())
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueuedRefund {
    pub id: RefundId,
    pub rma_id: RmaId,
    pub rma_code: String,
    pub order_external_id: String,
    pub channel: String,
    pub customer_name: String,
    pub amount_minor: i64,
    pub currency: String,
    pub state: String,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Refunds in `state`, oldest (most urgent) first.
pub async fn queue(tx: &mut TenantTx, state: &str, limit: i64) -> Result<Vec<QueuedRefund>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT f.id, f.rma_id, r.code AS rma_code, o.external_id AS order_external_id, o.channel,
                c.name AS customer_name, f.amount_minor, f.currency, f.state, f.last_error, f.created_at
         FROM refunds f
         JOIN rmas r ON r.tenant_id = f.tenant_id AND r.id = f.rma_id
         JOIN orders o ON o.tenant_id = f.tenant_id AND o.id = f.order_id
         JOIN customers c ON c.tenant_id = o.tenant_id AND c.id = o.customer_id
         WHERE f.tenant_id = $1 AND f.state = $2
         ORDER BY f.created_at, f.id LIMIT $3",
    )
    .bind(tenant)
    .bind(state)
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}

/// Approves or rejects refunds waiting for review, all or nothing: returns how many changed,
/// or `None` (nothing changed) when one of them is unknown or not waiting any more.
pub async fn decide_many(
    tx: &mut TenantTx,
    ids: &[RefundId],
    approve: bool,
    by: UserId,
) -> Result<Option<u64>, Error> {
    let tenant = tx.tenant();
    let raw: Vec<Uuid> = ids.iter().map(|i| i.0).collect();
    let done = sqlx::query(
        "UPDATE refunds SET state = CASE WHEN $3 THEN 'approved' ELSE 'rejected' END, decided_by = $4,
                decided_at = now(), next_attempt_at = now()
         WHERE tenant_id = $1 AND id = ANY($2) AND state = 'pending_review'",
    )
    .bind(tenant)
    .bind(&raw)
    .bind(approve)
    .bind(by)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() != ids.len() as u64 {
        return Ok(None);
    }
    Ok(Some(done.rows_affected()))
}

#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Claim {
    pub tenant_id: TenantId,
    pub id: RefundId,
    pub lease_id: Uuid,
}

/// Claims approved refunds of any shop for issuing on their platform.
pub async fn claim_due(pool: &PgPool, limit: i32, lease: Duration) -> Result<Vec<Claim>, Error> {
    sqlx::query_as("SELECT tenant_id, id, lease_id FROM claim_due_refunds($1, $2)")
        .bind(limit)
        .bind(lease)
        .fetch_all(pool)
        .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Issue {
    pub id: RefundId,
    pub rma_id: RmaId,
    pub amount_minor: i64,
    pub currency: String,
    pub idempotency_key: String,
    pub attempts: i32,
    pub order_channel: String,
    pub order_external_id: String,
    pub rma_code: String,
    /// The marketplace channel and return id when the RMA came from a marketplace.
    pub rma_channel_id: Option<ChannelId>,
    pub return_external_id: Option<String>,
}

/// The claimed refund, if the lease is still ours.
pub async fn get_leased(
    tx: &mut TenantTx,
    id: RefundId,
    lease: Uuid,
) -> Result<Option<Issue>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT f.id, f.rma_id, f.amount_minor, f.currency, f.idempotency_key, f.attempts,
                o.channel AS order_channel, o.external_id AS order_external_id,
                r.code AS rma_code, r.channel_id AS rma_channel_id, r.external_id AS return_external_id
         FROM refunds f JOIN orders o ON o.tenant_id = f.tenant_id AND o.id = f.order_id
         JOIN rmas r ON r.tenant_id = f.tenant_id AND r.id = f.rma_id
         WHERE f.tenant_id = $1 AND f.id = $2 AND f.lease_id = $3 FOR UPDATE OF f",
    )
    .bind(tenant)
    .bind(id)
    .bind(lease)
    .fetch_optional(tx.conn())
    .await
}

/// Records the platform's answer: issued (with its id), or failed with the next attempt
/// (`None`: give up, state `failed`). False when the lease was lost.
pub async fn record(
    tx: &mut TenantTx,
    id: RefundId,
    lease: Uuid,
    outcome: Result<&str, (&str, Option<DateTime<Utc>>)>,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = match outcome {
        Ok(external_id) => {
            sqlx::query(
                "UPDATE refunds SET state = 'issued', external_id = $4, issued_at = now(), last_error = NULL,
                        lease_id = NULL, lease_until = NULL
                 WHERE tenant_id = $1 AND id = $2 AND lease_id = $3",
            )
            .bind(tenant)
            .bind(id)
            .bind(lease)
            .bind(external_id)
            .execute(tx.conn())
            .await?
        }
        Err((error, retry_at)) => {
            sqlx::query(
                "UPDATE refunds SET state = CASE WHEN $5::timestamptz IS NULL THEN 'failed' ELSE state END,
                        last_error = $4, next_attempt_at = coalesce($5, next_attempt_at),
                        lease_id = NULL, lease_until = NULL
                 WHERE tenant_id = $1 AND id = $2 AND lease_id = $3",
            )
            .bind(tenant)
            .bind(id)
            .bind(lease)
            .bind(error)
            .bind(retry_at)
            .execute(tx.conn())
            .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

/// The RMA's latest refund, whatever its state.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RmaRefund {
    pub id: RefundId,
    pub amount_minor: i64,
    pub currency: String,
    pub state: String,
    pub external_id: Option<String>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn latest_for_rma(tx: &mut TenantTx, rma: RmaId) -> Result<Option<RmaRefund>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, amount_minor, currency, state, external_id, last_error, created_at FROM refunds
         WHERE tenant_id = $1 AND rma_id = $2 ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(tenant)
    .bind(rma)
    .fetch_optional(tx.conn())
    .await
}

/// The RMAs of these refunds (for their timelines).
pub async fn rmas_of(tx: &mut TenantTx, ids: &[RefundId]) -> Result<Vec<RmaId>, Error> {
    let tenant = tx.tenant();
    let raw: Vec<Uuid> = ids.iter().map(|i| i.0).collect();
    sqlx::query_scalar("SELECT rma_id FROM refunds WHERE tenant_id = $1 AND id = ANY($2)")
        .bind(tenant)
        .bind(&raw)
        .fetch_all(tx.conn())
        .await
}

/// A failed refund that a person issued on the platform themselves: recorded as issued with
/// `external_id` (`manual:<who>`). False when the refund is not failed.
pub async fn mark_issued_manually(
    tx: &mut TenantTx,
    id: RefundId,
    external_id: &str,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE refunds SET state = 'issued', external_id = $3, issued_at = now(),
                lease_id = NULL, lease_until = NULL
         WHERE tenant_id = $1 AND id = $2 AND state = 'failed'",
    )
    .bind(tenant)
    .bind(id)
    .bind(external_id)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A refund as the API shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Refund {
    pub id: RefundId,
    pub rma_id: RmaId,
    pub rma_code: String,
    pub order_id: OrderId,
    pub amount_minor: i64,
    pub currency: String,
    pub state: String,
    pub external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub issued_at: Option<DateTime<Utc>>,
}

/// A page of refunds in id order after `after`; with `only`, just that refund.
pub async fn page(
    tx: &mut TenantTx,
    after: Option<RefundId>,
    only: Option<RefundId>,
    limit: i64,
) -> Result<Vec<Refund>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT f.id, f.rma_id, r.code AS rma_code, f.order_id, f.amount_minor, f.currency, f.state,
                f.external_id, f.created_at, f.decided_at, f.issued_at
         FROM refunds f JOIN rmas r ON r.tenant_id = f.tenant_id AND r.id = f.rma_id
         WHERE f.tenant_id = $1 AND ($2::uuid IS NULL OR f.id > $2) AND ($3::uuid IS NULL OR f.id = $3)
         ORDER BY f.id LIMIT $4",
    )
    .bind(tenant)
    .bind(after)
    .bind(only)
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}
