//! Header injection: CR/LF (and quotes, semicolons) in what outsiders send — a mail's
//! subject, sender name and attachment name, an agent's upload name, a form's `next` — never
//! becomes a header of its own: not in the reply mail that goes out over SMTP, not in a
//! download's Content-Disposition, not in a redirect.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aftersail_channels::email::smtp;
use reqwest::StatusCode;

use crate::browser_hostile::hostile_mail;
use crate::channel_sync::{add_channel, fakes, FakeChannel};
use crate::helpers::*;
use crate::mail_servers::{SinkOptions, SmtpSink};

const INJECTED: &str = "X-Injected";

/// The header names of a raw message's top-level header block (folded lines joined).
fn header_names(raw: &str) -> Vec<String> {
    let head = raw.split("\r\n\r\n").next().unwrap_or("");
    head.split("\r\n")
        .filter(|line| !line.starts_with([' ', '\t']))
        .filter_map(|line| line.split_once(':').map(|(name, _)| name.to_owned()))
        .collect()
}

#[tokio::test]
async fn crlf_in_a_buyers_mail_and_an_upload_name_never_becomes_a_reply_header() {
    let sink = SmtpSink::start(SinkOptions::default());
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    add_channel(&app, tenant, "Mail").await;
    let fake = Arc::new(FakeChannel {
        page: 10,
        ..Default::default()
    });
    // Encoded-words and RFC 2231 let a sender put raw CR/LF into decoded header values.
    *fake.mail.lock().unwrap() = vec![hostile_mail(
        "crlf-1@attacker.example",
        "eve@attacker.example",
        "Eve\r\nBcc: victim@elsewhere.example\r\nX-Injected: name",
        "Refund please\r\nBcc: victim@elsewhere.example\r\nX-Injected: subject",
        "Where is my refund?",
        "<p>Where is my refund?</p>",
        "invoice\r\nX-Injected: file\".pdf",
    )];
    let connectors = fakes(HashMap::from([("Mail".to_owned(), fake.clone())]));
    let lease = Duration::from_secs(60);
    let round = aftersail_worker::channel_sync::run_once(&app.pool, &connectors, lease)
        .await
        .unwrap();
    assert_eq!(round.ingested.messages, 1, "{round:?}");

    // The agent answers from the ticket page. Browsers send CR/LF in a file name
    // percent-encoded; a client sending them raw breaks the multipart framing and is refused.
    let key = crate::tickets::idempotency_key(&owner.page("/tickets/1000").await);
    let form = [
        ("body", "Your refund is on its way."),
        ("idempotency_key", key.as_str()),
        ("status", "pending"),
    ];
    let reply = |name: &'static str| {
        owner.post_files(
            "/tickets/1000/reply",
            &form,
            vec![(
                "attachments",
                name,
                "application/pdf",
                b"%PDF-1.4 label".to_vec(),
            )],
        )
    };
    let r = reply("label\r\nX-Injected: upload.pdf").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        crate::channel_sync::scalar(&app, "SELECT count(*) FROM outbox").await,
        0
    );
    let r = reply("label%0D%0AX-Injected: \u{2028}upload\t\u{85}.pdf").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let round = aftersail_worker::outbox_delivery::run_once(&app.pool, &connectors, lease)
        .await
        .unwrap();
    assert_eq!(round.sent, 1, "{round:?}");
    let outbound = fake.sent.lock().unwrap()[0].clone();

    // The reply as the email channel sends it: the real SMTP client to a real server.
    let mut cfg = sink.config();
    cfg.from_name = Some("Shop\r\nX-Injected: from".into());
    smtp::send(&cfg, &outbound).await.unwrap();
    let received = sink.received();
    assert_eq!(received.len(), 1);
    let (envelope, raw) = &received[0];
    assert_eq!(
        envelope["rcpt_tos"],
        serde_json::json!(["eve@attacker.example"]),
        "only the buyer receives it"
    );
    let raw = String::from_utf8_lossy(raw).to_string();
    let names = header_names(&raw);
    for name in &names {
        assert!(
            !name.eq_ignore_ascii_case(INJECTED) && !name.eq_ignore_ascii_case("bcc"),
            "injected header {name}: {raw}"
        );
    }
    assert_eq!(
        names
            .iter()
            .filter(|n| n.eq_ignore_ascii_case("subject"))
            .count(),
        1,
        "{raw}"
    );
    // Nor in the MIME parts (the attachment's own headers).
    for line in raw.split("\r\n") {
        assert!(
            !line.to_ascii_lowercase().starts_with("x-injected"),
            "injected line {line:?} in {raw}"
        );
    }
    // The words are still there, encoded inside their own header.
    let parsed = aftersail_channels::email::parse::parse(raw.as_bytes());
    assert!(
        parsed.subject.starts_with("Re: Refund please")
            && parsed.subject.contains("X-Injected: subject"),
        "{:?}",
        parsed.subject
    );
    assert_eq!(
        outbound.attachments.len(),
        1,
        "the reply carries its file: {raw}"
    );
    let name = &parsed.attachments.first().expect("the label").filename;
    assert!(
        !name.contains(['\r', '\n']) && name.contains("upload.pdf"),
        "{name:?}"
    );
}

