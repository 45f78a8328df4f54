//! The Shopify connector against a local mock of the Admin API (GraphQL endpoint and OAuth
//! token exchange), as the worker would drive it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aftersail_channels::shopify::oauth::{exchange_code, AccessToken};
use aftersail_channels::shopify::{PollCursor, ShopifyConfig, ShopifyConnector};
use aftersail_channels::{
    Connector, ConnectorError, Inbound, InboundOrder, Outbound, WebhookDelivery, WebhookRequest,
};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

const SHOP: &str = "aftersail-test.myshopify.com";
const TOKEN: &str = "shpat_good";
const PAGE1: &str = include_str!("shopify/graphql_orders_page1.json");
const PAGE2: &str = include_str!("shopify/graphql_orders_page2.json");
const PAGE1_END: &str = "eyJsYXN0X2lkIjo1NTEyMzQ1Njc4OTAyfQ==";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Normal,
    /// Page 1, but the bucket is nearly empty afterwards.
    LowBudget,
    Throttled,
    TooMany,
    TooManyNoHeader,
    ServerError,
    Malformed,
    GraphqlError,
}

struct Mock {
    mode: Mode,
    /// Every GraphQL request body received.
    requests: Mutex<Vec<Value>>,
}

fn cost(requested: f64, available: f64) -> Value {
    json!({
        "requestedQueryCost": requested,
        "actualQueryCost": 12,
        "throttleStatus": { "maximumAvailable": 2000.0, "currentlyAvailable": available, "restoreRate": 100.0 }
    })
}

async fn graphql(State(mock): State<Arc<Mock>>, headers: HeaderMap, body: String) -> Response {
    if headers
        .get("x-shopify-access-token")
        .and_then(|v| v.to_str().ok())
        != Some(TOKEN)
    {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)" })),
        )
            .into_response();
    }
    let Ok(request) = serde_json::from_str::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "request body is not JSON").into_response();
    };
    mock.requests.lock().unwrap().push(request.clone());
    match mock.mode {
        Mode::Throttled => {
            return Json(json!({
                "errors": [{
                    "message": "Throttled",
                    "extensions": { "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits" }
                }],
                "extensions": { "cost": {
                    "requestedQueryCost": 252, "actualQueryCost": null,
                    "throttleStatus": { "maximumAvailable": 2000.0, "currentlyAvailable": 52, "restoreRate": 100.0 }
                }}
            }))
            .into_response()
        }
        Mode::TooMany => {
            return (StatusCode::TOO_MANY_REQUESTS, [("Retry-After", "7")], "Exceeded 2 calls per second")
                .into_response()
        }
        Mode::TooManyNoHeader => return StatusCode::TOO_MANY_REQUESTS.into_response(),
        Mode::ServerError => {
            return (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({ "errors": "Internal Server Error" })))
                .into_response()
        }
        Mode::Malformed => {
            return ([("content-type", "application/json")], r#"{"data":{"orders":{"nodes":[{"id":"#)
                .into_response()
        }
        Mode::GraphqlError => {
            return Json(json!({
                "errors": [{
                    "message": "Field 'bogus' doesn't exist on type 'Order'",
                    "locations": [{ "line": 3, "column": 5 }],
                    "extensions": { "code": "undefinedField", "typeName": "Order", "fieldName": "bogus" }
                }]
            }))
            .into_response()
        }
        Mode::Normal | Mode::LowBudget => {}
    }
    let query = request["query"].as_str().unwrap_or_default();
    if query.contains("shop { name }") {
        return Json(json!({ "data": { "shop": { "name": "Aftersail Test" } }, "extensions": { "cost": cost(1.0, 1999.0) } }))
            .into_response();
    }
    // The orders query must filter and sort by update time and ask for our page size.
    let vars = &request["variables"];
    let filter = vars["query"].as_str().unwrap_or_default();
    if !query.contains("sortKey: UPDATED_AT")
        || !query.contains("query: $query")
        || !filter.starts_with("updated_at:>='")
        || !vars["first"].is_u64()
    {
        return (
            StatusCode::BAD_REQUEST,
            format!("unexpected orders request: {request}"),
        )
            .into_response();
    }
    let mut page: Value = match vars["after"].as_str() {
        None => serde_json::from_str(PAGE1).unwrap(),
        Some(PAGE1_END) => serde_json::from_str(PAGE2).unwrap(),
        Some(other) => {
            return (StatusCode::BAD_REQUEST, format!("unknown cursor {other}")).into_response()
        }
    };
    if mock.mode == Mode::LowBudget {
        page["extensions"]["cost"] = cost(52.0, 2.0);
    }
    Json(page).into_response()
}

