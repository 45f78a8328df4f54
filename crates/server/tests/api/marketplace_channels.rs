//! Settings → Channels for Amazon, eBay and Shopee accounts, and their webhook address:
//! eBay's endpoint challenge, Shopee's signed pushes, processed by the worker.

use aftersail_channels::crypto::SecretKey;
use aftersail_db::channels::secret_owner;
use aftersail_domain::{ChannelId, TenantId};
use aftersail_worker::webhook_processing;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::channel_sync::scalar;
use crate::helpers::*;

const VERIFICATION_TOKEN: &str = "aftersail-verification-token-0123456789abcdef";
const PARTNER_KEY: &str = "shopee-partner-key-s3cret";

async fn row(app: &TestApp, kind: &str) -> (uuid::Uuid, uuid::Uuid, String, Value, String) {
    sqlx::query_as(
        "SELECT tenant_id, id, name, settings, secrets_sealed FROM channels WHERE kind = $1",
    )
    .bind(kind)
    .fetch_one(&app.admin)
    .await
    .unwrap()
}

fn open(tenant: uuid::Uuid, id: uuid::Uuid, sealed: &str) -> Value {
    let plain = SecretKey::parse(TEST_SECRET_KEY)
        .unwrap()
        .open(sealed, &secret_owner(TenantId(tenant), ChannelId(id)))
        .unwrap();
    serde_json::from_slice(&plain).unwrap()
}

fn amazon_form<'a>(refresh_token: &'a str, marketplaces: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "Amazon DE"),
        ("region", "eu"),
        ("marketplace_ids", marketplaces),
        ("seller_id", "A2SELLER"),
        ("client_id", "amzn1.application-oa2-client.abc"),
        ("client_secret", "amzn-client-s3cret"),
        ("refresh_token", refresh_token),
        ("poll_interval_secs", "120"),
    ]
}

