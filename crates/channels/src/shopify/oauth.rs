//! The OAuth install flow: which shop domains we accept, where to send the merchant, how to
//! check the callback Shopify redirects back with, and the code → access token exchange.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use super::graphql::{error_for_status, transport_error};
use crate::ConnectorError;

/// Whether `shop` is a bare `name.myshopify.com` domain: `^[a-z0-9][a-z0-9-]*\.myshopify\.com$`.
/// Everything else (custom domains, upper case, ports, paths, `x.myshopify.com.evil.com`)
/// is refused, since the install URL and the token exchange go to this host.
pub fn valid_shop_domain(shop: &str) -> bool {
    let Some(name) = shop.strip_suffix(".myshopify.com") else {
        return false;
    };
    let mut bytes = name.bytes();
    match bytes.next() {
        Some(b) if b.is_ascii_lowercase() || b.is_ascii_digit() => {}
        _ => return false,
    }
    bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The URL to send the merchant to: `https://{shop}/admin/oauth/authorize?client_id=…&scope=…
/// &redirect_uri=…&state=…`. `state` is the nonce the callback must bring back.
pub fn install_url(
    shop: &str,
    api_key: &str,
    scopes: &[&str],
    redirect_uri: &str,
    state: &str,
) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", api_key)
        .append_pair("scope", &scopes.join(","))
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", state)
        .finish();
    format!("https://{shop}/admin/oauth/authorize?{query}")
}

/// A callback that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    pub shop: String,
    pub code: String,
    /// The nonce from [`install_url`]; the caller compares it with the one it stored.
    pub state: Option<String>,
    pub timestamp: DateTime<Utc>,
}

/// Why a callback was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    #[error("callback is missing the {0} parameter")]
    Missing(&'static str),
    #[error("callback signature does not match")]
    BadSignature,
    #[error("not a myshopify.com shop domain: {0:?}")]
    InvalidShop(String),
    #[error("callback timestamp is not a Unix time: {0:?}")]
    BadTimestamp(String),
    #[error("callback is too old (signed {age_secs}s ago)")]
    Stale { age_secs: i64 },
}

/// Checks an OAuth callback's raw query string (without `?`). See [`verify_callback_pairs`].
pub fn verify_callback(
    query: &str,
    api_secret: &str,
    max_age: Duration,
    now: DateTime<Utc>,
) -> Result<Callback, OAuthError> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    verify_callback_pairs(&pairs, api_secret, max_age, now)
}

/// Checks decoded callback parameters: `hmac` must be hex HMAC-SHA256 (keyed with the app's
/// API secret) over the other parameters except `signature`, sorted by key and joined as
/// `k=v` with `&` (compared in constant time); `shop` must be a valid shop domain; and
/// `timestamp` must be no older than `max_age` (nor more than a minute ahead) at `now`.
pub fn verify_callback_pairs(
    pairs: &[(String, String)],
    api_secret: &str,
    max_age: Duration,
    now: DateTime<Utc>,
) -> Result<Callback, OAuthError> {
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let given = get("hmac").ok_or(OAuthError::Missing("hmac"))?;
    let given = hex::decode(given).map_err(|_| OAuthError::BadSignature)?;
    let mut signed: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "hmac" && k != "signature")
        .collect();
    signed.sort();
    let message = signed
        .iter()
        .map(|(k, v)| format!("{}={}", escape(k, true), escape(v, false)))
        .collect::<Vec<_>>()
        .join("&");
    let mut mac = Hmac::<Sha256>::new_from_slice(api_secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(message.as_bytes());
    // `verify_slice` compares in constant time.
    mac.verify_slice(&given)
        .map_err(|_| OAuthError::BadSignature)?;

    let shop = get("shop").ok_or(OAuthError::Missing("shop"))?;
    if !valid_shop_domain(shop) {
        return Err(OAuthError::InvalidShop(shop.to_string()));
    }
    let code = get("code").ok_or(OAuthError::Missing("code"))?;
    let raw_ts = get("timestamp").ok_or(OAuthError::Missing("timestamp"))?;
    let timestamp = raw_ts
        .parse::<i64>()
        .ok()
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
        .ok_or_else(|| OAuthError::BadTimestamp(raw_ts.to_string()))?;
    let age = now.signed_duration_since(timestamp);
    let max_age = chrono::Duration::from_std(max_age).unwrap_or(chrono::Duration::MAX);
    if age > max_age || age < -chrono::Duration::seconds(60) {
        return Err(OAuthError::Stale {
            age_secs: age.num_seconds(),
        });
    }
    Ok(Callback {
        shop: shop.to_string(),
        code: code.to_string(),
        state: get("state").map(str::to_string),
        timestamp,
    })
}

