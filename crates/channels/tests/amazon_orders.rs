//! The Amazon connector's orders sync against Prism serving the Orders API specs
//! (2026-01-01 and v0) behind a fault proxy, with a local Login with Amazon endpoint: what
//! it asks for, how answers map, how faults and token trouble surface, and that a sweep
//! loses and repeats nothing.

mod contract;
#[path = "amazon/support.rs"]
mod support;

use std::collections::HashSet;
use std::time::Duration;

use aftersail_channels::amazon::cursor::{OrdersApi, PollCursor};
use aftersail_channels::amazon::rate::ops;
use aftersail_channels::{Batch, Connector, ConnectorError, Inbound, InboundOrder};
use chrono::{DateTime, Utc};
use contract::{Fault, Seen};
use serde_json::{json, Value};
use support::{assert_no_secret, Lwa, LwaMode, SpApi, Spec};

const PAGE2: &str = include_str!("amazon/orders_page2.json");
const SEARCH: &str = "/orders/2026-01-01/orders?";
const PRISM_NEXT_TOKEN: &str = "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4";

/// A connector polling orders only (these tests leave the returns report alone).
fn connector(
    api: &SpApi,
    lwa: &Lwa,
    mut extra: Value,
) -> aftersail_channels::amazon::AmazonConnector {
    extra["returns"] = json!(false);
    support::connector(api, lwa, extra)
}