/// `attachment; filename="…"; filename*=UTF-8''…` with nothing else: no CR/LF, no quote or
/// backslash inside the quoted name, only RFC 5987 characters in the encoded one.
fn assert_safe_disposition(value: &str) {
    let rest = value
        .strip_prefix("attachment; filename=\"")
        .or_else(|| value.strip_prefix("inline; filename=\""))
        .unwrap_or_else(|| panic!("unexpected Content-Disposition {value:?}"));
    let (quoted, encoded) = rest
        .split_once("\"; filename*=UTF-8''")
        .unwrap_or_else(|| panic!("unexpected Content-Disposition {value:?}"));
    assert!(
        quoted
            .chars()
            .all(|c| (c.is_ascii_graphic() || c == ' ') && c != '"' && c != '\\'),
        "{value:?}"
    );
    assert!(
        encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"%!#$&+-.^_`|~".contains(&b)),
        "{value:?}"
    );
}

#[tokio::test]
async fn downloads_name_hostile_files_in_one_safe_content_disposition() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    add_channel(&app, tenant, "Mail").await;
    let names = [
        "a\r\nSet-Cookie: session=stolen.txt",
        "report.pdf\"; filename=\"evil.html",
        "back\\slash;semi;colon=\"x\".txt",
        "снимок ущерба\u{202e}fdp.exe",
        "%0d%0aX-Injected:%20yes.txt",
    ];
    let fake = Arc::new(FakeChannel {
        page: 10,
        ..Default::default()
    });
    *fake.mail.lock().unwrap() = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            hostile_mail(
                &format!("file-{i}@attacker.example"),
                &format!("eve{i}@attacker.example"),
                "Eve",
                &format!("File {i}"),
                "See attached.",
                "<p>See attached.</p>",
                name,
            )
        })
        .collect();
    let connectors = fakes(HashMap::from([("Mail".to_owned(), fake)]));
    aftersail_worker::channel_sync::run_once(&app.pool, &connectors, Duration::from_secs(60))
        .await
        .unwrap();
    let files: Vec<(i64, uuid::Uuid, String)> = sqlx::query_as(
        "SELECT t.number, a.id, a.filename FROM attachments a
         JOIN messages m ON m.tenant_id = a.tenant_id AND m.id = a.message_id
         JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id ORDER BY t.number",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(files.len(), names.len());
    for (number, id, stored) in &files {
        assert!(!stored.contains(['\r', '\n']), "stored as {stored:?}");
        let r = owner
            .get(&format!("/tickets/{number}/attachments/{id}"))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers().get("set-cookie").is_none());
        assert!(r.headers().get(INJECTED).is_none());
        let dispositions: Vec<_> = r.headers().get_all("content-disposition").iter().collect();
        assert_eq!(dispositions.len(), 1);
        assert_safe_disposition(dispositions[0].to_str().unwrap());
        assert_eq!(
            r.headers()["content-security-policy"],
            "sandbox; default-src 'none'"
        );
    }
}

#[tokio::test]
async fn a_next_with_crlf_redirects_home_without_an_injected_header() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let hostile = [
        "/inbox\r\nSet-Cookie: injected=1",
        "/inbox\nX-Injected: 1",
        "/inbox\rX-Injected: 1",
        "/\r\n\r\n<script>alert(1)</script>",
        "/inbox\u{0}",
        // Browsers drop tabs and newlines from URLs: this one would be //evil.example.
        "/\t/evil.example",
        "/\n/evil.example",
    ];
    for next in hostile {
        // Signing in with the hostile `next` in the form.
        let b = app.browser();
        let token = b.csrf_from("/login").await;
        let r = b
            .post_with(
                "/login",
                &token,
                &[
                    ("email", "owner@example.com"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "sign-in with {next:?}");
        assert_eq!(location(&r), "/inbox", "{next:?}");
        assert!(r.headers().get(INJECTED).is_none());
        assert!(r
            .headers()
            .get_all("set-cookie")
            .iter()
            .all(|c| !c.to_str().unwrap_or("").starts_with("injected")));

        // Switching the interface language with it.
        b.refresh_csrf().await;
        let r = b
            .post("/settings/language", &[("ui_locale", "en"), ("next", next)])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "language with {next:?}");
        assert_eq!(location(&r), "/inbox", "{next:?}");
        assert!(r.headers().get(INJECTED).is_none());
    }
    // Percent-encoded CR/LF stays encoded: a harmless path, not a header.
    let b = app.browser();
    let token = b.csrf_from("/login").await;
    let r = b
        .post_with(
            "/login",
            &token,
            &[
                ("email", "owner@example.com"),
                ("password", PASSWORD),
                ("next", "/inbox%0d%0aX-Injected:%201"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/inbox%0d%0aX-Injected:%201");
    assert!(r.headers().get(INJECTED).is_none());
}
