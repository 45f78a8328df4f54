//! Command line: `aftersail [serve|worker|all|migrate|demo]`.

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
        /// Create the demo shop and exit.
        #[arg(long)]
        seed_only: bool,
    },
}
