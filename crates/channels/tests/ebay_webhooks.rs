//! eBay Notification API push as the web layer drives it: `X-EBAY-SIGNATURE` checks with
//! a key generated here and served by the local fake (ECDSA P-256 over SHA-1 of the raw
//! body), the key fetched once per kid, forgeries refused, topics, the endpoint challenge;
//! and the getPublicKey request against eBay's published Notification spec in Prism.

mod contract;
mod ebay;

use aftersail_channels::ebay::EbayConnector;
use aftersail_channels::{kinds, Connector, ConnectorError, WebhookAction, WebhookRequest};
use base64::Engine;
use contract::{FaultProxy, Prism};
use ebay::{Fake, Roots};
use http::{HeaderMap, HeaderValue};
use p256::ecdsa::signature::hazmat::PrehashSigner;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::{EncodePublicKey, LineEnding};
use serde_json::{json, Value};
use sha1::{Digest, Sha1};
use sha2::Sha256;

const URL: &str = "https://helpdesk.example.com/webhooks/ebay/01939a2e";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn body(id: &str, topic: &str) -> Vec<u8> {
    json!({
        "metadata": {"topic": topic, "schemaVersion": "1.0", "deprecated": false},
        "notification": {
            "notificationId": id, "eventDate": "2026-05-01T10:00:00.000Z", "publishDate": "2026-05-01T10:00:01.000Z",
            "publishAttemptCount": 1,
            "data": {"username": "gone_user", "userId": "ma8vp1jySJC", "eiasToken": "nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6wJnY+gAZGEpwmdj6x9nY+seQ=="}
        }
    })
    .to_string()
    .into_bytes()
}

/// `X-EBAY-SIGNATURE` for `body`, signed with `key` and naming `kid`.
fn signature(key: &SigningKey, kid: &str, body: &[u8], digest: &str) -> HeaderMap {
    let sig: Signature = key.sign_prehash(&Sha1::digest(body)).unwrap();
    let header = json!({"alg": "ecdsa", "kid": kid, "signature": B64.encode(sig.to_der().as_bytes()), "digest": digest});
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-ebay-signature",
        HeaderValue::from_str(&B64.encode(header.to_string())).unwrap(),
    );
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers
}

/// The public key as eBay answers it: a PEM on one line.
fn served_key(key: &SigningKey) -> Value {
    let pem = key
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap()
        .replace('\n', "");
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----MFkw"), "{pem}");
    json!({"algorithm": "ECDSA", "digest": "SHA1", "key": pem})
}

