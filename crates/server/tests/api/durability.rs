//! Durability of the real binary against real peers (Dovecot for IMAP, an aiosmtpd sink for
//! SMTP): the worker SIGKILLed again and again during ingest and delivery, several server and
//! worker processes on one database, and PostgreSQL stopped (immediate mode) mid-run. The
//! peers count what really happened: every message stored once, every reply received once.
//! See docs/durability.md for what each test shows and the figures of its runs.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use aftersail_channels::crypto::SecretKey;
use aftersail_db::{channels, outbox, TenantTx};
use aftersail_domain::{ChannelId, TenantId, TicketId, UserId};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::*;
use crate::mail_servers::{
    Dovecot, SinkOptions, SmtpSink, PASSWORD as MAIL_PASSWORD, USER as MAIL_USER,
};

/// SplitMix64: a seeded, reproducible sequence of kill times without a new dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn millis(&mut self, lo: u64, hi: u64) -> Duration {
        Duration::from_millis(lo + self.next() % (hi - lo + 1))
    }
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aftersail-{tag}-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts `aftersail ROLE` with its output in `dir/NAME.log` (a pipe nobody reads would fill
/// up and stall the process once PostgreSQL is down and it logs every retry).
fn spawn(role: &str, name: &str, dir: &Path, env: &[(&str, String)]) -> Child {
    let log = std::fs::File::create(dir.join(format!("{name}.log"))).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aftersail"));
    cmd.arg(role)
        .current_dir(dir)
        .env_remove("AFTERSAIL_DATABASE_URL")
        .env_remove("AFTERSAIL_BIND")
        .env("AFTERSAIL_DATA_DIR", dir)
        .env("AFTERSAIL_SECRET_KEY", TEST_SECRET_KEY)
        .env(
            "AFTERSAIL_STATIC_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../static"),
        )
        .env("AFTERSAIL_LOG_LEVEL", "info")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("start the aftersail binary")
}

fn log_of(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(format!("{name}.log"))).unwrap_or_default()
}

/// Waits until the process has logged `needle` (it panics if the process exits first).
async fn wait_for_log(dir: &Path, name: &str, child: &mut Child, needle: &str, limit: Duration) {
    let start = Instant::now();
    while !log_of(dir, name).contains(needle) {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("{name} exited with {status}:\n{}", log_of(dir, name));
        }
        assert!(
            start.elapsed() < limit,
            "{name} did not log {needle:?} within {limit:?}:\n{}",
            log_of(dir, name)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Where the channel's mail comes from and goes to.
struct Mailbox<'a> {
    imap_port: u16,
    /// "starttls", or "plain" when a test proxy must read the IMAP commands.
    imap_security: &'a str,
    ca_pem: &'a str,
    smtp_port: u16,
    batch_size: u64,
}

/// Stores an email channel the way Settings → Channels does (passwords sealed to the row).
async fn email_channel(pool: &PgPool, tenant: Uuid, m: Mailbox<'_>) -> ChannelId {
    let id = ChannelId::new();
    let settings = json!({
        "imap": {"host": "127.0.0.1", "port": m.imap_port, "security": m.imap_security,
                 "username": MAIL_USER, "batch_size": m.batch_size},
        "smtp": {"host": "127.0.0.1", "port": m.smtp_port, "security": "plain", "username": MAIL_USER,
                 "from_address": MAIL_USER, "from_name": "Shop Support"},
        "extra_root_pem": m.ca_pem,
    });
    let secrets = json!({"imap_password": MAIL_PASSWORD, "smtp_password": MAIL_PASSWORD});
    let key = SecretKey::parse(TEST_SECRET_KEY).unwrap();
    let sealed = key.seal(
        secrets.to_string().as_bytes(),
        &channels::secret_owner(TenantId(tenant), id),
    );
    let mut tx = TenantTx::begin(pool, TenantId(tenant)).await.unwrap();
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

/// Message `k` of buyer `thread`'s conversation; later ones answer the earlier one.
fn thread_mail(thread: usize, k: usize) -> Vec<u8> {
    let answers = if k == 0 {
        String::new()
    } else {
        let prev = format!("<t{thread}-m{}@buyer.example>", k - 1);
        format!("In-Reply-To: {prev}\r\nReferences: {prev}\r\n")
    };
    let re = if k == 0 { "" } else { "Re: " };
    format!(
        "Message-ID: <t{thread}-m{k}@buyer.example>\r\n{answers}From: Käufer {thread} <kaeufer{thread}@buyer.example>\r\n\
         To: {MAIL_USER}\r\nSubject: {re}Frage zu Bestellung {thread}\r\nDate: Mon, 23 Nov 2026 10:{:02}:{:02} +0100\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         Nachricht {k}: wo bleibt meine Bestellung {thread}?\r\n",
        thread % 60,
        k % 60
    )
    .into_bytes()
}

/// The buyer thread a stored message's external id belongs to (`t12-m1@buyer.example` → 12).
fn thread_of(external_id: &str) -> Option<usize> {
    external_id
        .trim_start_matches('<')
        .strip_prefix('t')?
        .split('-')
        .next()?
        .parse()
        .ok()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Queues one agent reply (as the reply form does, keyed by the ticket) on every ticket that
/// has none yet; returns how many replies exist.
async fn queue_replies(pool: &PgPool, tenant: Uuid, author: Uuid) -> i64 {
    let mut tx = TenantTx::begin(pool, TenantId(tenant)).await.unwrap();
    let open: Vec<(TicketId, i64)> = sqlx::query_as(
        "SELECT t.id, t.number FROM tickets t WHERE NOT EXISTS
           (SELECT 1 FROM messages m WHERE m.tenant_id = t.tenant_id AND m.ticket_id = t.id
              AND m.kind = 'outbound' AND m.automated IS NULL)",
    )
    .fetch_all(tx.conn())
    .await
    .unwrap();
    for (ticket, number) in open {
        outbox::enqueue_reply(
            &mut tx,
            outbox::Reply {
                ticket_id: ticket,
                author: UserId(author),
                body_text: &format!("Ihre Bestellung {number} ist unterwegs."),
                language: Some("de"),
                channel: "email",
                idempotency_key: &format!("durability-{number}"),
                translate_to: None,
            },
        )
        .await
        .unwrap();
    }
    let replies = sqlx::query_scalar(
        "SELECT count(*) FROM outbox o JOIN messages m ON m.tenant_id = o.tenant_id AND m.id = o.message_id
         WHERE m.automated IS NULL",
    )
    .fetch_one(tx.conn())
    .await
    .unwrap();
    tx.commit().await.unwrap();
    replies
}

/// How often each Message-ID arrived at the sink (its id part, before the `@`).
fn received_ids(sink: &SmtpSink) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for (_, raw) in sink.received() {
        let text = String::from_utf8_lossy(&raw);
        let id = text
            .lines()
            .take_while(|l| !l.is_empty())
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("message-id")
                    .then(|| value.trim().trim_start_matches('<').to_owned())
            })
            .expect("every reply has a Message-ID");
        let local = id.split('@').next().unwrap().to_owned();
        *seen.entry(local).or_insert(0) += 1;
    }
    seen
}

