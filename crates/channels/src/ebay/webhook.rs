//! Notification API push: the `X-EBAY-SIGNATURE` check, the public keys it needs, the
//! delivery's id and topic, what a topic means for us, and the endpoint challenge.
//!
//! `X-EBAY-SIGNATURE` is base64 of `{"alg":"ecdsa","kid":"…","signature":"<base64 DER>",
//! "digest":"SHA1"}`. The key for `kid` comes from `GET /public_key/{kid}` (an
//! application token's call; the answer's `key` is a PEM that may lack line breaks) and is
//! kept per kid for an hour, as eBay asks; an unknown kid is remembered for five minutes so
//! forged headers cannot make us call eBay for every request. The signature is ECDSA P-256
//! over SHA-1 of the raw body.
//!
//! Topics: `MARKETPLACE_ACCOUNT_DELETION` is eBay telling every application that some eBay
//! user closed their account. We acknowledge it (the web layer answers 2xx once it is
//! verified and stored) and do nothing else: Aftersail holds no eBay account data of its
//! own — buyer user names appear only inside the seller's orders and messages, which are
//! the seller's records — so there is nothing to erase on eBay's behalf. Every other topic
//! means something changed that the next poll reads: poll now.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine;
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::DecodePublicKey;
use serde::Deserialize;
use serde_json::Value;
use sha1::{Digest, Sha1};
use sha2::Sha256;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::http::{url, Api, Call};
use crate::{ConnectorError, WebhookAction, WebhookDelivery};

/// The topic eBay sends when a user's account is deleted.
pub const ACCOUNT_DELETION: &str = "MARKETPLACE_ACCOUNT_DELETION";

/// The decoded `X-EBAY-SIGNATURE` header.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SignatureHeader {
    pub alg: String,
    pub kid: String,
    pub signature: String,
    pub digest: String,
}

/// Not proven to come from eBay (answered 401).
fn refused(why: &str) -> ConnectorError {
    ConnectorError::Auth(format!("eBay notification refused: {why}"))
}

fn b64(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(s))
        .ok()
}

impl SignatureHeader {
    /// Decodes the header and checks it names ECDSA over SHA-1.
    pub fn parse(header: &str) -> Result<Self, ConnectorError> {
        let json = b64(header).ok_or_else(|| refused("X-EBAY-SIGNATURE is not base64"))?;
        let parsed: Self = serde_json::from_slice(&json)
            .map_err(|_| refused("X-EBAY-SIGNATURE is not the expected JSON"))?;
        if !parsed.alg.eq_ignore_ascii_case("ecdsa") {
            return Err(refused(&format!(
                "unsupported signature algorithm {:?}",
                parsed.alg
            )));
        }
        if !matches!(
            parsed.digest.to_ascii_uppercase().as_str(),
            "SHA1" | "SHA-1"
        ) {
            return Err(refused(&format!("unsupported digest {:?}", parsed.digest)));
        }
        if parsed.kid.trim().is_empty() {
            return Err(refused("the signature names no key"));
        }
        Ok(parsed)
    }
}

/// A PEM public key (with or without line breaks) → a P-256 key.
pub fn parse_public_key(pem: &str) -> Result<VerifyingKey, ConnectorError> {
    let body: String = pem
        .replace("-----BEGIN PUBLIC KEY-----", "")
        .replace("-----END PUBLIC KEY-----", "")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let der = b64(&body).ok_or_else(|| refused("eBay's public key is not base64 PEM"))?;
    VerifyingKey::from_public_key_der(&der)
        .map_err(|_| refused("eBay's public key is not a P-256 public key"))
}

/// Verifies `signature` (base64 DER) over SHA-1 of `body`.
pub fn verify_signature(
    key: &VerifyingKey,
    signature_b64: &str,
    body: &[u8],
) -> Result<(), ConnectorError> {
    let der = b64(signature_b64).ok_or_else(|| refused("the signature is not base64"))?;
    let signature =
        Signature::from_der(&der).map_err(|_| refused("the signature is not DER ECDSA"))?;
    // Some signers emit high-S signatures; ECDSA accepts either form.
    let signature = signature.normalize_s().unwrap_or(signature);
    let digest = Sha1::digest(body);
    key.verify_prehash(&digest, &signature)
        .map_err(|_| refused("the signature does not match the body (altered body or wrong key)"))
}

/// Keys by kid, fetched once per [`EbayConfig::public_key_ttl`](super::EbayConfig).
#[derive(Debug)]
pub struct KeyCache {
    ttl: Duration,
    keys: Mutex<HashMap<String, (Option<VerifyingKey>, Instant)>>,
}

/// How long an unknown kid is remembered.
const UNKNOWN_KEY_TTL: Duration = Duration::from_secs(300);

