//! Platform webhooks at `/webhooks/{kind}/{channel}`: only a delivery signed for that very
//! channel is taken (200, stored once); a bad, missing or foreign signature or an altered
//! body is 401 and stores nothing; a replay — the same request again, at once from many
//! clients, or with the unsigned delivery-id header changed — is stored and processed once.

use aftersail_channels::crypto::SecretKey;
use aftersail_db::channels::secret_owner;
use aftersail_domain::{ChannelId, TenantId};
use aftersail_worker::webhook_processing;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::json;
use sha2::Sha256;

use crate::channel_sync::scalar;
use crate::helpers::*;

const SHOP: &str = "test-shop.myshopify.com";
const SHOPIFY_SECRET: &str = "shopify-api-secret-of-this-channel";
const OTHER_SECRET: &str = "shopify-api-secret-of-another-channel";
const PARTNER_KEY: &str = "shopee-partner-key-of-this-channel";
const OTHER_KEY: &str = "shopee-partner-key-of-another-channel";
const ORDER: &[u8] = include_bytes!("../../../channels/tests/shopify/orders_create.json");

async fn events(app: &TestApp) -> i64 {
    scalar(app, "SELECT count(*) FROM webhook_events").await
}

/// A Shopify channel stored as the install flow stores it, credentials sealed to the row.
async fn shopify_channel(
    app: &TestApp,
    tenant: uuid::Uuid,
    name: &str,
    secret: &str,
) -> uuid::Uuid {
    let id = uuid::Uuid::now_v7();
    let secrets = json!({ "access_token": "shpat_token", "api_secret": secret }).to_string();
    let sealed = SecretKey::parse(TEST_SECRET_KEY).unwrap().seal(
        secrets.as_bytes(),
        &secret_owner(TenantId(tenant), ChannelId(id)),
    );
    sqlx::query(
        "INSERT INTO channels (tenant_id, id, kind, name, settings, secrets_sealed)
         VALUES ($1, $2, 'shopify', $3, $4, $5)",
    )
    .bind(tenant)
    .bind(id)
    .bind(name)
    .bind(json!({ "shop": SHOP, "base_url": "http://127.0.0.1:9" }))
    .bind(sealed)
    .execute(&app.admin)
    .await
    .unwrap();
    id
}

fn shopify_signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// POSTs `body` to the channel's Shopify webhook with `signature` (none: no header).
async fn shopify_post(
    app: &TestApp,
    channel: uuid::Uuid,
    body: &[u8],
    signature: Option<&str>,
    webhook_id: &str,
) -> StatusCode {
    let mut request = reqwest::Client::new()
        .post(format!("{}/webhooks/shopify/{channel}", app.address))
        .header("content-type", "application/json")
        .header("x-shopify-topic", "orders/create")
        .header("x-shopify-webhook-id", webhook_id)
        .header("x-shopify-shop-domain", SHOP)
        .header("x-shopify-triggered-at", "2026-11-24T10:00:00Z")
        .body(body.to_vec());
    if let Some(signature) = signature {
        request = request.header("x-shopify-hmac-sha256", signature);
    }
    request.send().await.unwrap().status()
}

