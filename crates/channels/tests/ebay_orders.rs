//! The eBay connector's orders and order refunds against eBay's published Sell Fulfillment
//! spec (`../shared/fixtures/ebay/sell_fulfillment_v1_oas3.json`) served by Prism with
//! `--dynamic --errors` behind a fault proxy. Prism answers requests that break the spec
//! with a 4xx, so every successful call proves the request valid; its data is random, so
//! the checks are about structure and invariants. Identity (OAuth) is the local fake.

mod contract;
mod ebay;

use std::time::Duration;

use aftersail_channels::ebay::cursor::Kind;
use aftersail_channels::ebay::{EbayConnector, PollCursor};
use aftersail_channels::{Connector, ConnectorError, Inbound, InboundOrder, RefundRequest};
use contract::{Fault, FaultProxy, Prism};
use ebay::{Fake, Roots};
use serde_json::Value;

const SPEC: &str = "ebay/sell_fulfillment_v1_oas3.json";

struct Env {
    prism: Prism,
    proxy: FaultProxy,
    fake: Fake,
    ebay: EbayConnector,
}

fn orders_of(items: &[Inbound]) -> Vec<&InboundOrder> {
    items
        .iter()
        .filter_map(|i| match i {
            Inbound::Order(o) => Some(o),
            _ => None,
        })
        .collect()
}

/// What every order mapped from any eBay answer must satisfy.
fn check_order(o: &InboundOrder) {
    assert_eq!(o.channel, "ebay");
    assert!(!o.external_id.trim().is_empty());
    assert!(
        o.currency.len() == 3 && o.currency.bytes().all(|b| b.is_ascii_uppercase()),
        "{}",
        o.currency
    );
    if o.currency == "XXX" {
        assert_eq!(o.total_minor, 0, "an unreadable total is stored as 0 XXX");
    }
    if let Some(c) = &o.shipping_country {
        assert!(
            c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()),
            "{c}"
        );
    }
    assert!(o.items.iter().all(|i| i.quantity >= 0));
    assert!(!o.status.is_empty());
    let raw: Value = serde_json::from_slice(&o.raw).expect("raw is the order's JSON");
    assert_eq!(
        raw["orderId"].as_str().map(str::trim),
        Some(o.external_id.as_str())
    );
}

/// The URIs of getOrders requests the proxy saw (not shipments, not single orders).
fn order_pages(proxy: &FaultProxy) -> Vec<(String, u16)> {
    proxy
        .seen()
        .iter()
        .filter(|s| s.method == "GET" && s.uri.starts_with("/order?"))
        .map(|s| (s.uri.clone(), s.status))
        .collect()
}

/// Polls the other streams (served empty by the fake) until orders are next.
async fn round_to_orders(env: &Env, mut cursor: String) -> String {
    for _ in 0..10 {
        let (next, _) = PollCursor::parse(&cursor)
            .unwrap()
            .next(chrono::Utc::now(), 30);
        if next == Kind::Orders {
            return cursor;
        }
        cursor = env.ebay.poll(Some(&cursor)).await.unwrap().cursor.unwrap();
    }
    panic!("orders never came round");
}

async fn polls_orders_with_valid_requests(env: &Env) -> String {
    let batch = env.ebay.poll(None).await.expect("first poll");
    let orders = orders_of(&batch.items);
    orders.iter().for_each(|o| check_order(o));
    let pages = order_pages(&env.proxy);
    assert_eq!(pages.len(), 1);
    let (uri, status) = &pages[0];
    assert_eq!(*status, 200, "Prism accepted getOrders: {uri}");
    let query: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(uri.split_once('?').unwrap().1.as_bytes())
            .into_owned()
            .collect();
    let filter = &query["filter"];
    assert!(
        filter.starts_with("lastmodifieddate:[") && filter.ends_with("Z]") && filter.contains(".."),
        "{filter}"
    );
    assert_eq!(query["offset"], "0");
    assert_eq!(query["limit"], "50");
    // Shipments were read for orders that list fulfillments, and Prism took those requests.
    for s in env
        .proxy
        .seen()
        .iter()
        .filter(|s| s.uri.contains("/shipping_fulfillment"))
    {
        assert_eq!(s.status, 200, "{}", s.uri);
        assert_eq!(
            s.headers.get("authorization").unwrap().to_str().unwrap(),
            "Bearer user-token-1"
        );
    }
    assert!(
        batch.more,
        "messages, returns, inquiries and cases are still to come"
    );
    batch.cursor.unwrap()
}

