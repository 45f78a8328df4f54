//! Outbox delivery: claim due replies (across shops, FOR UPDATE SKIP LOCKED, with a lease
//! that also counts the attempt), send each through its ticket's channel outside any
//! transaction, then record sent, failed (retried with backoff) or dead. A worker killed
//! mid-send leaves the row leased; when the lease runs out it is sent again with the same
//! Message-ID, so the receiving side can recognise the repeat. A live worker never lets that
//! happen: it renews the lease while a send lasts, and retries writing the result while the
//! database is unreachable (docs/durability.md). A reply to be sent in the
//! buyer's language is translated first (once; the translation is kept for every attempt).

use std::sync::Arc;
use std::time::{Duration, Instant};

use aftersail_channels::translate::{TranslateError, TranslateRequest};
use aftersail_channels::{ConnectorError, Outbound, OutboundAttachment};
use aftersail_db::outbox::{self, Claim, Delivery};
use aftersail_db::{attachments, channels, messages, translation, TenantTx};
use aftersail_domain::glossary::GlossaryEntry;
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
    let claimed_at = Instant::now();
    for claim in outbox::claim_due(pool, CLAIM, lease).await? {
        let lease = Lease {
            length: lease,
            ends: claimed_at + lease,
        };
        match deliver(pool, connectors, &claim, lease).await? {
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

/// Why an attempt did not deliver.
enum Failure {
    Channel(ConnectorError),
    /// The reply could not be translated, so it was not sent at all.
    Translation {
        message: String,
        retry: bool,
    },
}

impl Failure {
    /// What the agent sees on the reply.
    fn message(&self) -> String {
        match self {
            Failure::Channel(err) => err.to_string(),
            Failure::Translation { message, .. } => format!("Translation failed: {message}"),
        }
    }

    /// Whether a later attempt may succeed: the remote side is down or busy, or refused
    /// credentials an owner can fix.
    fn worth_retrying(&self) -> bool {
        match self {
            Failure::Channel(err) => err.is_retryable() || matches!(err, ConnectorError::Auth(_)),
            Failure::Translation { retry, .. } => *retry,
        }
    }

    fn retry_at(&self, attempts: i32) -> chrono::DateTime<chrono::Utc> {
        let channel = match self {
            Failure::Channel(err) => Some(err),
            Failure::Translation { .. } => None,
        };
        backoff::retry_at(u32::try_from(attempts).unwrap_or(1), channel)
    }
}

/// What translating a reply needs, read with the delivery: the shop's sealed provider
/// settings (`None`: translation is off) and its glossary.
struct TranslationSetup {
    sealed: Option<String>,
    glossary: Vec<GlossaryEntry>,
}

async fn deliver(
    pool: &PgPool,
    connectors: &Connectors,
    claim: &Claim,
    mut lease: Lease,
) -> anyhow::Result<Outcome> {
    let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
    let Some(delivery) = outbox::get_leased(&mut tx, claim.id, claim.lease_id).await? else {
        return Ok(Outcome::LeaseLost);
    };
    let channel = match delivery.channel_id {
        Some(id) => channels::get(&mut tx, id).await?,
        None => None,
    };
    let references = messages::external_ids_of_ticket(&mut tx, delivery.ticket_id).await?;
    let files = attachments::files_of_message(&mut tx, delivery.message_id).await?;
    let setup = if delivery.translate_to.is_some() && delivery.translation.is_none() {
        Some(TranslationSetup {
            sealed: translation::sealed_config(&mut tx).await?,
            glossary: translation::glossary_entries(&mut tx).await?,
        })
    } else {
        None
    };
    tx.commit().await?;

    let result = match (&channel, delivery.to_address.as_deref()) {
        (None, _) => Err(Failure::Channel(ConnectorError::Permanent(
            "this ticket has no connected channel to reply through; connect one in Settings → Channels".into(),
        ))),
        (Some(_), None) => Err(Failure::Channel(ConnectorError::Permanent(
            "the customer has no address to reply to".into(),
        ))),
        (Some(channel), Some(to)) => match connectors.build(claim.tenant_id, channel) {
            Err(problem) => Err(Failure::Channel(ConnectorError::Permanent(format!(
                "channel settings: {problem}"
            )))),
            Ok(connector) => match text_to_send(pool, connectors, claim, &delivery, setup).await? {
                Err(failure) => Err(failure),
                Ok(body_text) => {
                    let mut message = outbound(
                        &delivery,
                        to,
                        body_text,
                        references,
                        connectors.message_id_domain(channel),
                    );
                    message.attachments = files
                        .into_iter()
                        .map(|(filename, content_type, bytes)| OutboundAttachment {
                            filename,
                            content_type,
                            bytes,
                        })
                        .collect();
                    let sent = keeping_lease(pool, claim, &mut lease, connector.send(&message))
                        .await
                        .map_err(Failure::Channel);
                    if let Err(err) = connectors
                        .save_rotated(pool, claim.tenant_id, channel, connector.as_ref())
                        .await
                    {
                        tracing::error!(channel = %channel.id, error = %err, "rotated credentials not stored");
                    }
                    sent
                }
            },
        },
    };

    let (recording, outcome) = match result {
        Ok(sent) => (
            Recording::Sent {
                external_id: sent.external_id,
            },
            Outcome::Sent,
        ),
        Err(failure) => {
            let retry_at = (failure.worth_retrying() && delivery.attempts < MAX_ATTEMPTS)
                .then(|| failure.retry_at(delivery.attempts));
            let error = failure.message();
            tracing::warn!(outbox = %claim.id, attempts = delivery.attempts, error = %error, dead = retry_at.is_none(), "reply not delivered");
            let outcome = if retry_at.is_some() {
                Outcome::Failed
            } else {
                Outcome::Dead
            };
            (Recording::Failed { error, retry_at }, outcome)
        }
    };
    if !record(pool, claim, &recording, lease.ends).await? {
        return Ok(Outcome::LeaseLost);
    }
    Ok(outcome)
}

/// A claim's lease: how long it lasts and when it ends as far as this worker knows.
#[derive(Debug, Clone, Copy)]
struct Lease {
    length: Duration,
    ends: Instant,
}

/// Runs `send` while renewing the claim's lease every third of its length, so a send that
/// outlasts the lease (a slow server, a big attachment) is not claimed and sent a second time
/// by another worker meanwhile. A worker that dies stops renewing, and the claim lapses as before.
async fn keeping_lease<T>(
    pool: &PgPool,
    claim: &Claim,
    lease: &mut Lease,
    send: impl std::future::Future<Output = T>,
) -> T {
    tokio::pin!(send);
    let every = lease.length / 3;
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tokio::select! {
            out = &mut send => return out,
            _ = tick.tick() => {
                let renewed_at = Instant::now();
                match extend_lease(pool, claim, lease.length).await {
                    Ok(true) => lease.ends = renewed_at + lease.length,
                    Ok(false) => tracing::warn!(outbox = %claim.id, "the lease was lost during a send"),
                    Err(err) => tracing::warn!(outbox = %claim.id, error = %err, "could not extend the lease"),
                }
            }
        }
    }
}

async fn extend_lease(pool: &PgPool, claim: &Claim, length: Duration) -> Result<bool, sqlx::Error> {
    let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
    let extended = outbox::extend_lease(&mut tx, claim.id, claim.lease_id, length).await?;
    tx.commit().await?;
    Ok(extended)
}

/// How an attempt ended, to be written on the row.
enum Recording {
    Sent {
        external_id: String,
    },
    Failed {
        error: String,
        retry_at: Option<chrono::DateTime<chrono::Utc>>,
    },
}

/// Writes the attempt's outcome if the lease is still ours (false when it is not). The
/// message may already be with the channel: giving up because the database was unreachable
/// for a moment (a restart, a failover) would leave the row claimed and send it a second
/// time once the lease ran out, so the write is retried for as long as the lease lasts.
async fn record(
    pool: &PgPool,
    claim: &Claim,
    recording: &Recording,
    lease_end: Instant,
) -> anyhow::Result<bool> {
    let mut wait = Duration::from_millis(100);
    loop {
        match try_record(pool, claim, recording).await {
            Ok(recorded) => return Ok(recorded),
            Err(err) if Instant::now() + wait < lease_end => {
                tracing::warn!(outbox = %claim.id, error = %err, "recording a delivery failed; retrying");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(2));
            }
            Err(err) => return Err(err.into()),
        }
    }
}

