//! Per kind of channel, how its stored settings (plain JSON) and credentials (opened JSON)
//! make a connector. Both the worker (poll, send) and the settings pages ("Test connection")
//! build connectors here.
//!
//! Settings and credentials by kind:
//! - `email`: settings `{"imap": {host, port, security, username, mailbox?}, "smtp": {host,
//!   port, security, username?, from_address, from_name?}, "extra_root_pem"?}`, credentials
//!   `{"imap_password", "smtp_password"?}`; `security` is `tls`, `starttls` or `plain`.
//! - `shopify`: settings `{"shop", "api_version"?, "base_url"?}`, credentials
//!   `{"access_token", "api_secret"}`.

use std::sync::Arc;

use serde_json::Value;

use crate::shopify::{ShopifyConfig, ShopifyConnector};
use crate::Connector;

pub const KINDS: [&str; 2] = ["email", "shopify"];

pub fn build(kind: &str, settings: &Value, secrets: &Value) -> Result<Arc<dyn Connector>, String> {
    match kind {
        "email" => email(settings, secrets),
        "shopify" => shopify(settings, secrets),
        other => Err(format!("unknown channel kind {other:?}")),
    }
}

fn text<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn required<'a>(v: &'a Value, pointer: &str, what: &str) -> Result<&'a str, String> {
    text(v, pointer).ok_or_else(|| format!("{what} is missing"))
}

fn shopify(settings: &Value, secrets: &Value) -> Result<Arc<dyn Connector>, String> {
    let shop = required(settings, "/shop", "the shop domain")?;
    let token = required(secrets, "/access_token", "the access token")?;
    let secret = text(secrets, "/api_secret").unwrap_or("");
    let mut config = ShopifyConfig::new(shop, token, secret);
    if let Some(version) = text(settings, "/api_version") {
        config.api_version = version.to_owned();
    }
    config.base_url = text(settings, "/base_url").map(str::to_owned);
    let connector = ShopifyConnector::new(config).map_err(|e| e.to_string())?;
    Ok(Arc::new(connector))
}

fn email(settings: &Value, secrets: &Value) -> Result<Arc<dyn Connector>, String> {
    let _ = (settings, secrets);
    Err("email channels are not available in this build".into())
}
