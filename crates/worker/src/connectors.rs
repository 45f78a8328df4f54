//! Turning a stored channel (settings + sealed credentials) into a live connector.

use std::sync::Arc;

use aftersail_channels::cache::ConnectorCache;
use aftersail_channels::crypto::SecretKey;
use aftersail_channels::translate::{self, Translator, TranslatorConfig};
use aftersail_channels::Connector;
use aftersail_db::channels::{self, secret_owner, Channel};
use aftersail_db::{translation, TenantTx};
use aftersail_domain::TenantId;
use sqlx::PgPool;

type Factory =
    dyn Fn(&Channel, &serde_json::Value) -> Result<Arc<dyn Connector>, String> + Send + Sync;

/// Builds connectors for channels, opening their credentials with the configured key, and
/// keeps them per channel (tokens and rate buckets live in them) until the channel's
/// configuration changes. Shops' translation providers are opened here too.
#[derive(Clone)]
pub struct Connectors {
    key: Option<SecretKey>,
    factory: Option<Arc<Factory>>,
    cache: Arc<ConnectorCache>,
    /// Shared by the translation providers.
    http: reqwest::Client,
}

impl Connectors {
    pub fn new(key: Option<SecretKey>) -> Self {
        Self {
            key,
            factory: None,
            cache: Arc::default(),
            http: reqwest::Client::new(),
        }
    }

    /// Connectors made by `factory` instead of the real ones (tests: a fake network edge).
    pub fn with_factory(
        key: Option<SecretKey>,
        factory: impl Fn(&Channel, &serde_json::Value) -> Result<Arc<dyn Connector>, String>
            + Send
            + Sync
            + 'static,
    ) -> Self {
        Self {
            key,
            factory: Some(Arc::new(factory)),
            cache: Arc::default(),
            http: reqwest::Client::new(),
        }
    }

    /// The configured secret key (outbound webhook secrets are sealed with it too).
    pub fn secret_key(&self) -> Option<&SecretKey> {
        self.key.as_ref()
    }

    /// The channel's credentials, opened.
    pub fn secrets(
        &self,
        tenant: TenantId,
        channel: &Channel,
    ) -> Result<serde_json::Value, String> {
        aftersail_channels::crypto::open_json(
            self.key.as_ref(),
            channel.secrets_sealed.as_deref(),
            &secret_owner(tenant, channel.id),
            "no secret key is configured (AFTERSAIL_SECRET_KEY), so credentials cannot be opened",
        )
    }

    pub fn build(&self, tenant: TenantId, channel: &Channel) -> Result<Arc<dyn Connector>, String> {
        if let Some(factory) = &self.factory {
            return factory(channel, &self.secrets(tenant, channel)?);
        }
        self.cache.get_or_build(
            &channel.id.to_string(),
            &channel.kind,
            &channel.settings,
            channel.secrets_sealed.as_deref(),
            || {
                let secrets = self.secrets(tenant, channel)?;
                aftersail_channels::kinds::build(&channel.kind, &channel.settings, &secrets)
            },
        )
    }

    /// The shop's translation provider from its sealed settings
    /// (`aftersail_db::translation::sealed_config`).
    pub fn translator(
        &self,
        tenant: TenantId,
        sealed: &str,
    ) -> Result<Box<dyn Translator>, String> {
        let config = TranslatorConfig::open(
            self.key.as_ref(),
            sealed,
            &translation::config_owner(tenant),
        )?;
        Ok(translate::build(&config, self.http.clone()))
    }

    /// The queue the channel's platform puts notifications in (Amazon: an SQS queue), when
    /// its settings name one.
    pub fn notification_queue(
        &self,
        tenant: TenantId,
        channel: &Channel,
    ) -> Result<Option<aftersail_channels::amazon::sqs::SqsClient>, String> {
        if channel.kind != "amazon" {
            return Ok(None);
        }
        let secrets = self.secrets(tenant, channel)?;
        aftersail_channels::amazon::queue_from_settings(&channel.settings, &secrets)
    }

    /// Seals and stores the credentials the connector's platform rotated since it was
    /// built (Shopee's refresh token), so the next process starts from them.
    pub async fn save_rotated(
        &self,
        pool: &PgPool,
        tenant: TenantId,
        channel: &Channel,
        connector: &dyn Connector,
    ) -> anyhow::Result<()> {
        let Some(secrets) = connector.rotated_secrets() else {
            return Ok(());
        };
        let key = self
            .key
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("rotated credentials, but no secret key configured"))?;
        let sealed = key.seal(
            secrets.to_string().as_bytes(),
            &secret_owner(tenant, channel.id),
        );
        let mut tx = TenantTx::begin(pool, tenant).await?;
        channels::store_rotated_secrets(&mut tx, channel.id, &sealed).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The domain our Message-IDs use: the channel's sending address's, else a fixed one.
    pub fn message_id_domain(&self, channel: &Channel) -> String {
        channel
            .settings
            .pointer("/smtp/from_address")
            .and_then(|v| v.as_str())
            .and_then(|a| a.rsplit_once('@'))
            .map(|(_, domain)| domain.to_owned())
            .unwrap_or_else(|| "aftersail.invalid".to_owned())
    }
}