fn orders(batch: &Batch) -> Vec<&InboundOrder> {
    batch
        .items
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

fn query(seen: &Seen) -> Vec<(String, String)> {
    let q = seen.uri.split_once('?').map(|(_, q)| q).unwrap_or("");
    url::form_urlencoded::parse(q.as_bytes())
        .into_owned()
        .collect()
}

fn param(seen: &Seen, name: &str) -> Option<String> {
    query(seen)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn token_of(seen: &Seen) -> String {
    seen.headers
        .get("x-amz-access-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn sweep_2026_maps_orders_pages_and_loses_nothing_to_faults() {
    let lwa = Lwa::start().await;
    let api = SpApi::start(&[Spec::Orders2026]).await;
    let amazon = connector(&api, &lwa, json!({}));
    let started = Utc::now();

    // Page 1: Prism's example, which has a next page.
    let first = amazon.poll(None).await.expect("first page");
    assert!(first.more);
    let page1 = orders(&first);
    assert_eq!(page1.len(), 1);
    let o = page1[0];
    assert_eq!(o.channel, "amazon");
    assert_eq!(o.external_id, "123-4567890-1234567");
    assert_eq!(o.status, "delivered");
    assert_eq!(o.customer.name, "John Smith");
    assert_eq!(
        o.customer.email.as_deref(),
        Some("buyer-email@marketplace.amazon.com")
    );
    assert_eq!(o.customer.country.as_deref(), Some("US"));
    assert_eq!(o.shipping_country.as_deref(), Some("US"));
    assert_eq!((o.total_minor, o.currency.as_str()), (15499, "USD"));
    assert_eq!(o.carrier.as_deref(), Some("UPS"));
    assert_eq!(o.tracking_number.as_deref(), Some("1Z999AA1234567890"));
    assert_eq!(o.ordered_at, ts("2024-12-25T10:30:00Z"));
    // Delivered: the last update, which is before the promised delivery window's end.
    assert_eq!(o.delivered_at, Some(ts("2024-12-25T14:45:00Z")));
    let items: Vec<(&str, &str, i32, i64)> = o
        .items
        .iter()
        .map(|i| {
            (
                i.sku.as_str(),
                i.title.as_str(),
                i.quantity,
                i.unit_price_minor,
            )
        })
        .collect();
    assert_eq!(
        items,
        [
            (
                "ECHO-DOT-4-CHARCOAL",
                "Echo Dot (4th Gen) | Smart speaker with Alexa | Charcoal",
                2,
                4999
            ),
            (
                "FIRE-TV-4K-2021",
                "Fire TV Stick 4K with Alexa Voice Remote",
                1,
                4999
            ),
        ]
    );
    let raw: Value = serde_json::from_slice(&o.raw).unwrap();
    assert_eq!(raw["orderId"], "123-4567890-1234567");
    let c1 = first.cursor.clone().unwrap();
    let parsed = PollCursor::parse(&c1).unwrap();
    assert_eq!(parsed.orders.after.as_deref(), Some(PRISM_NEXT_TOKEN));
    assert_eq!(parsed.orders.api, OrdersApi::V2026);
    let until = parsed
        .orders
        .until
        .expect("a sweep in progress has its end");

    let seen = api.proxy.seen();
    assert_eq!(seen.len(), 1);
    let q = &seen[0];
    assert_eq!(q.method, "GET");
    assert_eq!(token_of(q), "Atza|token-1");
    assert_eq!(param(q, "marketplaceIds").as_deref(), Some("ATVPDKIKX0DER"));
    assert_eq!(
        param(q, "includedData").as_deref(),
        Some("BUYER,RECIPIENT,PROCEEDS,FULFILLMENT,PACKAGES")
    );
    assert_eq!(param(q, "maxResultsPerPage").as_deref(), Some("100"));
    assert_eq!(param(q, "paginationToken"), None);
    let after = ts(&param(q, "lastUpdatedAfter").unwrap());
    let before = ts(&param(q, "lastUpdatedBefore").unwrap());
    let backfill = started - chrono::Duration::days(30);
    assert!(
        (after - backfill).num_seconds().abs() < 60,
        "{after} vs {backfill}"
    );
    assert!(before <= Utc::now() - chrono::Duration::minutes(2));
    assert_eq!(before, until);

    // Page 2 fails in every way; each failure is an error (the worker keeps c1).
    type Expected = fn(&ConnectorError) -> bool;
    let faults: [(Fault, Expected); 5] = [
        (Fault::status(503), |e| {
            matches!(e, ConnectorError::Transient(_))
        }),
        (Fault::status(500), |e| {
            matches!(e, ConnectorError::Transient(_))
        }),
        (Fault::Truncate, |e| {
            matches!(e, ConnectorError::Transient(_))
        }),
        (Fault::Body(r#"{"orders": [{"orderId": "#.into()), |e| {
            matches!(e, ConnectorError::Transient(_))
        }),
        (Fault::too_many(1), |e| {
            *e == ConnectorError::RateLimited {
                retry_after: Duration::from_secs(1),
            }
        }),
    ];
    for (fault, expected) in faults {
        let name = format!("{fault:?}");
        api.proxy.push(SEARCH, fault);
        let err = amazon.poll(Some(&c1)).await.expect_err(&name);
        assert!(expected(&err), "{name} → {err:?}");
        assert_no_secret(&err.to_string());
    }
    assert_eq!(api.proxy.pending(), 0);

    // Page 2 answers (a real last page, with other orders), after the 429's second.
    api.replace("paginationToken=", serde_json::from_str(PAGE2).unwrap());
    let second = amazon.poll(Some(&c1)).await.expect("second page");
    assert!(!second.more);
    let page2 = orders(&second);
    let ids: Vec<&str> = page2.iter().map(|o| o.external_id.as_str()).collect();
    assert_eq!(ids, ["250-1234567-8901234", "302-7654321-1234567"]);
    let jp = page2[0];
    assert_eq!((jp.total_minor, jp.currency.as_str()), (19940, "JPY"));
    assert_eq!(jp.status, "paid");
    assert_eq!(jp.customer.name, "山田 太郎");
    assert_eq!(
        jp.customer.email.as_deref(),
        Some("yamada-taro@marketplace.amazon.co.jp")
    );
    assert_eq!(jp.customer.country.as_deref(), Some("JP"));
    assert_eq!(jp.items[0].title, "Echo Dot (第4世代) スマートスピーカー");
    assert_eq!(
        (jp.items[1].quantity, jp.items[1].unit_price_minor),
        (2, 6980)
    );
    assert_eq!((jp.carrier.as_deref(), jp.delivered_at), (None, None));
    let de = page2[1];
    assert_eq!(de.status, "cancelled");
    assert_eq!(de.items[0].title, "Kühlschrankmagnete – 3er Set");
    assert_eq!(de.items[0].unit_price_minor, 1299);

    let page2_request = api
        .proxy
        .seen()
        .into_iter()
        .filter(|s| s.status == 200)
        .last()
        .unwrap();
    assert_eq!(
        param(&page2_request, "paginationToken").as_deref(),
        Some(PRISM_NEXT_TOKEN)
    );
    assert_eq!(
        param(&page2_request, "lastUpdatedBefore"),
        param(q, "lastUpdatedBefore")
    );
    assert_eq!(
        param(&page2_request, "lastUpdatedAfter"),
        param(q, "lastUpdatedAfter")
    );

    // The sweep delivered each order once; the next one starts where it ended.
    let mut all = HashSet::new();
    for o in page1.iter().chain(page2.iter()) {
        assert!(all.insert(o.external_id.clone()), "{} twice", o.external_id);
    }
    assert_eq!(all.len(), 3);
    let c2 = PollCursor::parse(second.cursor.as_deref().unwrap()).unwrap();
    assert_eq!(c2.orders.since, until);
    assert_eq!((c2.orders.until, c2.orders.after), (None, None));

    // A 429 without Retry-After waits for the bucket: searchOrders refills one token in
    // 1/0.0056 s.
    api.proxy.push(
        SEARCH,
        Fault::Status { status: 429, headers: vec![], body: r#"{"errors":[{"code":"QuotaExceeded","message":"You exceeded your quota for the requested resource."}]}"#.into() },
    );
    match amazon.poll(second.cursor.as_deref()).await {
        Err(ConnectorError::RateLimited { retry_after }) => {
            assert!(
                (178..=179).contains(&retry_after.as_secs()),
                "{retry_after:?}"
            )
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }

    // One token served every call; every request met the spec.
    assert_eq!(lwa.calls(), 1);
    api.assert_all_valid();
}

#[tokio::test]
async fn access_tokens_are_cached_shared_refreshed_and_refused() {
    let lwa = Lwa::start().await;
    let api = SpApi::start(&[Spec::Orders2026]).await;

    // Concurrent calls share one refresh.
    lwa.set_delay(Duration::from_millis(300));
    let amazon = connector(&api, &lwa, json!({}));
    let checks = futures_util::future::join_all((0..5).map(|_| amazon.check())).await;
    assert!(checks.iter().all(Result::is_ok), "{checks:?}");
    assert_eq!(lwa.calls(), 1);
    lwa.set_delay(Duration::ZERO);
    for s in api.proxy.seen() {
        assert_eq!(
            param(&s, "maxResultsPerPage").as_deref(),
            Some("1"),
            "check asks for one order"
        );
        assert_eq!(token_of(&s), "Atza|token-1");
    }

    // Prism's rate-limit header is not a number and changes nothing; Amazon's is adopted.
    assert_eq!(amazon.client().limits().rate(&ops::SEARCH_ORDERS), 0.0056);
    api.proxy.push(
        SEARCH,
        Fault::Status {
            status: 200,
            headers: vec![("x-amzn-RateLimit-Limit".into(), "0.25".into())],
            body: r#"{"orders": []}"#.into(),
        },
    );
    amazon.check().await.unwrap();
    assert_eq!(amazon.client().limits().rate(&ops::SEARCH_ORDERS), 0.25);

    // Amazon refuses the token (expired early, revoked): one refresh, one retry.
    api.proxy.clear_seen();
    api.proxy.push(SEARCH, Fault::status(401));
    amazon.check().await.expect("retried with a fresh token");
    assert_eq!(lwa.calls(), 2);
    let seen = api.proxy.seen();
    let tokens: Vec<(u16, String)> = seen.iter().map(|s| (s.status, token_of(s))).collect();
    assert_eq!(
        tokens,
        [(401, "Atza|token-1".into()), (200, "Atza|token-2".into())]
    );

    // Refused twice (a role the app lacks, with no fallback allowed): Auth, after one refresh.
    let strict = connector(&api, &lwa, json!({"orders_api": "2026-01-01"}));
    let denied = Fault::Status {
        status: 403,
        headers: vec![],
        body: r#"{"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied.","details":""}]}"#.into(),
    };
    api.proxy.push(SEARCH, denied.clone());
    api.proxy.push(SEARCH, denied);
    let calls = lwa.calls();
    match strict.check().await {
        Err(ConnectorError::Auth(msg)) => {
            assert!(
                msg.contains("Access to requested resource is denied"),
                "{msg}"
            );
            assert_no_secret(&msg);
        }
        other => panic!("expected Auth, got {other:?}"),
    }
    assert_eq!(lwa.calls(), calls + 2, "the first token and one refresh");

    // Tokens are used until shortly before they expire (61 s with a 60 s margin: 1 s).
    lwa.set(LwaMode::Issue { expires_in: 61 });
    let short = connector(&api, &lwa, json!({}));
    let calls = lwa.calls();
    short.check().await.unwrap();
    short.check().await.unwrap();
    assert_eq!(lwa.calls(), calls + 1, "cached while valid");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    short.check().await.unwrap();
    assert_eq!(lwa.calls(), calls + 2, "refreshed once expired");

    // LWA refuses the refresh token: Auth, and nothing secret in the message.
    lwa.set(LwaMode::Refuse);
    let refused = connector(&api, &lwa, json!({}));
    match refused.poll(None).await {
        Err(ConnectorError::Auth(msg)) => {
            assert!(msg.contains("invalid_grant"), "{msg}");
            assert_no_secret(&msg);
        }
        other => panic!("expected Auth, got {other:?}"),
    }
    // LWA answers garbage: try again later.
    lwa.set(LwaMode::Malformed);
    let garbled = connector(&api, &lwa, json!({}));
    assert!(matches!(
        garbled.check().await,
        Err(ConnectorError::Transient(_))
    ));
    // Wrong client credentials are refused too.
    lwa.set(LwaMode::Issue { expires_in: 3600 });
    let mut settings = support::settings(&api, &lwa, json!({"returns": false}));
    settings["lwa_url"] = json!(lwa.url.clone());
    let mut secrets = support::secrets();
    secrets["client_secret"] = json!("wrong");
    let wrong = aftersail_channels::amazon::from_settings(&settings, &secrets).unwrap();
    assert!(matches!(wrong.check().await, Err(ConnectorError::Auth(_))));

    api.assert_all_valid();
}

#[tokio::test]
async fn v0_orders_with_items_and_automatic_fallback() {
    let lwa = Lwa::start().await;
    let api = SpApi::start(&[Spec::Orders2026, Spec::OrdersV0]).await;

    // Configured for v0: getOrders, then getOrderItems for each order.
    let v0 = connector(&api, &lwa, json!({"orders_api": "v0"}));
    let batch = v0.poll(None).await.expect("v0 page");
    assert!(batch.more);
    let o = orders(&batch)[0];
    assert_eq!(o.external_id, "902-3159896-1390916");
    assert_eq!(o.status, "pending");
    assert_eq!(o.customer.name, "John Doe");
    assert_eq!(o.customer.email.as_deref(), Some("user@example.com"));
    assert_eq!(o.customer.country.as_deref(), Some("US"));
    assert_eq!(o.ordered_at, ts("2017-01-20T19:49:35Z"));
    // No OrderTotal (pending): the items' currency and sum. Amazon's example prices JPY
    // with cents; they round to whole yen, and line prices become unit prices.
    assert_eq!(o.currency, "JPY");
    let items: Vec<(&str, i32, i64)> = o
        .items
        .iter()
        .map(|i| (i.sku.as_str(), i.quantity, i.unit_price_minor))
        .collect();
    assert_eq!(items, [("CBA_OTF_1", 1, 26), ("CBA_OTF_5", 2, 9)]);
    assert_eq!(o.total_minor, 26 + 18);
    let raw: Value = serde_json::from_slice(&o.raw).unwrap();
    assert_eq!(raw["OrderItems"].as_array().unwrap().len(), 2);
    let cursor = PollCursor::parse(batch.cursor.as_deref().unwrap()).unwrap();
    assert_eq!(cursor.orders.api, OrdersApi::V0);
    assert_eq!(cursor.orders.after.as_deref(), Some(PRISM_NEXT_TOKEN));
    let seen = api.proxy.seen();
    let paths: Vec<&str> = seen
        .iter()
        .map(|s| s.uri.split('?').next().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "/orders/v0/orders",
            "/orders/v0/orders/902-3159896-1390916/orderItems",
            "/orders/v0/orders/902-3159896-1390916/orderItems"
        ]
    );
    assert_eq!(
        param(&seen[0], "MarketplaceIds").as_deref(),
        Some("ATVPDKIKX0DER")
    );
    assert_eq!(param(&seen[0], "MaxResultsPerPage").as_deref(), Some("20"));
    assert!(param(&seen[0], "LastUpdatedBefore").is_some());
    assert_eq!(
        param(&seen[2], "NextToken").as_deref(),
        Some(PRISM_NEXT_TOKEN)
    );

    // "Test connection" with v0 asks for one order.
    api.proxy.clear_seen();
    v0.check().await.expect("v0 check");
    let check = api.proxy.seen().pop().unwrap();
    assert!(check.uri.starts_with("/orders/v0/orders?"), "{}", check.uri);
    assert_eq!(param(&check, "MaxResultsPerPage").as_deref(), Some("1"));
    assert_eq!(check.status, 200);

    // Automatic choice: the 2026 API is refused (after a token refresh) → the sweep runs on v0.
    api.proxy.clear_seen();
    let auto = connector(&api, &lwa, json!({}));
    api.proxy.push(SEARCH, Fault::status(403));
    api.proxy.push(SEARCH, Fault::status(403));
    let batch = auto.poll(None).await.expect("fell back to v0");
    assert_eq!(orders(&batch)[0].external_id, "902-3159896-1390916");
    let cursor = PollCursor::parse(batch.cursor.as_deref().unwrap()).unwrap();
    assert_eq!(cursor.orders.api, OrdersApi::V0);
    assert_eq!(auto.orders_api(), OrdersApi::V0);
    // The next page goes on with v0 (its token is a v0 token).
    api.proxy.clear_seen();
    auto.poll(batch.cursor.as_deref()).await.expect("v0 page 2");
    assert!(api.proxy.seen()[0].uri.starts_with("/orders/v0/orders?"));

    // A 404 (the API is not offered) falls back at once.
    let auto404 = connector(&api, &lwa, json!({}));
    api.proxy.push(SEARCH, Fault::status(404));
    let batch = auto404.poll(None).await.expect("fell back on 404");
    assert_eq!(
        PollCursor::parse(batch.cursor.as_deref().unwrap())
            .unwrap()
            .orders
            .api,
        OrdersApi::V0
    );
    // With the 2026 API chosen explicitly, a 404 is an error.
    let strict = connector(&api, &lwa, json!({"orders_api": "2026-01-01"}));
    api.proxy.push(
        SEARCH,
        Fault::Status {
            status: 404,
            headers: vec![],
            body: r#"{"errors":[{"code":"NotFound","message":"Resource not found"}]}"#.into(),
        },
    );
    match strict.poll(None).await {
        Err(ConnectorError::Permanent(msg)) => {
            assert!(msg.contains("NotFound: Resource not found"), "{msg}")
        }
        other => panic!("expected Permanent, got {other:?}"),
    }

    api.assert_all_valid();
}

#[tokio::test]
async fn prism_refuses_requests_that_break_the_spec() {
    let lwa = Lwa::start().await;
    let api = SpApi::start(&[Spec::Orders2026, Spec::OrdersV0]).await;
    let amazon = connector(&api, &lwa, json!({}));

    // The connector's own client sending a date that is not a date: Prism answers 400,
    // which the connector reports as a permanent refusal.
    let err = amazon
        .client()
        .get(
            &ops::SEARCH_ORDERS,
            &["orders", "2026-01-01", "orders"],
            &[("lastUpdatedAfter", "yesterday".into())],
        )
        .await
        .expect_err("an invalid request is refused");
    assert_eq!(err.status, Some(400));
    assert!(matches!(err.error, ConnectorError::Permanent(_)), "{err:?}");
    // v0 without its required MarketplaceIds.
    let err = amazon
        .client()
        .get(
            &ops::GET_ORDERS_V0,
            &["orders", "v0", "orders"],
            &[("LastUpdatedAfter", "2026-11-01T00:00:00Z".into())],
        )
        .await
        .expect_err("a request without a required parameter is refused");
    assert_eq!(err.status, Some(400));
    let refused = api.refused();
    assert_eq!(refused.len(), 2, "{refused:#?}");
    assert!(!api.violations().is_empty());
}
