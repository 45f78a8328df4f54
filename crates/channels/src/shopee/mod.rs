//! Shopee Open Platform v2: request signing, tokens, orders, tracking, returns, seller chat, push.
//!
//! - [`sign`]: HMAC-SHA256 signatures of requests, the authorization link and pushes.
//! - [`auth`]: [`Tokens`], the install-time code exchange and the (rotating) refresh.
//! - [`client`]: the signed client for one shop; [`errors`]: Shopee's answers → results.
//! - [`cursor`]: the poll position (orders and returns by 15-day `update_time` windows, chat
//!   by message time).
//! - [`orders`], [`returns`], [`chat`]: the APIs and their mapping to our records;
//!   [`money`]: Shopee's float amounts ↔ minor units.
//! - [`webhook`]: push verification and push codes → actions.
//! - [`connector`]: [`ShopeeConnector`], the [`Connector`](crate::Connector) the worker uses.
//!
//! # Settings
//!
//! [`from_settings`] reads:
//! - settings (plain JSON): `{"partner_id": number, "shop_id": number, "host"?: "live" |
//!   "test" | "cn", "base_url"?: string (overrides `host`), "backfill_days"?: number (1–365,
//!   default 30), "chat"?: bool (default true; off for apps without the chat permission)}`;
//!   ids may also be digit strings;
//! - secrets (stored encrypted): `{"partner_key", "access_token", "refresh_token",
//!   "access_expires_at"?: RFC 3339 string or Unix seconds}`.
//!
//! After every call the worker must store [`ShopeeConnector::current_tokens`] back into the
//! secrets ([`Tokens::to_secrets`]): refreshes rotate the refresh token.

pub mod auth;
pub mod chat;
pub mod client;
pub mod connector;
pub mod cursor;
pub mod errors;
pub mod money;
pub mod orders;
pub mod returns;
pub mod sign;
pub mod webhook;

use chrono::{DateTime, Utc};
use serde_json::Value;

pub use auth::{exchange_code, Tokens};
pub use connector::{ShopeeConfig, ShopeeConnector};
pub use cursor::PollCursor;
pub use sign::authorization_url;

/// The channel name orders, returns and messages from Shopee are stored under.
pub const CHANNEL: &str = "shopee";

/// Shopee's API hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// `https://partner.shopeemobile.com`
    Live,
    /// `https://partner.test-stable.shopeemobile.com` (the sandbox)
    Test,
    /// `https://openplatform.shopee.cn` (apps registered in mainland China)
    China,
}

impl Host {
    pub fn base_url(self) -> &'static str {
        match self {
            Self::Live => "https://partner.shopeemobile.com",
            Self::Test => "https://partner.test-stable.shopeemobile.com",
            Self::China => "https://openplatform.shopee.cn",
        }
    }

    /// `live`, `test` or `cn` (any case).
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "live" => Some(Self::Live),
            "test" => Some(Self::Test),
            "cn" => Some(Self::China),
            _ => None,
        }
    }
}

