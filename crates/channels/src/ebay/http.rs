//! The HTTP client every eBay API call goes through: it adds the access token (`Bearer`
//! for the REST APIs, `IAF` for the Post-Order API as eBay documents), refreshes the token
//! once and retries when a call is refused with 401/403, and turns every failure into a
//! [`ConnectorError`]: 429 → `RateLimited`, 5xx / transport trouble / malformed or
//! truncated JSON → `Transient`, other 4xx → `Permanent` with eBay's own message.

use std::time::Duration;

use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::auth::{Grant, TokenSource};
use crate::ConnectorError;

/// How long to wait after a 429 without `Retry-After`. eBay's limits are call quotas per
/// day or per rolling window and its answers carry no bucket headers, so wait a minute.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(60);

/// How the access token goes into `Authorization`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `Bearer <token>`: Sell, Commerce and Notification REST APIs.
    Bearer,
    /// `IAF <token>`: the Post-Order API (it answers `Bearer` with 401 "Bad scheme").
    Iaf,
}

/// One API call.
#[derive(Debug)]
pub struct Call<'a> {
    pub method: Method,
    pub url: String,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<&'a Value>,
    pub grant: Grant,
    pub scheme: Scheme,
    /// Sends `X-EBAY-C-MARKETPLACE-ID` (the Post-Order API requires it).
    pub marketplace: bool,
    /// The eBay operation, for messages (`getOrders`, `sendMessage`, ...).
    pub what: &'a str,
}

impl<'a> Call<'a> {
    pub fn get(what: &'a str, url: String) -> Self {
        Self {
            method: Method::GET,
            url,
            query: Vec::new(),
            body: None,
            grant: Grant::User,
            scheme: Scheme::Bearer,
            marketplace: false,
            what,
        }
    }

    pub fn post(what: &'a str, url: String, body: &'a Value) -> Self {
        Self {
            method: Method::POST,
            body: Some(body),
            ..Self::get(what, url)
        }
    }

    pub fn query(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.query.push((name, value.into()));
        self
    }

    /// A Post-Order API call: `IAF` token and the marketplace header.
    pub fn post_order(mut self) -> Self {
        self.scheme = Scheme::Iaf;
        self.marketplace = true;
        self
    }

    pub fn app_token(mut self) -> Self {
        self.grant = Grant::App;
        self
    }
}

/// The client for one seller account.
#[derive(Debug)]
pub struct Api {
    http: reqwest::Client,
    tokens: TokenSource,
    marketplace_id: String,
}

impl Api {
    pub fn new(http: reqwest::Client, tokens: TokenSource, marketplace_id: &str) -> Self {
        Self {
            http,
            tokens,
            marketplace_id: marketplace_id.to_owned(),
        }
    }

    pub fn tokens(&self) -> &TokenSource {
        &self.tokens
    }

    /// Runs `call` and returns the JSON answer (`Null` for an empty body).
    pub async fn call(&self, call: &Call<'_>) -> Result<Value, ConnectorError> {
        let mut refreshed = false;
        loop {
            let token = self.tokens.token(call.grant).await?;
            let scheme = match call.scheme {
                Scheme::Bearer => "Bearer",
                Scheme::Iaf => "IAF",
            };
            let mut request = self
                .http
                .request(call.method.clone(), &call.url)
                .header(AUTHORIZATION, format!("{scheme} {token}"))
                .header(ACCEPT, "application/json");
            if !call.query.is_empty() {
                request = request.query(&call.query);
            }
            if call.marketplace {
                request = request.header("X-EBAY-C-MARKETPLACE-ID", &self.marketplace_id);
            }
            if let Some(body) = call.body {
                request = request.json(body);
            }
            let response = request
                .send()
                .await
                .map_err(|e| transport_error(call.what, &e))?;
            let status = response.status();
            if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) && !refreshed {
                // Expired or revoked early: one fresh token, one more try.
                tracing::debug!(what = call.what, %status, "eBay refused the access token; refreshing");
                self.tokens.invalidate(call.grant, &token).await;
                refreshed = true;
                continue;
            }
            let headers = response.headers().clone();
            let body = response
                .bytes()
                .await
                .map_err(|e| transport_error(call.what, &e))?;
            return answer(call.what, status, &headers, &body);
        }
    }
}

/// A response → its JSON or the matching error.
fn answer(
    what: &str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, ConnectorError> {
    let code = status.as_u16();
    if status.is_success() {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        // A cut-off body or a proxy's error page on a 2xx: worth another try later.
        return serde_json::from_slice(body).map_err(|e| {
            ConnectorError::Transient(format!(
                "eBay {what} answered malformed JSON (HTTP {code}): {e}"
            ))
        });
    }
    let message = api_message(body);
    Err(match status {
        StatusCode::TOO_MANY_REQUESTS => ConnectorError::RateLimited {
            retry_after: retry_after(headers),
        },
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ConnectorError::Auth(format!(
            "eBay refused {what} even with a fresh token (HTTP {code}): {message}; connect the eBay account again or grant the missing scope"
        )),
        s if s.is_server_error() => ConnectorError::Transient(format!(
            "eBay {what} failed on eBay's side (HTTP {code}): {message}"
        )),
        _ => ConnectorError::Permanent(format!("eBay {what} refused (HTTP {code}): {message}")),
    })
}

/// `Retry-After` in seconds, or [`DEFAULT_RETRY_AFTER`].
pub fn retry_after(headers: &HeaderMap) -> Duration {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_RETRY_AFTER)
}

