//! Push (Shopee's webhooks): the `Authorization` check, the delivery id and topic, and
//! what each push code means for the worker.
//!
//! A push is `POST {callback url}` with a JSON body `{"shop_id", "code", "timestamp",
//! "data"}` and `Authorization: hex(HMAC-SHA256(partner_key, url + "|" + body))`. Shopee
//! sends no delivery id, so a redelivery is recognized by its body: the id is `msg_id` when
//! the body has one, else `sha256:` + the body's SHA-256.
//!
//! | code | push | action |
//! |---|---|---|
//! | 2 | `shop_authorization_canceled_push` | `Revoke` |
//! | 3 | `order_status_push` | `PollSoon` |
//! | 4 | `order_trackingno_push` | `PollSoon` |
//! | 10 | `webchat_push` | `PollSoon` |
//! | 29 | `return_updates_push` | `PollSoon` |
//! | other, or another shop's push | — | `Ignore` |
//!
//! Order pushes carry only `ordersn` and `status`: ingesting that as an order would
//! overwrite the stored totals, items and buyer with blanks, so they ask for a poll, which
//! reads the order whole (its `update_time` is past the cursor).

use http::HeaderMap;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::sign;
use super::{id_string, text};
use crate::{ConnectorError, WebhookAction, WebhookDelivery};

pub const SHOP_AUTHORIZATION_CANCELED: i64 = 2;
pub const ORDER_STATUS: i64 = 3;
pub const ORDER_TRACKING_NUMBER: i64 = 4;
pub const WEBCHAT: i64 = 10;
pub const RETURN_UPDATES: i64 = 29;

/// Checks the `Authorization` header of a push to `url` and names the delivery.
pub fn verify(
    partner_key: &str,
    url: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<WebhookDelivery, ConnectorError> {
    // An empty key would let anyone sign.
    if partner_key.is_empty() {
        return Err(ConnectorError::Auth(
            "this Shopee channel has no partner key to check pushes with".into(),
        ));
    }
    let header = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ConnectorError::Auth("Shopee push without an Authorization header".into())
        })?;
    if !sign::verify_push(partner_key, url, body, header) {
        return Err(ConnectorError::Auth(
            "Shopee push signature does not match (wrong partner key, URL or altered body)".into(),
        ));
    }
    let json: Value = serde_json::from_slice(body)
        .map_err(|e| ConnectorError::Permanent(format!("Shopee push body is not JSON: {e}")))?;
    let code = json
        .get("code")
        .and_then(Value::as_i64)
        .ok_or_else(|| ConnectorError::Permanent("Shopee push without a numeric code".into()))?;
    let id = json
        .get("msg_id")
        .and_then(id_string)
        .unwrap_or_else(|| format!("sha256:{}", hex::encode(Sha256::digest(body))));
    Ok(WebhookDelivery {
        id,
        topic: code.to_string(),
    })
}

/// What a verified push (`topic` is its code) asks of the worker; see the module docs.
pub fn parse(shop_id: u64, topic: &str, body: &[u8]) -> Result<WebhookAction, ConnectorError> {
    let json: Value = serde_json::from_slice(body)
        .map_err(|e| ConnectorError::Permanent(format!("Shopee push body is not JSON: {e}")))?;
    let Ok(code) = topic.trim().parse::<i64>() else {
        return Ok(WebhookAction::Ignore);
    };
    // A push names its shop; one for another shop (a shared callback URL) is not ours.
    if let Some(other) = json.get("shop_id").and_then(id_string) {
        if other != shop_id.to_string() {
            return Ok(WebhookAction::Ignore);
        }
    }
    Ok(match code {
        SHOP_AUTHORIZATION_CANCELED => WebhookAction::Revoke(
            "the shop cancelled the app's authorization on Shopee; authorize it again".into(),
        ),
        ORDER_STATUS | ORDER_TRACKING_NUMBER | RETURN_UPDATES => WebhookAction::PollSoon,
        WEBCHAT => match json.pointer("/data/type").and_then(Value::as_str) {
            // Read receipts and the like change nothing we store.
            Some("notification") => WebhookAction::Ignore,
            _ => WebhookAction::PollSoon,
        },
        _ => WebhookAction::Ignore,
    })
}

