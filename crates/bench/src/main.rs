//! `aftersail-bench`: the HTTP benchmark. Generates (or reuses) a demo shop of the requested
//! size, starts the real app in-process, signs in as the demo owner and measures the
//! agent's busiest pages with concurrent clients. See `docs/benchmarks.md`.

mod cli;
mod dataset;
mod load;
mod report;
mod scenarios;
mod server;
mod session;

use std::sync::Arc;

use aftersail_server::demo;
use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::cli::Args;
use crate::report::{Report, Row};

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

    let app = server::start(dataset.options.clone(), args.clients + SPARE_CONNECTIONS).await?;
    let result = measure(&args, &dataset, &app.base).await;
    app.stop().await.context("stopping the app")?;
    let report = result?;

    println!("\n{}", report.markdown());
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
        println!("\nJSON written to {}", path.display());
    }
    anyhow::ensure!(
        !report.failed(),
        "some scenarios failed (non-200 answers or errors)"
    );
    Ok(())
}

/// Signs in, prepares the scenarios and runs them one after the other.
async fn measure(args: &Args, dataset: &dataset::Dataset, base: &str) -> anyhow::Result<Report> {
    let owner = demo::PEOPLE[0].0;
    let session = session::log_in(base, owner, demo::PASSWORD)
        .await
        .with_context(|| format!("signing in as {owner}"))?;
    println!("Signed in as {owner}; checking scenarios …");
    let scenarios = scenarios::prepare(&session, dataset).await?;
    let mut rows = Vec::with_capacity(scenarios.len());
    for scenario in scenarios {
        let scenario = Arc::new(scenario);
        print!(
            "Running {:<18} {} clients, {} s + {} s … ",
            scenario.name, args.clients, args.warmup, args.duration
        );
        std::io::Write::flush(&mut std::io::stdout()).ok();
        let outcome = load::run(
            &session,
            scenario.clone(),
            args.clients,
            args.warmup(),
            args.duration(),
        )
        .await?;
        let row = Row::new(scenario.name, &scenario.request, outcome);
        println!(
            "{} requests, p99 {:.1} ms{}",
            row.requests,
            row.p99_ms,
            if row.failed { ", FAILED" } else { "" }
        );
        rows.push(row);
    }
    Ok(Report {
        date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        database: dataset.name.clone(),
        database_size_mb: dataset.size_bytes as f64 / 1_048_576.0,
        demo_tickets: dataset.demo_tickets,
        tickets_per_noise_shop: args.tickets / 10,
        noise_shops: args.noise_tenants,
        clients: args.clients,
        warmup_s: args.warmup,
        duration_s: args.duration,
        cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
        rows,
    })
}