/// Builds a connector from a channel's settings and secrets (keys in the module docs).
pub fn from_settings(settings: &Value, secrets: &Value) -> Result<ShopeeConnector, String> {
    let partner_id = id_setting(settings, "partner_id", "the Shopee partner id")?;
    let shop_id = id_setting(settings, "shop_id", "the Shopee shop id")?;
    let secret = |key: &str, what: &str| {
        secrets
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .ok_or_else(|| format!("{what} is missing"))
    };
    let partner_key = secret("partner_key", "the Shopee partner key")?;
    let access_expires_at = match secrets.get("access_expires_at") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(
            DateTime::parse_from_rfc3339(s.trim())
                .map_err(|_| format!("access_expires_at {s:?} is not an RFC 3339 time"))?
                .with_timezone(&Utc),
        ),
        Some(v) => Some(
            v.as_i64()
                .and_then(|secs| DateTime::from_timestamp(secs, 0))
                .ok_or_else(|| format!("access_expires_at {v} is not a time"))?,
        ),
    };
    let tokens = Tokens {
        access_token: secret("access_token", "the Shopee access token")?,
        refresh_token: secret("refresh_token", "the Shopee refresh token")?,
        access_expires_at,
    };
    let mut config = ShopeeConfig::new(partner_id, &partner_key, shop_id, tokens);

    let host = match settings.get("host") {
        None | Some(Value::Null) => Host::Live,
        Some(Value::String(s)) if s.trim().is_empty() => Host::Live,
        Some(v) => v
            .as_str()
            .and_then(Host::parse)
            .ok_or_else(|| format!("unknown Shopee host {v} (live, test or cn)"))?,
    };
    config.base_url = host.base_url().to_string();
    if let Some(base) = settings
        .get("base_url")
        .and_then(Value::as_str)
        .map(str::trim)
    {
        if !base.is_empty() {
            if !(base.starts_with("https://") || base.starts_with("http://")) {
                return Err(format!(
                    "the Shopee base URL {base:?} is not an http(s) URL"
                ));
            }
            config.base_url = base.trim_end_matches('/').to_string();
        }
    }
    match settings.get("backfill_days") {
        None | Some(Value::Null) => {}
        Some(v) => {
            let days = v
                .as_u64()
                .filter(|d| (1..=365).contains(d))
                .ok_or_else(|| {
                    format!("backfill_days {v} is not a number of days from 1 to 365")
                })?;
            config.backfill_days = days as u32;
        }
    }
    match settings.get("chat") {
        None | Some(Value::Null) => {}
        Some(Value::Bool(on)) => config.chat = *on,
        Some(v) => return Err(format!("chat {v} is not true or false")),
    }
    ShopeeConnector::new(config).map_err(|e| e.to_string())
}

/// A positive id given as a number or a digit string.
fn id_setting(settings: &Value, key: &str, what: &str) -> Result<u64, String> {
    let value = settings
        .get(key)
        .ok_or_else(|| format!("{what} ({key}) is missing"))?;
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
        .filter(|id| *id > 0)
        .ok_or_else(|| format!("{what} ({key}) is not a positive number: {value}"))
}

/// A field as text: a non-blank string (trimmed) or a number.
pub(crate) fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(id_string)
}