async fn verify(
    c: &EbayConnector,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(String, String), ConnectorError> {
    let request = WebhookRequest {
        url: URL,
        headers,
        body,
    };
    c.verify_webhook(&request).await.map(|d| (d.id, d.topic))
}

async fn setup() -> (Fake, EbayConnector, SigningKey) {
    let key = SigningKey::random(&mut rand::rngs::OsRng);
    let fake = Fake::start().await;
    fake.with(|d| {
        d.public_keys.insert("kid-1".into(), served_key(&key));
    });
    let c = ebay::connector(&fake, Roots::default());
    (fake, c, key)
}

#[tokio::test]
async fn signed_notifications_verify_and_the_key_is_fetched_once() {
    let (fake, c, key) = setup().await;
    let first = body("n-1", "MARKETPLACE_ACCOUNT_DELETION");
    let second = body("n-2", "ITEM_MARKED_SHIPPED");
    assert_eq!(
        verify(&c, &signature(&key, "kid-1", &first, "SHA1"), &first)
            .await
            .unwrap(),
        ("n-1".to_owned(), "MARKETPLACE_ACCOUNT_DELETION".to_owned())
    );
    assert_eq!(
        verify(&c, &signature(&key, "kid-1", &second, "SHA1"), &second)
            .await
            .unwrap(),
        ("n-2".to_owned(), "ITEM_MARKED_SHIPPED".to_owned())
    );
    assert_eq!(
        fake.with(|d| d.key_fetches),
        1,
        "one key fetch for two deliveries"
    );
    let fetch = &fake.seen("/public_key/kid-1")[0];
    assert!(fetch
        .header("authorization")
        .unwrap()
        .starts_with("Bearer app-token-"));
    let grant = &fake.token_requests()[0];
    assert_eq!(grant.body["grant_type"], "client_credentials");
    assert_eq!(grant.body["scope"], "https://api.ebay.com/oauth/api_scope");
}

#[tokio::test]
async fn forged_or_broken_signatures_are_refused() {
    let (fake, c, key) = setup().await;
    let genuine = body("n-1", "MARKETPLACE_ACCOUNT_DELETION");
    let headers = signature(&key, "kid-1", &genuine, "SHA1");
    verify(&c, &headers, &genuine).await.unwrap();

    let altered = body("n-1", "MARKETPLACE_ACCOUNT_DELETION_X");
    let refused = |r: Result<(String, String), ConnectorError>, what: &str| {
        assert!(matches!(r, Err(ConnectorError::Auth(_))), "{what}: {r:?}");
    };
    refused(verify(&c, &headers, &altered).await, "altered body");

    let stranger = SigningKey::random(&mut rand::rngs::OsRng);
    refused(
        verify(
            &c,
            &signature(&stranger, "kid-1", &genuine, "SHA1"),
            &genuine,
        )
        .await,
        "another key",
    );

    let unknown = signature(&key, "kid-unknown", &genuine, "SHA1");
    refused(verify(&c, &unknown, &genuine).await, "unknown kid");
    refused(verify(&c, &unknown, &genuine).await, "unknown kid again");
    assert_eq!(
        fake.seen("/public_key/kid-unknown").len(),
        1,
        "an unknown kid is not asked for twice"
    );

    refused(
        verify(&c, &signature(&key, "kid-1", &genuine, "SHA256"), &genuine).await,
        "wrong digest",
    );
    let mut garbage = HeaderMap::new();
    garbage.insert(
        "x-ebay-signature",
        HeaderValue::from_static("not base64 at all!"),
    );
    refused(verify(&c, &garbage, &genuine).await, "garbage header");
    let mut not_json = HeaderMap::new();
    not_json.insert(
        "x-ebay-signature",
        HeaderValue::from_str(&B64.encode("kid=1")).unwrap(),
    );
    refused(verify(&c, &not_json, &genuine).await, "header not JSON");
    refused(verify(&c, &HeaderMap::new(), &genuine).await, "no header");

    // Signed, but not a notification: no id to store it under.
    let empty = b"{}".to_vec();
    refused(
        verify(&c, &signature(&key, "kid-1", &empty, "SHA1"), &empty).await,
        "no notification id",
    );
    assert_eq!(
        fake.with(|d| d.key_fetches),
        2,
        "kid-1 once, kid-unknown once"
    );
}

#[tokio::test]
async fn topics_and_the_endpoint_challenge() {
    let (fake, c, _) = setup().await;
    assert!(matches!(
        kinds::parse_webhook(
            "ebay",
            &json!({}),
            "MARKETPLACE_ACCOUNT_DELETION",
            &body("n", "x")
        ),
        Ok(WebhookAction::Ignore)
    ));
    assert!(matches!(
        kinds::parse_webhook("ebay", &json!({}), "ITEM_MARKED_SHIPPED", b"{}"),
        Ok(WebhookAction::PollSoon)
    ));

    // Without a verification token there is no answer to give.
    assert!(c.webhook_challenge(URL, "challenge_code=abc").is_none());

    let code = "a8628072-3d33-45ee-9004-bee86830a22d";
    let token = "71745723-d031-455c-bfa5-f90d11b4f20a-aftersail-ebay";
    let mut config = ebay::config(&fake, Roots::default());
    config.verification_token = Some(token.into());
    let c = EbayConnector::new(config).unwrap();
    let answer = c
        .webhook_challenge(URL, &format!("challenge_code={code}"))
        .unwrap();
    // Derived once with: printf '%s' "$code$token$url" | sha256sum
    let fixed = "d9a7bf799e569531b00e6781cfcf8e8f04703e6feccf50ade510ec3fa9fc5fdf";
    let computed = hex::encode(Sha256::digest(format!("{code}{token}{URL}").as_bytes()));
    assert_eq!(computed, fixed);
    assert_eq!(answer, json!({"challengeResponse": fixed}));
    assert!(c.webhook_challenge(URL, "other=1").is_none());
    // The endpoint as registered is part of the hash.
    let elsewhere = c
        .webhook_challenge(
            "https://other.example/hook",
            &format!("challenge_code={code}"),
        )
        .unwrap();
    assert_ne!(elsewhere["challengeResponse"], fixed);
}

#[tokio::test]
async fn the_public_key_request_passes_the_notification_spec() {
    let prism = Prism::start_dynamic("ebay/commerce_notification_v1_oas3.json").await;
    let proxy = FaultProxy::start(&prism.base).await;
    let fake = Fake::start().await;
    let c = ebay::connector(
        &fake,
        Roots {
            notification: Some(proxy.base.clone()),
            ..Roots::default()
        },
    );
    let key = SigningKey::random(&mut rand::rngs::OsRng);
    let delivery = body("n-1", "MARKETPLACE_ACCOUNT_DELETION");
    // Prism's key is random text, so the check fails after a valid request.
    let got = verify(&c, &signature(&key, "kid-7", &delivery, "SHA1"), &delivery).await;
    assert!(matches!(got, Err(ConnectorError::Auth(_))), "{got:?}");
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (
            seen[0].method.as_str(),
            seen[0].uri.as_str(),
            seen[0].status
        ),
        ("GET", "/public_key/kid-7", 200)
    );
    assert!(seen[0].headers["authorization"]
        .to_str()
        .unwrap()
        .starts_with("Bearer app-token-"));
    let violations = prism.request_violations();
    assert!(violations.is_empty(), "{violations:?}");

    let anonymous = reqwest::get(format!("{}/public_key/kid-7", proxy.base))
        .await
        .unwrap();
    assert!(
        anonymous.status().is_client_error(),
        "{}",
        anonymous.status()
    );
}
