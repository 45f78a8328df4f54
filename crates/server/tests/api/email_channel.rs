//! The email channel end to end against real servers (Dovecot for IMAP, an aiosmtpd sink for
//! SMTP): mail in through the worker, a reply out through the outbox, and the worker process
//! killed with SIGKILL again and again in the middle of ingest without losing or doubling mail.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use aftersail_channels::crypto::SecretKey;
use aftersail_db::{channels, outbox, TenantTx};
use aftersail_domain::{ChannelId, TenantId, TicketId, UserId};
use aftersail_worker::{channel_sync, outbox_delivery, Connectors};
use serde_json::json;

use crate::helpers::*;
use crate::mail_servers::{
    Dovecot, SinkOptions, SmtpSink, PASSWORD as MAIL_PASSWORD, USER as MAIL_USER,
};

const LEASE: Duration = Duration::from_secs(60);

/// Stores an email channel for the test servers the way Settings → Channels does: settings
/// in the clear, passwords sealed to the row with the app's key.
async fn email_channel(
    app: &TestApp,
    tenant: uuid::Uuid,
    dovecot: &Dovecot,
    smtp_port: u16,
    batch_size: u64,
) -> ChannelId {
    let id = ChannelId::new();
    let settings = json!({
        "imap": {"host": "127.0.0.1", "port": dovecot.imap_port, "security": "starttls",
                 "username": MAIL_USER, "batch_size": batch_size},
        "smtp": {"host": "127.0.0.1", "port": smtp_port, "security": "plain", "username": MAIL_USER,
                 "from_address": MAIL_USER, "from_name": "Shop Support"},
        "extra_root_pem": dovecot.ca_pem,
    });
    let secrets = json!({"imap_password": MAIL_PASSWORD, "smtp_password": MAIL_PASSWORD});
    let key = SecretKey::parse(TEST_SECRET_KEY).unwrap();
    let sealed = key.seal(
        secrets.to_string().as_bytes(),
        &channels::secret_owner(TenantId(tenant), id),
    );
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    channels::create(
        &mut tx,
        id,
        channels::NewChannel {
            kind: "email",
            name: "Support mailbox",
            settings: &settings,
            secrets_sealed: Some(&sealed),
            poll_interval_secs: 5,
            requests_per_minute: 6000,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

fn buyer_mail(n: usize) -> Vec<u8> {
    format!(
        "Message-ID: <order-question-{n}@buyer.example>\r\nFrom: Käufer {n} <kaeufer{n}@buyer.example>\r\n\
         To: {MAIL_USER}\r\nSubject: Frage zu Bestellung {n}\r\nDate: Mon, 23 Nov 2026 10:{:02}:00 +0100\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         Wo bleibt meine Bestellung {n}?\r\n",
        n % 60
    )
    .into_bytes()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.admin).await.unwrap()
}

#[tokio::test]
async fn mail_comes_in_over_imap_and_the_reply_goes_out_over_smtp_threaded() {
    let dovecot = Dovecot::start();
    let sink = SmtpSink::start(SinkOptions::default());
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    email_channel(&app, tenant, &dovecot, sink.port, 50).await;
    dovecot
        .deliver(
            "INBOX",
            &[
                buyer_mail(1),
                b"Message-ID: <amz-1@marketplace.amazon.de>\r\nFrom: \"Max - Amazon Marketplace\" <abc123xyz@marketplace.amazon.de>\r\n\
                  To: support@shop.test\r\nSubject: Anfrage zu Bestellung 302-1234567-7654321\r\n\
                  Date: Mon, 23 Nov 2026 11:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
                  Das Paket ist nicht angekommen.\r\n"
                    .to_vec(),
            ],
        )
        .await;
    let connectors = Connectors::new(Some(SecretKey::parse(TEST_SECRET_KEY).unwrap()));

    let round = channel_sync::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(
        (round.polled, round.failed, round.ingested.messages),
        (1, 0, 2),
        "{round:?}"
    );
    let amazon: (String, Option<String>) = sqlx::query_as(
        "SELECT t.channel, t.reply_to FROM tickets t WHERE t.subject LIKE 'Anfrage%'",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(
        amazon,
        (
            "amazon".to_owned(),
            Some("abc123xyz@marketplace.amazon.de".to_owned())
        ),
        "relay mail becomes channel amazon, answered via the alias"
    );

    // The agent answers the first buyer in the browser.
    let owner = UserId(app.id_of_user("owner@example.com").await);
    let number: i64 = count(
        &app,
        "SELECT number FROM tickets WHERE subject = 'Frage zu Bestellung 1'",
    )
    .await;
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    let ticket: TicketId = sqlx::query_scalar("SELECT id FROM tickets WHERE number = $1")
        .bind(number)
        .fetch_one(tx.conn())
        .await
        .unwrap();
    outbox::enqueue_reply(
        &mut tx,
        outbox::Reply {
            ticket_id: ticket,
            author: owner,
            body_text: "Ihre Bestellung ist unterwegs.",
            language: Some("de"),
            channel: "email",
            idempotency_key: "reply-1",
            translate_to: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let round = outbox_delivery::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.sent, 1, "{round:?}");
    let received = sink.received();
    assert_eq!(received.len(), 1);
    let raw = String::from_utf8_lossy(&received[0].1).to_string();
    assert!(
        received[0].0.to_string().contains("kaeufer1@buyer.example"),
        "{}",
        received[0].0
    );
    assert!(
        raw.contains("In-Reply-To: <order-question-1@buyer.example>"),
        "{raw}"
    );
    assert!(raw.contains(&format!("[#{number}]")), "{raw}");
    let state: String =
        sqlx::query_scalar("SELECT delivery_state FROM messages WHERE kind = 'outbound'")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(state, "sent");

    // The buyer answers our reply; it threads into the same ticket through In-Reply-To.
    let our_id: String =
        sqlx::query_scalar("SELECT external_id FROM messages WHERE kind = 'outbound'")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    dovecot
        .deliver(
            "INBOX",
            &[format!(
                "Message-ID: <answer-1@buyer.example>\r\nFrom: kaeufer1@buyer.example\r\nTo: {MAIL_USER}\r\n\
                 Subject: Danke\r\nIn-Reply-To: <{our_id}>\r\nDate: Mon, 23 Nov 2026 12:00:00 +0100\r\n\r\nDanke!\r\n"
            )
            .into_bytes()],
        )
        .await;
    sqlx::query("UPDATE channels SET next_poll_at = now()")
        .execute(&app.admin)
        .await
        .unwrap();
    channel_sync::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    let on_ticket = count(&app, &format!("SELECT count(*) FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.number = {number}")).await;
    assert_eq!(on_ticket, 3, "question, reply, answer");
}

#[tokio::test]
async fn wrong_imap_password_is_a_clear_channel_error_and_stops_polling() {
    let dovecot = Dovecot::start();
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    let id = email_channel(&app, tenant, &dovecot, 1, 50).await;
    let key = SecretKey::parse(TEST_SECRET_KEY).unwrap();
    let wrong = key.seal(
        json!({"imap_password": "not the password"})
            .to_string()
            .as_bytes(),
        &channels::secret_owner(TenantId(tenant), id),
    );
    sqlx::query("UPDATE channels SET secrets_sealed = $1")
        .bind(wrong)
        .execute(&app.admin)
        .await
        .unwrap();
    let connectors = Connectors::new(Some(key));
    let round = channel_sync::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.failed, 1);
    let (status, error): (String, Option<String>) =
        sqlx::query_as("SELECT status, last_error FROM channels")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(status, "auth_failed");
    let error = error.unwrap();
    assert!(error.contains("127.0.0.1"), "names the server: {error}");
    assert!(
        !error.contains("not the password"),
        "never shows the password"
    );
}

/// Starts `aftersail worker` on the test database.
fn worker_process(db_url: &str, data_dir: &std::path::Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_aftersail"))
        .arg("worker")
        .current_dir(data_dir)
        .env_remove("AFTERSAIL_BIND")
        .env("AFTERSAIL_DATABASE_URL", db_url)
        .env("AFTERSAIL_DATA_DIR", data_dir)
        .env("AFTERSAIL_SECRET_KEY", TEST_SECRET_KEY)
        .env("AFTERSAIL_WORKER_LEASE_SECS", "2")
        .env("AFTERSAIL_LOG_LEVEL", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the aftersail binary")
}

#[tokio::test]
async fn killing_the_worker_mid_batch_loses_and_duplicates_nothing() {
    const MAILS: usize = 600;
    let dovecot = Dovecot::start();
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    email_channel(&app, tenant, &dovecot, 1, 25).await;
    let mail: Vec<Vec<u8>> = (0..MAILS).map(buyer_mail).collect();
    dovecot.deliver("INBOX", &mail).await;
    let data_dir =
        std::env::temp_dir().join(format!("aftersail-kill-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&data_dir).unwrap();
    let url = app.database_url();

    // Kill the worker at varying points until it has been killed mid-import several times.
    let mut kills_mid_import = 0;
    let mut seen = Vec::new();
    for round in 0..40 {
        let mut worker = worker_process(&url, &data_dir);
        tokio::time::sleep(Duration::from_millis(250 + (round * 137 % 500) as u64)).await;
        worker.kill().expect("SIGKILL");
        worker.wait().unwrap();
        let stored = count(&app, "SELECT count(*) FROM messages").await;
        seen.push(stored);
        if stored > 0 && stored < MAILS as i64 {
            kills_mid_import += 1;
        }
        if stored == MAILS as i64 || kills_mid_import >= 5 {
            break;
        }
        // The killed worker's lease (2 s) runs out before the next one may poll the channel.
        tokio::time::sleep(Duration::from_millis(2100)).await;
    }
    assert!(
        kills_mid_import >= 3,
        "the worker was killed mid-import only {kills_mid_import} times: {seen:?}"
    );

    eprintln!("messages stored after each kill: {seen:?}");
    // Now let one worker finish the job.
    let mut worker = worker_process(&url, &data_dir);
    let start = Instant::now();
    while count(&app, "SELECT count(*) FROM messages").await < MAILS as i64 {
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "the import did not finish: {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Give a late duplicate the chance to show up, then stop.
    tokio::time::sleep(Duration::from_secs(3)).await;
    worker.kill().unwrap();
    worker.wait().unwrap();

    assert_eq!(
        count(&app, "SELECT count(*) FROM messages").await,
        MAILS as i64,
        "none lost, none doubled"
    );
    assert_eq!(
        count(&app, "SELECT count(DISTINCT external_id) FROM messages").await,
        MAILS as i64
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM inbound_payloads").await,
        MAILS as i64,
        "raw mail stored once each"
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM tickets").await,
        MAILS as i64
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM customers").await,
        MAILS as i64
    );
    let (cursor, done): (Option<String>, bool) =
        sqlx::query_as("SELECT cursor, backfill_done FROM channels")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert!(
        cursor.unwrap().ends_with(&format!(":{MAILS}")),
        "the cursor is at the last UID"
    );
    assert!(done);
    std::fs::remove_dir_all(&data_dir).ok();
}

#[tokio::test]
async fn new_mail_announced_by_imap_idle_makes_the_mailbox_due_at_once() {
    let dovecot = Dovecot::start();
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    email_channel(&app, tenant, &dovecot, 1, 50).await;
    sqlx::query("UPDATE channels SET next_poll_at = now() + interval '1 hour'")
        .execute(&app.admin)
        .await
        .unwrap();
    let connectors = std::sync::Arc::new(Connectors::new(Some(
        SecretKey::parse(TEST_SECRET_KEY).unwrap(),
    )));
    let token = tokio_util::sync::CancellationToken::new();
    // Two worker processes' watchers: only one may hold the mailbox's IDLE.
    let watchers = [
        tokio::spawn(aftersail_worker::mail_idle::run(
            app.pool.clone(),
            connectors.clone(),
            token.clone(),
        )),
        tokio::spawn(aftersail_worker::mail_idle::run(
            app.pool.clone(),
            connectors.clone(),
            token.clone(),
        )),
    ];
    let due = || async {
        count(
            &app,
            "SELECT count(*) FROM channels WHERE next_poll_at <= now()",
        )
        .await
    };
    let idling = || async {
        count(
            &app,
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        )
        .await
    };
    let start = Instant::now();
    while idling().await < 1 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no watcher took the mailbox"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        idling().await,
        1,
        "one watcher per mailbox across processes"
    );
    assert_eq!(due().await, 0, "nothing is due before mail arrives");

    dovecot.deliver("INBOX", &[buyer_mail(1)]).await;
    let start = Instant::now();
    while due().await == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "IDLE did not announce the new mail"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    token.cancel();
    for watcher in watchers {
        tokio::time::timeout(Duration::from_secs(5), watcher)
            .await
            .unwrap()
            .unwrap();
    }
}

/// `data` as base64 in 76-character lines.
fn base64_lines(data: &[u8]) -> String {
    use base64::Engine as _;
    let text = base64::engine::general_purpose::STANDARD.encode(data);
    text.as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\r\n")
}

#[tokio::test]
async fn the_hostile_and_unusual_mail_corpus_goes_through_a_real_mailbox_intact() {
    let dovecot = Dovecot::start();
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    email_channel(&app, tenant, &dovecot, 1, 50).await;

    let corpus_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../channels/tests/mail");
    let mut corpus: Vec<Vec<u8>> = std::fs::read_dir(corpus_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert!(corpus.len() >= 15, "the corpus is there");
    let video: Vec<u8> = (0..8 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    corpus.push(
        format!(
            "From: Big Sender <big@example.com>\r\nTo: {MAIL_USER}\r\nSubject: Video of the defect\r\n\
             Date: Fri, 20 Nov 2026 10:00:00 +0000\r\nMessage-ID: <big-1@example.com>\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=\"big\"\r\n\r\n--big\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
             See the attached video.\r\n--big\r\nContent-Type: video/mp4\r\nContent-Disposition: attachment; filename=\"defect.mp4\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--big--\r\n",
            base64_lines(&video)
        )
        .into_bytes(),
    );
    dovecot.deliver("INBOX", &corpus).await;

    let connectors = Connectors::new(Some(SecretKey::parse(TEST_SECRET_KEY).unwrap()));
    let round = channel_sync::run_once(&app.pool, &connectors, LEASE)
        .await
        .unwrap();
    assert_eq!(round.failed, 0, "{round:?}");
    let stored = count(&app, "SELECT count(*) FROM messages").await;
    let distinct_raw = corpus.len() as i64;
    assert_eq!(
        stored + round.ingested.duplicates,
        distinct_raw,
        "every mail stored or recognised as a repeat: {round:?}"
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM inbound_payloads").await,
        stored
    );

    let (size, sha): (i64, String) =
        sqlx::query_as("SELECT size_bytes, sha256 FROM attachments WHERE filename = 'defect.mp4'")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(
        size,
        video.len() as i64,
        "the 8 MB attachment arrives whole"
    );
    use sha2::Digest as _;
    assert_eq!(sha, hex::encode(sha2::Sha256::digest(&video)));

    let html: Vec<String> =
        sqlx::query_scalar("SELECT body_html FROM messages WHERE body_html IS NOT NULL")
            .fetch_all(&app.admin)
            .await
            .unwrap();
    assert!(!html.is_empty());
    for h in &html {
        let lower = h.to_lowercase();
        for bad in ["<script", " onerror", " onload", "javascript:"] {
            assert!(!lower.contains(bad), "stored HTML keeps {bad}: {h}");
        }
    }
    let channels: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT channel FROM tickets ORDER BY 1")
            .fetch_all(&app.admin)
            .await
            .unwrap();
    assert_eq!(
        channels,
        ["amazon", "ebay", "email"],
        "relay mail becomes its marketplace's conversation"
    );
    let automated: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT automated FROM messages WHERE automated IS NOT NULL ORDER BY 1",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(automated, ["auto_reply", "bounce", "bulk"]);
}
