//! eBay OAuth as the connector uses it, against the local identity service in `tests/ebay`:
//! the refresh request, caching until expiry minus a margin, one refresh at a time, one
//! refresh-and-retry on a refused token, and how refusals surface.

mod ebay;

use std::sync::Arc;
use std::time::Duration;

use aftersail_channels::ebay::EbayConnector;
use aftersail_channels::{Connector, ConnectorError};
use base64::Engine;
use ebay::{connector, Fake, Identity, Roots, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN};

#[tokio::test]
async fn refreshes_once_with_basic_auth_and_caches_the_token() {
    let fake = Fake::start().await;
    let c = connector(&fake, Roots::default());
    for _ in 0..3 {
        c.check().await.unwrap();
    }
    let tokens = fake.token_requests();
    assert_eq!(
        tokens.len(),
        1,
        "one refresh serves every call until it expires"
    );
    let t = &tokens[0];
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    assert_eq!(
        t.header("authorization"),
        Some(format!("Basic {basic}").as_str())
    );
    assert!(t
        .header("content-type")
        .unwrap()
        .starts_with("application/x-www-form-urlencoded"));
    assert_eq!(t.body["grant_type"], "refresh_token");
    assert_eq!(t.body["refresh_token"], REFRESH_TOKEN);
    let scopes = t.body["scope"].as_str().unwrap();
    for scope in ["sell.fulfillment", "sell.finances", "commerce.message"] {
        assert!(
            scopes.contains(&format!("https://api.ebay.com/oauth/api_scope/{scope}")),
            "{scopes}"
        );
    }
    for call in fake.seen("/sell/fulfillment/v1/order") {
        assert_eq!(call.header("authorization"), Some("Bearer user-token-1"));
    }
}

#[tokio::test]
async fn concurrent_calls_share_one_refresh() {
    let fake = Fake::start().await;
    let c = Arc::new(connector(&fake, Roots::default()));
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.check().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(fake.token_requests().len(), 1);
    assert_eq!(fake.seen("/order").len(), 8);
}

#[tokio::test]
async fn a_token_is_refreshed_before_it_expires() {
    let fake = Fake::start().await;
    // 2 s tokens: used for 1 s (the margin is capped at half the lifetime).
    fake.with(|d| d.expires_in = 2);
    let c = connector(&fake, Roots::default());
    c.check().await.unwrap();
    c.check().await.unwrap();
    assert_eq!(fake.token_requests().len(), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    c.check().await.unwrap();
    assert_eq!(fake.token_requests().len(), 2);
    assert_eq!(
        fake.seen("/order").last().unwrap().header("authorization"),
        Some("Bearer user-token-2")
    );
}

#[tokio::test]
async fn a_refused_token_is_refreshed_once_and_the_call_retried() {
    let fake = Fake::start().await;
    let c = connector(&fake, Roots::default());
    c.check().await.unwrap();
    // eBay revokes the token early (the seller changed the password, say).
    fake.with(|d| d.user_token = Some("something-else".into()));
    c.check().await.unwrap();
    assert_eq!(fake.token_requests().len(), 2);
    let calls = fake.seen("/order");
    let auth: Vec<&str> = calls
        .iter()
        .map(|s| s.header("authorization").unwrap())
        .collect();
    assert_eq!(
        auth,
        [
            "Bearer user-token-1",
            "Bearer user-token-1",
            "Bearer user-token-2"
        ]
    );

    // Post-Order too, with its IAF scheme.
    fake.with(|d| d.user_token = Some("revoked".into()));
    c.answer_return("R-9", &aftersail_channels::ReturnAnswer::Accept)
        .await
        .unwrap_err();
    let po = fake.seen("/post-order/v2/return/R-9");
    assert_eq!(po[0].header("authorization"), Some("IAF user-token-2"));
    assert_eq!(po[1].header("authorization"), Some("IAF user-token-3"));
}

#[tokio::test]
async fn refused_even_after_refresh_is_auth_without_a_loop() {
    let fake = Fake::start().await;
    fake.with(|d| d.refuse_all_tokens = true);
    let c = connector(&fake, Roots::default());
    let err = c.check().await.unwrap_err();
    assert!(matches!(err, ConnectorError::Auth(_)), "{err:?}");
    assert_eq!(fake.token_requests().len(), 2, "one refresh, one retry");
    assert_eq!(fake.seen("/order").len(), 2);
}

#[tokio::test]
async fn refresh_refusals_and_failures() {
    let fake = Fake::start().await;
    let c = connector(&fake, Roots::default());

    fake.with(|d| d.identity = Identity::Refuse);
    let err = c.poll(None).await.unwrap_err();
    match &err {
        ConnectorError::Auth(m) => {
            assert!(m.contains("invalid_grant"), "{m}");
            for secret in [CLIENT_SECRET, REFRESH_TOKEN] {
                assert!(!m.contains(secret), "{m}");
            }
        }
        other => panic!("expected Auth, got {other:?}"),
    }
    assert!(
        fake.seen("/").is_empty(),
        "nothing is called without a token"
    );

    fake.with(|d| d.identity = Identity::ServerError);
    assert!(matches!(c.check().await, Err(ConnectorError::Transient(_))));
    fake.with(|d| d.identity = Identity::TooMany);
    assert_eq!(
        c.check().await.unwrap_err(),
        ConnectorError::RateLimited {
            retry_after: Duration::from_secs(11)
        }
    );
    fake.with(|d| d.identity = Identity::Grant);
    c.check().await.unwrap();

    // A wrong client secret is an Auth failure too.
    let mut config = ebay::config(&fake, Roots::default());
    config.client_secret = "wrong".into();
    let wrong = EbayConnector::new(config).unwrap();
    assert!(matches!(wrong.check().await, Err(ConnectorError::Auth(_))));
}

#[test]
fn debug_output_shows_no_secret() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt.block_on(Fake::start());
    let mut config = ebay::config(&fake, Roots::default());
    config.verification_token = Some("verification-secret-0123456789".into());
    let c = EbayConnector::new(config).unwrap();
    rt.block_on(c.check()).unwrap();
    let shown = format!("{c:?}");
    for secret in [
        CLIENT_SECRET,
        REFRESH_TOKEN,
        "verification-secret",
        "user-token-1",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}
