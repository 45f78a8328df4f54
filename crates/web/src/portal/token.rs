//! Short-lived sealed tokens: the portal hands a buyer proof of what they verified (an order
//! by number and email, an RMA by code and email) instead of trusting ids sent back in forms.
//! Sealed (AES-256-GCM, authenticated) with the server's secret key, bound to the shop.

use std::sync::OnceLock;

use aftersail_channels::crypto::SecretKey;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::state::AppState;

/// How long the request form stays valid after the order was found.
pub const ORDER_TTL_SECS: i64 = 60 * 60;
/// How long the status link shown right after a request works.
pub const STATUS_TTL_SECS: i64 = 7 * 24 * 60 * 60;

#[derive(Serialize, Deserialize)]
struct Envelope<T> {
    exp: i64,
    body: T,
}

/// The configured secret, or (a server without one) a key of this process only: tokens then
/// survive no restart and work only on this process.
fn key(state: &AppState) -> SecretKey {
    static FALLBACK: OnceLock<SecretKey> = OnceLock::new();
    match &state.config.secret_key {
        Some(key) => key.clone(),
        None => FALLBACK
            .get_or_init(|| {
                use rand::RngCore;
                let mut bytes = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                SecretKey::from_bytes(&bytes)
            })
            .clone(),
    }
}

/// Seals `body` for `purpose` in `shop`, valid for `ttl_secs`.
pub fn seal<T: Serialize>(
    state: &AppState,
    purpose: &str,
    shop: uuid::Uuid,
    ttl_secs: i64,
    body: &T,
) -> String {
    let envelope = Envelope {
        exp: chrono::Utc::now().timestamp() + ttl_secs,
        body,
    };
    let json = serde_json::to_vec(&envelope).expect("token bodies serialise");
    key(state).seal(&json, &format!("portal:{purpose}:{shop}"))
}

/// The body, if the token is ours, for this purpose and shop, and not expired.
pub fn open<T: DeserializeOwned>(
    state: &AppState,
    purpose: &str,
    shop: uuid::Uuid,
    token: &str,
) -> Option<T> {
    let json = key(state)
        .open(token, &format!("portal:{purpose}:{shop}"))
        .ok()?;
    let envelope: Envelope<T> = serde_json::from_slice(&json).ok()?;
    (envelope.exp >= chrono::Utc::now().timestamp()).then_some(envelope.body)
}
