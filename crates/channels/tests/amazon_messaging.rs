//! Typed buyer messages through the Messaging API, against Prism serving the messaging
//! (and orders) specs behind a fault proxy: the allowed-actions check, what is posted, and
//! what is refused before anything is sent.

mod contract;
#[path = "amazon/support.rs"]
mod support;

use aftersail_channels::amazon::connector::REPLY_BY_EMAIL;
use aftersail_channels::amazon::UploadedFile;
use aftersail_channels::{Connector, ConnectorError, Outbound, OutboundAttachment};
use contract::Fault;
use serde_json::{json, Value};
use support::{connector, Lwa, SpApi, Spec};

const ORDER: &str = "123-1234567-1234567";

/// What Amazon's sandbox answers for an order that allows most message types.
fn actions(order: &str, names: &[&str]) -> Value {
    let links: Vec<Value> = names
        .iter()
        .map(|n| json!({"href": format!("/messaging/v1/orders/{order}/messages/{n}?marketplaceIds=ATVPDKIKX0DER"), "name": n}))
        .collect();
    let embedded: Vec<Value> = names
        .iter()
        .map(|n| json!({"_links": {"self": {"href": format!("/messaging/v1/orders/{order}/messages/{n}?marketplaceIds=ATVPDKIKX0DER"), "name": n},
                                    "schema": {"href": format!("/messaging/v1/orders/{order}/messages/{n}/schema"), "name": n}}}))
        .collect();
    json!({
        "_links": {"actions": links, "self": {"href": format!("/messaging/v1/orders/{order}?marketplaceIds=ATVPDKIKX0DER")}},
        "_embedded": {"actions": embedded}
    })
}

fn outbound(action: Option<&str>, text: &str) -> Outbound {
    Outbound {
        message_id: "outbox-7@aftersail.test".into(),
        idempotency_key: "key-7".into(),
        to: "buyer-email@marketplace.amazon.com".into(),
        subject: "Your order".into(),
        body_text: text.into(),
        order_external_id: Some(ORDER.into()),
        action: action.map(str::to_owned),
        ..Outbound::default()
    }
}

fn permanent(result: Result<impl std::fmt::Debug, ConnectorError>) -> String {
    match result {
        Err(ConnectorError::Permanent(msg)) => msg,
        other => panic!("expected Permanent, got {other:?}"),
    }
}

