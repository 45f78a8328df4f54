//! Marketplace channels through the worker, with a scripted connector at the network edge
//! (the Amazon, eBay and Shopee connectors have their own contract tests against the
//! vendors' specs): returns become RMAs and stay in step, conversations thread into one
//! ticket and replies go back into them, refunds go through the return's channel, rotated
//! credentials are stored.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aftersail_channels::crypto::SecretKey;
use aftersail_channels::{
    Batch, Connector, ConnectorError, Inbound, InboundCustomer, InboundMessage, InboundOrder,
    InboundOrderItem, InboundReturn, InboundReturnItem, Outbound, Party, RefundRequest,
    ReturnState, Sent, ThreadHints,
};
use aftersail_db::channels::secret_owner;
use aftersail_domain::{ChannelId, TenantId};
use aftersail_worker::{channel_sync, outbox_delivery, refund_sync, Connectors};
use chrono::{TimeZone, Utc};
use serde_json::json;

use crate::channel_sync::scalar;
use crate::helpers::*;

const LEASE: Duration = Duration::from_secs(60);

/// A marketplace account: each poll hands out the next scripted batch; sends and refunds
/// are recorded.
#[derive(Default)]
struct FakeMarketplace {
    batches: Mutex<VecDeque<Vec<Inbound>>>,
    sent: Mutex<Vec<Outbound>>,
    refunds: Mutex<Vec<RefundRequest>>,
    rotated: Mutex<Option<serde_json::Value>>,
}

#[async_trait::async_trait]
impl Connector for FakeMarketplace {
    async fn poll(&self, cursor: Option<&str>) -> Result<Batch, ConnectorError> {
        let n: usize = cursor.map_or(0, |c| c.parse().unwrap());
        let items = self.batches.lock().unwrap().pop_front().unwrap_or_default();
        Ok(Batch {
            items,
            cursor: Some((n + 1).to_string()),
            more: false,
            backlog: None,
        })
    }

    async fn send(&self, message: &Outbound) -> Result<Sent, ConnectorError> {
        self.sent.lock().unwrap().push(message.clone());
        Ok(Sent {
            external_id: format!("sent-{}", self.sent.lock().unwrap().len()),
        })
    }

    async fn check(&self) -> Result<(), ConnectorError> {
        Ok(())
    }

    async fn refund(&self, refund: &RefundRequest) -> Result<String, ConnectorError> {
        self.refunds.lock().unwrap().push(refund.clone());
        Ok("5000000001".into())
    }

    fn rotated_secrets(&self) -> Option<serde_json::Value> {
        self.rotated.lock().unwrap().take()
    }
}

async fn add_marketplace(app: &TestApp, tenant: uuid::Uuid, kind: &str) -> uuid::Uuid {
    let id = uuid::Uuid::now_v7();
    let key = SecretKey::parse(TEST_SECRET_KEY).unwrap();
    let sealed = key.seal(
        json!({ "refresh_token": "first" }).to_string().as_bytes(),
        &secret_owner(TenantId(tenant), ChannelId(id)),
    );
    sqlx::query(
        "INSERT INTO channels (tenant_id, id, kind, name, settings, secrets_sealed, requests_per_minute)
         VALUES ($1, $2, $3, $3, '{}', $4, 6000)",
    )
    .bind(tenant)
    .bind(id)
    .bind(kind)
    .bind(sealed)
    .execute(&app.admin)
    .await
    .unwrap();
    id
}

fn connectors(fake: Arc<FakeMarketplace>) -> Connectors {
    Connectors::with_factory(
        Some(SecretKey::parse(TEST_SECRET_KEY).unwrap()),
        move |_channel, _secrets| Ok(fake.clone() as Arc<dyn Connector>),
    )
}

async fn sync(app: &TestApp, connectors: &Connectors) {
    sqlx::query("UPDATE channels SET next_poll_at = now(), next_request_at = now()")
        .execute(&app.admin)
        .await
        .unwrap();
    let round = channel_sync::run_once(&app.pool, connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.failed, 0, "{round:?}");
}

fn buyer() -> InboundCustomer {
    InboundCustomer {
        external_id: Some("kaito_2019".into()),
        name: "Kaito Sato".into(),
        email: None,
        country: Some("JP".into()),
    }
}