async fn access_token(Json(body): Json<Value>) -> Response {
    if body == json!({ "client_id": "app-key", "client_secret": "app-secret", "code": "good-code" })
    {
        Json(json!({ "access_token": "shpat_new", "scope": "read_orders,read_customers" }))
            .into_response()
    } else {
        (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "invalid_request", "error_description": "The authorization code was not found or was already used" })),
        )
            .into_response()
    }
}

async fn spawn(mode: Mode) -> (String, Arc<Mock>) {
    let mock = Arc::new(Mock {
        mode,
        requests: Mutex::new(Vec::new()),
    });
    let app = Router::new()
        .route("/admin/api/2025-10/graphql.json", post(graphql))
        .route("/admin/oauth/access_token", post(access_token))
        .with_state(mock.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), mock)
}

fn config(base: &str) -> ShopifyConfig {
    let mut config = ShopifyConfig::new(SHOP, TOKEN, "app-secret");
    config.base_url = Some(base.to_string());
    config.page_size = 2;
    config.timeout = Duration::from_secs(5);
    config
}

fn connector(base: &str) -> ShopifyConnector {
    ShopifyConnector::new(config(base)).unwrap()
}

fn orders(items: &[Inbound]) -> Vec<&InboundOrder> {
    items
        .iter()
        .map(|i| match i {
            Inbound::Order(o) => o,
            other => panic!("expected an order, got {other:?}"),
        })
        .collect()
}

