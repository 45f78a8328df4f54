//! Shopee answers → results: the HTTP status, the `{"error", "message"}` envelope Shopee
//! uses even on HTTP 200, and the `response` object a successful shop call carries.
//!
//! | Answer | Result |
//! |---|---|
//! | HTTP 429, `error_too_many_request`, `error_rate_limit` | `RateLimited` (Retry-After, else [`DEFAULT_RETRY_AFTER`]) |
//! | `error_limit` (the app's daily quota) | `RateLimited` until 00:00 UTC+8, when the quota resets |
//! | `error_auth`, `invalid_access_token`, "Invalid access_token", HTTP 401/403 without an error | [`Failure::TokenRejected`]: refresh once, retry, then `Auth` |
//! | `error_sign`, `invalid_partner_id`, `error_partner_key_expired`, `shop_access_expired`, … | `Auth` (the owner must fix the keys or authorize again) |
//! | `error_server`, `error_network`, `error_inner`, "… try later", "Timestamp is expired", HTTP 5xx | `Transient` |
//! | `error_param` and every other code, other 4xx | `Permanent` with Shopee's message |
//! | not JSON (cut off, a proxy's page), or a 200 without a `response` object | `Transient` |
//!
//! Success is an `error` that is absent, empty, blank or `-` (the documentation's samples
//! print both `"-"` and `" "` for "no error").

use std::time::Duration;

use chrono::{DateTime, Duration as ChronoDuration, FixedOffset, TimeZone, Utc};
use serde_json::Value;

use crate::ConnectorError;

/// How long to wait after a rate-limit answer that says nothing about when to come back.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(5);

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The access token was refused: refresh it once and try again.
    TokenRejected(String),
    Error(ConnectorError),
}

impl From<ConnectorError> for Failure {
    fn from(e: ConnectorError) -> Self {
        Self::Error(e)
    }
}

impl Failure {
    /// The error the caller reports when no refresh is possible or it did not help.
    pub fn into_error(self) -> ConnectorError {
        match self {
            Self::TokenRejected(message) => ConnectorError::Auth(message),
            Self::Error(e) => e,
        }
    }
}

/// What part of the answer the caller wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Envelope {
    /// Shop APIs: the `response` object, which must be there.
    Response,
    /// Token APIs: the whole body (their fields are at the top level).
    Body,
}

/// One HTTP answer → the wanted JSON or a [`Failure`]. `what` names the call in messages
/// (`"Shopee shop 600000: get_order_list"`); `retry_after` is the `Retry-After` header.
pub fn classify(
    what: &str,
    status: u16,
    retry_after: Option<&str>,
    body: &[u8],
    envelope: Envelope,
    now: DateTime<Utc>,
) -> Result<Value, Failure> {
    if status == 429 {
        return Err(rate_limited(retry_after).into());
    }
    let json: Option<Value> = serde_json::from_slice(body).ok();
    if let Some((code, message)) = json.as_ref().and_then(api_error) {
        return Err(api_failure(what, &code, &message, status, retry_after, now));
    }
    if status >= 500 {
        return Err(ConnectorError::Transient(format!(
            "{what} failed on Shopee's side (HTTP {status})"
        ))
        .into());
    }
    if status == 401 || status == 403 {
        return Err(Failure::TokenRejected(format!(
            "{what} refused the access token (HTTP {status})"
        )));
    }
    if !(200..300).contains(&status) {
        return Err(ConnectorError::Permanent(format!(
            "{what} refused (HTTP {status}): {}",
            excerpt(body)
        ))
        .into());
    }
    let Some(json) = json else {
        // A 200 that is not JSON was cut off or came from something in between: try again.
        return Err(ConnectorError::Transient(format!(
            "{what} answered malformed JSON: {}",
            excerpt(body)
        ))
        .into());
    };
    match envelope {
        Envelope::Body if json.is_object() => Ok(json),
        Envelope::Body => Err(ConnectorError::Transient(format!(
            "{what} answered a JSON that is not an object"
        ))
        .into()),
        Envelope::Response => match json.get("response") {
            Some(response) if response.is_object() => Ok(response.clone()),
            _ => Err(ConnectorError::Transient(format!(
                "{what} answered without a response object: {}",
                excerpt(body)
            ))
            .into()),
        },
    }
}

