//! The signed HTTP client for one shop: common parameters (`partner_id`, `timestamp`,
//! `sign`, `access_token`, `shop_id`), GET parameters in the query and POST bodies as JSON,
//! answers through [`errors::classify`](super::errors::classify), and the token life
//! cycle: refreshed shortly before it expires, and once more (then `Auth`) when Shopee
//! refuses it.
//!
//! Messages name the shop and the call, never a URL (its query holds the token and the
//! signature) nor a secret.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::auth::{self, Tokens};
use super::errors::{classify, Envelope, Failure};
use super::sign;
use crate::ConnectorError;

/// Tokens are refreshed when they expire within this margin.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

struct TokenState {
    tokens: Tokens,
    /// Bumped by every refresh, so concurrent callers that saw the same refused token
    /// refresh it only once (a refresh token works once).
    generation: u64,
}

/// One shop's signed client. Keep one per shop: it holds the current tokens.
pub struct ShopeeClient {
    http: reqwest::Client,
    base_url: String,
    partner_id: u64,
    partner_key: String,
    shop_id: u64,
    tokens: Mutex<TokenState>,
    refresh_lock: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for ShopeeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShopeeClient")
            .field("base_url", &self.base_url)
            .field("partner_id", &self.partner_id)
            .field("partner_key", &"<redacted>")
            .field("shop_id", &self.shop_id)
            .field("tokens", &self.tokens().0)
            .finish()
    }
}

impl ShopeeClient {
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        partner_id: u64,
        partner_key: &str,
        shop_id: u64,
        tokens: Tokens,
    ) -> Self {
        Self {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            partner_id,
            partner_key: partner_key.to_string(),
            shop_id,
            tokens: Mutex::new(TokenState {
                tokens,
                generation: 0,
            }),
            refresh_lock: tokio::sync::Mutex::new(()),
        }
    }

    pub fn shop_id(&self) -> u64 {
        self.shop_id
    }

    /// The current tokens and their generation.
    pub fn tokens(&self) -> (Tokens, u64) {
        let state = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        (state.tokens.clone(), state.generation)
    }

    /// `"Shopee shop 600000: get_order_list"`, for messages.
    pub fn what(&self, path: &str) -> String {
        format!(
            "Shopee shop {}: {}",
            self.shop_id,
            path.rsplit('/').next().unwrap_or(path)
        )
    }

    /// A shop GET: `params` go in the query. Returns the `response` object.
    pub async fn get(
        &self,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<Value, ConnectorError> {
        self.call(Method::Get, path, params, None).await
    }

    /// A shop POST: `body` is sent as JSON. Returns the `response` object.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, ConnectorError> {
        self.call(Method::Post, path, &[], Some(body)).await
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        params: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Value, ConnectorError> {
        self.refresh_if_expiring(Utc::now()).await?;
        let (tokens, generation) = self.tokens();
        match self
            .send(method, path, params, body, &tokens.access_token)
            .await
        {
            Err(Failure::TokenRejected(_)) => {
                self.refresh(generation).await?;
                let (tokens, _) = self.tokens();
                self.send(method, path, params, body, &tokens.access_token)
                    .await
                    .map_err(|failure| match failure {
                        Failure::TokenRejected(m) => {
                            ConnectorError::Auth(format!("{m} (even after a token refresh)"))
                        }
                        Failure::Error(e) => e,
                    })
            }
            other => other.map_err(Failure::into_error),
        }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        params: &[(&str, String)],
        body: Option<&Value>,
        access_token: &str,
    ) -> Result<Value, Failure> {
        let timestamp = Utc::now().timestamp();
        let signature = sign::shop_sign(
            &self.partner_key,
            self.partner_id,
            path,
            timestamp,
            access_token,
            self.shop_id,
        );
        let mut query: Vec<(&str, String)> = vec![
            ("partner_id", self.partner_id.to_string()),
            ("timestamp", timestamp.to_string()),
            ("sign", signature),
            ("access_token", access_token.to_string()),
            ("shop_id", self.shop_id.to_string()),
        ];
        query.extend(params.iter().cloned());
        let url = format!("{}{path}", self.base_url);
        let what = self.what(path);
        send(
            &self.http,
            method,
            &url,
            &query,
            body,
            &what,
            Envelope::Response,
        )
        .await
    }

    /// Refreshes the tokens when they expire within [`REFRESH_MARGIN`] of `now`.
    pub async fn refresh_if_expiring(&self, now: DateTime<Utc>) -> Result<(), ConnectorError> {
        let (tokens, generation) = self.tokens();
        let margin = chrono::Duration::from_std(REFRESH_MARGIN).unwrap_or_default();
        match tokens.access_expires_at {
            Some(at) if at <= now + margin => self.refresh(generation).await,
            _ => Ok(()),
        }
    }

    /// Refreshes the tokens unless someone did since generation `seen`.
    pub async fn refresh(&self, seen: u64) -> Result<(), ConnectorError> {
        let _only_one = self.refresh_lock.lock().await;
        let (tokens, generation) = self.tokens();
        if generation != seen {
            return Ok(());
        }
        let fresh = auth::refresh(
            &self.http,
            &self.base_url,
            self.partner_id,
            &self.partner_key,
            self.shop_id,
            &tokens.refresh_token,
        )
        .await?;
        tracing::info!(shop_id = self.shop_id, "Shopee tokens refreshed");
        let mut state = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        state.tokens = fresh;
        state.generation += 1;
        Ok(())
    }
}

/// A public call (no shop token): POST `body` to `path` signed with
/// `partner_id + path + timestamp`. Returns the whole answer.
pub async fn public_call(
    http: &reqwest::Client,
    base_url: &str,
    partner_id: u64,
    partner_key: &str,
    path: &str,
    body: &Value,
    what: &str,
) -> Result<Value, Failure> {
    let timestamp = Utc::now().timestamp();
    let query = [
        ("partner_id", partner_id.to_string()),
        ("timestamp", timestamp.to_string()),
        (
            "sign",
            sign::public_sign(partner_key, partner_id, path, timestamp),
        ),
    ];
    let url = format!("{}{path}", base_url.trim_end_matches('/'));
    send(
        http,
        Method::Post,
        &url,
        &query,
        Some(body),
        what,
        Envelope::Body,
    )
    .await
}

async fn send(
    http: &reqwest::Client,
    method: Method,
    url: &str,
    query: &[(&str, String)],
    body: Option<&Value>,
    what: &str,
    envelope: Envelope,
) -> Result<Value, Failure> {
    let request = match method {
        Method::Get => http.get(url),
        Method::Post => http.post(url).json(body.unwrap_or(&Value::Null)),
    };
    let response = request
        .query(query)
        .send()
        .await
        .map_err(|e| transport_error(what, e))?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = response
        .bytes()
        .await
        .map_err(|e| transport_error(what, e))?;
    classify(
        what,
        status,
        retry_after.as_deref(),
        &bytes,
        envelope,
        Utc::now(),
    )
}

/// No (complete) answer: connect errors, timeouts, a body cut off.
fn transport_error(what: &str, e: reqwest::Error) -> Failure {
    Failure::Error(crate::transport::failed("Shopee", what, &e))
}
