//! eBay: OAuth refresh, Sell Fulfillment orders, Message API, Post-Order returns/inquiries/cases, Notification API.
//!
//! - [`config`]: [`EbayConfig`] (environment, API roots, credentials, tuning).
//! - [`auth`]: user and application tokens from eBay's identity service, cached and
//!   refreshed one at a time.
//! - [`http`]: the client every call goes through (token, one refresh-and-retry on
//!   401/403, errors → [`ConnectorError`](crate::ConnectorError)).
//! - [`fields`]: lenient reading of eBay's JSON (times, amounts, paging).
//! - [`orders`]: Sell Fulfillment orders, shipments, order refunds.
//! - [`messages`]: Message API conversations, messages, replies.
//! - [`post_order`]: Post-Order returns, inquiries and cases, return decisions and refunds.
//! - [`webhook`]: Notification API signatures, public keys, topics, endpoint challenge.
//! - [`cursor`]: the poll cursor (five streams, rounds of sweeps).
//! - [`connector`]: [`EbayConnector`], the [`Connector`](crate::Connector) the worker uses.
//!
//! Build one from stored settings with [`from_settings`].

pub mod auth;
pub mod config;
pub mod connector;
pub mod cursor;
pub mod fields;
pub mod http;
pub mod messages;
pub mod orders;
pub mod post_order;
pub mod webhook;

use serde_json::Value;

pub use config::{EbayConfig, Environment};
pub use connector::EbayConnector;
pub use cursor::PollCursor;

/// The channel name eBay records are stored under.
pub const CHANNEL: &str = "ebay";

/// Conversations we make up (an inquiry or case has no eBay conversation) start with this:
/// `aftersail:order:<orderId>`, `aftersail:inquiry:<id>`, `aftersail:case:<id>`. A reply
/// into one starts a new eBay conversation with the buyer.
pub const SYNTHETIC_CONVERSATION_PREFIX: &str = "aftersail:";

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn required<'a>(v: &'a Value, key: &str, what: &str) -> Result<&'a str, String> {
    text(v, key).ok_or_else(|| format!("{what} ({key}) is missing"))
}

fn days(v: &Value, key: &str, max: u64) -> Result<Option<u32>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(n) => n
            .as_u64()
            .filter(|d| (1..=max).contains(d))
            .map(|d| Some(d as u32))
            .ok_or_else(|| format!("{key} must be a whole number of days from 1 to {max}")),
    }
}

