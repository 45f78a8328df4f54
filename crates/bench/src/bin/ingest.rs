//! `ingest`: inbound mail through the real ingest path, timed.
//!
//! Builds N RFC 5322 messages (six languages, threads of one to five messages answering each
//! other by In-Reply-To/References, buyers who write more than once and buyers who are new),
//! parses them with the email connector's parser (what an IMAP poll does with the fetched
//! bytes), and hands them, in IMAP-sized batches, to `aftersail_worker::ingest::apply` exactly
//! as the channel sync does: claim the due channel (`claim_due_channels`, lease), lock it,
//! store the batch and advance the cursor in one transaction. `--channels` mailboxes are
//! ingested in parallel, like several workers would. Then the rule runner handles the
//! events the messages raised (`automation::run_once` until the queue is empty), timed apart.
//!
//! Checks: every message is stored once, each thread is one ticket, and replaying a batch
//! stores nothing.

use std::collections::{HashMap, VecDeque};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aftersail_channels::email::parse::parse;
use aftersail_channels::{Batch, Inbound};
use aftersail_db::channels::{self, NewChannel};
use aftersail_db::TenantTx;
use aftersail_domain::{ChannelId, TenantId};
use aftersail_server::demo::{self, generator};
use aftersail_worker::{automation, ingest};
use anyhow::Context;
use chrono::{DateTime, TimeZone, Utc};
use clap::Parser;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor, PgConnection, PgPool};

#[derive(Debug, Parser)]
#[command(name = "ingest")]
struct Args {
    /// Inbound messages to ingest.
    #[arg(long, default_value_t = 20_000)]
    messages: usize,
    /// Mailboxes ingested in parallel (one worker task each). Ingest stores one batch of a
    /// shop at a time, so more mailboxes overlap only their claims and polls.
    #[arg(long, default_value_t = 1)]
    channels: usize,
    /// Messages per batch (the IMAP connector fetches 50 at a time).
    #[arg(long, default_value_t = 50)]
    batch: usize,
    /// Tickets the demo generator puts in the shop first, so ingest meets a used database.
    #[arg(long, default_value_t = 10_000)]
    base_tickets: u64,
    #[arg(
        long,
        env = "AFTERSAIL_BENCH_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    database_url: String,
    /// Keep the database afterwards (it is dropped by default).
    #[arg(long)]
    keep: bool,
    /// Run `ANALYZE` every S seconds while ingesting and handling rules (0: never), standing in
    /// for autovacuum where the server runs with `autovacuum = off` (as this project's CI
    /// machine does): without it the statistics stay those of the empty tables, and cached
    /// plans keep scanning them sequentially as they grow.
    #[arg(long, default_value_t = 0)]
    analyze_every: u64,
}

const DB: &str = "aftersail_bench_ingest";

/// (language, subject, first message, follow-up) — what buyers write, per language.
const TEXTS: [(&str, &str, &str, &str); 6] = [
    ("en", "Wrong item in my parcel", "Hello, I received the wrong item: a blue mug instead of the green one. Order {o}. What should I do?", "Any news? I still have the wrong item here."),
    ("de", "Falsche Lieferadresse", "Guten Tag, die Lieferadresse meiner Bestellung {o} ist falsch. Können Sie sie bitte ändern?", "Hallo, gibt es schon eine Antwort? Das Paket ist unterwegs."),
    ("fr", "Colis non reçu", "Bonjour, je n'ai toujours pas reçu ma commande {o}. Pouvez-vous vérifier le suivi ?", "Bonjour, toujours rien reçu. Merci de me répondre rapidement."),
    ("es", "Producto dañado", "Hola, el producto de mi pedido {o} llegó dañado. Quiero un reembolso, por favor.", "Hola, adjunto más detalles. ¿Cuándo recibiré el reembolso?"),
    ("zh", "订单还没有到", "你好，我的订单 {o} 已经两周了还没有收到，请帮我查一下物流。", "请问有进展吗？我还在等我的包裹。"),
    ("ja", "返品について", "こんにちは。注文 {o} の商品のサイズが合いませんでした。返品の方法を教えてください。", "お返事をお待ちしています。よろしくお願いします。"),
];

