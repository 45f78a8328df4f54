//! Signing the webhooks we send, as the Standard Webhooks specification says
//! (<https://www.standardwebhooks.com>): a secret `whsec_<base64 of the key bytes>`, and per
//! attempt the headers `webhook-id`, `webhook-timestamp` (unix seconds) and
//! `webhook-signature`: `v1,<base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))>`, several
//! separated by spaces (e.g. while a rotated-out secret is still accepted).
//!
//! Pure functions: the worker signs, tests and consumers verify.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::RngCore as _;
use sha2::Sha256;
use subtle::ConstantTimeEq as _;

const PREFIX: &str = "whsec_";
/// How far a timestamp may be from now when verifying (the reference libraries' default).
pub const TOLERANCE_SECS: i64 = 5 * 60;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the secret is not a whsec_ secret")]
    BadSecret,
    #[error("the timestamp is missing, malformed or too far from now")]
    Timestamp,
    #[error("no signature matches")]
    NoMatch,
}

/// A fresh secret: `whsec_` + base64 of 32 random bytes.
pub fn generate_secret() -> String {
    let mut key = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut key);
    format!("{PREFIX}{}", STANDARD.encode(key))
}

/// The key bytes of a `whsec_…` secret (a secret without the prefix is read as base64 too,
/// as the reference libraries do).
pub fn secret_key(secret: &str) -> Option<Vec<u8>> {
    let b64 = secret.trim();
    let b64 = b64.strip_prefix(PREFIX).unwrap_or(b64);
    STANDARD.decode(b64).ok().filter(|k| !k.is_empty())
}

/// The `webhook-signature` value for one message: `v1,<base64>`.
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// Checks a received message as a consumer would: the timestamp within [`TOLERANCE_SECS`]
/// of `now`, and one of the space-separated `v1` signatures made with `secret`.
pub fn verify(
    secret: &str,
    id: &str,
    timestamp: &str,
    signatures: &str,
    body: &[u8],
    now: i64,
) -> Result<(), VerifyError> {
    let key = secret_key(secret).ok_or(VerifyError::BadSecret)?;
    let ts: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| VerifyError::Timestamp)?;
    if (now - ts).abs() > TOLERANCE_SECS {
        return Err(VerifyError::Timestamp);
    }
    let expected = sign(&key, id, ts, body);
    let expected = expected.as_bytes();
    let matched = signatures
        .split(' ')
        .filter(|s| s.starts_with("v1,"))
        .any(|s| bool::from(s.as_bytes().ct_eq(expected)));
    if matched {
        Ok(())
    } else {
        Err(VerifyError::NoMatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The test vector of the Standard Webhooks reference libraries (checked against the
    // Python `standardwebhooks` package).
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TS: i64 = 1_614_265_330;
    const BODY: &str = r#"{"test": 2432232314}"#;
    const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    #[test]
    fn signs_the_specification_test_vector() {
        let key = secret_key(SECRET).unwrap();
        assert_eq!(sign(&key, ID, TS, BODY.as_bytes()), SIGNATURE);
    }

    #[test]
    fn verifies_its_own_signatures_and_rejects_tampering() {
        let ts = TS.to_string();
        assert_eq!(
            verify(SECRET, ID, &ts, SIGNATURE, BODY.as_bytes(), TS),
            Ok(())
        );
        // Among several (a rotated-out secret's first).
        let both = format!("v1,AAAA {SIGNATURE}");
        assert_eq!(
            verify(SECRET, ID, &ts, &both, BODY.as_bytes(), TS + 10),
            Ok(())
        );
        assert_eq!(
            verify(SECRET, ID, &ts, SIGNATURE, br#"{"test": 2432232315}"#, TS),
            Err(VerifyError::NoMatch)
        );
        assert_eq!(
            verify(SECRET, "msg_other", &ts, SIGNATURE, BODY.as_bytes(), TS),
            Err(VerifyError::NoMatch)
        );
        assert_eq!(
            verify(SECRET, ID, &ts, SIGNATURE, BODY.as_bytes(), TS + 301),
            Err(VerifyError::Timestamp)
        );
        assert_eq!(
            verify(SECRET, ID, "soon", SIGNATURE, BODY.as_bytes(), TS),
            Err(VerifyError::Timestamp)
        );
        assert_eq!(
            verify("whsec_!!", ID, &ts, SIGNATURE, BODY.as_bytes(), TS),
            Err(VerifyError::BadSecret)
        );
    }

    #[test]
    fn generated_secrets_are_32_random_bytes() {
        let a = generate_secret();
        let b = generate_secret();
        assert!(a.starts_with("whsec_"));
        assert_eq!(secret_key(&a).unwrap().len(), 32);
        assert_ne!(a, b);
    }
}