fn order(status: &str, items: &[(&str, i32, i64)]) -> Inbound {
    Inbound::Order(InboundOrder {
        channel: "ebay".into(),
        external_id: "12-34567-89012".into(),
        status: status.into(),
        customer: buyer(),
        total_minor: items.iter().map(|(_, q, p)| i64::from(*q) * p).sum(),
        currency: "JPY".into(),
        shipping_country: Some("JP".into()),
        carrier: None,
        tracking_number: None,
        ordered_at: Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap(),
        delivered_at: None,
        items: items
            .iter()
            .map(|(sku, quantity, price)| InboundOrderItem {
                sku: (*sku).into(),
                title: format!("Item {sku}"),
                quantity: *quantity,
                unit_price_minor: *price,
            })
            .collect(),
        raw: b"{}".to_vec(),
    })
}

fn ret(state: ReturnState, tracking: Option<&str>) -> Inbound {
    Inbound::Return(InboundReturn {
        channel: "ebay".into(),
        external_id: "5000000001".into(),
        order_external_id: "12-34567-89012".into(),
        state,
        reason: "DEFECTIVE_ITEM".into(),
        buyer_comment: Some("画面が割れていました".into()),
        customer: buyer(),
        items: vec![InboundReturnItem {
            sku: "CASE-1".into(),
            title: "Item CASE-1".into(),
            quantity: 1,
        }],
        refund_minor: Some(2480),
        currency: Some("JPY".into()),
        carrier: tracking.map(|_| "Japan Post".into()),
        tracking_number: tracking.map(str::to_owned),
        requested_at: Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap(),
        raw: br#"{"returnId":"5000000001"}"#.to_vec(),
    })
}

fn message(id: &str, conversation: &str, subject: &str, text: &str) -> Inbound {
    Inbound::Message(InboundMessage {
        channel: "ebay".into(),
        external_id: id.into(),
        from: Party {
            address: "kaito_2019".into(),
            name: Some("Kaito Sato".into()),
        },
        reply_to: None,
        subject: subject.into(),
        body_text: text.into(),
        display_text: text.into(),
        body_html: None,
        language: Some("ja".into()),
        sent_at: Utc::now(),
        thread: ThreadHints::default(),
        order_external_id: Some("12-34567-89012".into()),
        conversation: Some(conversation.into()),
        automated: None,
        attachments: Vec::new(),
        raw: b"{}".to_vec(),
        raw_content_type: "application/json",
    })
}

