//! Settings → Channels, the Shopify install and webhook endpoints, and "Send again" for
//! replies that were not delivered. Shopify is a local axum mock.

use aftersail_channels::crypto::SecretKey;
use aftersail_db::channels::secret_owner;
use aftersail_domain::{ChannelId, TenantId};
use axum::http::{HeaderMap as AxumHeaders, StatusCode as AxumStatus};
use axum::Json;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::helpers::*;

const API_KEY: &str = "test-api-key";
const API_SECRET: &str = "test-api-secret";
const GOOD_TOKEN: &str = "shpat_good";
const GOOD_CODE: &str = "good-code";
const SHOP: &str = "test-shop.myshopify.com";

fn email_form<'a>(name: &'a str, port: &'a str, from: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("imap_host", "127.0.0.1"),
        ("imap_port", port),
        ("imap_security", "tls"),
        ("imap_username", "support@example.com"),
        ("imap_password", "imap-s3cret-pw"),
        ("imap_mailbox", "INBOX"),
        ("smtp_host", "127.0.0.1"),
        ("smtp_port", "1"),
        ("smtp_security", "starttls"),
        ("smtp_username", "support@example.com"),
        ("smtp_password", "smtp-s3cret-pw"),
        ("from_address", from),
        ("from_name", "Support"),
        ("poll_interval_secs", "120"),
    ]
}

fn key() -> SecretKey {
    SecretKey::parse(TEST_SECRET_KEY).unwrap()
}

async fn channel_row(app: &TestApp, name: &str) -> (uuid::Uuid, uuid::Uuid, Value, String, String) {
    sqlx::query_as(
        "SELECT tenant_id, id, settings, secrets_sealed, status FROM channels WHERE name = $1",
    )
    .bind(name)
    .fetch_one(&app.admin)
    .await
    .unwrap()
}

fn open(tenant: uuid::Uuid, id: uuid::Uuid, sealed: &str) -> Value {
    let plain = key()
        .open(sealed, &secret_owner(TenantId(tenant), ChannelId(id)))
        .expect("credentials open with the configured key, bound to their row");
    serde_json::from_slice(&plain).unwrap()
}

async fn channel_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM channels")
        .fetch_one(&app.admin)
        .await
        .unwrap()
}