/// An id Shopee writes as a number or a string (`conversation_id`, `message_id`) → text.
pub(crate) fn id_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A Unix time in seconds, or in milli-, micro- or nanoseconds (chat writes nanoseconds),
/// as a number or a digit string. Zero and negatives are no time.
pub(crate) fn unix_time(v: &Value) -> Option<DateTime<Utc>> {
    let n = match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64))?,
        Value::String(s) => s.trim().parse::<i64>().ok()?,
        _ => return None,
    };
    if n <= 0 {
        return None;
    }
    let (secs, nanos) = if n >= 100_000_000_000_000_000 {
        (n / 1_000_000_000, n % 1_000_000_000)
    } else if n >= 100_000_000_000_000 {
        (n / 1_000_000, (n % 1_000_000) * 1_000)
    } else if n >= 100_000_000_000 {
        (n / 1_000, (n % 1_000) * 1_000_000)
    } else {
        (n, 0)
    };
    DateTime::from_timestamp(secs, nanos as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn secrets() -> Value {
        json!({"partner_key": "pk", "access_token": "at", "refresh_token": "rt"})
    }

    #[test]
    fn reads_settings_with_defaults() {
        let c = from_settings(
            &json!({"partner_id": 2001887, "shop_id": "600000"}),
            &secrets(),
        )
        .unwrap();
        let config = c.config();
        assert_eq!((config.partner_id, config.shop_id), (2001887, 600000));
        assert_eq!(config.base_url, "https://partner.shopeemobile.com");
        assert_eq!(config.backfill_days, 30);
        assert!(config.chat);
        assert_eq!(config.tokens.access_expires_at, None);
        let debug = format!("{config:?}");
        assert!(
            !debug.contains("\"pk\"") && !debug.contains("\"at\"") && !debug.contains("\"rt\""),
            "{debug}"
        );

        let c = from_settings(
            &json!({"partner_id": 1, "shop_id": 2, "host": "cn", "backfill_days": 40, "chat": false}),
            &json!({"partner_key": "pk", "access_token": "at", "refresh_token": "rt", "access_expires_at": "2026-03-01T10:00:00Z"}),
        )
        .unwrap();
        assert_eq!(c.config().base_url, "https://openplatform.shopee.cn");
        assert_eq!(c.config().backfill_days, 40);
        assert!(!c.config().chat);
        assert_eq!(
            c.config().tokens.access_expires_at.map(|t| t.timestamp()),
            Some(1772359200)
        );
        let c = from_settings(
            &json!({"partner_id": 1, "shop_id": 2, "host": "test", "base_url": "http://127.0.0.1:9/"}),
            &json!({"partner_key": "pk", "access_token": "at", "refresh_token": "rt", "access_expires_at": 1772359200}),
        )
        .unwrap();
        assert_eq!(c.config().base_url, "http://127.0.0.1:9");
        assert_eq!(
            c.current_tokens().access_expires_at.map(|t| t.timestamp()),
            Some(1772359200)
        );
        assert_eq!(
            Host::parse("TEST").map(Host::base_url),
            Some("https://partner.test-stable.shopeemobile.com")
        );
    }

    #[test]
    fn refuses_missing_or_bad_settings_readably() {
        let base = json!({"partner_id": 1, "shop_id": 2});
        let cases = [
            (
                json!({"shop_id": 2}),
                secrets(),
                "partner id (partner_id) is missing",
            ),
            (
                json!({"partner_id": 1, "shop_id": "abc"}),
                secrets(),
                "shop id (shop_id) is not a positive number",
            ),
            (
                json!({"partner_id": 0, "shop_id": 2}),
                secrets(),
                "not a positive number",
            ),
            (
                base.clone(),
                json!({"access_token": "at", "refresh_token": "rt"}),
                "partner key is missing",
            ),
            (
                base.clone(),
                json!({"partner_key": "pk", "refresh_token": "rt"}),
                "access token is missing",
            ),
            (
                base.clone(),
                json!({"partner_key": "pk", "access_token": "at", "refresh_token": " "}),
                "refresh token is missing",
            ),
            (
                json!({"partner_id": 1, "shop_id": 2, "host": "moon"}),
                secrets(),
                "unknown Shopee host",
            ),
            (
                json!({"partner_id": 1, "shop_id": 2, "base_url": "ftp://x"}),
                secrets(),
                "not an http(s) URL",
            ),
            (
                json!({"partner_id": 1, "shop_id": 2, "backfill_days": 0}),
                secrets(),
                "backfill_days",
            ),
            (
                json!({"partner_id": 1, "shop_id": 2, "chat": "yes"}),
                secrets(),
                "chat",
            ),
            (
                base.clone(),
                json!({"partner_key": "pk", "access_token": "at", "refresh_token": "rt", "access_expires_at": "soon"}),
                "not an RFC 3339 time",
            ),
        ];
        for (settings, secrets, want) in cases {
            let err = from_settings(&settings, &secrets).unwrap_err();
            assert!(err.contains(want), "{err:?} should contain {want:?}");
        }
    }

    #[test]
    fn unix_times_in_any_unit() {
        let t = |v: Value| unix_time(&v).map(|t| (t.timestamp(), t.timestamp_subsec_nanos()));
        assert_eq!(t(json!(1790000000)), Some((1790000000, 0)));
        assert_eq!(t(json!(1790000000123i64)), Some((1790000000, 123_000_000)));
        assert_eq!(
            t(json!(1790000000123456i64)),
            Some((1790000000, 123_456_000))
        );
        assert_eq!(
            t(json!(1790000000123456789i64)),
            Some((1790000000, 123_456_789))
        );
        assert_eq!(
            t(json!("1790000000123456789")),
            Some((1790000000, 123_456_789))
        );
        assert_eq!(t(json!(0)), None);
        assert_eq!(t(json!(null)), None);
    }

    #[test]
    fn ids_as_text() {
        assert_eq!(
            id_string(&json!(1234567890123456789u64)).as_deref(),
            Some("1234567890123456789")
        );
        assert_eq!(id_string(&json!(" m1 ")).as_deref(), Some("m1"));
        assert_eq!(id_string(&json!("")), None);
        assert_eq!(id_string(&json!(true)), None);
    }
}
