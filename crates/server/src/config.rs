//! Configuration: built-in defaults, then an optional TOML file, then `AFTERSAIL_*`
//! environment variables (e.g. `AFTERSAIL_DATABASE_URL`, `AFTERSAIL_BIND`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use aftersail_channels::crypto::SecretKey;
use anyhow::Context;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// A PostgreSQL URL. When unset, a private cluster is started in `data_dir/postgres`.
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
    pub bind: SocketAddr,
    pub static_dir: PathBuf,
    pub log_format: LogFormat,
    /// A tracing filter, e.g. `info` or `info,aftersail_web=debug`.
    pub log_level: String,
    pub db_max_connections: u32,
    /// Apply pending migrations when `serve`, `worker`, `all` or `demo` start.
    pub auto_migrate: bool,
    /// Mark cookies `Secure` always (set when the site is only served over https).
    pub secure_cookies: bool,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` from a reverse proxy.
    pub trust_proxy: bool,
    /// How long in-flight requests and jobs get to finish after SIGTERM.
    pub shutdown_grace_secs: u64,
    /// How long a worker's claim on a channel poll or a reply delivery lasts; one that dies
    /// holding a claim delays that work by at most this long.
    pub worker_lease_secs: u64,
    pub session_ttl_hours: i64,
    pub lockout_failures: i32,
    pub lockout_minutes: i64,
    pub login_ip_max_failures: i64,
    pub login_ip_window_minutes: i64,
    /// Seals channel credentials at rest (AES-256-GCM): 64 hex digits or base64 of 32 bytes.
    /// When unset, `serve`/`worker`/`all`/`demo` read `data_dir/secret.key`, creating it once.
    pub secret_key: Option<String>,
    /// The Shopify app's API key and secret, for the install flow and webhooks.
    pub shopify_api_key: Option<String>,
    pub shopify_api_secret: Option<String>,
    /// Tests only: talk to this URL instead of `https://{shop}`.
    pub shopify_base_url: Option<String>,
    /// The public address of this server (for OAuth redirects and webhook URLs).
    pub public_url: Option<String>,
    /// System mail (alerts): `[mail] smtp_url`, `from`.
    pub mail: MailConfig,
}

/// `[mail]`: where system mail (alerts to the shop's people) goes out. Without `smtp_url`
/// such mail stays queued (`not_configured`, shown on the alerts page) and is never lost.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// `smtp://host:port`, `smtp+starttls://user:password@host`, `smtps://…`.
    pub smtp_url: Option<String>,
    /// The sender address.
    pub from: String,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: "aftersail@localhost".into(),
        }
    }
}

impl MailConfig {
    /// The SMTP settings, when configured (an unusable URL is a startup error).
    pub fn smtp(&self) -> anyhow::Result<Option<aftersail_channels::email::smtp::SmtpConfig>> {
        self.smtp_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
            .map(|u| aftersail_worker::system_mail::smtp_config(u, &self.from))
            .transpose()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: None,
            data_dir: PathBuf::from("data"),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            static_dir: PathBuf::from("static"),
            log_format: LogFormat::Pretty,
            log_level: "info".into(),
            db_max_connections: 20,
            auto_migrate: true,
            secure_cookies: false,
            trust_proxy: false,
            shutdown_grace_secs: 30,
            worker_lease_secs: 120,
            session_ttl_hours: 14 * 24,
            lockout_failures: 5,
            lockout_minutes: 15,
            login_ip_max_failures: 30,
            login_ip_window_minutes: 15,
            secret_key: None,
            shopify_api_key: None,
            shopify_api_secret: None,
            shopify_base_url: None,
            public_url: None,
            mail: MailConfig::default(),
        }
    }
}

/// Environment variables that configure something other than [`Config`] (so they are not
/// rejected as unknown keys).
const OTHER_ENV: [&str; 2] = ["CONFIG", "PG_BIN_DIR"];

