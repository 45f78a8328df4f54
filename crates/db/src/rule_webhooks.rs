//! Webhook calls rules make: queued in the rule's transaction, delivered by the worker with
//! retries and backoff, each attempt's outcome kept for the run log.

use std::time::Duration;

use aftersail_domain::{TenantId, WebhookCallId};
use sqlx::types::Json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{Error, TenantTx};

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Claim {
    pub tenant_id: TenantId,
    pub id: WebhookCallId,
    pub lease_id: Uuid,
}

pub async fn claim_due(pool: &PgPool, limit: i32, lease: Duration) -> Result<Vec<Claim>, Error> {
    sqlx::query_as("SELECT tenant_id, id, lease_id FROM claim_rule_webhook_calls($1, $2)")
        .bind(limit)
        .bind(lease)
        .fetch_all(pool)
        .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Call {
    pub id: WebhookCallId,
    pub url: String,
    pub payload: Json<serde_json::Value>,
    pub attempts: i32,
}

/// The claimed call, if the lease is still ours.
pub async fn get_leased(
    tx: &mut TenantTx,
    id: WebhookCallId,
    lease: Uuid,
) -> Result<Option<Call>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, url, payload, attempts FROM rule_webhook_calls
         WHERE tenant_id = $1 AND id = $2 AND lease_id = $3 AND state IN ('queued', 'failed')",
    )
    .bind(tenant)
    .bind(id)
    .bind(lease)
    .fetch_optional(tx.conn())
    .await
}

/// Records an attempt: `sent`, or `failed` with the next attempt after `retry_in`, or `dead`
/// when `retry_in` is `None`.
pub async fn record_attempt(
    tx: &mut TenantTx,
    claim: Claim,
    status: Option<i32>,
    error: Option<&str>,
    retry_in: Option<Duration>,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    let state = match (error, retry_in) {
        (None, _) => "sent",
        (Some(_), Some(_)) => "failed",
        (Some(_), None) => "dead",
    };
    sqlx::query(
        "UPDATE rule_webhook_calls SET state = $4, response_status = $5, last_error = $6,
                next_attempt_at = now() + coalesce($7, interval '0'), lease_id = NULL, lease_until = NULL,
                sent_at = CASE WHEN $4 = 'sent' THEN now() END
         WHERE tenant_id = $1 AND id = $2 AND lease_id = $3",
    )
    .bind(tenant)
    .bind(claim.id)
    .bind(claim.lease_id)
    .bind(state)
    .bind(status)
    .bind(error)
    .bind(retry_in.map(crate::whole_millis))
    .execute(tx.conn())
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Delivery {
    pub id: WebhookCallId,
    pub url: String,
    pub state: String,
    pub attempts: i32,
    pub response_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The shop's newest calls, for the run log.
pub async fn recent(tx: &mut TenantTx, limit: i64) -> Result<Vec<Delivery>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, url, state, attempts, response_status, last_error, created_at FROM rule_webhook_calls
         WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(tenant)
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}