/// Shopify's escaping for the signed message: `%` and `&` in keys and values, `=` in keys.
fn escape(s: &str, key: bool) -> String {
    let mut out = s.replace('%', "%25").replace('&', "%26");
    if key {
        out = out.replace('=', "%3D");
    }
    out
}

/// What the token exchange returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessToken {
    pub token: String,
    pub scopes: Vec<String>,
}

/// Exchanges the callback's `code` for an offline access token: `POST
/// {base_url}/admin/oauth/access_token` (`base_url` is `https://{shop}` in production).
pub async fn exchange_code(
    http: &reqwest::Client,
    base_url: &str,
    api_key: &str,
    api_secret: &str,
    code: &str,
) -> Result<AccessToken, ConnectorError> {
    #[derive(Deserialize)]
    struct Answer {
        access_token: String,
        #[serde(default)]
        scope: String,
    }
    let base = base_url.trim_end_matches('/');
    let response = http
        .post(format!("{base}/admin/oauth/access_token"))
        .json(&serde_json::json!({
            "client_id": api_key,
            "client_secret": api_secret,
            "code": code,
        }))
        .send()
        .await
        .map_err(|e| transport_error(base, "token exchange", &e))?;
    let status = response.status();
    if status == reqwest::StatusCode::BAD_REQUEST {
        // Shopify answers 400 for a used, expired or foreign code.
        let body = response.text().await.unwrap_or_default();
        return Err(ConnectorError::Auth(format!(
            "Shopify {base}: token exchange refused the code (HTTP 400): {}",
            truncate(&body)
        )));
    }
    if let Some(err) = error_for_status(base, "token exchange", &response) {
        return Err(err);
    }
    let bytes = response
        .bytes()
        .await
        .map_err(|e| transport_error(base, "token exchange", &e))?;
    let answer: Answer = serde_json::from_slice(&bytes).map_err(|e| {
        ConnectorError::Permanent(format!(
            "Shopify {base}: token exchange answered unreadable JSON: {e}"
        ))
    })?;
    Ok(AccessToken {
        token: answer.access_token,
        scopes: answer
            .scope
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

pub(crate) fn truncate(s: &str) -> &str {
    match s.char_indices().nth(200) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTOR: &str =
        "code=a94a110d86d2452eb3e2af4cfb8a3828&shop=some-shop.myshopify.com&timestamp=1337178173";
    const VECTOR_HMAC: &str = "2cb1a277650a659f1b11e92a4a64275b128e037f2c3390e3c8fd2d8721dac9e2";
    const DAY: Duration = Duration::from_secs(86_400);

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    #[test]
    fn shop_domains() {
        for good in [
            "some-shop.myshopify.com",
            "a.myshopify.com",
            "0shop-1.myshopify.com",
        ] {
            assert!(valid_shop_domain(good), "{good}");
        }
        for bad in [
            "",
            "evil.com",
            "shop.myshopify.com.evil.com",
            "Shop.myshopify.com",
            "SHOP.MYSHOPIFY.COM",
            ".myshopify.com",
            "-shop.myshopify.com",
            "myshopify.com",
            "sub.shop.myshopify.com",
            "shop_1.myshopify.com",
            "shop.myshopify.com:443",
            "shop.myshopify.com/admin",
            "https://shop.myshopify.com",
            "shop.myshopify.com.",
        ] {
            assert!(!valid_shop_domain(bad), "{bad:?}");
        }
    }

    #[test]
    fn published_callback_vector_passes() {
        let q = format!("{VECTOR}&hmac={VECTOR_HMAC}");
        let cb = verify_callback(&q, "hush", DAY, at(1337178173 + 60)).unwrap();
        assert_eq!(cb.shop, "some-shop.myshopify.com");
        assert_eq!(cb.code, "a94a110d86d2452eb3e2af4cfb8a3828");
        assert_eq!(cb.state, None);
        assert_eq!(cb.timestamp, at(1337178173));
        // Order of parameters and an extra `signature` do not matter.
        let q = format!("hmac={VECTOR_HMAC}&timestamp=1337178173&signature=x&shop=some-shop.myshopify.com&code=a94a110d86d2452eb3e2af4cfb8a3828");
        assert!(verify_callback(&q, "hush", DAY, at(1337178173)).is_ok());
    }

    #[test]
    fn tampered_or_wrongly_keyed_callbacks_fail() {
        let now = at(1337178173);
        let tampered = format!(
            "{}&hmac={VECTOR_HMAC}",
            VECTOR.replace("some-shop", "other-shop")
        );
        assert_eq!(
            verify_callback(&tampered, "hush", DAY, now),
            Err(OAuthError::BadSignature)
        );
        let extra = format!("{VECTOR}&state=abc&hmac={VECTOR_HMAC}");
        assert_eq!(
            verify_callback(&extra, "hush", DAY, now),
            Err(OAuthError::BadSignature)
        );
        let q = format!("{VECTOR}&hmac={VECTOR_HMAC}");
        assert_eq!(
            verify_callback(&q, "hush!", DAY, now),
            Err(OAuthError::BadSignature)
        );
        assert_eq!(
            verify_callback(VECTOR, "hush", DAY, now),
            Err(OAuthError::Missing("hmac"))
        );
        let garbled = format!("{VECTOR}&hmac=zz");
        assert_eq!(
            verify_callback(&garbled, "hush", DAY, now),
            Err(OAuthError::BadSignature)
        );
    }

    fn signed(query: &str, secret: &str) -> String {
        let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        pairs.sort();
        let msg = pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(msg.as_bytes());
        format!("{query}&hmac={}", hex::encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn stale_and_bad_shop_callbacks_fail_even_when_signed() {
        let q = format!("{VECTOR}&hmac={VECTOR_HMAC}");
        assert_eq!(
            verify_callback(&q, "hush", DAY, at(1337178173 + 86_401)),
            Err(OAuthError::Stale { age_secs: 86_401 })
        );
        assert!(matches!(
            verify_callback(&q, "hush", DAY, at(1337178173 - 3600)),
            Err(OAuthError::Stale { .. })
        ));
        let evil = signed(
            "code=c&shop=shop.myshopify.com.evil.com&timestamp=1337178173",
            "hush",
        );
        assert_eq!(
            verify_callback(&evil, "hush", DAY, at(1337178173)),
            Err(OAuthError::InvalidShop(
                "shop.myshopify.com.evil.com".into()
            ))
        );
        let with_state = signed(
            "code=c&shop=a-b.myshopify.com&state=n0nce&timestamp=1337178173",
            "hush",
        );
        let cb = verify_callback(&with_state, "hush", DAY, at(1337178173)).unwrap();
        assert_eq!(cb.state.as_deref(), Some("n0nce"));
        let bad_ts = signed("code=c&shop=a.myshopify.com&timestamp=soon", "hush");
        assert_eq!(
            verify_callback(&bad_ts, "hush", DAY, at(1337178173)),
            Err(OAuthError::BadTimestamp("soon".into()))
        );
    }

    #[test]
    fn install_url_encodes_everything() {
        let url = install_url(
            "some-shop.myshopify.com",
            "key123",
            &["read_orders", "read_customers"],
            "https://app.example/shopify/callback?x=1",
            "n0nce",
        );
        assert_eq!(
            url,
            "https://some-shop.myshopify.com/admin/oauth/authorize?client_id=key123\
             &scope=read_orders%2Cread_customers\
             &redirect_uri=https%3A%2F%2Fapp.example%2Fshopify%2Fcallback%3Fx%3D1&state=n0nce"
        );
    }
}