async fn try_record(
    pool: &PgPool,
    claim: &Claim,
    recording: &Recording,
) -> Result<bool, sqlx::Error> {
    let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
    let recorded = match recording {
        Recording::Sent { external_id } => {
            outbox::mark_sent(&mut tx, claim.id, claim.lease_id, external_id).await?
        }
        Recording::Failed { error, retry_at } => {
            outbox::mark_failed(&mut tx, claim.id, claim.lease_id, error, *retry_at).await?
        }
    };
    if recorded {
        tx.commit().await?;
    }
    // A commit whose answer was lost and is then retried finds the lease cleared: false,
    // with the row already sent.
    Ok(recorded)
}

/// The text the buyer gets: the reply as written, or its translation when it is to be sent
/// translated. A translation is made once and kept (committed before sending), so every
/// later attempt sends the same text without asking the provider again; a reply that
/// cannot be translated is never sent untranslated.
async fn text_to_send(
    pool: &PgPool,
    connectors: &Connectors,
    claim: &Claim,
    delivery: &Delivery,
    setup: Option<TranslationSetup>,
) -> anyhow::Result<Result<String, Failure>> {
    let Some(target) = delivery.translate_to.as_deref() else {
        return Ok(Ok(delivery.body_text.clone()));
    };
    if let Some(kept) = &delivery.translation {
        return Ok(Ok(kept.clone()));
    }
    let setup = setup.unwrap_or(TranslationSetup {
        sealed: None,
        glossary: Vec::new(),
    });
    let Some(sealed) = setup.sealed else {
        return Ok(Err(Failure::Translation {
            message: "the shop has no translation provider any more (Settings → Translation); send the reply again once one is set up, or reply untranslated".into(),
            retry: false,
        }));
    };
    let translator = match connectors.translator(claim.tenant_id, &sealed) {
        Ok(t) => t,
        // The owner can fix the settings or the key; keep trying meanwhile.
        Err(problem) => {
            return Ok(Err(Failure::Translation {
                message: problem,
                retry: true,
            }))
        }
    };
    let request = TranslateRequest {
        text: &delivery.body_text,
        source: delivery.language.as_deref(),
        target,
        glossary: &setup.glossary,
    };
    let translated = match translator.translate(&request).await {
        Ok(t) => t,
        Err(err) => {
            let retry = err.retryable() || matches!(err, TranslateError::Auth(_));
            return Ok(Err(Failure::Translation {
                message: err.to_string(),
                retry,
            }));
        }
    };
    let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
    let kept = translation::store(
        &mut tx,
        delivery.message_id,
        target,
        &translated.text,
        translated.provider,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(kept))
}

/// The reply as the channel sends it: the ticket token in the subject so the buyer's answer
/// finds its ticket even when their mail client drops the references.
fn outbound(
    d: &Delivery,
    to: &str,
    body_text: String,
    references: Vec<String>,
    domain: String,
) -> Outbound {
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
        body_text,
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
