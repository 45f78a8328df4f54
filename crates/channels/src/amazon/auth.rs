//! Login with Amazon: the refresh token is traded for an access token (a form POST to the
//! LWA token URL), which is cached until shortly before it expires. One refresh runs at a
//! time: callers arriving meanwhile wait for it and share its token.

use std::time::Duration;

use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::client::{retry_after_header, snippet, transport_error};
use crate::ConnectorError;

/// LWA client credentials and the seller's refresh token.
#[derive(Clone)]
pub struct LwaCredentials {
    pub url: String,
    pub client_id: String,
    pub client_secret: String,
    pub refresh_token: String,
}

impl std::fmt::Debug for LwaCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LwaCredentials")
            .field("url", &self.url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("refresh_token", &"<redacted>")
            .finish()
    }
}

#[derive(Clone)]
struct AccessToken {
    value: String,
    /// When we stop using it: Amazon's expiry minus the margin.
    use_until: Instant,
}

/// The access token cache of one seller account.
pub struct TokenSource {
    http: reqwest::Client,
    credentials: LwaCredentials,
    margin: Duration,
    current: Mutex<Option<AccessToken>>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("credentials", &self.credentials)
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct TokenError {
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: String,
}

impl TokenSource {
    /// `margin`: how long before Amazon's expiry a token is refreshed.
    pub fn new(http: reqwest::Client, credentials: LwaCredentials, margin: Duration) -> Self {
        Self {
            http,
            credentials,
            margin,
            current: Mutex::new(None),
        }
    }

    /// A valid access token: the cached one, or a fresh one.
    pub async fn token(&self) -> Result<String, ConnectorError> {
        let mut current = self.current.lock().await;
        if let Some(token) = current.as_ref() {
            if Instant::now() < token.use_until {
                return Ok(token.value.clone());
            }
        }
        let fresh = self.refresh().await?;
        let value = fresh.value.clone();
        *current = Some(fresh);
        Ok(value)
    }

    /// Forgets `used` after Amazon refused it, so the next [`token`](Self::token) call
    /// refreshes. A token refreshed meanwhile by another caller is kept.
    pub async fn invalidate(&self, used: &str) {
        let mut current = self.current.lock().await;
        if current.as_ref().is_some_and(|t| t.value == used) {
            *current = None;
        }
    }

    async fn refresh(&self) -> Result<AccessToken, ConnectorError> {
        let c = &self.credentials;
        let started = Instant::now();
        let response = self
            .http
            .post(&c.url)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", c.refresh_token.as_str()),
                ("client_id", c.client_id.as_str()),
                ("client_secret", c.client_secret.as_str()),
            ])
            .send()
            .await
            .map_err(|e| transport_error("Login with Amazon token request", &e))?;
        let status = response.status();
        let retry_after = retry_after_header(response.headers());
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error("Login with Amazon token answer", &e))?;
        if status.is_success() {
            let answer: TokenAnswer = serde_json::from_slice(&body).map_err(|e| {
                ConnectorError::Transient(format!(
                    "Amazon: Login with Amazon answered unreadable JSON ({e})"
                ))
            })?;
            if answer.access_token.is_empty() {
                return Err(ConnectorError::Transient(
                    "Amazon: Login with Amazon answered an empty access token".into(),
                ));
            }
            let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(3600));
            return Ok(AccessToken {
                value: answer.access_token,
                use_until: started + lifetime.saturating_sub(self.margin),
            });
        }
        let reason = serde_json::from_slice::<TokenError>(&body)
            .ok()
            .map(|e| {
                [e.error, e.error_description]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(": ")
            })
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| snippet(&body));
        let code = status.as_u16();
        Err(match code {
            429 => ConnectorError::RateLimited {
                retry_after: retry_after.unwrap_or(Duration::from_secs(1)),
            },
            400 | 401 | 403 => ConnectorError::Auth(format!(
                "Amazon: Login with Amazon refused the credentials (HTTP {code}: {reason}); connect the seller account again"
            )),
            _ if status.is_server_error() => ConnectorError::Transient(format!(
                "Amazon: Login with Amazon failed (HTTP {code}: {reason})"
            )),
            _ => ConnectorError::Permanent(format!(
                "Amazon: Login with Amazon refused the token request (HTTP {code}: {reason})"
            )),
        })
    }
}
