//! Machine translation as the shop uses it: Settings → Translation (service, key, sample,
//! glossary), buyer messages shown in each agent's language, and replies sent in the
//! buyer's. The service is a local server answering as LibreTranslate's API documents
//! (`POST /translate` with q/source/target/format/api_key → `{"translatedText"}`, errors as
//! `{"error"}`), translating word by word from a small dictionary and recording every
//! request; the channel the replies go out through is the scripted one of `channel_sync`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aftersail_channels::crypto::SecretKey;
use aftersail_channels::{Connector, ConnectorError};
use aftersail_worker::{outbox_delivery, Connectors};
use axum::extract::State;
use axum::http::StatusCode as AxumStatus;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::channel_sync::{add_channel, scalar, FakeChannel};
use crate::helpers::*;

const KEY: &str = "lt-key-7d1f0c2a";
const LEASE: Duration = Duration::from_secs(60);

/// What the fake service does with the next requests.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Up,
    /// Answers 500, as an instance whose model failed does.
    Down,
}

struct FakeLibre {
    mode: Mutex<Mode>,
    requests: Mutex<Vec<Value>>,
}

impl FakeLibre {
    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    fn requests(&self) -> Vec<Value> {
        self.requests.lock().unwrap().clone()
    }
}

/// The words the fake knows, by target language (the source is whatever the text is in).
fn dictionary(target: &str) -> Option<(&'static [(&'static str, &'static str)], &'static str)> {
    const ENGLISH: &[(&str, &str)] = &[
        ("mein", "My"),
        ("kissen", "cushion"),
        ("ist", "is"),
        ("kaputt", "broken"),
        ("aftersail", "Aftersegel"),
        ("pro", "Profi"),
    ];
    const CHINESE: &[(&str, &str)] = &[
        ("mein", "我的"),
        ("kissen", "靠垫"),
        ("ist", ""),
        ("kaputt", "坏了"),
        ("aftersail", "售后帆"),
        ("pro", "专业版"),
    ];
    const GERMAN: &[(&str, &str)] = &[
        ("thank", "Vielen"),
        ("you", "Dank"),
        ("for", "für"),
        ("your", "Ihre"),
        ("order", "Bestellung"),
        ("it", "Sie"),
        ("ships", "wird"),
        ("today", "heute versandt"),
        ("aftersail", "Nachsegel"),
        ("pro", "Profi"),
    ];
    match target {
        "en" => Some((ENGLISH, " ")),
        "zh" => Some((CHINESE, "")),
        "de" => Some((GERMAN, " ")),
        _ => None,
    }
}

/// Word by word; unknown words (and placeholders) are copied. A glossary term that reached
/// it unprotected comes back translated ("Aftersegel"), so the tests notice.
fn engine(text: &str, target: &str) -> Option<String> {
    let (words, joiner) = dictionary(target)?;
    let out: Vec<String> = text
        .split(' ')
        .map(|token| {
            let word = token.trim_end_matches(['.', ',', '?', '!']);
            let rest = &token[word.len()..];
            let translated = words
                .iter()
                .find(|(w, _)| w.eq_ignore_ascii_case(word))
                .map_or(word, |(_, t)| t);
            let rest = if joiner.is_empty() {
                rest.replace('.', "。")
            } else {
                rest.to_owned()
            };
            format!("{translated}{rest}")
        })
        .filter(|w| !w.is_empty())
        .collect();
    Some(out.join(joiner))
}

fn error(status: u16, message: &str) -> Response {
    (
        AxumStatus::from_u16(status).unwrap(),
        Json(json!({ "error": message })),
    )
        .into_response()
}

async fn libre(State(fake): State<Arc<FakeLibre>>, Json(body): Json<Value>) -> Response {
    fake.requests.lock().unwrap().push(body.clone());
    if *fake.mode.lock().unwrap() == Mode::Down {
        return error(500, "Cannot translate text: model not loaded");
    }
    if body.get("api_key").and_then(Value::as_str) != Some(KEY) {
        return error(403, "Invalid API key");
    }
    let q = body["q"].as_str().unwrap_or_default();
    let target = body["target"].as_str().unwrap_or_default();
    match engine(q, target) {
        Some(text) => Json(json!({ "translatedText": text })).into_response(),
        None => error(400, &format!("{target} is not supported")),
    }
}

