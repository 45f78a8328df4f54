//! OAuth tokens from eBay's identity service: the seller's user token (refresh-token grant)
//! for the seller APIs, and an application token (client-credentials grant) for the
//! Notification API's public keys.
//!
//! `POST {identity}/oauth2/token` with `Authorization: Basic base64(client_id:client_secret)`
//! and a form body. Each token is cached until `expires_in` minus a margin; the cache sits
//! behind an async mutex held across the refresh, so concurrent callers wait for one
//! refresh instead of starting their own. A token the API refused is dropped with
//! [`TokenSource::invalidate`] and the next caller refreshes.

use std::time::Duration;

use base64::Engine;
use reqwest::StatusCode;
use serde_json::Value;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::config::{EbayConfig, APP_SCOPE};
use super::http::{api_message, retry_after, transport_error};
use crate::ConnectorError;

/// Which token a call needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// The seller's user token (refresh-token grant): orders, messages, Post-Order.
    User,
    /// An application token (client-credentials grant): notification public keys.
    App,
}

#[derive(Clone)]
struct Cached {
    value: String,
    /// When to stop using it (eBay's expiry minus the margin).
    use_until: Instant,
}

/// Hands out access tokens, refreshing them when needed. Never shows a secret in Debug.
pub struct TokenSource {
    http: reqwest::Client,
    url: String,
    basic: String,
    refresh_token: String,
    scopes: String,
    margin: Duration,
    user: Mutex<Option<Cached>>,
    app: Mutex<Option<Cached>>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("url", &self.url)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl TokenSource {
    pub fn new(http: reqwest::Client, config: &EbayConfig) -> Self {
        let credentials = format!("{}:{}", config.client_id, config.client_secret);
        Self {
            http,
            url: config.token_url(),
            basic: format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(credentials)
            ),
            refresh_token: config.refresh_token.clone(),
            scopes: config.scopes.join(" "),
            margin: config.token_margin,
            user: Mutex::new(None),
            app: Mutex::new(None),
        }
    }

    fn slot(&self, grant: Grant) -> &Mutex<Option<Cached>> {
        match grant {
            Grant::User => &self.user,
            Grant::App => &self.app,
        }
    }

    /// A token that is valid for at least the margin (or half its lifetime, for short ones).
    pub async fn token(&self, grant: Grant) -> Result<String, ConnectorError> {
        let mut slot = self.slot(grant).lock().await;
        if let Some(cached) = slot.as_ref() {
            if Instant::now() < cached.use_until {
                return Ok(cached.value.clone());
            }
        }
        let fresh = self.fetch(grant).await?;
        let value = fresh.value.clone();
        *slot = Some(fresh);
        Ok(value)
    }

    /// Forgets `refused` (a token an API call was refused with), unless a newer one has
    /// replaced it meanwhile.
    pub async fn invalidate(&self, grant: Grant, refused: &str) {
        let mut slot = self.slot(grant).lock().await;
        if slot.as_ref().is_some_and(|c| c.value == refused) {
            *slot = None;
        }
    }

    async fn fetch(&self, grant: Grant) -> Result<Cached, ConnectorError> {
        let form: Vec<(&str, &str)> = match grant {
            Grant::User => vec![
                ("grant_type", "refresh_token"),
                ("refresh_token", self.refresh_token.as_str()),
                ("scope", self.scopes.as_str()),
            ],
            Grant::App => vec![("grant_type", "client_credentials"), ("scope", APP_SCOPE)],
        };
        let what = match grant {
            Grant::User => "token refresh",
            Grant::App => "application token request",
        };
        let started = Instant::now();
        let response = self
            .http
            .post(&self.url)
            .header(reqwest::header::AUTHORIZATION, &self.basic)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&form)
            .send()
            .await
            .map_err(|e| transport_error(what, &e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(what, &e))?;
        if !status.is_success() {
            let message = api_message(&body);
            let code = status.as_u16();
            return Err(match status {
                StatusCode::TOO_MANY_REQUESTS => ConnectorError::RateLimited {
                    retry_after: retry_after(&headers),
                },
                s if s.is_server_error() => ConnectorError::Transient(format!(
                    "eBay {what} failed on eBay's side (HTTP {code}): {message}"
                )),
                _ => ConnectorError::Auth(format!(
                    "eBay refused the {what} (HTTP {code}): {message}; connect the eBay account again"
                )),
            });
        }
        let parsed: Value = serde_json::from_slice(&body).map_err(|e| {
            ConnectorError::Transient(format!("eBay {what} answered malformed JSON: {e}"))
        })?;
        let value = parsed
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ConnectorError::Transient(format!("eBay {what} answered without an access_token"))
            })?;
        // eBay user tokens live 7200 s; trust a missing expiry least.
        let lifetime = parsed
            .get("expires_in")
            .and_then(Value::as_u64)
            .map(Duration::from_secs)
            .unwrap_or(Duration::from_secs(7200));
        let margin = self.margin.min(lifetime / 2);
        Ok(Cached {
            value: value.to_owned(),
            use_until: started + lifetime - margin,
        })
    }
}
