//! The eBay connector's buyer messages and replies against eBay's published Message API
//! spec (`../shared/fixtures/ebay/commerce_message_v1_oas3.json`) served by Prism with
//! `--dynamic --errors` behind a fault proxy: every successful call proves the request
//! valid; the random data is checked for structure. Identity and the order lookups go to
//! the local fake.

mod contract;
mod ebay;

use std::collections::HashMap;
use std::time::Duration;

use aftersail_channels::ebay::cursor::Kind;
use aftersail_channels::ebay::{EbayConnector, PollCursor};
use aftersail_channels::{
    Connector, ConnectorError, Inbound, InboundMessage, Outbound, OutboundAttachment,
};
use contract::{Fault, FaultProxy, Prism};
use ebay::{ago, Fake, Roots};
use serde_json::{json, Value};

const SPEC: &str = "ebay/commerce_message_v1_oas3.json";

struct Env {
    prism: Prism,
    proxy: FaultProxy,
    fake: Fake,
    ebay: EbayConnector,
}

fn messages_of(items: &[Inbound]) -> Vec<&InboundMessage> {
    items
        .iter()
        .filter_map(|i| match i {
            Inbound::Message(m) => Some(m),
            _ => None,
        })
        .collect()
}

fn check_message(m: &InboundMessage) {
    assert_eq!(m.channel, "ebay");
    assert!(!m.external_id.trim().is_empty());
    let conversation = m
        .conversation
        .as_deref()
        .expect("every message names its conversation");
    assert!(!conversation.trim().is_empty());
    assert_eq!(m.from.address, m.from.address.to_lowercase());
    assert_ne!(
        m.from.address, "best.seller",
        "the seller's own messages are skipped"
    );
    assert_eq!(m.raw_content_type, "application/json");
    assert_eq!(m.display_text, m.body_text);
    assert!(m.thread.replies_to.is_empty() && m.thread.ticket_number.is_none());
    let raw: Value = serde_json::from_slice(&m.raw).expect("raw is the message's JSON");
    assert_eq!(
        raw["messageId"].as_str().map(str::trim),
        Some(m.external_id.as_str())
    );
    assert_eq!(
        raw["senderUsername"]
            .as_str()
            .map(|s| s.trim().to_lowercase()),
        Some(m.from.address.clone())
    );
}

fn query(uri: &str) -> HashMap<String, String> {
    let q = uri.split_once('?').map(|(_, q)| q).unwrap_or("");
    url::form_urlencoded::parse(q.as_bytes())
        .into_owned()
        .collect()
}

/// Polls until the messages stream is next.
async fn round_to_messages(env: &Env, mut cursor: Option<String>) -> Option<String> {
    for _ in 0..10 {
        let next = match &cursor {
            None => Kind::Orders,
            Some(c) => PollCursor::parse(c).unwrap().next(chrono::Utc::now(), 30).0,
        };
        if next == Kind::Messages {
            return cursor;
        }
        cursor = env.ebay.poll(cursor.as_deref()).await.unwrap().cursor;
    }
    panic!("messages never came round");
}

async fn polls_buyer_messages_with_valid_requests(env: &Env) -> String {
    let cursor = round_to_messages(env, None).await;
    env.proxy.clear_seen();
    let batch = env
        .ebay
        .poll(cursor.as_deref())
        .await
        .expect("messages poll");
    messages_of(&batch.items)
        .iter()
        .for_each(|m| check_message(m));
    let seen = env.proxy.seen();
    let list: Vec<_> = seen
        .iter()
        .filter(|s| s.uri.starts_with("/conversation?"))
        .collect();
    assert_eq!(list.len(), 1);
    assert_eq!(
        list[0].status, 200,
        "Prism accepted getConversations: {}",
        list[0].uri
    );
    let q = query(&list[0].uri);
    assert_eq!(q["conversation_type"], "FROM_MEMBERS");
    assert_eq!((q["limit"].as_str(), q["offset"].as_str()), ("25", "0"));
    assert!(q["start_time"].ends_with('Z') && q["end_time"].ends_with('Z'));
    for s in seen.iter().filter(|s| s.uri.starts_with("/conversation/")) {
        assert_eq!(s.status, 200, "{}", s.uri);
        assert_eq!(query(&s.uri)["conversation_type"], "FROM_MEMBERS");
        assert!(s.headers["authorization"]
            .to_str()
            .unwrap()
            .starts_with("Bearer user-token-"));
    }
    let seller = PollCursor::parse(batch.cursor.as_deref().unwrap())
        .unwrap()
        .seller;
    assert_eq!(
        seller.as_deref(),
        Some("best.seller"),
        "learned from an order"
    );
    batch.cursor.unwrap()
}

