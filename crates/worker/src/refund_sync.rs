//! Refund sync: claim approved refunds (across shops, leased), issue each on its order's
//! platform outside any transaction, then record issued, retry later (backoff) or failed.
//!
//! Exactly once on Shopify: the mutation carries our idempotency key (`@idempotent`), the
//! refund's note carries it too, and before issuing we look for a refund with that note on
//! the order, so a worker that died between issuing and recording finds the first refund
//! instead of making a second one. Orders of other channels cannot be refunded from here:
//! they fail with a message and an agent marks them refunded by hand.

use std::sync::Arc;
use std::time::Duration;

use aftersail_channels::shopify::graphql::GraphqlClient;
use aftersail_channels::shopify::DEFAULT_API_VERSION;
use aftersail_channels::ConnectorError;
use aftersail_db::refunds::{self, Claim, Issue};
use aftersail_db::{channels, rmas, TenantTx};
use serde_json::{json, Value};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::backoff;
use crate::connectors::Connectors;

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
    lease: Duration,
) -> anyhow::Result<Round> {
    let mut round = Round::default();
    for claim in refunds::claim_due(pool, CLAIM, lease).await? {
        match issue(pool, connectors, &claim).await? {
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

async fn issue(pool: &PgPool, connectors: &Connectors, claim: &Claim) -> anyhow::Result<Outcome> {
    let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
    let Some(refund) = refunds::get_leased(&mut tx, claim.id, claim.lease_id).await? else {
        return Ok(Outcome::LeaseLost);
    };
    let shopify = if refund.order_channel == "shopify" {
        channels::list(&mut tx)
            .await?
            .into_iter()
            .find(|c| c.kind == "shopify")
    } else {
        None
    };
    tx.commit().await?;

    let result = if refund.order_channel != "shopify" {
        Err(ConnectorError::Permanent(format!(
            "issue this refund on {} and mark it done",
            refund.order_channel
        )))
    } else {
        match shopify {
            None => Err(ConnectorError::Permanent(
                "no Shopify channel is connected; connect one in Settings → Channels".into(),
            )),
            Some(channel) => match client(connectors, claim, &channel) {
                Err(problem) => Err(ConnectorError::Permanent(format!(
                    "channel settings: {problem}"
                ))),
                Ok(client) => refund_on_shopify(&client, &refund).await,
            },
        }
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

fn client(
    connectors: &Connectors,
    claim: &Claim,
    channel: &channels::Channel,
) -> Result<GraphqlClient, String> {
    let secrets = connectors.secrets(claim.tenant_id, channel)?;
    let text = |v: &Value, p: &str| {
        v.pointer(p)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let shop = text(&channel.settings, "/shop").ok_or("the shop domain is missing")?;
    let token = text(&secrets, "/access_token").ok_or("the access token is missing")?;
    let version =
        text(&channel.settings, "/api_version").unwrap_or_else(|| DEFAULT_API_VERSION.into());
    let base = text(&channel.settings, "/base_url").unwrap_or_else(|| format!("https://{shop}"));
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    Ok(GraphqlClient::new(
        http,
        &shop,
        &base,
        &version,
        &token,
        Duration::from_secs(10),
    ))
}

const LOOKUP: &str = "query RefundLookup($q: String!) {
  orders(first: 1, query: $q) { nodes { id
    refunds(first: 100) { id note }
    transactions(first: 20) { id kind status gateway } } }
}";

const CREATE: &str = "mutation RefundCreate($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id }
    userErrors { field message }
  }
}";

/// Finds the order (stored by its name), returns the refund made earlier with our key, or
/// issues one. The answer is Shopify's refund id.
async fn refund_on_shopify(client: &GraphqlClient, r: &Issue) -> Result<String, ConnectorError> {
    let name = r.order_external_id.trim_start_matches('#');
    let data = client
        .query(
            "RefundLookup",
            LOOKUP,
            json!({ "q": format!("name:{name}") }),
        )
        .await?;
    let Some(order) = data.pointer("/orders/nodes/0") else {
        return Err(ConnectorError::Permanent(format!(
            "order {} was not found on Shopify",
            r.order_external_id
        )));
    };
    let marker = note(r);
    let earlier = order
        .get("refunds")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|f| f.get("note").and_then(Value::as_str) == Some(marker.as_str()));
    if let Some(id) = earlier.and_then(|f| f.get("id")).and_then(Value::as_str) {
        return Ok(id.to_owned());
    }
    let order_id = order.get("id").and_then(Value::as_str).unwrap_or_default();
    let parent = order
        .get("transactions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|t| {
            matches!(
                t.get("kind").and_then(Value::as_str),
                Some("SALE" | "CAPTURE")
            ) && t.get("status").and_then(Value::as_str) == Some("SUCCESS")
        });
    let mut transaction = json!({
        "orderId": order_id,
        "kind": "REFUND",
        "amount": decimal(r.amount_minor, &r.currency),
    });
    if let Some(p) = parent {
        transaction["parentId"] = p.get("id").cloned().unwrap_or(Value::Null);
        transaction["gateway"] = p.get("gateway").cloned().unwrap_or(Value::Null);
    }
    let input = json!({
        "orderId": order_id,
        "note": marker,
        "notify": false,
        "currency": r.currency,
        "transactions": [transaction],
    });
    let data = client
        .query(
            "RefundCreate",
            CREATE,
            json!({ "input": input, "key": r.idempotency_key }),
        )
        .await?;
    let errors: Vec<String> = data
        .pointer("/refundCreate/userErrors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| e.get("message").and_then(Value::as_str).map(str::to_owned))
        .collect();
    if !errors.is_empty() {
        return Err(ConnectorError::Permanent(format!(
            "Shopify refused the refund: {}",
            errors.join("; ")
        )));
    }
    data.pointer("/refundCreate/refund/id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| ConnectorError::Transient("Shopify answered without a refund id".into()))
}

/// The refund's note on Shopify: names our key, so a repeat finds it.
fn note(r: &Issue) -> String {
    format!("Aftersail {}", r.idempotency_key)
}

/// Minor units → Shopify's decimal string (`1250`, `EUR` → `12.50`).
fn decimal(minor: i64, currency: &str) -> String {
    let exp = aftersail_channels::shopify::money::exponent(currency);
    if exp == 0 {
        return minor.to_string();
    }
    let div = 10i64.pow(exp);
    format!(
        "{}.{:0width$}",
        minor / div,
        minor % div,
        width = exp as usize
    )
}

pub async fn run(
    pool: PgPool,
    connectors: Arc<Connectors>,
    lease: Duration,
    token: CancellationToken,
) {
    crate::repeat("refund", IDLE_WAIT, &token, || async {
        Ok(run_once(&pool, &connectors, lease).await? != Round::default())
    })
    .await;
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_as_shopify_decimals() {
        assert_eq!(super::decimal(1250, "EUR"), "12.50");
        assert_eq!(super::decimal(5, "USD"), "0.05");
        assert_eq!(super::decimal(1200, "JPY"), "1200");
    }
}
