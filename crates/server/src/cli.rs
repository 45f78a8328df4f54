//! Command line: `aftersail [serve|worker|all|migrate|demo|classify]`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "aftersail",
    version,
    about = "After-sales helpdesk for marketplace sellers"
)]
pub struct Cli {
    /// A TOML config file (default: ./aftersail.toml when present).
    #[arg(long, env = "AFTERSAIL_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve HTTP only.
    Serve,
    /// Run background jobs only.
    Worker,
    /// Serve HTTP and run background jobs (the default).
    All,
    /// Apply database migrations and exit.
    Migrate,
    /// Create the demo shop (once), then serve HTTP and run jobs.
    Demo {
        /// Create the demo shop (and any generated data) and exit.
        #[arg(long)]
        seed_only: bool,
        /// Also generate this many realistic multilingual tickets in the demo shop, with
        /// customers, orders and messages. Each run adds N more (numbers continue).
        #[arg(long, value_name = "N", default_value_t = 0)]
        tickets: u64,
        /// Also fill this many extra shops ("noise-1", …) with N/10 tickets each, so
        /// benchmarks see other tenants. Existing noise shops are reused.
        #[arg(long, value_name = "K", default_value_t = 0)]
        noise_tenants: u32,
    },
    /// Classify buyer messages from a JSON-lines file: one JSON line out per line in, with
    /// "lang", "intent", "sentiment" and "escalate". Needs no database and no config.
    Classify {
        /// JSON lines with "text" and optional "id" (copied) and "lang" (a hint); `-` reads
        /// standard input.
        #[arg(long, value_name = "PATH")]
        jsonl: PathBuf,
        /// Compare with the lines' gold "intent", "sentiment", "escalate" and "lang" and print
        /// an accuracy report instead (the gold "lang" is not used as a hint).
        #[arg(long)]
        evaluate: bool,
    },
}
