//! The real app, started in-process the way the integration tests start it: HTTP only (no
//! background workers), on a random local port, over its own pool.

use aftersail_server::app::{self, Roles};
use aftersail_server::config::Config;
use anyhow::Context;
use sqlx::postgres::PgConnectOptions;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub struct RunningApp {
    /// `http://127.0.0.1:<port>`
    pub base: String,
    token: CancellationToken,
    task: JoinHandle<anyhow::Result<()>>,
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
    Ok(RunningApp { base, token, task })
}

impl RunningApp {
    /// Cancels the app and waits for its graceful shutdown.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.token.cancel();
        self.task.await.context("app task panicked")?
    }
}
