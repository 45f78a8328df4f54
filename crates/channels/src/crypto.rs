//! Channel credentials at rest: AES-256-GCM with a key from configuration.
//!
//! A sealed secret is `v1:` + base64(nonce ‖ ciphertext ‖ tag). The associated data binds
//! it to its owner (e.g. `tenant_id/channel_id`), so a ciphertext copied onto another
//! channel's row does not open.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rand::RngCore as _;

const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("the secret key must be 32 bytes, given as 64 hex digits or base64")]
    BadKey,
    #[error("the stored secret cannot be opened with this key (wrong key, or altered)")]
    Unreadable,
}

/// The key that seals and opens channel credentials.
#[derive(Clone)]
pub struct SecretKey(Aes256Gcm);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

impl SecretKey {
    /// Reads a 32-byte key written as 64 hex digits or as base64.
    pub fn parse(text: &str) -> Result<Self, CryptoError> {
        let text = text.trim();
        let bytes = hex::decode(text)
            .ok()
            .filter(|b| b.len() == 32)
            .or_else(|| STANDARD.decode(text).ok().filter(|b| b.len() == 32))
            .ok_or(CryptoError::BadKey)?;
        Ok(Self::from_bytes(&bytes.try_into().expect("length checked")))
    }

    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        Self(Aes256Gcm::new(bytes.into()))
    }

    /// A fresh random key as 64 hex digits (for `aftersail` to suggest on first start).
    pub fn generate_hex() -> String {
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        hex::encode(bytes)
    }

    pub fn seal(&self, plaintext: &[u8], owner: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self
            .0
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: owner.as_bytes(),
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{}", STANDARD.encode(out))
    }

    pub fn open(&self, sealed: &str, owner: &str) -> Result<Vec<u8>, CryptoError> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|b64| STANDARD.decode(b64).ok())
            .filter(|b| b.len() > NONCE_LEN)
            .ok_or(CryptoError::Unreadable)?;
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        self.0
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: owner.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Unreadable)
    }
}

/// Opens a channel's credentials, stored as sealed JSON for `owner`: `{}` when none are
/// stored; `no_key` when some are but no key is configured to open them.
pub fn open_json(
    key: Option<&SecretKey>,
    sealed: Option<&str>,
    owner: &str,
    no_key: &str,
) -> Result<serde_json::Value, String> {
    let Some(sealed) = sealed else {
        return Ok(serde_json::json!({}));
    };
    let key = key.ok_or_else(|| no_key.to_owned())?;
    let plain = key.open(sealed, owner).map_err(|e| e.to_string())?;
    serde_json::from_slice(&plain).map_err(|_| "stored credentials are not readable".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SecretKey {
        SecretKey::parse(&"ab".repeat(32)).unwrap()
    }

    #[test]
    fn sealed_secrets_open_only_with_the_same_key_and_owner() {
        let sealed = key().seal(b"imap-password", "t1/c1");
        assert!(sealed.starts_with("v1:"));
        assert!(!sealed.contains("imap-password"));
        assert_eq!(key().open(&sealed, "t1/c1").unwrap(), b"imap-password");
        assert_eq!(key().open(&sealed, "t1/c2"), Err(CryptoError::Unreadable));
        let other = SecretKey::parse(&"cd".repeat(32)).unwrap();
        assert_eq!(other.open(&sealed, "t1/c1"), Err(CryptoError::Unreadable));
        let mut tampered = sealed.clone();
        tampered.replace_range(10..11, if &sealed[10..11] == "A" { "B" } else { "A" });
        assert_eq!(key().open(&tampered, "t1/c1"), Err(CryptoError::Unreadable));
    }

    #[test]
    fn the_same_secret_seals_differently_each_time() {
        assert_ne!(key().seal(b"x", "o"), key().seal(b"x", "o"));
    }

    #[test]
    fn keys_are_32_bytes_in_hex_or_base64() {
        assert!(SecretKey::parse(&SecretKey::generate_hex()).is_ok());
        assert!(SecretKey::parse(&STANDARD.encode([7u8; 32])).is_ok());
        assert_eq!(SecretKey::parse("short").unwrap_err(), CryptoError::BadKey);
        assert_eq!(
            SecretKey::parse(&"ab".repeat(31)).unwrap_err(),
            CryptoError::BadKey
        );
    }
}