/// The fake service on a free port: its URL.
async fn start_libre() -> (String, Arc<FakeLibre>) {
    let fake = Arc::new(FakeLibre {
        mode: Mutex::new(Mode::Up),
        requests: Mutex::new(Vec::new()),
    });
    let app = Router::new()
        .route("/translate", axum::routing::post(libre))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, fake)
}

/// Saves LibreTranslate at `url` with the key through the settings form.
async fn use_libre(owner: &Browser, url: &str) {
    let r = owner
        .post(
            "/settings/translation",
            &[
                ("provider", "libretranslate"),
                ("libre_url", url),
                ("libre_api_key", KEY),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
}

async fn add_term(owner: &Browser, term: &str, forms: &str) -> reqwest::Response {
    owner
        .post(
            "/settings/translation/glossary",
            &[("term", term), ("forms", forms)],
        )
        .await
}

fn htmx() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("hx-request", HeaderValue::from_static("true"));
    headers
}

async fn sealed(app: &TestApp, tenant: uuid::Uuid) -> Option<String> {
    sqlx::query_scalar("SELECT translation_sealed FROM tenants WHERE id = $1")
        .bind(tenant)
        .fetch_one(&app.admin)
        .await
        .unwrap()
}

async fn test_sample(owner: &Browser, target: &str) -> String {
    let token = owner.csrf_from("/settings/translation").await;
    let r = owner
        .client
        .post(owner.url("/settings/translation/test"))
        .headers(htmx())
        .form(&[("_csrf", token.as_str()), ("target", target)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.text().await.unwrap()
}

#[tokio::test]
async fn the_service_is_set_by_admins_checked_tested_and_keeps_its_key() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let (url, fake) = start_libre().await;

    // Agents neither see nor change it.
    assert_eq!(
        agent.get("/settings/translation").await.status(),
        StatusCode::FORBIDDEN
    );
    let r = agent
        .post(
            "/settings/translation",
            &[("provider", "libretranslate"), ("libre_url", &url)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(sealed(&app, tenant).await, None);
    let html = owner.page("/settings/translation").await;
    assert!(
        html.contains(r#"<option value="none" selected>"#),
        "off by default"
    );
    assert!(html.contains(r#"href="/settings/translation" aria-current="page""#));

    // Problems are shown by their field, and nothing is stored.
    let r = owner
        .post(
            "/settings/translation",
            &[
                ("provider", "libretranslate"),
                ("libre_url", "localhost:5000"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"id="libre-url" name="libre_url" maxlength="500" value="localhost:5000""#)
    );
    assert!(visible(&html).contains("Enter an http(s) URL such as https://example.com."));
    let r = owner
        .post(
            "/settings/translation",
            &[
                ("provider", "openai"),
                ("openai_base_url", "http://llm.local/v1"),
                ("openai_model", " "),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let model_field = &html[html.find(r#"id="openai-model""#).unwrap()..];
    assert!(model_field.contains(r#"aria-invalid="true""#));
    assert!(model_field.contains("Required."));
    let r = owner
        .post("/settings/translation", &[("provider", "deepl")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(sealed(&app, tenant).await, None);
    let r = owner
        .post("/settings/translation", &[("provider", "bing")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // Saved sealed; the key is never shown again.
    use_libre(&owner, &url).await;
    let stored = sealed(&app, tenant).await.expect("stored");
    assert!(!stored.contains(KEY) && !stored.contains("libretranslate"));
    let html = owner
        .page("/settings/translation?notice=translation_saved")
        .await;
    assert!(!html.contains(KEY));
    assert!(html.contains(r#"<option value="libretranslate" selected>"#));
    assert!(html.contains(&format!(r#"value="{url}""#)));
    assert!(visible(&html).contains("Translation settings saved."));
    assert!(html.contains(r#"placeholder="A key is stored; leave blank to keep it.""#));

    // "Translate the sample" uses the saved settings.
    let fragment = test_sample(&owner, "de").await;
    assert!(
        visible(&fragment).contains("Translated by libretranslate: Vielen Dank für Ihre Bestellung. Sie wird heute versandt."),
        "{fragment}"
    );
    let seen = fake.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["api_key"], KEY);
    assert_eq!(seen[0]["source"], "en");
    assert_eq!(seen[0]["target"], "de");

    // A blank key keeps the stored one.
    let r = owner
        .post(
            "/settings/translation",
            &[
                ("provider", "libretranslate"),
                ("libre_url", &format!("{url}/")),
                ("libre_api_key", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    test_sample(&owner, "de").await;
    assert_eq!(fake.requests()[1]["api_key"], KEY);

    // The service's own error is shown.
    fake.set(Mode::Down);
    let fragment = visible(&test_sample(&owner, "de").await);
    assert!(
        fragment.contains("The translation failed:") && fragment.contains("model not loaded"),
        "{fragment}"
    );
    fake.set(Mode::Up);
    let fragment = visible(&test_sample(&owner, "xx").await);
    assert!(fragment.contains("Enter a language code such as de, pt or zh."));
    assert_eq!(fake.requests().len(), 3, "a bad language is not sent");
    // Without htmx: the page with the result.
    let r = owner
        .post("/settings/translation/test", &[("target", "zh")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="translation-form""#));
    assert!(html.contains("data-test-translation"));

    // "None" turns translation off.
    let r = owner
        .post("/settings/translation", &[("provider", "none")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(sealed(&app, tenant).await, None);
    assert!(visible(&test_sample(&owner, "de").await).contains("Save a translation service first."));

    let changes: Vec<Value> = sqlx::query_scalar(
        "SELECT detail FROM audit_events WHERE action = 'translation.settings_changed' ORDER BY at",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(
        changes,
        vec![
            json!({ "provider": "libretranslate", "credentials_changed": true }),
            json!({ "provider": "libretranslate", "credentials_changed": false }),
            json!({ "provider": "none", "credentials_changed": false }),
        ]
    );
}

#[tokio::test]
async fn glossary_terms_are_added_checked_replaced_and_deleted_per_shop() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let other = app.shop("Other", "other@example.com").await;
    let count = || scalar(&app, "SELECT count(*) FROM glossary_entries");

    let r = add_term(&owner, " Aftersail Pro ", "").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&r),
        "/settings/translation?notice=glossary_term_saved#glossary"
    );
    assert_eq!(
        add_term(&owner, "cushion", "de=Kissen, zh=抱枕")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let html = visible(&owner.page("/settings/translation").await);
    assert!(html.contains("Aftersail Pro kept as written"), "{html}");
    assert!(html.contains("cushion de=Kissen, zh=抱枕"), "{html}");

    // Forms not written as language=form, and codes that are not languages: nothing stored.
    let r = add_term(&owner, "pillow", "Kissen").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(visible(&html).contains("Write each form as language=form, such as de=Kissen: Kissen"));
    assert!(html.contains(r#"value="pillow""#), "shown again as typed");
    let r = add_term(&owner, "pillow", "german=Kissen").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        visible(&r.text().await.unwrap()).contains("is not a lowercase ISO 639-1 language code")
    );
    let r = add_term(&owner, "pillow", "de=").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible(&r.text().await.unwrap()).contains("the de form is empty"));
    let r = add_term(&owner, "   ", "").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count().await, 2);

    // The same term in another case replaces its forms.
    assert_eq!(
        add_term(&owner, "Cushion", "DE=Polster").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(count().await, 2);
    let html = visible(&owner.page("/settings/translation").await);
    assert!(html.contains("Cushion de=Polster"), "{html}");

    // Agents cannot change it; another shop cannot delete it.
    assert_eq!(
        add_term(&agent, "x", "").await.status(),
        StatusCode::FORBIDDEN
    );
    let id: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM glossary_entries WHERE term = 'Cushion'")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    let delete = format!("/settings/translation/glossary/{id}/delete");
    assert_eq!(
        other.post(&delete, &[]).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        agent.post(&delete, &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(count().await, 2);
    let r = owner.post(&delete, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(count().await, 1);
    assert_eq!(
        owner.post(&delete, &[]).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM audit_events WHERE action IN ('glossary.term_saved', 'glossary.term_deleted')"
        )
        .await,
        4
    );
}

const GERMAN: &str = "Mein Aftersail Pro Kissen ist kaputt.";

/// A shop with LibreTranslate, "Aftersail Pro" in its glossary and one German ticket with
/// a buyer message: (owner, tenant, ticket number, the message's id).
async fn german_ticket(app: &TestApp, url: &str) -> (Browser, uuid::Uuid, i64, uuid::Uuid) {
    let owner = app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    use_libre(&owner, url).await;
    assert_eq!(
        add_term(&owner, "Aftersail Pro", "").await.status(),
        StatusCode::SEE_OTHER
    );
    crate::tickets::seed_for(app, tenant, 1, "T").await;
    let number = scalar(app, "SELECT number FROM tickets").await;
    buyer_writes(app, tenant, number, GERMAN).await;
    let message: uuid::Uuid = sqlx::query_scalar("SELECT id FROM messages WHERE body_text = $1")
        .bind(GERMAN)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    (owner, tenant, number, message)
}

#[tokio::test]
async fn buyer_messages_are_translated_for_each_agent_once_with_the_glossary() {
    let app = spawn_app().await;
    let (url, fake) = start_libre().await;
    let (owner, _tenant, number, message) = german_ticket(&app, &url).await;
    let fragment_path = format!("/tickets/{number}/messages/{message}/translation");

    // The page asks for the translation when the message comes into view.
    let page = owner.page(&format!("/tickets/{number}")).await;
    assert!(page.contains(&format!(
        r#"hx-get="{fragment_path}" hx-trigger="revealed""#
    )));
    assert!(
        fake.requests().is_empty(),
        "nothing is translated before it is asked for"
    );

    let fragment = owner.page(&fragment_path).await;
    assert!(
        fragment.contains(r#"lang="en" data-translation"#),
        "{fragment}"
    );
    assert!(
        visible(&fragment)
            .contains("Translation · Translated from de: My Aftersail Pro cushion is broken."),
        "{fragment}"
    );
    let seen = fake.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0]["q"], "Mein [[1]] Kissen ist kaputt.",
        "the term never reaches the service"
    );
    assert_eq!(
        (&seen[0]["source"], &seen[0]["target"]),
        (&json!("de"), &json!("en"))
    );

    // Kept: shown again without asking the service, and inline on the page.
    assert_eq!(owner.page(&fragment_path).await, fragment);
    let page = visible(&owner.page(&format!("/tickets/{number}")).await);
    assert!(page.contains("My Aftersail Pro cushion is broken."));
    assert_eq!(fake.requests().len(), 1);

    // A Chinese-reading agent gets it in Chinese (once).
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let r = agent
        .post(
            "/settings/language",
            &[("ui_locale", "zh-CN"), ("next", "/inbox")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = agent.page(&format!("/tickets/{number}")).await;
    assert!(
        page.contains(&fragment_path),
        "not yet in Chinese: asked for"
    );
    let zh = agent.page(&fragment_path).await;
    assert!(zh.contains(r#"lang="zh" data-translation"#), "{zh}");
    assert!(visible(&zh).contains("我的Aftersail Pro靠垫坏了。"), "{zh}");
    assert_eq!(agent.page(&fragment_path).await, zh);
    assert_eq!(fake.requests().len(), 2);
    let kept: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT language, text, provider FROM message_translations WHERE message_id = $1 ORDER BY language",
    )
    .bind(message)
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(
        kept,
        vec![
            (
                "en".into(),
                "My Aftersail Pro cushion is broken.".into(),
                "libretranslate".into()
            ),
            (
                "zh".into(),
                "我的Aftersail Pro靠垫坏了。".into(),
                "libretranslate".into()
            ),
        ]
    );
}

#[tokio::test]
async fn translations_are_the_shops_own_and_only_of_buyer_messages_on_the_ticket() {
    let app = spawn_app().await;
    let (url, fake) = start_libre().await;
    let (_owner, _tenant, number, message) = german_ticket(&app, &url).await;

    // Another shop with a service and a ticket of the same number.
    let other = app.shop("Other", "other@example.com").await;
    let other_tenant = app.tenant_of("other@example.com").await;
    crate::tickets::seed_for(&app, other_tenant, 2, "O").await;
    let other_path = format!("/tickets/{number}/messages/{message}/translation");
    let other_number: i64 = sqlx::query_scalar(
        "SELECT number FROM tickets WHERE tenant_id = $1 ORDER BY number DESC LIMIT 1",
    )
    .bind(other_tenant)
    .fetch_one(&app.admin)
    .await
    .unwrap();
    // Without a service the page never asks, and the route is not there.
    assert!(!other
        .page(&format!("/tickets/{other_number}"))
        .await
        .contains("data-translation-pending"));
    let own: uuid::Uuid = sqlx::query_scalar(
        "SELECT m.id FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE m.tenant_id = $1 AND t.number = $2",
    )
    .bind(other_tenant)
    .bind(other_number)
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(
        other
            .get(&format!(
                "/tickets/{other_number}/messages/{own}/translation"
            ))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    use_libre(&other, &url).await;
    assert_eq!(other.get(&other_path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        other
            .get(&format!(
                "/tickets/{other_number}/messages/{message}/translation"
            ))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .get(&format!("/tickets/999/messages/{message}/translation"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn a_service_that_fails_shows_the_error_with_try_again_and_keeps_nothing() {
    let app = spawn_app().await;
    let (url, fake) = start_libre().await;
    let (owner, _tenant, number, message) = german_ticket(&app, &url).await;
    let fragment_path = format!("/tickets/{number}/messages/{message}/translation");
    // Another message on the ticket, and a message of the ticket that is ours: not a buyer's.
    let seeded: uuid::Uuid = sqlx::query_scalar("SELECT id FROM messages WHERE body_text <> $1")
        .bind(GERMAN)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    sqlx::query("UPDATE messages SET kind = 'note' WHERE id = $1")
        .bind(seeded)
        .execute(&app.admin)
        .await
        .unwrap();
    assert_eq!(
        owner
            .get(&format!("/tickets/{number}/messages/{seeded}/translation"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    fake.set(Mode::Down);
    let r = owner.get(&fragment_path).await;
    assert_eq!(r.status(), StatusCode::OK, "htmx swaps only 2xx answers");
    let html = r.text().await.unwrap();
    assert!(
        visible(&html).contains("Could not translate: service unavailable: LibreTranslate failed on its side (HTTP 500): Cannot translate text: model not loaded"),
        "{html}"
    );
    assert!(html.contains(&format!(r#"hx-get="{fragment_path}""#)));
    assert!(visible(&html).contains("Try again"));
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM message_translations").await,
        0
    );

    fake.set(Mode::Up);
    let html = owner.page(&fragment_path).await;
    assert!(visible(&html).contains("My Aftersail Pro cushion is broken."));
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM message_translations").await,
        1
    );
    assert_eq!(fake.requests().len(), 2);
}

/// The ticket of [`german_ticket`] answered through a (fake) mail channel: the connectors
/// that deliver through `channel` with the app's key (so they open the service's settings).
async fn reply_channel(
    app: &TestApp,
    tenant: uuid::Uuid,
    channel: &Arc<FakeChannel>,
) -> Connectors {
    let id = add_channel(app, tenant, "Mail").await;
    sqlx::raw_sql(&format!(
        "UPDATE tickets SET channel_id = '{id}', channel = 'email';
         UPDATE customers SET email = 'kunde@buyer.example';"
    ))
    .execute(&app.admin)
    .await
    .unwrap();
    let channel = channel.clone();
    Connectors::with_factory(
        Some(SecretKey::parse(TEST_SECRET_KEY).unwrap()),
        move |_, _| Ok(channel.clone() as Arc<dyn Connector>),
    )
}

async fn reply(owner: &Browser, number: i64, body: &str, key: &str, translate: bool) {
    let mut form = vec![("body", body), ("idempotency_key", key), ("status", "")];
    if translate {
        form.push(("translate", "1"));
    }
    let r = owner.post(&format!("/tickets/{number}/reply"), &form).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
}

async fn due_now(app: &TestApp) {
    sqlx::raw_sql(
        "UPDATE outbox SET next_attempt_at = now(); UPDATE channels SET next_request_at = now()",
    )
    .execute(&app.admin)
    .await
    .unwrap();
}

/// The reply's outbox state, attempts and last error.
async fn delivery_of(app: &TestApp, body: &str) -> (String, i32, Option<String>) {
    sqlx::query_as(
        "SELECT o.state, o.attempts, o.last_error FROM outbox o
         JOIN messages m ON m.id = o.message_id WHERE m.body_text = $1",
    )
    .bind(body)
    .fetch_one(&app.admin)
    .await
    .unwrap()
}

const REPLY: &str = "Your Aftersail Pro ships today.";
const REPLY_DE: &str = "Ihre Aftersail Pro wird heute versandt.";

#[tokio::test]
async fn replies_are_sent_in_the_buyers_language_translated_once() {
    let app = spawn_app().await;
    let (url, fake) = start_libre().await;
    let (owner, tenant, number, _) = german_ticket(&app, &url).await;
    let channel = Arc::new(FakeChannel::default());
    let connectors = reply_channel(&app, tenant, &channel).await;

    let page = owner.page(&format!("/tickets/{number}")).await;
    assert!(page.contains(
        r#"<input type="checkbox" name="translate" value="1" checked id="reply-translate">"#
    ));
    reply(&owner, number, REPLY, "reply-translated-0001", true).await;
    let (language, translate_to): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT language, translate_to FROM messages WHERE body_text = $1")
            .bind(REPLY)
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(
        (language.as_deref(), translate_to.as_deref()),
        (Some("en"), Some("de")),
        "written in the agent's language, to be sent in the buyer's"
    );
    let page = visible(&owner.page(&format!("/tickets/{number}")).await);
    assert!(page.contains("Will be translated before sending into de"));

    // The channel fails the first time: the translation made for it is kept...
    channel
        .send_failures
        .lock()
        .unwrap()
        .push_back(ConnectorError::Transient("SMTP 451 try later".into()));
    let round = outbox_delivery::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.failed, 1);
    assert!(channel.sent.lock().unwrap().is_empty());
    assert_eq!(fake.requests().len(), 1);
    let seen = &fake.requests()[0];
    assert_eq!(seen["q"], "Your [[1]] ships today.");
    assert_eq!(
        (&seen["source"], &seen["target"]),
        (&json!("en"), &json!("de"))
    );
    let kept: String = sqlx::query_scalar(
        "SELECT mt.text FROM message_translations mt JOIN messages m ON m.id = mt.message_id
         WHERE m.body_text = $1 AND mt.language = 'de'",
    )
    .bind(REPLY)
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(kept, REPLY_DE);

    // ...and sent on the retry without asking the service again.
    due_now(&app).await;
    let round = outbox_delivery::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.sent, 1);
    let sent = channel.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].body_text, REPLY_DE);
    assert_eq!(sent[0].to, "kunde@buyer.example");
    assert_eq!(fake.requests().len(), 1);
    let page = visible(&owner.page(&format!("/tickets/{number}")).await);
    assert!(
        page.contains(&format!("Sent to the buyer in (de): {REPLY_DE}")),
        "{page}"
    );

    // Unticked: sent as written, the service is not asked.
    reply(&owner, number, "Danke!", "reply-untranslated-01", false).await;
    let round = outbox_delivery::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.sent, 1);
    assert_eq!(channel.sent.lock().unwrap()[1].body_text, "Danke!");
    assert_eq!(fake.requests().len(), 1);
    let translate_to: Option<String> =
        sqlx::query_scalar("SELECT translate_to FROM messages WHERE body_text = 'Danke!'")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(translate_to, None);

    // Without a service the box is not offered, and a form that sends it anyway is not
    // translated.
    let r = owner
        .post("/settings/translation", &[("provider", "none")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(!owner
        .page(&format!("/tickets/{number}"))
        .await
        .contains("reply-translate"));
    reply(&owner, number, "Bis bald.", "reply-no-service-01", true).await;
    let (language, translate_to): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT language, translate_to FROM messages WHERE body_text = 'Bis bald.'")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!((language.as_deref(), translate_to), (Some("de"), None));
}

#[tokio::test]
async fn a_reply_that_cannot_be_translated_is_never_sent_untranslated() {
    let app = spawn_app().await;
    let (url, fake) = start_libre().await;
    let (owner, tenant, number, _) = german_ticket(&app, &url).await;
    let channel = Arc::new(FakeChannel::default());
    let connectors = reply_channel(&app, tenant, &channel).await;
    reply(&owner, number, REPLY, "reply-translated-0002", true).await;

    // The service is down: a failed delivery, retried later.
    fake.set(Mode::Down);
    let round = outbox_delivery::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.failed, 1);
    let (state, attempts, error) = delivery_of(&app, REPLY).await;
    assert_eq!((state.as_str(), attempts), ("failed", 1));
    let error = error.unwrap();
    assert!(
        error.starts_with("Translation failed: service unavailable:") && error.contains("HTTP 500"),
        "{error}"
    );
    assert!(channel.sent.lock().unwrap().is_empty());
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM message_translations").await,
        0
    );
    let page = visible(&owner.page(&format!("/tickets/{number}")).await);
    assert!(
        page.contains("Translation failed: service unavailable"),
        "{page}"
    );

    // The service refuses the language for good: dead at once, still nothing sent.
    sqlx::query("UPDATE messages SET translate_to = 'sw' WHERE body_text = $1")
        .bind(REPLY)
        .execute(&app.admin)
        .await
        .unwrap();
    fake.set(Mode::Up);
    due_now(&app).await;
    let round = outbox_delivery::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.dead, 1);
    let (state, _, error) = delivery_of(&app, REPLY).await;
    assert_eq!(state, "dead");
    assert!(
        error
            .as_deref()
            .unwrap()
            .starts_with("Translation failed: language not supported:"),
        "{error:?}"
    );
    assert!(channel.sent.lock().unwrap().is_empty());

    // The agent sends it again once it can be translated.
    sqlx::query("UPDATE messages SET translate_to = 'de' WHERE body_text = $1")
        .bind(REPLY)
        .execute(&app.admin)
        .await
        .unwrap();
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM messages WHERE body_text = $1")
        .bind(REPLY)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let r = owner
        .post(&format!("/tickets/{number}/messages/{id}/retry"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    due_now(&app).await;
    let round = outbox_delivery::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.sent, 1);
    assert_eq!(channel.sent.lock().unwrap()[0].body_text, REPLY_DE);

    // The service was turned off while a reply waited: it is not sent untranslated either.
    reply(
        &owner,
        number,
        "Your order ships today.",
        "reply-translated-0003",
        true,
    )
    .await;
    let r = owner
        .post("/settings/translation", &[("provider", "none")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let round = outbox_delivery::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.dead, 1);
    let (_, _, error) = delivery_of(&app, "Your order ships today.").await;
    assert!(
        error
            .as_deref()
            .unwrap()
            .starts_with("Translation failed: the shop has no translation provider"),
        "{error:?}"
    );
    assert_eq!(channel.sent.lock().unwrap().len(), 1);
}

/// In a real browser (headless Chromium): the German message comes into view and htmx fetches
/// its translation; the reply box offers translating the reply, which is queued with the
/// buyer's language.
#[tokio::test]
async fn an_agent_reads_and_answers_a_german_buyer_in_english_in_the_browser() {
    let Some(web) = crate::browser::WebDriver::start().await else {
        return;
    };
    let app = spawn_app().await;
    let (url, fake) = start_libre().await;
    let (_owner, _tenant, number, _message) = german_ticket(&app, &url).await;

    web.goto(&format!("{}/login", app.address)).await;
    web.type_into("#email", "owner@example.com").await;
    web.type_into("#password", PASSWORD).await;
    web.click("button[type=submit]").await;
    web.wait_path("/inbox").await;
    web.goto(&format!("{}/tickets/{number}", app.address)).await;
    // Every buyer message in German comes back translated (the seeded one and the buyer's).
    web.wait_true(
        "Array.from(document.querySelectorAll('[data-translation]')).some(e => \
         e.textContent.includes('My Aftersail Pro cushion is broken.'))",
    )
    .await;
    assert!(fake
        .requests()
        .iter()
        .any(|r| r["q"] == "Mein [[1]] Kissen ist kaputt."));
    assert!(
        web.script("return document.querySelector('#reply-translate').checked")
            .await
            .as_bool()
            .unwrap_or(false),
        "translating the reply is offered and on"
    );
    web.type_into("#reply", "Your cushion is on its way.").await;
    web.click("#reply-form button[type=submit]").await;
    web.wait_true("!!document.querySelector('[data-translate-to]')")
        .await;
    assert!(web.text("[data-translate-to]").await.contains("de"));
    let translate_to: Option<String> = sqlx::query_scalar(
        "SELECT translate_to FROM messages WHERE body_text = 'Your cushion is on its way.'",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(translate_to.as_deref(), Some("de"));
    web.screenshot("ticket-translated").await;
}
