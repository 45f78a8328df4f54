//! Shopee's HMAC-SHA256 signatures: API requests (`sign` query parameter), the shop
//! authorization link, and push deliveries (`Authorization` header).
//!
//! Every signature is `hex(HMAC-SHA256(partner_key, base string))`, lower-case hex:
//! - shop APIs: `partner_id + path + timestamp + access_token + shop_id`;
//! - public APIs (tokens, the authorization link): `partner_id + path + timestamp`;
//! - push: `url + "|" + body`, with the callback URL exactly as registered.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// `hex(HMAC-SHA256(key, message))`.
pub fn hmac_hex(key: &str, message: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// The `sign` of a shop-level call (`/api/v2/order/get_order_list` and the like).
pub fn shop_sign(
    partner_key: &str,
    partner_id: u64,
    path: &str,
    timestamp: i64,
    access_token: &str,
    shop_id: u64,
) -> String {
    hmac_hex(
        partner_key,
        format!("{partner_id}{path}{timestamp}{access_token}{shop_id}").as_bytes(),
    )
}

/// The `sign` of a public call (`/api/v2/auth/token/get`, `/api/v2/auth/access_token/get`,
/// `/api/v2/shop/auth_partner`).
pub fn public_sign(partner_key: &str, partner_id: u64, path: &str, timestamp: i64) -> String {
    hmac_hex(
        partner_key,
        format!("{partner_id}{path}{timestamp}").as_bytes(),
    )
}

/// The `Authorization` header Shopee sends with a push to `url` carrying `body`.
pub fn push_signature(partner_key: &str, url: &str, body: &[u8]) -> String {
    let mut message = Vec::with_capacity(url.len() + 1 + body.len());
    message.extend_from_slice(url.as_bytes());
    message.push(b'|');
    message.extend_from_slice(body);
    hmac_hex(partner_key, &message)
}

/// Whether `authorization` (hex, any case, surrounding blanks ignored) is the push
/// signature of `url` and `body`. Compared in constant time.
pub fn verify_push(partner_key: &str, url: &str, body: &[u8], authorization: &str) -> bool {
    let Ok(given) = hex::decode(authorization.trim()) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(partner_key.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(url.as_bytes());
    mac.update(b"|");
    mac.update(body);
    // `verify_slice` compares in constant time.
    mac.verify_slice(&given).is_ok()
}

/// The link a shop owner follows to authorize the app:
/// `{base}/api/v2/shop/auth_partner?partner_id=…&timestamp=…&sign=…&redirect=…`. Shopee
/// sends the owner back to `redirect` with `code` and `shop_id`, which
/// [`exchange_code`](super::auth::exchange_code) turns into tokens. The link expires
/// 5 minutes after `timestamp`.
pub fn authorization_url(
    base_url: &str,
    partner_id: u64,
    partner_key: &str,
    redirect: &str,
    timestamp: i64,
) -> String {
    const PATH: &str = "/api/v2/shop/auth_partner";
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("partner_id", &partner_id.to_string())
        .append_pair("timestamp", &timestamp.to_string())
        .append_pair(
            "sign",
            &public_sign(partner_key, partner_id, PATH, timestamp),
        )
        .append_pair("redirect", redirect)
        .finish();
    format!("{}{PATH}?{query}", base_url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors computed once with the documented formulas, e.g.
    // printf '%s' '2001887/api/v2/order/get_order_list1610000000c09222e3fc40ffb25fc947f738b1abf1600000' \
    //   | openssl dgst -sha256 -hmac 'test-partner-key'
    const KEY: &str = "test-partner-key";

    #[test]
    fn shop_and_public_signatures_match_openssl() {
        assert_eq!(
            shop_sign(
                KEY,
                2001887,
                "/api/v2/order/get_order_list",
                1610000000,
                "c09222e3fc40ffb25fc947f738b1abf1",
                600000
            ),
            SHOP_VECTOR
        );
        assert_eq!(
            public_sign(KEY, 2001887, "/api/v2/auth/access_token/get", 1610000000),
            PUBLIC_VECTOR
        );
    }

    #[test]
    fn push_signature_matches_openssl_and_verifies_in_any_case() {
        let url = "https://helpdesk.example/webhooks/shopee/42";
        let body = br#"{"shop_id":600000,"code":3,"timestamp":1610000000,"data":{"ordersn":"2404098R48U37H","status":"SHIPPED"}}"#;
        assert_eq!(push_signature(KEY, url, body), PUSH_VECTOR);
        assert!(verify_push(KEY, url, body, PUSH_VECTOR));
        assert!(verify_push(
            KEY,
            url,
            body,
            &format!(" {} ", PUSH_VECTOR.to_uppercase())
        ));
        assert!(!verify_push(KEY, url, &body[1..], PUSH_VECTOR));
        assert!(!verify_push(
            KEY,
            "https://helpdesk.example/webhooks/shopee/43",
            body,
            PUSH_VECTOR
        ));
        assert!(!verify_push("other-key", url, body, PUSH_VECTOR));
        assert!(!verify_push(KEY, url, body, "not hex"));
        assert!(!verify_push(KEY, url, body, ""));
    }

    #[test]
    fn authorization_url_is_signed_like_a_public_call() {
        let link = authorization_url(
            "https://partner.test-stable.shopeemobile.com/",
            2001887,
            KEY,
            "https://helpdesk.example/shopee/callback?state=a b",
            1610000000,
        );
        let sign = public_sign(KEY, 2001887, "/api/v2/shop/auth_partner", 1610000000);
        assert_eq!(
            link,
            format!("https://partner.test-stable.shopeemobile.com/api/v2/shop/auth_partner?partner_id=2001887&timestamp=1610000000&sign={sign}&redirect=https%3A%2F%2Fhelpdesk.example%2Fshopee%2Fcallback%3Fstate%3Da+b")
        );
    }

    const SHOP_VECTOR: &str = "9f1fd00fa8b7e13ad1abe69b1b80f5474d92f5c9ef26dddd8e76d562e6032d20";
    const PUBLIC_VECTOR: &str = "bb6527fecd58e8628940c8993c93c48618b664f10da7fa50598dfabda3031cfc";
    const PUSH_VECTOR: &str = "50213c612c98692ae4d421c6d73ec2a268d6035dae98adfa599e33f3564deabd";
}
