//! The SP-API HTTP client: one call per operation with the `x-amz-access-token` header,
//! paced by the operation's [`rate`](super::rate) bucket, retried once with a fresh token
//! when Amazon refuses the access token, and every failure turned into a
//! [`ConnectorError`] naming the operation and Amazon's own message.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::Value;

use super::auth::TokenSource;
use super::rate::{Operation, RateLimits};
use crate::ConnectorError;

const USER_AGENT: &str = concat!("Aftersail/", env!("CARGO_PKG_VERSION"), " (Language=Rust)");

/// A failed call: the error the worker sees, and the HTTP status when Amazon answered
/// (callers decide on fallbacks with it, e.g. Orders 2026 → v0 on 403/404).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: Option<u16>,
    pub error: ConnectorError,
}

impl From<ApiError> for ConnectorError {
    fn from(e: ApiError) -> Self {
        e.error
    }
}

impl From<ConnectorError> for ApiError {
    fn from(error: ConnectorError) -> Self {
        Self {
            status: None,
            error,
        }
    }
}

/// The SP-API of one seller account.
#[derive(Debug)]
pub struct SpClient {
    http: reqwest::Client,
    base: String,
    tokens: TokenSource,
    limits: RateLimits,
}

impl SpClient {
    pub fn new(http: reqwest::Client, base: &str, tokens: TokenSource, limits: RateLimits) -> Self {
        Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            tokens,
            limits,
        }
    }

    pub fn limits(&self) -> &RateLimits {
        &self.limits
    }

    pub fn tokens(&self) -> &TokenSource {
        &self.tokens
    }

    /// `GET {base}/{segments…}?{query}` → the JSON answer.
    pub async fn get(
        &self,
        op: &Operation,
        segments: &[&str],
        query: &[(&str, String)],
    ) -> Result<Value, ApiError> {
        self.call(op, Method::GET, segments, query, None).await
    }

    /// `POST {base}/{segments…}?{query}` with a JSON body → the JSON answer (`Null` when
    /// the body is empty).
    pub async fn post(
        &self,
        op: &Operation,
        segments: &[&str],
        query: &[(&str, String)],
        body: &Value,
    ) -> Result<Value, ApiError> {
        self.call(op, Method::POST, segments, query, Some(body))
            .await
    }

    fn url(&self, segments: &[&str], query: &[(&str, String)]) -> Result<url::Url, ApiError> {
        let mut url = url::Url::parse(&self.base).map_err(|e| {
            ConnectorError::Permanent(format!(
                "Amazon: base URL {:?} is not a URL: {e}",
                self.base
            ))
        })?;
        url.path_segments_mut()
            .map_err(|()| {
                ConnectorError::Permanent(format!(
                    "Amazon: base URL {:?} cannot take a path",
                    self.base
                ))
            })?
            .pop_if_empty()
            .extend(segments);
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        Ok(url)
    }

    async fn call(
        &self,
        op: &Operation,
        method: Method,
        segments: &[&str],
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        let url = self.url(segments, query)?;
        let mut refreshed = false;
        loop {
            self.limits.acquire(op).await?;
            let token = self.tokens.token().await?;
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .header("x-amz-access-token", &token)
                .header(reqwest::header::USER_AGENT, USER_AGENT)
                .header(
                    reqwest::header::ACCEPT,
                    "application/json, application/hal+json",
                );
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = request
                .send()
                .await
                .map_err(|e| transport_error(op.name, &e))?;
            let status = response.status();
            let headers = response.headers().clone();
            self.limits.observe(
                op,
                headers
                    .get("x-amzn-RateLimit-Limit")
                    .and_then(|v| v.to_str().ok()),
            );
            let bytes = response
                .bytes()
                .await
                .map_err(|e| transport_error(op.name, &e))?;
            let code = status.as_u16();
            if status.is_success() {
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    return Ok(Value::Null);
                }
                // A 2xx that is not JSON is a cut-off answer or a proxy's page: try later.
                return serde_json::from_slice(&bytes).map_err(|e| ApiError {
                    status: Some(code),
                    error: ConnectorError::Transient(format!(
                        "Amazon {}: answer is not valid JSON ({e}): {}",
                        op.name,
                        snippet(&bytes)
                    )),
                });
            }
            let message = api_message(&bytes);
            let error = match code {
                401 | 403 if !refreshed => {
                    // An expired or revoked access token: refresh once and try again.
                    tracing::debug!(operation = op.name, code, "Amazon refused the access token; refreshing");
                    self.tokens.invalidate(&token).await;
                    refreshed = true;
                    continue;
                }
                401 | 403 => ConnectorError::Auth(format!(
                    "Amazon {}: access denied (HTTP {code}: {message}); check the application's roles and the seller's authorization",
                    op.name
                )),
                429 => ConnectorError::RateLimited {
                    retry_after: self.limits.throttled(op, retry_after_header(&headers)),
                },
                _ if status.is_server_error() => ConnectorError::Transient(format!(
                    "Amazon {}: failed on Amazon's side (HTTP {code}: {message})",
                    op.name
                )),
                _ => ConnectorError::Permanent(format!(
                    "Amazon {}: refused (HTTP {code}: {message})",
                    op.name
                )),
            };
            return Err(ApiError {
                status: Some(code),
                error,
            });
        }
    }

    /// Downloads a pre-signed URL (a report document) without any Amazon credentials:
    /// the bytes and the `Content-Type` header.
    pub async fn download(
        &self,
        what: &str,
        url: &str,
    ) -> Result<(Vec<u8>, Option<String>), ConnectorError> {
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| transport_error(what, &e))?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = response
            .bytes()
            .await
            .map_err(|e| transport_error(what, &e))?;
        if status.is_success() {
            return Ok((bytes.to_vec(), content_type));
        }
        let code = status.as_u16();
        // The URL expires after five minutes; a new one is asked for on the next poll.
        Err(if status.is_server_error() || code == 403 || code == 404 {
            ConnectorError::Transient(format!("Amazon {what}: download failed (HTTP {code})"))
        } else {
            ConnectorError::Permanent(format!("Amazon {what}: download refused (HTTP {code})"))
        })
    }
}

