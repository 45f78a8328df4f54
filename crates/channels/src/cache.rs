//! Live connectors kept per channel, so what a connector holds between calls (an access
//! token until it expires, rate-limit buckets, a platform's public keys) survives from one
//! poll or webhook to the next. An entry is rebuilt when the channel's kind, settings or
//! sealed credentials change.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use crate::Connector;

/// Per channel: the configuration's fingerprint and the connector built from it.
type Entries = HashMap<String, (u64, Arc<dyn Connector>)>;

#[derive(Default)]
pub struct ConnectorCache {
    entries: Mutex<Entries>,
}

impl ConnectorCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// The connector for channel `key` as configured by `kind`, `settings` and `sealed`
    /// (the stored, sealed credentials), built with `build` when there is none yet or the
    /// configuration changed.
    pub fn get_or_build(
        &self,
        key: &str,
        kind: &str,
        settings: &serde_json::Value,
        sealed: Option<&str>,
        build: impl FnOnce() -> Result<Arc<dyn Connector>, String>,
    ) -> Result<Arc<dyn Connector>, String> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (kind, settings.to_string(), sealed).hash(&mut hasher);
        let fingerprint = hasher.finish();
        if let Some((seen, connector)) = self.lock().get(key) {
            if *seen == fingerprint {
                return Ok(connector.clone());
            }
        }
        let connector = build()?;
        self.lock()
            .insert(key.to_owned(), (fingerprint, connector.clone()));
        Ok(connector)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl std::fmt::Debug for ConnectorCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectorCache")
            .field("channels", &self.lock().len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Batch, ConnectorError, Outbound, Sent};

    struct Dummy;

    #[async_trait::async_trait]
    impl Connector for Dummy {
        async fn poll(&self, _: Option<&str>) -> Result<Batch, ConnectorError> {
            Ok(Batch::default())
        }
        async fn send(&self, _: &Outbound) -> Result<Sent, ConnectorError> {
            Err(ConnectorError::Permanent("no".into()))
        }
        async fn check(&self) -> Result<(), ConnectorError> {
            Ok(())
        }
    }

    #[test]
    fn reuses_until_the_configuration_changes() {
        let cache = ConnectorCache::new();
        let builds = std::cell::Cell::new(0);
        let settings = serde_json::json!({"region": "eu"});
        let get = |settings: &serde_json::Value, sealed: &str| {
            cache
                .get_or_build("c1", "amazon", settings, Some(sealed), || {
                    builds.set(builds.get() + 1);
                    Ok(Arc::new(Dummy) as Arc<dyn Connector>)
                })
                .unwrap()
        };
        let a = get(&settings, "s1");
        let b = get(&settings, "s1");
        assert!(Arc::ptr_eq(&a, &b));
        let c = get(&settings, "s2");
        assert!(
            !Arc::ptr_eq(&a, &c),
            "new credentials build a new connector"
        );
        let d = get(&serde_json::json!({"region": "na"}), "s2");
        assert!(!Arc::ptr_eq(&c, &d), "new settings build a new connector");
        assert_eq!(builds.get(), 3);
    }
}