#[tokio::test]
async fn messages_go_out_only_as_types_amazon_allows_for_the_order() {
    let lwa = Lwa::start().await;
    let api = SpApi::start(&[Spec::Messaging]).await;
    let amazon = connector(&api, &lwa, json!({}));

    // Prism's example allows only negativeFeedbackRemoval (which this connector cannot send).
    assert_eq!(
        amazon.allowed_actions(ORDER).await.unwrap(),
        ["negativeFeedbackRemoval"]
    );
    let msg = permanent(
        amazon
            .send(&outbound(
                Some("confirmDeliveryDetails"),
                "Your parcel arrives on Monday.",
            ))
            .await,
    );
    assert!(
        msg.contains("does not allow a confirmDeliveryDetails message")
            && msg.contains("allowed: negativeFeedbackRemoval"),
        "{msg}"
    );
    assert!(
        api.proxy.seen().iter().all(|s| s.method == "GET"),
        "nothing was posted"
    );

    // An order that allows more: the message is posted, valid against the spec.
    let text =
        "Leider ist ein Problem aufgetreten – Ihre Bestellung verzögert sich. 申し訳ありません。";
    api.replace(
        &format!("/messaging/v1/orders/{ORDER}?"),
        actions(
            ORDER,
            &[
                "confirmDeliveryDetails",
                "unexpectedProblem",
                "invoice",
                "warranty",
            ],
        ),
    );
    api.proxy.clear_seen();
    let sent = amazon
        .send(&outbound(Some("unexpectedProblem"), text))
        .await
        .expect("sent");
    assert_eq!(sent.external_id, format!("{ORDER}/unexpectedProblem/key-7"));
    let seen = api.proxy.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].uri,
        format!("/messaging/v1/orders/{ORDER}?marketplaceIds=ATVPDKIKX0DER")
    );
    let post = &seen[1];
    assert_eq!(post.method, "POST");
    assert_eq!(
        post.uri,
        format!(
            "/messaging/v1/orders/{ORDER}/messages/unexpectedProblem?marketplaceIds=ATVPDKIKX0DER"
        )
    );
    assert_eq!(post.status, 201);
    assert_eq!(
        serde_json::from_slice::<Value>(&post.body).unwrap(),
        json!({"text": text})
    );
    assert_eq!(
        post.headers.get("x-amz-access-token").unwrap(),
        "Atza|token-1"
    );

    // An invoice made of a file uploaded beforehand (Uploads API) names its destination.
    api.replace(
        &format!("/messaging/v1/orders/{ORDER}?"),
        actions(ORDER, &["invoice"]),
    );
    api.proxy.clear_seen();
    let file = UploadedFile {
        upload_destination_id: "4e936e26-7b72-4b84-af27-e6baee1d546d".into(),
        file_name: "Rechnung-1042.pdf".into(),
    };
    amazon
        .send_message(ORDER, "invoice", None, &[file])
        .await
        .expect("invoice sent");
    let post = api.proxy.seen().pop().unwrap();
    assert!(post
        .uri
        .starts_with(&format!("/messaging/v1/orders/{ORDER}/messages/invoice?")));
    assert_eq!(
        serde_json::from_slice::<Value>(&post.body).unwrap(),
        json!({"attachments": [{"uploadDestinationId": "4e936e26-7b72-4b84-af27-e6baee1d546d", "fileName": "Rechnung-1042.pdf"}]})
    );

    // A failed post is retryable, a throttled check says how long to wait.
    api.replace(
        &format!("/messaging/v1/orders/{ORDER}?"),
        actions(ORDER, &["confirmDeliveryDetails"]),
    );
    api.proxy
        .push("/messages/confirmDeliveryDetails", Fault::status(503));
    assert!(matches!(
        amazon
            .send(&outbound(Some("confirmDeliveryDetails"), "Tomorrow."))
            .await,
        Err(ConnectorError::Transient(_))
    ));
    api.proxy.push(
        &format!("/messaging/v1/orders/{ORDER}?"),
        Fault::too_many(3),
    );
    assert_eq!(
        amazon.allowed_actions(ORDER).await.unwrap_err(),
        ConnectorError::RateLimited {
            retry_after: std::time::Duration::from_secs(3)
        }
    );

    // Refused before anything is sent.
    api.proxy.clear_seen();
    assert_eq!(
        permanent(amazon.send(&outbound(None, "Hello")).await),
        REPLY_BY_EMAIL
    );
    let mut no_order = outbound(Some("unexpectedProblem"), "Hello");
    no_order.order_external_id = None;
    assert!(permanent(amazon.send(&no_order).await).contains("needs the order"));
    let mut with_file = outbound(Some("invoice"), "See attached");
    with_file.attachments.push(OutboundAttachment {
        filename: "invoice.pdf".into(),
        content_type: "application/pdf".into(),
        bytes: b"%PDF".to_vec(),
    });
    assert!(permanent(amazon.send(&with_file).await).contains("Uploads API"));
    assert!(
        permanent(amazon.send(&outbound(Some("invoice"), "text only")).await)
            .contains("Uploads API")
    );
    assert!(permanent(
        amazon
            .send(&outbound(Some("negativeFeedbackRemoval"), "x"))
            .await
    )
    .contains("cannot be sent through this connector"));
    assert!(permanent(
        amazon
            .send(&outbound(Some("unexpectedProblem"), &"x".repeat(2001)))
            .await
    )
    .contains("at most 2000"));
    assert!(permanent(
        amazon
            .send(&outbound(Some("unexpectedProblem"), "   "))
            .await
    )
    .contains("needs text"));
    assert!(api.proxy.seen().is_empty(), "{:?}", api.proxy.seen());

    api.assert_all_valid();
}

#[tokio::test]
async fn with_several_marketplaces_the_order_says_which() {
    let lwa = Lwa::start().await;
    let api = SpApi::start(&[Spec::Messaging, Spec::Orders2026]).await;
    let amazon = connector(
        &api,
        &lwa,
        json!({"marketplace_ids": ["ATVPDKIKX0DER", "A1F83G8C2ARO7P"]}),
    );

    // Prism's getOrder example is order 202-1234567-8901234 on Amazon.co.uk.
    let order = "202-1234567-8901234";
    assert_eq!(
        amazon.allowed_actions(order).await.unwrap(),
        ["negativeFeedbackRemoval"]
    );
    let seen = api.proxy.seen();
    assert_eq!(seen[0].uri, format!("/orders/2026-01-01/orders/{order}?includedData=BUYER%2CRECIPIENT%2CPROCEEDS%2CFULFILLMENT%2CPACKAGES"));
    assert_eq!(
        seen[1].uri,
        format!("/messaging/v1/orders/{order}?marketplaceIds=A1F83G8C2ARO7P")
    );
    let found = amazon.order(order).await.unwrap().expect("the order");
    assert_eq!(
        (
            found.total_minor,
            found.currency.as_str(),
            found.status.as_str()
        ),
        (10397, "GBP", "shipped")
    );
    assert_eq!(
        (found.carrier.as_deref(), found.tracking_number.as_deref()),
        (Some("Royal Mail"), Some("RR123456789GB"))
    );
    assert_eq!(found.delivered_at, None, "the package is still in transit");

    // An order Amazon answers for with another id is not this order.
    api.assert_all_valid();
    let unknown = amazon.allowed_actions("111-1111111-1111111").await;
    assert!(permanent(unknown).contains("not found"));
}