/// Builds the connector from stored settings (plain JSON) and secrets (decrypted JSON).
///
/// Settings:
/// - `environment`: `"production"` (default) or `"sandbox"`;
/// - `base_url`: replaces `https://api.ebay.com` / `https://api.sandbox.ebay.com`;
/// - `identity_url`, `fulfillment_url`, `message_url`, `notification_url`,
///   `post_order_url`: full roots of single APIs (defaults: `{base}/identity/v1`,
///   `{base}/sell/fulfillment/v1`, `{base}/commerce/message/v1`,
///   `{base}/commerce/notification/v1`, `{base}/post-order/v2`);
/// - `marketplace_id`: e.g. `"EBAY_US"` (default), `"EBAY_DE"`;
/// - `seller_username`: the seller's eBay user name (learned from orders when absent);
/// - `backfill_days`: how far back the first poll goes (1–730, default 30);
/// - `post_order_lookback_days`: the creation window of returns, inquiries and cases
///   read every round (1–540, default 30);
/// - `scopes`: OAuth scopes for the refresh, a list or a space-separated string (default:
///   `api_scope`, `sell.fulfillment`, `sell.finances`, `commerce.message`).
///
/// Secrets: `client_id`, `client_secret`, `refresh_token` (required),
/// `verification_token` (the Notification endpoint's, for the challenge).
pub fn from_settings(settings: &Value, secrets: &Value) -> Result<EbayConnector, String> {
    let mut config = EbayConfig::new(
        required(secrets, "client_id", "the eBay App ID (client id)")?,
        required(secrets, "client_secret", "the eBay Cert ID (client secret)")?,
        required(secrets, "refresh_token", "the eBay refresh token")?,
    );
    if let Some(env) = text(settings, "environment") {
        config.environment = Environment::parse(env)?;
    }
    let url = |key: &str| -> Result<Option<String>, String> {
        match text(settings, key) {
            None => Ok(None),
            Some(u) if u.starts_with("http://") || u.starts_with("https://") => {
                Ok(Some(u.to_owned()))
            }
            Some(u) => Err(format!("{key} must be an http(s) URL, not {u:?}")),
        }
    };
    config.base_url = url("base_url")?;
    config.identity_url = url("identity_url")?;
    config.fulfillment_url = url("fulfillment_url")?;
    config.message_url = url("message_url")?;
    config.notification_url = url("notification_url")?;
    config.post_order_url = url("post_order_url")?;
    if let Some(marketplace) = text(settings, "marketplace_id") {
        config.marketplace_id = marketplace.to_owned();
    }
    config.seller_username = text(settings, "seller_username").map(str::to_owned);
    if let Some(d) = days(settings, "backfill_days", 730)? {
        config.backfill_days = d;
    }
    if let Some(d) = days(settings, "post_order_lookback_days", 540)? {
        config.post_order_lookback_days = d;
    }
    match settings.get("scopes") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => config.scopes = s.split_whitespace().map(str::to_owned).collect(),
        Some(Value::Array(list)) => {
            config.scopes = list
                .iter()
                .map(|s| {
                    s.as_str()
                        .map(str::to_owned)
                        .ok_or("scopes must be strings")
                })
                .collect::<Result<_, _>>()?;
        }
        Some(_) => return Err("scopes must be a list or a space-separated string".into()),
    }
    if config.scopes.is_empty() {
        return Err("scopes is empty".into());
    }
    config.verification_token = text(secrets, "verification_token").map(str::to_owned);
    EbayConnector::new(config).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn secrets() -> Value {
        json!({"client_id": "App-1", "client_secret": "cert", "refresh_token": "v^1.1#r"})
    }

    #[test]
    fn settings_and_secrets() {
        let c = from_settings(
            &json!({"environment": "sandbox", "marketplace_id": "EBAY_DE", "backfill_days": 7, "scopes": "a b",
                    "fulfillment_url": "http://127.0.0.1:1/", "seller_username": "shop.de"}),
            &json!({"client_id": "App-1", "client_secret": "cert", "refresh_token": "v^1.1#r", "verification_token": "tok"}),
        )
        .unwrap();
        let config = c.config();
        assert_eq!(config.environment, Environment::Sandbox);
        assert_eq!(config.marketplace_id, "EBAY_DE");
        assert_eq!(config.backfill_days, 7);
        assert_eq!(config.scopes, ["a", "b"]);
        assert_eq!(config.fulfillment_root(), "http://127.0.0.1:1");
        assert_eq!(
            config.message_root(),
            "https://api.sandbox.ebay.com/commerce/message/v1"
        );
        assert_eq!(config.verification_token.as_deref(), Some("tok"));
        assert_eq!(config.seller_username.as_deref(), Some("shop.de"));
    }

    #[test]
    fn readable_errors() {
        let err = |settings: Value, secrets: Value| from_settings(&settings, &secrets).unwrap_err();
        assert!(err(
            json!({}),
            json!({"client_secret": "c", "refresh_token": "r"})
        )
        .contains("client_id"));
        assert!(
            err(json!({}), json!({"client_id": "c", "refresh_token": "r"}))
                .contains("client_secret")
        );
        assert!(
            err(json!({}), json!({"client_id": "c", "client_secret": "s"}))
                .contains("refresh_token")
        );
        assert!(err(json!({"environment": "qa"}), secrets()).contains("environment"));
        assert!(err(json!({"backfill_days": 0}), secrets()).contains("backfill_days"));
        assert!(err(json!({"base_url": "ftp://x"}), secrets()).contains("base_url"));
        assert!(err(json!({"scopes": 5}), secrets()).contains("scopes"));
        let e = err(
            json!({"environment": "qa"}),
            json!({"client_id": "c", "client_secret": "hush", "refresh_token": "r"}),
        );
        assert!(!e.contains("hush"));
    }
}
