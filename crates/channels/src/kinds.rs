//! Per kind of channel, how its stored settings (plain JSON) and credentials (opened JSON)
//! make a connector. Both the worker (poll, send) and the settings pages ("Test connection")
//! build connectors here.
//!
//! Settings and credentials by kind:
//! - `email`: settings `{"imap": {host, port, security, username, mailbox?}, "smtp": {host,
//!   port, security, username?, from_address, from_name?}, "extra_root_pem"?}`, credentials
//!   `{"imap_password", "smtp_password"?}`; `security` is `tls`, `starttls` or `plain`
//!   (default `tls`); ports are numbers; `imap.batch_size` (1–500, default 50) bounds a poll.
//! - `shopify`: settings `{"shop", "api_version"?, "base_url"?}`, credentials
//!   `{"access_token", "api_secret"}`.
//! - `amazon`: see [`crate::amazon`] (region, marketplace ids; LWA client and refresh token).
//! - `ebay`: see [`crate::ebay`] (environment, marketplace; app keys, user refresh token,
//!   notification verification token).
//! - `shopee`: see [`crate::shopee`] (partner id, shop id, host; partner key and tokens).

use crate::json::{required, text};
use std::sync::Arc;

use serde_json::Value;

use crate::email::imap::ImapConfig;
use crate::email::smtp::SmtpConfig;
use crate::email::{EmailConnector, Security};
use crate::shopify::{ShopifyConfig, ShopifyConnector};
use crate::{Connector, ConnectorError, WebhookAction};

/// What the worker does with a stored webhook delivery of a channel of `kind` (with its
/// plain `settings`). Needs no credentials: the delivery was verified when it arrived.
pub fn parse_webhook(
    kind: &str,
    settings: &Value,
    topic: &str,
    body: &[u8],
) -> Result<WebhookAction, ConnectorError> {
    match kind {
        "shopify" => crate::shopify::webhook::action(topic, body),
        "ebay" => Ok(crate::ebay::webhook::action(topic)),
        "amazon" => crate::amazon::notifications::action(
            text(settings, "/seller_id"),
            settings
                .get("returns")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            body,
        ),
        "shopee" => {
            let shop_id = settings
                .get("shop_id")
                .and_then(|v| v.as_u64().or_else(|| v.as_str()?.trim().parse().ok()))
                .ok_or_else(|| ConnectorError::Permanent("the Shopee shop id is missing".into()))?;
            crate::shopee::webhook::parse(shop_id, topic, body)
        }
        other => Err(ConnectorError::Permanent(format!(
            "channels of kind {other} take no webhooks"
        ))),
    }
}

pub fn build(kind: &str, settings: &Value, secrets: &Value) -> Result<Arc<dyn Connector>, String> {
    match kind {
        "email" => email(settings, secrets),
        "shopify" => shopify(settings, secrets),
        "shopee" => Ok(Arc::new(crate::shopee::from_settings(settings, secrets)?)),
        "amazon" => Ok(Arc::new(crate::amazon::from_settings(settings, secrets)?)),
        "ebay" => Ok(Arc::new(crate::ebay::from_settings(settings, secrets)?)),
        other => Err(format!("unknown channel kind {other:?}")),
    }
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

fn security(v: &Value, pointer: &str) -> Result<Security, String> {
    match text(v, pointer).unwrap_or("tls") {
        "tls" => Ok(Security::Tls),
        "starttls" => Ok(Security::StartTls),
        "plain" => Ok(Security::Plain),
        other => Err(format!(
            "unknown connection security {other:?} (tls, starttls or plain)"
        )),
    }
}

fn port(v: &Value, pointer: &str, what: &str) -> Result<u16, String> {
    v.pointer(pointer)
        .and_then(Value::as_u64)
        .and_then(|p| u16::try_from(p).ok())
        .filter(|p| *p > 0)
        .ok_or_else(|| format!("{what} is missing or not a port number"))
}

fn email(settings: &Value, secrets: &Value) -> Result<Arc<dyn Connector>, String> {
    let extra_root_pem = text(settings, "/extra_root_pem").map(str::to_owned);
    let mut imap = ImapConfig::new(
        required(settings, "/imap/host", "the IMAP server")?,
        port(settings, "/imap/port", "the IMAP port")?,
        required(settings, "/imap/username", "the IMAP user name")?,
        required(secrets, "/imap_password", "the IMAP password")?,
    );
    imap.security = security(settings, "/imap/security")?;
    if let Some(mailbox) = text(settings, "/imap/mailbox") {
        imap.mailbox = mailbox.to_owned();
    }
    imap.extra_root_pem.clone_from(&extra_root_pem);
    if let Some(size) = settings.pointer("/imap/batch_size").and_then(Value::as_u64) {
        imap.batch_size = usize::try_from(size.clamp(1, 500)).unwrap_or(50);
    }
    let mut smtp = SmtpConfig::new(
        required(settings, "/smtp/host", "the SMTP server")?,
        port(settings, "/smtp/port", "the SMTP port")?,
        required(settings, "/smtp/from_address", "the sending address")?,
    );
    smtp.security = security(settings, "/smtp/security")?;
    smtp.username = text(settings, "/smtp/username").map(str::to_owned);
    smtp.password = text(secrets, "/smtp_password").map(str::to_owned);
    smtp.from_name = text(settings, "/smtp/from_name").map(str::to_owned);
    smtp.extra_root_pem = extra_root_pem;
    Ok(Arc::new(EmailConnector::new(imap, smtp)))
}
