use std::process::ExitCode;
use std::str::FromStr;

use aftersail_server::app::{self, Roles};
use aftersail_server::cli::{Cli, Command};
use aftersail_server::config::Config;
use aftersail_server::embedded_pg::EmbeddedPostgres;
use aftersail_server::{classify, demo, shutdown, telemetry};
use anyhow::Context;
use clap::Parser;
use sqlx::postgres::PgConnectOptions;
use tokio_util::sync::CancellationToken;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Classifying is pure computation: it runs before any config is read or database started.
    if let Some(Command::Classify { jsonl, evaluate }) = &cli.command {
        return classify::run(jsonl, *evaluate);
    }
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("aftersail: {err:#}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(run(cli.command.unwrap_or(Command::All), config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("aftersail: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, mut config: Config) -> anyhow::Result<()> {
    if !matches!(command, Command::Migrate) {
        config.ensure_secret_key()?;
    }
    let token = CancellationToken::new();
    shutdown::on_signals(token.clone());
    let (options, embedded) = match &config.database_url {
        Some(url) => (parse_database_url(url)?, None),
        None => {
            let dir = config.data_dir.join("postgres");
            tracing::info!(dir = %dir.display(), "no database URL configured; using the embedded PostgreSQL");
            let pg = EmbeddedPostgres::start(&dir).await?;
            (pg.connect_options(), Some(pg))
        }
    };
    let result = run_with_database(command, &config, options, token).await;
    if let Some(pg) = embedded {
        if let Err(err) = pg.stop().await {
            tracing::warn!(error = %err, "stopping the embedded PostgreSQL failed");
        }
    }
    result
}

/// sqlx accepts any scheme; a `mysql://` URL should be refused here, not fail later as a DNS error.
fn parse_database_url(url: &str) -> anyhow::Result<PgConnectOptions> {
    const HINT: &str = "AFTERSAIL_DATABASE_URL is not a valid PostgreSQL URL (expected postgres://user@host:port/database)";
    anyhow::ensure!(
        url.starts_with("postgres://") || url.starts_with("postgresql://"),
        HINT
    );
    PgConnectOptions::from_str(url).context(HINT)
}

async fn run_with_database(
    command: Command,
    config: &Config,
    options: PgConnectOptions,
    token: CancellationToken,
) -> anyhow::Result<()> {
    if matches!(command, Command::Migrate) || config.auto_migrate {
        aftersail_db::migrate(&options)
            .await
            .context("applying migrations")?;
        tracing::info!("migrations applied");
    }
    let roles = match command {
        Command::Migrate => return Ok(()),
        Command::Classify { .. } => anyhow::bail!("classify runs without a database"),
        Command::Serve => Roles {
            http: true,
            worker: false,
        },
        Command::Worker => Roles {
            http: false,
            worker: true,
        },
        Command::All | Command::Demo { .. } => Roles {
            http: true,
            worker: true,
        },
    };
    let pool = aftersail_db::connect(options, config.db_max_connections)
        .await
        .context("connecting to PostgreSQL")?;
    if let Command::Demo {
        seed_only,
        tickets,
        noise_tenants,
    } = command
    {
        if demo::seed(&pool).await? {
            tracing::info!("demo shop created");
        }
        if tickets > 0 || noise_tenants > 0 {
            let volume = demo::generator::Volume::new(tickets, noise_tenants);
            // Dropping the generation on a signal rolls back only the batch in flight.
            tokio::select! {
                result = demo::generator::generate(&pool, volume) => { result?; }
                () = token.cancelled() => {
                    pool.close().await;
                    return Ok(());
                }
            }
        }
        println!(
            "\nDemo shop \"{}\": sign in at http://localhost:{}/login with",
            demo::SHOP_SLUG,
            config.bind.port()
        );
        for (email, name, role, _) in demo::PEOPLE {
            println!("  {email:<22} {role:<6} {name}");
        }
        println!("  password: {}\n", demo::PASSWORD);
        if seed_only {
            pool.close().await;
            return Ok(());
        }
    }
    let listener = if roles.http {
        Some(
            tokio::net::TcpListener::bind(config.bind)
                .await
                .with_context(|| format!("cannot listen on {}", config.bind))?,
        )
    } else {
        None
    };
    app::run(config, pool, listener, roles, token).await
}
