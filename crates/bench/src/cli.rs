//! Command-line options.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, ValueEnum};

/// The helpdesk under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// Aftersail on a generated bench database.
    Aftersail,
    /// django-helpdesk set up by `bench/django-helpdesk/run.sh` (already running).
    Django,
}

/// Which scenarios run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Which {
    /// The agent's pages (inbox, filtered view, page 50, ticket page, search).
    Reads,
    /// API ticket creation and the portal's return request.
    Writes,
    /// Both.
    All,
}

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

    /// The app's database pool (connections); default: one per client and 4 spare.
    #[arg(long, value_name = "N")]
    pub pool: Option<u32>,

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

    /// The helpdesk to measure.
    #[arg(long, value_enum, default_value_t = Target::Aftersail)]
    pub target: Target,

    /// Which scenarios to run.
    #[arg(long, value_enum, default_value_t = Which::All)]
    pub scenarios: Which,

    /// Eligible orders prepared for the portal scenario (each request returns a different
    /// one); default 300 per second of warm-up and measurement.
    #[arg(long)]
    pub write_capacity: Option<u64>,

    /// Run Aftersail as a child process (`PATH serve`, e.g. target/release/aftersail) instead
    /// of in-process, so its memory is measured apart from the load generator's.
    #[arg(long, value_name = "PATH")]
    pub server_bin: Option<PathBuf>,

    /// django-helpdesk's base URL (`--target django`).
    #[arg(long, default_value = "http://127.0.0.1:8001")]
    pub django_url: String,

    /// django-helpdesk's database, read for ticket ids and to check the writes.
    #[arg(long, value_name = "URL")]
    pub django_database_url: Option<String>,

    /// The django-helpdesk staff user the bench signs in as (a superuser: the API needs one).
    #[arg(long, default_value = "agent")]
    pub django_user: String,

    #[arg(long, default_value = "bench-agent")]
    pub django_password: String,

    /// The server's process id (gunicorn's master with `--target django`): the memory
    /// reported is that process's and its descendants'.
    #[arg(long)]
    pub server_pid: Option<u32>,
}

impl Args {
    /// Refuses settings that would make a run meaningless.
    pub fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(self.tickets > 0, "--tickets must be at least 1");
        anyhow::ensure!(self.clients > 0, "--clients must be at least 1");
        anyhow::ensure!(self.duration > 0, "--duration must be at least 1 second");
        anyhow::ensure!(
            self.pool.is_none_or(|n| n >= 2),
            "--pool must be at least 2 (the live-update listener holds one connection)"
        );
        if self.target == Target::Django {
            anyhow::ensure!(
                self.django_database_url.is_some(),
                "--target django needs --django-database-url"
            );
            anyhow::ensure!(
                self.server_bin.is_none(),
                "--server-bin starts Aftersail; it does not apply to --target django"
            );
        }
        Ok(())
    }

    pub fn duration(&self) -> Duration {
        Duration::from_secs(self.duration)
    }

    pub fn warmup(&self) -> Duration {
        Duration::from_secs(self.warmup)
    }

    pub fn write_capacity(&self) -> u64 {
        self.write_capacity
            .unwrap_or(300 * (self.warmup + self.duration))
    }

    pub fn reads(&self) -> bool {
        self.scenarios != Which::Writes
    }

    pub fn writes(&self) -> bool {
        self.scenarios != Which::Reads
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn django_needs_its_database_and_no_server_bin() {
        let args = Args::parse_from(["b", "--target", "django"]);
        assert!(args.check().is_err());
        let args = Args::parse_from([
            "b",
            "--target",
            "django",
            "--django-database-url",
            "postgres://postgres@127.0.0.1/djhd_bench_10000",
        ]);
        assert!(args.check().is_ok());
        assert!(args.reads() && args.writes());
        let args = Args::parse_from(["b", "--scenarios", "writes", "--duration", "5"]);
        assert!(!args.reads() && args.writes());
        assert_eq!(args.write_capacity(), 300 * 7);
        assert!(Args::parse_from(["b", "--clients", "0"]).check().is_err());
    }
}
