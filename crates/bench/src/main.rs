//! `aftersail-bench`: the HTTP benchmark. Generates (or reuses) a demo shop of the requested
//! size, starts the real app in-process, signs in as the demo owner and measures the
//! agent's busiest pages with concurrent clients. See `docs/benchmarks.md`.

mod check;
mod cli;
mod dataset;
mod django;
mod load;
mod report;
mod rss;
mod scenarios;
mod server;
mod session;
mod writes;

use std::sync::Arc;

use aftersail_server::demo;
use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::cli::{Args, Target};
use crate::report::{Report, Row};
use crate::scenarios::{Scenario, Selection};
use crate::session::Session;

/// Pool connections beyond one per client (the live-update listener holds one of its own).
const SPARE_CONNECTIONS: u32 = 4;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    args.check()?;
    // Generation progress (the generator logs each batch) and warnings, but not sqlx's
    // slow-statement warnings, which print whole queries and are what the report measures
    // anyway; RUST_LOG overrides.
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn,sqlx::query=error,aftersail_server::demo=info"));
    // Logs go to stderr, so stdout carries only the run's progress and results.
    let stderr = std::io::stderr();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&stderr))
        .compact()
        .init();

    let report = match args.target {
        Target::Aftersail => aftersail(&args).await?,
        Target::Django => django(&args).await?,
    };

    println!("\n{}", report.markdown());
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
        println!("\nJSON written to {}", path.display());
    }
    anyhow::ensure!(
        !report.failed(),
        "some scenarios failed (unexpected answers, errors, or stored rows that do not match)"
    );
    Ok(())
}

fn selection(args: &Args) -> Selection {
    Selection {
        reads: args.reads(),
        writes: args.writes(),
        write_capacity: args.write_capacity(),
        clients: args.clients,
    }
}

/// Aftersail on its bench database, in-process or as a child process.
async fn aftersail(args: &Args) -> anyhow::Result<Report> {
    let load_start = loadavg();
    let dataset = dataset::prepare(
        &args.database_url,
        args.tickets,
        args.noise_tenants,
        args.reuse,
    )
    .await?;
    println!(
        "Database {}: demo shop {} has {} tickets (#{}..#{}).",
        dataset.name,
        dataset.demo_tenant,
        dataset.demo_tickets,
        dataset.numbers.0,
        dataset.numbers.1
    );
    let pool = args.pool.unwrap_or(args.clients + SPARE_CONNECTIONS);
    let app = match &args.server_bin {
        Some(bin) => {
            let url = server::database_url(&args.database_url, &dataset.name);
            server::spawn(bin, &url, pool).await?
        }
        None => server::start(dataset.options.clone(), pool).await?,
    };
    let memory = if app.in_process() {
        "VmRSS/VmHWM of the bench process, which runs the app AND the load generator (in-process)"
            .to_owned()
    } else {
        format!(
            "VmRSS/VmHWM of the `aftersail serve` child process (pid {}), pool of {pool}",
            app.pid()
        )
    };
    let pid = app.pid();
    let result = async {
        let owner = demo::PEOPLE[0].0;
        let session = session::log_in(&app.base, owner, demo::PASSWORD)
            .await
            .with_context(|| format!("signing in as {owner}"))?;
        println!("Signed in as {owner}; checking scenarios …");
        let scenarios = scenarios::prepare(&session, &dataset, &selection(args)).await?;
        run_all(args, &session, scenarios, Some(pid)).await
    }
    .await;
    app.stop().await.context("stopping the app")?;
    Ok(Report {
        target: "aftersail".into(),
        date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        memory,
        load_start,
        load_end: loadavg(),
        database: dataset.name.clone(),
        database_size_mb: dataset.size_bytes as f64 / 1_048_576.0,
        demo_tickets: dataset.demo_tickets,
        tickets_per_noise_shop: args.tickets / 10,
        noise_shops: args.noise_tenants,
        clients: args.clients,
        warmup_s: args.warmup,
        duration_s: args.duration,
        cores: cores(),
        rows: result?,
    })
}

/// django-helpdesk, already running (see `bench/django-helpdesk/run.sh`).
async fn django(args: &Args) -> anyhow::Result<Report> {
    let load_start = loadavg();
    let url = args
        .django_database_url
        .as_deref()
        .context("--django-database-url")?;
    let site = django::Site::open(url, &args.django_user, &args.django_password).await?;
    println!(
        "django-helpdesk at {}: {} tickets in {} queues (ids {}..{}); busiest queue {}.",
        args.django_url, site.tickets, site.queues, site.ids.0, site.ids.1, site.queue
    );
    let base = args.django_url.trim_end_matches('/');
    let session = django::log_in(base, &site)
        .await
        .with_context(|| format!("signing in to django-helpdesk as {}", args.django_user))?;
    println!("Signed in as {}; checking scenarios …", args.django_user);
    let scenarios = django::prepare(&session, &site, &selection(args)).await?;
    let rows = run_all(args, &session, scenarios, args.server_pid).await?;
    let size: i64 = {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect_with(&site.options).await?;
        let size = sqlx::query_scalar("SELECT pg_database_size(current_database())")
            .fetch_one(&mut conn)
            .await?;
        conn.close().await.ok();
        size
    };
    Ok(Report {
        target: "django-helpdesk".into(),
        date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        memory: match args.server_pid {
            Some(pid) => {
                format!("VmRSS/VmHWM summed over gunicorn's master (pid {pid}) and its workers")
            }
            None => "not measured (no --server-pid)".into(),
        },
        load_start,
        load_end: loadavg(),
        database: site.options.get_database().unwrap_or("?").to_owned(),
        database_size_mb: size as f64 / 1_048_576.0,
        demo_tickets: site.tickets,
        tickets_per_noise_shop: 0,
        noise_shops: (site.queues.max(1) - 1) as u32,
        clients: args.clients,
        warmup_s: args.warmup,
        duration_s: args.duration,
        cores: cores(),
        rows,
    })
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(0, |n| n.get())
}

/// The 1, 5 and 15 minute load averages.
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// Runs the scenarios one after the other, reading the server's memory around each and
/// checking what the write scenarios stored.
async fn run_all(
    args: &Args,
    session: &Session,
    scenarios: Vec<Scenario>,
    server_pid: Option<u32>,
) -> anyhow::Result<Vec<Row>> {
    let memory = || server_pid.and_then(rss::of_tree);
    let mut rows = Vec::with_capacity(scenarios.len());
    for scenario in scenarios {
        let scenario = Arc::new(scenario);
        print!(
            "Running {:<22} {} clients, {} s + {} s … ",
            scenario.name, args.clients, args.warmup, args.duration
        );
        std::io::Write::flush(&mut std::io::stdout()).ok();
        let before = memory();
        let outcome = load::run(
            session,
            scenario.clone(),
            args.clients,
            args.warmup(),
            args.duration(),
        )
        .await?;
        let mut row = Row::new(scenario.name, &scenario.request, outcome);
        row.memory_before = before;
        row.memory_after = memory();
        match scenario.verify().await {
            Ok(stored) => row.stored = stored,
            Err(err) => {
                row.failed = true;
                row.first_failure.get_or_insert(format!("{err:#}"));
            }
        }
        println!(
            "{} requests, p99 {:.1} ms{}",
            row.requests,
            row.p99_ms,
            if row.failed { ", FAILED" } else { "" }
        );
        rows.push(row);
    }
    Ok(rows)
}
