//! Amazon notifications (the examples of the published notification schemas), what the
//! worker is told to do with them, the settings the connector is built from, and what it
//! refuses outright.

mod contract;

use aftersail_channels::amazon::notifications::{OrderChange, ReportFinished};
use aftersail_channels::amazon::{
    from_settings, parse_notification, AmazonConnector, Notification,
};
use aftersail_channels::{
    kinds, Connector, ConnectorError, RefundRequest, ReturnAnswer, WebhookAction, WebhookRequest,
};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

fn example(file: &str, n: usize) -> Value {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(contract::fixture(file)).unwrap()).unwrap();
    schema["examples"][n].clone()
}

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

fn secrets() -> Value {
    json!({"client_id": "amzn1.application-oa2-client.x", "client_secret": "top-secret-value", "refresh_token": "Atzr|top-secret-refresh"})
}

fn amazon(extra: Value) -> AmazonConnector {
    let mut settings = json!({"region": "eu", "marketplace_ids": ["A1PA6795UKMFR9"]});
    if let (Value::Object(s), Value::Object(e)) = (&mut settings, extra) {
        s.extend(e);
    }
    from_settings(&settings, &secrets()).unwrap()
}

fn ts(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn schema_examples_parse() {
    let order =
        parse_notification(&bytes(&example("amazon/OrderChangeNotification.json", 0))).unwrap();
    assert_eq!(
        order,
        Notification::OrderChange(OrderChange {
            notification_id: "d0e9e693-c3ad-4373-979f-ed4ec98dd746".into(),
            seller_id: "A3TH9S8BH6GOGM".into(),
            order_id: "903-8868176-2219830".into(),
            change_type: "BuyerRequestedChange".into(),
            order_status: Some("Unshipped".into()),
            marketplace_id: Some("ATVPDKIKX0DER".into()),
            changed_at: Some(ts("2022-11-29T19:42:04.284Z")),
            reason: Some("Buyer Requested Cancel".into()),
        })
    );
    assert_eq!(order.notification_type(), "ORDER_CHANGE");
    let seller = parse_notification(&bytes(&example(
        "amazon/ReportProcessingFinishedNotification.json",
        0,
    )))
    .unwrap();
    assert_eq!(
        seller,
        Notification::ReportProcessingFinished(ReportFinished {
            notification_id: "d0e9e693-c3ad-4373-979f-ed4ec98dd746".into(),
            seller_id: Some("A3TH9S8BH6GOGM".into()),
            report_id: "54517018502".into(),
            report_type: "GET_FLAT_FILE_ACTIONABLE_ORDER_DATA".into(),
            processing_status: "CANCELLED".into(),
            report_document_id: Some(
                "amzn1.tortuga.3.edbcd0d8-3434-8222-1234-52ad8ade1208.REP4567URI9BMZ".into()
            ),
        })
    );
    // A vendor's report carries no seller id.
    let vendor = parse_notification(&bytes(&example(
        "amazon/ReportProcessingFinishedNotification.json",
        1,
    )))
    .unwrap();
    assert!(matches!(
        vendor,
        Notification::ReportProcessingFinished(ReportFinished {
            seller_id: None,
            ..
        })
    ));
    assert_eq!(vendor.id(), Some("d0e9e693-c3ad-4373-979f-ed4ec98dd746"));
}

#[test]
fn notifications_tell_the_worker_to_poll_or_not() {
    let change = bytes(&example("amazon/OrderChangeNotification.json", 0));
    let mut ours = example("amazon/ReportProcessingFinishedNotification.json", 0);
    ours["payload"]["reportProcessingFinishedNotification"]["reportType"] =
        json!("GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE");
    ours["payload"]["reportProcessingFinishedNotification"]["processingStatus"] = json!("DONE");
    let ours = bytes(&ours);
    let other_report = bytes(&example(
        "amazon/ReportProcessingFinishedNotification.json",
        0,
    ));
    let other_type = bytes(
        &json!({"notificationVersion": "1.0", "notificationType": "ANY_OFFER_CHANGED", "payload": {},
                                   "notificationMetadata": {"notificationId": "n-9"}}),
    );

    let poll_soon =
        |a: Result<WebhookAction, ConnectorError>| matches!(a, Ok(WebhookAction::PollSoon));
    let ignore = |a: Result<WebhookAction, ConnectorError>| matches!(a, Ok(WebhookAction::Ignore));

    // What the worker does with a stored delivery, given the channel's settings.
    let parse = |settings: &Value, topic: &str, body: &[u8]| {
        kinds::parse_webhook("amazon", settings, topic, body)
    };
    let any_seller = json!({});
    assert!(poll_soon(parse(&any_seller, "ORDER_CHANGE", &change)));
    assert!(poll_soon(parse(&any_seller, "", &ours)));
    assert!(ignore(parse(
        &any_seller,
        "REPORT_PROCESSING_FINISHED",
        &other_report
    )));
    assert!(ignore(parse(&any_seller, "ANY_OFFER_CHANGED", &other_type)));
    assert!(matches!(
        parse(&any_seller, "ORDER_CHANGE", b"{\"NotificationType\":"),
        Err(ConnectorError::Permanent(_))
    ));

    let same_seller = json!({"seller_id": "A3TH9S8BH6GOGM"});
    assert!(poll_soon(parse(&same_seller, "ORDER_CHANGE", &change)));
    assert!(poll_soon(parse(
        &same_seller,
        "REPORT_PROCESSING_FINISHED",
        &ours
    )));
    let other_seller = json!({"seller_id": "A1OTHERSELLER"});
    assert!(ignore(parse(&other_seller, "ORDER_CHANGE", &change)));
    assert!(ignore(parse(
        &other_seller,
        "REPORT_PROCESSING_FINISHED",
        &ours
    )));
    let no_returns = json!({"returns": false});
    assert!(ignore(parse(
        &no_returns,
        "REPORT_PROCESSING_FINISHED",
        &ours
    )));
}

#[tokio::test]
async fn refunds_returns_and_http_webhooks_are_refused_with_a_reason() {
    let amazon = amazon(json!({}));
    let refund = RefundRequest {
        idempotency_key: "refund-1".into(),
        order_external_id: "202-1234567-8901234".into(),
        return_external_id: None,
        amount_minor: 1000,
        currency: "EUR".into(),
        note: "Sorry".into(),
    };
    assert_eq!(
        amazon.refund(&refund).await,
        Err(ConnectorError::Permanent(
            "issue Amazon refunds in Seller Central".into()
        ))
    );
    match amazon
        .answer_return("DZ6dHqJHRRMA", &ReturnAnswer::Accept)
        .await
    {
        Err(ConnectorError::Permanent(msg)) => assert!(msg.contains("Seller Central"), "{msg}"),
        other => panic!("expected Permanent, got {other:?}"),
    }
    let headers = http::HeaderMap::new();
    let request = WebhookRequest {
        url: "https://app.example/webhooks/amazon/1",
        headers: &headers,
        body: b"{}",
    };
    assert!(matches!(
        amazon.verify_webhook(&request).await,
        Err(ConnectorError::Permanent(_))
    ));
}

#[test]
fn settings_are_read_with_readable_errors_and_secrets_stay_hidden() {
    let amazon = amazon(json!({"orders_api": "v0", "backfill_days": 14}));
    let config = amazon.config();
    assert_eq!(config.base_url(), "https://sellingpartnerapi-eu.amazon.com");
    assert_eq!(config.lwa_url, "https://api.amazon.com/auth/o2/token");
    assert_eq!(config.backfill_days, 14);
    let debug = format!("{amazon:?}");
    assert!(!debug.contains("top-secret"), "{debug}");

    let err = |settings: Value, secrets: Value| from_settings(&settings, &secrets).unwrap_err();
    assert!(err(json!({"marketplace_ids": ["X"]}), secrets()).contains("region"));
    assert!(err(json!({"region": "eu"}), secrets()).contains("marketplace"));
    assert!(
        err(json!({"region": "eu", "marketplace_ids": ["X"]}), json!({})).contains("client id")
    );
    assert!(err(
        json!({"region": "eu", "marketplace_ids": ["X"], "orders_api": "2025"}),
        secrets()
    )
    .contains("orders_api"));
}