/// The replies not sent yet, with their ticket and last error (for failure messages).
async fn unsent(pool: &PgPool) -> String {
    let rows: Vec<(i64, String, String, i32, Option<String>, i64)> = sqlx::query_as(
        "SELECT t.number, t.subject, o.state, o.attempts, o.last_error,
                (SELECT count(*) FROM messages i WHERE i.ticket_id = t.id AND i.kind = 'inbound')
         FROM outbox o JOIN messages m ON m.id = o.message_id JOIN tickets t ON t.id = m.ticket_id
         WHERE o.state <> 'sent'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    format!("unsent replies (ticket, subject, state, attempts, error, inbound messages): {rows:?}")
}

/// Leases held right now (each names the claim of one process).
async fn leases(pool: &PgPool, table: &str) -> HashSet<Uuid> {
    sqlx::query_scalar(&format!(
        "SELECT lease_id FROM {table} WHERE lease_id IS NOT NULL"
    ))
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .collect()
}

/// Every inbound message of `threads` conversations of `per_thread` mails each is stored once,
/// with its raw payload, and each conversation is one ticket of its own.
async fn assert_stored_once_and_threaded(pool: &PgPool, threads: usize, per_thread: usize) {
    let total = (threads * per_thread) as i64;
    assert_eq!(
        count(pool, "SELECT count(*) FROM messages WHERE kind = 'inbound'").await,
        total,
        "every inbound message stored, none twice"
    );
    assert_eq!(
        count(
            pool,
            "SELECT count(DISTINCT external_id) FROM messages WHERE kind = 'inbound'"
        )
        .await,
        total,
        "one row per Message-ID"
    );
    assert_eq!(
        count(pool, "SELECT count(*) FROM inbound_payloads").await,
        total,
        "raw mail stored once each"
    );
    let rows: Vec<(Uuid, String)> =
        sqlx::query_as("SELECT ticket_id, external_id FROM messages WHERE kind = 'inbound'")
            .fetch_all(pool)
            .await
            .unwrap();
    let mut ticket_of_thread: HashMap<usize, Uuid> = HashMap::new();
    for (ticket, external) in rows {
        let thread = thread_of(&external).unwrap_or_else(|| panic!("unexpected {external}"));
        let first = *ticket_of_thread.entry(thread).or_insert(ticket);
        assert_eq!(first, ticket, "conversation {thread} split over tickets");
    }
    let tickets: HashSet<Uuid> = ticket_of_thread.values().copied().collect();
    assert_eq!(
        (ticket_of_thread.len(), tickets.len()),
        (threads, threads),
        "each conversation on a ticket of its own"
    );
}

/// The agent replies: each marked sent in the database, no claim left behind, and each
/// received by the SMTP sink (by its Message-ID). Returns how many arrived more than once.
async fn assert_replies_delivered(pool: &PgPool, sink: &SmtpSink, expected: i64) -> usize {
    let states: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, count(*) FROM outbox GROUP BY state ORDER BY state")
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(
        states,
        vec![("sent".to_owned(), expected)],
        "every reply sent"
    );
    assert_eq!(
        count(
            pool,
            "SELECT count(*) FROM outbox WHERE lease_id IS NOT NULL OR lease_until IS NOT NULL"
        )
        .await,
        0,
        "no reply left claimed"
    );
    assert_eq!(
        count(
            pool,
            "SELECT count(*) FROM messages WHERE kind = 'outbound' AND delivery_state = 'sent'"
        )
        .await,
        expected
    );
    let ids: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM outbox")
        .fetch_all(pool)
        .await
        .unwrap();
    let received = received_ids(sink);
    for id in &ids {
        assert!(
            received.contains_key(&id.to_string()),
            "reply {id} never reached the SMTP server"
        );
    }
    assert_eq!(
        received.len(),
        ids.len(),
        "nothing but the replies arrived: {received:?}"
    );
    received.values().map(|n| n - 1).sum()
}

#[tokio::test]
async fn sigkill_during_ingest_and_delivery_stores_each_message_once_and_sends_each_reply() {
    const THREADS: usize = 60;
    const PER_THREAD: usize = 2;
    const LIMIT: Duration = Duration::from_secs(150);
    let started = Instant::now();
    let dovecot = Dovecot::start();
    let sink = SmtpSink::start(SinkOptions::default());
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    let owner = app.id_of_user("owner@example.com").await;
    email_channel(
        &app.pool,
        tenant,
        Mailbox {
            imap_port: dovecot.imap_port,
            imap_security: "starttls",
            ca_pem: &dovecot.ca_pem,
            smtp_port: sink.port,
            // Small batches: a debug build on a busy machine stores five mails well
            // within the time between kills, twenty often not.
            batch_size: 5,
        },
    )
    .await;
    // First messages of every conversation, then the answers to them.
    let mail: Vec<Vec<u8>> = (0..PER_THREAD)
        .flat_map(|k| (0..THREADS).map(move |t| thread_mail(t, k)))
        .collect();
    dovecot.deliver("INBOX", &mail).await;

    let dir = temp_dir("sigkill");
    let env = [
        ("AFTERSAIL_DATABASE_URL", app.database_url()),
        ("AFTERSAIL_WORKER_LEASE_SECS", "2".to_owned()),
    ];
    let mut rng = Rng(0x0A17_E45A_11D0_2026);
    let (mut kills, mut mid_ingest, mut mid_delivery) = (0, 0, 0);
    let mut progress = Vec::new();
    loop {
        let replies = queue_replies(&app.pool, tenant, owner).await;
        let stored = count(
            &app.admin,
            "SELECT count(*) FROM messages WHERE kind = 'inbound'",
        )
        .await;
        let sent = count(
            &app.admin,
            "SELECT count(*) FROM outbox WHERE state = 'sent'",
        )
        .await;
        progress.push((stored, sent));
        if stored == (THREADS * PER_THREAD) as i64 && replies == THREADS as i64 && sent == replies {
            break;
        }
        assert!(
            started.elapsed() < LIMIT,
            "not done after {kills} kills: {}; (stored, sent) after each {progress:?}",
            unsent(&app.admin).await
        );
        let (channel_before, outbox_before) = (
            leases(&app.admin, "channels").await,
            leases(&app.admin, "outbox").await,
        );
        let name = format!("worker-{kills}");
        let mut worker = spawn("worker", &name, &dir, &env);
        wait_for_log(
            &dir,
            &name,
            &mut worker,
            "background workers started",
            Duration::from_secs(30),
        )
        .await;
        // A random moment, short enough that on a quiet machine (where one worker's life
        // covers many batches) kills still land mid-batch; on a machine too slow to finish a
        // batch in that time, the moments grow while nothing moves (up to 8×), so the run
        // still ends.
        let stalled = progress
            .iter()
            .rev()
            .take_while(|p| *p == progress.last().unwrap())
            .count() as u32;
        tokio::time::sleep(rng.millis(100, 700) * (1 + stalled / 2).min(8)).await;
        worker.kill().expect("SIGKILL");
        worker.wait().unwrap();
        kills += 1;
        // Claims the killed worker held: work it was in the middle of.
        if !leases(&app.admin, "channels")
            .await
            .is_subset(&channel_before)
        {
            mid_ingest += 1;
        }
        if !leases(&app.admin, "outbox").await.is_subset(&outbox_before) {
            mid_delivery += 1;
        }
    }
    let seconds = started.elapsed().as_secs_f64();

    assert_stored_once_and_threaded(&app.admin, THREADS, PER_THREAD).await;
    let duplicates = assert_replies_delivered(&app.admin, &sink, THREADS as i64).await;
    let recipients_ok = sink.received().iter().all(|(envelope, raw)| {
        let raw = String::from_utf8_lossy(raw);
        let to = envelope["rcpt_tos"][0]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let n = to
            .strip_prefix("kaeufer")
            .and_then(|r| r.split('@').next())
            .unwrap_or_default()
            .to_owned();
        raw.contains(&format!("In-Reply-To: <t{n}-m"))
    });
    assert!(
        recipients_ok,
        "each reply goes to its buyer, answering their mail"
    );
    eprintln!(
        "SIGKILL test: {} messages, {THREADS} replies, {kills} kills ({mid_ingest} holding a channel poll, \
         {mid_delivery} holding replies), {duplicates} replies received twice, {seconds:.1} s; \
         (stored, sent) before each round: {progress:?}",
        THREADS * PER_THREAD
    );
    assert!(
        mid_ingest >= 1 && mid_delivery >= 1,
        "the kills must hit ingest and delivery: {mid_ingest} / {mid_delivery}"
    );
    // A kill between the SMTP server's acceptance and the commit of "sent" is the one
    // window where a reply goes out again (with the same Message-ID); one send is in
    // flight per process, so a kill repeats at most one reply.
    assert!(
        duplicates <= mid_delivery,
        "{duplicates} repeats from {mid_delivery} kills during delivery"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// One connection through a [`Proxy`].
#[derive(Debug, Clone, Copy)]
struct Session {
    opened: Instant,
    closed: Option<Instant>,
    /// The client sent IMAP `IDLE` (the push watcher, not a poll).
    idle: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hold {
    Off,
    /// Hold the next answer to the end of a mail's DATA.
    Armed,
    /// Holding it: the server has the mail, the client does not know yet.
    Holding,
    Released,
}

/// A TCP proxy in front of a test server that records each connection (and whether the
/// client idles: it reads plain IMAP and SMTP), and can hold the SMTP server's answer to the
/// end of one mail's DATA until released: the moment when the mail is delivered but its
/// sender cannot know it yet.
struct Proxy {
    port: u16,
    sessions: std::sync::Arc<std::sync::Mutex<Vec<Session>>>,
    hold: std::sync::Arc<std::sync::Mutex<Hold>>,
}

impl Proxy {
    async fn start(upstream: u16) -> Proxy {
        use std::sync::{Arc, Mutex};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let sessions: Arc<Mutex<Vec<Session>>> = Arc::default();
        let hold = Arc::new(Mutex::new(Hold::Off));
        let (all, gate) = (sessions.clone(), hold.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let index = {
                    let mut all = all.lock().unwrap();
                    all.push(Session {
                        opened: Instant::now(),
                        closed: None,
                        idle: false,
                    });
                    all.len() - 1
                };
                let Ok(server) = tokio::net::TcpStream::connect(("127.0.0.1", upstream)).await
                else {
                    all.lock().unwrap()[index].closed = Some(Instant::now());
                    continue;
                };
                tokio::spawn(relay(client, server, index, all.clone(), gate.clone()));
            }
        });
        Proxy {
            port,
            sessions,
            hold,
        }
    }

    fn sessions(&self) -> Vec<Session> {
        self.sessions.lock().unwrap().clone()
    }

    fn hold(&self) -> Hold {
        *self.hold.lock().unwrap()
    }

    fn set_hold(&self, to: Hold) {
        *self.hold.lock().unwrap() = to;
    }
}

async fn relay(
    client: tokio::net::TcpStream,
    server: tokio::net::TcpStream,
    index: usize,
    sessions: std::sync::Arc<std::sync::Mutex<Vec<Session>>>,
    hold: std::sync::Arc<std::sync::Mutex<Hold>>,
) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let data_ended = std::sync::Arc::new(AtomicBool::new(false));
    let ended = data_ended.clone();
    let seen = sessions.clone();
    let upstream = async move {
        let mut buf = vec![0u8; 64 * 1024];
        let mut tail: Vec<u8> = Vec::new();
        loop {
            let n = match client_read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            tail.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&tail).to_ascii_uppercase();
            if text.contains(" IDLE\r\n") {
                seen.lock().unwrap()[index].idle = true;
            }
            if text.contains("\r\n.\r\n") {
                ended.store(true, Ordering::SeqCst);
            }
            let keep = tail.len().saturating_sub(8);
            tail.drain(..keep);
            if server_write.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
    };
    let downstream = async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match server_read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if buf[..n].starts_with(b"250") && data_ended.swap(false, Ordering::SeqCst) {
                let held = {
                    let mut state = hold.lock().unwrap();
                    let armed = *state == Hold::Armed;
                    if armed {
                        *state = Hold::Holding;
                    }
                    armed
                };
                while held && *hold.lock().unwrap() == Hold::Holding {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
            if client_write.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
    };
    // Closed when either side closes (the client logs out, or the server hangs up).
    tokio::select! {
        () = upstream => {}
        () = downstream => {}
    }
    sessions.lock().unwrap()[index].closed = Some(Instant::now());
}

/// The most sessions open at one moment among `sessions`.
fn max_overlap(sessions: &[Session]) -> usize {
    let end = Instant::now();
    let mut points: Vec<(Instant, i32)> = sessions
        .iter()
        .flat_map(|s| [(s.opened, 1), (s.closed.unwrap_or(end), -1)])
        .collect();
    // At the same instant a close counts before an open.
    points.sort_by_key(|&(at, delta)| (at, delta));
    let (mut open, mut most) = (0, 0);
    for (_, delta) in points {
        open += delta;
        most = most.max(open);
    }
    most as usize
}

#[tokio::test]
async fn two_servers_and_three_workers_on_one_database_do_each_piece_of_work_once() {
    const BUYERS: usize = 80;
    const LIMIT: Duration = Duration::from_secs(120);
    let started = Instant::now();
    let dovecot = Dovecot::start();
    let sink = SmtpSink::start(SinkOptions::default());
    let imap = Proxy::start(dovecot.imap_port).await;
    let db = TestDb::create().await;
    let url = db.url();
    let admin = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect_with(db.options.clone())
        .await
        .unwrap();
    let pool = aftersail_db::connect(db.options.clone(), 2).await.unwrap();
    let dir = temp_dir("processes");
    let common = [
        ("AFTERSAIL_DATABASE_URL", url.clone()),
        ("AFTERSAIL_WORKER_LEASE_SECS", "30".to_owned()),
        ("AFTERSAIL_DB_MAX_CONNECTIONS", "5".to_owned()),
    ];
    let mut servers = Vec::new();
    let mut bases = Vec::new();
    for i in 0..2 {
        let port = crate::binary::free_port();
        let mut env = common.to_vec();
        env.push(("AFTERSAIL_BIND", format!("127.0.0.1:{port}")));
        let mut child = spawn("serve", &format!("serve-{i}"), &dir, &env);
        let base = format!("http://127.0.0.1:{port}");
        crate::binary::wait_ready(&base, &mut child, Duration::from_secs(60)).await;
        servers.push(child);
        bases.push(base);
    }
    let agents = [Browser::new(&bases[0]), Browser::new(&bases[1])];
    let r = agents[0]
        .sign_up("Shop", "Owner Person", "owner@example.com", PASSWORD)
        .await;
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    agents[0].refresh_csrf().await;
    assert_eq!(
        agents[1]
            .log_in("owner@example.com", PASSWORD)
            .await
            .status(),
        reqwest::StatusCode::SEE_OTHER
    );
    let tenant: Uuid = sqlx::query_scalar("SELECT tenant_id FROM users")
        .fetch_one(&admin)
        .await
        .unwrap();
    // The auto-reply rule, as Settings → Rules stores it.
    let template = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO reply_templates (tenant_id, id, name, body) VALUES ($1, $2, 'Ack', $3)",
    )
    .bind(tenant)
    .bind(template)
    .bind("Danke, {{customer.first_name}}, wir melden uns.")
    .execute(&admin)
    .await
    .unwrap();
    let definition = json!({"actions": [{"type": "reply", "template": template}]});
    let parsed: aftersail_domain::rules::Definition =
        serde_json::from_value(definition.clone()).unwrap();
    let trigger = aftersail_domain::rules::Trigger::parse("message_received").unwrap();
    aftersail_domain::rules::validate(trigger, &parsed).expect("a valid rule");
    sqlx::query(
        "INSERT INTO rules (tenant_id, id, name, position, rule_set, trigger, definition, stop)
         VALUES ($1, $2, 'Acknowledge', 0, 'always', 'message_received', $3, false)",
    )
    .bind(tenant)
    .bind(Uuid::now_v7())
    .bind(definition)
    .execute(&admin)
    .await
    .unwrap();
    email_channel(
        &pool,
        tenant,
        Mailbox {
            imap_port: imap.port,
            imap_security: "plain",
            ca_pem: &dovecot.ca_pem,
            smtp_port: sink.port,
            batch_size: 10,
        },
    )
    .await;
    let mut workers: Vec<Child> = (0..3)
        .map(|i| spawn("worker", &format!("worker-{i}"), &dir, &common))
        .collect();
    let mail: Vec<Vec<u8>> = (0..BUYERS).map(|t| thread_mail(t, 0)).collect();
    dovecot.deliver("INBOX", &mail).await;

    // Answer each ticket as soon as it is there: the form loaded from one server and sent
    // to both at once (a double submit that lands on two processes).
    let mut answered = HashSet::new();
    while answered.len() < BUYERS {
        assert!(
            started.elapsed() < LIMIT,
            "only {} tickets answered",
            answered.len()
        );
        let numbers: Vec<i64> = sqlx::query_scalar("SELECT number FROM tickets ORDER BY number")
            .fetch_all(&admin)
            .await
            .unwrap();
        let fresh: Vec<i64> = numbers
            .into_iter()
            .filter(|n| !answered.contains(n))
            .collect();
        if fresh.is_empty() {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        }
        for number in fresh {
            let (first, second) = (
                &agents[number as usize % 2],
                &agents[1 - number as usize % 2],
            );
            let path = format!("/tickets/{number}");
            let key = crate::tickets::idempotency_key(&first.page(&path).await);
            let body = format!("Ihre Bestellung (Ticket {number}) ist unterwegs.");
            let form = [("body", body.as_str()), ("idempotency_key", key.as_str())];
            let reply = format!("{path}/reply");
            let (a, b) = tokio::join!(first.post(&reply, &form), second.post(&reply, &form));
            assert_eq!(
                (a.status(), b.status()),
                (
                    reqwest::StatusCode::SEE_OTHER,
                    reqwest::StatusCode::SEE_OTHER
                )
            );
            answered.insert(number);
        }
    }

    // Done when every message, auto-reply and agent reply has gone through.
    let expected_mail = 2 * BUYERS;
    loop {
        let sent = count(&admin, "SELECT count(*) FROM outbox WHERE state = 'sent'").await;
        let stored = count(
            &admin,
            "SELECT count(*) FROM messages WHERE kind = 'inbound'",
        )
        .await;
        if sent == expected_mail as i64 && stored == BUYERS as i64 {
            break;
        }
        assert!(
            started.elapsed() < LIMIT,
            "stored {stored} of {BUYERS}, sent {sent} of {expected_mail}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A late duplicate poll, rule run or send would show up by now.
    tokio::time::sleep(Duration::from_secs(3)).await;
    for (i, child) in workers.iter_mut().chain(servers.iter_mut()).enumerate() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "process {i} died; logs in {}",
            dir.display()
        );
    }
    let seconds = started.elapsed().as_secs_f64();

    assert_stored_once_and_threaded(&admin, BUYERS, 1).await;
    let repeats = assert_replies_delivered(&admin, &sink, expected_mail as i64).await;
    assert_eq!(repeats, 0, "no reply sent twice");
    let (rule_replies, agent_replies, fired, fires): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM messages WHERE automated = 'rule'),
                (SELECT count(*) FROM messages WHERE kind = 'outbound' AND automated IS NULL),
                (SELECT count(*) FROM rule_runs WHERE matched),
                (SELECT count(*) FROM rule_fires)",
    )
    .fetch_one(&admin)
    .await
    .unwrap();
    assert_eq!(
        (rule_replies, agent_replies, fired),
        (BUYERS as i64, BUYERS as i64, BUYERS as i64),
        "one auto-reply and one agent reply per buyer, the rule fired once per message"
    );
    let per_ticket = count(
        &admin,
        "SELECT count(*) FROM (SELECT ticket_id FROM messages WHERE kind = 'outbound'
         GROUP BY ticket_id HAVING count(*) = 2) x",
    )
    .await;
    assert_eq!(per_ticket, BUYERS as i64, "two replies on every ticket");

    let sessions = imap.sessions();
    let polls: Vec<Session> = sessions.iter().copied().filter(|s| !s.idle).collect();
    let idles: Vec<Session> = sessions.iter().copied().filter(|s| s.idle).collect();
    let (poll_overlap, idle_overlap) = (max_overlap(&polls), max_overlap(&idles));
    // Which worker processes polled: each logs its ingests.
    let polled_by = (0..3)
        .filter(|i| log_of(&dir, &format!("worker-{i}")).contains("channels synced"))
        .count();
    eprintln!(
        "processes test: 2 servers, 3 workers; {BUYERS} messages, {BUYERS} agent replies (each form \
         sent to both servers), {BUYERS} auto-replies; {} IMAP poll sessions (at most {poll_overlap} \
         at once) by {polled_by} workers, {} IDLE sessions (at most {idle_overlap} at once), \
         {fires} rule fires; {seconds:.1} s",
        polls.len(),
        idles.len()
    );
    assert_eq!(poll_overlap, 1, "never two polls of the mailbox at once");
    assert!(idle_overlap <= 1, "one IDLE watcher per mailbox");
    assert!(
        polls.len() >= BUYERS / 10,
        "the mailbox was polled in batches"
    );

    for mut child in workers.into_iter().chain(servers) {
        let status = crate::binary::terminate(&mut child, Duration::from_secs(30));
        assert!(status.success(), "{status}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Sends SIGQUIT to the cluster's postmaster: `pg_ctl stop -m immediate`, i.e. what a crash
/// or a power cut looks like to clients (no checkpoint; crash recovery on the next start).
async fn stop_postgres_immediately(data_dir: &Path) {
    let pid = std::fs::read_to_string(data_dir.join("postmaster.pid"))
        .expect("PostgreSQL is running")
        .lines()
        .next()
        .unwrap()
        .trim()
        .to_owned();
    let ok = Command::new("kill").args(["-QUIT", &pid]).status().unwrap();
    assert!(ok.success());
    let start = Instant::now();
    while Command::new("kill")
        .args(["-0", &pid])
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap()
        .success()
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "PostgreSQL did not stop"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn postgres_stopped_mid_run_comes_back_and_nothing_is_lost_or_sent_twice() {
    use aftersail_server::embedded_pg::EmbeddedPostgres;
    const THREADS: usize = 60;
    const LIMIT: Duration = Duration::from_secs(150);
    let started = Instant::now();
    let dovecot = Dovecot::start();
    let sink = SmtpSink::start(SinkOptions::default());
    let smtp = Proxy::start(sink.port).await;
    // A private cluster: the shared one on 5432 must never be stopped.
    let dir = temp_dir("pg-restart");
    let pg_dir = dir.join("pg");
    let pg = EmbeddedPostgres::start(&pg_dir)
        .await
        .expect("a private PostgreSQL cluster");
    let options = pg.connect_options();
    aftersail_db::migrate(&options).await.unwrap();
    let socket_dir = std::fs::canonicalize(&pg_dir).unwrap();
    let url = format!(
        "postgres://aftersail@localhost/aftersail?host={}",
        socket_dir.display()
    );
    let admin = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options.clone())
        .await
        .unwrap();
    let pool = aftersail_db::connect(options.clone(), 2).await.unwrap();
    let port = crate::binary::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let env = [
        ("AFTERSAIL_DATABASE_URL", url),
        ("AFTERSAIL_BIND", format!("127.0.0.1:{port}")),
        // Long enough to outlast the outage: the held reply's result is written within it.
        ("AFTERSAIL_WORKER_LEASE_SECS", "20".to_owned()),
    ];
    let mut app = spawn("all", "all", &dir, &env);
    crate::binary::wait_ready(&base, &mut app, Duration::from_secs(60)).await;
    let owner = Browser::new(&base);
    let r = owner
        .sign_up("Shop", "Owner Person", "owner@example.com", PASSWORD)
        .await;
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    let (tenant, author): (Uuid, Uuid) = sqlx::query_as("SELECT tenant_id, id FROM users")
        .fetch_one(&admin)
        .await
        .unwrap();
    email_channel(
        &pool,
        tenant,
        Mailbox {
            imap_port: dovecot.imap_port,
            imap_security: "starttls",
            ca_pem: &dovecot.ca_pem,
            smtp_port: smtp.port,
            batch_size: 10,
        },
    )
    .await;
    let first: Vec<Vec<u8>> = (0..THREADS).map(|t| thread_mail(t, 0)).collect();
    dovecot.deliver("INBOX", &first).await;
    while count(&admin, "SELECT count(*) FROM tickets").await < THREADS as i64 {
        assert!(started.elapsed() < LIMIT, "the first mail was not ingested");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Replies in flight: hold the SMTP server's "250" for one of them, so that mail is
    // delivered while the worker cannot know yet; the buyers' answers arrive meanwhile.
    smtp.set_hold(Hold::Armed);
    assert_eq!(queue_replies(&pool, tenant, author).await, THREADS as i64);
    let answers: Vec<Vec<u8>> = (0..THREADS).map(|t| thread_mail(t, 1)).collect();
    dovecot.deliver("INBOX", &answers).await;
    while smtp.hold() != Hold::Holding {
        assert!(
            started.elapsed() < LIMIT,
            "no reply reached the SMTP server"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    stop_postgres_immediately(&socket_dir).await;
    let down_at = Instant::now();
    let at_sink = sink.received().len();
    // Now the worker learns its mail was accepted, and cannot record it.
    smtp.set_hold(Hold::Released);
    // Not ready without its database: 503, or no answer within a probe's patience.
    let probe = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    if let Ok(readyz) = probe.get(format!("{base}/readyz")).send().await {
        assert_eq!(
            readyz.status(),
            reqwest::StatusCode::SERVICE_UNAVAILABLE,
            "not ready without its database"
        );
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(
        app.try_wait().unwrap().is_none(),
        "aftersail exited while PostgreSQL was down:\n{}",
        log_of(&dir, "all")
    );
    let pg = EmbeddedPostgres::start(&pg_dir)
        .await
        .expect("PostgreSQL starts again (crash recovery)");
    let outage = down_at.elapsed().as_secs_f64();
    crate::binary::wait_ready(&base, &mut app, Duration::from_secs(60)).await;
    let ready_after = down_at.elapsed().as_secs_f64() - outage;

    let total = 2 * THREADS as i64;
    let (mut stored, mut sent) = (0, 0);
    while stored < total || sent < THREADS as i64 {
        assert!(
            started.elapsed() < LIMIT,
            "after the restart: stored {stored} of {total}, sent {sent} of {THREADS}:\n{}",
            log_of(&dir, "all")
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        stored = count(
            &admin,
            "SELECT count(*) FROM messages WHERE kind = 'inbound'",
        )
        .await;
        sent = count(&admin, "SELECT count(*) FROM outbox WHERE state = 'sent'").await;
    }
    assert!(app.try_wait().unwrap().is_none(), "still running");
    assert_stored_once_and_threaded(&admin, THREADS, 2).await;
    let repeats = assert_replies_delivered(&admin, &sink, THREADS as i64).await;
    let log = log_of(&dir, "all");
    let retried_recording = log.contains("recording a delivery failed; retrying");
    eprintln!(
        "PostgreSQL restart test: {total} messages, {THREADS} replies; {at_sink} replies at the \
         SMTP server when PostgreSQL stopped (the last one not yet recorded), down \
         {outage:.1} s, ready {ready_after:.1} s after its start, {repeats} replies sent twice, \
         the held reply's result written after the restart: {retried_recording}; {:.1} s in all",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(repeats, 0, "no reply sent twice");
    assert!(retried_recording, "the held reply was recorded by retrying");
    let status = crate::binary::terminate(&mut app, Duration::from_secs(30));
    assert!(status.success(), "{status}:\n{}", log_of(&dir, "all"));
    admin.close().await;
    pool.close().await;
    pg.stop().await.unwrap();
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_send_that_outlasts_the_lease_is_not_sent_again_by_another_worker() {
    const LIMIT: Duration = Duration::from_secs(90);
    let started = Instant::now();
    let dovecot = Dovecot::start();
    let sink = SmtpSink::start(SinkOptions::default());
    let smtp = Proxy::start(sink.port).await;
    let app = spawn_app().await;
    app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    let owner = app.id_of_user("owner@example.com").await;
    email_channel(
        &app.pool,
        tenant,
        Mailbox {
            imap_port: dovecot.imap_port,
            imap_security: "starttls",
            ca_pem: &dovecot.ca_pem,
            smtp_port: smtp.port,
            batch_size: 10,
        },
    )
    .await;
    dovecot.deliver("INBOX", &[thread_mail(1, 0)]).await;
    let dir = temp_dir("lease");
    let env = [
        ("AFTERSAIL_DATABASE_URL", app.database_url()),
        ("AFTERSAIL_WORKER_LEASE_SECS", "2".to_owned()),
    ];
    let mut workers: Vec<Child> = (0..2)
        .map(|i| spawn("worker", &format!("worker-{i}"), &dir, &env))
        .collect();
    while count(&app.admin, "SELECT count(*) FROM tickets").await < 1 {
        assert!(started.elapsed() < LIMIT, "the mail was not ingested");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The SMTP server takes the reply but answers only after 2.5 leases: a slow server.
    smtp.set_hold(Hold::Armed);
    queue_replies(&app.pool, tenant, owner).await;
    while smtp.hold() != Hold::Holding {
        assert!(started.elapsed() < LIMIT, "the reply was not sent");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let during = sink.received().len();
    smtp.set_hold(Hold::Released);
    while count(
        &app.admin,
        "SELECT count(*) FROM outbox WHERE state = 'sent'",
    )
    .await
        < 1
    {
        assert!(
            started.elapsed() < LIMIT,
            "the reply was not recorded as sent"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Another worker polls the outbox every second: a lapsed claim would be sent by now.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let attempts: i32 = sqlx::query_scalar("SELECT attempts FROM outbox")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let repeats = assert_replies_delivered(&app.admin, &sink, 1).await;
    eprintln!(
        "lease test: one send held 5 s with a 2 s lease and 2 workers: {during} mail(s) at the \
         server while held, {repeats} repeats, {attempts} attempt(s)"
    );
    assert_eq!(
        (during, repeats, attempts),
        (1, 0, 1),
        "the slow send kept its claim"
    );
    for mut worker in workers.drain(..) {
        let status = crate::binary::terminate(&mut worker, Duration::from_secs(30));
        assert!(status.success(), "{status}");
    }
    std::fs::remove_dir_all(&dir).ok();
}