impl KeyCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            keys: Mutex::new(HashMap::new()),
        }
    }

    /// The key for `kid`, from the cache or from eBay.
    pub async fn key(
        &self,
        api: &Api,
        root: &str,
        kid: &str,
    ) -> Result<VerifyingKey, ConnectorError> {
        // Held across the fetch: deliveries arriving together wait for one request.
        let mut keys = self.keys.lock().await;
        let now = Instant::now();
        if let Some((key, until)) = keys.get(kid) {
            if now < *until {
                return key.ok_or_else(|| refused(&format!("eBay does not know the key {kid:?}")));
            }
        }
        let answer = api
            .call(&Call::get("getPublicKey", url(root, &["public_key", kid])).app_token())
            .await;
        let answer = match answer {
            Ok(answer) => answer,
            Err(ConnectorError::Permanent(why)) => {
                keys.insert(kid.to_owned(), (None, now + UNKNOWN_KEY_TTL));
                return Err(refused(&format!("no public key {kid:?} ({why})")));
            }
            Err(other) => return Err(other),
        };
        if let Some(algorithm) = answer.get("algorithm").and_then(Value::as_str) {
            if !algorithm.eq_ignore_ascii_case("ecdsa") {
                return Err(refused(&format!(
                    "public key {kid:?} is for {algorithm:?}, not ECDSA"
                )));
            }
        }
        let pem = answer
            .get("key")
            .and_then(Value::as_str)
            .ok_or_else(|| refused(&format!("eBay answered no key for {kid:?}")))?;
        let key = parse_public_key(pem)?;
        keys.insert(kid.to_owned(), (Some(key), now + self.ttl));
        Ok(key)
    }
}

/// The delivery id (`notification.notificationId`) and topic (`metadata.topic`).
pub fn delivery(body: &[u8]) -> Result<WebhookDelivery, ConnectorError> {
    let json: Value = serde_json::from_slice(body).map_err(|_| refused("the body is not JSON"))?;
    let get = |pointer: &str| {
        json.pointer(pointer)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    Ok(WebhookDelivery {
        id: get("/notification/notificationId")
            .ok_or_else(|| refused("the body has no notification.notificationId"))?,
        topic: get("/metadata/topic").ok_or_else(|| refused("the body has no metadata.topic"))?,
    })
}

/// What a stored delivery means (see the module docs).
pub fn action(topic: &str) -> WebhookAction {
    if topic.eq_ignore_ascii_case(ACCOUNT_DELETION) {
        WebhookAction::Ignore
    } else {
        WebhookAction::PollSoon
    }
}

/// The endpoint challenge: `hex(SHA-256(challengeCode + verificationToken + endpoint))`.
pub fn challenge_response(
    challenge_code: &str,
    verification_token: &str,
    endpoint: &str,
) -> String {
    let mut hasher = Sha256::new();
    hasher.update(challenge_code.as_bytes());
    hasher.update(verification_token.as_bytes());
    hasher.update(endpoint.as_bytes());
    hex::encode(hasher.finalize())
}

/// `challenge_code` from a query string (`challenge_code=…&…`, `?` optional).
pub fn challenge_code(query: &str) -> Option<String> {
    url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .find(|(name, _)| name == "challenge_code")
        .map(|(_, value)| value.into_owned())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::hazmat::PrehashSigner;
    use p256::ecdsa::SigningKey;
    use p256::pkcs8::EncodePublicKey;

    fn header(kid: &str, signature: &str) -> String {
        let json = serde_json::json!({"alg": "ecdsa", "kid": kid, "signature": signature, "digest": "SHA1"});
        base64::engine::general_purpose::STANDARD.encode(json.to_string())
    }

    #[test]
    fn signs_and_verifies_with_a_single_line_pem() {
        let signing = SigningKey::random(&mut rand::rngs::OsRng);
        let der = signing.verifying_key().to_public_key_der().unwrap();
        let pem = format!(
            "-----BEGIN PUBLIC KEY-----{}-----END PUBLIC KEY-----",
            base64::engine::general_purpose::STANDARD.encode(der.as_bytes())
        );
        let key = parse_public_key(&pem).unwrap();
        let body = br#"{"metadata":{"topic":"MARKETPLACE_ACCOUNT_DELETION"}}"#;
        let signature: Signature = signing.sign_prehash(&Sha1::digest(body)).unwrap();
        let sig_b64 =
            base64::engine::general_purpose::STANDARD.encode(signature.to_der().as_bytes());
        let parsed = SignatureHeader::parse(&header("k1", &sig_b64)).unwrap();
        assert_eq!(parsed.kid, "k1");
        verify_signature(&key, &parsed.signature, body).unwrap();
        assert!(verify_signature(&key, &parsed.signature, b"{}").is_err());
        assert!(verify_signature(&key, "bm90IGRlcg==", body).is_err());
    }

    #[test]
    fn headers_that_are_not_ecdsa_sha1_are_refused() {
        assert!(SignatureHeader::parse("%%%").is_err());
        let rsa = base64::engine::general_purpose::STANDARD
            .encode(r#"{"alg":"rsa","kid":"k","signature":"x","digest":"SHA1"}"#);
        assert!(SignatureHeader::parse(&rsa).is_err());
        let sha256 = base64::engine::general_purpose::STANDARD
            .encode(r#"{"alg":"ECDSA","kid":"k","signature":"x","digest":"SHA256"}"#);
        assert!(SignatureHeader::parse(&sha256).is_err());
    }

    #[test]
    fn deliveries_topics_and_challenges() {
        let body = br#"{"metadata":{"topic":"MARKETPLACE_ACCOUNT_DELETION","schemaVersion":"1.0"},"notification":{"notificationId":"n-1","data":{"username":"u"}}}"#;
        let d = delivery(body).unwrap();
        assert_eq!((d.id.as_str(), d.topic.as_str()), ("n-1", ACCOUNT_DELETION));
        assert!(delivery(b"{}").is_err());
        assert!(matches!(action(ACCOUNT_DELETION), WebhookAction::Ignore));
        assert!(matches!(action("ITEM_SOLD"), WebhookAction::PollSoon));
        assert_eq!(
            challenge_code("?challenge_code=a%20b&x=1").as_deref(),
            Some("a b")
        );
        assert_eq!(challenge_code("x=1"), None);
    }
}