/// A Shopify channel stored directly, with its credentials sealed as the app seals them.
async fn insert_shopify(
    app: &TestApp,
    tenant: uuid::Uuid,
    name: &str,
    base_url: &str,
    token: &str,
) -> uuid::Uuid {
    let id = uuid::Uuid::now_v7();
    let secrets = json!({ "access_token": token, "api_secret": API_SECRET }).to_string();
    let sealed = key().seal(
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
    .bind(json!({ "shop": SHOP, "base_url": base_url }))
    .bind(sealed)
    .execute(&app.admin)
    .await
    .unwrap();
    id
}

/// Webhook subscriptions the mock shop was asked for: (topic, callback URL).
static SUBSCRIPTIONS: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

/// Shopify's Admin API and token exchange, as far as the tests need them.
async fn shopify_mock() -> String {
    let app = axum::Router::new()
        .route(
            "/admin/api/{version}/graphql.json",
            axum::routing::post(|headers: AxumHeaders, Json(body): Json<Value>| async move {
                let token = headers
                    .get("x-shopify-access-token")
                    .and_then(|v| v.to_str().ok());
                let query = body["query"].as_str().unwrap_or("");
                if token == Some(GOOD_TOKEN) && query.contains("webhookSubscriptionCreate") {
                    let vars = &body["variables"];
                    SUBSCRIPTIONS.lock().unwrap().push((
                        vars["topic"].as_str().unwrap_or("").to_owned(),
                        vars["sub"]["callbackUrl"].as_str().unwrap_or("").to_owned(),
                    ));
                    (
                        AxumStatus::OK,
                        Json(json!({ "data": { "webhookSubscriptionCreate": {
                            "webhookSubscription": { "id": "gid://shopify/WebhookSubscription/1" },
                            "userErrors": [] } } })),
                    )
                } else if token == Some(GOOD_TOKEN) {
                    (
                        AxumStatus::OK,
                        Json(json!({ "data": { "shop": { "name": "Mock Shop" } } })),
                    )
                } else {
                    (
                        AxumStatus::UNAUTHORIZED,
                        Json(json!({ "errors": "[API] Invalid API key or access token" })),
                    )
                }
            }),
        )
        .route(
            "/admin/oauth/access_token",
            axum::routing::post(|Json(body): Json<Value>| async move {
                if body["code"] == GOOD_CODE && body["client_secret"] == API_SECRET {
                    (
                        AxumStatus::OK,
                        Json(json!({ "access_token": GOOD_TOKEN, "scope": "read_orders,read_customers" })),
                    )
                } else {
                    (
                        AxumStatus::BAD_REQUEST,
                        Json(json!({ "error": "invalid_request" })),
                    )
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

async fn spawn_shopify_app() -> (TestApp, String) {
    let mock = shopify_mock().await;
    let base = mock.clone();
    let app = spawn_app_with(move |c| {
        c.shopify_api_key = Some(API_KEY.into());
        c.shopify_api_secret = Some(API_SECRET.into());
        c.shopify_base_url = Some(base);
    })
    .await;
    (app, mock)
}

#[tokio::test]
async fn an_owner_adds_an_email_channel_with_sealed_credentials() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;

    let empty = visible(&owner.page("/settings/channels").await);
    assert!(empty.contains("No channels yet"), "{empty}");

    let r = owner
        .post(
            "/settings/channels/email",
            &email_form("Support mailbox", "993", "support@example.com"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (tenant, id, settings, sealed, status) = channel_row(&app, "Support mailbox").await;
    assert_eq!(
        location(&r),
        format!("/settings/channels/{id}?notice=channel_saved")
    );
    assert_eq!(status, "active");
    let settings_text = settings.to_string();
    assert!(!settings_text.contains("s3cret"), "{settings_text}");
    assert_eq!(settings["imap"]["host"], "127.0.0.1");
    assert_eq!(settings["imap"]["port"], 993);
    assert_eq!(settings["smtp"]["security"], "starttls");
    assert_eq!(settings["smtp"]["from_address"], "support@example.com");
    assert!(!sealed.contains("s3cret"));
    let secrets = open(tenant, id, &sealed);
    assert_eq!(secrets["imap_password"], "imap-s3cret-pw");
    assert_eq!(secrets["smtp_password"], "smtp-s3cret-pw");
    let interval: i32 = sqlx::query_scalar("SELECT poll_interval_secs FROM channels")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(interval, 120);

    let list = visible(&owner.page("/settings/channels").await);
    assert!(list.contains("Support mailbox") && list.contains("Email") && list.contains("Active"));
    let edit = owner.page(&format!("/settings/channels/{id}")).await;
    assert!(!edit.contains("s3cret"), "passwords are never shown again");
    assert!(edit.contains(r#"value="support@example.com""#));

    // Edit with blank passwords: settings change, credentials stay.
    let mut form = email_form("Support inbox", "143", "help@example.com");
    for field in form.iter_mut() {
        if field.0.ends_with("password") {
            field.1 = "";
        }
    }
    let r = owner.post(&format!("/settings/channels/{id}"), &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, _, settings, sealed, _) = channel_row(&app, "Support inbox").await;
    assert_eq!(settings["imap"]["port"], 143);
    assert_eq!(settings["smtp"]["from_address"], "help@example.com");
    assert_eq!(open(tenant, id, &sealed)["imap_password"], "imap-s3cret-pw");
    assert_eq!(open(tenant, id, &sealed)["smtp_password"], "smtp-s3cret-pw");

    // A new IMAP password alone replaces only that one.
    let mut form = email_form("Support inbox", "143", "help@example.com");
    for field in form.iter_mut() {
        if field.0 == "smtp_password" {
            field.1 = "";
        }
        if field.0 == "imap_password" {
            field.1 = "new-imap-pw";
        }
    }
    owner.post(&format!("/settings/channels/{id}"), &form).await;
    let (_, _, _, sealed, _) = channel_row(&app, "Support inbox").await;
    assert_eq!(open(tenant, id, &sealed)["imap_password"], "new-imap-pw");
    assert_eq!(open(tenant, id, &sealed)["smtp_password"], "smtp-s3cret-pw");

    // The same name (any case) is a field error; nothing more is stored.
    let r = owner
        .post(
            "/settings/channels/email",
            &email_form("SUPPORT INBOX", "993", "x@example.com"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(visible(&html).contains("A channel with this name already exists."));
    assert!(html.contains(r#"value="SUPPORT INBOX""#), "values are kept");
    assert!(!html.contains("s3cret"), "passwords are not echoed");
    assert_eq!(channel_count(&app).await, 1);

    // Bad port, bad address.
    for (port, from, message) in [
        ("0", "a@example.com", "Enter a port from 1 to 65535."),
        ("70000", "a@example.com", "Enter a port from 1 to 65535."),
        ("993", "not-an-address", "Enter a valid email address."),
    ] {
        let r = owner
            .post("/settings/channels/email", &email_form("Other", port, from))
            .await;
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{port} {from}"
        );
        let html = r.text().await.unwrap();
        assert!(visible(&html).contains(message), "{port} {from}");
        assert!(!html.contains("s3cret"));
    }
    assert_eq!(channel_count(&app).await, 1);

    // Test connection of an email channel: a clear failure, never a server error.
    let r = owner
        .post(&format!("/settings/channels/{id}/test"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = visible(&r.text().await.unwrap());
    assert!(text.contains("Connection failed:"), "{text}");

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE action LIKE 'channel.%' ORDER BY at, id",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(
        actions,
        ["channel.created", "channel.updated", "channel.updated"]
    );
}

#[tokio::test]
async fn without_a_secret_key_credentials_are_not_saved() {
    let app = spawn_app_with(|c| c.secret_key = None).await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let r = owner
        .post(
            "/settings/channels/email",
            &email_form("Mailbox", "993", "a@example.com"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible(&r.text().await.unwrap());
    assert!(text.contains("no secret key is configured"), "{text}");
    assert_eq!(channel_count(&app).await, 0);
}

#[tokio::test]
async fn agents_get_403_and_other_shops_404_on_every_channel_route() {
    let (app, mock) = spawn_shopify_app().await;
    let a = app.shop("Shop A", "owner-a@example.com").await;
    let b = app.shop("Shop B", "owner-b@example.com").await;
    let agent = app.member(&a, "agent-a@example.com", "agent").await;
    let tenant_a = app.tenant_of("owner-a@example.com").await;
    let tenant_b = app.tenant_of("owner-b@example.com").await;
    a.post(
        "/settings/channels/email",
        &email_form("Mail A", "993", "a@example.com"),
    )
    .await;
    let (_, id, ..) = channel_row(&app, "Mail A").await;
    let before: String = sqlx::query_scalar(
        "SELECT concat(name, status, settings::text, secrets_sealed) FROM channels",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();

    let form = email_form("Pwned", "993", "x@example.com");
    let gets = [
        "/settings/channels".to_owned(),
        "/settings/channels/health".to_owned(),
        "/settings/channels/email".to_owned(),
        format!("/settings/channels/{id}"),
        "/settings/channels/shopify/install?shop=x".to_owned(),
        "/settings/channels/shopify/callback?shop=x".to_owned(),
    ];
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("/settings/channels/email".into(), form.clone()),
        (format!("/settings/channels/{id}"), form.clone()),
        (format!("/settings/channels/{id}/pause"), vec![]),
        (format!("/settings/channels/{id}/resume"), vec![]),
        (format!("/settings/channels/{id}/test"), vec![]),
        (
            "/settings/channels/shopify/install".into(),
            vec![("shop", "x")],
        ),
    ];
    for path in &gets {
        assert_eq!(
            agent.get(path).await.status(),
            StatusCode::FORBIDDEN,
            "GET {path}"
        );
    }
    for (path, form) in &posts {
        assert_eq!(
            agent.post(path, form).await.status(),
            StatusCode::FORBIDDEN,
            "POST {path}"
        );
    }
    assert!(!agent
        .page("/settings/profile")
        .await
        .contains("/settings/channels"));

    // Shop B: A's channel does not exist.
    assert_eq!(
        b.get(&format!("/settings/channels/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    for (path, form) in &posts[1..5] {
        assert_eq!(
            b.post(path, form).await.status(),
            StatusCode::NOT_FOUND,
            "POST {path}"
        );
    }
    assert!(!b.page("/settings/channels").await.contains("Mail A"));

    // Retry: B's own ticket 1000, A's message.
    crate::tickets::seed_for(&app, tenant_a, 1, "A").await;
    crate::tickets::seed_for(&app, tenant_b, 1, "B").await;
    let key = crate::tickets::idempotency_key(&a.page("/tickets/1000").await);
    a.post(
        "/tickets/1000/reply",
        &[("body", "Reply from A"), ("idempotency_key", &key)],
    )
    .await;
    let message: uuid::Uuid = sqlx::query_scalar("SELECT id FROM messages WHERE kind = 'outbound'")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    sqlx::raw_sql("UPDATE outbox SET state = 'dead'; UPDATE messages SET delivery_state = 'dead' WHERE kind = 'outbound'")
        .execute(&app.admin)
        .await
        .unwrap();
    assert_eq!(
        b.post(&format!("/tickets/1000/messages/{message}/retry"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let state: String = sqlx::query_scalar("SELECT state FROM outbox")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(state, "dead");

    // A webhook for an id nobody has.
    let r = reqwest::Client::new()
        .post(format!(
            "{}/webhooks/shopify/{}",
            app.address,
            uuid::Uuid::now_v7()
        ))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let _ = mock;

    let after: String = sqlx::query_scalar(
        "SELECT concat(name, status, settings::text, secrets_sealed) FROM channels",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(before, after, "A's channel is exactly as it was");
}

#[tokio::test]
async fn pause_resume_and_health_show_on_the_page() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    owner
        .post(
            "/settings/channels/email",
            &email_form("Mailbox", "993", "a@example.com"),
        )
        .await;
    let (_, id, ..) = channel_row(&app, "Mailbox").await;

    let r = owner
        .post(&format!("/settings/channels/{id}/pause"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(channel_row(&app, "Mailbox").await.4, "paused");
    let page = visible(&owner.page(&format!("/settings/channels/{id}")).await);
    assert!(page.contains("Paused") && page.contains("Resume"), "{page}");
    owner
        .post(&format!("/settings/channels/{id}/resume"), &[])
        .await;
    assert_eq!(channel_row(&app, "Mailbox").await.4, "active");

    sqlx::query(
        "UPDATE channels SET last_sync_at = now() - interval '3 minutes',
                last_error = 'IMAP login refused: [AUTHENTICATIONFAILED]',
                last_error_at = now() - interval '2 hours', consecutive_failures = 4,
                backlog = 300, items_ingested = 100, backfill_done = false",
    )
    .execute(&app.admin)
    .await
    .unwrap();
    let html = owner.page("/settings/channels").await;
    let text = visible(&html);
    assert!(
        text.contains("IMAP login refused: [AUTHENTICATIONFAILED]"),
        "{text}"
    );
    assert!(
        text.contains("3 min ago") && text.contains("2 h ago"),
        "{text}"
    );
    assert!(text.contains("Importing history… 100 so far"), "{text}");
    assert!(
        html.contains(r#"<progress value="100" max="400""#),
        "{html}"
    );
    assert!(html.contains(r#"hx-get="/settings/channels/health""#));
    let fragment = owner.page("/settings/channels/health").await;
    assert!(fragment.contains("Importing history") && !fragment.contains("<html"));

    // Backlog unknown: an indeterminate bar; done: no bar and no polling.
    sqlx::query("UPDATE channels SET backlog = NULL")
        .execute(&app.admin)
        .await
        .unwrap();
    let html = owner.page("/settings/channels").await;
    assert!(html.contains("<progress aria-label"));
    sqlx::query("UPDATE channels SET backfill_done = true, status = 'auth_failed'")
        .execute(&app.admin)
        .await
        .unwrap();
    let html = owner.page("/settings/channels").await;
    assert!(!html.contains("<progress") && !html.contains("/settings/channels/health"));
    assert!(visible(&html).contains("Credentials refused"));

    // In Chinese too.
    let zh = owner
        .post(
            "/settings/language",
            &[("ui_locale", "zh-CN"), ("next", "/settings/channels")],
        )
        .await;
    assert_eq!(zh.status(), StatusCode::SEE_OTHER);
    assert!(visible(&owner.page("/settings/channels").await).contains("凭据被拒绝"));
}

#[tokio::test]
async fn test_connection_asks_shopify() {
    let (app, mock) = spawn_shopify_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    let good = insert_shopify(&app, tenant, "Good shop", &mock, GOOD_TOKEN).await;
    let bad = insert_shopify(&app, tenant, "Bad shop", &mock, "shpat_revoked").await;

    let r = owner
        .post(&format!("/settings/channels/{good}/test"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(visible(&r.text().await.unwrap()).contains("Connection OK."));

    // htmx gets the result alone.
    let token = owner.csrf_from("/settings/profile").await;
    let r = owner
        .client
        .post(owner.url(&format!("/settings/channels/{bad}/test")))
        .header("hx-request", "true")
        .header("x-csrf-token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(!html.contains("<html"), "{html}");
    let text = visible(&html);
    assert!(
        text.contains("Connection failed: authentication failed"),
        "{text}"
    );
}

fn signed_query(params: &[(&str, &str)], secret: &str) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let message = sorted
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    let hmac = hex::encode(mac.finalize().into_bytes());
    format!("{message}&hmac={hmac}")
}

#[tokio::test]
async fn the_shopify_install_creates_a_channel_with_a_sealed_token() {
    let (app, mock) = spawn_shopify_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;

    // A domain that is not a shop's is refused before anyone leaves.
    let r = owner
        .post(
            "/settings/channels/shopify/install",
            &[("shop", "evil.com")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let r = owner
        .post(
            "/settings/channels/shopify/install",
            &[("shop", "test-shop")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r).to_owned();
    assert!(
        to.starts_with(&format!(
            "https://{SHOP}/admin/oauth/authorize?client_id={API_KEY}&scope="
        )),
        "{to}"
    );
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("aftersail_shopify_state="))
        .expect("state cookie")
        .to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let redirect_uri: String = url_param(&to, "redirect_uri");
    assert!(redirect_uri.ends_with("/settings/channels/shopify/callback"));
    let state = url_param(&to, "state");
    assert!(state.len() >= 32);
    let now = chrono::Utc::now().timestamp().to_string();

    // A wrong signature, and a right one with someone else's state: 400, nothing stored.
    let mut forged = signed_query(
        &[
            ("code", GOOD_CODE),
            ("shop", SHOP),
            ("state", &state),
            ("timestamp", &now),
        ],
        "not-the-secret",
    );
    let r = owner
        .get(&format!("/settings/channels/shopify/callback?{forged}"))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(visible(&r.text().await.unwrap()).contains("could not be verified"));
    forged = signed_query(
        &[
            ("code", GOOD_CODE),
            ("shop", SHOP),
            ("state", "other-state"),
            ("timestamp", &now),
        ],
        API_SECRET,
    );
    let r = owner
        .get(&format!("/settings/channels/shopify/callback?{forged}"))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(channel_count(&app).await, 0);

    let query = signed_query(
        &[
            ("code", GOOD_CODE),
            ("shop", SHOP),
            ("state", &state),
            ("timestamp", &now),
        ],
        API_SECRET,
    );
    let r = owner
        .get(&format!("/settings/channels/shopify/callback?{query}"))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let (row_tenant, id, settings, sealed, status) = channel_row(&app, SHOP).await;
    assert_eq!(row_tenant, tenant);
    assert_eq!(
        location(&r),
        format!("/settings/channels/{id}?notice=shopify_connected")
    );
    assert_eq!(status, "active");
    assert_eq!(settings, json!({ "shop": SHOP, "base_url": mock }));
    assert!(!sealed.contains(GOOD_TOKEN));
    let secrets = open(tenant, id, &sealed);
    assert_eq!(secrets["access_token"], GOOD_TOKEN);
    assert_eq!(secrets["api_secret"], API_SECRET);

    let page = visible(
        &owner
            .page(&format!("/settings/channels/{id}?notice=shopify_connected"))
            .await,
    );
    assert!(
        page.contains("Shopify store connected.")
            && page.contains(&format!("/webhooks/shopify/{id}"))
    );
    // The token works against the shop.
    let r = owner
        .post(&format!("/settings/channels/{id}/test"), &[])
        .await;
    assert!(visible(&r.text().await.unwrap()).contains("Connection OK."));
    let subscribed: Vec<(String, String)> = SUBSCRIPTIONS
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, url)| url.ends_with(&format!("/webhooks/shopify/{id}")))
        .cloned()
        .collect();
    let topics: Vec<&str> = subscribed.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(topics.len(), 11, "every topic is subscribed: {topics:?}");
    assert!(topics.contains(&"ORDERS_UPDATED") && topics.contains(&"APP_UNINSTALLED"));
    let last_error: Option<String> = sqlx::query_scalar("SELECT last_error FROM channels")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(last_error, None, "webhooks registered without trouble");
    let audit: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = 'channel.connected'")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(audit, 1);
}

#[tokio::test]
async fn without_a_shopify_app_the_button_explains_why() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let text = visible(&owner.page("/settings/channels").await);
    assert!(
        text.contains("Shopify is not configured on this server"),
        "{text}"
    );
    let r = owner
        .post(
            "/settings/channels/shopify/install",
            &[("shop", "test-shop")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

fn url_param(url: &str, name: &str) -> String {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

async fn webhook(app: &TestApp, channel: uuid::Uuid, delivery: &str, secret: &str) -> StatusCode {
    let body = br##"{"id":820982911946154508,"name":"#1001"}"##;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    reqwest::Client::new()
        .post(format!("{}/webhooks/shopify/{channel}", app.address))
        .header("content-type", "application/json")
        .header("x-shopify-hmac-sha256", signature)
        .header("x-shopify-topic", "orders/create")
        .header("x-shopify-webhook-id", delivery)
        .header("x-shopify-shop-domain", SHOP)
        .body(body.to_vec())
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn webhooks_are_verified_stored_once_and_acknowledged() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    let id = insert_shopify(&app, tenant, "Shop", "http://127.0.0.1:9", GOOD_TOKEN).await;
    let events = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM webhook_events")
            .fetch_one(&app.admin)
            .await
            .unwrap()
    };

    assert_eq!(
        webhook(&app, id, "delivery-1", API_SECRET).await,
        StatusCode::OK
    );
    assert_eq!(events().await, 1);
    assert_eq!(
        webhook(&app, id, "delivery-1", API_SECRET).await,
        StatusCode::OK
    );
    assert_eq!(events().await, 1, "a redelivery is stored once");
    let (topic, channel, row_tenant): (String, uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("SELECT topic, channel_id, tenant_id FROM webhook_events")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(
        (topic.as_str(), channel, row_tenant),
        ("orders/create", id, tenant)
    );

    assert_eq!(
        webhook(&app, id, "delivery-2", "wrong-secret").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        webhook(&app, uuid::Uuid::now_v7(), "delivery-3", API_SECRET).await,
        StatusCode::NOT_FOUND
    );
    let r = reqwest::Client::new()
        .post(format!("{}/webhooks/shopify/not-a-uuid", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Signed, but without delivery headers.
    let body = b"{}";
    let mut mac = Hmac::<Sha256>::new_from_slice(API_SECRET.as_bytes()).unwrap();
    mac.update(body);
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let r = reqwest::Client::new()
        .post(format!("{}/webhooks/shopify/{id}", app.address))
        .header("x-shopify-hmac-sha256", signature)
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(events().await, 1);
}

#[tokio::test]
async fn a_dead_reply_shows_its_error_and_can_be_sent_again() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let tenant = app.tenant_of("owner@example.com").await;
    crate::tickets::seed_for(&app, tenant, 1, "A").await;
    let key = crate::tickets::idempotency_key(&owner.page("/tickets/1000").await);
    owner
        .post(
            "/tickets/1000/reply",
            &[
                ("body", "Your replacement is on its way."),
                ("idempotency_key", &key),
            ],
        )
        .await;
    let message: uuid::Uuid = sqlx::query_scalar("SELECT id FROM messages WHERE kind = 'outbound'")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let page = visible(&agent.page("/tickets/1000").await);
    assert!(
        page.contains("Queued") && !page.contains("Send again"),
        "{page}"
    );

    sqlx::raw_sql(
        "UPDATE outbox SET state = 'dead', attempts = 8, last_error = '550 5.1.1 mailbox unavailable';
         UPDATE messages SET delivery_state = 'dead' WHERE kind = 'outbound'",
    )
    .execute(&app.admin)
    .await
    .unwrap();
    let html = agent.page("/tickets/1000").await;
    let page = visible(&html);
    assert!(page.contains("Not delivered"), "{page}");
    assert!(page.contains("550 5.1.1 mailbox unavailable") && page.contains("Attempts: 8"));
    assert!(html.contains(&format!("/tickets/1000/messages/{message}/retry")));
    assert!(page.contains("Send again"));

    // Another message id, a message that is not a reply: 404.
    let inbound: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM messages WHERE kind = 'inbound' LIMIT 1")
            .fetch_one(&app.admin)
            .await
            .unwrap_or_else(|_| uuid::Uuid::now_v7());
    for other in [uuid::Uuid::now_v7(), inbound] {
        assert_eq!(
            agent
                .post(&format!("/tickets/1000/messages/{other}/retry"), &[])
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        agent
            .post(&format!("/tickets/1001/messages/{message}/retry"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let r = agent
        .post(&format!("/tickets/1000/messages/{message}/retry"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/tickets/1000");
    let (outbox, delivery, attempts): (String, String, i32) = sqlx::query_as(
        "SELECT o.state, m.delivery_state, o.attempts FROM outbox o JOIN messages m ON m.id = o.message_id",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(
        (outbox.as_str(), delivery.as_str(), attempts),
        ("queued", "queued", 0)
    );
    let page = visible(&agent.page("/tickets/1000").await);
    assert!(!page.contains("Send again") && page.contains("Queued"));
}
