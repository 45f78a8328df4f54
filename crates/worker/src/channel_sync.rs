//! Channel sync: claim due channels (across shops, FOR UPDATE SKIP LOCKED, with a lease),
//! poll each through its connector outside any transaction, then ingest the batch and the
//! new cursor in one transaction. Errors are recorded on the channel for Settings → Channels
//! and retried with backoff; refused credentials stop polling until the owner fixes them.

use std::sync::Arc;
use std::time::Duration;

use aftersail_channels::ConnectorError;
use aftersail_db::channels::{self, Channel};
use aftersail_db::TenantTx;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::backoff;
use crate::connectors::Connectors;
use crate::ingest::{self, IngestError, Ingested};

/// Channels claimed per round.
const CLAIM: i32 = 8;
const IDLE_WAIT: Duration = Duration::from_secs(2);

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub polled: usize,
    pub failed: usize,
    pub ingested: Ingested,
}

/// One round: every channel due now (up to a claim's worth) is polled once.
pub async fn run_once(
    pool: &PgPool,
    connectors: &Connectors,
    lease: Duration,
) -> anyhow::Result<Round> {
    let mut round = Round::default();
    for claim in channels::claim_due(pool, CLAIM, lease).await? {
        let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
        let Some(channel) = channels::get_leased(&mut tx, claim.id, claim.lease_id).await? else {
            continue;
        };
        tx.commit().await?;
        match poll_and_ingest(pool, connectors, &claim, &channel).await {
            Ok(done) => {
                round.polled += 1;
                round.ingested.messages += done.messages;
                round.ingested.duplicates += done.duplicates;
                round.ingested.orders += done.orders;
                round.ingested.returns += done.returns;
            }
            Err(err) => {
                round.failed += 1;
                tracing::warn!(channel = %channel.id, tenant = %claim.tenant_id, error = %err, "channel sync failed");
                record_failure(pool, &claim, &channel, &err).await?;
            }
        }
    }
    Ok(round)
}

#[derive(Debug, thiserror::Error)]
enum SyncError {
    #[error("{0}")]
    Connector(#[from] ConnectorError),
    #[error("channel settings: {0}")]
    Settings(String),
    #[error(transparent)]
    Ingest(#[from] IngestError),
}

async fn poll_and_ingest(
    pool: &PgPool,
    connectors: &Connectors,
    claim: &channels::Claim,
    channel: &Channel,
) -> Result<Ingested, SyncError> {
    let connector = connectors
        .build(claim.tenant_id, channel)
        .map_err(SyncError::Settings)?;
    let batch = connector.poll(channel.cursor.as_deref()).await;
    if let Err(err) = connectors
        .save_rotated(pool, claim.tenant_id, channel, connector.as_ref())
        .await
    {
        tracing::error!(channel = %channel.id, error = %err, "rotated credentials not stored");
    }
    Ok(ingest::apply(pool, claim.tenant_id, channel, claim.lease_id, &batch?).await?)
}

async fn record_failure(
    pool: &PgPool,
    claim: &channels::Claim,
    channel: &Channel,
    err: &SyncError,
) -> anyhow::Result<()> {
    if matches!(err, SyncError::Ingest(IngestError::LeaseLost)) {
        return Ok(());
    }
    let failures = u32::try_from(channel.consecutive_failures).unwrap_or(0) + 1;
    let answered = match err {
        SyncError::Connector(error) => Some(error),
        _ => None,
    };
    let retry_at = backoff::retry_at(failures, answered);
    let auth_failed = matches!(err, SyncError::Connector(ConnectorError::Auth(_)));
    let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
    channels::record_failure(
        &mut tx,
        channel.id,
        claim.lease_id,
        &err.to_string(),
        retry_at,
        auth_failed,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn run(
    pool: PgPool,
    connectors: Arc<Connectors>,
    lease: Duration,
    token: CancellationToken,
) {
    crate::repeat("channel sync", IDLE_WAIT, &token, || async {
        let round = run_once(&pool, &connectors, lease).await?;
        if round.ingested.messages + round.ingested.orders + round.ingested.returns > 0 {
            tracing::info!(?round, "channels synced");
        }
        Ok(round.polled + round.failed > 0)
    })
    .await;
}
