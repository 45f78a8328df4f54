//! Hostile input in a real browser: the corpus in `hostile_corpus/` (OWASP filter-evasion
//! style payloads, SVG, CSS, mutation XSS, attribute breakouts, encodings) is fed through
//! every way outside text reaches a screen — inbound mail (subject, sender name, plain and
//! HTML body, attachment names), the return portal (item titles, buyer name, comment, photo
//! names) and the CSAT comment — and every page showing it is opened in headless Chromium.
//!
//! A payload that runs fetches a probe server, sets `document.title` or a `window.xss…`
//! global; one that was let through as markup but blocked by the CSP is still found in the
//! DOM (an `on…` attribute, a `javascript:` URL, a foreign `<script>`, `<iframe>`, `<base>`,
//! `<meta http-equiv>` …). Each page must also still show the benign text around the
//! payloads, so "safe" is never "everything was thrown away".

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aftersail_db::{customers, orders, return_config, TenantTx};
use aftersail_domain::money::Money;
use aftersail_domain::returns::{presets, Lane, Market, Warehouse, WarehouseKind};
use aftersail_domain::{OrderItemId, TenantId, WarehouseId};
use base64::Engine as _;
use reqwest::StatusCode;
use serde_json::Value;

use crate::browser::WebDriver;
use crate::helpers::*;

const XSS: &str = include_str!("hostile_corpus/xss.txt");
const FILENAMES: &str = include_str!("hostile_corpus/filenames.txt");

/// One corpus entry with its placeholders filled in.
pub(crate) struct Payload {
    pub id: String,
    pub text: String,
}

fn entries(file: &str) -> impl Iterator<Item = &str> {
    file.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
}

/// The XSS corpus, aimed at `probe`.
pub(crate) fn xss_corpus(probe: &str) -> Vec<Payload> {
    entries(XSS)
        .enumerate()
        .map(|(n, line)| {
            let id = format!("x{:03}", n + 1);
            Payload {
                text: line.replace("{P}", probe).replace("{I}", &id),
                id,
            }
        })
        .collect()
}

/// Hostile file names.
pub(crate) fn filename_corpus() -> Vec<Payload> {
    entries(FILENAMES)
        .enumerate()
        .map(|(n, line)| {
            let id = format!("f{:02}", n + 1);
            Payload {
                text: line.replace("{I}", &id),
                id,
            }
        })
        .collect()
}

/// A tiny HTTP server that records every request line and answers 204 at once (so an
/// injected stylesheet or image can never hang a page load instead of failing the test).
pub(crate) struct Probe {
    pub url: String,
    hits: Arc<Mutex<Vec<String>>>,
    /// What `GET /raw-page` answers (for the self-check), not counted as a hit.
    page: Arc<Mutex<String>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Probe {
    pub(crate) fn start() -> Probe {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let page = Arc::new(Mutex::new(String::new()));
        let thread = std::thread::spawn({
            let (hits, stop, page) = (hits.clone(), stop.clone(), page.clone());
            move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(mut stream) = stream else { continue };
                    stream
                        .set_read_timeout(Some(Duration::from_millis(500)))
                        .ok();
                    let mut buf = [0u8; 1024];
                    let n = stream.read(&mut buf).unwrap_or(0);
                    let line = String::from_utf8_lossy(&buf[..n])
                        .lines()
                        .next()
                        .unwrap_or("(connection without a request)")
                        .to_owned();
                    if line.starts_with("GET /raw-page ") {
                        let html = page.lock().unwrap().clone();
                        let _ = stream.write_all(
                            format!(
                                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
                                 Content-Length: {}\r\nConnection: close\r\n\r\n{html}",
                                html.len()
                            )
                            .as_bytes(),
                        );
                        continue;
                    }
                    hits.lock().unwrap().push(line);
                    let _ = stream.write_all(
                        b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                }
            }
        });
        Probe {
            url,
            hits,
            page,
            stop,
            thread: Some(thread),
        }
    }

    pub(crate) fn hits(&self) -> Vec<String> {
        self.hits.lock().unwrap().clone()
    }

