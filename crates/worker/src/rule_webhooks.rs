//! Delivers the webhook calls rules queue: POST of the JSON payload, 2xx is delivered,
//! anything else is retried with backoff and given up after [`MAX_ATTEMPTS`] (state `dead`,
//! visible in the run log). Calls are leased, so several workers never send one twice at once.

use std::time::Duration;

use aftersail_db::rule_webhooks::{self, Claim};
use aftersail_db::TenantTx;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

pub const MAX_ATTEMPTS: i32 = 8;
const CLAIM: i32 = 16;
const IDLE_WAIT: Duration = Duration::from_secs(2);
const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub failed: usize,
}

pub async fn run_once(
    pool: &PgPool,
    http: &reqwest::Client,
    lease: Duration,
) -> anyhow::Result<Round> {
    let mut round = Round::default();
    for claim in rule_webhooks::claim_due(pool, CLAIM, lease).await? {
        let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
        let Some(call) = rule_webhooks::get_leased(&mut tx, claim.id, claim.lease_id).await? else {
            continue;
        };
        tx.commit().await?;
        let outcome = post(http, &call.url, &call.payload.0).await;
        let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
        match outcome {
            Ok(status) => {
                rule_webhooks::record_attempt(&mut tx, claim, Some(status), None, None).await?;
                round.sent += 1;
            }
            Err((status, error)) => {
                record_failure(&mut tx, claim, call.attempts, status, &error).await?;
                round.failed += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(round)
}

async fn record_failure(
    tx: &mut TenantTx,
    claim: Claim,
    attempts: i32,
    status: Option<i32>,
    error: &str,
) -> anyhow::Result<()> {
    let retry = (attempts < MAX_ATTEMPTS).then(|| {
        crate::backoff::delay(
            attempts.max(1) as u32,
            Duration::from_secs(10),
            Duration::from_secs(3600),
            &mut rand::thread_rng(),
        )
    });
    rule_webhooks::record_attempt(tx, claim, status, Some(error), retry).await?;
    Ok(())
}

async fn post(
    http: &reqwest::Client,
    url: &str,
    payload: &serde_json::Value,
) -> Result<i32, (Option<i32>, String)> {
    let response = http
        .post(url)
        .timeout(TIMEOUT)
        .header("user-agent", "Aftersail-Rules/1")
        .json(payload)
        .send()
        .await
        .map_err(|e| (None, format!("request failed: {e}")))?;
    let status = i32::from(response.status().as_u16());
    if response.status().is_success() {
        Ok(status)
    } else {
        Err((Some(status), format!("the endpoint answered {status}")))
    }
}

pub async fn run(pool: PgPool, lease: Duration, token: CancellationToken) {
    let http = reqwest::Client::new();
    crate::repeat("rule webhooks", IDLE_WAIT, &token, || async {
        let round = run_once(&pool, &http, lease).await?;
        Ok(round.sent + round.failed > 0)
    })
    .await;
}