/// SplitMix64: a stable pseudo-random number per index.
fn mix(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One mail of the synthetic mailboxes.
struct Mail {
    channel: usize,
    at: DateTime<Utc>,
    raw: Vec<u8>,
}

/// The threads: thread `t` has 1–5 messages (mean 2.2), from a buyer who also writes other
/// threads (a pool of a third as many buyers as threads) or, one thread in five, from a
/// buyer seen nowhere else.
fn threads(messages: usize, channels: usize, tag: &str) -> (Vec<Mail>, usize) {
    let start = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap();
    let mut mails = Vec::with_capacity(messages);
    let mut t = 0u64;
    while mails.len() < messages {
        let r = mix(t);
        let len = [1, 1, 2, 2, 2, 3, 3, 4, 5, 1][(r % 10) as usize].min(messages - mails.len());
        let (lang, subject, first, follow) = TEXTS[((r >> 8) % TEXTS.len() as u64) as usize];
        let buyer = if (r >> 16).is_multiple_of(5) {
            format!("new-{tag}-{t}@example.net")
        } else {
            format!(
                "buyer{}@example.{lang}",
                (r >> 24) % (messages as u64 / 7 + 1)
            )
        };
        let order = format!("BENCH-{}", 100_000 + t);
        let channel = (t % channels as u64) as usize;
        let mut previous: Vec<String> = Vec::new();
        for i in 0..len {
            // Threads start 10 s apart; each follow-up comes an hour after the last mail.
            let at = start + chrono::Duration::seconds(t as i64 * 10 + i as i64 * 3600);
            let id = format!("<t{t}-m{i}.{tag}@mail.example.net>");
            // The order number makes each thread's subject its own: the ingest path also
            // threads by (buyer, subject), and a buyer here writes several threads.
            let subject = if i == 0 {
                format!("{subject} ({order})")
            } else {
                format!("Re: {subject} ({order})")
            };
            let body = if i == 0 {
                first.replace("{o}", &order)
            } else {
                follow.to_owned()
            };
            let mut raw = format!(
                "From: Buyer {t} <{buyer}>\r\nTo: help@demo.example\r\nSubject: =?UTF-8?B?{}?=\r\nMessage-ID: {id}\r\nDate: {}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n",
                base64(subject.as_bytes()),
                at.to_rfc2822()
            );
            if let Some(last) = previous.last() {
                raw += &format!(
                    "In-Reply-To: {last}\r\nReferences: {}\r\n",
                    previous.join(" ")
                );
            }
            raw += &format!("\r\n{body}\r\n");
            mails.push(Mail {
                channel,
                at,
                raw: raw.into_bytes(),
            });
            previous.push(id);
        }
        t += 1;
    }
    // Each mailbox delivers in time order, threads interleaved.
    mails.sort_by_key(|m| (m.channel, m.at));
    (mails, t as usize)
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        args.messages > 0 && args.channels > 0 && args.batch > 0,
        "--messages, --channels and --batch must be at least 1"
    );
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,sqlx::query=error".into()),
        )
        .with_writer(std::io::stderr)
        .compact()
        .init();
    let load_start = loadavg();
    let server = PgConnectOptions::from_str(&args.database_url)
        .with_context(|| format!("invalid database URL {}", args.database_url))?;
    let mut admin = PgConnection::connect_with(&server).await?;
    admin
        .execute(format!(r#"DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)"#).as_str())
        .await?;
    admin
        .execute(format!(r#"CREATE DATABASE "{DB}""#).as_str())
        .await?;
    let options = server.clone().database(DB);
    let result = run(&args, &options).await;
    if !args.keep {
        admin
            .execute(format!(r#"DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)"#).as_str())
            .await?;
    }
    admin.close().await.ok();
    result?;
    println!("Load average at start: {load_start}; at end: {}", loadavg());
    Ok(())
}

async fn run(args: &Args, options: &PgConnectOptions) -> anyhow::Result<()> {
    aftersail_db::migrate(options).await?;
    let pool = aftersail_db::connect(options.clone(), args.channels as u32 + 2).await?;
    demo::seed(&pool).await.context("seeding the demo shop")?;
    if args.base_tickets > 0 {
        let s = generator::generate(&pool, generator::Volume::new(args.base_tickets, 0)).await?;
        println!(
            "Demo shop filled with {} tickets in {:.1} s.",
            s.tickets,
            s.elapsed.as_secs_f64()
        );
    }
    let mut su = PgConnection::connect_with(&options.clone().disable_statement_logging()).await?;
    su.execute("VACUUM ANALYZE").await?;
    let tenant: uuid::Uuid = sqlx::query_scalar("SELECT id FROM tenants WHERE slug = $1")
        .bind(demo::SHOP_SLUG)
        .fetch_one(&mut su)
        .await?;
    let tenant = TenantId(tenant);
    // Whatever seeding queued for the rule runner is handled first, untimed.
    drain_rules(&pool).await?;

    let tag = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let (mails, thread_count) = threads(args.messages, args.channels, &tag);
    let parse_started = Instant::now();
    let parsed: Vec<(usize, Inbound)> = mails
        .iter()
        .map(|m| (m.channel, Inbound::Message(parse(&m.raw))))
        .collect();
    let parse_time = parse_started.elapsed();

    // The mailboxes: one channel each, polled as often as a channel may be.
    let mut ids = Vec::new();
    let mut tx = TenantTx::begin(&pool, tenant).await?;
    for c in 0..args.channels {
        let id = ChannelId::new();
        channels::create(
            &mut tx,
            id,
            NewChannel {
                kind: "email",
                name: &format!("Bench mailbox {c}"),
                settings: &serde_json::json!({}),
                secrets_sealed: None,
                poll_interval_secs: 60,
                requests_per_minute: 6000,
            },
        )
        .await?;
        ids.push(id);
    }
    tx.commit().await?;
    // Only the bench mailboxes are due: the demo shop's own channels wait.
    sqlx::query(
        "UPDATE channels SET next_poll_at = now() + interval '1 day' WHERE NOT (id = ANY($1))",
    )
    .bind(ids.iter().map(|i| i.0).collect::<Vec<_>>())
    .execute(&mut su)
    .await?;
    let mut queues: HashMap<ChannelId, VecDeque<Batch>> = HashMap::new();
    for (c, id) in ids.iter().enumerate() {
        let items: Vec<Inbound> = parsed
            .iter()
            .filter(|(ch, _)| *ch == c)
            .map(|(_, m)| m.clone())
            .collect();
        let count = items.chunks(args.batch).count();
        let batches = items
            .chunks(args.batch)
            .enumerate()
            .map(|(i, chunk)| Batch {
                items: chunk.to_vec(),
                cursor: Some(format!("bench:{}", (i + 1) * args.batch)),
                more: i + 1 < count,
                backlog: Some(((count - i - 1) * args.batch) as i64),
            })
            .collect();
        queues.insert(*id, batches);
    }
    let first_batch = queues[&ids[0]].front().cloned();
    let queues = Arc::new(Mutex::new(queues));

    println!(
        "Ingesting {} messages ({} threads) through {} mailbox(es) in batches of {} …",
        args.messages, thread_count, args.channels, args.batch
    );
    let analyzer = (args.analyze_every > 0).then(|| {
        let every = Duration::from_secs(args.analyze_every);
        tokio::spawn(analyze_every(options.clone(), every))
    });
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..args.channels {
        let (pool, queues) = (pool.clone(), queues.clone());
        workers.push(tokio::spawn(
            async move { worker(&pool, tenant, &queues).await },
        ));
    }
    let mut latencies = Vec::new();
    let mut stored = 0i64;
    let mut duplicates = 0i64;
    for w in workers {
        let (lat, done) = w.await??;
        latencies.extend(lat);
        stored += done.messages;
        duplicates += done.duplicates;
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();

    let rules_started = Instant::now();
    let events = drain_rules(&pool).await?;
    let rules_time = rules_started.elapsed();
    if let Some(analyzer) = analyzer {
        // It only ends by failing: say so rather than report ANALYZE runs that stopped.
        if analyzer.is_finished() {
            analyzer.await?.context("ANALYZE while running")?;
        } else {
            analyzer.abort();
        }
    }

    // Checks: stored once each, one ticket per thread, a replay stores nothing.
    let (in_db, tickets): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(DISTINCT ticket_id) FROM messages WHERE channel_id = ANY($1)",
    )
    .bind(ids.iter().map(|i| i.0).collect::<Vec<_>>())
    .fetch_one(&mut su)
    .await?;
    anyhow::ensure!(
        stored == args.messages as i64 && in_db == stored && duplicates == 0,
        "ingest stored {stored} (database: {in_db}, duplicates {duplicates}) of {} messages",
        args.messages
    );
    anyhow::ensure!(
        tickets == thread_count as i64,
        "{thread_count} threads became {tickets} tickets"
    );
    let replay = match first_batch {
        Some(batch) => {
            sqlx::query(
                "UPDATE channels SET next_poll_at = now(), next_request_at = now() WHERE id = $1",
            )
            .bind(ids[0].0)
            .execute(&mut su)
            .await?;
            let queues = Arc::new(Mutex::new(HashMap::from([(
                ids[0],
                VecDeque::from([batch]),
            )])));
            let (_, done) = worker(&pool, tenant, &queues).await?;
            anyhow::ensure!(
                done.messages == 0 && done.duplicates == args.batch.min(args.messages) as i64,
                "replaying the first batch stored {} messages",
                done.messages
            );
            done.duplicates
        }
        None => 0,
    };
    su.close().await.ok();
    pool.close().await;

    let secs = elapsed.as_secs_f64();
    println!("\n| what | value |\n|---|---:|");
    println!("| messages stored | {stored} |");
    println!("| threads → tickets | {thread_count} → {tickets} |");
    println!(
        "| mailboxes in parallel × batch | {} × {} |",
        args.channels, args.batch
    );
    println!("| base tickets in the shop | {} |", args.base_tickets);
    let analyze = match args.analyze_every {
        0 => "never (statistics of the start)".to_owned(),
        s => format!("every {s} s"),
    };
    println!("| ANALYZE while running | {analyze} |");
    println!(
        "| parse (connector side, one core) | {:.2} s ({:.0} msg/s) |",
        parse_time.as_secs_f64(),
        args.messages as f64 / parse_time.as_secs_f64()
    );
    println!("| ingest (claim + store + cursor) | {secs:.2} s |");
    println!(
        "| **ingest throughput** | **{:.0} messages/s** |",
        stored as f64 / secs
    );
    println!(
        "| batch latency p50 / p99 / max | {:.1} / {:.1} / {:.1} ms |",
        percentile(&latencies, 50.0),
        percentile(&latencies, 99.0),
        percentile(&latencies, 100.0)
    );
    println!(
        "| per message (batch p50 / batch size) | {:.2} ms |",
        percentile(&latencies, 50.0) / args.batch as f64
    );
    println!(
        "| rule runner: events handled | {events} in {:.2} s ({:.0} events/s) |",
        rules_time.as_secs_f64(),
        events as f64 / rules_time.as_secs_f64().max(1e-9)
    );
    println!(
        "| end to end (ingest + rules) | {:.0} messages/s |",
        stored as f64 / (secs + rules_time.as_secs_f64())
    );
    println!("| replay of a batch | {replay} duplicates, 0 stored |");
    Ok(())
}

/// One worker: claims whichever bench mailbox is due, ingests its next batch, until none
/// has anything left. Returns each batch's latency (claim to commit) and the totals.
async fn worker(
    pool: &PgPool,
    tenant: TenantId,
    queues: &Mutex<HashMap<ChannelId, VecDeque<Batch>>>,
) -> anyhow::Result<(Vec<Duration>, ingest::Ingested)> {
    let mut latencies = Vec::new();
    let mut total = ingest::Ingested::default();
    loop {
        let began = Instant::now();
        let claims = channels::claim_due(pool, 1, Duration::from_secs(60)).await?;
        let Some(claim) = claims.into_iter().next() else {
            if queues.lock().unwrap().values().all(VecDeque::is_empty) {
                return Ok((latencies, total));
            }
            // Another worker holds the other mailboxes, or the request spacing applies.
            tokio::time::sleep(Duration::from_millis(1)).await;
            continue;
        };
        let batch = queues
            .lock()
            .unwrap()
            .get_mut(&claim.id)
            .and_then(VecDeque::pop_front)
            .with_context(|| format!("claimed mailbox {} has no batch left", claim.id))?;
        let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
        let channel = channels::get_leased(&mut tx, claim.id, claim.lease_id)
            .await?
            .context("the lease was lost at once")?;
        tx.commit().await?;
        anyhow::ensure!(claim.tenant_id == tenant, "claimed another shop's channel");
        let done = ingest::apply(pool, claim.tenant_id, &channel, claim.lease_id, &batch).await?;
        latencies.push(began.elapsed());
        total.messages += done.messages;
        total.duplicates += done.duplicates;
    }
}

/// `ANALYZE` every `every` until aborted (standing in for autovacuum; see `--analyze-every`).
async fn analyze_every(options: PgConnectOptions, every: Duration) -> anyhow::Result<()> {
    let mut su = PgConnection::connect_with(&options.disable_statement_logging()).await?;
    loop {
        tokio::time::sleep(every).await;
        su.execute("ANALYZE").await?;
    }
}

/// Runs the rule runner until its queue is empty; the events handled.
async fn drain_rules(pool: &PgPool) -> anyhow::Result<usize> {
    let settings = automation::Settings::default();
    let mut handled = 0;
    loop {
        let round =
            automation::run_once(pool, &settings, Utc::now(), Duration::from_secs(60)).await?;
        anyhow::ensure!(
            round.failed == 0,
            "the rule runner failed on {} events",
            round.failed
        );
        if round.events == 0 {
            return Ok(handled);
        }
        handled += round.events;
    }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_have_the_requested_size_and_parse_back() {
        let (mails, threads) = threads(500, 2, "t");
        assert_eq!(mails.len(), 500);
        assert!((150..=300).contains(&threads), "{threads} threads");
        let parsed: Vec<_> = mails.iter().map(|m| parse(&m.raw)).collect();
        let replies = parsed
            .iter()
            .filter(|m| !m.thread.replies_to.is_empty())
            .count();
        assert!(replies > 100, "{replies} replies");
        let languages: std::collections::BTreeSet<_> = parsed
            .iter()
            .map(|m| {
                let subject = m.subject.trim_start_matches("Re: ");
                subject.split(" (").next().unwrap_or(subject).to_owned()
            })
            .collect();
        assert_eq!(languages.len(), TEXTS.len());
        assert!(parsed
            .iter()
            .any(|m| m.subject.starts_with("订单还没有到 (BENCH-")));
        // Each mailbox is in time order.
        assert!(mails
            .windows(2)
            .all(|w| w[0].channel < w[1].channel || w[0].at <= w[1].at));
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"M"), "TQ==");
    }
}