/// The order a push is about (`data.ordersn`), for logs.
pub fn order_sn(body: &Value) -> Option<String> {
    body.get("data")
        .and_then(|d| text(d, "ordersn").or_else(|| text(d, "order_sn")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "test-partner-key";
    const URL: &str = "https://helpdesk.example/webhooks/shopee/42";
    const BODY: &[u8] = br#"{"shop_id":600000,"code":3,"timestamp":1610000000,"data":{"ordersn":"2404098R48U37H","status":"SHIPPED"}}"#;
    // printf '%s' "$URL|$BODY" | openssl dgst -sha256 -hmac test-partner-key
    const SIGNATURE: &str = "50213c612c98692ae4d421c6d73ec2a268d6035dae98adfa599e33f3564deabd";

    fn headers(authorization: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(http::header::AUTHORIZATION, authorization.parse().unwrap());
        h
    }

    #[test]
    fn verifies_and_names_the_delivery_by_its_body() {
        let delivery = verify(KEY, URL, &headers(SIGNATURE), BODY).unwrap();
        assert_eq!(delivery.topic, "3");
        assert_eq!(
            delivery.id,
            format!("sha256:{}", hex::encode(Sha256::digest(BODY)))
        );
        assert_eq!(
            verify(KEY, URL, &headers(SIGNATURE), BODY).unwrap(),
            delivery
        );
        for bad in [
            verify(KEY, URL, &headers("00"), BODY),
            verify(KEY, URL, &HeaderMap::new(), BODY),
            verify(
                KEY,
                "https://helpdesk.example/webhooks/shopee/43",
                &headers(SIGNATURE),
                BODY,
            ),
        ] {
            assert!(matches!(bad, Err(ConnectorError::Auth(_))), "{bad:?}");
        }
        assert!(matches!(
            verify("", URL, &headers(SIGNATURE), BODY),
            Err(ConnectorError::Auth(_))
        ));
    }

    #[test]
    fn a_msg_id_names_the_delivery_when_present() {
        let body = br#"{"msg_id":"abc-1","shop_id":600000,"code":29,"data":{}}"#;
        let signature = sign::push_signature(KEY, URL, body);
        let delivery = verify(KEY, URL, &headers(&signature), body).unwrap();
        assert_eq!(
            delivery,
            WebhookDelivery {
                id: "abc-1".into(),
                topic: "29".into()
            }
        );
    }

    #[test]
    fn push_codes_become_actions() {
        let action = |topic: &str, body: &str| parse(600000, topic, body.as_bytes()).unwrap();
        assert!(matches!(
            action("3", std::str::from_utf8(BODY).unwrap()),
            WebhookAction::PollSoon
        ));
        assert!(matches!(
            action("4", r#"{"shop_id":600000,"code":4,"data":{}}"#),
            WebhookAction::PollSoon
        ));
        assert!(matches!(
            action("29", r#"{"shop_id":600000,"code":29,"data":{}}"#),
            WebhookAction::PollSoon
        ));
        assert!(matches!(
            action(
                "10",
                r#"{"shop_id":600000,"code":10,"data":{"type":"message","content":{}}}"#
            ),
            WebhookAction::PollSoon
        ));
        assert!(matches!(
            action(
                "10",
                r#"{"shop_id":600000,"code":10,"data":{"type":"notification"}}"#
            ),
            WebhookAction::Ignore
        ));
        assert!(matches!(
            action("2", r#"{"shop_id":600000,"code":2,"data":{}}"#),
            WebhookAction::Revoke(_)
        ));
        assert!(matches!(
            action("3", r#"{"shop_id":700000,"code":3,"data":{}}"#),
            WebhookAction::Ignore
        ));
        assert!(matches!(
            action("5", r#"{"shop_id":600000,"code":5}"#),
            WebhookAction::Ignore
        ));
        assert!(matches!(action("x", r#"{}"#), WebhookAction::Ignore));
        assert!(matches!(
            parse(600000, "3", b"not json"),
            Err(ConnectorError::Permanent(_))
        ));
        let body: Value = serde_json::from_slice(BODY).unwrap();
        assert_eq!(order_sn(&body).as_deref(), Some("2404098R48U37H"));
    }
}