/// `(error, message)` when the envelope reports an error.
fn api_error(json: &Value) -> Option<(String, String)> {
    let code = match json.get("error")? {
        Value::String(s) => s.trim().to_string(),
        Value::Null => return None,
        other => other.to_string(),
    };
    if code.is_empty() || code == "-" {
        return None;
    }
    let message = json
        .get("message")
        .or_else(|| json.get("msg"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string();
    Some((code, message))
}

fn api_failure(
    what: &str,
    code: &str,
    message: &str,
    status: u16,
    retry_after: Option<&str>,
    now: DateTime<Utc>,
) -> Failure {
    let lower = code.to_ascii_lowercase();
    let text = message.to_ascii_lowercase();
    let described = if message.is_empty() {
        format!("{what}: {code}")
    } else {
        format!("{what}: {code}: {message}")
    };
    if matches!(
        lower.as_str(),
        "error_too_many_request"
            | "error_too_many_requests"
            | "error_rate_limit"
            | "too_many_request"
    ) || status == 429
    {
        return rate_limited(retry_after).into();
    }
    if lower == "error_limit" {
        return ConnectorError::RateLimited {
            retry_after: until_quota_reset(now),
        }
        .into();
    }
    if matches!(
        lower.as_str(),
        "error_auth"
            | "invalid_access_token"
            | "invalid_acceess_token"
            | "error_token"
            | "access_token_expired"
    ) || text.contains("invalid access_token")
        || text.contains("access_token expired")
        || text.contains("access token expired")
    {
        return Failure::TokenRejected(described);
    }
    if matches!(
        lower.as_str(),
        "error_sign"
            | "invalid_partner_id"
            | "error_partner_key_expired"
            | "shop_access_expired"
            | "shop_banned"
            | "shop_no_linked"
            | "error_shop_refresh_token"
            | "refresh_token_expired"
            | "invalid_refresh_token"
            | "error_api_call_restricted"
    ) {
        return ConnectorError::Auth(described).into();
    }
    let transient_code = matches!(
        lower.as_str(),
        "error_server"
            | "error_network"
            | "error_inner"
            | "error_busy"
            | "error_system"
            | "error_internal"
            | "error_timeout"
    ) || lower.ends_with(".error_server");
    if transient_code
        || status >= 500
        || text.contains("try later")
        || text.contains("try again later")
        || (text.contains("timestamp") && text.contains("expired"))
    {
        return ConnectorError::Transient(described).into();
    }
    ConnectorError::Permanent(described).into()
}

fn rate_limited(retry_after: Option<&str>) -> ConnectorError {
    let retry_after = retry_after
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_RETRY_AFTER);
    ConnectorError::RateLimited { retry_after }
}

/// Time until the next 00:00 in UTC+8, when Shopee resets daily quotas.
pub fn until_quota_reset(now: DateTime<Utc>) -> Duration {
    let cst = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    let local = now.with_timezone(&cst);
    let next_day = local.date_naive() + ChronoDuration::days(1);
    let midnight = next_day.and_hms_opt(0, 0, 0).expect("midnight exists");
    let reset = cst
        .from_local_datetime(&midnight)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now + ChronoDuration::hours(24));
    (reset - now).to_std().unwrap_or(Duration::from_secs(60))
}

