//! [`AmazonConfig`]: one seller account's settings and credentials, with the defaults and
//! the settings-JSON reader [`from_settings`](super::from_settings) builds it with.

use crate::json::{required, text};
use std::time::Duration;

use serde_json::Value;

/// The Login with Amazon token endpoint used unless configured otherwise.
pub const DEFAULT_LWA_URL: &str = "https://api.amazon.com/auth/o2/token";

/// The SP-API regional endpoint a seller account lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// North America (US, CA, MX, BR).
    Na,
    /// Europe, Middle East, India, Africa.
    Eu,
    /// Far East (JP, AU, SG).
    Fe,
}

impl Region {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "na" => Some(Self::Na),
            "eu" => Some(Self::Eu),
            "fe" => Some(Self::Fe),
            _ => None,
        }
    }

    /// `https://sellingpartnerapi-{na,eu,fe}.amazon.com`.
    pub fn host(self) -> &'static str {
        match self {
            Self::Na => "https://sellingpartnerapi-na.amazon.com",
            Self::Eu => "https://sellingpartnerapi-eu.amazon.com",
            Self::Fe => "https://sellingpartnerapi-fe.amazon.com",
        }
    }
}

/// Which Orders API the connector reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrdersApiChoice {
    /// Orders API 2026-01-01, falling back to v0 when it answers 404 or 403 (not offered
    /// in the region, or not granted to the application).
    Auto,
    /// Orders API 2026-01-01 only.
    V2026,
    /// Orders API v0 only.
    V0,
}

/// Settings and credentials of one connected seller account.
#[derive(Clone)]
pub struct AmazonConfig {
    pub region: Region,
    /// Marketplaces polled (at least one; Amazon takes up to 50).
    pub marketplace_ids: Vec<String>,
    /// The seller's merchant id: notifications for another seller are ignored when set.
    pub seller_id: Option<String>,
    /// Overrides the regional host (tests point it at a local server).
    pub base_url: Option<String>,
    pub lwa_url: String,
    pub client_id: String,
    pub client_secret: String,
    pub refresh_token: String,
    pub orders_api: OrdersApiChoice,
    /// How far back the first poll goes (orders and returns).
    pub backfill_days: u32,
    /// Orders per page (1–100); `None`: 100 for the 2026 API, 20 for v0 (which needs one
    /// more call per order for its items).
    pub page_size: Option<u32>,
    /// Whether the returns report is polled.
    pub returns: bool,
    /// The least time between two returns reports.
    pub returns_interval: Duration,
    /// How far back each returns report reaches before the end of the previous one, so
    /// that returns whose state changed recently are read again.
    pub returns_lookback_days: u32,
    /// An access token is refreshed this long before Amazon says it expires.
    pub token_margin: Duration,
    /// The longest a call waits for its rate-limit bucket before answering `RateLimited`.
    pub max_rate_wait: Duration,
    /// Per-request timeout.
    pub timeout: Duration,
}

impl AmazonConfig {
    /// The defaults: automatic Orders API choice, 30 days back, returns every hour with
    /// 14 days of look-back, 60 s token margin, 5 s rate wait, 30 s timeout.
    pub fn new(
        region: Region,
        marketplace_ids: Vec<String>,
        client_id: &str,
        client_secret: &str,
        refresh_token: &str,
    ) -> Self {
        Self {
            region,
            marketplace_ids,
            seller_id: None,
            base_url: None,
            lwa_url: DEFAULT_LWA_URL.to_owned(),
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            refresh_token: refresh_token.to_owned(),
            orders_api: OrdersApiChoice::Auto,
            backfill_days: 30,
            page_size: None,
            returns: true,
            returns_interval: Duration::from_secs(3600),
            returns_lookback_days: 14,
            token_margin: Duration::from_secs(60),
            max_rate_wait: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
        }
    }

