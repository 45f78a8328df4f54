//! `sla-sweep`: the SLA sweeper's cost at scale. Fills a fresh database with one shop of
//! `--tickets` open tickets whose first-reply deadlines lie ahead, except `--due-percent` of
//! them, which are overdue; then times one sweep over them (which records every breach) and
//! a second sweep when nothing is due, and prints the plan of the sweeper's query.
//! Statements are counted as sqlx sends them (its `sqlx::query` log events), not estimated.
//! See docs/benchmarks.md.

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor, PgConnection};

#[derive(Debug, Parser)]
#[command(name = "sla-sweep")]
struct Args {
    /// Open tickets in the shop.
    #[arg(long, default_value_t = 1_000_000)]
    tickets: i64,
    /// Percentage of them past their deadline.
    #[arg(long, default_value_t = 1.0)]
    due_percent: f64,
    /// A superuser URL of the PostgreSQL server; the database is created beside it.
    #[arg(
        long,
        env = "AFTERSAIL_BENCH_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    database_url: String,
}

/// Every statement sqlx sends is logged as an event with target `sqlx::query`.
static STATEMENTS: AtomicU64 = AtomicU64::new(0);

struct CountStatements;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CountStatements {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            STATEMENTS.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn statements() -> u64 {
    STATEMENTS.load(Ordering::Relaxed)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::Layer;
    let counter = CountStatements.with_filter(
        tracing_subscriber::filter::Targets::new()
            .with_target("sqlx::query", tracing::Level::TRACE),
    );
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(counter))?;
    let args = Args::parse();
    anyhow::ensure!(args.tickets > 0, "--tickets must be at least 1");
    anyhow::ensure!(
        (0.0..=100.0).contains(&args.due_percent),
        "--due-percent is 0..100"
    );
    let server = PgConnectOptions::from_str(&args.database_url)?;
    let name = format!("aftersail_bench_sla_{}", args.tickets);
    let mut conn = PgConnection::connect_with(&server).await?;
    conn.execute(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str())
        .await?;
    conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
        .await?;
    conn.close().await?;
    let options = server.clone().database(&name);
    aftersail_db::migrate(&options).await?;

    let started = Instant::now();
    let due = (args.tickets as f64 * args.due_percent / 100.0).round() as i64;
    let mut admin = options
        .clone()
        .log_statements(tracing::log::LevelFilter::Off)
        .connect()
        .await?;
    seed(&mut admin, args.tickets, due)
        .await
        .context("seeding")?;
    println!(
        "Seeded {} open tickets ({} overdue) in {:.1} s.",
        args.tickets,
        due,
        started.elapsed().as_secs_f64()
    );
    let plan: Vec<String> = sqlx::query_scalar(
        "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
         SELECT t.tenant_id, t.id FROM tickets t WHERE t.sla_check_at <= now()
         ORDER BY t.sla_check_at LIMIT 500",
    )
    .fetch_all(&mut admin)
    .await?;

    let pool = aftersail_db::connect(options, 4).await?;
    let now = chrono::Utc::now();
    let (before, t) = (statements(), Instant::now());
    let round = aftersail_worker::sla_sweeper::run_once(&pool, now).await?;
    let (swept, swept_statements) = (t.elapsed(), statements() - before);
    let (before, t) = (statements(), Instant::now());
    let idle = aftersail_worker::sla_sweeper::run_once(&pool, now).await?;
    let (idle_time, idle_statements) = (t.elapsed(), statements() - before);
    println!();
    println!(
        "| sweep | tickets handled | breaches recorded | statements | time | per due ticket |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    println!(
        "| {} due of {} open | {} | {} | {} | {:.0} ms | {:.2} ms |",
        due,
        args.tickets,
        round.warned + round.breached,
        round.breached,
        swept_statements,
        swept.as_secs_f64() * 1000.0,
        swept.as_secs_f64() * 1000.0 / (due.max(1) as f64)
    );
    println!(
        "| nothing due | {} | {} | {} | {:.1} ms | – |",
        idle.warned + idle.breached,
        idle.breached,
        idle_statements,
        idle_time.as_secs_f64() * 1000.0
    );
    println!();
    println!("Plan of the sweeper's query (first page, before the sweep):");
    for line in plan {
        println!("    {line}");
    }
    Ok(())
}

/// One shop, one customer, `n` open tickets created an hour ago with a first-reply target;
/// the first `due` are overdue, the rest due in 1–30 days. Triggers raise no automation
/// (`app.automation = off`): this is history, not news.
async fn seed(conn: &mut PgConnection, n: i64, due: i64) -> anyhow::Result<()> {
    conn.execute("SET app.automation = 'off'").await?;
    let tenant = uuid::Uuid::now_v7();
    let customer = uuid::Uuid::now_v7();
    sqlx::query("INSERT INTO tenants (id, slug, name) VALUES ($1, 'sla-bench', 'SLA bench')")
        .bind(tenant)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO customers (tenant_id, id, name, email) VALUES ($1, $2, 'Buyer', 'b@example.com')")
        .bind(tenant)
        .bind(customer)
        .execute(&mut *conn)
        .await?;
    let batch = 100_000;
    let mut start = 1;
    while start <= n {
        let end = (start + batch - 1).min(n);
        sqlx::query(
            "INSERT INTO tickets (tenant_id, id, number, channel, customer_id, subject, status, priority,
                                  first_message_at, last_message_at, created_at, first_response_due_at,
                                  resolution_due_at)
             SELECT $1, gen_random_uuid(), g, 'email', $2, 'Ticket ' || g, 'open', 'normal',
                    now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour',
                    CASE WHEN g <= $5 THEN now() - interval '10 minutes'
                         ELSE now() + ((1 + g % 30) || ' days')::interval END,
                    now() + interval '60 days'
             FROM generate_series($3::bigint, $4::bigint) AS g",
        )
        .bind(tenant)
        .bind(customer)
        .bind(start)
        .bind(end)
        .bind(due)
        .execute(&mut *conn)
        .await?;
        start = end + 1;
    }
    conn.execute("VACUUM ANALYZE tickets").await?;
    Ok(())
}
