//! Webhook payloads (samples modelled on Shopify's documented REST payloads) → typed events.

use aftersail_channels::shopify::webhook::{
    parse, verify, FulfillmentEvent, RefundEvent, RefundLine, ReturnAction, ReturnEvent,
    ReturnLine, WebhookEvent, TOPICS,
};
use aftersail_channels::{ConnectorError, InboundOrder};
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

fn sample(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/shopify/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn ts(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn order(topic: &str, file: &str) -> InboundOrder {
    match parse(topic, &sample(file)).unwrap() {
        WebhookEvent::Order(o) => o,
        other => panic!("{topic}: expected an order, got {other:?}"),
    }
}

#[test]
fn orders_create() {
    let body = sample("orders_create.json");
    let o = order("orders/create", "orders_create.json");
    assert_eq!(o.channel, "shopify");
    assert_eq!(o.external_id, "#9999");
    assert_eq!(o.status, "paid");
    assert_eq!((o.total_minor, o.currency.as_str()), (39800, "USD"));
    assert_eq!(
        o.customer.external_id.as_deref(),
        Some("115310627314723954")
    );
    assert_eq!(o.customer.name, "John Smith");
    assert_eq!(o.customer.email.as_deref(), Some("john@example.com"));
    assert_eq!(o.shipping_country.as_deref(), Some("US"));
    assert_eq!(o.ordered_at, ts("2026-10-01T16:00:00Z"));
    assert_eq!(
        (o.carrier.clone(), o.tracking_number.clone(), o.delivered_at),
        (None, None, None)
    );
    assert_eq!(o.items.len(), 2);
    assert_eq!(o.items[0].sku, "IPOD-342-N");
    assert_eq!(o.items[0].title, "IPod Nano - 8GB");
    assert_eq!(
        (o.items[0].quantity, o.items[0].unit_price_minor),
        (1, 19900)
    );
    assert_eq!(o.raw, body);
}

#[test]
fn orders_updated_in_a_three_decimal_currency() {
    let o = order("orders/updated", "orders_updated.json");
    assert_eq!(o.external_id, "#1005");
    assert_eq!(o.status, "partially_refunded");
    assert_eq!((o.total_minor, o.currency.as_str()), (12345, "KWD"));
    assert_eq!(o.items[0].unit_price_minor, 12345);
    // No customer email: the order's; a first name alone is still a name.
    assert_eq!(o.customer.email.as_deref(), Some("fatima@example.com"));
    assert_eq!(o.customer.name, "Fatima");
    assert_eq!(o.ordered_at, ts("2026-09-20T07:00:00Z"));
}

#[test]
fn orders_cancelled() {
    let o = order("orders/cancelled", "orders_cancelled.json");
    assert_eq!(o.external_id, "#1006");
    assert_eq!(o.status, "cancelled");
    assert_eq!((o.total_minor, o.currency.as_str()), (4990, "EUR"));
    assert_eq!(o.customer.name, "Bob Norman");
    assert_eq!(o.shipping_country.as_deref(), Some("FR"));
}

#[test]
fn orders_fulfilled_carries_tracking_and_delivery() {
    let o = order("orders/fulfilled", "orders_fulfilled.json");
    assert_eq!(o.external_id, "#1007");
    assert_eq!(o.status, "delivered");
    assert_eq!(o.carrier.as_deref(), Some("Österreichische Post"));
    assert_eq!(o.tracking_number.as_deref(), Some("1016812345678900"));
    assert_eq!(o.delivered_at, Some(ts("2026-09-26T12:00:00Z")));
    assert_eq!(
        (o.items[0].quantity, o.items[0].unit_price_minor),
        (2, 2990)
    );
}

#[test]
fn fulfillments_create_and_update() {
    let WebhookEvent::Fulfillment(created) =
        parse("fulfillments/create", &sample("fulfillments_create.json")).unwrap()
    else {
        panic!("expected a fulfillment")
    };
    let ups = "https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1z827wk7463";
    assert_eq!(
        created,
        FulfillmentEvent {
            order_id: "820982911946154508".into(),
            fulfillment_id: "123456".into(),
            status: Some("pending".into()),
            shipment_status: None,
            carrier: Some("UPS".into()),
            tracking_numbers: vec!["1z827wk74630".into()],
            tracking_urls: vec![format!("{ups}0")],
            delivered_at: None,
        }
    );
    let WebhookEvent::Fulfillment(updated) =
        parse("fulfillments/update", &sample("fulfillments_update.json")).unwrap()
    else {
        panic!("expected a fulfillment")
    };
    assert_eq!(updated.status.as_deref(), Some("success"));
    assert_eq!(updated.shipment_status.as_deref(), Some("delivered"));
    assert_eq!(
        updated.tracking_numbers,
        vec!["1z827wk74630", "1z827wk74631"]
    );
    assert_eq!(
        updated.tracking_urls,
        vec![format!("{ups}0"), format!("{ups}1")]
    );
    assert_eq!(updated.delivered_at, Some(ts("2026-10-03T19:22:00Z")));
}

#[test]
fn refunds_create_counts_successful_refund_transactions() {
    let WebhookEvent::Refund(refund) =
        parse("refunds/create", &sample("refunds_create.json")).unwrap()
    else {
        panic!("expected a refund")
    };
    assert_eq!(
        refund,
        RefundEvent {
            refund_id: "890088186047892319".into(),
            order_id: "820982911946154508".into(),
            created_at: Some(ts("2026-10-10T16:00:00Z")),
            note: Some("Things were damaged".into()),
            amount_minor: 19900,
            currency: Some("USD".into()),
            lines: vec![RefundLine {
                line_item_id: "866550311766439020".into(),
                quantity: 1,
                restock_type: Some("return".into()),
                subtotal_minor: Some(19900),
            }],
        }
    );
}

#[test]
fn returns_request_approve_close() {
    let line = ReturnLine {
        return_line_item_id: "456".into(),
        line_item_id: Some("866550311766439020".into()),
        quantity: 1,
        reason: Some("size_too_small".into()),
        customer_note: Some("Too tight around the shoulders".into()),
    };
    let event = |topic: &str, file: &str| match parse(topic, &sample(file)).unwrap() {
        WebhookEvent::Return(r) => r,
        other => panic!("{topic}: expected a return, got {other:?}"),
    };
    assert_eq!(
        event("returns/request", "returns_request.json"),
        ReturnEvent {
            action: ReturnAction::Requested,
            return_id: "123".into(),
            order_id: Some("820982911946154508".into()),
            name: Some("#9999-R1".into()),
            status: Some("requested".into()),
            lines: vec![line.clone()],
        }
    );
    let approved = event("returns/approve", "returns_approve.json");
    assert_eq!(approved.action, ReturnAction::Approved);
    assert_eq!(approved.status.as_deref(), Some("open"));
    assert_eq!(
        approved.lines,
        vec![ReturnLine {
            customer_note: None,
            ..line
        }]
    );
    let closed = event("returns/close", "returns_close.json");
    assert_eq!(
        (
            closed.action,
            closed.return_id.as_str(),
            closed.order_id,
            closed.status.as_deref()
        ),
        (ReturnAction::Closed, "123", None, Some("closed"))
    );
}

#[test]
fn app_uninstalled() {
    match parse("app/uninstalled", &sample("app_uninstalled.json")).unwrap() {
        WebhookEvent::AppUninstalled { shop_domain } => {
            assert_eq!(shop_domain.as_deref(), Some("super-toys.myshopify.com"))
        }
        other => panic!("expected AppUninstalled, got {other:?}"),
    }
}

#[test]
fn every_topic_has_a_sample_that_verifies_and_parses() {
    let files = [
        ("orders/create", "orders_create.json"),
        ("orders/updated", "orders_updated.json"),
        ("orders/cancelled", "orders_cancelled.json"),
        ("orders/fulfilled", "orders_fulfilled.json"),
        ("fulfillments/create", "fulfillments_create.json"),
        ("fulfillments/update", "fulfillments_update.json"),
        ("refunds/create", "refunds_create.json"),
        ("returns/request", "returns_request.json"),
        ("returns/approve", "returns_approve.json"),
        ("returns/close", "returns_close.json"),
        ("app/uninstalled", "app_uninstalled.json"),
    ];
    assert_eq!(files.map(|(t, _)| t).as_slice(), TOPICS);
    for (topic, file) in files {
        let body = sample(file);
        let mut mac = Hmac::<Sha256>::new_from_slice(b"app-secret").unwrap();
        mac.update(&body);
        let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        let mut headers = http::HeaderMap::new();
        headers.insert("X-Shopify-Hmac-Sha256", sig.parse().unwrap());
        verify("app-secret", &headers, &body).unwrap();
        parse(topic, &body).unwrap_or_else(|e| panic!("{topic}: {e}"));
    }
}

#[test]
fn a_bad_amount_in_an_order_is_a_clear_permanent_error() {
    let body = String::from_utf8(sample("orders_cancelled.json"))
        .unwrap()
        .replace("\"total_price\": \"49.90\"", "\"total_price\": \"49,90\"");
    match parse("orders/cancelled", body.as_bytes()) {
        Err(ConnectorError::Permanent(m)) => {
            assert!(m.contains("#1006") && m.contains("49,90"), "{m}")
        }
        other => panic!("expected Permanent, got {other:?}"),
    }
}