impl Config {
    /// Loads defaults ← `file` (or `./aftersail.toml` if present) ← `AFTERSAIL_*` variables.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                anyhow::ensure!(
                    path.is_file(),
                    "config file {} does not exist",
                    path.display()
                );
                figment = figment.merge(Toml::file(path));
            }
            None if Path::new("aftersail.toml").is_file() => {
                figment = figment.merge(Toml::file("aftersail.toml"))
            }
            None => {}
        }
        // `AFTERSAIL_MAIL__SMTP_URL` → `mail.smtp_url`: a double underscore nests.
        let env = Env::prefixed("AFTERSAIL_")
            .filter(|key| {
                !OTHER_ENV
                    .iter()
                    .any(|o| key.as_str().eq_ignore_ascii_case(o))
            })
            .split("__");
        figment
            .merge(env)
            .extract()
            .context("invalid configuration")
    }

    /// The key sealing channel credentials, when one is configured and valid.
    pub fn secret_key(&self) -> Option<SecretKey> {
        self.secret_key
            .as_deref()
            .and_then(|k| SecretKey::parse(k).ok())
    }

    /// Fills `secret_key` from `data_dir/secret.key` when it is unset, writing a new random
    /// key there (mode 0600) the first time, and checks a configured key is usable.
    pub fn ensure_secret_key(&mut self) -> anyhow::Result<()> {
        if let Some(key) = &self.secret_key {
            SecretKey::parse(key).context("AFTERSAIL_SECRET_KEY")?;
            return Ok(());
        }
        let path = self.data_dir.join("secret.key");
        let key = match std::fs::read_to_string(&path) {
            Ok(text) => text.trim().to_owned(),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(&self.data_dir)
                    .with_context(|| format!("creating {}", self.data_dir.display()))?;
                let key = SecretKey::generate_hex();
                write_private(&path, &key)?;
                tracing::info!(path = %path.display(), "created a secret key for channel credentials");
                key
            }
            Err(err) => return Err(err).with_context(|| format!("reading {}", path.display())),
        };
        SecretKey::parse(&key).with_context(|| format!("{} holds no valid key", path.display()))?;
        self.secret_key = Some(key);
        Ok(())
    }

    pub fn web(&self) -> aftersail_web::WebConfig {
        aftersail_web::WebConfig {
            static_dir: self.static_dir.clone(),
            secure_cookies: self.secure_cookies,
            trust_proxy: self.trust_proxy,
            session_ttl: chrono::Duration::hours(self.session_ttl_hours),
            lockout_failures: self.lockout_failures,
            lockout_duration: chrono::Duration::minutes(self.lockout_minutes),
            ip_max_failures: self.login_ip_max_failures,
            ip_window: chrono::Duration::minutes(self.login_ip_window_minutes),
            secret_key: self.secret_key(),
            shopify: match (&self.shopify_api_key, &self.shopify_api_secret) {
                (Some(key), Some(secret)) => Some(aftersail_web::ShopifyApp {
                    api_key: key.clone(),
                    api_secret: secret.clone(),
                    base_url: self.shopify_base_url.clone(),
                }),
                _ => None,
            },
            public_url: self.public_url.clone(),
            ..aftersail_web::WebConfig::default()
        }
    }
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail's closure signature, not ours
mod tests {
    use super::*;

    #[test]
    fn defaults_then_file_then_env() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "custom.toml",
                "bind = \"0.0.0.0:9000\"\nlog_format = \"json\"\ndb_max_connections = 7\n",
            )?;
            jail.set_env("AFTERSAIL_DB_MAX_CONNECTIONS", "3");
            jail.set_env("AFTERSAIL_DATABASE_URL", "postgres://u@h/db");
            jail.set_env("AFTERSAIL_CONFIG", "custom.toml");
            jail.set_env("AFTERSAIL_MAIL__SMTP_URL", "smtp://127.0.0.1:2525");
            let config = Config::load(Some(Path::new("custom.toml"))).expect("loads");
            assert_eq!(config.bind.port(), 9000, "file overrides default");
            assert_eq!(config.log_format, LogFormat::Json);
            assert_eq!(config.db_max_connections, 3, "env overrides file");
            assert_eq!(config.database_url.as_deref(), Some("postgres://u@h/db"));
            assert_eq!(config.static_dir, PathBuf::from("static"), "default kept");
            assert_eq!(
                config.mail.smtp_url.as_deref(),
                Some("smtp://127.0.0.1:2525"),
                "a double underscore nests"
            );
            assert_eq!(config.mail.from, "aftersail@localhost", "default kept");
            Ok(())
        });
    }

    #[test]
    fn bad_values_are_clear_errors() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("AFTERSAIL_BIND", "not-an-address");
            let err = format!("{:#}", Config::load(None).unwrap_err());
            assert!(err.to_lowercase().contains("bind"), "{err}");
            jail.set_env("AFTERSAIL_BIND", "127.0.0.1:1");
            jail.set_env("AFTERSAIL_LOG_FROMAT", "json");
            let err = format!("{:#}", Config::load(None).unwrap_err());
            assert!(
                err.to_lowercase().contains("log_fromat"),
                "typos are reported: {err}"
            );
            assert!(Config::load(Some(Path::new("missing.toml"))).is_err());
            Ok(())
        });
    }
}
