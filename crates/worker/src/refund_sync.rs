//! Refund sync: claim approved refunds (across shops, leased), issue each through the
//! connector of its order's platform outside any transaction, then record issued, retry
//! later (backoff) or failed.
//!
//! Exactly once: the connector gets our idempotency key and must find a refund it made
//! earlier with it (Shopify: `@idempotent` + the refund's note; eBay: the refund comment),
//! so a worker that died between issuing and recording finds the first refund instead of
//! making a second one. A marketplace return's refund goes through the channel it came
//! from; other orders through the shop's channel of the order's kind. Platforms that cannot
//! refund (Amazon, manual orders) fail with a message and an agent marks them refunded.

use std::sync::Arc;
use std::time::Duration;

use aftersail_channels::{ConnectorError, RefundRequest};
use aftersail_db::refunds::{self, Claim};
use aftersail_db::{channels, rmas, TenantTx};
use serde_json::json;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::backoff;
use crate::connectors::Connectors;
use crate::notices::BuyerNotices;

pub const MAX_ATTEMPTS: i32 = 8;
const CLAIM: i32 = 16;
const IDLE_WAIT: Duration = Duration::from_secs(2);

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub issued: usize,
    pub retrying: usize,
    pub failed: usize,
}

pub async fn run_once(
    pool: &PgPool,
    connectors: &Connectors,
    notices: &dyn BuyerNotices,
    lease: Duration,
) -> anyhow::Result<Round> {
    let mut round = Round::default();
    for claim in refunds::claim_due(pool, CLAIM, lease).await? {
        match issue(pool, connectors, notices, &claim).await? {
            Outcome::Issued => round.issued += 1,
            Outcome::Retrying => round.retrying += 1,
            Outcome::Failed => round.failed += 1,
            Outcome::LeaseLost => {}
        }
    }
    Ok(round)
}

enum Outcome {
    Issued,
    Retrying,
    Failed,
    LeaseLost,
}

async fn issue(
    pool: &PgPool,
    connectors: &Connectors,
    notices: &dyn BuyerNotices,
    claim: &Claim,
) -> anyhow::Result<Outcome> {
    let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
    let Some(refund) = refunds::get_leased(&mut tx, claim.id, claim.lease_id).await? else {
        return Ok(Outcome::LeaseLost);
    };
    let channel = match refund.rma_channel_id {
        Some(id) => channels::get(&mut tx, id).await?,
        None => channels::list(&mut tx)
            .await?
            .into_iter()
            .find(|c| c.kind == refund.order_channel),
    };
    tx.commit().await?;

    let result = match channel {
        None => Err(ConnectorError::Permanent(format!(
            "no {} channel is connected to refund through; issue this refund on {} and mark it done",
            refund.order_channel, refund.order_channel
        ))),
        Some(channel) => match connectors.build(claim.tenant_id, &channel) {
            Err(problem) => Err(ConnectorError::Permanent(format!(
                "channel settings: {problem}"
            ))),
            Ok(connector) => {
                let issued = connector
                    .refund(&RefundRequest {
                        idempotency_key: refund.idempotency_key.clone(),
                        order_external_id: refund.order_external_id.clone(),
                        return_external_id: refund.return_external_id.clone(),
                        amount_minor: refund.amount_minor,
                        currency: refund.currency.clone(),
                        note: format!("Refund for return {}", refund.rma_code),
                    })
                    .await;
                if let Err(err) = connectors
                    .save_rotated(pool, claim.tenant_id, &channel, connector.as_ref())
                    .await
                {
                    tracing::error!(channel = %channel.id, error = %err, "rotated credentials not stored");
                }
                issued
            }
        },
    };

    let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
    let outcome = match result {
        Ok(external_id) => {
            if !refunds::record(&mut tx, claim.id, claim.lease_id, Ok(&external_id)).await? {
                return Ok(Outcome::LeaseLost);
            }
            let data = json!({ "refund_id": refund.id, "external_id": external_id });
            rmas::add_event(
                &mut tx,
                refund.rma_id,
                None,
                "refund_issued",
                None,
                true,
                &data,
            )
            .await?;
            rmas::transition(
                &mut tx,
                refund.rma_id,
                &[
                    "approved",
                    "in_transit",
                    "received",
                    "inspected",
                    "refunded",
                ],
                "resolved",
                None,
                None,
                &json!({}),
            )
            .await?;
            notices.rma_moved(&mut tx, refund.rma_id).await?;
            Outcome::Issued
        }
        Err(err) => {
            let retry_at = err
                .is_retryable()
                .then_some(())
                .filter(|()| refund.attempts < MAX_ATTEMPTS)
                .map(|()| {
                    backoff::retry_at(u32::try_from(refund.attempts).unwrap_or(1), Some(&err))
                });
            let message = err.to_string();
            tracing::warn!(refund = %claim.id, attempts = refund.attempts, error = %message, gave_up = retry_at.is_none(), "refund not issued");
            if !refunds::record(&mut tx, claim.id, claim.lease_id, Err((&message, retry_at)))
                .await?
            {
                return Ok(Outcome::LeaseLost);
            }
            if retry_at.is_some() {
                Outcome::Retrying
            } else {
                let data = json!({ "refund_id": refund.id, "error": message });
                rmas::add_event(
                    &mut tx,
                    refund.rma_id,
                    None,
                    "refund_failed",
                    None,
                    false,
                    &data,
                )
                .await?;
                Outcome::Failed
            }
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

pub async fn run(
    pool: PgPool,
    connectors: Arc<Connectors>,
    notices: Arc<dyn BuyerNotices>,
    lease: Duration,
    token: CancellationToken,
) {
    crate::repeat("refund", IDLE_WAIT, &token, || async {
        Ok(run_once(&pool, &connectors, notices.as_ref(), lease).await? != Round::default())
    })
    .await;
}