async fn faults_keep_the_cursor_and_lose_nothing(env: &Env, cursor: String) {
    let cursor = round_to_messages(env, Some(cursor)).await.unwrap();
    env.proxy.clear_seen();
    env.proxy.push("/conversation?", Fault::status(401));
    let batch = env
        .ebay
        .poll(Some(&cursor))
        .await
        .expect("a 401 is refreshed and retried");
    messages_of(&batch.items)
        .iter()
        .for_each(|m| check_message(m));

    env.proxy.push("/conversation?", Fault::too_many(3));
    env.proxy.push("/conversation?", Fault::status(502));
    env.proxy.push(
        "/conversation?",
        Fault::Body(r#"{"conversations":[{"conversationId":"#.into()),
    );
    env.proxy.push("/conversation?", Fault::Truncate);
    // A page that lists a conversation whose messages then fail to load.
    env.proxy.push(
        "/conversation?",
        Fault::Body(
            r#"{"conversations":[{"conversationId":"C-77"}],"total":1,"offset":0,"limit":25}"#
                .into(),
        ),
    );
    env.proxy.push("/conversation/C-77", Fault::status(500));
    assert_eq!(
        env.ebay.poll(Some(&cursor)).await.unwrap_err(),
        ConnectorError::RateLimited {
            retry_after: Duration::from_secs(3)
        }
    );
    for what in [
        "502",
        "malformed",
        "truncated",
        "a conversation's messages failing",
    ] {
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
        .expect("the page after the faults");
    messages_of(&batch.items)
        .iter()
        .for_each(|m| check_message(m));
    let lists: Vec<String> = env
        .proxy
        .seen()
        .iter()
        .filter(|s| s.uri.starts_with("/conversation?"))
        .map(|s| s.uri.clone())
        .collect();
    assert_eq!(lists.len(), 8);
    assert!(
        lists.iter().all(|u| *u == lists[0]),
        "every retry reads the same page: {lists:?}"
    );
}

async fn replies_go_into_the_conversation(env: &Env) {
    env.proxy.clear_seen();
    let reply = Outbound {
        message_id: "out-1@aftersail".into(),
        idempotency_key: "out-1".into(),
        to: "mug_lover".into(),
        body_text: "  The replacement mug ships tomorrow.  ".into(),
        conversation: Some("2100000000001".into()),
        ..Outbound::default()
    };
    let sent = env
        .ebay
        .send(&reply)
        .await
        .expect("sendMessage through Prism");
    assert!(!sent.external_id.is_empty());
    let seen = env.proxy.seen();
    let check = seen
        .iter()
        .find(|s| s.method == "GET")
        .expect("the duplicate check reads the conversation");
    assert!(
        check.uri.starts_with("/conversation/2100000000001?"),
        "{}",
        check.uri
    );
    assert_eq!(check.status, 200);
    let post = seen.iter().find(|s| s.method == "POST").unwrap();
    assert_eq!((post.uri.as_str(), post.status), ("/send_message", 201));
    assert_eq!(
        serde_json::from_slice::<Value>(&post.body).unwrap(),
        json!({"conversationId": "2100000000001", "messageText": "The replacement mug ships tomorrow."})
    );
}

async fn replies_to_claims_start_a_conversation_about_the_listing(env: &Env) {
    env.proxy.clear_seen();
    let reply = Outbound {
        message_id: "out-2@aftersail".into(),
        idempotency_key: "out-2".into(),
        body_text: "We are sorry the mug has not arrived; it is on its way.".into(),
        conversation: Some("aftersail:order:07-11111-22222".into()),
        ..Outbound::default()
    };
    env.ebay.send(&reply).await.expect("a new conversation");
    let seen = env.proxy.seen();
    let check = seen.iter().find(|s| s.method == "GET").unwrap();
    assert_eq!(query(&check.uri)["other_party_username"], "Mug_Lover");
    assert_eq!(check.status, 200);
    let post = seen.iter().find(|s| s.method == "POST").unwrap();
    assert_eq!(post.status, 201);
    assert_eq!(
        serde_json::from_slice::<Value>(&post.body).unwrap(),
        json!({
            "otherPartyUsername": "Mug_Lover",
            "messageText": "We are sorry the mug has not arrived; it is on its way.",
            "reference": {"referenceType": "LISTING", "referenceId": "1101"}
        })
    );
    assert_eq!(
        env.fake.seen("/order/07-11111-22222").len(),
        1,
        "the buyer and listing come from the order"
    );
}

async fn what_ebay_cannot_carry_is_refused_before_sending(env: &Env) {
    env.proxy.clear_seen();
    let mut reply = Outbound {
        to: "mug_lover".into(),
        body_text: "See the label attached".into(),
        conversation: Some("2100000000001".into()),
        attachments: vec![OutboundAttachment {
            filename: "label.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: b"%PDF".to_vec(),
        }],
        ..Outbound::default()
    };
    assert!(matches!(
        env.ebay.send(&reply).await,
        Err(ConnectorError::Permanent(_))
    ));
    reply.attachments.clear();
    reply.body_text = "é".repeat(2001);
    assert!(matches!(
        env.ebay.send(&reply).await,
        Err(ConnectorError::Permanent(_))
    ));
    reply.body_text = "   ".into();
    assert!(matches!(
        env.ebay.send(&reply).await,
        Err(ConnectorError::Permanent(_))
    ));
    assert!(env.proxy.seen().is_empty());
}

async fn an_invalid_request_is_refused(env: &Env) {
    let http = reqwest::Client::new();
    let no_type = http
        .get(format!("{}/conversation?limit=5", env.proxy.base))
        .bearer_auth("user-token-1")
        .send()
        .await
        .unwrap();
    assert!(no_type.status().is_client_error(), "{}", no_type.status());
    assert!(!env.prism.request_violations().is_empty());
}

#[tokio::test]
async fn messages_and_replies_against_the_published_spec() {
    let prism = Prism::start_dynamic(SPEC).await;
    let proxy = FaultProxy::start(&prism.base).await;
    let fake = Fake::start().await;
    fake.with(|d| {
        d.orders.push(json!({
            "orderId": "07-11111-22222", "sellerId": "best.seller",
            "creationDate": ago(24 * 45), "lastModifiedDate": ago(24 * 40),
            "buyer": {"username": "Mug_Lover"},
            "pricingSummary": {"total": {"value": "1500", "currency": "JPY"}},
            "lineItems": [{"legacyItemId": "1101", "title": "Blue mug", "quantity": 1}]
        }))
    });
    let ebay = ebay::connector(
        &fake,
        Roots {
            message: Some(proxy.base.clone()),
            ..Roots::default()
        },
    );
    let env = Env {
        prism,
        proxy,
        fake,
        ebay,
    };

    let cursor = polls_buyer_messages_with_valid_requests(&env).await;
    faults_keep_the_cursor_and_lose_nothing(&env, cursor).await;
    replies_go_into_the_conversation(&env).await;
    replies_to_claims_start_a_conversation_about_the_listing(&env).await;
    what_ebay_cannot_carry_is_refused_before_sending(&env).await;
    let violations = env.prism.request_violations();
    assert!(
        violations.is_empty(),
        "requests that broke the spec:\n{}",
        violations.join("\n")
    );
    an_invalid_request_is_refused(&env).await;
}
