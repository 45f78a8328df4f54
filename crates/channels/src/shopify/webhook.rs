//! Webhooks: the `X-Shopify-Hmac-Sha256` check over the raw body, the delivery headers, and
//! payloads (Shopify sends REST representations) → typed [`WebhookEvent`]s.

use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use http::HeaderMap;
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;

use super::money::to_minor;
use super::orders::{self, RestFulfillment};
use crate::{ConnectorError, Inbound, InboundOrder, InboundReturn, ReturnState, WebhookAction};

/// Checks `X-Shopify-Hmac-Sha256` = base64(HMAC-SHA256(secret, raw body)), in constant
/// time. `secret` is the app's API secret (client secret). Run it on the bytes exactly as
/// received, before any parsing.
pub fn verify(secret: &str, headers: &HeaderMap, raw_body: &[u8]) -> Result<(), ConnectorError> {
    let header = headers.get("x-shopify-hmac-sha256").ok_or_else(|| {
        ConnectorError::Permanent("Shopify webhook without X-Shopify-Hmac-Sha256 header".into())
    })?;
    let given = header
        .to_str()
        .ok()
        .and_then(|v| {
            base64::engine::general_purpose::STANDARD
                .decode(v.trim())
                .ok()
        })
        .ok_or_else(|| {
            ConnectorError::Permanent(
                "Shopify webhook X-Shopify-Hmac-Sha256 header is not base64".into(),
            )
        })?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(raw_body);
    mac.verify_slice(&given).map_err(|_| {
        ConnectorError::Permanent(
            "Shopify webhook signature does not match (wrong secret or altered body)".into(),
        )
    })
}

/// The key a delivery is stored (and deduplicated) under: the SHA-256 of the signed body.
/// Not `X-Shopify-Webhook-Id`: no header is signed, so a captured delivery replayed with a
/// new id would pass as new and could put an old order state back. Shopify's retries of one
/// delivery carry the same body, so they still count once.
pub fn delivery_key(raw_body: &[u8]) -> String {
    use sha2::Digest as _;
    format!("sha256:{}", hex::encode(Sha256::digest(raw_body)))
}

/// The delivery headers of one webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// `X-Shopify-Topic`, e.g. `orders/create`.
    pub topic: String,
    /// `X-Shopify-Webhook-Id`: the same for every retry of one delivery; dedupe on it.
    pub webhook_id: String,
    /// `X-Shopify-Shop-Domain`.
    pub shop_domain: String,
    /// `X-Shopify-Triggered-At`, when present and readable.
    pub triggered_at: Option<DateTime<Utc>>,
    /// `X-Shopify-API-Version`, when present.
    pub api_version: Option<String>,
}

impl Delivery {
    /// Reads the delivery headers; topic, webhook id and shop domain are required.
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, ConnectorError> {
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let required = |name: &'static str| {
            get(name).ok_or_else(|| {
                ConnectorError::Permanent(format!("Shopify webhook without {name} header"))
            })
        };
        Ok(Self {
            topic: required("X-Shopify-Topic")?,
            webhook_id: required("X-Shopify-Webhook-Id")?,
            shop_domain: required("X-Shopify-Shop-Domain")?,
            triggered_at: get("X-Shopify-Triggered-At")
                .and_then(|v| DateTime::parse_from_rfc3339(&v).ok())
                .map(|t| t.with_timezone(&Utc)),
            api_version: get("X-Shopify-API-Version"),
        })
    }
}

