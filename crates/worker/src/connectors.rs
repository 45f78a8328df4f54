//! Turning a stored channel (settings + sealed credentials) into a live connector.

use std::sync::Arc;

use aftersail_channels::crypto::SecretKey;
use aftersail_channels::Connector;
use aftersail_db::channels::{secret_owner, Channel};
use aftersail_domain::TenantId;

type Factory =
    dyn Fn(&Channel, &serde_json::Value) -> Result<Arc<dyn Connector>, String> + Send + Sync;

/// Builds connectors for channels, opening their credentials with the configured key.
#[derive(Clone)]
pub struct Connectors {
    key: Option<SecretKey>,
    factory: Option<Arc<Factory>>,
}

impl Connectors {
    pub fn new(key: Option<SecretKey>) -> Self {
        Self { key, factory: None }
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
        }
    }

    /// The channel's credentials, opened.
    pub fn secrets(
        &self,
        tenant: TenantId,
        channel: &Channel,
    ) -> Result<serde_json::Value, String> {
        let Some(sealed) = &channel.secrets_sealed else {
            return Ok(serde_json::Value::Object(Default::default()));
        };
        let key = self.key.as_ref().ok_or(
            "no secret key is configured (AFTERSAIL_SECRET_KEY), so credentials cannot be opened",
        )?;
        let plain = key
            .open(sealed, &secret_owner(tenant, channel.id))
            .map_err(|e| e.to_string())?;
        serde_json::from_slice(&plain).map_err(|_| "stored credentials are not readable".to_owned())
    }

    pub fn build(&self, tenant: TenantId, channel: &Channel) -> Result<Arc<dyn Connector>, String> {
        let secrets = self.secrets(tenant, channel)?;
        if let Some(factory) = &self.factory {
            return factory(channel, &secrets);
        }
        aftersail_channels::kinds::build(&channel.kind, &channel.settings, &secrets)
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