    /// The hits so far, forgetting them.
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.hits.lock().unwrap())
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = std::net::TcpStream::connect(self.url.trim_start_matches("http://"));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Markup in the page that only an injection could have put there (the app's own pages
/// have no inline handlers, no foreign scripts, frames, bases or refreshes).
const HOSTILE_DOM: &str = r#"
const probe = PROBE_HOST;
const bad = [];
const urlAttrs = ['href', 'src', 'action', 'formaction', 'data', 'poster', 'background',
                  'codebase', 'code', 'srcdoc', 'content', 'values', 'to', 'from', 'by'];
const framed = /^\/tickets\/\d+\/messages\/[0-9a-f-]+\/html$/;
for (const el of document.querySelectorAll('*')) {
  const tag = el.localName.toLowerCase();
  if (['object', 'embed', 'applet', 'frame', 'frameset', 'portal', 'isindex', 'animate',
       'set', 'use', 'foreignobject', 'math'].includes(tag)) bad.push('<' + tag + '>');
  if (tag === 'meta' && el.hasAttribute('http-equiv')) bad.push('<meta http-equiv>');
  // The formatted-mail document's own <base target="_blank">; a base with an href is not ours.
  if (tag === 'base' && el.hasAttribute('href')) bad.push('<base href>');
  if (tag === 'script' && !/^\/static\//.test(el.getAttribute('src') || '')) bad.push('<script>');
  if (tag === 'link' && !/^\/static\//.test(el.getAttribute('href') || '')) bad.push('<link>');
  if (tag === 'style' && /expression|javascript|@import|url\(/i.test(el.textContent)) bad.push('<style>');
  if (tag === 'iframe' && !(framed.test(el.getAttribute('src') || '')
        && el.getAttribute('sandbox') === 'allow-popups allow-popups-to-escape-sandbox')) bad.push('<iframe>');
  for (const a of el.attributes) {
    const name = a.name.toLowerCase();
    const value = a.value;
    if (name.startsWith('on') || name.startsWith('hx-on')) bad.push(tag + ' ' + name);
    if (name.startsWith('hx-') && value.includes(probe)) bad.push(tag + ' ' + name);
    const url = value.replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
    if ((urlAttrs.includes(name) || name.endsWith(':href'))
        && (/^(javascript|vbscript|data):/.test(url) || value.includes(probe))) {
      bad.push(tag + ' ' + name + '=' + value.slice(0, 80));
    }
    if (name === 'style' && (value.includes(probe) || /expression|javascript|behavior|url\(/i.test(value))) {
      bad.push(tag + ' style=' + value.slice(0, 80));
    }
  }
}
if (/^XSS-/.test(document.title)) bad.push('title ' + document.title);
for (const key of Object.keys(window)) if (/^xss/.test(key)) bad.push('window.' + key);
return bad;
"#;

/// Asserts the page in `web` ran and kept nothing hostile and shows every text in `shown`.
/// Returns the page's text.
pub(crate) async fn assert_harmless(
    web: &WebDriver,
    probe: &Probe,
    page: &str,
    shown: &[String],
) -> String {
    let host = probe.url.trim_start_matches("http://");
    let js = HOSTILE_DOM.replace("PROBE_HOST", &format!("{host:?}"));
    // An open alert() makes this call fail ("unexpected alert open"), which fails the test.
    let found = web.script(&js).await;
    assert_eq!(
        found,
        Value::Array(vec![]),
        "{page}: hostile markup in the DOM"
    );
    let text = web
        .script("return document.body ? document.body.innerText : ''")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for expected in shown {
        assert!(
            text.contains(expected.as_str()),
            "{page}: {expected:?} is not shown; the page says: {}",
            &text[..text.len().min(2000)]
        );
    }
    let hits = probe.hits();
    assert!(
        hits.is_empty(),
        "{page}: something reached the probe: {hits:?}"
    );
    text
}

/// Opens `path` and waits for the document to finish loading.
pub(crate) async fn open(web: &WebDriver, app: &TestApp, path: &str) {
    web.goto(&format!("{}{path}", app.address)).await;
    web.wait_true("document.readyState === 'complete'").await;
}

pub(crate) async fn sign_in(web: &WebDriver, app: &TestApp, email: &str) {
    web.goto(&format!("{}/login", app.address)).await;
    web.type_into("#email", email).await;
    web.type_into("#password", PASSWORD).await;
    web.click("button[type=submit]").await;
    web.wait_path("/inbox").await;
}

/// RFC 2047 encoded-words (base64, whole characters, ≤ 45 bytes each), folded.
pub(crate) fn encoded_words(text: &str) -> String {
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(chunk);
    }
    words
        .iter()
        .map(|w| {
            format!(
                "=?utf-8?b?{}?=",
                base64::engine::general_purpose::STANDARD.encode(w)
            )
        })
        .collect::<Vec<_>>()
        .join("\r\n ")
}

/// An RFC 2231 parameter value: `utf-8''` and every byte but `[A-Za-z0-9._-]` percent-encoded.
pub(crate) fn rfc2231(value: &str) -> String {
    let mut out = String::from("utf-8''");
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"._-".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) fn base64_lines(data: &[u8]) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(data);
    encoded
        .as_bytes()
        .chunks(76)
        .map(|l| std::str::from_utf8(l).unwrap())
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// A buyer's mail with `name`, `subject`, a plain and an HTML body and one attachment.
pub(crate) fn hostile_mail(
    id: &str,
    from: &str,
    name: &str,
    subject: &str,
    plain: &str,
    html: &str,
    filename: &str,
) -> Vec<u8> {
    format!(
        "Message-ID: <{id}>\r\nFrom: {} <{from}>\r\nTo: support@shop.example\r\n\
         Subject: {}\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"mixed-b0undary\"\r\n\r\n\
         --mixed-b0undary\r\nContent-Type: multipart/alternative; boundary=\"alt-b0undary\"\r\n\r\n\
         --alt-b0undary\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
         --alt-b0undary\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
         --alt-b0undary--\r\n\
         --mixed-b0undary\r\nContent-Type: application/octet-stream\r\n\
         Content-Disposition: attachment; filename*={}\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
         --mixed-b0undary--\r\n",
        encoded_words(name),
        encoded_words(subject),
        base64_lines(plain.as_bytes()),
        base64_lines(html.as_bytes()),
        rfc2231(filename),
        base64_lines(b"just a file\n"),
    )
    .into_bytes()
}

/// The checks can fail: each payload, put raw (unescaped, no CSP) into a page of its own
/// (served by the probe, so its fetches are same-origin), is seen by the DOM check or reaches
/// the probe. Payloads that are only text until something
/// decodes them (`%3Cscript%3E`, `&lt;script&gt;`, fullwidth brackets, template syntax) are
/// the few that are not.
#[tokio::test]
async fn every_live_payload_is_caught_when_a_page_does_not_escape_it() {
    let Some(web) = WebDriver::start().await else {
        return;
    };
    let probe = Probe::start();
    let corpus = xss_corpus(&probe.url);
    let host = probe.url.trim_start_matches("http://");
    let js = HOSTILE_DOM.replace("PROBE_HOST", &format!("{host:?}"));
    let mut caught = 0;
    let mut ran = std::collections::BTreeSet::new();
    let mut missed = Vec::new();
    for p in &corpus {
        // Raw in the two places text lands: element content and a quoted attribute.
        *probe.page.lock().unwrap() = format!(
            "<!doctype html><html><head><title>raw</title></head><body><p>text</p>{0}\
             <p title=\"{0}\">a</p><p title='{0}'>b</p></body></html>",
            p.text
        );
        web.goto(&format!("{}/raw-page", probe.url)).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        let found = web.script(&js).await;
        let hits = probe.take();
        let reached = hits.iter().any(|h| h.contains(&p.id));
        if reached || found.as_array().is_some_and(|a| !a.is_empty()) {
            caught += 1;
        } else {
            missed.push(p.text.clone());
        }
        // What ran: title, global or a probe fetch (not a plain resource load).
        let titled = web
            .script(&format!(
                "return document.title === 'XSS-{0}' || window.xss{0} === 1",
                p.id
            ))
            .await
            == Value::Bool(true);
        if titled
            || hits
                .iter()
                .any(|h| h.starts_with(&format!("GET /{} ", p.id)))
        {
            ran.insert(p.id.clone());
        }
    }
    eprintln!(
        "raw payloads: {caught}/{} caught by the checks, {} ran script in Chromium; not caught: {missed:#?}",
        corpus.len(),
        ran.len()
    );
    assert!(
        caught * 100 >= corpus.len() * 85,
        "the checks must catch at least 85% of the raw payloads: {caught}/{}",
        corpus.len()
    );
    assert!(
        ran.len() * 3 >= corpus.len(),
        "at least a third of the raw payloads run script in Chromium: {ran:?}"
    );
}

/// Payloads per mail (and per field of it).
const GROUP: usize = 4;

#[tokio::test]
async fn hostile_mail_and_csat_input_show_everywhere_without_running() {
    let Some(web) = WebDriver::start().await else {
        return;
    };
    let started = Instant::now();
    let probe = Probe::start();
    let corpus = xss_corpus(&probe.url);
    let filenames = filename_corpus();
    assert!(corpus.len() >= 80, "{} payloads", corpus.len());

    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    crate::channel_sync::add_channel(&app, tenant, "Mail").await;

    // Every payload in every field: mail k carries group k in its subject, sender name,
    // plain body and HTML body, and a hostile attachment name.
    let groups: Vec<&[Payload]> = corpus.chunks(GROUP).collect();
    let mails: Vec<Vec<u8>> = groups
        .iter()
        .enumerate()
        .map(|(k, group)| {
            let joined = group
                .iter()
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let html_payloads: String = group
                .iter()
                .map(|p| format!("<div>{}</div>\n", p.text))
                .collect();
            hostile_mail(
                &format!("hostile-{k}@attacker.example"),
                &format!("buyer{k}@attacker.example"),
                &format!("Buyer {k} {joined}"),
                &format!("Case {k}: {joined}"),
                &format!("Benign plain {k}: the parcel arrived damaged.\n{joined}\n"),
                &format!(
                    "<p>Benign start {k}: the parcel arrived damaged.</p>\n{html_payloads}<p>Benign end {k}.</p>"
                ),
                &filenames[k % filenames.len()].text,
            )
        })
        .collect();
    let fake = Arc::new(crate::channel_sync::FakeChannel {
        page: mails.len() + 1,
        ..Default::default()
    });
    *fake.mail.lock().unwrap() = mails;
    let connectors =
        crate::channel_sync::fakes(std::collections::HashMap::from([("Mail".to_owned(), fake)]));
    let round =
        aftersail_worker::channel_sync::run_once(&app.pool, &connectors, Duration::from_secs(60))
            .await
            .unwrap();
    assert_eq!(round.ingested.messages, groups.len() as i64, "{round:?}");

    // (ticket number, message id, mail index) for each mail, by its subject.
    let rows: Vec<(i64, uuid::Uuid, String)> = sqlx::query_as(
        "SELECT t.number, m.id, t.subject FROM tickets t
         JOIN messages m ON m.tenant_id = t.tenant_id AND m.ticket_id = t.id ORDER BY t.number",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(rows.len(), groups.len());
    let tickets: Vec<(i64, uuid::Uuid, usize)> = rows
        .iter()
        .map(|(number, message, subject)| {
            let k = subject
                .strip_prefix("Case ")
                .and_then(|s| s.split(':').next())
                .and_then(|k| k.parse().ok())
                .unwrap_or_else(|| panic!("subject kept its start: {subject:?}"));
            (*number, *message, k)
        })
        .collect();

    // The buyer of the first mail answers the satisfaction survey with payloads.
    let first = tickets.iter().find(|t| t.2 == 0).unwrap().0;
    let csat_comment: String = format!(
        "Benign survey comment. {}",
        corpus
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    )
    .chars()
    .take(2000)
    .collect();
    let survey = answer_survey(&app, &owner, first, &csat_comment).await;

    sign_in(&web, &app, "owner@example.com").await;
    let mut pages = 0;

    // The lists: inbox, search (also with highlights inside payloads), customers.
    let cases: Vec<String> = (0..groups.len()).map(|k| format!("Case {k}:")).collect();
    for path in ["/inbox?view=all", "/inbox"] {
        open(&web, &app, path).await;
        // Case 0 is solved (its survey was answered): not in the open view.
        assert_harmless(&web, &probe, path, &cases[1..cases.len().min(20)]).await;
        pages += 1;
    }
    for query in ["Case", "onerror", "script", "javascript", "svg"] {
        let path = format!("/search?q={query}");
        open(&web, &app, &path).await;
        let text = assert_harmless(&web, &probe, &path, &[]).await;
        assert!(text.contains("Case "), "{path} finds the mail: {text}");
        pages += 1;
    }
    open(&web, &app, "/customers").await;
    assert_harmless(&web, &probe, "/customers", &["Buyer 0".into()]).await;
    pages += 1;
    let customer_ids: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM customers")
        .fetch_all(&app.admin)
        .await
        .unwrap();
    for id in customer_ids.iter().take(4) {
        let path = format!("/customers/{id}");
        open(&web, &app, &path).await;
        assert_harmless(&web, &probe, &path, &["Buyer ".into()]).await;
        pages += 1;
    }

    // Each ticket: subject, sender, plain text, attachment name, the formatted original in
    // its sandboxed frame, and that document opened on its own.
    let mut ends_kept = 0;
    for (number, message, k) in &tickets {
        let path = format!("/tickets/{number}");
        open(&web, &app, &path).await;
        let mut shown = vec![
            format!("Case {k}:"),
            format!("Buyer {k}"),
            format!("Benign plain {k}: the parcel arrived damaged."),
        ];
        if *number == first {
            shown.push("Benign survey comment.".into());
        }
        assert_harmless(&web, &probe, &path, &shown).await;
        web.click(".original-html summary").await;
        web.wait_true("document.querySelector('.original-html iframe').offsetHeight > 50")
            .await;
        let html = format!("/tickets/{number}/messages/{message}/html");
        open(&web, &app, &html).await;
        let text = assert_harmless(
            &web,
            &probe,
            &html,
            &[format!("Benign start {k}: the parcel arrived damaged.")],
        )
        .await;
        ends_kept += usize::from(text.contains(&format!("Benign end {k}.")));
        pages += 2;
    }

    // The buyer's survey page shows the comment back in its form.
    web.goto(&survey).await;
    web.wait_true("document.readyState === 'complete'").await;
    assert_harmless(&web, &probe, &survey, &[]).await;
    let kept = web
        .script("return document.querySelector('#csat-comment').value")
        .await;
    assert_eq!(kept.as_str(), Some(csat_comment.as_str()), "kept as typed");
    pages += 1;

    // Let anything delayed (refreshes, lazy frames) try its luck, then look once more.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(probe.hits(), Vec::<String>::new(), "the probe was reached");
    eprintln!(
        "hostile mail: {} payloads ({}…{}) + {} file names in {} mails, {pages} pages checked, \
         {ends_kept}/{} HTML bodies kept their closing text, {:.1} s",
        corpus.len(),
        corpus[0].id,
        corpus[corpus.len() - 1].id,
        filenames.len(),
        groups.len(),
        groups.len(),
        started.elapsed().as_secs_f64()
    );
}

/// Solves ticket `number`, lets automation send the survey, and answers it with `comment`
/// as the buyer; returns the survey page's URL.
async fn answer_survey(app: &TestApp, owner: &Browser, number: i64, comment: &str) -> String {
    let settings = aftersail_worker::automation::Settings {
        public_url: Some(app.address.clone()),
    };
    settle(app, &settings).await;
    let r = owner
        .post(
            &format!("/tickets/{number}/properties"),
            &[("status", "solved"), ("priority", "normal")],
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    settle(app, &settings).await;
    let body: String = sqlx::query_scalar(
        "SELECT m.body_text FROM messages m WHERE m.automated = 'csat' AND m.kind = 'outbound'",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    let start = body.find("/p/").expect("a survey link");
    let end = body[start..].find("?r=good").expect("the good link") + start;
    let path = &body[start..end];
    let buyer = app.browser();
    let page = buyer.page(path).await;
    let csrf = csrf_in(&page).unwrap();
    let r = buyer
        .post_with(path, &csrf, &[("rating", "bad"), ("comment", comment)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let stored: Option<String> = sqlx::query_scalar("SELECT comment FROM csat_surveys")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(stored.as_deref(), Some(comment));
    format!("{}{path}", app.address)
}

/// Runs the rule runner (which sends surveys) until its queue is empty.
async fn settle(app: &TestApp, settings: &aftersail_worker::automation::Settings) {
    for _ in 0..50 {
        let round = aftersail_worker::automation::run_once(
            &app.pool,
            settings,
            chrono::Utc::now(),
            Duration::from_secs(60),
        )
        .await
        .unwrap();
        if !round.busy() {
            return;
        }
    }
    panic!("automation did not settle");
}

// ---- the return portal -------------------------------------------------------------------

const ORDER: &str = "SO-666";
const BUYER_EMAIL: &str = "mallory@attacker.example";

/// A shop with the EU policy and a Berlin warehouse, and one delivered order whose buyer
/// name and item titles (as a marketplace could send them) are payloads.
async fn hostile_portal_shop(
    app: &TestApp,
    name: &str,
    titles: &[String],
) -> (String, Vec<OrderItemId>) {
    app.shop("Portal Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    let slug: String = sqlx::query_scalar("SELECT slug FROM tenants WHERE id = $1")
        .bind(tenant)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    return_config::save_policy(&mut tx, &presets::eu(), Some("eu"))
        .await
        .unwrap();
    let warehouse = Warehouse {
        id: WarehouseId::new(),
        name: "Berlin".into(),
        kind: WarehouseKind::ReturnCentre,
        serves: vec![Market::parse("DE").unwrap()],
        lanes: vec![Lane {
            from: Market::parse("DE").unwrap(),
            cost: Money::new(450, "EUR"),
        }],
        accepts_repairs: false,
    };
    return_config::save_warehouse(&mut tx, &warehouse, "Lagerstraße 5\n10115 Berlin", true)
        .await
        .unwrap();
    let customer = customers::create(
        &mut tx,
        customers::NewCustomer {
            name,
            email: Some(BUYER_EMAIL),
            country: Some("DE"),
            language: Some("en"),
            currency: "EUR",
        },
    )
    .await
    .unwrap();
    let delivered = chrono::Utc::now() - chrono::Duration::days(3);
    let skus: Vec<String> = (0..titles.len()).map(|i| format!("SKU-{i}")).collect();
    let items: Vec<(&str, &str, i32, i64)> = skus
        .iter()
        .zip(titles)
        .map(|(sku, title)| (sku.as_str(), title.as_str(), 1, 1999))
        .collect();
    let (_, ids) = orders::create(
        &mut tx,
        orders::NewOrder {
            customer_id: customer,
            channel: "shopify",
            external_id: ORDER,
            status: "delivered",
            currency: "EUR",
            shipping_country: Some("DE"),
            carrier: Some("DHL"),
            tracking_number: Some("TRACK1"),
            ordered_at: delivered - chrono::Duration::days(2),
            delivered_at: Some(delivered),
            items: &items,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (slug, ids)
}

/// Asks for a return of `item` with `comment` and a photo named `photo`; returns the
/// status page's path.
async fn request_return(
    buyer: &Browser,
    slug: &str,
    item: OrderItemId,
    comment: &str,
    photo: &str,
) -> String {
    let path = format!("/p/{slug}/returns");
    let csrf = buyer.csrf_from(&path).await;
    let r = buyer
        .post_with(&path, &csrf, &[("number", ORDER), ("email", BUYER_EMAIL)])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let token = between(&html, r#"name="token" value=""#, "\"")
        .expect("the request form")
        .replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&#43;", "+")
        .replace("&#x2b;", "+")
        .replace("&#61;", "=")
        .replace("&#x3d;", "=")
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let csrf = csrf_in(&html).unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[0u8; 64]);
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf)
        .text("token", token)
        .text(format!("qty_{}", item.0), "1")
        .text("reason", "damaged_in_transit")
        .text("preferred", "refund")
        .text("comment", comment.to_owned())
        .part(
            "photos",
            reqwest::multipart::Part::bytes(png)
                .file_name(photo.to_owned())
                .mime_str("image/png")
                .unwrap(),
        );
    let r = buyer
        .client
        .post(buyer.url(&format!("/p/{slug}/returns/request")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    location(&r).to_owned()
}

#[tokio::test]
async fn hostile_portal_input_shows_to_buyer_and_agent_without_running() {
    let Some(web) = WebDriver::start().await else {
        return;
    };
    let started = Instant::now();
    let probe = Probe::start();
    let corpus = xss_corpus(&probe.url);
    let filenames = filename_corpus();
    let app = spawn_app().await;

    // Comments of at most 2,000 characters (the form's limit), each starting with benign text.
    let mut comments: Vec<String> = Vec::new();
    let mut current = String::new();
    for p in &corpus {
        if current.chars().count() + p.text.chars().count() + 1 > 1900 {
            comments.push(std::mem::take(&mut current));
        }
        if current.is_empty() {
            current = format!("Benign comment {}.", comments.len());
        }
        current.push('\n');
        current.push_str(&p.text);
    }
    comments.push(current);
    // One item more than returns, so the request form still has something to offer.
    let titles: Vec<String> = (0..=comments.len())
        .map(|i| format!("Item {i} {}", corpus[i % corpus.len()].text))
        .collect();
    let buyer_name = format!("Mallory {}", corpus[corpus.len() - 1].text);
    let (slug, items) = hostile_portal_shop(&app, &buyer_name, &titles).await;

    let buyer = app.browser();
    let mut status_pages = Vec::new();
    for (i, comment) in comments.iter().enumerate() {
        status_pages.push(
            request_return(
                &buyer,
                &slug,
                items[i],
                comment,
                &filenames[i % filenames.len()].text,
            )
            .await,
        );
    }
    let codes: Vec<String> = sqlx::query_scalar("SELECT code FROM rmas ORDER BY code")
        .fetch_all(&app.admin)
        .await
        .unwrap();
    assert_eq!(codes.len(), comments.len());
    let mut pages = 0;

    // The buyer: the request form (item titles) and each return's status page.
    open(&web, &app, &format!("/p/{slug}/returns")).await;
    web.type_into("#number", ORDER).await;
    web.type_into("#email", BUYER_EMAIL).await;
    web.click("button[type=submit]").await;
    web.wait_true("!!document.querySelector('#request-form')")
        .await;
    web.wait_true("document.readyState === 'complete'").await;
    assert_harmless(&web, &probe, "request form", &["Item 0 ".into()]).await;
    pages += 1;
    for path in &status_pages {
        open(&web, &app, path).await;
        assert_harmless(&web, &probe, path, &["Item ".into()]).await;
        pages += 1;
    }

    // The agent: the returns list, each return, and each return's conversation.
    sign_in(&web, &app, "owner@example.com").await;
    open(&web, &app, "/returns").await;
    assert_harmless(&web, &probe, "/returns", &["Mallory".into()]).await;
    pages += 1;
    for (i, code) in codes.iter().enumerate() {
        let path = format!("/returns/{code}");
        open(&web, &app, &path).await;
        let text = assert_harmless(&web, &probe, &path, &["Mallory".into()]).await;
        assert!(text.contains("Item "), "{path}: {text}");
        let _ = i;
        pages += 1;
    }
    let numbers: Vec<i64> = sqlx::query_scalar(
        "SELECT t.number FROM rmas r JOIN tickets t ON t.tenant_id = r.tenant_id AND t.id = r.ticket_id ORDER BY t.number",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(numbers.len(), comments.len());
    for number in &numbers {
        let path = format!("/tickets/{number}");
        open(&web, &app, &path).await;
        let text = assert_harmless(&web, &probe, &path, &["Mallory".into()]).await;
        assert!(text.contains("Benign comment"), "{path}: {text}");
        pages += 1;
    }
    open(&web, &app, "/inbox?view=all").await;
    assert_harmless(&web, &probe, "/inbox", &["Mallory".into()]).await;
    pages += 1;

    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(probe.hits(), Vec::<String>::new(), "the probe was reached");
    eprintln!(
        "hostile portal input: {} payloads in {} returns, {pages} pages checked, {:.1} s",
        corpus.len(),
        comments.len(),
        started.elapsed().as_secs_f64()
    );
}