fn ts(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[tokio::test]
async fn polls_backfill_pages_then_moves_the_watermark() {
    let (base, mock) = spawn(Mode::Normal).await;
    let shopify = connector(&base);

    let first = shopify.poll(None).await.unwrap();
    assert!(first.more);
    let got = orders(&first.items);
    assert_eq!(got.len(), 2);

    let o = got[0];
    assert_eq!(o.channel, "shopify");
    assert_eq!(o.external_id, "#1001");
    assert_eq!(o.status, "delivered");
    assert_eq!(o.total_minor, 12345);
    assert_eq!(o.currency, "EUR");
    assert_eq!(o.shipping_country.as_deref(), Some("DE"));
    assert_eq!(o.customer.external_id.as_deref(), Some("7012345678901"));
    assert_eq!(o.customer.name, "Jane Doe");
    assert_eq!(o.customer.email.as_deref(), Some("jane.doe@example.com"));
    assert_eq!(o.customer.country.as_deref(), Some("DE"));
    assert_eq!(o.carrier.as_deref(), Some("DHL Express"));
    assert_eq!(o.tracking_number.as_deref(), Some("JD014600006281230704"));
    assert_eq!(o.ordered_at, ts("2026-10-02T09:14:03Z"));
    assert_eq!(o.delivered_at, Some(ts("2026-10-05T16:40:00Z")));
    assert_eq!(o.items.len(), 2);
    assert_eq!(o.items[0].sku, "TSHIRT-BLK-M");
    assert_eq!(o.items[0].quantity, 2);
    assert_eq!(o.items[0].unit_price_minor, 2995);
    assert_eq!(o.items[1].unit_price_minor, 6355);
    let raw: Value = serde_json::from_slice(&o.raw).unwrap();
    assert_eq!(raw["id"], "gid://shopify/Order/5512345678901");

    let o = got[1];
    assert_eq!(o.external_id, "#1002");
    assert_eq!(o.status, "partially_shipped");
    assert_eq!((o.total_minor, o.currency.as_str()), (8000, "USD"));
    assert_eq!(o.customer.external_id, None);
    assert_eq!(o.customer.name, "max@example.org");
    assert_eq!(o.shipping_country.as_deref(), Some("US"));
    assert_eq!((o.carrier.as_deref(), o.delivered_at), (Some("UPS"), None));
    assert_eq!(o.items[0].sku, "");

    // The backfill starts 90 days back and the request asked for our page size.
    let cursor = PollCursor::parse(SHOP, first.cursor.as_deref().unwrap()).unwrap();
    let backfill = Utc::now() - chrono::Duration::days(90);
    assert!(
        (cursor.since - backfill).num_seconds().abs() < 60,
        "{cursor:?}"
    );
    assert_eq!(cursor.after.as_deref(), Some(PAGE1_END));
    assert_eq!(cursor.seen, Some(ts("2026-10-07T08:00:00Z")));
    {
        let requests = mock.requests.lock().unwrap();
        assert_eq!(requests[0]["variables"]["first"], 2);
        assert_eq!(requests[0]["variables"]["after"], Value::Null);
        let filter = requests[0]["variables"]["query"].as_str().unwrap();
        assert_eq!(
            filter,
            format!(
                "updated_at:>='{}'",
                cursor
                    .since
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            )
        );
    }

    let second = shopify.poll(first.cursor.as_deref()).await.unwrap();
    assert!(!second.more);
    let got = orders(&second.items);
    assert_eq!(got.len(), 2);
    assert_eq!(
        (got[0].external_id.as_str(), got[0].status.as_str()),
        ("#1003", "cancelled")
    );
    assert_eq!(
        (got[0].total_minor, got[0].currency.as_str()),
        (1550, "GBP")
    );
    assert_eq!(got[0].customer.email.as_deref(), Some("li.wei@example.cn"));
    let jpy = got[1];
    assert_eq!(
        (jpy.external_id.as_str(), jpy.status.as_str()),
        ("#1004", "paid")
    );
    assert_eq!((jpy.total_minor, jpy.currency.as_str()), (4500, "JPY"));
    assert_eq!(jpy.items[0].unit_price_minor, 1500);
    assert_eq!(jpy.items[0].quantity, 3);
    assert_eq!(jpy.customer.name, "田中 太郎");

    // After the last page: a new sweep from the latest update seen, no page cursor.
    let watermark = second.cursor.as_deref().unwrap();
    let cursor = PollCursor::parse(SHOP, watermark).unwrap();
    assert_eq!(
        cursor,
        PollCursor {
            since: ts("2026-10-09T01:05:00Z"),
            after: None,
            seen: None
        }
    );
    assert_eq!(
        mock.requests.lock().unwrap()[1]["variables"]["after"],
        PAGE1_END
    );

    shopify.poll(Some(watermark)).await.unwrap();
    let requests = mock.requests.lock().unwrap();
    assert_eq!(
        requests[2]["variables"]["query"],
        "updated_at:>='2026-10-09T01:05:00Z'"
    );
    assert_eq!(requests[2]["variables"]["after"], Value::Null);
}

#[tokio::test]
async fn an_empty_bucket_makes_the_next_request_wait() {
    let (base, mock) = spawn(Mode::LowBudget).await;
    let shopify = connector(&base);
    shopify.poll(None).await.unwrap();
    // 2 points left, 52 needed, 100 restored per second: about half a second.
    let started = Instant::now();
    shopify.poll(None).await.unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(450), "{waited:?}");
    assert!(waited < Duration::from_millis(2000), "{waited:?}");
    assert_eq!(mock.requests.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_wait_longer_than_allowed_is_rate_limited_without_a_request() {
    let (base, mock) = spawn(Mode::LowBudget).await;
    let mut config = config(&base);
    config.max_throttle_wait = Duration::from_millis(100);
    let shopify = ShopifyConnector::new(config).unwrap();
    shopify.poll(None).await.unwrap();
    let started = Instant::now();
    match shopify.poll(None).await {
        Err(ConnectorError::RateLimited { retry_after }) => {
            assert!(retry_after > Duration::from_millis(300), "{retry_after:?}");
            assert!(retry_after <= Duration::from_millis(500), "{retry_after:?}");
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_millis(100));
    assert_eq!(mock.requests.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn throttled_error_is_rate_limited_for_the_missing_points() {
    let (base, _) = spawn(Mode::Throttled).await;
    // 252 requested, 52 available, 100 per second back: 2 s.
    assert_eq!(
        connector(&base).poll(None).await.unwrap_err(),
        ConnectorError::RateLimited {
            retry_after: Duration::from_secs(2)
        }
    );
}

#[tokio::test]
async fn http_429_uses_retry_after_or_two_seconds() {
    let (base, _) = spawn(Mode::TooMany).await;
    assert_eq!(
        connector(&base).poll(None).await.unwrap_err(),
        ConnectorError::RateLimited {
            retry_after: Duration::from_secs(7)
        }
    );
    let (base, _) = spawn(Mode::TooManyNoHeader).await;
    assert_eq!(
        connector(&base).poll(None).await.unwrap_err(),
        ConnectorError::RateLimited {
            retry_after: Duration::from_secs(2)
        }
    );
}

#[tokio::test]
async fn a_refused_token_is_an_auth_error_for_poll_and_check() {
    let (base, _) = spawn(Mode::Normal).await;
    let mut config = config(&base);
    config.access_token = "shpat_revoked".into();
    let shopify = ShopifyConnector::new(config).unwrap();
    for err in [
        shopify.poll(None).await.unwrap_err(),
        shopify.check().await.unwrap_err(),
    ] {
        match err {
            ConnectorError::Auth(m) => assert!(m.contains(SHOP) && m.contains("401"), "{m}"),
            other => panic!("expected Auth, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn check_passes_with_a_good_token() {
    let (base, mock) = spawn(Mode::Normal).await;
    connector(&base).check().await.unwrap();
    assert_eq!(
        mock.requests.lock().unwrap()[0]["query"],
        "{ shop { name } }"
    );
}

#[tokio::test]
async fn server_errors_and_unreachable_hosts_are_transient() {
    let (base, _) = spawn(Mode::ServerError).await;
    let err = connector(&base).poll(None).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Transient(m) if m.contains(SHOP) && m.contains("500")),
        "{err:?}"
    );

    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let err = connector(&format!("http://{addr}"))
        .check()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Transient(m) if m.contains("could not connect")),
        "{err:?}"
    );
}

#[tokio::test]
async fn malformed_json_is_a_clear_transient_error() {
    let (base, _) = spawn(Mode::Malformed).await;
    let err = connector(&base).poll(None).await.unwrap_err();
    match err {
        ConnectorError::Transient(m) => {
            assert!(m.contains(SHOP) && m.contains("malformed JSON"), "{m}")
        }
        other => panic!("expected Transient, got {other:?}"),
    }
}

#[tokio::test]
async fn other_graphql_errors_are_permanent_and_say_what_was_wrong() {
    let (base, _) = spawn(Mode::GraphqlError).await;
    let err = connector(&base).poll(None).await.unwrap_err();
    match err {
        ConnectorError::Permanent(m) => {
            assert!(
                m.contains(SHOP) && m.contains("Field 'bogus' doesn't exist"),
                "{m}"
            )
        }
        other => panic!("expected Permanent, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_api_version_is_permanent() {
    let (base, _) = spawn(Mode::Normal).await;
    let mut config = config(&base);
    config.api_version = "2019-04".into();
    let err = ShopifyConnector::new(config)
        .unwrap()
        .check()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Permanent(m) if m.contains("404") && m.contains("API version")),
        "{err:?}"
    );
}

#[tokio::test]
async fn bad_cursors_shops_and_sends_are_refused() {
    let (base, mock) = spawn(Mode::Normal).await;
    let shopify = connector(&base);
    let err = shopify.poll(Some("17")).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Permanent(m) if m.contains("cursor")),
        "{err:?}"
    );
    assert!(mock.requests.lock().unwrap().is_empty());

    let err = shopify.send(&Outbound::default()).await.unwrap_err();
    assert_eq!(
        err,
        ConnectorError::Permanent(
            "Shopify has no buyer messaging API; replies to Shopify customers go by email".into()
        )
    );

    let mut bad = config(&base);
    bad.shop = "aftersail-test.myshopify.com.evil.com".into();
    assert!(ShopifyConnector::new(bad).is_err());
}

#[tokio::test]
async fn verifies_webhooks_with_the_api_secret() {
    let (base, _) = spawn(Mode::Normal).await;
    let mut config = config(&base);
    config.api_secret = "test-webhook-secret".into();
    let shopify = ShopifyConnector::new(config).unwrap();
    let body = br#"{"id":1234567890,"email":"customer@example.com","total_price":"123.45"}"#;
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "X-Shopify-Hmac-Sha256",
        http::HeaderValue::from_static("QNyObTlKbMx2qDlPF/ZOZcBqg5OgPg+2oky3zldc0Gw="),
    );
    headers.insert(
        "X-Shopify-Topic",
        http::HeaderValue::from_static("orders/create"),
    );
    headers.insert(
        "X-Shopify-Webhook-Id",
        http::HeaderValue::from_static("b54557e4"),
    );
    headers.insert(
        "X-Shopify-Shop-Domain",
        http::HeaderValue::from_static("shop.myshopify.com"),
    );
    let request = |body: &'static [u8]| WebhookRequest {
        url: "https://helpdesk.example/webhooks/shopify/1",
        headers: &headers,
        body,
    };
    assert_eq!(
        shopify.verify_webhook(&request(body)).await,
        Ok(WebhookDelivery {
            // Named by the signed body, not by the (unsigned) X-Shopify-Webhook-Id.
            id: aftersail_channels::shopify::webhook::delivery_key(body),
            topic: "orders/create".into()
        })
    );
    assert!(shopify.verify_webhook(&request(b"{}")).await.is_err());
}

#[tokio::test]
async fn exchanges_the_install_code_for_a_token() {
    let (base, _) = spawn(Mode::Normal).await;
    let http = reqwest::Client::new();
    let token = exchange_code(&http, &base, "app-key", "app-secret", "good-code")
        .await
        .unwrap();
    assert_eq!(
        token,
        AccessToken {
            token: "shpat_new".into(),
            scopes: vec!["read_orders".into(), "read_customers".into()],
        }
    );
    let err = exchange_code(&http, &base, "app-key", "app-secret", "used-code")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Auth(m) if m.contains("already used")),
        "{err:?}"
    );
}