    /// The base URL requests go to: `base_url`, or the region's host.
    pub fn base_url(&self) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| self.region.host().to_owned())
            .trim_end_matches('/')
            .to_owned()
    }

    /// Reads the settings and secrets JSON; see [`from_settings`](super::from_settings).
    pub fn from_json(settings: &Value, secrets: &Value) -> Result<Self, String> {
        let region = match text(settings, "/region") {
            Some(r) => Region::parse(r)
                .ok_or_else(|| format!("unknown Amazon region {r:?} (na, eu or fe)"))?,
            None if text(settings, "/base_url").is_some() => Region::Na,
            None => return Err("the Amazon region (na, eu or fe) is missing".into()),
        };
        let marketplace_ids: Vec<String> = match settings.get("marketplace_ids") {
            Some(Value::Array(ids)) => ids
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .ok_or_else(|| format!("marketplace id {v} is not a text"))
                })
                .collect::<Result<_, _>>()?,
            Some(Value::String(s)) => s
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            Some(other) => return Err(format!("marketplace_ids must be a list, not {other}")),
            None => Vec::new(),
        };
        if marketplace_ids.is_empty() {
            return Err("at least one Amazon marketplace id is needed (marketplace_ids)".into());
        }
        if marketplace_ids.len() > 50 {
            return Err("Amazon takes at most 50 marketplace ids".into());
        }
        let mut config = Self::new(
            region,
            marketplace_ids,
            required(secrets, "/client_id", "the LWA client id")?,
            required(secrets, "/client_secret", "the LWA client secret")?,
            required(secrets, "/refresh_token", "the refresh token")?,
        );
        config.seller_id = text(settings, "/seller_id").map(str::to_owned);
        config.base_url = text(settings, "/base_url").map(str::to_owned);
        if let Some(url) = text(settings, "/lwa_url") {
            config.lwa_url = url.to_owned();
        }
        config.orders_api = match text(settings, "/orders_api") {
            None | Some("auto") => OrdersApiChoice::Auto,
            Some("v0") => OrdersApiChoice::V0,
            Some("2026-01-01") | Some("2026") => OrdersApiChoice::V2026,
            Some(other) => {
                return Err(format!(
                    "unknown orders_api {other:?} (auto, 2026-01-01 or v0)"
                ))
            }
        };
        if let Some(days) = number(settings, "/backfill_days", "backfill_days")? {
            if !(1..=730).contains(&days) {
                return Err("backfill_days must be between 1 and 730".into());
            }
            config.backfill_days = days as u32;
        }
        if let Some(size) = number(settings, "/page_size", "page_size")? {
            if !(1..=100).contains(&size) {
                return Err("page_size must be between 1 and 100".into());
            }
            config.page_size = Some(size as u32);
        }
        match settings.get("returns") {
            None | Some(Value::Null) => {}
            Some(Value::Bool(b)) => config.returns = *b,
            Some(other) => return Err(format!("returns must be true or false, not {other}")),
        }
        if let Some(minutes) = number(
            settings,
            "/returns_interval_minutes",
            "returns_interval_minutes",
        )? {
            config.returns_interval = Duration::from_secs(minutes * 60);
        }
        if let Some(days) = number(settings, "/returns_lookback_days", "returns_lookback_days")? {
            if days > 60 {
                return Err("returns_lookback_days must be at most 60".into());
            }
            config.returns_lookback_days = days as u32;
        }
        Ok(config)
    }
}

impl std::fmt::Debug for AmazonConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AmazonConfig")
            .field("region", &self.region)
            .field("marketplace_ids", &self.marketplace_ids)
            .field("seller_id", &self.seller_id)
            .field("base_url", &self.base_url)
            .field("lwa_url", &self.lwa_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("refresh_token", &"<redacted>")
            .field("orders_api", &self.orders_api)
            .field("backfill_days", &self.backfill_days)
            .field("page_size", &self.page_size)
            .field("returns", &self.returns)
            .field("returns_interval", &self.returns_interval)
            .field("returns_lookback_days", &self.returns_lookback_days)
            .field("token_margin", &self.token_margin)
            .field("max_rate_wait", &self.max_rate_wait)
            .field("timeout", &self.timeout)
            .finish()
    }
}

