//! Test harness: a fresh database per test, the real app on a random port, and a
//! cookie-keeping client per simulated browser.

use std::str::FromStr;
use std::sync::Mutex;

use aftersail_server::app::{self, Roles};
use aftersail_server::config::Config;
use reqwest::header::HeaderMap;
use reqwest::{redirect, Response, StatusCode};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, Executor, PgConnection, PgPool};
use tokio_util::sync::CancellationToken;

pub const PASSWORD: &str = "correct horse battery";
/// The key test apps seal channel credentials with.
pub const TEST_SECRET_KEY: &str =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// The server every test database lives on (CI and dev machines: local trust auth).
pub fn server_url() -> String {
    std::env::var("AFTERSAIL_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub struct TestDb {
    pub name: String,
    pub options: PgConnectOptions,
}

impl TestDb {
    /// Creates an empty, migrated database with a unique name.
    pub async fn create() -> TestDb {
        let server = PgConnectOptions::from_str(&server_url()).expect("test database URL");
        let name = format!("aftersail_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::connect_with(&server)
            .await
            .expect("PostgreSQL at 127.0.0.1:5432 must be running for tests");
        conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
            .await
            .expect("create test database");
        conn.close().await.ok();
        let options = server.database(&name);
        aftersail_db::migrate(&options)
            .await
            .expect("migrations apply to an empty database");
        TestDb { name, options }
    }
}

impl TestDb {
    /// A URL for the binary's `AFTERSAIL_DATABASE_URL`.
    pub fn url(&self) -> String {
        let server = server_url();
        let base = server
            .rsplit_once('/')
            .map_or(server.as_str(), |(base, _)| base);
        format!("{base}/{}", self.name)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let server = PgConnectOptions::from_str(&server_url()).expect("test database URL");
        let name = self.name.clone();
        // Drop runs outside async; a short-lived runtime on its own thread does the cleanup.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                if let Ok(mut conn) = PgConnection::connect_with(&server).await {
                    let _ = conn
                        .execute(
                            format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str(),
                        )
                        .await;
                }
            });
        })
        .join();
    }
}

pub struct TestApp {
    pub address: String,
    /// The app's own pool (connections run as the RLS-bound `aftersail_app` role).
    pub pool: PgPool,
    /// A superuser pool on the same database, for arranging and checking state behind the app's back.
    pub admin: PgPool,
    token: CancellationToken,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    /// Dropped with the app: the database is removed when the test ends.
    _db: TestDb,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let db = TestDb::create().await;
    let mut config = Config {
        static_dir: concat!(env!("CARGO_MANIFEST_DIR"), "/../../static").into(),
        shutdown_grace_secs: 5,
        secret_key: Some(TEST_SECRET_KEY.into()),
        ..Config::default()
    };
    configure(&mut config);
    let pool = aftersail_db::connect(db.options.clone(), 5)
        .await
        .expect("app pool");
    let admin = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(db.options.clone())
        .await
        .expect("admin pool");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = format!("http://{}", listener.local_addr().unwrap());
    let token = CancellationToken::new();
    let task = tokio::spawn({
        let (pool, token) = (pool.clone(), token.clone());
        async move {
            app::run(
                &config,
                pool,
                Some(listener),
                Roles {
                    http: true,
                    worker: false,
                },
                token,
            )
            .await
        }
    });
    TestApp {
        address,
        pool,
        admin,
        token,
        task: Some(task),
        _db: db,
    }
}

impl TestApp {
    pub fn browser(&self) -> Browser {
        Browser::new(&self.address)
    }

