//! Refunds on Shopify, exactly once: the mutation carries our idempotency key
//! (`@idempotent`), the refund's note carries it too, and before issuing we look for a refund
//! with that note on the order, so a worker that died between issuing and recording finds
//! the first refund instead of making a second one.

use serde_json::{json, Value};

use super::graphql::GraphqlClient;
use crate::{ConnectorError, RefundRequest};

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
pub async fn issue(client: &GraphqlClient, r: &RefundRequest) -> Result<String, ConnectorError> {
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
        "amount": aftersail_domain::money::decimal(r.amount_minor, &r.currency),
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
fn note(r: &RefundRequest) -> String {
    format!("Aftersail {}", r.idempotency_key)
}
