//! Outbound webhooks against real PostgreSQL and a local receiver: endpoints managed on
//! Settings → Webhooks, events queued by the triggers in the transaction of the change,
//! deliveries signed as Standard Webhooks (checked with the independent Python reference
//! library `standardwebhooks`), retries with one stable webhook-id, dead letters,
//! redelivery, several workers at once, tenant isolation and roles.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aftersail_channels::crypto::SecretKey;
use aftersail_db::{orders, refunds, rmas, TenantTx};
use aftersail_domain::{TenantId, UserId};
use aftersail_worker::outbound_webhooks::{run_once, MAX_ATTEMPTS};
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

use crate::automation::Shop;
use crate::helpers::{location, spawn_app, spawn_app_with, Browser, TestApp, TEST_SECRET_KEY};

const LEASE: Duration = Duration::from_secs(60);
const ALL_EVENTS: [&str; 7] = [
    "ticket.created",
    "ticket.updated",
    "message.created",
    "rma.created",
    "rma.updated",
    "refund.created",
    "refund.updated",
];

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: BTreeMap<String, String>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("the body is JSON")
    }
}

/// A local endpoint on port 0 that records every request and answers `status`.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
}

impl Receiver {
    async fn start(delay: Duration) -> Receiver {
        use axum::body::Bytes;
        use axum::http::HeaderMap;
        use axum::routing::post;
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let status = Arc::new(AtomicU16::new(200));
        let app = axum::Router::new().route(
            "/hook",
            post({
                let (got, status) = (got.clone(), status.clone());
                move |headers: HeaderMap, body: Bytes| {
                    let (got, status) = (got.clone(), status.clone());
                    async move {
                        got.lock().unwrap().push(Received {
                            headers: headers
                                .iter()
                                .map(|(k, v)| {
                                    (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned())
                                })
                                .collect(),
                            body: String::from_utf8_lossy(&body).into_owned(),
                        });
                        tokio::time::sleep(delay).await;
                        let code = status.load(Ordering::SeqCst);
                        (
                            axum::http::StatusCode::from_u16(code).unwrap(),
                            format!("answer {code}"),
                        )
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url, got, status }
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

/// Verifies a received request with the Python reference library (`standardwebhooks`).
fn python_verifies(secret: &str, r: &Received, body: &str) -> bool {
    use std::io::Write as _;
    let script = r#"
import json, sys
from standardwebhooks import Webhook
data = json.load(sys.stdin)
try:
    Webhook(data["secret"]).verify(data["body"], data["headers"])
    print("verified")
except Exception as e:
    print("refused", type(e).__name__, e)
"#;
    let input = serde_json::json!({
        "secret": secret,
        "body": body,
        "headers": {
            "webhook-id": r.header("webhook-id"),
            "webhook-timestamp": r.header("webhook-timestamp"),
            "webhook-signature": r.header("webhook-signature"),
        },
    });
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 on PATH");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("verified") || text.starts_with("refused"),
        "python3 with standardwebhooks must run: {text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    text.starts_with("verified")
}

fn key() -> SecretKey {
    SecretKey::parse(TEST_SECRET_KEY).unwrap()
}

async fn deliver(app: &TestApp) -> aftersail_worker::outbound_webhooks::Round {
    run_once(&app.pool, &reqwest::Client::new(), Some(&key()), LEASE)
        .await
        .unwrap()
}

/// Signs up a shop; the owner's browser and the shop.
async fn shop(slug: &str) -> (Browser, Shop) {
    let app = spawn_app().await;
    let email = format!("owner@{slug}.example");
    let owner = app.shop(slug, &email).await;
    let tenant = app.tenant_of(&email).await;
    (owner, Shop { app, tenant })
}

/// Creates an endpoint through the settings page; its id and the secret its page shows.
async fn endpoint(owner: &Browser, url: &str, events: &[&str], enabled: bool) -> (Uuid, String) {
    let mut form = vec![("url", url), ("description", "ERP")];
    form.extend(events.iter().map(|e| ("events", *e)));
    if enabled {
        form.push(("enabled", "1"));
    }
    let r = owner.post("/settings/webhooks", &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "endpoint created");
    let path = location(&r).split('?').next().unwrap().to_owned();
    let id: Uuid = path.rsplit('/').next().unwrap().parse().unwrap();
    let page = owner.page(&path).await;
    let secret = crate::helpers::between(&page, r#"id="webhook-secret">"#, "<")
        .expect("the endpoint page shows the secret")
        .to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    (id, secret)
}

async fn deliveries_of(app: &TestApp, endpoint: Uuid) -> Vec<(Uuid, String, String, i32)> {
    sqlx::query_as(
        "SELECT id, event_type, state, attempts FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY created_at, id",
    )
    .bind(endpoint)
    .fetch_all(&app.admin)
    .await
    .unwrap()
}

#[tokio::test]
async fn changes_are_delivered_signed_and_verify_with_the_reference_library() {
    let (owner, s) = shop("hooks-events").await;
    let rx = Receiver::start(Duration::ZERO).await;
    let (endpoint_id, secret) = endpoint(&owner, &rx.url, &ALL_EVENTS, true).await;

    // A buyer writes (ticket.created + message.created), an agent changes the ticket
    // (ticket.updated) and writes an internal note (nothing).
    let (ticket, number) = s
        .ticket("de", "Wo ist mein Paket?", chrono::Utc::now())
        .await;
    let r = owner
        .post(
            &format!("/tickets/{number}/properties"),
            &[("status", "open"), ("priority", "high")],
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let mut tx = TenantTx::begin(&s.app.pool, TenantId(s.tenant))
        .await
        .unwrap();
    let owner_id = UserId(s.app.id_of_user("owner@hooks-events.example").await);
    aftersail_db::messages::create(
        &mut tx,
        aftersail_db::messages::NewMessage {
            ticket_id: ticket,
            kind: "note",
            author: Some(owner_id),
            body_text: "internal: check the warehouse",
            language: None,
            channel: "email",
            external_id: None,
            delivery_state: None,
            at: chrono::Utc::now(),
        },
    )
    .await
    .unwrap();
    // A return and its refund, as the returns pages store them.
    let customer: Uuid = sqlx::query_scalar("SELECT customer_id FROM tickets WHERE id = $1")
        .bind(ticket.0)
        .fetch_one(&s.app.admin)
        .await
        .unwrap();
    let (order, items) = orders::create(
        &mut tx,
        orders::NewOrder {
            customer_id: aftersail_domain::CustomerId(customer),
            channel: "email",
            external_id: "A-1001",
            status: "delivered",
            currency: "EUR",
            shipping_country: Some("DE"),
            carrier: None,
            tracking_number: None,
            ordered_at: chrono::Utc::now(),
            delivered_at: None,
            items: &[("SKU-1", "Kettle", 1, 4999)],
        },
    )
    .await
    .unwrap();
    let (rma, code) = rmas::create(
        &mut tx,
        rmas::NewRma {
            order_id: order,
            customer_id: aftersail_domain::CustomerId(customer),
            ticket_id: Some(ticket),
            status: "requested",
            reason: "damaged",
            resolution: Some("refund"),
            items: &[(items[0], 1)],
            at: chrono::Utc::now(),
        },
    )
    .await
    .unwrap();
    rmas::set_status(&mut tx, rma, "approved", Some(owner_id), None)
        .await
        .unwrap();
    let refund = refunds::propose(&mut tx, rma, order, 4999, "EUR")
        .await
        .unwrap()
        .unwrap();
    refunds::decide_many(&mut tx, &[refund], true, owner_id)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();

    let round = deliver(&s.app).await;
    assert_eq!(round.failed, 0);
    let got = rx.got();
    let types: Vec<String> = got
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap().to_owned())
        .collect();
    for t in ALL_EVENTS {
        assert!(types.contains(&t.to_owned()), "{t} delivered: {types:?}");
    }
    assert_eq!(
        types.iter().filter(|t| *t == "message.created").count(),
        1,
        "the note is not sent: {types:?}"
    );
    assert_eq!(round.delivered, got.len());

    let ids: Vec<String> = deliveries_of(&s.app, endpoint_id)
        .await
        .iter()
        .map(|d| d.0.to_string())
        .collect();
    for r in &got {
        assert_eq!(r.header("content-type"), "application/json");
        assert!(
            ids.contains(&r.header("webhook-id").to_owned()),
            "webhook-id is the delivery id"
        );
        let ts: i64 = r.header("webhook-timestamp").parse().unwrap();
        assert!((chrono::Utc::now().timestamp() - ts).abs() < 60);
        assert!(r.header("webhook-signature").starts_with("v1,"));
        assert!(python_verifies(&secret, r, &r.body), "verifies: {}", r.body);
    }
    // A tampered body, or another secret, does not verify.
    let first = &got[0];
    assert!(!python_verifies(
        &secret,
        first,
        &first.body.replace('}', " }")
    ));
    let other = aftersail_channels::standard_webhooks::generate_secret();
    assert!(!python_verifies(&other, first, &first.body));

    // What the payloads say (small, documented in docs/webhooks.md).
    let by_type = |t: &str| {
        got.iter()
            .map(Received::json)
            .find(|j| j["type"] == t)
            .unwrap()
    };
    let created = by_type("ticket.created");
    assert_eq!(created["data"]["number"], number);
    assert_eq!(created["data"]["id"], ticket.0.to_string());
    assert!(created["timestamp"].as_str().unwrap().ends_with('Z'));
    let updated = by_type("ticket.updated");
    assert_eq!(updated["data"]["changes"]["status"]["to"], "open");
    assert_eq!(updated["data"]["changes"]["priority"]["from"], "normal");
    assert_eq!(updated["data"]["changes"]["priority"]["to"], "high");
    let message = by_type("message.created");
    assert_eq!(message["data"]["direction"], "inbound");
    assert_eq!(message["data"]["ticket_number"], number);
    assert_eq!(by_type("rma.created")["data"]["code"], code);
    assert_eq!(by_type("rma.updated")["data"]["status"], "approved");
    assert_eq!(
        by_type("rma.updated")["data"]["previous_status"],
        "requested"
    );
    assert_eq!(by_type("refund.created")["data"]["amount_minor"], 4999);
    assert_eq!(by_type("refund.updated")["data"]["state"], "approved");

    // Nothing is sent twice.
    assert_eq!(deliver(&s.app).await.delivered, 0);
    assert_eq!(rx.got().len(), got.len());
    let page = owner
        .page(&format!(
            "/settings/webhooks/{endpoint_id}/deliveries?state=delivered"
        ))
        .await;
    assert_eq!(page.matches("data-delivery=").count(), got.len().min(25));
    assert!(
        page.contains("answer 200"),
        "the attempt's answer is logged"
    );
}

#[tokio::test]
async fn unsubscribed_types_and_disabled_endpoints_get_nothing() {
    let (owner, s) = shop("hooks-quiet").await;
    let rx = Receiver::start(Duration::ZERO).await;
    let (only_rmas, _) = endpoint(&owner, &rx.url, &["rma.created"], true).await;
    let (disabled, _) = endpoint(&owner, &rx.url, &ALL_EVENTS, false).await;
    let (_, number) = s.ticket("en", "Hello", chrono::Utc::now()).await;
    owner
        .post(
            &format!("/tickets/{number}/properties"),
            &[("status", "pending"), ("priority", "low")],
        )
        .await;
    assert!(deliveries_of(&s.app, only_rmas).await.is_empty());
    assert!(deliveries_of(&s.app, disabled).await.is_empty());
    assert_eq!(deliver(&s.app).await.delivered, 0);
    assert!(rx.got().is_empty());

    // Enabled again (and subscribed): the next change is sent.
    let mut form = vec![("url", rx.url.as_str()), ("enabled", "1")];
    form.extend(ALL_EVENTS.iter().map(|e| ("events", *e)));
    let r = owner
        .post(&format!("/settings/webhooks/{disabled}"), &form)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    owner
        .post(
            &format!("/tickets/{number}/properties"),
            &[("status", "open"), ("priority", "low")],
        )
        .await;
    assert_eq!(deliver(&s.app).await.delivered, 1);
    assert_eq!(rx.got()[0].json()["type"], "ticket.updated");
}

#[tokio::test]
async fn failures_retry_with_one_webhook_id_then_die_and_can_be_redelivered() {
    let (owner, s) = shop("hooks-retry").await;
    let rx = Receiver::start(Duration::ZERO).await;
    rx.status.store(500, Ordering::SeqCst);
    let (endpoint_id, secret) = endpoint(&owner, &rx.url, &["ticket.created"], true).await;
    let r = owner
        .post(&format!("/settings/webhooks/{endpoint_id}/test"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "test event queued");
    let deliveries = deliveries_of(&s.app, endpoint_id).await;
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].1, "ping");
    let delivery = deliveries[0].0;

    for attempt in 1..=MAX_ATTEMPTS {
        let round = deliver(&s.app).await;
        assert_eq!(round.failed, 1, "attempt {attempt}");
        let (state, attempts): (String, i32) =
            sqlx::query_as("SELECT state, attempts FROM webhook_deliveries WHERE id = $1")
                .bind(delivery)
                .fetch_one(&s.app.admin)
                .await
                .unwrap();
        assert_eq!(attempts, attempt);
        let expected = if attempt < MAX_ATTEMPTS {
            "failed"
        } else {
            "dead"
        };
        assert_eq!(state, expected, "attempt {attempt}");
        // Not due again before its backoff…
        assert_eq!(deliver(&s.app).await, Default::default());
        // …which the test skips.
        sqlx::query("UPDATE webhook_deliveries SET next_attempt_at = now() WHERE id = $1")
            .bind(delivery)
            .execute(&s.app.admin)
            .await
            .unwrap();
    }
    // Dead: never tried again by itself.
    assert_eq!(deliver(&s.app).await, Default::default());
    let got = rx.got();
    assert_eq!(got.len(), MAX_ATTEMPTS as usize);
    for r in &got {
        assert_eq!(
            r.header("webhook-id"),
            delivery.to_string(),
            "one id on every retry"
        );
        assert!(python_verifies(&secret, r, &r.body));
        assert_eq!(r.json()["type"], "ping");
    }
    let logged: Vec<(Option<i32>, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT status, error, response_body FROM webhook_attempts WHERE delivery_id = $1 ORDER BY attempted_at",
    )
    .bind(delivery)
    .fetch_all(&s.app.admin)
    .await
    .unwrap();
    assert_eq!(logged.len(), MAX_ATTEMPTS as usize, "every attempt logged");
    assert!(logged
        .iter()
        .all(|(status, error, body)| *status == Some(500)
            && error.as_deref() == Some("the endpoint answered 500")
            && body.as_deref() == Some("answer 500")));
    let page = owner
        .page(&format!(
            "/settings/webhooks/{endpoint_id}/deliveries?state=dead"
        ))
        .await;
    assert!(page.contains(&delivery.to_string()) && page.contains("answer 500"));
    let list = owner.page("/settings/webhooks").await;
    assert!(list.contains(&format!(
        "/settings/webhooks/{endpoint_id}/deliveries?state=dead"
    )));

    // The secret is rotated: for a day the old one signs too (a second signature).
    owner
        .post(&format!("/settings/webhooks/{endpoint_id}/rotate"), &[])
        .await;
    let page = owner
        .page(&format!("/settings/webhooks/{endpoint_id}"))
        .await;
    let rotated = crate::helpers::between(&page, r#"id="webhook-secret">"#, "<")
        .unwrap()
        .to_owned();
    assert_ne!(rotated, secret);
    assert!(page.contains(r#"id="previous-secret""#));

    // Redeliver: a new attempt of the same delivery, now, with the same webhook-id.
    rx.status.store(204, Ordering::SeqCst);
    let r = owner
        .post(
            &format!("/settings/webhooks/{endpoint_id}/deliveries/{delivery}/redeliver"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(deliver(&s.app).await.delivered, 1);
    let last = rx.got().pop().unwrap();
    assert_eq!(last.header("webhook-id"), delivery.to_string());
    assert_eq!(last.header("webhook-signature").split(' ').count(), 2);
    assert!(
        python_verifies(&rotated, &last, &last.body),
        "the new secret verifies"
    );
    assert!(
        python_verifies(&secret, &last, &last.body),
        "the old one still does"
    );
    // Once the overlap is over, only the new secret signs.
    sqlx::query("UPDATE webhook_endpoints SET previous_until = now() - interval '1 second'")
        .execute(&s.app.admin)
        .await
        .unwrap();
    owner
        .post(&format!("/settings/webhooks/{endpoint_id}/test"), &[])
        .await;
    assert_eq!(deliver(&s.app).await.delivered, 1);
    let ping = rx.got().pop().unwrap();
    assert_eq!(ping.header("webhook-signature").split(' ').count(), 1);
    assert!(python_verifies(&rotated, &ping, &ping.body));
    assert!(!python_verifies(&secret, &ping, &ping.body));
    let state: String = sqlx::query_scalar("SELECT state FROM webhook_deliveries WHERE id = $1")
        .bind(delivery)
        .fetch_one(&s.app.admin)
        .await
        .unwrap();
    assert_eq!(state, "delivered");
    let audit: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'webhook_delivery.redelivered'",
    )
    .fetch_one(&s.app.admin)
    .await
    .unwrap();
    assert_eq!(audit, 1);
}

#[tokio::test]
async fn two_workers_never_send_one_delivery_twice_at_once() {
    let (owner, s) = shop("hooks-workers").await;
    // A slow endpoint, so both workers are busy at the same time.
    let rx = Receiver::start(Duration::from_millis(30)).await;
    let (endpoint_id, _) = endpoint(&owner, &rx.url, &["ticket.created"], true).await;
    let now = chrono::Utc::now();
    for i in 0..40 {
        s.ticket("en", &format!("message {i}"), now).await;
    }
    assert_eq!(deliveries_of(&s.app, endpoint_id).await.len(), 40);
    let options = sqlx::postgres::PgConnectOptions::from_str(&s.app.database_url()).unwrap();
    let mut workers = Vec::new();
    for _ in 0..2 {
        let pool = aftersail_db::connect(options.clone(), 3).await.unwrap();
        workers.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut sent = 0;
            for _ in 0..20 {
                let round = run_once(&pool, &http, Some(&key()), LEASE).await.unwrap();
                sent += round.delivered;
                if round.delivered + round.failed == 0 {
                    break;
                }
            }
            sent
        }));
    }
    let mut per_worker = Vec::new();
    for w in workers {
        per_worker.push(w.await.unwrap());
    }
    let got = rx.got();
    let mut ids: Vec<String> = got
        .iter()
        .map(|r| r.header("webhook-id").to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(got.len(), 40, "each delivery sent once: {per_worker:?}");
    assert_eq!(ids.len(), 40);
    assert_eq!(per_worker.iter().sum::<usize>(), 40);
    let delivered: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM webhook_deliveries WHERE state = 'delivered' AND attempts = 1",
    )
    .fetch_one(&s.app.admin)
    .await
    .unwrap();
    assert_eq!(delivered, 40);

    // The log pages through them newest first, 25 at a time.
    let first = owner
        .page(&format!("/settings/webhooks/{endpoint_id}/deliveries"))
        .await;
    assert_eq!(first.matches("data-delivery=").count(), 25);
    let next = crate::helpers::next_link(&first).expect("an older page");
    let second = owner.page(&next).await;
    assert_eq!(second.matches("data-delivery=").count(), 15);
    assert!(crate::helpers::next_link(&second).is_none());
    let newest = crate::helpers::between(&first, r#"data-delivery=""#, "\"").unwrap();
    let all = deliveries_of(&s.app, endpoint_id).await;
    assert_eq!(newest, all.last().unwrap().0.to_string(), "newest first");
    assert!(!second.contains(newest));
}

#[tokio::test]
async fn endpoints_are_for_admins_with_secrets_sealed_and_changes_audited() {
    let (owner, s) = shop("hooks-admin").await;
    let app = &s.app;
    let agent = app
        .member(&owner, "agent@hooks-admin.example", "agent")
        .await;

    // Bad input: 422 with the reasons, nothing stored.
    let r = owner
        .post(
            "/settings/webhooks",
            &[
                ("url", "ftp://erp.example.com"),
                ("events", "ticket.created"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Enter an http:// or https:// address."));
    let r = owner
        .post(
            "/settings/webhooks",
            &[("url", "https://erp.example.com/h")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "no events");
    let r = owner
        .post(
            "/settings/webhooks",
            &[
                ("url", "https://erp.example.com/h"),
                ("events", "order.exploded"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown event"
    );
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_endpoints")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(count, 0);

    let (id, secret) = endpoint(
        &owner,
        "https://erp.example.com/hooks",
        &["ticket.created"],
        true,
    )
    .await;
    // Not in the list; stored sealed, not as plaintext.
    let list = owner.page("/settings/webhooks").await;
    assert!(list.contains("https://erp.example.com/hooks") && !list.contains(&secret));
    assert!(!list.contains("whsec_"));
    let sealed: String = sqlx::query_scalar("SELECT secret_sealed FROM webhook_endpoints")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert!(sealed.starts_with("v1:") && !sealed.contains(&secret[6..]));
    let opened = key()
        .open(
            &sealed,
            &aftersail_db::webhook_endpoints::secret_owner(
                TenantId(s.tenant),
                aftersail_domain::WebhookEndpointId(id),
            ),
        )
        .unwrap();
    assert_eq!(opened, secret.as_bytes());
    let dump: String =
        sqlx::query_scalar("SELECT string_agg(t::text, ' ') FROM webhook_endpoints t")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert!(
        !dump.contains(&secret[6..]),
        "the secret is nowhere in plaintext"
    );

    // Rotate: a new secret.
    let r = owner
        .post(&format!("/settings/webhooks/{id}/rotate"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = owner.page(&format!("/settings/webhooks/{id}")).await;
    let rotated = crate::helpers::between(&page, r#"id="webhook-secret">"#, "<").unwrap();
    assert!(rotated.starts_with("whsec_") && rotated != secret);

    // Update, then agents: 403 everywhere; then delete.
    let r = owner
        .post(
            &format!("/settings/webhooks/{id}"),
            &[
                ("url", "https://crm.example.com/in"),
                ("events", "rma.created"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (url, events, enabled): (String, Vec<String>, bool) =
        sqlx::query_as("SELECT url, event_types, enabled FROM webhook_endpoints")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(
        (url.as_str(), events, enabled),
        (
            "https://crm.example.com/in",
            vec!["rma.created".to_owned()],
            false
        )
    );

    let delivery = Uuid::now_v7();
    for path in [
        "/settings/webhooks".to_owned(),
        format!("/settings/webhooks/{id}"),
        format!("/settings/webhooks/{id}/deliveries"),
    ] {
        assert_eq!(
            agent.get(&path).await.status(),
            StatusCode::FORBIDDEN,
            "GET {path}"
        );
    }
    for path in [
        "/settings/webhooks".to_owned(),
        "/settings/webhooks/csat".to_owned(),
        format!("/settings/webhooks/{id}"),
        format!("/settings/webhooks/{id}/rotate"),
        format!("/settings/webhooks/{id}/delete"),
        format!("/settings/webhooks/{id}/test"),
        format!("/settings/webhooks/{id}/deliveries/{delivery}/redeliver"),
    ] {
        let r = agent
            .post(
                &path,
                &[
                    ("url", "https://evil.example"),
                    ("events", "ticket.created"),
                    ("enabled", "0"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "POST {path}");
    }
    let r = owner
        .post(&format!("/settings/webhooks/{id}/delete"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE target_type = 'webhook_endpoint' ORDER BY at, id",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "webhook_endpoint.created",
            "webhook_endpoint.secret_rotated",
            "webhook_endpoint.updated",
            "webhook_endpoint.deleted"
        ]
    );
}

#[tokio::test]
async fn another_shops_endpoints_and_deliveries_are_not_found() {
    let (owner, s) = shop("hooks-mine").await;
    let other = s.app.shop("Other", "owner@other.example").await;
    let rx = Receiver::start(Duration::ZERO).await;
    let (theirs, _) = endpoint(&other, &rx.url, &["ticket.created"], true).await;
    other
        .post(&format!("/settings/webhooks/{theirs}/test"), &[])
        .await;
    let (their_delivery, ..) = deliveries_of(&s.app, theirs).await[0].clone();
    let (mine, _) = endpoint(&owner, &rx.url, &["ticket.created"], true).await;

    for path in [
        format!("/settings/webhooks/{theirs}"),
        format!("/settings/webhooks/{theirs}/deliveries"),
        format!("/settings/webhooks/{}", Uuid::now_v7()),
    ] {
        assert_eq!(
            owner.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "GET {path}"
        );
    }
    for path in [
        format!("/settings/webhooks/{theirs}"),
        format!("/settings/webhooks/{theirs}/rotate"),
        format!("/settings/webhooks/{theirs}/delete"),
        format!("/settings/webhooks/{theirs}/test"),
        format!("/settings/webhooks/{theirs}/deliveries/{their_delivery}/redeliver"),
        // Their delivery under my endpoint.
        format!("/settings/webhooks/{mine}/deliveries/{their_delivery}/redeliver"),
    ] {
        let r = owner
            .post(
                &path,
                &[
                    ("url", "https://evil.example"),
                    ("events", "ticket.created"),
                    ("enabled", "1"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "POST {path}");
    }
    let (url, count): (String, i64) = sqlx::query_as(
        "SELECT url, (SELECT count(*) FROM webhook_deliveries) FROM webhook_endpoints WHERE id = $1",
    )
    .bind(theirs)
    .fetch_one(&s.app.admin)
    .await
    .unwrap();
    assert_eq!(
        (url.as_str(), count),
        (rx.url.as_str(), 1),
        "nothing of theirs changed"
    );
    // Bad filters are a 400, not a 500.
    for q in ["state=exploded", "after=yesterday"] {
        let r = owner
            .get(&format!("/settings/webhooks/{mine}/deliveries?{q}"))
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{q}");
    }
}

#[tokio::test]
async fn without_a_secret_key_endpoints_are_refused_clearly() {
    let app = spawn_app_with(|c| c.secret_key = None).await;
    let owner = app.shop("NoKey", "owner@nokey.example").await;
    let page = owner.page("/settings/webhooks").await;
    assert!(page.contains("no secret key is configured"));
    let r = owner
        .post(
            "/settings/webhooks",
            &[
                ("url", "https://erp.example.com/h"),
                ("events", "ticket.created"),
                ("enabled", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("no secret key is configured"));
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_endpoints")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(count, 0);
}
