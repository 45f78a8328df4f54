//! Shop tokens: the install-time exchange of an authorization `code`
//! (`/api/v2/auth/token/get`) and the refresh (`/api/v2/auth/access_token/get`).
//!
//! An access token lives 4 hours. Every refresh answers a NEW refresh token and the old one
//! stops working (each is valid once, for 30 days), so whoever holds the channel's secrets
//! must store [`Tokens`] again after a refresh: see
//! [`ShopeeConnector::current_tokens`](super::ShopeeConnector::current_tokens).

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use serde_json::{json, Value};

use super::client::public_call;
use super::errors::Failure;
use crate::ConnectorError;

pub const TOKEN_GET_PATH: &str = "/api/v2/auth/token/get";
pub const TOKEN_REFRESH_PATH: &str = "/api/v2/auth/access_token/get";

/// A shop's tokens. `Debug` never shows them.
#[derive(Clone, PartialEq, Eq)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    /// When the access token stops working, when known; the client refreshes a little
    /// before.
    pub access_expires_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &"<redacted>")
            .field("refresh_token", &"<redacted>")
            .field("access_expires_at", &self.access_expires_at)
            .finish()
    }
}

impl Tokens {
    /// The secrets keys these tokens are stored under (`access_token`, `refresh_token`,
    /// `access_expires_at` as RFC 3339), to merge into the channel's secrets.
    pub fn to_secrets(&self) -> Value {
        json!({
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "access_expires_at": self.access_expires_at.map(|t| t.to_rfc3339()),
        })
    }

    /// Reads a token answer (`access_token`, `refresh_token`, `expire_in`).
    pub fn from_answer(
        what: &str,
        body: &Value,
        now: DateTime<Utc>,
    ) -> Result<Self, ConnectorError> {
        let text = |key: &str| {
            body.get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let (Some(access_token), Some(refresh_token)) =
            (text("access_token"), text("refresh_token"))
        else {
            return Err(ConnectorError::Transient(format!(
                "{what} answered without an access and a refresh token"
            )));
        };
        Ok(Self {
            access_token,
            refresh_token,
            access_expires_at: body
                .get("expire_in")
                .and_then(Value::as_i64)
                .map(|e| expires_at(e, now)),
        })
    }
}

/// `expire_in` is documented as seconds of validity (14400), but the token/get sample
/// shows a Unix time (1767001812): a value larger than ten years of seconds is read as the
/// moment itself.
pub fn expires_at(expire_in: i64, now: DateTime<Utc>) -> DateTime<Utc> {
    const TEN_YEARS: i64 = 10 * 365 * 86_400;
    if expire_in > TEN_YEARS {
        DateTime::from_timestamp(expire_in, 0).unwrap_or(now)
    } else {
        now + ChronoDuration::seconds(expire_in.max(0))
    }
}

/// Exchanges the `code` Shopee appended to the redirect after the owner authorized the app
/// (with the `shop_id` it appended too) for the shop's first tokens.
pub async fn exchange_code(
    http: &reqwest::Client,
    base_url: &str,
    partner_id: u64,
    partner_key: &str,
    code: &str,
    shop_id: u64,
) -> Result<Tokens, ConnectorError> {
    let what = format!("Shopee shop {shop_id}: token exchange");
    let body = json!({ "code": code, "partner_id": partner_id, "shop_id": shop_id });
    let answer = public_call(
        http,
        base_url,
        partner_id,
        partner_key,
        TOKEN_GET_PATH,
        &body,
        &what,
    )
    .await
    .map_err(|failure| match failure {
        // A used, expired or foreign code: the owner must authorize again.
        Failure::TokenRejected(m) => ConnectorError::Auth(m),
        Failure::Error(ConnectorError::Permanent(m)) => ConnectorError::Auth(m),
        Failure::Error(e) => e,
    })?;
    Tokens::from_answer(&what, &answer, Utc::now())
}

/// Trades `refresh_token` for new tokens. A refused refresh token is `Auth`: the owner
/// must authorize the app again.
pub async fn refresh(
    http: &reqwest::Client,
    base_url: &str,
    partner_id: u64,
    partner_key: &str,
    shop_id: u64,
    refresh_token: &str,
) -> Result<Tokens, ConnectorError> {
    let what = format!("Shopee shop {shop_id}: token refresh");
    let body =
        json!({ "refresh_token": refresh_token, "partner_id": partner_id, "shop_id": shop_id });
    let answer = public_call(
        http,
        base_url,
        partner_id,
        partner_key,
        TOKEN_REFRESH_PATH,
        &body,
        &what,
    )
    .await
    .map_err(|failure| match failure {
        Failure::TokenRejected(m)
        | Failure::Error(ConnectorError::Permanent(m))
        | Failure::Error(ConnectorError::Auth(m)) => {
            ConnectorError::Auth(format!("{m}; authorize the app for this shop again"))
        }
        Failure::Error(e) => e,
    })?;
    Tokens::from_answer(&what, &answer, Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    #[test]
    fn expire_in_is_seconds_or_a_unix_time() {
        let now = at(1_700_000_000);
        assert_eq!(expires_at(14_400, now), at(1_700_014_400));
        assert_eq!(expires_at(1_767_001_812, now), at(1_767_001_812));
        assert_eq!(expires_at(-5, now), now);
    }

    #[test]
    fn reads_token_answers_and_hides_them_from_debug() {
        let now = at(1_700_000_000);
        let body =
            json!({"error": "", "access_token": "acc", "refresh_token": "ref", "expire_in": 14400});
        let tokens = Tokens::from_answer("t", &body, now).unwrap();
        assert_eq!(tokens.access_token, "acc");
        assert_eq!(tokens.refresh_token, "ref");
        assert_eq!(tokens.access_expires_at, Some(at(1_700_014_400)));
        let debug = format!("{tokens:?}");
        assert!(
            !debug.contains("acc\"") && !debug.contains("ref\""),
            "{debug}"
        );
        assert_eq!(
            tokens.to_secrets(),
            json!({"access_token": "acc", "refresh_token": "ref", "access_expires_at": "2023-11-15T02:13:20+00:00"})
        );
        assert!(matches!(
            Tokens::from_answer("t", &json!({"access_token": "acc"}), now),
            Err(ConnectorError::Transient(_))
        ));
    }
}
