//! What the connector does on Shopee besides polling: chat replies, refunds and return
//! answers, the connection check, the install-time code exchange, and push checks, against
//! the server built from the API pages.

mod shopee;

use aftersail_channels::shopee::{authorization_url, exchange_code, sign};
use aftersail_channels::{
    kinds, Connector, ConnectorError, Outbound, OutboundAttachment, RefundRequest, ReturnAnswer,
    WebhookAction, WebhookRequest,
};
use chrono::Utc;
use serde_json::json;

use shopee::server::{AUTH_CODE, PARTNER_ID, PARTNER_KEY, SHOP_ID};
use shopee::{connector, shop};

fn reply(to: &str, conversation: Option<&str>, text: &str) -> Outbound {
    Outbound {
        message_id: "outbox-1@aftersail".into(),
        idempotency_key: "outbox-1".into(),
        to: to.into(),
        body_text: text.into(),
        conversation: conversation.map(str::to_owned),
        ..Outbound::default()
    }
}

#[tokio::test]
async fn replies_go_to_the_buyer_of_the_conversation() {
    let (server, world) = shop().await;
    world.lock().unwrap().message(
        "1234567890123456789",
        5555,
        "m-1",
        true,
        Utc::now().timestamp(),
        "hi",
    );
    let c = connector(&server.base, json!({}), json!({}));

    let sent = c
        .send(&reply(
            "5555",
            Some("1234567890123456789"),
            "Thanks! It ships today.",
        ))
        .await
        .unwrap();
    assert_eq!(sent.external_id, "sent-1");
    // Only the buyer id is needed; the conversation's buyer is looked up when `to` is not one.
    let sent = c
        .send(&reply("", Some("1234567890123456789"), "Tracking: TN-1"))
        .await
        .unwrap();
    assert_eq!(sent.external_id, "sent-2");
    assert_eq!(
        server
            .calls_to("/api/v2/sellerchat/get_one_conversation")
            .len(),
        1
    );
    assert_eq!(
        world.lock().unwrap().sent,
        vec![
            json!({ "to_id": 5555, "message_type": "text", "content": { "text": "Thanks! It ships today." } }),
            json!({ "to_id": 5555, "message_type": "text", "content": { "text": "Tracking: TN-1" } }),
        ]
    );

    let calls_before = server.calls().len();
    let mut with_file = reply("5555", None, "see attached");
    with_file.attachments.push(OutboundAttachment {
        filename: "label.pdf".into(),
        content_type: "application/pdf".into(),
        bytes: b"%PDF".to_vec(),
    });
    for refused in [
        c.send(&with_file).await,
        c.send(&reply("5555", None, "   ")).await,
        c.send(&reply("not-a-user", None, "who?")).await,
    ] {
        assert!(
            matches!(refused, Err(ConnectorError::Permanent(_))),
            "{refused:?}"
        );
    }
    assert_eq!(
        server.calls().len(),
        calls_before,
        "refused replies call nothing"
    );
    assert_eq!(server.violations(), Vec::<String>::new());
}

fn refund(return_sn: Option<&str>, amount_minor: i64) -> RefundRequest {
    RefundRequest {
        idempotency_key: "refund-7".into(),
        order_external_id: "220614T9XV8JTN".into(),
        return_external_id: return_sn.map(str::to_owned),
        amount_minor,
        currency: "SGD".into(),
        note: "Sorry about the macarons".into(),
    }
}

