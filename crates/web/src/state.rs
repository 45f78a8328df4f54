//! What every handler can reach.

use std::path::PathBuf;
use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;
use sqlx::PgPool;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<WebConfig>,
    pub metrics: PrometheusHandle,
    pub live: crate::live::Hub,
    /// Live connectors per channel (webhook checks reuse a platform's fetched keys).
    pub connectors: Arc<aftersail_channels::cache::ConnectorCache>,
}

/// The HTTP layer's settings (the server crate maps its config file onto this).
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Where `/static` is served from.
    pub static_dir: PathBuf,
    /// Set cookies with `Secure` on every response (the site is only reachable over https).
    pub secure_cookies: bool,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` from a reverse proxy in front of us.
    pub trust_proxy: bool,
    /// How long a login lasts.
    pub session_ttl: chrono::Duration,
    /// Wrong passwords in a row before an account locks.
    pub lockout_failures: i32,
    pub lockout_duration: chrono::Duration,
    /// Failed logins from one address within `ip_window` before it gets 429s.
    pub ip_max_failures: i64,
    pub ip_window: chrono::Duration,
    pub invitation_ttl: chrono::Duration,
    /// Seals channel credentials; without it channels with credentials cannot be saved.
    pub secret_key: Option<aftersail_channels::crypto::SecretKey>,
    /// The Shopify app this installation is, when configured.
    pub shopify: Option<ShopifyApp>,
    /// The address buyers' platforms reach this server at (`https://help.example.com`), for
    /// OAuth redirects and webhook URLs; unset: taken from the request.
    pub public_url: Option<String>,
}

/// A Shopify app's credentials (Partner dashboard → App → Client credentials).
#[derive(Clone)]
pub struct ShopifyApp {
    pub api_key: String,
    pub api_secret: String,
    /// Tests only: this URL instead of `https://{shop}`.
    pub base_url: Option<String>,
}

impl std::fmt::Debug for ShopifyApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShopifyApp")
            .field("api_key", &self.api_key)
            .finish_non_exhaustive()
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            static_dir: PathBuf::from("static"),
            secure_cookies: false,
            trust_proxy: false,
            session_ttl: chrono::Duration::days(14),
            lockout_failures: 5,
            lockout_duration: chrono::Duration::minutes(15),
            ip_max_failures: 30,
            ip_window: chrono::Duration::minutes(15),
            invitation_ttl: chrono::Duration::days(7),
            secret_key: None,
            shopify: None,
            public_url: None,
        }
    }
}