    /// Signs up a new shop through the UI; returns the owner's browser, signed in.
    pub async fn shop(&self, shop: &str, email: &str) -> Browser {
        let b = self.browser();
        let r = b.sign_up(shop, "Owner Person", email, PASSWORD).await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "sign-up of {shop} failed: {}",
            r.text().await.unwrap()
        );
        b.refresh_csrf().await;
        b
    }

    /// Invites `email` with `role` from `inviter` and accepts it in a new browser.
    pub async fn member(&self, inviter: &Browser, email: &str, role: &str) -> Browser {
        let html = inviter
            .post(
                "/settings/team/invitations",
                &[("email", email), ("role", role)],
            )
            .await
            .text()
            .await
            .unwrap();
        let link = between(&html, r#"<code class="copy" id="invite-link">"#, "</code>")
            .expect("invite link shown");
        let path = link
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
            .unwrap()
            .to_owned();
        let b = self.browser();
        let token = b.csrf_from(&path).await;
        let r = b
            .post_with(
                &path,
                &token,
                &[("name", "Member Person"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "accepting invitation failed"
        );
        b.refresh_csrf().await;
        b
    }

    pub async fn id_of_user(&self, email: &str) -> uuid::Uuid {
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(&self.admin)
            .await
            .unwrap()
    }

    /// The test database's URL, for processes of the binary.
    pub fn database_url(&self) -> String {
        self._db.url()
    }

    pub async fn tenant_of(&self, email: &str) -> uuid::Uuid {
        sqlx::query_scalar("SELECT tenant_id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(&self.admin)
            .await
            .unwrap()
    }

    /// Cancels the app and waits for its graceful shutdown.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.token.cancel();
        self.task.take().unwrap().await.unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.token.cancel();
    }
}

/// One simulated browser: its own cookie jar, no automatic redirects (tests assert them).
pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
    csrf: Mutex<String>,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            base: base.to_owned(),
            client,
            csrf: Mutex::new(String::new()),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_with(&self, path: &str, headers: HeaderMap) -> Response {
        self.client
            .get(self.url(path))
            .headers(headers)
            .send()
            .await
            .unwrap()
    }

    /// GET, asserting 200, returning the HTML.
    pub async fn page(&self, path: &str) -> String {
        let r = self.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.text().await.unwrap()
    }

    /// Loads a page and returns the CSRF token its forms carry.
    pub async fn csrf_from(&self, path: &str) -> String {
        let html = self.get(path).await.text().await.unwrap();
        csrf_in(&html).unwrap_or_else(|| panic!("no CSRF token on {path}"))
    }

    /// Remembers the signed-in session's CSRF token for [`Browser::post`].
    pub async fn refresh_csrf(&self) {
        let token = self.csrf_from("/settings/profile").await;
        *self.csrf.lock().unwrap() = token;
    }

    /// POSTs a form with the remembered CSRF token, as the page's own form would.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Response {
        let token = self.csrf.lock().unwrap().clone();
        self.post_with(path, &token, form).await
    }

    pub async fn post_with(&self, path: &str, csrf: &str, form: &[(&str, &str)]) -> Response {
        let mut fields = vec![("_csrf", csrf)];
        fields.extend_from_slice(form);
        self.client
            .post(self.url(path))
            .form(&fields)
            .send()
            .await
            .unwrap()
    }

    /// POSTs a multipart form (as the reply and note forms send): text fields with the
    /// remembered CSRF token, and files as (field, file name, content type, bytes).
    pub async fn post_files(
        &self,
        path: &str,
        form: &[(&str, &str)],
        files: Vec<(&str, &str, &str, Vec<u8>)>,
    ) -> Response {
        let token = self.csrf.lock().unwrap().clone();
        let mut multipart = reqwest::multipart::Form::new().text("_csrf", token);
        for (name, value) in form {
            multipart = multipart.text(name.to_string(), value.to_string());
        }
        for (field, filename, content_type, bytes) in files {
            let part = reqwest::multipart::Part::bytes(bytes)
                .file_name(filename.to_owned())
                .mime_str(content_type)
                .unwrap();
            multipart = multipart.part(field.to_owned(), part);
        }
        self.client
            .post(self.url(path))
            .multipart(multipart)
            .send()
            .await
            .unwrap()
    }

    pub async fn sign_up(&self, shop: &str, name: &str, email: &str, password: &str) -> Response {
        let token = self.csrf_from("/signup").await;
        self.post_with(
            "/signup",
            &token,
            &[
                ("shop_name", shop),
                ("name", name),
                ("email", email),
                ("password", password),
            ],
        )
        .await
    }

    pub async fn log_in(&self, email: &str, password: &str) -> Response {
        let token = self.csrf_from("/login").await;
        let r = self
            .post_with(
                "/login",
                &token,
                &[("email", email), ("password", password)],
            )
            .await;
        if r.status() == StatusCode::SEE_OTHER {
            self.refresh_csrf().await;
        }
        r
    }
}

pub fn csrf_in(html: &str) -> Option<String> {
    between(html, r#"name="_csrf" value=""#, "\"").map(str::to_owned)
}

pub fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let len = s[from..].find(end)?;
    Some(&s[from..from + len])
}

pub fn location(r: &Response) -> &str {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The page as text a person reads: tags dropped, character references decoded, whitespace collapsed.
pub fn visible(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let decoded = [
        ("&#38;", "&"),
        ("&amp;", "&"),
        ("&#39;", "'"),
        ("&#x27;", "'"),
        ("&#34;", "\""),
        ("&quot;", "\""),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&#60;", "<"),
        ("&#62;", ">"),
    ]
    .iter()
    .fold(text, |text, (entity, ch)| text.replace(entity, ch));
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `rel="next"` link of a paged list, as a path with its query decoded.
pub fn next_link(html: &str) -> Option<String> {
    let end = html.find(r#"" rel="next""#)?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(html[start..end].replace("&amp;", "&").replace("&#38;", "&"))
}

/// A buyer writes on ticket `number` (stored the way ingest stores it, which notifies).
pub async fn buyer_writes(app: &TestApp, tenant: uuid::Uuid, number: i64, text: &str) {
    use aftersail_db::{messages, tickets, TenantTx};
    let mut tx = TenantTx::begin(&app.pool, aftersail_domain::TenantId(tenant))
        .await
        .unwrap();
    let ticket = tickets::get_by_number(&mut tx, number)
        .await
        .unwrap()
        .unwrap();
    let m = messages::NewMessage {
        ticket_id: ticket.id,
        kind: "inbound",
        author: None,
        body_text: text,
        language: Some("de"),
        channel: "amazon",
        external_id: None,
        delivery_state: None,
        at: chrono::Utc::now(),
    };
    messages::create(&mut tx, m).await.unwrap();
    tx.commit().await.unwrap();
}

/// The buyer's mail for jobs that move returns, as the binary wires it.
pub fn notices(_app: &TestApp) -> app::PortalNotices {
    app::PortalNotices { public_url: None }
}

/// How the connection's prepared statement whose text is like `pattern` was planned, as
/// (shared plans, plans made per call), and the plan mode the transaction is left in: for
/// checking that a query runs on one shared plan and hands the transaction back.
pub async fn plans_of(conn: &mut PgConnection, pattern: &str) -> ((i64, i64), String) {
    let plans = sqlx::query_as(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE $1",
    )
    .bind(pattern)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    let mode = sqlx::query_scalar("SELECT current_setting('plan_cache_mode')")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    (plans, mode)
}
