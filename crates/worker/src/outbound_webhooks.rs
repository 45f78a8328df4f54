//! Delivers outbound webhooks (Standard Webhooks) to shops' ERP/CRM endpoints.
//!
//! Deliveries are queued by database triggers in the transaction of the change (migration
//! 19). A pass claims due ones across shops with a lease, opens the endpoint's secret, POSTs
//! the stored payload bytes signed with `webhook-id` (the delivery's id, the same on every
//! retry), `webhook-timestamp` (this attempt) and `webhook-signature`. 2xx is delivered;
//! anything else is retried with backoff and given up after [`MAX_ATTEMPTS`] (`dead`, shown
//! in the delivery log, where an admin can redeliver it). Every attempt is logged.

use std::time::{Duration, Instant};

use aftersail_channels::crypto::SecretKey;
use aftersail_channels::standard_webhooks;
use aftersail_db::webhook_endpoints::{self, Claim, Leased, Outcome};
use aftersail_db::TenantTx;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

pub const MAX_ATTEMPTS: i32 = 8;
const CLAIM: i32 = 16;
const IDLE_WAIT: Duration = Duration::from_secs(1);
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How much of an endpoint's answer the attempt log keeps.
const BODY_KEPT: usize = 1024;
/// The first retry's wait and the longest.
const RETRY_BASE: Duration = Duration::from_secs(10);
const RETRY_MAX: Duration = Duration::from_secs(3600);

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub delivered: usize,
    pub failed: usize,
}

/// One pass over the due deliveries.
pub async fn run_once(
    pool: &PgPool,
    http: &reqwest::Client,
    key: Option<&SecretKey>,
    lease: Duration,
) -> anyhow::Result<Round> {
    let mut round = Round::default();
    for claim in webhook_endpoints::claim_due(pool, CLAIM, lease).await? {
        let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
        let Some(delivery) = webhook_endpoints::get_leased(&mut tx, claim).await? else {
            continue;
        };
        tx.commit().await?;
        let outcome = attempt(http, key, claim, &delivery).await;
        let delivered = outcome.error.is_none();
        let retry =
            (!delivered && delivery.enabled && delivery.attempts < MAX_ATTEMPTS).then(|| {
                crate::backoff::delay(
                    delivery.attempts.max(1) as u32,
                    RETRY_BASE,
                    RETRY_MAX,
                    &mut rand::thread_rng(),
                )
            });
        let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
        if webhook_endpoints::record_attempt(&mut tx, claim, &outcome, retry).await? {
            if delivered {
                round.delivered += 1;
            } else {
                round.failed += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(round)
}

async fn attempt(
    http: &reqwest::Client,
    key: Option<&SecretKey>,
    claim: Claim,
    delivery: &Leased,
) -> Outcome {
    let failed = |error: &str| Outcome {
        error: Some(error.to_owned()),
        ..Outcome::default()
    };
    if !delivery.enabled {
        return failed("the endpoint is disabled");
    }
    let Some(key) = key else {
        return failed("no secret key is configured (AFTERSAIL_SECRET_KEY), so the endpoint's secret cannot be opened");
    };
    let owner = webhook_endpoints::secret_owner(claim.tenant_id, delivery.endpoint_id);
    let open = |sealed: &str| {
        key.open(sealed, &owner)
            .ok()
            .and_then(|s| String::from_utf8(s).ok())
            .and_then(|s| standard_webhooks::secret_key(&s))
    };
    let Some(secret) = open(&delivery.secret_sealed) else {
        return failed("the endpoint's secret cannot be opened with this server's secret key");
    };
    let id = delivery.id.to_string();
    let timestamp = chrono::Utc::now().timestamp();
    let body = delivery.payload.as_bytes();
    let mut signature = standard_webhooks::sign(&secret, &id, timestamp, body);
    // Right after a rotation the previous secret signs too, so receivers not yet updated
    // still verify (Standard Webhooks: space-separated signatures).
    if let Some(previous) = delivery.previous_secret_sealed.as_deref().and_then(open) {
        signature.push(' ');
        signature.push_str(&standard_webhooks::sign(&previous, &id, timestamp, body));
    }
    let started = Instant::now();
    let response = http
        .post(&delivery.url)
        .timeout(TIMEOUT)
        .header("content-type", "application/json")
        .header("user-agent", "Aftersail-Webhooks/1")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(delivery.payload.clone())
        .send()
        .await;
    let mut outcome = match response {
        Err(e) => failed(&format!("request failed: {}", error_chain(&e))),
        Ok(response) => {
            let status = response.status();
            let body = response.bytes().await.unwrap_or_default();
            Outcome {
                status: Some(i32::from(status.as_u16())),
                error: (!status.is_success())
                    .then(|| format!("the endpoint answered {}", status.as_u16())),
                duration_ms: 0,
                response_body: (!body.is_empty()).then(|| first_kib(&body)),
            }
        }
    };
    outcome.duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
    outcome
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The first KiB of an answer as text (cut on a character boundary; NULs dropped).
fn first_kib(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(BODY_KEPT)]).replace('\0', "");
    let mut end = text.len().min(BODY_KEPT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

pub async fn run(pool: PgPool, key: Option<SecretKey>, lease: Duration, token: CancellationToken) {
    let http = reqwest::Client::new();
    crate::repeat("outbound webhooks", IDLE_WAIT, &token, || async {
        let round = run_once(&pool, &http, key.as_ref(), lease).await?;
        Ok(round.delivered + round.failed > 0)
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_kib_on_a_character_boundary() {
        assert_eq!(first_kib(b"ok"), "ok");
        let long = "é".repeat(1000);
        let kept = first_kib(long.as_bytes());
        assert!(kept.len() <= BODY_KEPT && kept.chars().all(|c| c == 'é'));
        assert_eq!(first_kib(b"a\0b"), "ab");
    }
}