/// A request that got no (complete) answer: connect error, timeout, cut-off body.
pub fn transport_error(what: &str, e: &reqwest::Error) -> ConnectorError {
    crate::transport::failed("eBay", what, e)
}

/// eBay's words for an error answer, whichever shape it comes in: REST `errors[]`,
/// Post-Order `error[]`, OAuth `error`/`error_description`, a problem document, or text.
pub fn api_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return shorten(text.trim());
    };
    let list = json
        .get("errors")
        .or_else(|| json.get("error").filter(|e| e.is_array()))
        .or_else(|| json.pointer("/errorMessage/error"))
        .and_then(Value::as_array);
    if let Some(list) = list {
        let parts: Vec<String> = list
            .iter()
            .map(|e| {
                let id = e
                    .get("errorId")
                    .map(|v| format!("{v}: "))
                    .unwrap_or_default();
                let message = ["longMessage", "message"]
                    .iter()
                    .find_map(|k| e.get(*k).and_then(Value::as_str))
                    .unwrap_or("(no message)");
                format!("{id}{message}")
            })
            .collect();
        if !parts.is_empty() {
            return shorten(&parts.join("; "));
        }
    }
    if let Some(error) = json.get("error").and_then(Value::as_str) {
        let description = json
            .get("error_description")
            .and_then(Value::as_str)
            .unwrap_or("");
        return shorten(&format!("{error} {description}"));
    }
    if let Some(title) = json.get("title").and_then(Value::as_str) {
        let detail = json.get("detail").and_then(Value::as_str).unwrap_or("");
        return shorten(&format!("{title} {detail}"));
    }
    shorten(text.trim())
}

fn shorten(s: &str) -> String {
    const MAX: usize = 400;
    let s = s.trim();
    if s.len() <= MAX {
        return s.to_owned();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// `root` + `/segment/segment…`, each segment percent-encoded (order and message ids are
/// eBay's, so never trusted to be URL-safe).
pub fn url(root: &str, segments: &[&str]) -> String {
    let mut out = root.trim_end_matches('/').to_owned();
    for segment in segments {
        out.push('/');
        for b in segment.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_in_every_shape() {
        assert_eq!(
            api_message(br#"{"errors":[{"errorId":32100,"domain":"API_FULFILLMENT","message":"Invalid order ID"}]}"#),
            "32100: Invalid order ID"
        );
        assert_eq!(
            api_message(br#"{"error":[{"errorId":1002,"message":"Return not found","longMessage":"The return 5000 was not found"}]}"#),
            "1002: The return 5000 was not found"
        );
        assert_eq!(
            api_message(br#"{"error":"invalid_grant","error_description":"the provided authorization refresh token is invalid"}"#),
            "invalid_grant the provided authorization refresh token is invalid"
        );
        assert_eq!(
            api_message(br#"{"type":"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY","title":"Invalid request","detail":"Your request is not valid"}"#),
            "Invalid request Your request is not valid"
        );
        assert_eq!(api_message(b"Bad Gateway"), "Bad Gateway");
        assert!(api_message(&[b'x'; 2000]).chars().count() <= 401);
    }

    #[test]
    fn statuses_become_errors() {
        let h = HeaderMap::new();
        assert!(matches!(
            answer("getOrders", StatusCode::INTERNAL_SERVER_ERROR, &h, b""),
            Err(ConnectorError::Transient(_))
        ));
        assert!(matches!(
            answer("getOrders", StatusCode::BAD_REQUEST, &h, b"{}"),
            Err(ConnectorError::Permanent(_))
        ));
        assert!(matches!(
            answer("getOrders", StatusCode::FORBIDDEN, &h, b"{}"),
            Err(ConnectorError::Auth(_))
        ));
        assert_eq!(
            answer("getOrders", StatusCode::TOO_MANY_REQUESTS, &h, b""),
            Err(ConnectorError::RateLimited {
                retry_after: DEFAULT_RETRY_AFTER
            })
        );
        let mut h2 = HeaderMap::new();
        h2.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(
            answer("getOrders", StatusCode::TOO_MANY_REQUESTS, &h2, b""),
            Err(ConnectorError::RateLimited {
                retry_after: Duration::from_secs(7)
            })
        );
        assert!(matches!(
            answer(
                "getOrders",
                StatusCode::OK,
                &h,
                br#"{"orders":[{"orderId":"#
            ),
            Err(ConnectorError::Transient(_))
        ));
        assert_eq!(answer("decide", StatusCode::OK, &h, b""), Ok(Value::Null));
    }

    #[test]
    fn url_segments_are_encoded() {
        assert_eq!(
            url(
                "http://h/sell/fulfillment/v1/",
                &["order", "12-34567-89012", "issue_refund"]
            ),
            "http://h/sell/fulfillment/v1/order/12-34567-89012/issue_refund"
        );
        assert_eq!(
            url("http://h", &["return", "a/b?c d"]),
            "http://h/return/a%2Fb%3Fc%20d"
        );
    }
}