#[tokio::test]
async fn shopify_deliveries_need_this_channels_signature_and_count_once() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    let channel = shopify_channel(&app, tenant, "Shop", SHOPIFY_SECRET).await;
    shopify_channel(&app, tenant, "Other shop", OTHER_SECRET).await;
    let good = shopify_signature(SHOPIFY_SECRET, ORDER);

    let mut tampered = ORDER.to_vec();
    let at = tampered.iter().position(|b| b.is_ascii_digit()).unwrap();
    tampered[at] = if tampered[at] == b'9' { b'8' } else { b'9' };
    let refused: Vec<(&str, Vec<u8>, Option<String>)> = vec![
        ("no signature", ORDER.to_vec(), None),
        ("not base64", ORDER.to_vec(), Some("%%%".into())),
        ("empty", ORDER.to_vec(), Some(String::new())),
        (
            "wrong secret",
            ORDER.to_vec(),
            Some(shopify_signature("guess", ORDER)),
        ),
        (
            "another channel's secret",
            ORDER.to_vec(),
            Some(shopify_signature(OTHER_SECRET, ORDER)),
        ),
        ("altered body", tampered, Some(good.clone())),
        (
            "signature of an empty body",
            ORDER.to_vec(),
            Some(shopify_signature(SHOPIFY_SECRET, b"")),
        ),
    ];
    for (what, body, signature) in &refused {
        assert_eq!(
            shopify_post(&app, channel, body, signature.as_deref(), "d-1").await,
            StatusCode::UNAUTHORIZED,
            "{what}"
        );
    }
    assert_eq!(events(&app).await, 0, "nothing refused is stored");

    // The real delivery, then replays: the same request again, many at once, and with the
    // delivery id changed (the header is not covered by the signature; the body is).
    assert_eq!(
        shopify_post(&app, channel, ORDER, Some(&good), "d-1").await,
        StatusCode::OK
    );
    let replays = (0..8).map(|i| {
        let id = if i % 2 == 0 {
            "d-1".to_owned()
        } else {
            format!("forged-{i}")
        };
        let (app, good) = (&app, &good);
        async move { shopify_post(app, channel, ORDER, Some(good), &id).await }
    });
    for status in futures_util::future::join_all(replays).await {
        assert_eq!(status, StatusCode::OK, "a replay is acknowledged");
    }
    assert_eq!(events(&app).await, 1, "stored once");

    // Two workers at once process it once: one order.
    let (a, b) = tokio::join!(
        webhook_processing::run_once(&app.pool),
        webhook_processing::run_once(&app.pool)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!((a.processed + b.processed, a.failed + b.failed), (1, 0));
    assert_eq!(scalar(&app, "SELECT count(*) FROM orders").await, 1);

    // Replayed after processing: still nothing new to do.
    assert_eq!(
        shopify_post(&app, channel, ORDER, Some(&good), "d-late").await,
        StatusCode::OK
    );
    assert_eq!(events(&app).await, 1);
    assert_eq!(
        webhook_processing::run_once(&app.pool)
            .await
            .unwrap()
            .processed,
        0
    );
    assert_eq!(scalar(&app, "SELECT count(*) FROM orders").await, 1);
}