#[tokio::test]
async fn an_owner_connects_a_marketplace_account_with_sealed_credentials() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;

    let list = owner.page("/settings/channels").await;
    for kind in ["amazon", "ebay", "shopee"] {
        assert!(
            list.contains(&format!("/settings/channels/new/{kind}")),
            "{kind}"
        );
    }
    let form = owner.page("/settings/channels/new/amazon").await;
    for field in [
        "mk-region",
        "mk-marketplace_ids",
        "mk-client_secret",
        "mk-refresh_token",
    ] {
        assert!(form.contains(field), "{field}");
    }
    assert_eq!(
        owner.get("/settings/channels/new/etsy").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        agent.get("/settings/channels/new/amazon").await.status(),
        StatusCode::FORBIDDEN
    );

    // Missing token and a malformed marketplace id: shown again, nothing stored.
    let r = owner
        .post(
            "/settings/channels/new/amazon",
            &amazon_form("", "A1PA6795UKMFR9, not-an-id!"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("This is required."), "{page}");
    assert!(page.contains("This value is not valid here."));
    assert!(
        !page.contains("amzn-client-s3cret"),
        "a typed secret is never sent back"
    );
    assert_eq!(scalar(&app, "SELECT count(*) FROM channels").await, 0);

    let r = owner
        .post(
            "/settings/channels/new/amazon",
            &amazon_form("Atzr|refresh-s3cret", "A1PA6795UKMFR9, A13V1IB3VIYZZH"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (tenant, id, name, settings, sealed) = row(&app, "amazon").await;
    assert_eq!(name, "Amazon DE");
    assert_eq!(settings["region"], "eu");
    assert_eq!(
        settings["marketplace_ids"],
        serde_json::json!(["A1PA6795UKMFR9", "A13V1IB3VIYZZH"])
    );
    assert!(settings.get("refresh_token").is_none() && settings.get("client_secret").is_none());
    let secrets = open(tenant, id, &sealed);
    assert_eq!(secrets["refresh_token"], "Atzr|refresh-s3cret");
    assert_eq!(secrets["client_secret"], "amzn-client-s3cret");
    assert!(!sealed.contains("s3cret"));

    // The channel page: the form without secrets; saving with blank secrets keeps them.
    let page = owner.page(&format!("/settings/channels/{id}")).await;
    assert!(page.contains("A1PA6795UKMFR9, A13V1IB3VIYZZH"));
    assert!(!page.contains("s3cret"));
    let mut edit = amazon_form("", "A1PA6795UKMFR9");
    edit.retain(|(k, _)| !matches!(*k, "client_id" | "client_secret"));
    edit[0] = ("name", "Amazon Europe");
    let r = owner.post(&format!("/settings/channels/{id}"), &edit).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, _, name, settings, sealed) = row(&app, "amazon").await;
    assert_eq!(name, "Amazon Europe");
    assert_eq!(
        settings["marketplace_ids"],
        serde_json::json!(["A1PA6795UKMFR9"])
    );
    assert_eq!(
        open(tenant, id, &sealed)["refresh_token"],
        "Atzr|refresh-s3cret"
    );

    // Shopee ids are numbers.
    let r = owner
        .post(
            "/settings/channels/new/shopee",
            &[
                ("name", "Shopee SG"),
                ("host", "live"),
                ("partner_id", "abc"),
                ("shop_id", "600000"),
                ("partner_key", PARTNER_KEY),
                ("access_token", "a"),
                ("refresh_token", "r"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Enter a whole number."));

    // Another shop sees none of it.
    let other = app.shop("Other", "other@example.com").await;
    assert_eq!(
        other
            .get(&format!("/settings/channels/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = other
        .post(
            &format!("/settings/channels/{id}"),
            &amazon_form("x", "A1PA6795UKMFR9"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (_, _, name, _, _) = row(&app, "amazon").await;
    assert_eq!(name, "Amazon Europe", "shop A unchanged");
}

#[tokio::test]
async fn ebay_challenges_and_shopee_pushes_are_answered_at_the_webhook_address() {
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
                ("verification_token", VERIFICATION_TOKEN),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, ebay, _, _, _) = row(&app, "ebay").await;
    let endpoint = format!("{}/webhooks/ebay/{ebay}", app.address);
    let page = owner.page(&format!("/settings/channels/{ebay}")).await;
    assert!(
        page.contains(&endpoint),
        "the page shows the address to register"
    );

    let answer: Value = reqwest::get(format!(
        "{endpoint}?challenge_code=a8628072-3d33-45ee-9004-bee86830a22d"
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let expected = hex::encode(Sha256::digest(format!(
        "a8628072-3d33-45ee-9004-bee86830a22d{VERIFICATION_TOKEN}{endpoint}"
    )));
    assert_eq!(answer["challengeResponse"], expected);
    assert_eq!(
        reqwest::get(format!(
            "{}/webhooks/shopee/{ebay}?challenge_code=x",
            app.address
        ))
        .await
        .unwrap()
        .status(),
        StatusCode::NOT_FOUND,
        "a channel is reached only under its own kind"
    );

    let r = owner
        .post(
            "/settings/channels/new/shopee",
            &[
                ("name", "Shopee SG"),
                ("host", "live"),
                ("partner_id", "2001234"),
                ("shop_id", "600000"),
                ("partner_key", PARTNER_KEY),
                ("access_token", "access"),
                ("refresh_token", "refresh"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, shopee, _, _, _) = row(&app, "shopee").await;
    sqlx::query("UPDATE channels SET next_poll_at = now() + interval '1 hour' WHERE id = $1")
        .bind(shopee)
        .execute(&app.admin)
        .await
        .unwrap();
    let url = format!("{}/webhooks/shopee/{shopee}", app.address);
    let body = br#"{"shop_id":600000,"code":3,"timestamp":1764000000,"data":{"ordersn":"2511240ABCDEF","status":"READY_TO_SHIP"}}"#;
    let push = |key: &str, body: &'static [u8]| {
        let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(url.as_bytes());
        mac.update(b"|");
        mac.update(body);
        let signature = hex::encode(mac.finalize().into_bytes());
        let url = url.clone();
        async move {
            reqwest::Client::new()
                .post(url)
                .header("authorization", signature)
                .header("content-type", "application/json")
                .body(body.to_vec())
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(push("wrong-key", body).await, StatusCode::UNAUTHORIZED);
    assert_eq!(push(PARTNER_KEY, body).await, StatusCode::OK);
    assert_eq!(push(PARTNER_KEY, body).await, StatusCode::OK);
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM webhook_events").await,
        1,
        "a redelivered push is stored once"
    );

    let round = webhook_processing::run_once(&app.pool).await.unwrap();
    assert_eq!((round.processed, round.failed), (1, 0));
    let due: bool = sqlx::query_scalar("SELECT next_poll_at <= now() FROM channels WHERE id = $1")
        .bind(shopee)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert!(due, "an order push makes the shop sync at once");
}
