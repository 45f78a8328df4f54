//! Outbox delivery: claim due replies (across shops, FOR UPDATE SKIP LOCKED, with a lease
//! that also counts the attempt), send each through its ticket's channel outside any
//! transaction, then record sent, failed (retried with backoff) or dead. A worker killed
//! mid-send leaves the row leased; when the lease runs out it is sent again with the same
//! Message-ID, so the receiving side can recognise the repeat.

use std::sync::Arc;
use std::time::Duration;

use aftersail_channels::{ConnectorError, Outbound};
use aftersail_db::outbox::{self, Claim, Delivery};
use aftersail_db::{channels, messages, TenantTx};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::backoff;
use crate::connectors::Connectors;

/// After this many attempts a reply is dead; an agent can send it again.
pub const MAX_ATTEMPTS: i32 = 8;
const CLAIM: i32 = 16;
const IDLE_WAIT: Duration = Duration::from_secs(1);

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub failed: usize,
    pub dead: usize,
}

pub async fn run_once(
    pool: &PgPool,
    connectors: &Connectors,
    lease: Duration,
) -> anyhow::Result<Round> {
    let mut round = Round::default();
    for claim in outbox::claim_due(pool, CLAIM, lease).await? {
        match deliver(pool, connectors, &claim).await? {
            Outcome::Sent => round.sent += 1,
            Outcome::Failed => round.failed += 1,
            Outcome::Dead => round.dead += 1,
            Outcome::LeaseLost => {}
        }
    }
    Ok(round)
}

enum Outcome {
    Sent,
    Failed,
    Dead,
    LeaseLost,
}

async fn deliver(pool: &PgPool, connectors: &Connectors, claim: &Claim) -> anyhow::Result<Outcome> {
    let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
    let Some(delivery) = outbox::get_leased(&mut tx, claim.id, claim.lease_id).await? else {
        return Ok(Outcome::LeaseLost);
    };
    let channel = match delivery.channel_id {
        Some(id) => channels::get(&mut tx, id).await?,
        None => None,
    };
    let references = messages::external_ids_of_ticket(&mut tx, delivery.ticket_id).await?;
    tx.commit().await?;

    let result = match (&channel, delivery.to_address.as_deref()) {
        (None, _) => Err(ConnectorError::Permanent(
            "this ticket has no connected channel to reply through; connect one in Settings → Channels".into(),
        )),
        (Some(_), None) => Err(ConnectorError::Permanent(
            "the customer has no address to reply to".into(),
        )),
        (Some(channel), Some(to)) => match connectors.build(claim.tenant_id, channel) {
            Err(problem) => Err(ConnectorError::Permanent(format!("channel settings: {problem}"))),
            Ok(connector) => {
                let message = outbound(&delivery, to, references, connectors.message_id_domain(channel));
                let sent = connector.send(&message).await;
                if let Err(err) = connectors
                    .save_rotated(pool, claim.tenant_id, channel, connector.as_ref())
                    .await
                {
                    tracing::error!(channel = %channel.id, error = %err, "rotated credentials not stored");
                }
                sent
            }
        },
    };

    let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
    let (recorded, outcome) = match result {
        Ok(sent) => (
            outbox::mark_sent(&mut tx, claim.id, claim.lease_id, &sent.external_id).await?,
            Outcome::Sent,
        ),
        Err(err) => {
            let retry_at = (err.is_retryable() || matches!(err, ConnectorError::Auth(_)))
                .then_some(())
                .filter(|()| delivery.attempts < MAX_ATTEMPTS)
                .map(|()| {
                    backoff::retry_at(u32::try_from(delivery.attempts).unwrap_or(1), Some(&err))
                });
            tracing::warn!(outbox = %claim.id, attempts = delivery.attempts, error = %err, dead = retry_at.is_none(), "reply not delivered");
            let outcome = if retry_at.is_some() {
                Outcome::Failed
            } else {
                Outcome::Dead
            };
            (
                outbox::mark_failed(
                    &mut tx,
                    claim.id,
                    claim.lease_id,
                    &err.to_string(),
                    retry_at,
                )
                .await?,
                outcome,
            )
        }
    };
    if !recorded {
        return Ok(Outcome::LeaseLost);
    }
    tx.commit().await?;
    Ok(outcome)
}

/// The reply as the channel sends it: the ticket token in the subject so the buyer's answer
/// finds its ticket even when their mail client drops the references.
fn outbound(d: &Delivery, to: &str, references: Vec<String>, domain: String) -> Outbound {
    let token = format!("[#{}]", d.ticket_number);
    let base = d.subject.trim();
    let subject = if base.contains(&token) {
        format!("Re: {base}")
    } else {
        format!("Re: {base} {token}")
    };
    Outbound {
        message_id: format!("{}@{domain}", d.id),
        idempotency_key: d.idempotency_key.clone(),
        to: to.to_owned(),
        subject,
        body_text: d.body_text.clone(),
        references,
        order_external_id: d.order_external_id.clone(),
        conversation: d.conversation.clone(),
        action: d.action.clone(),
        ..Outbound::default()
    }
}

pub async fn run(
    pool: PgPool,
    connectors: Arc<Connectors>,
    lease: Duration,
    token: CancellationToken,
) {
    crate::repeat("outbox", IDLE_WAIT, &token, || async {
        Ok(run_once(&pool, &connectors, lease).await? != Round::default())
    })
    .await;
}