/// A Shopee shop connected through Settings → Channels; returns its id.
async fn shopee_channel(owner: &Browser, app: &TestApp, name: &str, key: &str) -> uuid::Uuid {
    let r = owner
        .post(
            "/settings/channels/new/shopee",
            &[
                ("name", name),
                ("host", "live"),
                ("partner_id", "2001234"),
                ("shop_id", "600000"),
                ("partner_key", key),
                ("access_token", "access"),
                ("refresh_token", "refresh"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM channels WHERE name = $1")
        .bind(name)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    // No polling during the test.
    sqlx::query("UPDATE channels SET next_poll_at = now() + interval '1 hour' WHERE id = $1")
        .bind(id)
        .execute(&app.admin)
        .await
        .unwrap();
    id
}

/// Shopee's push signature: hex HMAC-SHA256 of `url|body` with the partner key.
fn shopee_signature(key: &str, url: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(url.as_bytes());
    mac.update(b"|");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

async fn shopee_post(url: &str, body: &[u8], signature: Option<&str>) -> StatusCode {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(signature) = signature {
        request = request.header("authorization", signature);
    }
    request.send().await.unwrap().status()
}

#[tokio::test]
async fn shopee_pushes_need_this_channels_key_and_address_and_count_once() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let channel = shopee_channel(&owner, &app, "Shopee SG", PARTNER_KEY).await;
    let other = shopee_channel(&owner, &app, "Shopee MY", OTHER_KEY).await;
    let url = format!("{}/webhooks/shopee/{channel}", app.address);
    let other_url = format!("{}/webhooks/shopee/{other}", app.address);
    let body = br#"{"shop_id":600000,"code":3,"timestamp":1764000000,"data":{"ordersn":"2511240ABCDEF","status":"READY_TO_SHIP"}}"#;
    let tampered = br#"{"shop_id":600000,"code":3,"timestamp":1764000000,"data":{"ordersn":"2511240ABCDEF","status":"CANCELLED"}}"#;
    let good = shopee_signature(PARTNER_KEY, &url, body);

    let refused = [
        ("no signature", &url, &body[..], None),
        ("garbage", &url, &body[..], Some("not-hex".to_owned())),
        (
            "wrong key",
            &url,
            &body[..],
            Some(shopee_signature("guess", &url, body)),
        ),
        (
            "another channel's key",
            &url,
            &body[..],
            Some(shopee_signature(OTHER_KEY, &url, body)),
        ),
        (
            "signed for another channel's address",
            &other_url,
            &body[..],
            Some(good.clone()),
        ),
        ("altered body", &url, &tampered[..], Some(good.clone())),
        (
            "upper-case hex of another body",
            &url,
            &body[..],
            Some(shopee_signature(PARTNER_KEY, &url, tampered).to_uppercase()),
        ),
    ];
    for (what, to, body, signature) in &refused {
        assert_eq!(
            shopee_post(to, body, signature.as_deref()).await,
            StatusCode::UNAUTHORIZED,
            "{what}"
        );
    }
    assert_eq!(events(&app).await, 0, "nothing refused is stored");

    assert_eq!(shopee_post(&url, body, Some(&good)).await, StatusCode::OK);
    let replays = (0..8).map(|_| shopee_post(&url, body, Some(&good)));
    for status in futures_util::future::join_all(replays).await {
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(events(&app).await, 1, "stored once");
    let (a, b) = tokio::join!(
        webhook_processing::run_once(&app.pool),
        webhook_processing::run_once(&app.pool)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!((a.processed + b.processed, a.failed + b.failed), (1, 0));
}

#[tokio::test]
async fn unsigned_ebay_notifications_and_kinds_without_webhooks_store_nothing() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let r = owner
        .post(
            "/settings/channels/new/ebay",
            &[
                ("name", "eBay DE"),
                ("environment", "production"),
                ("marketplace_id", "EBAY_DE"),
                ("client_id", "app-id"),
                ("client_secret", "cert-id"),
                ("refresh_token", "v^1.1#refresh"),
                (
                    "verification_token",
                    "aftersail-verification-token-0123456789abcdef",
                ),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let ebay: uuid::Uuid = sqlx::query_scalar("SELECT id FROM channels WHERE kind = 'ebay'")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    // eBay's key server is unreachable here: nothing may be taken without checking.
    sqlx::query(
        "UPDATE channels SET settings = settings || jsonb_build_object('base_url', $1::text) WHERE id = $2",
    )
    .bind(format!(
        "http://127.0.0.1:{}",
        crate::mail_servers::closed_port()
    ))
    .bind(ebay)
    .execute(&app.admin)
    .await
    .unwrap();
    let body = json!({
        "metadata": {"topic": "MARKETPLACE_ACCOUNT_DELETION", "schemaVersion": "1.0"},
        "notification": {"notificationId": "n-1", "publishDate": "2026-11-24T10:00:00.000Z", "data": {}}
    })
    .to_string();
    let b64 =
        |v: serde_json::Value| base64::engine::general_purpose::STANDARD.encode(v.to_string());
    let post = |signature: Option<String>| {
        let mut request = reqwest::Client::new()
            .post(format!("{}/webhooks/ebay/{ebay}", app.address))
            .header("content-type", "application/json")
            .body(body.clone());
        if let Some(signature) = signature {
            request = request.header("x-ebay-signature", signature);
        }
        async move { request.send().await.unwrap().status() }
    };
    let signature = |alg: &str, digest: &str| {
        b64(json!({"alg": alg, "kid": "kid-1", "signature": "MEUCIQ==", "digest": digest}))
    };
    assert_eq!(post(None).await, StatusCode::UNAUTHORIZED, "no signature");
    assert_eq!(
        post(Some("not base64 json".into())).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post(Some(signature("none", "SHA1"))).await,
        StatusCode::UNAUTHORIZED,
        "another algorithm"
    );
    assert_eq!(
        post(Some(signature("ecdsa", "MD5"))).await,
        StatusCode::UNAUTHORIZED,
        "another digest"
    );
    assert_eq!(
        post(Some(b64(
            json!({"alg": "ecdsa", "kid": " ", "signature": "x", "digest": "SHA1"})
        )))
        .await,
        StatusCode::UNAUTHORIZED,
        "no key named"
    );
    // Well-formed, but the key cannot be fetched: 503, so eBay delivers again later.
    assert_eq!(
        post(Some(signature("ecdsa", "SHA1"))).await,
        StatusCode::SERVICE_UNAVAILABLE
    );

    // Channels that take no webhooks (mail; Amazon notifies through SQS) refuse everything.
    let tenant = app.tenant_of("owner@example.com").await;
    let mail = crate::channel_sync::add_channel(&app, tenant, "Mail").await;
    let r = reqwest::Client::new()
        .post(format!("{}/webhooks/email/{mail}", app.address))
        .header("x-shopify-hmac-sha256", shopify_signature("", b"{}"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert!(
        [StatusCode::BAD_REQUEST, StatusCode::UNAUTHORIZED].contains(&r.status()),
        "{}",
        r.status()
    );
    let r = reqwest::Client::new()
        .post(format!("{}/webhooks/shopify/{mail}", app.address))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "a channel of another kind"
    );
    assert_eq!(events(&app).await, 0);
}
