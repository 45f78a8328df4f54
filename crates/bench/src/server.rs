//! The real app, HTTP only (no background workers), on a random local port, over its own
//! pool: started in-process the way the integration tests start it, or as a child process
//! (`aftersail serve`) so that its memory can be read apart from the load generator's.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use aftersail_server::app::{self, Roles};
use aftersail_server::config::Config;
use anyhow::Context;
use sqlx::postgres::PgConnectOptions;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub struct RunningApp {
    /// `http://127.0.0.1:<port>`
    pub base: String,
    how: How,
}

enum How {
    InProcess {
        token: CancellationToken,
        task: JoinHandle<anyhow::Result<()>>,
    },
    Child(tokio::process::Child),
}

/// Starts the app on `127.0.0.1:0` with a pool of `pool_size` connections.
pub async fn start(options: PgConnectOptions, pool_size: u32) -> anyhow::Result<RunningApp> {
    let config = Config {
        static_dir: concat!(env!("CARGO_MANIFEST_DIR"), "/../../static").into(),
        db_max_connections: pool_size,
        shutdown_grace_secs: 5,
        ..Config::default()
    };
    let pool = aftersail_db::connect(options, pool_size)
        .await
        .context("opening the app pool")?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding a local port")?;
    let base = format!("http://{}", listener.local_addr()?);
    let token = CancellationToken::new();
    let roles = Roles {
        http: true,
        worker: false,
    };
    let task = tokio::spawn({
        let token = token.clone();
        async move { app::run(&config, pool, Some(listener), roles, token).await }
    });
    Ok(RunningApp {
        base,
        how: How::InProcess { token, task },
    })
}

/// Starts `bin serve` against the database at `database_url` (a superuser URL: the app
/// switches to its RLS-bound role) and waits until it answers.
pub async fn spawn(bin: &Path, database_url: &str, pool_size: u32) -> anyhow::Result<RunningApp> {
    // A free port: bound and released; the child binds it a moment later.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let data_dir = std::env::temp_dir().join(format!("aftersail-bench-{}", std::process::id()));
    std::fs::create_dir_all(&data_dir)?;
    let mut child = tokio::process::Command::new(bin)
        .arg("serve")
        .env("AFTERSAIL_DATABASE_URL", database_url)
        .env("AFTERSAIL_BIND", format!("127.0.0.1:{port}"))
        .env("AFTERSAIL_DB_MAX_CONNECTIONS", pool_size.to_string())
        .env(
            "AFTERSAIL_STATIC_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../static"),
        )
        .env("AFTERSAIL_DATA_DIR", &data_dir)
        .env("AFTERSAIL_AUTO_MIGRATE", "false")
        .env("AFTERSAIL_LOG_LEVEL", "warn")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {} serve", bin.display()))?;
    let base = format!("http://127.0.0.1:{port}");
    let probe = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait()? {
            anyhow::bail!("{} serve exited at start: {status}", bin.display());
        }
        if let Ok(r) = probe.get(format!("{base}/login")).send().await {
            if r.status().is_success() {
                break;
            }
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "{} serve did not answer on {base} within 60 s",
            bin.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(RunningApp {
        base,
        how: How::Child(child),
    })
}

/// The bench database's URL beside the server URL: the same URL with another database name.
pub fn database_url(server_url: &str, database: &str) -> String {
    let (url, query) = match server_url.split_once('?') {
        Some((u, q)) => (u, Some(q)),
        None => (server_url, None),
    };
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let base = match url[authority_start..].find('/') {
        Some(slash) => &url[..authority_start + slash],
        None => url,
    };
    match query {
        Some(q) => format!("{base}/{database}?{q}"),
        None => format!("{base}/{database}"),
    }
}

impl RunningApp {
    /// The process whose memory is the server's: the child, or this process (app and
    /// load generator together) when the app runs in-process.
    pub fn pid(&self) -> u32 {
        match &self.how {
            How::Child(child) => child.id().unwrap_or(0),
            How::InProcess { .. } => std::process::id(),
        }
    }

    pub fn in_process(&self) -> bool {
        matches!(self.how, How::InProcess { .. })
    }

    /// Stops the app gracefully (cancel, or SIGTERM to the child) and waits for it.
    pub async fn stop(self) -> anyhow::Result<()> {
        match self.how {
            How::InProcess { token, task } => {
                token.cancel();
                task.await.context("app task panicked")?
            }
            How::Child(mut child) => {
                if let Some(pid) = child.id() {
                    std::process::Command::new("kill")
                        .args(["-TERM", &pid.to_string()])
                        .status()
                        .ok();
                }
                match tokio::time::timeout(Duration::from_secs(15), child.wait()).await {
                    Ok(status) => {
                        status?;
                    }
                    Err(_) => child.kill().await?,
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::database_url;

    #[test]
    fn swaps_the_database_name() {
        assert_eq!(
            database_url(
                "postgres://postgres@127.0.0.1:5432/postgres",
                "aftersail_bench_10000"
            ),
            "postgres://postgres@127.0.0.1:5432/aftersail_bench_10000"
        );
        assert_eq!(
            database_url("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(
            database_url("postgres://h:5432", "x"),
            "postgres://h:5432/x"
        );
    }
}