/// At most 300 characters of a body, for messages.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(300) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WHAT: &str = "Shopee shop 600000: get_order_list";

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn run(status: u16, body: &str) -> Result<Value, Failure> {
        classify(
            WHAT,
            status,
            None,
            body.as_bytes(),
            Envelope::Response,
            now(),
        )
    }

    #[test]
    fn success_needs_a_response_object_and_accepts_the_documented_no_error_spellings() {
        for error in [r#""""#, r#""-""#, r#"" ""#, "null"] {
            let body = format!(r#"{{"error":{error},"message":"","response":{{"more":false}}}}"#);
            assert_eq!(
                run(200, &body).unwrap(),
                serde_json::json!({"more": false}),
                "{error}"
            );
        }
        assert!(matches!(
            run(200, r#"{"error":"","message":"","request_id":"x"}"#),
            Err(Failure::Error(ConnectorError::Transient(_)))
        ));
        assert!(matches!(
            run(200, r#"{"error":"","response":"text"}"#),
            Err(Failure::Error(ConnectorError::Transient(_)))
        ));
        let body = classify(
            WHAT,
            200,
            None,
            br#"{"error":"","access_token":"a"}"#,
            Envelope::Body,
            now(),
        )
        .unwrap();
        assert_eq!(body["access_token"], "a");
    }

    #[test]
    fn malformed_or_truncated_json_is_transient() {
        for body in [
            r#"{"error":"","response":{"more":tr"#,
            "<html>502</html>",
            "",
        ] {
            assert!(
                matches!(
                    run(200, body),
                    Err(Failure::Error(ConnectorError::Transient(_)))
                ),
                "{body:?}"
            );
        }
    }

    #[test]
    fn error_codes_map_to_what_the_worker_should_do() {
        let cases: &[(u16, &str, &str)] = &[
            (
                200,
                r#"{"error":"error_auth","message":"Invalid access_token."}"#,
                "token",
            ),
            (
                403,
                r#"{"error":"invalid_acceess_token","message":"Invalid access_token."}"#,
                "token",
            ),
            (
                200,
                r#"{"error":"error_param","message":"Invalid access_token, please check"}"#,
                "token",
            ),
            (403, "", "token"),
            (401, "not json", "token"),
            (
                200,
                r#"{"error":"error_sign","message":"Wrong sign."}"#,
                "auth",
            ),
            (
                200,
                r#"{"error":"error_partner_key_expired","message":"expired"}"#,
                "auth",
            ),
            (
                200,
                r#"{"error":"error_too_many_request","message":"slow down"}"#,
                "rate",
            ),
            (
                200,
                r#"{"error":"error_rate_limit","message":"Too many requests."}"#,
                "rate",
            ),
            (429, "", "rate"),
            (429, r#"{"error":"error_param","message":"x"}"#, "rate"),
            (
                200,
                r#"{"error":"error_server","message":"System error. Please try again later."}"#,
                "transient",
            ),
            (
                200,
                r#"{"error":"error_data","message":"Query order info failed. Please try later."}"#,
                "transient",
            ),
            (
                200,
                r#"{"error":"error_param","message":"Timestamp is expired."}"#,
                "transient",
            ),
            (502, "<html>bad gateway</html>", "transient"),
            (503, r#"{"error":"error_param","message":"x"}"#, "transient"),
            (
                200,
                r#"{"error":"error_param","message":"Wrong parameters, detail: page_size."}"#,
                "permanent",
            ),
            (
                200,
                r#"{"error":"order.order_list_invalid_time","message":"Start time must be earlier than end time and diff in 15days."}"#,
                "permanent",
            ),
            (404, "not found", "permanent"),
        ];
        for (status, body, want) in cases {
            let got = run(*status, body);
            let kind = match &got {
                Err(Failure::TokenRejected(_)) => "token",
                Err(Failure::Error(ConnectorError::Auth(_))) => "auth",
                Err(Failure::Error(ConnectorError::RateLimited { .. })) => "rate",
                Err(Failure::Error(ConnectorError::Transient(_))) => "transient",
                Err(Failure::Error(ConnectorError::Permanent(_))) => "permanent",
                Ok(_) => "ok",
            };
            assert_eq!(kind, *want, "HTTP {status} {body}: {got:?}");
        }
    }

    #[test]
    fn messages_carry_shopee_code_and_text() {
        let Err(Failure::Error(ConnectorError::Permanent(message))) = run(
            200,
            r#"{"error":"error_param","message":"Wrong parameters, detail: x."}"#,
        ) else {
            panic!("expected a permanent error")
        };
        assert_eq!(
            message,
            format!("{WHAT}: error_param: Wrong parameters, detail: x.")
        );
    }

    #[test]
    fn rate_limits_wait_for_retry_after_or_the_quota_reset() {
        let got = classify(WHAT, 429, Some("17"), b"", Envelope::Response, now());
        assert_eq!(
            got,
            Err(Failure::Error(ConnectorError::RateLimited {
                retry_after: Duration::from_secs(17)
            }))
        );
        let got = run(429, "");
        assert_eq!(
            got,
            Err(Failure::Error(ConnectorError::RateLimited {
                retry_after: DEFAULT_RETRY_AFTER
            }))
        );
        // 10:00 UTC is 18:00 in UTC+8: the quota comes back in 6 hours.
        let got = run(200, r#"{"error":"error_limit","message":"daily limit"}"#);
        assert_eq!(
            got,
            Err(Failure::Error(ConnectorError::RateLimited {
                retry_after: Duration::from_secs(6 * 3600)
            }))
        );
    }

    #[test]
    fn excerpts_are_bounded() {
        let long = "é".repeat(1000);
        assert_eq!(excerpt(long.as_bytes()).chars().count(), 301);
        assert_eq!(excerpt(b"  short "), "short");
    }
}
