//! Tokens and trouble: expired access tokens (refreshed once, the rotated refresh token
//! surfaced), refused refreshes, rate limits, Shopee's error envelopes, 5xx, malformed and
//! truncated answers, and faults in the middle of a page, with the fault proxy between the
//! connector and the server built from the API pages.

mod contract;
mod shopee;

use aftersail_channels::{Connector, ConnectorError};
use chrono::Utc;
use contract::{Fault, FaultProxy};
use serde_json::json;

use shopee::server::{DocServer, REFRESH_TOKEN};
use shopee::{connector, shop, sync, sync_through_errors, tally};

const DAY: i64 = 86_400;
const ORDER_LIST: &str = "/api/v2/order/get_order_list";

async fn stocked_shop() -> (DocServer, shopee::world::Shared) {
    let (server, world) = shop().await;
    let now = Utc::now().timestamp();
    {
        let mut w = world.lock().unwrap();
        for i in 0..6 {
            let status = if i % 2 == 0 {
                "COMPLETED"
            } else {
                "READY_TO_SHIP"
            };
            w.order(&format!("ORD{i:02}"), now - (i + 1) * 4 * DAY + 11, status);
        }
        w.return_of("RET01", "ORD00", now - 2 * DAY, "REQUESTED", 12.5);
        w.return_of("RET02", "ORD02", now - 9 * DAY, "JUDGING", 3.0);
        w.message(
            "4000000000000000001",
            7001,
            "a1",
            true,
            now - 3 * DAY,
            "hello",
        );
        w.message(
            "4000000000000000001",
            7001,
            "a2",
            false,
            now - 3 * DAY + 5,
            "hi!",
        );
        w.message(
            "4000000000000000002",
            7002,
            "b1",
            true,
            now - DAY,
            "refund?",
        );
    }
    (server, world)
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_once_and_the_new_refresh_token_surfaced() {
    let (server, _world) = stocked_shop().await;
    server.expire_access_tokens();
    let c = connector(&server.base, json!({}), json!({}));
    let batch = c.poll(None).await.unwrap();
    assert!(!batch.items.is_empty());
    assert_eq!(server.issued(), 1);
    let tokens = c.current_tokens();
    assert_eq!(
        (tokens.access_token.as_str(), tokens.refresh_token.as_str()),
        ("access-1", "refresh-1")
    );
    // The old refresh token is spent: the new one is what must be stored.
    assert_eq!(server.valid_refresh_token().as_deref(), Some("refresh-1"));
    assert_eq!(tokens.to_secrets()["refresh_token"], "refresh-1");
    let expires = tokens.access_expires_at.unwrap().timestamp() - Utc::now().timestamp();
    assert!((14_300..=14_400).contains(&expires), "4 hours: {expires}");
    let refresh = &server.calls_to("/api/v2/auth/access_token/get")[0];
    assert_eq!(
        refresh.body,
        json!({ "refresh_token": REFRESH_TOKEN, "partner_id": 2001887, "shop_id": 600000 })
    );
    // The refused call was made again with the new token.
    let lists = server.calls_to(ORDER_LIST);
    assert_eq!(lists.len(), 2);
    assert_eq!(lists[1].query["access_token"], "access-1");

    // Later calls use the new token without refreshing again.
    sync(&c, batch.cursor, 30).await;
    assert_eq!(server.issued(), 1);
    assert_eq!(server.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn a_token_about_to_expire_is_refreshed_before_the_call() {
    let (server, _world) = stocked_shop().await;
    let soon = (Utc::now() + chrono::Duration::seconds(60)).to_rfc3339();
    let c = connector(
        &server.base,
        json!({}),
        json!({ "access_expires_at": soon }),
    );
    c.check().await.unwrap();
    let paths: Vec<String> = server.calls().into_iter().map(|c| c.path).collect();
    assert_eq!(paths, ["/api/v2/auth/access_token/get", ORDER_LIST]);
    assert_eq!(c.current_tokens().access_token, "access-1");
}

#[tokio::test]
async fn a_refused_refresh_is_auth() {
    let (server, _world) = stocked_shop().await;
    server.expire_access_tokens();
    server.refuse_refresh();
    let c = connector(&server.base, json!({}), json!({}));
    let got = c.poll(None).await;
    assert!(
        matches!(got, Err(ConnectorError::Auth(ref m)) if m.contains("authorize the app")),
        "{got:?}"
    );
    assert_eq!(
        c.current_tokens().refresh_token,
        REFRESH_TOKEN,
        "nothing changed"
    );
}

#[tokio::test]
async fn a_token_refused_again_after_the_refresh_is_auth() {
    let (server, _world) = stocked_shop().await;
    let proxy = FaultProxy::start(&server.base).await;
    let invalid = Fault::Status {
        status: 403,
        headers: vec![],
        body: r#"{"error":"invalid_acceess_token","message":"Invalid access_token.","request_id":"x"}"#.into(),
    };
    proxy.push(ORDER_LIST, invalid.clone());
    proxy.push(ORDER_LIST, invalid);
    let c = connector(&proxy.base, json!({}), json!({}));
    let got = c.check().await;
    assert!(
        matches!(got, Err(ConnectorError::Auth(ref m)) if m.contains("after a token refresh")),
        "{got:?}"
    );
    assert_eq!(server.issued(), 1, "one refresh, not one per attempt");
}

#[tokio::test]
async fn calls_that_meet_an_expired_token_together_refresh_it_once() {
    let (server, _world) = stocked_shop().await;
    server.expire_access_tokens();
    let c = connector(&server.base, json!({}), json!({}));
    let (a, b, d) = tokio::join!(c.poll(None), c.check(), c.poll(None));
    a.unwrap();
    b.unwrap();
    d.unwrap();
    // A second refresh would have spent the rotated token and failed.
    assert_eq!(server.issued(), 1);
}

#[tokio::test]
async fn rate_limits_and_trouble_are_retryable_and_refusals_are_not() {
    let (server, _world) = stocked_shop().await;
    let proxy = FaultProxy::start(&server.base).await;
    let c = connector(&proxy.base, json!({}), json!({}));
    let body = |text: &str| Fault::Body(text.into());
    let status = |code: u16, text: &str| Fault::Status {
        status: code,
        headers: vec![],
        body: text.into(),
    };
    let cases: Vec<(Fault, &str)> = vec![
        (Fault::too_many(7), "rate 7"),
        (
            body(
                r#"{"error":"error_too_many_request","message":"Too many requests","request_id":"x"}"#,
            ),
            "rate 5",
        ),
        (
            body(
                r#"{"error":"error_server","message":"System error. Please try again later.","request_id":"x"}"#,
            ),
            "transient",
        ),
        (Fault::status(503), "transient"),
        (status(502, "<html>Bad Gateway</html>"), "transient"),
        (
            body(r#"{"error":"","message":"","response":{"more":tr"#),
            "transient",
        ),
        (Fault::Truncate, "transient"),
        (
            body(r#"{"error":"","message":"","request_id":"no response object"}"#),
            "transient",
        ),
        (
            body(
                r#"{"error":"error_param","message":"Wrong parameters, detail: page_size.","request_id":"x"}"#,
            ),
            "permanent",
        ),
        (status(404, "not here"), "permanent"),
    ];
    for (fault, want) in cases {
        proxy.push(ORDER_LIST, fault.clone());
        let got = c.poll(None).await;
        let kind = match &got {
            Err(ConnectorError::RateLimited { retry_after }) => {
                format!("rate {}", retry_after.as_secs())
            }
            Err(ConnectorError::Transient(_)) => "transient".into(),
            Err(ConnectorError::Permanent(_)) => "permanent".into(),
            other => format!("{other:?}"),
        };
        assert_eq!(kind, want, "{fault:?}");
        assert_eq!(
            got.as_ref().err().map(ConnectorError::is_retryable),
            Some(want != "permanent")
        );
        // Messages never carry the token or the signature.
        let message = got.unwrap_err().to_string();
        assert!(
            !message.contains("access-0") && !message.contains("sign="),
            "{message}"
        );
    }
    assert_eq!(proxy.pending(), 0);
    c.poll(None).await.unwrap();
}

#[tokio::test]
async fn faults_in_the_middle_of_pages_lose_nothing_and_duplicate_nothing() {
    let (server, _world) = stocked_shop().await;
    let clean = connector(&server.base, json!({}), json!({}));
    let (want, _) = sync(&clean, None, 50).await;
    let want = tally(&want);
    assert!(want.contains_key("return:RET02") && want.contains_key("message:b1"));

    let proxy = FaultProxy::start(&server.base).await;
    let faults = [
        ("/api/v2/order/get_order_detail", Fault::status(503)),
        ("/api/v2/logistics/get_tracking_info", Fault::Truncate),
        ("/api/v2/logistics/get_tracking_number", Fault::too_many(1)),
        ("/api/v2/returns/get_return_list", Fault::Truncate),
        (
            "/api/v2/returns/get_return_detail",
            Fault::Body("{\"error\":\"\",\"resp".into()),
        ),
        (
            "/api/v2/order/get_order_detail",
            Fault::Body(
                r#"{"error":"error_server","message":"Something wrong. Please try later."}"#.into(),
            ),
        ),
        (
            "/api/v2/sellerchat/get_conversation_list",
            Fault::status(500),
        ),
        ("/api/v2/sellerchat/get_message", Fault::too_many(2)),
        ("/api/v2/order/get_order_list", Fault::status(504)),
    ];
    for (path, fault) in faults.iter().cloned() {
        proxy.push(path, fault);
    }
    let faulty = connector(&proxy.base, json!({}), json!({}));
    let (got, _, errors) = sync_through_errors(&faulty, None, 80).await;
    assert_eq!(proxy.pending(), 0, "every fault was met");
    assert_eq!(errors.len(), faults.len(), "{errors:?}");
    assert!(
        errors.iter().all(ConnectorError::is_retryable),
        "{errors:?}"
    );
    assert_eq!(
        tally(&got),
        want,
        "the same items, each as often as a clean sync"
    );
    assert!(proxy.seen().iter().any(|s| s.status == 503));
    assert_eq!(server.violations(), Vec::<String>::new());
}