async fn rma(app: &TestApp) -> (String, String, Option<String>, i64) {
    sqlx::query_as(
        "SELECT r.code, r.status, r.tracking_number,
                (SELECT count(*) FROM rma_items i WHERE i.tenant_id = r.tenant_id AND i.rma_id = r.id)
         FROM rmas r",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap()
}

#[tokio::test]
async fn marketplace_returns_become_rmas_that_follow_the_marketplace() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    add_marketplace(&app, tenant, "ebay").await;
    let fake = Arc::new(FakeMarketplace::default());
    let connectors = connectors(fake.clone());

    // The return arrives before its order: a bare order holds it until the order syncs.
    fake.batches
        .lock()
        .unwrap()
        .push_back(vec![ret(ReturnState::Requested, None)]);
    sync(&app, &connectors).await;
    let (code, status, _, items) = rma(&app).await;
    assert!(code.starts_with("RMA-"), "{code}");
    assert_eq!((status.as_str(), items), ("requested", 1));
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM orders WHERE status = 'unknown'").await,
        1
    );

    // The order itself: filled in; the RMA's line keeps pointing at the same item.
    fake.batches.lock().unwrap().push_back(vec![order(
        "PAID",
        &[("CASE-1", 1, 2480), ("CABLE-2", 2, 500)],
    )]);
    sync(&app, &connectors).await;
    assert_eq!(scalar(&app, "SELECT count(*) FROM orders").await, 1);
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM order_items").await,
        2,
        "the order's lines replace the bare ones without losing the returned one"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM rma_items r JOIN order_items i ON i.tenant_id = r.tenant_id AND i.id = r.order_item_id
             WHERE i.sku = 'CASE-1' AND i.unit_price_minor = 2480"
        )
        .await,
        1
    );

    // The buyer ships it back; the same return again is one RMA, moved, with tracking.
    fake.batches.lock().unwrap().push_back(vec![
        order("SHIPPED", &[("CASE-1", 1, 2480)]),
        ret(ReturnState::InTransit, Some("EJ123456789JP")),
        ret(ReturnState::InTransit, Some("EJ123456789JP")),
    ]);
    sync(&app, &connectors).await;
    assert_eq!(scalar(&app, "SELECT count(*) FROM rmas").await, 1);
    let (same_code, status, tracking, _) = rma(&app).await;
    assert_eq!(same_code, code);
    assert_eq!(status, "in_transit");
    assert_eq!(tracking.as_deref(), Some("EJ123456789JP"));
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM rma_events WHERE kind = 'in_transit'"
        )
        .await,
        1,
        "one timeline entry for one change"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM order_items WHERE sku = 'CASE-1'"
        )
        .await,
        1,
        "a line the order no longer lists stays while a return points at it"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM inbound_payloads WHERE kind = 'return'"
        )
        .await,
        3,
        "every delivery of a return is kept as received"
    );

    // The RMA page shows it to the shop.
    let page = owner.page(&format!("/returns/{code}")).await;
    assert!(page.contains("EJ123456789JP"), "{page}");
    assert!(page.contains("画面が割れていました"));

    // A refund for it goes through the channel it came from, with the return's id.
    let (rma_id, order_id): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("SELECT id, order_id FROM rmas")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    sqlx::query(
        "INSERT INTO refunds (tenant_id, id, rma_id, order_id, amount_minor, currency, state, idempotency_key)
         VALUES ($1, gen_random_uuid(), $2, $3, 2480, 'JPY', 'approved', 'aftersail-refund-1')",
    )
    .bind(tenant)
    .bind(rma_id)
    .bind(order_id)
    .execute(&app.admin)
    .await
    .unwrap();
    let round = refund_sync::run_once(&app.pool, &connectors, &notices(&app), LEASE)
        .await
        .unwrap();
    assert_eq!(round.issued, 1, "{round:?}");
    let refunds = fake.refunds.lock().unwrap().clone();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].return_external_id.as_deref(), Some("5000000001"));
    assert_eq!(refunds[0].order_external_id, "12-34567-89012");
    assert_eq!(
        (refunds[0].amount_minor, refunds[0].currency.as_str()),
        (2480, "JPY")
    );
    assert_eq!(refunds[0].idempotency_key, "aftersail-refund-1");
}

#[tokio::test]
async fn a_marketplace_conversation_is_one_ticket_and_replies_go_back_into_it() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    add_marketplace(&app, tenant, "ebay").await;
    let fake = Arc::new(FakeMarketplace::default());
    let connectors = connectors(fake.clone());

    fake.batches.lock().unwrap().push_back(vec![
        order("PAID", &[("CASE-1", 1, 2480)]),
        message("m1", "conv-7", "Question about item", "届きましたか？"),
    ]);
    sync(&app, &connectors).await;
    // Another subject, same conversation: the same ticket. Another conversation: a new one.
    fake.batches.lock().unwrap().push_back(vec![
        message("m2", "conv-7", "Re: something else", "まだ届いていません"),
        message("m3", "conv-8", "Question about item", "別の質問です"),
        message("m2", "conv-7", "Re: something else", "まだ届いていません"),
    ]);
    sync(&app, &connectors).await;
    assert_eq!(scalar(&app, "SELECT count(*) FROM messages").await, 3);
    assert_eq!(scalar(&app, "SELECT count(*) FROM tickets").await, 2);
    let numbers: Vec<i64> = sqlx::query_scalar(
        "SELECT t.number FROM tickets t JOIN messages m ON m.tenant_id = t.tenant_id AND m.ticket_id = t.id
         WHERE m.conversation = 'conv-7' GROUP BY t.number",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(numbers.len(), 1);
    let linked: i64 = scalar(
        &app,
        "SELECT count(*) FROM tickets WHERE order_id IS NOT NULL",
    )
    .await;
    assert_eq!(linked, 2, "both tickets know the order");

    // A reply goes back into the conversation, to the buyer's marketplace id.
    let page = owner.page(&format!("/tickets/{}", numbers[0])).await;
    let key = crate::tickets::idempotency_key(&page);
    let r = owner
        .post(
            &format!("/tickets/{}/reply", numbers[0]),
            &[("body", "本日発送しました。"), ("idempotency_key", &key)],
        )
        .await;
    assert!(
        r.status().is_redirection() || r.status().is_success(),
        "{}",
        r.status()
    );
    let round = outbox_delivery::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.sent, 1, "{round:?}");
    let sent = fake.sent.lock().unwrap().clone();
    assert_eq!(sent[0].conversation.as_deref(), Some("conv-7"));
    assert_eq!(sent[0].to, "kaito_2019");
    assert_eq!(sent[0].order_external_id.as_deref(), Some("12-34567-89012"));
    assert_eq!(sent[0].body_text, "本日発送しました。");
}

