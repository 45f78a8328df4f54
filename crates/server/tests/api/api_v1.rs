//! The public REST API (/api/v1) over HTTP: tokens from Settings → API, scopes, tickets
//! created, changed and answered through the API, pagination, rate limits and tenancy.

use aftersail_db::{kb, refunds, TenantTx};
use aftersail_domain::{OrderId, RmaId, TenantId};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::*;

pub const ALL_SCOPES: &[&str] = &[
    "tickets:read",
    "tickets:write",
    "customers:read",
    "orders:read",
    "returns:read",
    "kb:read",
];

/// Creates a token on Settings → API as `owner`; returns the secret shown once.
pub async fn create_token(owner: &Browser, name: &str, scopes: &[&str]) -> String {
    let mut form = vec![("name", name), ("rate_limit", "600")];
    form.extend(scopes.iter().map(|s| ("scopes", *s)));
    let r = owner.post("/settings/api", &form).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    between(&html, r#"<code class="copy" id="api-token">"#, "</code>")
        .expect("token shown once")
        .to_owned()
}

pub struct Api {
    base: String,
    token: String,
    client: reqwest::Client,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

impl Api {
    pub fn new(app: &TestApp, token: &str) -> Api {
        Api {
            base: format!("{}/api/v1", app.address),
            token: token.to_owned(),
            client: reqwest::Client::new(),
        }
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Reply {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap();
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{path} answered {status} with non-JSON: {text}"));
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.send(reqwest::Method::PATCH, path, Some(body)).await
    }
}

async fn scalar_i64(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.admin).await.unwrap()
}

/// Shop data besides seeded tickets: a refund for the shop's RMA and a published article.
pub async fn seed_extras(app: &TestApp, tenant: uuid::Uuid) {
    let (rma, order): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("SELECT id, order_id FROM rmas WHERE tenant_id = $1 LIMIT 1")
            .bind(tenant)
            .fetch_one(&app.admin)
            .await
            .unwrap();
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    refunds::propose(&mut tx, RmaId(rma), OrderId(order), 2500, "EUR")
        .await
        .unwrap()
        .unwrap();
    let article = kb::create(
        &mut tx,
        None,
        0,
        None,
        &kb::TranslationInput {
            locale: "en",
            slug: "returns-policy",
            title: "Returns policy",
            body_markdown: "Send it back within **30 days**.",
        },
    )
    .await
    .unwrap();
    kb::set_published(&mut tx, article, true).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn token_lifecycle_revocation_expiry_and_only_the_hash_stored() {
    let app = spawn_app().await;
    let owner = app.shop("Token Shop", "owner@tokens.test").await;
    let secret = create_token(&owner, "Zapier", &["tickets:read"]).await;
    assert!(secret.starts_with("as_") && secret.len() >= 46, "{secret}");

    let (hash, prefix): (Vec<u8>, String) =
        sqlx::query_as("SELECT token_hash, prefix FROM api_tokens")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(hash, Sha256::digest(secret.as_bytes()).to_vec());
    assert!(secret.starts_with(&prefix) && prefix.len() < 12);
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM api_tokens WHERE row_to_json(api_tokens)::text LIKE '%' || $1 || '%'",
    )
    .bind(&secret[3..])
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(stored, 0, "the secret itself is stored nowhere");
    let page = owner.page("/settings/api").await;
    assert!(!page.contains(&secret), "shown once only");
    assert_eq!(
        page.matches(r#"method="post""#).count(),
        page.matches(r#"name="_csrf""#).count(),
        "every form carries the CSRF token"
    );
    assert!(page.contains("Zapier") && page.contains(&prefix));

    let api = Api::new(&app, &secret);
    let r = api.get("/tickets").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["data"], json!([]));
    assert!(r.headers.contains_key("ratelimit-limit"));
    let used: i64 = scalar_i64(
        &app,
        "SELECT count(*) FROM api_tokens WHERE last_used_at IS NOT NULL",
    )
    .await;
    assert_eq!(used, 1, "last use recorded");

    // No token, a wrong one, a wrong scheme: 401 JSON.
    let r = reqwest::get(format!("{}/api/v1/tickets", app.address))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
    let wrong = Api::new(&app, "as_notarealtoken");
    assert_eq!(wrong.get("/tickets").await.status, StatusCode::UNAUTHORIZED);

    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM api_tokens")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let r = owner.post(&format!("/settings/api/{id}/revoke"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = api.get("/tickets").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "unauthorized");
    assert!(owner.page("/settings/api").await.contains("revoked"));

    let expiring = create_token(&owner, "Short lived", &["tickets:read"]).await;
    let api = Api::new(&app, &expiring);
    assert_eq!(api.get("/tickets").await.status, StatusCode::OK);
    sqlx::query(
        "UPDATE api_tokens SET expires_at = now() - interval '1 minute' WHERE name = 'Short lived'",
    )
    .execute(&app.admin)
    .await
    .unwrap();
    assert_eq!(api.get("/tickets").await.status, StatusCode::UNAUTHORIZED);

    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE target_type = 'api_token' ORDER BY at, id",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(
        audited,
        vec![
            "api_token.created",
            "api_token.revoked",
            "api_token.created"
        ]
    );
}

#[tokio::test]
async fn the_settings_form_checks_its_fields() {
    let app = spawn_app().await;
    let owner = app.shop("Form Shop", "owner@form.test").await;
    let r = owner
        .post(
            "/settings/api",
            &[("name", ""), ("rate_limit", "5"), ("expires_days", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Choose at least one scope."));
    assert!(html.contains("A whole number from 10 to 10000."));
    assert_eq!(scalar_i64(&app, "SELECT count(*) FROM api_tokens").await, 0);
}

#[tokio::test]
async fn a_token_stops_working_when_its_creator_is_deactivated() {
    let app = spawn_app().await;
    let owner = app.shop("Staff Shop", "owner@staff.test").await;
    let admin = app.member(&owner, "admin@staff.test", "admin").await;
    let api = Api::new(
        &app,
        &create_token(&admin, "Admin's script", ALL_SCOPES).await,
    );
    assert_eq!(api.get("/tickets").await.status, StatusCode::OK);
    let admin_id = app.id_of_user("admin@staff.test").await;
    let r = owner
        .post(&format!("/settings/users/{admin_id}/deactivate"), &[])
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(api.get("/tickets").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn scopes_are_enforced_with_403() {
    let app = spawn_app().await;
    let owner = app.shop("Scope Shop", "owner@scope.test").await;
    let api = Api::new(&app, &create_token(&owner, "KB only", &["kb:read"]).await);
    for path in ["/tickets", "/customers", "/orders", "/rmas", "/refunds"] {
        let r = api.get(path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(r.code(), "forbidden");
    }
    let r = api
        .post(
            "/tickets",
            json!({"customer": {"email": "a@b.example"}, "subject": "s", "message": "m"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(scalar_i64(&app, "SELECT count(*) FROM tickets").await, 0);
    assert_eq!(api.get("/kb/articles").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_ticket_created_through_the_api_is_in_the_inbox_once() {
    let app = spawn_app().await;
    let owner = app.shop("Create Shop", "owner@create.test").await;
    let api = Api::new(&app, &create_token(&owner, "Shop site", ALL_SCOPES).await);
    let r = api
        .post(
            "/tickets",
            json!({
                "customer": {"email": "Buyer@Example.com", "name": "Bea Buyer"},
                "subject": "Where is my parcel?",
                "message": "I ordered a tent two weeks ago and nothing arrived. Where is my order?",
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let number = r.body["number"].as_i64().unwrap();
    assert_eq!(
        r.headers["location"].to_str().unwrap(),
        format!("/api/v1/tickets/{number}")
    );
    assert_eq!(r.body["channel"], "api");
    assert_eq!(r.body["status"], "new");
    assert_eq!(r.body["language"], "en");
    let inbox = owner.page("/inbox").await;
    assert!(inbox.contains("Where is my parcel?"));
    assert!(inbox.contains("Bea Buyer"));
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT count(*) FROM tickets WHERE subject = 'Where is my parcel?'"
        )
        .await,
        1
    );
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT count(*) FROM messages WHERE kind = 'inbound' AND intent IS NOT NULL"
        )
        .await,
        1,
        "one inbound message, triaged"
    );
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT count(*) FROM customers WHERE email = 'buyer@example.com'"
        )
        .await,
        1
    );
    let thread = api.get(&format!("/tickets/{number}/messages")).await;
    assert_eq!(thread.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(thread.body["data"][0]["kind"], "inbound");
    let same = api.get(&format!("/tickets/{number}")).await;
    assert_eq!(same.body["subject"], "Where is my parcel?");

    // A retried create with an idempotency key stores the ticket once.
    let keyed = json!({"customer": {"email": "kim@example.com"}, "subject": "Broken zip",
                       "message": "The zip of my tent broke.", "idempotency_key": "shop-form-00000042"});
    let first = api.post("/tickets", keyed.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let retry = api.post("/tickets", keyed).await;
    assert_eq!(retry.status, StatusCode::OK);
    assert_eq!(retry.body["number"], first.body["number"]);
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT count(*) FROM tickets WHERE subject = 'Broken zip'"
        )
        .await,
        1
    );

    // Bad input: 4xx naming the fields, nothing stored.
    let r = api
        .post(
            "/tickets",
            json!({"customer": {"email": "nope"}, "subject": " ", "message": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body["error"]["fields"]["customer.email"].is_string());
    assert!(r.body["error"]["fields"]["subject"].is_string());
    let r = api
        .post(
            "/tickets",
            json!({"customer": {"email": 5}, "subject": "s", "message": "m"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = api
        .post(
            "/tickets",
            json!({"customer": {"email": "a@b.example"}, "subject": "s\u{0}", "message": "m", "channel": "fax"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let raw = reqwest::Client::new()
        .post(format!("{}/api/v1/tickets", app.address))
        .bearer_auth(&api.token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    let huge = reqwest::Client::new()
        .post(format!("{}/api/v1/tickets", app.address))
        .bearer_auth(&api.token)
        .header("content-type", "application/json")
        .body(format!(
            "{{\"subject\": \"{}\"}}",
            "x".repeat(2 * 1024 * 1024)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(scalar_i64(&app, "SELECT count(*) FROM tickets").await, 2);
}

#[tokio::test]
async fn patch_changes_the_ticket_and_records_history() {
    let app = spawn_app().await;
    let owner = app.shop("Patch Shop", "owner@patch.test").await;
    let tenant = app.tenant_of("owner@patch.test").await;
    crate::tickets::seed_for(&app, tenant, 1, "Patch").await;
    let api = Api::new(&app, &create_token(&owner, "CRM", ALL_SCOPES).await);
    let number: i64 = scalar_i64(&app, "SELECT number FROM tickets").await;
    let r = api
        .patch(
            &format!("/tickets/{number}"),
            json!({"status": "pending", "priority": "high", "type": null,
                   "tags": ["vip", "Late-Delivery"], "assignee": "owner@patch.test"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["status"], "pending");
    assert_eq!(r.body["priority"], "high");
    assert_eq!(r.body["type"], Value::Null);
    assert_eq!(r.body["tags"], json!(["vip", "late-delivery"]));
    let owner_id = app.id_of_user("owner@patch.test").await;
    assert_eq!(r.body["assignee_id"], json!(owner_id));
    let events: Vec<(String, Option<String>, Option<uuid::Uuid>)> = sqlx::query_as(
        "SELECT kind, to_value, actor_id FROM ticket_events ORDER BY kind, to_value",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        kinds,
        vec![
            "assignee",
            "priority",
            "status",
            "tag_added",
            "tag_added",
            "type"
        ]
    );
    assert!(events.iter().all(|e| e.2 == Some(owner_id)));
    let page = owner.page(&format!("/tickets/{number}")).await;
    assert!(page.contains("late-delivery"));

    let r = api
        .patch(
            &format!("/tickets/{number}"),
            json!({"status": "gone", "tags": ["a/b"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body["error"]["fields"]["status"].is_string());
    assert!(r.body["error"]["fields"]["tags"].is_string());
    let r = api
        .patch(
            &format!("/tickets/{number}"),
            json!({"assignee": "nobody@else.test"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = api
        .patch(&format!("/tickets/{number}"), json!({"colour": "red"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_reply_lands_in_the_outbox_and_a_note_does_not() {
    let app = spawn_app().await;
    let owner = app.shop("Reply Shop", "owner@reply.test").await;
    let tenant = app.tenant_of("owner@reply.test").await;
    crate::tickets::seed_for(&app, tenant, 1, "Reply").await;
    let api = Api::new(&app, &create_token(&owner, "Bot", ALL_SCOPES).await);
    let number: i64 = scalar_i64(&app, "SELECT number FROM tickets").await;
    let path = format!("/tickets/{number}/messages");
    let body =
        json!({"body": "Your parcel left today.", "idempotency_key": "reply-key-0000000001"});
    let r = api.post(&path, body.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["kind"], "outbound");
    assert_eq!(r.body["author_name"], "Owner Person");
    assert_eq!(r.body["delivery_state"], "queued");
    let id: uuid::Uuid = r.body["id"].as_str().unwrap().parse().unwrap();
    let queued: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM outbox WHERE message_id = $1 AND state = 'queued'",
    )
    .bind(id)
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(queued, 1);
    // The same key again sends nothing twice.
    let again = api.post(&path, body).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(scalar_i64(&app, "SELECT count(*) FROM outbox").await, 1);

    let r = api
        .post(
            &path,
            json!({"body": "Customer called, calm now.", "internal": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.body["kind"], "note");
    assert_eq!(scalar_i64(&app, "SELECT count(*) FROM outbox").await, 1);
    let page = owner.page(&format!("/tickets/{number}")).await;
    assert!(
        page.contains("Your parcel left today.") && page.contains("Customer called, calm now.")
    );
    let r = api.post(&path, json!({"body": "   "})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body["error"]["fields"]["body"].is_string());
}

#[tokio::test]
async fn pagination_is_stable_while_tickets_arrive() {
    let app = spawn_app().await;
    let owner = app.shop("Page Shop", "owner@page.test").await;
    let tenant = app.tenant_of("owner@page.test").await;
    crate::tickets::seed_for(&app, tenant, 23, "Page").await;
    let api = Api::new(&app, &create_token(&owner, "Sync", ALL_SCOPES).await);
    let mut seen: Vec<i64> = Vec::new();
    let mut path = "/tickets?limit=10".to_owned();
    let mut pages = 0;
    loop {
        let r = api.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        seen.extend(
            r.body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["number"].as_i64().unwrap()),
        );
        pages += 1;
        if pages == 1 {
            // New tickets arrive while the client pages.
            for i in 0..3 {
                let r = api
                    .post("/tickets", json!({"customer": {"email": format!("new{i}@buyer.example")},
                                             "subject": format!("New {i}"), "message": "Hello there"}))
                    .await;
                assert_eq!(r.status, StatusCode::CREATED);
            }
        }
        match r.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/tickets?limit=10&cursor={cursor}"),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no ticket twice: {seen:?}");
    assert_eq!(seen.len(), 26, "every ticket, old and new: {seen:?}");

    let r = api.get("/tickets?status=new&limit=100").await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), 3);
    assert_eq!(r.body["next_cursor"], Value::Null);
    let r = api.get("/tickets?updated_since=2999-01-01T00:00:00Z").await;
    assert_eq!(r.body["data"], json!([]));

    for bad in [
        "/tickets?cursor=not-a-cursor!",
        "/tickets?cursor=Zm9v",
        "/tickets?limit=0",
        "/tickets?limit=101",
        "/tickets?limit=abc",
        "/tickets?limit=99999999999999999999999",
        "/tickets?colour=red",
        "/tickets?status=lost",
        "/tickets?updated_since=yesterday",
        "/customers?cursor=Zm9v",
    ] {
        let r = api.get(bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.body);
        assert_eq!(r.code(), "bad_request");
    }

    // Customers and messages page by their own keys too.
    let r = api.get("/customers?limit=20").await;
    let cursor = r.body["next_cursor"].as_str().unwrap().to_owned();
    let rest = api
        .get(&format!("/customers?limit=20&cursor={cursor}"))
        .await;
    assert_eq!(
        r.body["data"].as_array().unwrap().len() + rest.body["data"].as_array().unwrap().len(),
        26
    );
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after() {
    let app = spawn_app().await;
    let owner = app.shop("Rate Shop", "owner@rate.test").await;
    let api = Api::new(&app, &create_token(&owner, "Busy", ALL_SCOPES).await);
    sqlx::query("UPDATE api_tokens SET rate_limit = 5")
        .execute(&app.admin)
        .await
        .unwrap();
    for left in (0..5).rev() {
        let r = api.get("/customers").await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.headers["ratelimit-limit"], "5");
        assert_eq!(r.headers["ratelimit-remaining"], left.to_string().as_str());
        assert!(r.headers.contains_key("ratelimit-reset"));
    }
    let r = api.get("/customers").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "rate_limited");
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=12).contains(&retry), "{retry}");
    assert_eq!(r.headers["ratelimit-remaining"], "0");
    // Another token of the shop has its own allowance.
    let other = Api::new(&app, &create_token(&owner, "Calm", ALL_SCOPES).await);
    assert_eq!(other.get("/customers").await.status, StatusCode::OK);
}

#[tokio::test]
async fn another_shops_ids_are_404_on_every_route() {
    let app = spawn_app().await;
    let a = app.shop("Shop A", "owner@a.test").await;
    let tenant_a = app.tenant_of("owner@a.test").await;
    crate::tickets::seed_for(&app, tenant_a, 2, "A").await;
    seed_extras(&app, tenant_a).await;
    let b = app.shop("Shop B", "owner@b.test").await;
    let token_a = create_token(&a, "A token", ALL_SCOPES).await;
    let api_a = Api::new(&app, &token_a);
    let api_b = Api::new(&app, &create_token(&b, "B token", ALL_SCOPES).await);

    let admin = &app.admin;
    let id = |sql: &'static str| async move {
        let v: uuid::Uuid = sqlx::query_scalar(sql).fetch_one(admin).await.unwrap();
        v
    };
    let number = scalar_i64(&app, "SELECT min(number) FROM tickets").await;
    let customer = id("SELECT id FROM customers LIMIT 1").await;
    let order = id("SELECT id FROM orders LIMIT 1").await;
    let refund = id("SELECT id FROM refunds LIMIT 1").await;
    let article = id("SELECT id FROM kb_articles LIMIT 1").await;
    let code: String = sqlx::query_scalar("SELECT code FROM rmas LIMIT 1")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let reads = [
        format!("/tickets/{number}"),
        format!("/tickets/{number}/messages"),
        format!("/customers/{customer}"),
        format!("/orders/{order}"),
        format!("/rmas/{code}"),
        format!("/refunds/{refund}"),
        format!("/kb/articles/{article}"),
    ];
    for path in &reads {
        let mine = api_a.get(path).await;
        assert_eq!(
            mine.status,
            StatusCode::OK,
            "A reads its own {path}: {}",
            mine.body
        );
        let theirs = api_b.get(path).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "B reads A's {path}");
        assert_eq!(theirs.code(), "not_found");
    }
    let r = api_b
        .patch(&format!("/tickets/{number}"), json!({"status": "closed"}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = api_b
        .post(
            &format!("/tickets/{number}/messages"),
            json!({"body": "hi"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = api_b
        .post(
            &format!("/tickets/{number}/messages"),
            json!({"body": "hi", "internal": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // B's lists show nothing of A's.
    for path in [
        "/tickets",
        "/customers",
        "/orders",
        "/rmas",
        "/refunds",
        "/kb/articles",
    ] {
        let r = api_b.get(path).await;
        assert_eq!(r.body["data"], json!([]), "{path}");
        let r = api_a.get(path).await;
        assert!(!r.body["data"].as_array().unwrap().is_empty(), "{path}");
    }
    // A's order in the list carries its items and tracking.
    let r = api_a.get(&format!("/orders/{order}")).await;
    assert_eq!(r.body["items"][0]["sku"], "SKU-1");
    assert_eq!(
        r.body["items"][0]["unit_price"],
        json!({"amount_minor": 2500, "currency": "EUR"})
    );
    assert_eq!(r.body["tracking"]["number"], "TRACK123");
    // A's ticket is untouched and B cannot revoke A's token.
    assert_eq!(
        scalar_i64(&app, "SELECT count(*) FROM tickets WHERE status = 'closed'").await,
        0
    );
    let token_id: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM api_tokens WHERE name = 'A token'")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    let r = b
        .post(&format!("/settings/api/{token_id}/revoke"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(api_a.get("/tickets").await.status, StatusCode::OK);
}

#[tokio::test]
async fn agents_cannot_open_settings_api() {
    let app = spawn_app().await;
    let owner = app.shop("Agent Shop", "owner@agent.test").await;
    let agent = app.member(&owner, "agent@agent.test", "agent").await;
    assert_eq!(
        agent.get("/settings/api").await.status(),
        StatusCode::FORBIDDEN
    );
    let r = agent
        .post(
            "/settings/api",
            &[("name", "Mine"), ("scopes", "tickets:read")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(scalar_i64(&app, "SELECT count(*) FROM api_tokens").await, 0);
    assert!(!owner.page("/settings/profile").await.is_empty());
    assert!(!agent
        .page("/settings/profile")
        .await
        .contains("/settings/api\""));
}

#[tokio::test]
async fn the_openapi_document_is_public_and_names_every_route() {
    let app = spawn_app().await;
    let r = reqwest::get(format!("{}/api/v1/openapi.json", app.address))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for p in [
        "/tickets",
        "/tickets/{number}",
        "/tickets/{number}/messages",
        "/customers",
        "/customers/{id}",
        "/orders",
        "/orders/{id}",
        "/rmas",
        "/rmas/{code}",
        "/refunds",
        "/refunds/{id}",
        "/kb/articles",
        "/kb/articles/{id}",
    ] {
        assert!(paths.contains(&p), "{p}");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}