/// Amazon's `{"errors": [{"code", "message", "details"}]}` as one line; the start of the
/// body when it is something else.
pub fn api_message(body: &[u8]) -> String {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let errors = parsed.as_ref().and_then(|v| match v {
        Value::Object(o) => o
            .get("errors")
            .or_else(|| o.get("payload").and_then(|p| p.get("errors"))),
        Value::Array(_) => Some(v),
        _ => None,
    });
    let list: Vec<String> = errors
        .and_then(Value::as_array)
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    let field = |k: &str| {
                        e.get(k)
                            .and_then(Value::as_str)
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                    };
                    let mut line = [field("code"), field("message")]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(": ");
                    if let Some(details) = field("details") {
                        line.push_str(&format!(" ({details})"));
                    }
                    line
                })
                .filter(|l| !l.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if list.is_empty() {
        let s = snippet(body);
        if s.is_empty() {
            "no details".into()
        } else {
            s
        }
    } else {
        list.join("; ")
    }
}

/// The start of a body, for messages.
pub fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// `Retry-After` in seconds or as an HTTP date.
pub fn retry_after_header(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0)
            .then(|| Duration::from_millis((secs * 1000.0).ceil() as u64));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// A request that got no (whole) answer: connection refused, timeout, cut-off body.
pub fn transport_error(what: &str, e: &reqwest::Error) -> ConnectorError {
    crate::transport::failed("Amazon", what, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_messages_are_read_from_the_error_list() {
        assert_eq!(
            api_message(br#"{"errors":[{"code":"InvalidInput","message":"Invalid Input","details":"bad date"}]}"#),
            "InvalidInput: Invalid Input (bad date)"
        );
        assert_eq!(
            api_message(br#"{"payload":{},"errors":[{"code":"NotFound","message":"Order not found"},{"code":"X","message":"Y"}]}"#),
            "NotFound: Order not found; X: Y"
        );
        assert_eq!(
            api_message(b"<html>Bad Gateway</html>"),
            "<html>Bad Gateway</html>"
        );
        assert_eq!(api_message(b""), "no details");
        assert_eq!(snippet("é".repeat(400).as_bytes()).chars().count(), 301);
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after_header(&h), None);
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after_header(&h), Some(Duration::from_secs(7)));
        h.insert("retry-after", "0.5".parse().unwrap());
        assert_eq!(retry_after_header(&h), Some(Duration::from_millis(500)));
        h.insert(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after_header(&h), Some(Duration::ZERO));
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after_header(&h), None);
    }
}