#[tokio::test]
async fn credentials_a_marketplace_rotates_are_sealed_and_stored() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    let id = add_marketplace(&app, tenant, "shopee").await;
    let fake = Arc::new(FakeMarketplace::default());
    *fake.rotated.lock().unwrap() = Some(json!({ "refresh_token": "second" }));
    let connectors = connectors(fake);
    sync(&app, &connectors).await;
    let sealed: String = sqlx::query_scalar("SELECT secrets_sealed FROM channels")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let key = SecretKey::parse(TEST_SECRET_KEY).unwrap();
    let plain = key
        .open(&sealed, &secret_owner(TenantId(tenant), ChannelId(id)))
        .unwrap();
    let secrets: serde_json::Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(secrets["refresh_token"], "second");
    assert!(!String::from_utf8_lossy(sealed.as_bytes()).contains("second"));
}

#[tokio::test]
async fn shopify_return_webhooks_become_an_rma_that_follows_shopify() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    let channel = uuid::Uuid::now_v7();
    sqlx::query(
        "INSERT INTO channels (tenant_id, id, kind, name, settings) VALUES ($1, $2, 'shopify', 'Shop', '{\"shop\": \"demo.myshopify.com\"}')",
    )
    .bind(tenant)
    .bind(channel)
    .execute(&app.admin)
    .await
    .unwrap();
    let samples = concat!(env!("CARGO_MANIFEST_DIR"), "/../channels/tests/shopify");
    let store = |delivery: &'static str, topic: &'static str, file: &'static str| {
        let admin = app.admin.clone();
        async move {
            sqlx::query(
                "INSERT INTO webhook_events (tenant_id, id, channel_id, delivery_id, topic, body)
                 VALUES ($1, gen_random_uuid(), $2, $3, $4, $5)",
            )
            .bind(tenant)
            .bind(channel)
            .bind(delivery)
            .bind(topic)
            .bind(std::fs::read(format!("{samples}/{file}")).unwrap())
            .execute(&admin)
            .await
            .unwrap();
        }
    };
    // The order the return's name points at (#9999-R1 → #9999), in US dollars.
    let mut order: serde_json::Value =
        serde_json::from_slice(&std::fs::read(format!("{samples}/orders_create.json")).unwrap())
            .unwrap();
    order["name"] = json!("#9999");
    order["currency"] = json!("USD");
    sqlx::query(
        "INSERT INTO webhook_events (tenant_id, id, channel_id, delivery_id, topic, body)
         VALUES ($1, gen_random_uuid(), $2, 'o1', 'orders/create', $3)",
    )
    .bind(tenant)
    .bind(channel)
    .bind(order.to_string().into_bytes())
    .execute(&app.admin)
    .await
    .unwrap();
    store("r1", "returns/request", "returns_request.json").await;
    let round = aftersail_worker::webhook_processing::run_once(&app.pool)
        .await
        .unwrap();
    assert_eq!((round.processed, round.failed), (2, 0));
    let (status, reason, currency, order_number): (String, String, Option<String>, String) =
        sqlx::query_as(
            "SELECT r.status, r.reason, r.currency, o.external_id FROM rmas r
             JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id",
        )
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(
        (
            status.as_str(),
            reason.as_str(),
            currency.as_deref(),
            order_number.as_str()
        ),
        ("requested", "size_too_small", Some("USD"), "#9999")
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM rma_events WHERE note = 'Too tight around the shoulders'"
        )
        .await,
        1
    );

    store("r2", "returns/approve", "returns_approve.json").await;
    store("r3", "returns/close", "returns_close.json").await;
    aftersail_worker::webhook_processing::run_once(&app.pool)
        .await
        .unwrap();
    let statuses: Vec<String> = sqlx::query_scalar("SELECT kind FROM rma_events ORDER BY at, id")
        .fetch_all(&app.admin)
        .await
        .unwrap();
    assert_eq!(statuses, ["requested", "approved", "closed"]);
    assert_eq!(scalar(&app, "SELECT count(*) FROM rmas").await, 1);
}
