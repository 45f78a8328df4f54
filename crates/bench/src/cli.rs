//! Command-line options.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// Generates a demo shop of the given size (once), starts the real app in-process, signs in
/// as the demo owner and measures the agent's busiest pages with concurrent clients.
#[derive(Debug, Parser)]
#[command(name = "aftersail-bench", version)]
pub struct Args {
    /// Tickets in the demo shop (the database is `aftersail_bench_<tickets>`).
    #[arg(long, default_value_t = 10_000)]
    pub tickets: u64,

    /// Other shops in the same database, each with a tenth as many tickets.
    #[arg(long, default_value_t = 3)]
    pub noise_tenants: u32,

    /// Concurrent clients, each sending its next request as soon as the last one is answered.
    #[arg(long, default_value_t = 16)]
    pub clients: u32,

    /// Measured seconds per scenario.
    #[arg(long, default_value_t = 10)]
    pub duration: u64,

    /// Seconds of discarded warm-up before each scenario's measurement.
    #[arg(long, default_value_t = 2)]
    pub warmup: u64,

    /// A superuser URL of the PostgreSQL server; the bench database is created beside it.
    #[arg(
        long,
        env = "AFTERSAIL_BENCH_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub database_url: String,

    /// Keep a bench database of the same size that an earlier run completed, instead of
    /// dropping and generating it again.
    #[arg(long)]
    pub reuse: bool,

    /// Also write the results as JSON to this file.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
}

impl Args {
    /// Refuses settings that would make a run meaningless.
    pub fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(self.tickets > 0, "--tickets must be at least 1");
        anyhow::ensure!(self.clients > 0, "--clients must be at least 1");
        anyhow::ensure!(self.duration > 0, "--duration must be at least 1 second");
        Ok(())
    }

    pub fn duration(&self) -> Duration {
        Duration::from_secs(self.duration)
    }

    pub fn warmup(&self) -> Duration {
        Duration::from_secs(self.warmup)
    }
}
