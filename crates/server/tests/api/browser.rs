//! The app in a real browser: headless Chromium driven through chromedriver's W3C WebDriver
//! API (plain JSON over HTTP, so no extra client library). `.ci/run` installs both.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::*;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

pub(crate) struct WebDriver {
    http: reqwest::Client,
    base: String,
    session: String,
    driver: Child,
    profile: std::path::PathBuf,
}

impl WebDriver {
    /// Starts chromedriver and a headless Chromium; `None` (test skipped) only outside CI.
    pub(crate) async fn start() -> Option<WebDriver> {
        if !std::path::Path::new(CHROMEDRIVER).exists() || !std::path::Path::new(CHROMIUM).exists()
        {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must have chromium and chromedriver (.ci/run installs them)"
            );
            eprintln!("skipping browser test: install chromium and chromium-driver to run it");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let start = Instant::now();
        while http.get(format!("{base}/status")).send().await.is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = std::env::temp_dir().join(format!(
            "aftersail-chromium-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,900",
        ];
        let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
            // The console (script errors, CSP violations, failed loads) for `console_errors`.
            "goog:loggingPrefs": { "browser": "ALL" }
        }}});
        let created: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let session = created["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_owned();
        Some(WebDriver {
            http,
            base: format!("{base}/session/{session}"),
            session,
            driver,
            profile,
        })
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        self.try_call(method, path, body)
            .await
            .unwrap_or_else(|err| panic!("WebDriver {path}: {err}"))
    }

    async fn try_call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> Result<Value, Value> {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if method != reqwest::Method::GET {
            request = request.json(&body);
        }
        let r = request.send().await.unwrap();
        let v: Value = r.json().await.unwrap();
        if v["value"].get("error").is_some() {
            return Err(v["value"].clone());
        }
        Ok(v["value"].clone())
    }

    /// Retries `op` while the page is still navigating (element missing or stale), up to 10 s.
    async fn settle<T, F, Fut>(&self, what: &str, op: F) -> T
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, Value>>,
    {
        let start = Instant::now();
        loop {
            match op().await {
                Ok(v) => return v,
                Err(err) if start.elapsed() < Duration::from_secs(10) => {
                    let kind = err["error"].as_str().unwrap_or("");
                    // Chromedriver sometimes reports a stale element as an inspector error.
                    let detached = kind == "unknown error"
                        && err["message"]
                            .as_str()
                            .is_some_and(|m| m.contains("does not belong to the document"));
                    assert!(
                        kind == "no such element" || kind == "stale element reference" || detached,
                        "{what}: {err}"
                    );
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(err) => panic!("{what}: {err}"),
            }
        }
    }

    pub(crate) async fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", json!({ "url": url }))
            .await;
    }

    async fn try_find(&self, css: &str) -> Result<String, Value> {
        let v = self
            .try_call(
                reqwest::Method::POST,
                "/element",
                json!({ "using": "css selector", "value": css }),
            )
            .await?;
        Ok(v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap()
            .to_owned())
    }

    async fn find(&self, css: &str) -> String {
        self.settle(css, || self.try_find(css)).await
    }

    pub(crate) async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{el}/value"),
            json!({ "text": text }),
        )
        .await;
    }

    /// Clicks the element, finding it again if the page replaced it meanwhile.
    pub(crate) async fn click(&self, css: &str) {
        self.settle(css, || async {
            let el = self.try_find(css).await?;
            self.try_call(
                reqwest::Method::POST,
                &format!("/element/{el}/click"),
                json!({}),
            )
            .await
        })
        .await;
    }

    pub(crate) async fn script(&self, js: &str) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            json!({ "script": js, "args": [] }),
        )
        .await
    }

    /// Runs `js` as an async script: it gets a callback as its last argument and the
    /// returned value is what it passes to it (e.g. the result of a `fetch`).
    pub(crate) async fn script_async(&self, js: &str) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/async",
            json!({ "script": js, "args": [] }),
        )
        .await
    }

    /// The console's errors since the last call (uncaught script errors, Content-Security-Policy
    /// violations, resources that failed to load), and clears them.
    pub(crate) async fn console_errors(&self) -> Vec<String> {
        let entries = self
            .call(
                reqwest::Method::POST,
                "/se/log",
                json!({ "type": "browser" }),
            )
            .await;
        entries
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or("").to_owned())
            .collect()
    }

    /// Forgets every cookie of the current site (e.g. to continue as someone signed out).
    pub(crate) async fn delete_cookies(&self) {
        self.call(reqwest::Method::DELETE, "/cookie", json!({}))
            .await;
    }

    /// Signs in through the login form and waits for the inbox.
    pub(crate) async fn log_in(&self, base: &str, email: &str, password: &str) {
        self.goto(&format!("{base}/login")).await;
        self.type_into("#email", email).await;
        self.type_into("#password", password).await;
        self.click("button[type=submit]").await;
        self.wait_path("/inbox").await;
    }

    pub(crate) async fn text(&self, css: &str) -> String {
        let text = self
            .settle(css, || async {
                let el = self.try_find(css).await?;
                self.try_call(
                    reqwest::Method::GET,
                    &format!("/element/{el}/text"),
                    Value::Null,
                )
                .await
            })
            .await;
        text.as_str().unwrap().to_owned()
    }

    /// Waits until the element's text is `expected` (e.g. after a reload the path doesn't show).
    pub(crate) async fn wait_text(&self, css: &str, expected: &str) {
        let start = Instant::now();
        loop {
            let text = self.text(css).await;
            if text == expected {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{css} says {text:?}, expected {expected:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `js` (an expression) is true in the page.
    pub(crate) async fn wait_true(&self, js: &str) {
        let start = Instant::now();
        while self.script(&format!("return !!({js})")).await != Value::Bool(true) {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "never true: {js}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the page's path is `expected` (navigation after a click is asynchronous).
    pub(crate) async fn wait_path(&self, expected: &str) {
        let start = Instant::now();
        loop {
            let path = self.path().await;
            if path == expected {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "still at {path}, expected {expected}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Presses keys on whatever has focus, as a person would (WebDriver key actions; special
    /// keys are the spec's code points, e.g. `\u{E007}` Enter, `\u{E009}` Control).
    async fn press(&self, keys: &[&str]) {
        let mut actions = Vec::new();
        for key in keys {
            actions.push(json!({ "type": "keyDown", "value": key }));
        }
        for key in keys.iter().rev() {
            actions.push(json!({ "type": "keyUp", "value": key }));
        }
        self.call(
            reqwest::Method::POST,
            "/actions",
            json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] }),
        )
        .await;
    }

    pub(crate) async fn path(&self) -> String {
        self.script("return location.pathname + location.search")
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Saves a screenshot under target/screenshots for people to look at.
    pub(crate) async fn screenshot(&self, name: &str) {
        use base64::Engine;
        let png = self
            .call(reqwest::Method::GET, "/screenshot", Value::Null)
            .await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), bytes).unwrap();
    }
}

impl Drop for WebDriver {
    fn drop(&mut self) {
        let _ = std::process::Command::new("curl")
            .args(["-s", "-X", "DELETE", &self.base])
            .output();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
        let _ = &self.session;
    }
}

#[tokio::test]
async fn a_new_owner_signs_up_switches_to_chinese_and_invites_an_agent_in_a_real_browser() {
    let Some(web) = WebDriver::start().await else {
        return;
    };
    let app = spawn_app().await;

    web.goto(&format!("{}/signup", app.address)).await;
    web.type_into("#shop_name", "Browser Test Shop").await;
    web.type_into("#name", "Bo Wser").await;
    web.type_into("#email", "bo@example.com").await;
    web.type_into("#password", "short").await;
    web.click("button[type=submit]").await;
    assert_eq!(
        web.text("#password-error").await,
        "Use at least 10 characters.",
        "validation shown in the page"
    );
    web.type_into("#password", " but now long enough").await;
    web.click("button[type=submit]").await;

    web.wait_path("/inbox").await;
    assert_eq!(web.text("h1.page-title").await, "Inbox");
    // The stylesheet and htmx loaded under the Content-Security-Policy.
    assert_eq!(
        web.script("return getComputedStyle(document.querySelector('.topbar')).position")
            .await,
        "sticky"
    );
    assert_eq!(web.script("return typeof htmx").await, "object");
    web.screenshot("inbox-en").await;

    web.click(".userbox button[lang=zh-CN]").await;
    web.wait_text("h1.page-title", "收件箱").await;
    assert_eq!(
        web.path().await,
        "/inbox",
        "the switcher returns to the same page"
    );

    web.goto(&format!("{}/settings/team", app.address)).await;
    web.type_into("#invite-email", "agent@example.com").await;
    web.click("form[action='/settings/team/invitations'] button")
        .await;
    let link = web.text("#invite-link").await;
    assert!(link.contains("/invite/"), "{link}");
    web.screenshot("people-zh").await;

    // The agent opens the link in the same browser after the owner signs out.
    web.click("form[action='/logout'] button").await;
    web.wait_path("/login").await;
    web.goto(&link).await;
    web.type_into("#name", "Agent Smith").await;
    web.type_into("#password", "agent password 1").await;
    web.click("button[type=submit]").await;
    web.wait_path("/inbox").await;
    let role: String =
        sqlx::query_scalar("SELECT role FROM users WHERE email = 'agent@example.com'")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(role, "agent");
}

/// The page's event stream is open (the server subscribes before it answers).
const LIVE_CONNECTED: &str = "window.aftersailLive && window.aftersailLive.readyState === 1";

#[tokio::test]
async fn an_agent_answers_a_ticket_and_sees_buyers_write_live() {
    let Some(web) = WebDriver::start().await else {
        return;
    };
    let app = spawn_app().await;
    app.shop("Live Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    crate::tickets::seed_for(&app, tenant, 1, "Old").await;

    web.goto(&format!("{}/login", app.address)).await;
    web.type_into("#email", "owner@example.com").await;
    web.type_into("#password", PASSWORD).await;
    web.click("button[type=submit]").await;
    web.wait_path("/inbox").await;
    assert_eq!(web.text("#inbox tbody tr td.mono a").await, "#1000");
    web.wait_true(LIVE_CONNECTED).await;

    // A new conversation arrives while the inbox is open: it shows up without a reload.
    crate::tickets::seed_for(&app, tenant, 1, "Fresh").await;
    buyer_writes(&app, tenant, 1001, "Neue Nachricht").await;
    web.wait_true("document.querySelector('#inbox tbody tr td.mono a').textContent === '#1001'")
        .await;

    // Answer ticket #1000.
    web.goto(&format!("{}/tickets/1000", app.address)).await;
    web.type_into("#reply", "Danke! Ersatz ist unterwegs.")
        .await;
    web.click("#reply-form button[type=submit]").await;
    web.wait_true("document.querySelector('#thread-messages').innerText.includes('Danke! Ersatz ist unterwegs.')").await;
    assert!(
        web.text("#thread-messages").await.contains("Queued"),
        "the reply waits in the outbox"
    );
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE state = 'queued'")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(queued, 1);

    // The buyer answers while the agent is on the ticket: the thread updates by itself.
    web.wait_true(LIVE_CONNECTED).await;
    web.type_into("#note", "draft that must survive").await;
    buyer_writes(&app, tenant, 1000, "Super, vielen Dank!").await;
    web.wait_true(
        "document.querySelector('#thread-messages').innerText.includes('Super, vielen Dank!')",
    )
    .await;
    assert_eq!(
        web.script("return document.querySelector('#note').value")
            .await,
        "draft that must survive"
    );
    web.screenshot("ticket-live").await;
}

#[tokio::test]
async fn an_agent_works_by_keyboard_inserts_a_template_attaches_a_file_and_sees_a_colleague_typing()
{
    let Some(web) = WebDriver::start().await else {
        return;
    };
    let app = spawn_app().await;
    let owner = app.shop("Keys Shop", "owner@example.com").await;
    let colleague = app.member(&owner, "agent@example.com", "agent").await;
    let tenant = app.tenant_of("owner@example.com").await;
    crate::tickets::seed_for(&app, tenant, 3, "Key").await;
    owner
        .post(
            "/settings/templates",
            &[
                ("name", "Tracking"),
                (
                    "body",
                    "Hi {{customer.first_name}}, tracking: {{order.tracking}}.",
                ),
            ],
        )
        .await;

    web.goto(&format!("{}/login", app.address)).await;
    web.type_into("#email", "owner@example.com").await;
    web.type_into("#password", PASSWORD).await;
    web.click("button[type=submit]").await;
    web.wait_path("/inbox").await;
    assert_eq!(
        web.script("return document.querySelectorAll('#inbox tr.unread').length")
            .await,
        3,
        "all unread at first"
    );

    // j j k: the highlight moves down twice and back up; o opens that ticket.
    web.press(&["j"]).await;
    web.press(&["j"]).await;
    web.press(&["k"]).await;
    assert_eq!(
        web.script("return document.querySelector('#inbox tr.is-current').dataset.number")
            .await,
        "1002"
    );
    web.press(&["j"]).await;
    web.press(&["o"]).await;
    web.wait_path("/tickets/1001").await;
    web.wait_true(LIVE_CONNECTED).await;

    // A colleague opens the same ticket and starts typing: the notice appears by itself.
    colleague.page("/tickets/1001").await;
    colleague
        .post("/tickets/1001/presence", &[("typing", "1")])
        .await;
    web.wait_true(
        "document.querySelector('#presence').innerText.includes('Member Person is typing')",
    )
    .await;

    // ? shows the shortcuts; Escape closes them; r goes to the reply box.
    web.press(&["?"]).await;
    web.wait_true("document.querySelector('#shortcuts').open")
        .await;
    web.press(&["\u{E00C}"]).await;
    web.wait_true("!document.querySelector('#shortcuts').open")
        .await;
    web.press(&["r"]).await;
    web.wait_true("document.activeElement.id === 'reply'").await;
    web.press(&["T", "h", "x", " "]).await;

    // The template goes in at the cursor, filled in, without reloading the page.
    web.click("#template-form button[type=submit]").await;
    web.wait_true("document.querySelector('#reply').value.includes('tracking: TRACK123.')")
        .await;
    assert_eq!(
        web.script("return document.querySelector('#reply').value")
            .await,
        "Thx Hi Key, tracking: TRACK123."
    );
    assert_eq!(web.path().await, "/tickets/1001");

    // Attach a file and send with Ctrl+Enter from the reply box.
    let file = std::env::temp_dir().join(format!("label-{}.pdf", uuid::Uuid::new_v4().simple()));
    std::fs::write(&file, b"%PDF-1.4 label").unwrap();
    web.type_into("#reply-files", file.to_str().unwrap()).await;
    web.click("#reply").await;
    web.press(&["\u{E009}", "\u{E007}"]).await;
    let name = file.file_name().unwrap().to_str().unwrap().to_owned();
    web.wait_true(&format!(
        "document.querySelector('#thread-messages').innerText.includes('{name}')"
    ))
    .await;
    std::fs::remove_file(&file).ok();
    let stored: Vec<u8> = sqlx::query_scalar("SELECT data FROM attachments")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(stored, b"%PDF-1.4 label");
    web.screenshot("ticket-keyboard-attachment").await;

    // Back in the inbox (g i), the ticket just handled is read; the others are not.
    web.press(&["g"]).await;
    web.press(&["i"]).await;
    web.wait_path("/inbox").await;
    assert_eq!(
        web.script("return Array.from(document.querySelectorAll('#inbox tr.unread')).map(r => r.dataset.number).join()").await,
        "1002,1000"
    );
}

/// Hostile mail, as it arrives: script, event handlers, SVG, javascript: links, CSS tricks and
/// a mutation-XSS classic. Every payload tries to reach `PROBE` or change the agent's page.
fn hostile_mail(probe: &str) -> Vec<u8> {
    let html = format!(
        r#"<html><body onload="fetch('{probe}/onload')">
<p>Hello, <b>my parcel</b> is damaged.</p>
<script>parent.document.title='XSS'; new Image().src='{probe}/script';</script>
<img src="x" onerror="top.document.title='XSS';fetch('{probe}/onerror')">
<svg onload="fetch('{probe}/svg')"><script>fetch('{probe}/svg-script')</script></svg>
<a id="js" href="javascript:fetch('{probe}/href')">click me</a>
<div style="background:url(javascript:fetch('{probe}/css'))">styled</div>
<iframe srcdoc="<script>fetch('{probe}/srcdoc')</script>"></iframe>
<math><mtext></form><form><mglyph><style></math><img src onerror="fetch('{probe}/mxss')">
<img src="{probe}/remote-image.png" alt="tracking pixel">
<object data="{probe}/object"></object><embed src="{probe}/embed">
<meta http-equiv="refresh" content="0;url={probe}/refresh">
</body></html>"#
    );
    format!(
        "Message-ID: <hostile-1@attacker.example>\r\nFrom: Mallory <mallory@attacker.example>\r\n\
         To: support@shop.example\r\nSubject: Damaged parcel\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello, my parcel is damaged.\r\n\
         --b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--b--\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn hostile_html_mail_is_shown_without_running_anything() {
    let Some(web) = WebDriver::start().await else {
        return;
    };
    // Anything that runs and reaches out lands here.
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let probe_url = format!("http://{}", probe.local_addr().unwrap());
    probe.set_nonblocking(true).unwrap();

    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    crate::channel_sync::add_channel(&app, tenant, "Mail").await;
    let fake = std::sync::Arc::new(crate::channel_sync::FakeChannel {
        page: 10,
        ..Default::default()
    });
    *fake.mail.lock().unwrap() = vec![hostile_mail(&probe_url)];
    let connectors =
        crate::channel_sync::fakes(std::collections::HashMap::from([("Mail".to_owned(), fake)]));
    let round =
        aftersail_worker::channel_sync::run_once(&app.pool, &connectors, Duration::from_secs(60))
            .await
            .unwrap();
    assert_eq!(round.ingested.messages, 1);
    let stored: String = sqlx::query_scalar("SELECT body_html FROM messages")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    for bad in [
        "<script",
        "onerror",
        "onload",
        "javascript:",
        "<iframe",
        "<object",
        "<embed",
        "<meta",
        "<svg",
    ] {
        assert!(
            !stored.to_lowercase().contains(bad),
            "stored HTML keeps {bad}: {stored}"
        );
    }

    web.goto(&format!("{}/login", app.address)).await;
    web.type_into("#email", "owner@example.com").await;
    web.type_into("#password", PASSWORD).await;
    web.click("button[type=submit]").await;
    web.wait_path("/inbox").await;
    web.goto(&format!("{}/tickets/1000", app.address)).await;
    let title = web.script("return document.title").await;
    web.click(".original-html summary").await;
    web.wait_true("document.querySelector('.original-html iframe').offsetHeight > 100")
        .await;
    // Let the frame load and anything in it try its luck.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    web.screenshot("hostile-mail").await;
    assert_eq!(
        web.script("return document.title").await,
        title,
        "the agent's page is untouched"
    );
    assert_eq!(
        web.script(
            "return document.querySelector('.original-html iframe').getAttribute('sandbox')"
        )
        .await,
        "allow-popups allow-popups-to-escape-sandbox",
        "the frame may not run scripts or act as our origin"
    );
    assert!(web
        .text("#thread-messages")
        .await
        .contains("my parcel is damaged"));

    // Opened directly, outside the frame, the document is still sandboxed by its CSP.
    let message: uuid::Uuid = sqlx::query_scalar("SELECT id FROM messages")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    web.goto(&format!(
        "{}/tickets/1000/messages/{message}/html",
        app.address
    ))
    .await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(
        web.text("body").await.contains("my parcel"),
        "the text is readable"
    );
    web.click("a").await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut reached = Vec::new();
    while let Ok((mut stream, _)) = probe.accept() {
        use std::io::Read as _;
        stream.set_nonblocking(false).ok();
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .ok();
        let mut buf = [0u8; 256];
        let n = stream.read(&mut buf).unwrap_or(0);
        reached.push(
            String::from_utf8_lossy(&buf[..n])
                .lines()
                .next()
                .unwrap_or("")
                .to_owned(),
        );
    }
    assert!(reached.is_empty(), "hostile mail reached out: {reached:?}");
}

#[tokio::test]
async fn an_owner_connects_a_mailbox_tests_it_and_its_mail_arrives_in_the_inbox() {
    let Some(web) = WebDriver::start().await else {
        return;
    };
    let dovecot = crate::mail_servers::Dovecot::start();
    let sink = crate::mail_servers::SmtpSink::start(crate::mail_servers::SinkOptions::default());
    dovecot
        .deliver(
            "INBOX",
            &[crate::mail_servers::mail(1), crate::mail_servers::mail(2)],
        )
        .await;
    let app = spawn_app().await;
    app.shop("Mail Shop", "owner@example.com").await;

    web.goto(&format!("{}/login", app.address)).await;
    web.type_into("#email", "owner@example.com").await;
    web.type_into("#password", PASSWORD).await;
    web.click("button[type=submit]").await;
    web.wait_path("/inbox").await;
    web.goto(&format!("{}/settings/channels", app.address))
        .await;
    web.click("a[href='/settings/channels/email']").await;
    web.wait_path("/settings/channels/email").await;
    web.type_into("#channel-name", "Support mailbox").await;
    web.type_into("#imap-host", "127.0.0.1").await;
    web.script("document.querySelector('#imap-port').value = ''")
        .await;
    web.type_into("#imap-port", &dovecot.imap_port.to_string())
        .await;
    web.script("document.querySelector('#imap-security').value = 'plain'")
        .await;
    web.type_into("#imap-username", crate::mail_servers::USER)
        .await;
    web.type_into("#imap-password", crate::mail_servers::PASSWORD)
        .await;
    web.type_into("#smtp-host", "127.0.0.1").await;
    web.script("document.querySelector('#smtp-port').value = ''")
        .await;
    web.type_into("#smtp-port", &sink.port.to_string()).await;
    web.script("document.querySelector('#smtp-security').value = 'plain'")
        .await;
    web.type_into("#smtp-username", crate::mail_servers::USER)
        .await;
    web.type_into("#smtp-password", crate::mail_servers::PASSWORD)
        .await;
    web.type_into("#from-address", crate::mail_servers::FROM)
        .await;
    web.click("#channel-form button[type=submit]").await;
    web.wait_true("location.pathname.startsWith('/settings/channels/0')")
        .await;

    web.click("form[action$='/test'] button").await;
    web.wait_true(
        "document.querySelector('#channel-test-result').innerText.includes('Connection OK')",
    )
    .await;
    web.screenshot("channel-connected").await;

    // The worker polls the new mailbox; the buyers' mail is in the inbox.
    let connectors = aftersail_worker::Connectors::new(Some(
        aftersail_channels::crypto::SecretKey::parse(TEST_SECRET_KEY).unwrap(),
    ));
    let round =
        aftersail_worker::channel_sync::run_once(&app.pool, &connectors, Duration::from_secs(60))
            .await
            .unwrap();
    assert_eq!(round.ingested.messages, 2, "{round:?}");
    web.goto(&format!("{}/inbox", app.address)).await;
    web.wait_true("document.querySelector('#inbox').innerText.includes('Question 2')")
        .await;
    assert!(web.text("#inbox").await.contains("Question 1"));
    web.goto(&format!("{}/settings/channels", app.address))
        .await;
    let health = web.text("main").await;
    assert!(health.contains("Support mailbox"), "{health}");
    web.screenshot("channels-health").await;
}

#[tokio::test]
async fn an_owner_sets_the_return_policy_and_an_agent_takes_a_return_to_its_refund() {
    use aftersail_db::{orders, rmas, TenantTx};
    use aftersail_domain::returns::{
        decide, CustomerHistory, Order, OrderLine, RequestLine, ReturnReason, ReturnRequest,
    };
    let Some(web) = WebDriver::start().await else {
        return;
    };
    let app = spawn_app().await;
    app.shop("Return Shop", "owner@example.com").await;
    let tenant = aftersail_domain::TenantId(app.tenant_of("owner@example.com").await);

    web.goto(&format!("{}/login", app.address)).await;
    web.type_into("#email", "owner@example.com").await;
    web.type_into("#password", PASSWORD).await;
    web.click("button[type=submit]").await;
    web.wait_path("/inbox").await;

    // The owner starts from the EU preset.
    web.goto(&format!("{}/settings/returns", app.address)).await;
    web.click("input[name=preset][value=eu]").await;
    web.click("form[action='/settings/returns/preset'] button[type=submit]")
        .await;
    web.wait_true("document.querySelectorAll('#policy li.rule').length > 0")
        .await;
    web.screenshot("returns-policy").await;

    // A buyer's return arrives (decided by the engine with the shop's policy).
    let mut tx = TenantTx::begin(&app.pool, tenant).await.unwrap();
    let settings = aftersail_db::return_config::settings(&mut tx)
        .await
        .unwrap()
        .expect("a policy");
    let customer = aftersail_db::customers::create(
        &mut tx,
        aftersail_db::customers::NewCustomer {
            name: "Jana Novak",
            email: Some("jana@example.com"),
            country: Some("DE"),
            language: Some("de"),
            currency: "EUR",
        },
    )
    .await
    .unwrap();
    let delivered = chrono::Utc::now() - chrono::Duration::days(3);
    let (order, items) = orders::create(
        &mut tx,
        orders::NewOrder {
            customer_id: customer,
            channel: "shopify",
            external_id: "#5001",
            status: "delivered",
            currency: "EUR",
            shipping_country: Some("DE"),
            carrier: None,
            tracking_number: None,
            ordered_at: delivered - chrono::Duration::days(2),
            delivered_at: Some(delivered),
            items: &[("TENT-2", "Dome tent", 1, 18900)],
        },
    )
    .await
    .unwrap();
    let request = ReturnRequest {
        lines: vec![RequestLine {
            sku: "TENT-2".into(),
            quantity: 1,
        }],
        reason: ReturnReason::ChangedMind,
        condition: Default::default(),
        preferred: None,
        requested_at: chrono::Utc::now(),
    };
    let engine_order = Order {
        channel: "shopify".into(),
        country: "DE".into(),
        currency: "EUR".into(),
        ordered_at: delivered - chrono::Duration::days(2),
        delivered_at: Some(delivered),
        lines: vec![OrderLine {
            sku: "TENT-2".into(),
            category: None,
            quantity: 1,
            unit_price_minor: 18900,
            currency: None,
            recovery_minor: None,
        }],
    };
    let decision = decide(
        &settings,
        &engine_order,
        &CustomerHistory::default(),
        &request,
    );
    assert!(decision.eligible, "{decision:?}");
    let (_, code) = rmas::create_decided(
        &mut tx,
        rmas::DecidedRma {
            order_id: order,
            customer_id: customer,
            ticket_id: None,
            status: "requested",
            reason: "changed_mind",
            resolution: Some("refund"),
            items: &[(items[0], 1)],
            request: &serde_json::to_value(&request).unwrap(),
            decision: &serde_json::to_value(&decision).unwrap(),
            refund_minor: Some(decision.refund_minor),
            currency: "EUR",
            warehouse_id: None,
            buyer_email: Some("jana@example.com"),
            language: Some("de"),
            at: chrono::Utc::now(),
        },
        None,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    // The agent finds it, approves it, receives the parcel and resolves it with a refund.
    web.goto(&format!("{}/returns", app.address)).await;
    web.click(&format!("a[href='/returns/{code}']")).await;
    web.wait_path(&format!("/returns/{code}")).await;
    assert!(web.text("main").await.contains("Dome tent"));
    // Each step waits for the next page (its own form gone), not for what the old page had.
    for step in ["approve", "received"] {
        web.click(&format!("form[action='/returns/{code}/{step}'] button"))
            .await;
        web.wait_true(&format!(
            "!document.querySelector(\"form[action='/returns/{code}/{step}']\")"
        ))
        .await;
    }
    web.click(&format!("form[action='/returns/{code}/resolve'] button"))
        .await;
    let start = Instant::now();
    while sqlx::query_scalar::<_, i64>("SELECT count(*) FROM refunds")
        .fetch_one(&app.admin)
        .await
        .unwrap()
        == 0
    {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no refund proposed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    web.screenshot("returns-rma").await;

    // The refund waits for review; approving it queues it for the platform.
    web.goto(&format!("{}/refunds", app.address)).await;
    web.click("input[name=refund]").await;
    web.click("button[name=action][value=approve]").await;
    web.wait_true("!document.querySelector('input[name=refund]')")
        .await;
    let state: String = sqlx::query_scalar("SELECT state FROM refunds")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(state, "approved");
    web.screenshot("refunds-queue").await;
}