fn number(v: &Value, pointer: &str, what: &str) -> Result<Option<u64>, String> {
    match v.pointer(pointer) {
        None | Some(Value::Null) => Ok(None),
        Some(n) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("{what} must be a whole number, not {n}")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn secrets() -> Value {
        json!({"client_id": "amzn1.application-oa2-client.abc", "client_secret": "s3cret", "refresh_token": "Atzr|refresh"})
    }

    #[test]
    fn reads_settings_with_defaults() {
        let c = AmazonConfig::from_json(
            &json!({"region": "EU", "marketplace_ids": ["A1PA6795UKMFR9", "A13V1IB3VIYZZH"]}),
            &secrets(),
        )
        .unwrap();
        assert_eq!(c.region, Region::Eu);
        assert_eq!(c.base_url(), "https://sellingpartnerapi-eu.amazon.com");
        assert_eq!(c.lwa_url, DEFAULT_LWA_URL);
        assert_eq!(c.orders_api, OrdersApiChoice::Auto);
        assert_eq!(c.backfill_days, 30);
        assert!(c.returns);
        let c = AmazonConfig::from_json(
            &json!({"region": "fe", "marketplace_ids": "A1VC38T7YXB528", "base_url": "http://127.0.0.1:9/",
                    "lwa_url": "http://127.0.0.1:8/token", "orders_api": "v0", "backfill_days": 7,
                    "returns": false, "seller_id": "A3TH9S8BH6GOGM", "returns_interval_minutes": 0}),
            &secrets(),
        )
        .unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:9");
        assert_eq!(c.marketplace_ids, vec!["A1VC38T7YXB528"]);
        assert_eq!(c.orders_api, OrdersApiChoice::V0);
        assert_eq!(c.backfill_days, 7);
        assert!(!c.returns);
        assert_eq!(c.returns_interval, Duration::ZERO);
        assert_eq!(c.seller_id.as_deref(), Some("A3TH9S8BH6GOGM"));
    }

    #[test]
    fn missing_or_wrong_keys_say_what_is_wrong() {
        let ok = json!({"region": "na", "marketplace_ids": ["ATVPDKIKX0DER"]});
        let cases = [
            (
                json!({"marketplace_ids": ["ATVPDKIKX0DER"]}),
                secrets(),
                "region",
            ),
            (
                json!({"region": "us", "marketplace_ids": ["X"]}),
                secrets(),
                "unknown Amazon region",
            ),
            (json!({"region": "na"}), secrets(), "marketplace"),
            (
                json!({"region": "na", "marketplace_ids": []}),
                secrets(),
                "marketplace",
            ),
            (
                json!({"region": "na", "marketplace_ids": [1]}),
                secrets(),
                "not a text",
            ),
            (
                ok.clone(),
                json!({"client_secret": "s", "refresh_token": "r"}),
                "client id",
            ),
            (
                ok.clone(),
                json!({"client_id": "c", "refresh_token": "r"}),
                "client secret",
            ),
            (
                ok.clone(),
                json!({"client_id": "c", "client_secret": "s"}),
                "refresh token",
            ),
            (
                json!({"region": "na", "marketplace_ids": ["X"], "orders_api": "v1"}),
                secrets(),
                "orders_api",
            ),
            (
                json!({"region": "na", "marketplace_ids": ["X"], "backfill_days": 0}),
                secrets(),
                "backfill_days",
            ),
            (
                json!({"region": "na", "marketplace_ids": ["X"], "backfill_days": "30"}),
                secrets(),
                "whole number",
            ),
            (
                json!({"region": "na", "marketplace_ids": ["X"], "page_size": 101}),
                secrets(),
                "page_size",
            ),
            (
                json!({"region": "na", "marketplace_ids": ["X"], "returns": "yes"}),
                secrets(),
                "returns",
            ),
        ];
        for (settings, secrets, want) in cases {
            let err = AmazonConfig::from_json(&settings, &secrets).unwrap_err();
            assert!(err.contains(want), "{settings} → {err}");
        }
    }

    #[test]
    fn debug_output_hides_secrets() {
        let c = AmazonConfig::from_json(
            &json!({"region": "na", "marketplace_ids": ["ATVPDKIKX0DER"]}),
            &secrets(),
        )
        .unwrap();
        let debug = format!("{c:?}");
        assert!(
            !debug.contains("s3cret") && !debug.contains("Atzr|refresh"),
            "{debug}"
        );
        assert!(debug.contains("<redacted>"));
    }
}
