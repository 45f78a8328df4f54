//! Returns for agents: the list, the RMA page and its moves, the refunds queue, and the
//! refund sync against a mock of Shopify's GraphQL endpoint.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aftersail_channels::crypto::SecretKey;
use aftersail_db::channels::secret_owner;
use aftersail_db::{customers, orders, rmas, TenantTx};
use aftersail_domain::{ChannelId, TenantId};
use aftersail_worker::{refund_sync, Connectors};
use axum::http::StatusCode as AxumStatus;
use axum::Json;
use chrono::{Duration as Days, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

const LEASE: Duration = Duration::from_secs(60);

/// Creates an RMA (own customer and order) in `tenant`; returns its code.
#[allow(clippy::too_many_arguments)]
async fn rma(
    app: &TestApp,
    tenant: uuid::Uuid,
    label: &str,
    channel: &str,
    status: &str,
    reason: &str,
    resolution: &str,
    at: chrono::DateTime<Utc>,
) -> String {
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    let customer = customers::create(
        &mut tx,
        customers::NewCustomer {
            name: &format!("{label} Buyer"),
            email: None,
            country: Some("DE"),
            language: Some("de"),
            currency: "EUR",
        },
    )
    .await
    .unwrap();
    let external = format!("{label}-1001");
    let (order, items) = orders::create(
        &mut tx,
        orders::NewOrder {
            customer_id: customer,
            channel,
            external_id: &external,
            status: "delivered",
            currency: "EUR",
            shipping_country: Some("DE"),
            carrier: None,
            tracking_number: None,
            ordered_at: at,
            delivered_at: None,
            items: &[("SKU-CHAIR", "Camping chair", 2, 2500)],
        },
    )
    .await
    .unwrap();
    let decision = json!({ "eligible": true, "auto_approve": false, "rule": "eu-14",
        "reasons": [{ "code": "within_window", "days": 3 }, { "code": "above_auto_approve_limit" }],
        "refund_minor": 2500, "currency": "EUR" });
    let (_, code) = rmas::create_decided(
        &mut tx,
        rmas::DecidedRma {
            order_id: order,
            customer_id: customer,
            ticket_id: None,
            status,
            reason,
            resolution: Some(resolution),
            items: &[(items[0], 1)],
            request: &json!({}),
            decision: &decision,
            refund_minor: Some(2500),
            currency: "EUR",
            warehouse_id: None,
            buyer_email: None,
            language: None,
            at,
        },
        None,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    code
}

async fn status_of(app: &TestApp, code: &str) -> String {
    sqlx::query_scalar("SELECT status FROM rmas WHERE code = $1")
        .bind(code)
        .fetch_one(&app.admin)
        .await
        .unwrap()
}

async fn events_of(app: &TestApp, code: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT e.kind FROM rma_events e JOIN rmas r ON r.id = e.rma_id WHERE r.code = $1 ORDER BY e.at, e.id",
    )
    .bind(code)
    .fetch_all(&app.admin)
    .await
    .unwrap()
}

#[tokio::test]
async fn returns_agent_list_filters_and_pages_without_gaps() {
    let app = spawn_app().await;
    let owner = app.shop("Pages Shop", "owner@pages.test").await;
    let tenant = app.tenant_of("owner@pages.test").await;
    let start = Utc::now() - Days::days(3);
    let mut codes = Vec::new();
    for i in 0..7 {
        let (channel, reason) = if i % 2 == 0 {
            ("amazon", "defective")
        } else {
            ("ebay", "too_small")
        };
        codes.push(
            rma(
                &app,
                tenant,
                &format!("P{i}"),
                channel,
                "requested",
                reason,
                "refund",
                start + Days::minutes(i),
            )
            .await,
        );
    }
    // Newest first, three a page, following the "Older" link: every RMA once.
    let mut seen = Vec::new();
    let mut path = "/returns?limit=3".to_owned();
    loop {
        let html = owner.page(&path).await;
        let mut rest = html.as_str();
        while let Some(code) = between(rest, "data-code=\"", "\"") {
            seen.push(code.to_owned());
            rest = &rest[rest.find("data-code=\"").unwrap() + 11..];
        }
        match between(&html, "id=\"next-page\" href=\"", "\"") {
            Some(next) => path = format!("{}&limit=3", next.replace("&amp;", "&")),
            None => break,
        }
    }
    let mut expected = codes.clone();
    expected.reverse();
    assert_eq!(seen, expected);

    let html = owner.page("/returns?channel=ebay&reason=too_small").await;
    assert_eq!(html.matches("data-code=").count(), 3);
    let html = owner.page("/returns?q=P4-1001").await;
    assert_eq!(html.matches("data-code=").count(), 1);
    assert!(html.contains(&codes[4]));
    assert!(
        html.contains("/refunds"),
        "the refunds link is in the header"
    );
    let r = owner.get("/returns?status=lost").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("lost"));
    assert_eq!(
        owner.get("/returns?from=yesterday").await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn returns_agent_page_actions_and_other_shops() {
    let app = spawn_app().await;
    let owner = app.shop("Act Shop", "owner@act.test").await;
    let other = app.shop("Other Shop", "owner@other.test").await;
    let tenant = app.tenant_of("owner@act.test").await;
    let code = rma(
        &app,
        tenant,
        "A",
        "amazon",
        "requested",
        "defective",
        "refund",
        Utc::now(),
    )
    .await;

    let html = owner.page(&format!("/returns/{code}")).await;
    assert!(html.contains("Within the return window"));
    assert!(html.contains("SKU-CHAIR") && html.contains("Camping chair"));

    // Another shop: 404 on the page, a photo and every action; nothing changes.
    assert_eq!(
        other.get(&format!("/returns/{code}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let photo = format!("/returns/{code}/photos/{}", uuid::Uuid::now_v7());
    assert_eq!(other.get(&photo).await.status(), StatusCode::NOT_FOUND);
    for action in [
        "approve",
        "reject",
        "override",
        "note",
        "label",
        "in-transit",
        "received",
        "inspected",
        "resolve",
        "close",
        "refund-manual",
    ] {
        let r = other
            .post(&format!("/returns/{code}/{action}"), &[("note", "x")])
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{action}");
    }
    assert_eq!(status_of(&app, &code).await, "requested");

    // Reject without a note: 422; received before approval: 409; nothing changed.
    let r = owner
        .post(&format!("/returns/{code}/reject"), &[("note", " ")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = owner.post(&format!("/returns/{code}/received"), &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(status_of(&app, &code).await, "requested");
    assert_eq!(events_of(&app, &code).await, ["requested"]);

    let ok = |r: reqwest::Response| assert_eq!(r.status(), StatusCode::SEE_OTHER);
    ok(owner.post(&format!("/returns/{code}/approve"), &[]).await);
    ok(owner
        .post(
            &format!("/returns/{code}/override"),
            &[
                ("resolution", "refund"),
                ("amount", "19.90"),
                ("note", "goodwill"),
            ],
        )
        .await);
    ok(owner
        .post(
            &format!("/returns/{code}/note"),
            &[("note", "called the buyer")],
        )
        .await);
    let r = owner
        .post(
            &format!("/returns/{code}/label"),
            &[
                ("carrier", "DHL"),
                ("tracking_number", "JJD1"),
                ("label_url", "http://x.test/l.pdf"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    ok(owner
        .post(
            &format!("/returns/{code}/label"),
            &[
                ("carrier", "DHL"),
                ("tracking_number", "JJD1"),
                ("label_url", "https://x.test/l.pdf"),
            ],
        )
        .await);
    ok(owner.post(&format!("/returns/{code}/received"), &[]).await);
    ok(owner
        .post(
            &format!("/returns/{code}/inspected"),
            &[("condition", "ok")],
        )
        .await);
    ok(owner.post(&format!("/returns/{code}/resolve"), &[]).await);
    assert_eq!(
        events_of(&app, &code).await,
        [
            "requested",
            "approved",
            "overridden",
            "note",
            "label_issued",
            "received",
            "inspected",
            "refund_requested"
        ]
    );
    let (refund, state): (i64, String) = sqlx::query_as("SELECT amount_minor, state FROM refunds")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!((refund, state.as_str()), (1990, "pending_review"));
    let r = owner.post(&format!("/returns/{code}/resolve"), &[]).await;
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "one live refund per return"
    );
    let html = owner.page(&format!("/returns/{code}")).await;
    assert!(html.contains("called the buyer") && html.contains("Internal"));
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE action LIKE 'rma.%' ORDER BY at, id",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert!(
        audited.contains(&"rma.overridden".to_owned())
            && audited
                .iter()
                .filter(|a| *a == "rma.status_changed")
                .count()
                >= 3,
        "status changes are audit events: {audited:?}"
    );
}

async fn resolved_refund(
    app: &TestApp,
    owner: &Browser,
    tenant: uuid::Uuid,
    label: &str,
    channel: &str,
) -> (String, uuid::Uuid) {
    let code = rma(
        app,
        tenant,
        label,
        channel,
        "approved",
        "defective",
        "refund",
        Utc::now() - Days::days(3),
    )
    .await;
    let r = owner.post(&format!("/returns/{code}/resolve"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = sqlx::query_scalar(
        "SELECT f.id FROM refunds f JOIN rmas r ON r.id = f.rma_id WHERE r.code = $1",
    )
    .bind(&code)
    .fetch_one(&app.admin)
    .await
    .unwrap();
    (code, id)
}

async fn refund_states(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT state FROM refunds ORDER BY created_at, id")
        .fetch_all(&app.admin)
        .await
        .unwrap()
}

#[tokio::test]
async fn returns_agent_refund_queue_decides_all_or_nothing() {
    let app = spawn_app().await;
    let owner = app.shop("Queue Shop", "owner@queue.test").await;
    let tenant = app.tenant_of("owner@queue.test").await;
    let (_, a) = resolved_refund(&app, &owner, tenant, "Q1", "amazon").await;
    let (_, b) = resolved_refund(&app, &owner, tenant, "Q2", "amazon").await;
    let (_, c) = resolved_refund(&app, &owner, tenant, "Q3", "amazon").await;
    // Waiting more than two days is highlighted.
    sqlx::query("UPDATE refunds SET created_at = now() - interval '3 days' WHERE id = $1")
        .bind(a)
        .execute(&app.admin)
        .await
        .unwrap();
    let html = owner.page("/refunds").await;
    assert_eq!(html.matches("class=\"refund-row overdue\"").count(), 1);
    assert_eq!(html.matches("class=\"refund-row\"").count(), 2);

    let r = owner
        .post(
            "/refunds/decide",
            &[
                ("refund", &a.to_string()),
                ("refund", &b.to_string()),
                ("action", "approve"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        refund_states(&app).await,
        ["approved", "approved", "pending_review"]
    );
    // A stale selection (a was decided already) changes nothing.
    let r = owner
        .post(
            "/refunds/decide",
            &[
                ("refund", &a.to_string()),
                ("refund", &c.to_string()),
                ("action", "reject"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(
        refund_states(&app).await,
        ["approved", "approved", "pending_review"]
    );
    // Another shop naming this shop's refund decides nothing.
    let other = app.shop("Other Shop", "owner@other.test").await;
    let r = other
        .post(
            "/refunds/decide",
            &[("refund", &c.to_string()), ("action", "approve")],
        )
        .await;
    assert!(
        !r.status().is_success() && r.status() != StatusCode::SEE_OTHER,
        "{}",
        r.status()
    );
    assert_eq!(
        refund_states(&app).await,
        ["approved", "approved", "pending_review"]
    );
    assert!(!other.page("/refunds").await.contains(&c.to_string()));
}

/// Refund creations the mock saw: (amount, idempotency key).
type Created = Arc<Mutex<Vec<(String, String)>>>;

/// Shopify's GraphQL endpoint: the lookup answers the refunds made so far (by note);
/// `fail` makes the next answers 503 (`"5xx"`) or a user error (`"4xx"`).
async fn shopify_mock(
    created: Created,
    fail: Arc<Mutex<&'static str>>,
    calls: Arc<AtomicUsize>,
) -> String {
    let app = axum::Router::new().route(
        "/admin/api/{version}/graphql.json",
        axum::routing::post(move |Json(body): Json<Value>| {
            let (created, fail, calls) = (created.clone(), fail.clone(), calls.clone());
            async move {
                calls.fetch_add(1, Ordering::SeqCst);
                let mode = *fail.lock().unwrap();
                if mode == "5xx" {
                    return (AxumStatus::SERVICE_UNAVAILABLE, Json(json!({ "errors": "unavailable" })));
                }
                let query = body["query"].as_str().unwrap_or("");
                if query.contains("refundCreate") {
                    if mode == "4xx" {
                        return (AxumStatus::OK, Json(json!({ "data": { "refundCreate": { "refund": null,
                            "userErrors": [{ "field": ["transactions"], "message": "Amount exceeds the refundable amount" }] } } })));
                    }
                    let input = &body["variables"]["input"];
                    let mut list = created.lock().unwrap();
                    list.push((
                        input["transactions"][0]["amount"].as_str().unwrap_or("").to_owned(),
                        body["variables"]["key"].as_str().unwrap_or("").to_owned(),
                    ));
                    let id = format!("gid://shopify/Refund/{}", list.len());
                    return (AxumStatus::OK, Json(json!({ "data": { "refundCreate": { "refund": { "id": id }, "userErrors": [] } } })));
                }
                let refunds: Vec<Value> = created.lock().unwrap().iter().enumerate()
                    .map(|(i, (_, key))| json!({ "id": format!("gid://shopify/Refund/{}", i + 1), "note": format!("Aftersail {key}") }))
                    .collect();
                (AxumStatus::OK, Json(json!({ "data": { "orders": { "nodes": [{ "id": "gid://shopify/Order/77",
                    "refunds": refunds,
                    "transactions": [{ "id": "gid://shopify/OrderTransaction/9", "kind": "SALE", "status": "SUCCESS", "gateway": "shopify_payments" }] }] } } })))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

async fn insert_shopify(app: &TestApp, tenant: uuid::Uuid, base_url: &str) {
    let id = uuid::Uuid::now_v7();
    let key = SecretKey::parse(TEST_SECRET_KEY).unwrap();
    let sealed = key.seal(
        json!({ "access_token": "tok", "api_secret": "sec" })
            .to_string()
            .as_bytes(),
        &secret_owner(TenantId(tenant), ChannelId(id)),
    );
    sqlx::query("INSERT INTO channels (tenant_id, id, kind, name, settings, secrets_sealed) VALUES ($1, $2, 'shopify', 'Shop', $3, $4)")
        .bind(tenant)
        .bind(id)
        .bind(json!({ "shop": "mock.myshopify.com", "base_url": base_url }))
        .bind(sealed)
        .execute(&app.admin)
        .await
        .unwrap();
}

#[tokio::test]
async fn returns_agent_refund_sync_issues_on_shopify_exactly_once() {
    let app = spawn_app().await;
    let owner = app.shop("Sync Shop", "owner@sync.test").await;
    let tenant = app.tenant_of("owner@sync.test").await;
    let created: Created = Arc::default();
    let fail = Arc::new(Mutex::new(""));
    let calls = Arc::new(AtomicUsize::new(0));
    let url = shopify_mock(created.clone(), fail.clone(), calls.clone()).await;
    insert_shopify(&app, tenant, &url).await;
    let connectors = Connectors::new(Some(SecretKey::parse(TEST_SECRET_KEY).unwrap()));
    let (code, a) = resolved_refund(&app, &owner, tenant, "S1", "shopify").await;
    // The return's conversation, where the buyer hears that the refund went out.
    crate::tickets::seed_for(&app, tenant, 1, "Conversation").await;
    sqlx::query("UPDATE rmas SET ticket_id = (SELECT id FROM tickets LIMIT 1) WHERE code = $1")
        .bind(&code)
        .execute(&app.admin)
        .await
        .unwrap();
    let r = owner
        .post(
            "/refunds/decide",
            &[("refund", &a.to_string()), ("action", "approve")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let round = refund_sync::run_once(&app.pool, &connectors, &notices(&app), LEASE)
        .await
        .unwrap();
    assert_eq!(round.issued, 1);
    let notice: String = sqlx::query_scalar(
        "SELECT m.body_text FROM outbox o JOIN messages m ON m.tenant_id = o.tenant_id AND m.id = o.message_id
         WHERE o.idempotency_key LIKE 'rma-notice-%-resolved'",
    )
    .fetch_one(&app.admin)
    .await
    .expect("the buyer is told the return is resolved");
    assert!(notice.contains(&code), "{notice}");
    assert_eq!(created.lock().unwrap().len(), 1);
    assert_eq!(created.lock().unwrap()[0].0, "25.00");
    assert!(created.lock().unwrap()[0]
        .1
        .starts_with("aftersail-refund-"));
    assert_eq!(status_of(&app, &code).await, "resolved");
    assert!(events_of(&app, &code)
        .await
        .contains(&"refund_issued".to_owned()));
    // Again: nothing to do.
    let round = refund_sync::run_once(&app.pool, &connectors, &notices(&app), LEASE)
        .await
        .unwrap();
    assert_eq!(round, refund_sync::Round::default());

    // A crash after Shopify made the refund but before we recorded it: the refund is
    // approved again; the lookup finds Shopify's refund by our key and nothing new is made.
    sqlx::query(
        "UPDATE refunds SET state = 'approved', external_id = NULL, next_attempt_at = now()",
    )
    .execute(&app.admin)
    .await
    .unwrap();
    let round = refund_sync::run_once(&app.pool, &connectors, &notices(&app), LEASE)
        .await
        .unwrap();
    assert_eq!(round.issued, 1);
    assert_eq!(created.lock().unwrap().len(), 1, "never issued twice");
    let external: String = sqlx::query_scalar("SELECT external_id FROM refunds")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(external, "gid://shopify/Refund/1");

    // 5xx: retried later with backoff.
    let (_, b) = resolved_refund(&app, &owner, tenant, "S2", "shopify").await;
    owner
        .post(
            "/refunds/decide",
            &[("refund", &b.to_string()), ("action", "approve")],
        )
        .await;
    *fail.lock().unwrap() = "5xx";
    let round = refund_sync::run_once(&app.pool, &connectors, &notices(&app), LEASE)
        .await
        .unwrap();
    assert_eq!(round.retrying, 1);
    let (state, later): (String, bool) = sqlx::query_as(
        "SELECT state, next_attempt_at > now() + interval '10 seconds' FROM refunds WHERE id = $1",
    )
    .bind(b)
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!((state.as_str(), later), ("approved", true));
    let round = refund_sync::run_once(&app.pool, &connectors, &notices(&app), LEASE)
        .await
        .unwrap();
    assert_eq!(
        round,
        refund_sync::Round::default(),
        "not before the backoff"
    );

    // 4xx: failed with the message, shown on the failed tab.
    *fail.lock().unwrap() = "4xx";
    sqlx::query("UPDATE refunds SET next_attempt_at = now() WHERE id = $1")
        .bind(b)
        .execute(&app.admin)
        .await
        .unwrap();
    let round = refund_sync::run_once(&app.pool, &connectors, &notices(&app), LEASE)
        .await
        .unwrap();
    assert_eq!(round.failed, 1);
    let html = owner.page("/refunds?state=failed").await;
    assert!(html.contains("Amount exceeds the refundable amount"));
}

#[tokio::test]
async fn returns_agent_non_shopify_refunds_are_marked_refunded_manually() {
    let app = spawn_app().await;
    let owner = app.shop("Manual Shop", "owner@manual.test").await;
    let tenant = app.tenant_of("owner@manual.test").await;
    let connectors = Connectors::new(None);
    let (code, a) = resolved_refund(&app, &owner, tenant, "M1", "ebay").await;
    let r = owner
        .post(&format!("/returns/{code}/refund-manual"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "not failed yet");
    owner
        .post(
            "/refunds/decide",
            &[("refund", &a.to_string()), ("action", "approve")],
        )
        .await;
    let round = refund_sync::run_once(&app.pool, &connectors, &notices(&app), LEASE)
        .await
        .unwrap();
    assert_eq!(round.failed, 1);
    let html = owner.page("/refunds?state=failed").await;
    assert!(html.contains("issue this refund on ebay and mark it done"));
    let r = owner
        .post(&format!("/returns/{code}/refund-manual"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (state, external): (String, String) =
        sqlx::query_as("SELECT state, external_id FROM refunds")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(
        (state.as_str(), external.as_str()),
        ("issued", "manual:owner@manual.test")
    );
    assert_eq!(status_of(&app, &code).await, "resolved");
}