/// What a webhook tells us.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum WebhookEvent {
    /// `orders/create`, `orders/updated`, `orders/cancelled`, `orders/fulfilled`: the whole
    /// order, to upsert like a polled one.
    Order(InboundOrder),
    /// `fulfillments/create`, `fulfillments/update`.
    Fulfillment(FulfillmentEvent),
    /// `refunds/create`.
    Refund(RefundEvent),
    /// `returns/request`, `returns/approve`, `returns/close`.
    Return(ReturnEvent),
    /// `app/uninstalled`: the token is dead; stop polling this shop.
    AppUninstalled { shop_domain: Option<String> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FulfillmentEvent {
    /// Shopify's numeric order id (not the `#1001` name).
    pub order_id: String,
    pub fulfillment_id: String,
    /// `pending`, `open`, `success`, `cancelled`, `error`, `failure`.
    pub status: Option<String>,
    /// `in_transit`, `out_for_delivery`, `delivered`, … when the carrier reports it.
    pub shipment_status: Option<String>,
    pub carrier: Option<String>,
    /// First the main number, then any others.
    pub tracking_numbers: Vec<String>,
    pub tracking_urls: Vec<String>,
    pub delivered_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundEvent {
    pub refund_id: String,
    pub order_id: String,
    pub created_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
    /// Money actually returned: the successful `refund` transactions.
    pub amount_minor: i64,
    /// The currency of `amount_minor` (`None` when there was no transaction).
    pub currency: Option<String>,
    pub lines: Vec<RefundLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundLine {
    pub line_item_id: String,
    pub quantity: i32,
    /// `no_restock`, `cancel`, `return`, `legacy_restock`.
    pub restock_type: Option<String>,
    /// From `subtotal_set.shop_money`, when present.
    pub subtotal_minor: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnAction {
    Requested,
    Approved,
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnEvent {
    pub action: ReturnAction,
    pub return_id: String,
    /// Shopify's numeric order id, when the payload carries it.
    pub order_id: Option<String>,
    /// `#1001-R1`.
    pub name: Option<String>,
    /// `requested`, `open`, `closed`, `declined`, `canceled`.
    pub status: Option<String>,
    pub lines: Vec<ReturnLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnLine {
    pub return_line_item_id: String,
    /// The order's line item, when the payload names it.
    pub line_item_id: Option<String>,
    pub quantity: i32,
    pub reason: Option<String>,
    pub customer_note: Option<String>,
}

/// A return as an RMA to create or move. Its order is named by the return's name
/// (`#1001-R1` → `#1001`, the order number the sync stores); a payload without a name
/// (`returns/close`) leaves the order empty and only moves an RMA made before. The payload
/// names order lines by Shopify id, not SKU, so the RMA's lines are not filled in.
pub fn inbound_return(r: &ReturnEvent, raw: &[u8]) -> InboundReturn {
    let order = r
        .name
        .as_deref()
        .and_then(|name| name.rsplit_once("-R").map(|(order, _)| order.to_owned()))
        .unwrap_or_default();
    let state = match (r.action, r.status.as_deref()) {
        (_, Some("declined")) => ReturnState::Rejected,
        (_, Some("canceled")) | (ReturnAction::Closed, _) => ReturnState::Closed,
        (ReturnAction::Approved, _) | (_, Some("open")) => ReturnState::Approved,
        (ReturnAction::Requested, _) => ReturnState::Requested,
    };
    InboundReturn {
        channel: super::CHANNEL.to_owned(),
        external_id: r.return_id.clone(),
        order_external_id: order,
        state,
        reason: r
            .lines
            .iter()
            .find_map(|l| l.reason.clone())
            .unwrap_or_default(),
        buyer_comment: r.lines.iter().find_map(|l| l.customer_note.clone()),
        customer: crate::InboundCustomer::default(),
        items: Vec::new(),
        refund_minor: None,
        currency: None,
        carrier: None,
        tracking_number: None,
        requested_at: Utc::now(),
        raw: raw.to_vec(),
    }
}

/// Every topic [`parse`] understands.
pub const TOPICS: &[&str] = &[
    "orders/create",
    "orders/updated",
    "orders/cancelled",
    "orders/fulfilled",
    "fulfillments/create",
    "fulfillments/update",
    "refunds/create",
    "returns/request",
    "returns/approve",
    "returns/close",
    "app/uninstalled",
];

/// Parses a verified webhook body by its `X-Shopify-Topic`. Unknown topics and unreadable
/// payloads are `Permanent` (answer 200 anyway, or Shopify retries for 48 hours).
pub fn parse(topic: &str, body: &[u8]) -> Result<WebhookEvent, ConnectorError> {
    let unreadable = |e: serde_json::Error| {
        ConnectorError::Permanent(format!("Shopify webhook {topic}: unreadable payload: {e}"))
    };
    match topic {
        "orders/create" | "orders/updated" | "orders/cancelled" | "orders/fulfilled" => {
            orders::from_rest(&format!("webhook {topic}"), body).map(WebhookEvent::Order)
        }
        "fulfillments/create" | "fulfillments/update" => {
            let f: FulfillmentPayload = serde_json::from_slice(body).map_err(unreadable)?;
            let mut tracking_urls: Vec<String> = f.tracking_urls.clone();
            if let Some(url) = f.tracking_url.clone().filter(|u| !u.is_empty()) {
                if !tracking_urls.contains(&url) {
                    tracking_urls.insert(0, url);
                }
            }
            Ok(WebhookEvent::Fulfillment(FulfillmentEvent {
                order_id: id_string(&f.order_id),
                fulfillment_id: id_string(&f.id),
                status: f.status.clone(),
                tracking_numbers: f.fulfillment.numbers(),
                delivered_at: f.fulfillment.delivered_at(),
                shipment_status: f.fulfillment.shipment_status.clone(),
                carrier: f
                    .fulfillment
                    .tracking_company
                    .clone()
                    .filter(|c| !c.is_empty()),
                tracking_urls,
            }))
        }
        "refunds/create" => {
            let r: RefundPayload = serde_json::from_slice(body).map_err(unreadable)?;
            refund(topic, r).map(WebhookEvent::Refund)
        }
        "returns/request" | "returns/approve" | "returns/close" => {
            let r: ReturnPayload = serde_json::from_slice(body).map_err(unreadable)?;
            let action = match topic {
                "returns/request" => ReturnAction::Requested,
                "returns/approve" => ReturnAction::Approved,
                _ => ReturnAction::Closed,
            };
            Ok(WebhookEvent::Return(ReturnEvent {
                action,
                return_id: id_string(&r.id),
                order_id: r.order.as_ref().map(|o| id_string(&o.id)),
                name: r.name,
                status: r.status,
                lines: r
                    .return_line_items
                    .iter()
                    .map(|l| ReturnLine {
                        return_line_item_id: id_string(&l.id),
                        line_item_id: l
                            .fulfillment_line_item
                            .as_ref()
                            .and_then(|f| f.line_item.as_ref())
                            .map(|li| id_string(&li.id)),
                        quantity: l.quantity,
                        reason: l.return_reason.clone(),
                        customer_note: l.customer_note.clone().filter(|n| !n.is_empty()),
                    })
                    .collect(),
            }))
        }
        "app/uninstalled" => {
            let shop: Value = serde_json::from_slice(body).map_err(unreadable)?;
            Ok(WebhookEvent::AppUninstalled {
                shop_domain: shop
                    .get("myshopify_domain")
                    .or_else(|| shop.get("domain"))
                    .and_then(Value::as_str)
                    .map(str::to_string),
            })
        }
        other => Err(ConnectorError::Permanent(format!(
            "Shopify webhook topic {other:?} is not handled"
        ))),
    }
}

/// Numeric ids, string ids and GraphQL gids all become the numeric id as a string.
fn id_string(v: &Value) -> String {
    match v {
        Value::String(s) => super::legacy_id(s),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A REST decimal that may arrive as a string (`"10.00"`) or a JSON number (`10.0`).
fn decimal_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[derive(Deserialize)]
struct FulfillmentPayload {
    id: Value,
    order_id: Value,
    status: Option<String>,
    tracking_url: Option<String>,
    #[serde(default)]
    tracking_urls: Vec<String>,
    #[serde(flatten)]
    fulfillment: RestFulfillment,
}

#[derive(Deserialize)]
struct RefundPayload {
    id: Value,
    order_id: Value,
    created_at: Option<DateTime<Utc>>,
    note: Option<String>,
    #[serde(default)]
    refund_line_items: Vec<RefundLinePayload>,
    #[serde(default)]
    transactions: Vec<TransactionPayload>,
}

#[derive(Deserialize)]
struct RefundLinePayload {
    line_item_id: Value,
    quantity: i32,
    restock_type: Option<String>,
    subtotal_set: Option<MoneySet>,
}

#[derive(Deserialize)]
struct MoneySet {
    shop_money: MoneyPayload,
}

#[derive(Deserialize)]
struct MoneyPayload {
    amount: Value,
    currency_code: String,
}

#[derive(Deserialize)]
struct TransactionPayload {
    kind: Option<String>,
    status: Option<String>,
    amount: Value,
    currency: Option<String>,
}

fn refund(topic: &str, r: RefundPayload) -> Result<RefundEvent, ConnectorError> {
    let bad = |what: String| ConnectorError::Permanent(format!("Shopify webhook {topic}: {what}"));
    let minor = |amount: &Value, currency: &str| {
        let text =
            decimal_text(amount).ok_or_else(|| bad(format!("amount {amount} is not a decimal")))?;
        to_minor(&text, currency).map_err(|e| bad(e.to_string()))
    };
    let mut amount_minor = 0i64;
    let mut currency: Option<String> = None;
    for t in &r.transactions {
        if t.kind.as_deref() != Some("refund") || t.status.as_deref() != Some("success") {
            continue;
        }
        let cur = t
            .currency
            .clone()
            .ok_or_else(|| bad("refund transaction without currency".into()))?
            .to_ascii_uppercase();
        amount_minor += minor(&t.amount, &cur)?;
        currency.get_or_insert(cur);
    }
    let lines = r
        .refund_line_items
        .iter()
        .map(|l| {
            Ok(RefundLine {
                line_item_id: id_string(&l.line_item_id),
                quantity: l.quantity,
                restock_type: l.restock_type.clone(),
                subtotal_minor: match &l.subtotal_set {
                    Some(set) => Some(minor(
                        &set.shop_money.amount,
                        &set.shop_money.currency_code.to_ascii_uppercase(),
                    )?),
                    None => None,
                },
            })
        })
        .collect::<Result<Vec<_>, ConnectorError>>()?;
    Ok(RefundEvent {
        refund_id: id_string(&r.id),
        order_id: id_string(&r.order_id),
        created_at: r.created_at,
        note: r.note.filter(|n| !n.is_empty()),
        amount_minor,
        currency,
        lines,
    })
}

#[derive(Deserialize)]
struct ReturnPayload {
    id: Value,
    name: Option<String>,
    status: Option<String>,
    order: Option<IdOnly>,
    #[serde(default)]
    return_line_items: Vec<ReturnLinePayload>,
}

#[derive(Deserialize)]
struct IdOnly {
    id: Value,
}

#[derive(Deserialize)]
struct ReturnLinePayload {
    id: Value,
    #[serde(default)]
    quantity: i32,
    return_reason: Option<String>,
    customer_note: Option<String>,
    fulfillment_line_item: Option<FulfillmentLineItem>,
}

#[derive(Deserialize)]
struct FulfillmentLineItem {
    line_item: Option<IdOnly>,
}

/// What the worker does with a stored delivery: orders are stored like polled ones;
/// returns become RMAs (or move theirs); fulfillments and refunds make the shop sync at once
/// (their order's new state comes with it); an uninstalled app stops the channel.
pub fn action(topic: &str, body: &[u8]) -> Result<WebhookAction, ConnectorError> {
    Ok(match parse(topic, body)? {
        WebhookEvent::Order(order) => WebhookAction::Ingest(vec![Inbound::Order(order)]),
        WebhookEvent::Return(r) => {
            WebhookAction::Ingest(vec![Inbound::Return(inbound_return(&r, body))])
        }
        WebhookEvent::Fulfillment(_) | WebhookEvent::Refund(_) => WebhookAction::PollSoon,
        WebhookEvent::AppUninstalled { .. } => WebhookAction::Revoke(
            "the Shopify app was uninstalled from the shop; connect it again".into(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    const BODY: &str = r#"{"id":1234567890,"email":"customer@example.com","total_price":"123.45"}"#;
    const SECRET: &str = "test-webhook-secret";
    const SIGNATURE: &str = "QNyObTlKbMx2qDlPF/ZOZcBqg5OgPg+2oky3zldc0Gw=";

    fn headers(sig: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("X-Shopify-Hmac-Sha256", HeaderValue::from_str(sig).unwrap());
        h
    }

    #[test]
    fn published_webhook_vector_passes() {
        assert_eq!(verify(SECRET, &headers(SIGNATURE), BODY.as_bytes()), Ok(()));
    }

    #[test]
    fn tampered_wrong_secret_missing_or_garbled_fail() {
        let tampered = BODY.replace("123.45", "1.00");
        let err = verify(SECRET, &headers(SIGNATURE), tampered.as_bytes()).unwrap_err();
        assert!(matches!(&err, ConnectorError::Permanent(m) if m.contains("does not match")));
        assert!(verify("other-secret", &headers(SIGNATURE), BODY.as_bytes()).is_err());
        let err = verify(SECRET, &HeaderMap::new(), BODY.as_bytes()).unwrap_err();
        assert!(
            matches!(&err, ConnectorError::Permanent(m) if m.contains("without X-Shopify-Hmac-Sha256"))
        );
        let err = verify(SECRET, &headers("not base64!"), BODY.as_bytes()).unwrap_err();
        assert!(matches!(&err, ConnectorError::Permanent(m) if m.contains("not base64")));
        // Right encoding, wrong length.
        assert!(verify(SECRET, &headers("QNyObTlK"), BODY.as_bytes()).is_err());
    }

    #[test]
    fn delivery_headers() {
        let mut h = HeaderMap::new();
        h.insert("X-Shopify-Topic", HeaderValue::from_static("orders/create"));
        h.insert(
            "X-Shopify-Webhook-Id",
            HeaderValue::from_static("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"),
        );
        h.insert(
            "X-Shopify-Shop-Domain",
            HeaderValue::from_static("some-shop.myshopify.com"),
        );
        h.insert(
            "X-Shopify-Triggered-At",
            HeaderValue::from_static("2026-03-01T12:00:00.123456789Z"),
        );
        h.insert("X-Shopify-API-Version", HeaderValue::from_static("2025-10"));
        let d = Delivery::from_headers(&h).unwrap();
        assert_eq!(d.topic, "orders/create");
        assert_eq!(d.webhook_id, "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
        assert_eq!(d.shop_domain, "some-shop.myshopify.com");
        assert_eq!(d.triggered_at.unwrap().timestamp(), 1772366400);
        assert_eq!(d.api_version.as_deref(), Some("2025-10"));
        h.remove("X-Shopify-Webhook-Id");
        let err = Delivery::from_headers(&h).unwrap_err();
        assert!(matches!(err, ConnectorError::Permanent(m) if m.contains("X-Shopify-Webhook-Id")));
    }

    #[test]
    fn unknown_topic_and_bad_json_are_permanent() {
        assert!(
            matches!(parse("carts/create", b"{}"), Err(ConnectorError::Permanent(m)) if m.contains("carts/create"))
        );
        assert!(
            matches!(parse("refunds/create", b"{"), Err(ConnectorError::Permanent(m)) if m.contains("unreadable"))
        );
    }
}