#[tokio::test]
async fn a_refund_confirms_its_return_once() {
    let (server, world) = shop().await;
    world.lock().unwrap().return_of(
        "2206140TA5PM808",
        "220614T9XV8JTN",
        Utc::now().timestamp(),
        "REQUESTED",
        13.97,
    );
    let c = connector(&server.base, json!({}), json!({}));

    assert_eq!(
        c.refund(&refund(Some("2206140TA5PM808"), 1397))
            .await
            .unwrap(),
        "2206140TA5PM808"
    );
    assert_eq!(world.lock().unwrap().returns[0].status, "ACCEPTED");
    // The worker retries after a lost answer: the return is confirmed already, so nothing
    // is sent again.
    assert_eq!(
        c.refund(&refund(Some("2206140TA5PM808"), 1397))
            .await
            .unwrap(),
        "2206140TA5PM808"
    );
    let confirms = server.calls_to("/api/v2/returns/confirm");
    assert_eq!(confirms.len(), 1);
    assert_eq!(confirms[0].body, json!({ "return_sn": "2206140TA5PM808" }));
    assert_eq!(server.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn refunds_shopee_cannot_make_are_refused_before_anything_moves() {
    let (server, world) = shop().await;
    {
        let mut w = world.lock().unwrap();
        w.return_of(
            "2206140TA5PM808",
            "220614T9XV8JTN",
            Utc::now().timestamp(),
            "REQUESTED",
            13.97,
        );
        w.return_of(
            "2206140CLOSED01",
            "220614T9XV8JTN",
            Utc::now().timestamp(),
            "CLOSED",
            13.97,
        );
    }
    let c = connector(&server.base, json!({}), json!({}));
    let Err(ConnectorError::Permanent(message)) = c.refund(&refund(None, 1397)).await else {
        panic!("a refund without a return cannot be made on Shopee");
    };
    assert!(
        message.contains("Shopee refunds go through a return"),
        "{message}"
    );
    assert!(server.calls().is_empty());

    let mut other_order = refund(Some("2206140TA5PM808"), 1397);
    other_order.order_external_id = "OTHER".into();
    let mut other_currency = refund(Some("2206140TA5PM808"), 1397);
    other_currency.currency = "MYR".into();
    for refused in [
        c.refund(&refund(Some("2206140TA5PM808"), 500)).await,
        c.refund(&other_order).await,
        c.refund(&other_currency).await,
        c.refund(&refund(Some("2206140CLOSED01"), 1397)).await,
        c.refund(&refund(Some("NO-SUCH-RETURN"), 1397)).await,
    ] {
        assert!(
            matches!(refused, Err(ConnectorError::Permanent(_))),
            "{refused:?}"
        );
    }
    assert!(server.calls_to("/api/v2/returns/confirm").is_empty());
    assert_eq!(world.lock().unwrap().returns[0].status, "REQUESTED");
}

#[tokio::test]
async fn return_answers_become_confirm_and_offer() {
    let (server, world) = shop().await;
    {
        let mut w = world.lock().unwrap();
        w.return_of(
            "RET-ACCEPT",
            "O1",
            Utc::now().timestamp(),
            "REQUESTED",
            13.97,
        );
        w.return_of(
            "RET-OFFER",
            "O2",
            Utc::now().timestamp(),
            "REQUESTED",
            13.97,
        );
    }
    let c = connector(&server.base, json!({}), json!({}));

    c.answer_return("RET-ACCEPT", &ReturnAnswer::Accept)
        .await
        .unwrap();
    c.answer_return("RET-ACCEPT", &ReturnAnswer::Accept)
        .await
        .unwrap();
    assert_eq!(
        server.calls_to("/api/v2/returns/confirm").len(),
        1,
        "accepted once"
    );

    let offer = ReturnAnswer::Offer {
        amount_minor: 550,
        currency: "SGD".into(),
    };
    c.answer_return("RET-OFFER", &offer).await.unwrap();
    assert_eq!(
        world.lock().unwrap().offers,
        vec![(
            "RET-OFFER".to_string(),
            json!({ "return_sn": "RET-OFFER", "proposed_solution": "REFUND", "proposed_adjusted_refund_amount": 5.5 })
        )]
    );

    let calls_before = server.calls().len();
    let Err(ConnectorError::Permanent(message)) = c
        .answer_return(
            "RET-OFFER",
            &ReturnAnswer::Decline {
                reason: "used item".into(),
            },
        )
        .await
    else {
        panic!("declines are disputes in Seller Centre");
    };
    assert!(message.contains("Seller Centre"), "{message}");
    assert_eq!(server.calls().len(), calls_before);
    for refused in [
        ReturnAnswer::Offer {
            amount_minor: 0,
            currency: "SGD".into(),
        },
        ReturnAnswer::Offer {
            amount_minor: 550,
            currency: "MYR".into(),
        },
        ReturnAnswer::Offer {
            amount_minor: 2000,
            currency: "SGD".into(),
        },
    ] {
        let got = c.answer_return("RET-OFFER", &refused).await;
        assert!(
            matches!(got, Err(ConnectorError::Permanent(_))),
            "{refused:?}: {got:?}"
        );
    }
    assert_eq!(world.lock().unwrap().offers.len(), 1);
    assert_eq!(server.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn the_connection_check_signs_a_real_call() {
    let (server, _world) = shop().await;
    connector(&server.base, json!({}), json!({}))
        .check()
        .await
        .unwrap();
    let wrong_key = connector(
        &server.base,
        json!({}),
        json!({ "partner_key": "not-the-key" }),
    );
    let got = wrong_key.check().await;
    assert!(
        matches!(got, Err(ConnectorError::Auth(ref m)) if m.contains("error_sign")),
        "{got:?}"
    );
    // The server saw the bad signature (and said so).
    assert_eq!(server.violations().len(), 1);
}

#[tokio::test]
async fn the_install_code_becomes_tokens() {
    let (server, _world) = shop().await;
    let http = reqwest::Client::new();
    let tokens = exchange_code(
        &http,
        &server.base,
        PARTNER_ID,
        PARTNER_KEY,
        AUTH_CODE,
        SHOP_ID,
    )
    .await
    .unwrap();
    assert_eq!(
        (tokens.access_token.as_str(), tokens.refresh_token.as_str()),
        ("access-1", "refresh-1")
    );
    // The vendor sample's expire_in (1767001812) is a Unix time, not a number of seconds.
    assert_eq!(
        tokens.access_expires_at.map(|t| t.timestamp()),
        Some(1767001812)
    );
    let call = &server.calls_to("/api/v2/auth/token/get")[0];
    assert_eq!(
        call.body,
        json!({ "code": AUTH_CODE, "partner_id": PARTNER_ID, "shop_id": SHOP_ID })
    );

    let refused = exchange_code(
        &http,
        &server.base,
        PARTNER_ID,
        PARTNER_KEY,
        "used-code",
        SHOP_ID,
    )
    .await;
    assert!(
        matches!(refused, Err(ConnectorError::Auth(_))),
        "{refused:?}"
    );
    assert_eq!(server.violations(), Vec::<String>::new());

    let link = authorization_url(
        &server.base,
        PARTNER_ID,
        PARTNER_KEY,
        "https://helpdesk.example/cb",
        1610000000,
    );
    assert!(link.starts_with(&format!(
        "{}/api/v2/shop/auth_partner?partner_id=2001887&timestamp=1610000000&sign=",
        server.base
    )));
}

#[tokio::test]
async fn pushes_are_checked_against_the_url_and_body() {
    let (server, _world) = shop().await;
    let c = connector(&server.base, json!({}), json!({}));
    let url = "https://helpdesk.example/webhooks/shopee/42";
    let body = br#"{"shop_id":600000,"code":3,"timestamp":1610000000,"data":{"ordersn":"2404098R48U37H","status":"SHIPPED"}}"#;
    let mut headers = http::HeaderMap::new();
    // printf '%s' "$url|$body" | openssl dgst -sha256 -hmac test-partner-key
    headers.insert(
        http::header::AUTHORIZATION,
        "50213c612c98692ae4d421c6d73ec2a268d6035dae98adfa599e33f3564deabd"
            .parse()
            .unwrap(),
    );
    let delivery = c
        .verify_webhook(&WebhookRequest {
            url,
            headers: &headers,
            body,
        })
        .await
        .unwrap();
    assert_eq!(delivery.topic, "3");
    assert!(delivery.id.starts_with("sha256:"));
    assert!(matches!(
        kinds::parse_webhook(
            "shopee",
            &json!({ "shop_id": SHOP_ID }),
            &delivery.topic,
            body
        )
        .unwrap(),
        WebhookAction::PollSoon
    ));

    let tampered = br#"{"shop_id":600000,"code":2,"timestamp":1610000000,"data":{}}"#;
    let got = c
        .verify_webhook(&WebhookRequest {
            url,
            headers: &headers,
            body: tampered,
        })
        .await;
    assert!(matches!(got, Err(ConnectorError::Auth(_))));
    let mut signed = http::HeaderMap::new();
    signed.insert(
        http::header::AUTHORIZATION,
        sign::push_signature(PARTNER_KEY, url, tampered)
            .parse()
            .unwrap(),
    );
    let delivery = c
        .verify_webhook(&WebhookRequest {
            url,
            headers: &signed,
            body: tampered,
        })
        .await
        .unwrap();
    assert!(matches!(
        kinds::parse_webhook(
            "shopee",
            &json!({ "shop_id": SHOP_ID }),
            &delivery.topic,
            tampered
        )
        .unwrap(),
        WebhookAction::Revoke(_)
    ));
    assert!(c.webhook_challenge(url, "challenge=1").is_none());
    assert!(server.calls().is_empty(), "pushes need no API call");
}
