//! Wiring: the HTTP server and background workers over one pool, until the token is cancelled.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::Config;

/// What a process does: serve HTTP, run background jobs, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    pub http: bool,
    pub worker: bool,
}

/// The HTTP layer's state; live updates stop (and their streams end) when `stop` is cancelled,
/// so open event streams never hold up a graceful shutdown.
pub fn state(config: &Config, pool: PgPool, stop: CancellationToken) -> aftersail_web::AppState {
    let live = aftersail_web::live::Hub::start(pool.clone(), stop);
    aftersail_web::AppState {
        pool,
        config: Arc::new(config.web()),
        metrics: aftersail_web::metrics_handle(),
        live,
        connectors: Arc::default(),
    }
}

/// Runs until `token` is cancelled, then stops accepting connections, lets in-flight
/// requests and job passes finish (bounded by `shutdown_grace_secs`) and closes the pool.
pub async fn run(
    config: &Config,
    pool: PgPool,
    listener: Option<TcpListener>,
    roles: Roles,
    token: CancellationToken,
) -> anyhow::Result<()> {
    let tracker = TaskTracker::new();
    if roles.worker {
        let connectors = Arc::new(aftersail_worker::Connectors::new(config.secret_key()));
        let notices = Arc::new(PortalNotices {
            public_url: config.public_url.clone(),
        });
        aftersail_worker::spawn_all(
            pool.clone(),
            connectors,
            notices,
            aftersail_worker::automation::Settings {
                public_url: config.public_url.clone(),
            },
            config.mail.smtp()?,
            Duration::from_secs(config.worker_lease_secs.max(1)),
            token.clone(),
            &tracker,
        );
        tracing::info!("background workers started");
    }
    if let (true, Some(listener)) = (roles.http, listener) {
        let app = aftersail_web::router(state(config, pool.clone(), token.clone()))
            .into_make_service_with_connect_info::<SocketAddr>();
        let stop = token.clone();
        tracing::info!(address = %listener.local_addr()?, "HTTP server listening");
        let server = axum::serve(listener, app)
            .with_graceful_shutdown(async move { stop.cancelled().await });
        tracker.spawn(async move {
            if let Err(err) = server.await {
                tracing::error!(error = %err, "HTTP server failed");
            }
        });
    }
    token.cancelled().await;
    tracker.close();
    let grace = Duration::from_secs(config.shutdown_grace_secs);
    if tokio::time::timeout(grace, tracker.wait()).await.is_err() {
        tracing::warn!(?grace, "some requests or jobs did not finish in time");
    }
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The buyer's mail when a job moves their return, written by the portal's notices.
pub struct PortalNotices {
    pub public_url: Option<String>,
}

#[async_trait::async_trait]
impl aftersail_worker::BuyerNotices for PortalNotices {
    async fn rma_moved(
        &self,
        tx: &mut aftersail_db::TenantTx,
        rma: aftersail_domain::RmaId,
    ) -> Result<(), sqlx::Error> {
        aftersail_web::portal::notice::notify_moved(tx, self.public_url.as_deref(), rma).await
    }
}