async fn expired_token_is_refreshed_and_retried(env: &Env, cursor: String) -> String {
    let cursor = round_to_orders(env, cursor).await;
    let tokens_before = env.fake.token_requests().len();
    env.proxy.clear_seen();
    env.proxy.push("/order?", Fault::status(401));
    let batch = env
        .ebay
        .poll(Some(&cursor))
        .await
        .expect("a 401 is refreshed and retried");
    orders_of(&batch.items).iter().for_each(|o| check_order(o));
    assert_eq!(env.fake.token_requests().len(), tokens_before + 1);
    let pages = env.proxy.seen();
    let pages: Vec<_> = pages
        .iter()
        .filter(|s| s.uri.starts_with("/order?"))
        .collect();
    assert_eq!(pages.len(), 2);
    assert_eq!((pages[0].status, pages[1].status), (401, 200));
    assert_eq!(pages[0].uri, pages[1].uri);
    assert_ne!(
        pages[0].headers.get("authorization"),
        pages[1].headers.get("authorization")
    );
    batch.cursor.unwrap()
}

async fn faults_keep_the_cursor_and_lose_nothing(env: &Env, cursor: String) -> String {
    let cursor = round_to_orders(env, cursor).await;
    env.proxy.clear_seen();
    env.proxy.push("/order?", Fault::too_many(7));
    env.proxy.push("/order?", Fault::status(500));
    env.proxy.push("/order?", Fault::status(503));
    env.proxy.push(
        "/order?",
        Fault::Body(r#"{"total": 3, "orders": [{"orderId": "07-"#.into()),
    );
    env.proxy.push("/order?", Fault::Truncate);
    assert_eq!(
        env.ebay.poll(Some(&cursor)).await.unwrap_err(),
        ConnectorError::RateLimited {
            retry_after: Duration::from_secs(7)
        }
    );
    for what in ["500", "503", "malformed JSON", "truncated body"] {
        let got = env.ebay.poll(Some(&cursor)).await;
        assert!(
            matches!(got, Err(ConnectorError::Transient(_))),
            "{what}: {got:?}"
        );
    }
    assert_eq!(env.proxy.pending(), 0);
    let batch = env
        .ebay
        .poll(Some(&cursor))
        .await
        .expect("the same page after the faults");
    orders_of(&batch.items).iter().for_each(|o| check_order(o));
    let pages = order_pages(&env.proxy);
    assert_eq!(pages.len(), 6);
    assert!(
        pages.iter().all(|(uri, _)| *uri == pages[0].0),
        "every retry reads the same page: {pages:?}"
    );
    batch.cursor.unwrap()
}

async fn a_partial_page_is_continued_not_skipped(env: &Env, cursor: String) {
    let cursor = round_to_orders(env, cursor).await;
    let at = PollCursor::parse(&cursor)
        .unwrap()
        .orders
        .sweep
        .map(|s| s.offset)
        .unwrap_or(0);
    env.proxy.clear_seen();
    // A well-formed page that holds one order of a larger result set.
    env.proxy.push(
        "/order?",
        Fault::Body(r#"{"total": 9007199254740991, "limit": 50, "offset": 0, "orders": [{"orderId": "07-00001-00001", "pricingSummary": {"total": {"value": "10.00", "currency": "EUR"}}}]}"#.into()),
    );
    let batch = env.ebay.poll(Some(&cursor)).await.unwrap();
    let orders = orders_of(&batch.items);
    assert_eq!(orders.len(), 1);
    assert_eq!(
        (
            orders[0].external_id.as_str(),
            orders[0].total_minor,
            orders[0].currency.as_str()
        ),
        ("07-00001-00001", 1000, "EUR")
    );
    let next = PollCursor::parse(batch.cursor.as_deref().unwrap()).unwrap();
    let sweep = next.orders.sweep.clone().expect("the sweep goes on");
    assert_eq!(
        sweep.offset,
        at + 1,
        "the next page starts right after the one order read"
    );
    assert!(batch.more);
    // Around the round, the next getOrders asks from there, with the same window.
    let cursor = round_to_orders(env, batch.cursor.unwrap()).await;
    env.ebay.poll(Some(&cursor)).await.unwrap();
    let pages = order_pages(&env.proxy);
    let last = &pages.last().unwrap().0;
    assert!(last.contains(&format!("offset={}", at + 1)), "{last}");
    assert_eq!(
        pages[0].0.split('&').find(|p| p.starts_with("filter=")),
        last.split('&').find(|p| p.starts_with("filter="))
    );
}

async fn refunds_and_checks_pass_the_spec(env: &Env) {
    env.proxy.clear_seen();
    let refund = RefundRequest {
        idempotency_key: "refund-0193-aaaa".into(),
        order_external_id: "07-12345-67890".into(),
        return_external_id: None,
        amount_minor: 1999,
        currency: "USD".into(),
        note: "Partial refund for the scratch".into(),
    };
    let id = env
        .ebay
        .refund(&refund)
        .await
        .expect("issueRefund through Prism");
    assert!(!id.is_empty());
    let seen = env.proxy.seen();
    let get = seen.iter().find(|s| s.method == "GET").unwrap();
    assert_eq!(
        (get.uri.as_str(), get.status),
        ("/order/07-12345-67890", 200)
    );
    let post = seen.iter().find(|s| s.method == "POST").unwrap();
    assert_eq!(
        (post.uri.as_str(), post.status),
        ("/order/07-12345-67890/issue_refund", 200)
    );
    let body: Value = serde_json::from_slice(&post.body).unwrap();
    assert_eq!(
        body["orderLevelRefundAmount"],
        serde_json::json!({"value": "19.99", "currency": "USD"})
    );
    assert_eq!(
        body["comment"],
        "Partial refund for the scratch [refund-0193-aaaa]"
    );
    env.ebay.check().await.expect("check against the spec");
}

async fn an_invalid_request_is_refused(env: &Env) {
    // The check is live: a request that breaks the spec gets a 4xx, not random data.
    let http = reqwest::Client::new();
    let bad_body = http
        .post(format!("{}/order/07-1/issue_refund", env.proxy.base))
        .bearer_auth("user-token-1")
        .json(&serde_json::json!({"orderLevelRefundAmount": "all of it", "refundItems": 5}))
        .send()
        .await
        .unwrap();
    assert!(bad_body.status().is_client_error(), "{}", bad_body.status());
    let no_auth = http
        .get(format!("{}/order?limit=1", env.proxy.base))
        .send()
        .await
        .unwrap();
    assert!(no_auth.status().is_client_error(), "{}", no_auth.status());
}

#[tokio::test]
async fn orders_and_refunds_against_the_published_spec() {
    let prism = Prism::start_dynamic(SPEC).await;
    let proxy = FaultProxy::start(&prism.base).await;
    let fake = Fake::start().await;
    let ebay = ebay::connector(
        &fake,
        Roots {
            fulfillment: Some(proxy.base.clone()),
            ..Roots::default()
        },
    );
    let env = Env {
        prism,
        proxy,
        fake,
        ebay,
    };

    let cursor = polls_orders_with_valid_requests(&env).await;
    let cursor = expired_token_is_refreshed_and_retried(&env, cursor).await;
    let cursor = faults_keep_the_cursor_and_lose_nothing(&env, cursor).await;
    a_partial_page_is_continued_not_skipped(&env, cursor).await;
    refunds_and_checks_pass_the_spec(&env).await;
    let violations = env.prism.request_violations();
    assert!(
        violations.is_empty(),
        "requests that broke the spec:\n{}",
        violations.join("\n")
    );
    an_invalid_request_is_refused(&env).await;
    assert!(
        !env.prism.request_violations().is_empty(),
        "Prism reports the invalid request, so the empty list above means something"
    );
}
