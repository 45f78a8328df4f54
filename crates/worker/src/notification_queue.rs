//! Notifications a platform puts in a queue instead of posting them (Amazon SP-API → the
//! seller's SQS queue): received, stored as webhook deliveries (deduplicated by notification
//! id) in one transaction, and only then deleted from the queue. A crash in between means the
//! queue hands them out again after its visibility timeout, and the dedup makes that
//! harmless. The webhook job processes them like pushed ones.

use std::sync::Arc;
use std::time::Duration;

use aftersail_channels::amazon::sqs;
use aftersail_db::webhook_events::{self, NewEvent};
use aftersail_db::{channels, TenantTx};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::connectors::Connectors;

/// Messages taken from one queue per round (SQS hands out at most 10 at once).
const BATCH: u8 = 10;
/// How long a round waits on each queue for messages (SQS long polling).
const WAIT: Duration = Duration::from_secs(2);
const IDLE_WAIT: Duration = Duration::from_secs(10);

/// One round over every queue; returns how many notifications were stored.
pub async fn run_once(
    pool: &PgPool,
    connectors: &Connectors,
    wait: Duration,
) -> anyhow::Result<usize> {
    let mut stored = 0;
    for (tenant, id) in channels::with_queue(pool).await? {
        let mut tx = TenantTx::begin(pool, tenant).await?;
        let Some(channel) = channels::get(&mut tx, id).await? else {
            continue;
        };
        tx.commit().await?;
        let queue = match connectors.notification_queue(tenant, &channel) {
            Ok(Some(queue)) => queue,
            Ok(None) => continue,
            Err(problem) => {
                note(
                    pool,
                    &channel,
                    tenant,
                    &format!("notification queue: {problem}"),
                )
                .await?;
                continue;
            }
        };
        let messages = match queue.receive(BATCH, wait).await {
            Ok(messages) => messages,
            Err(err) => {
                tracing::warn!(channel = %channel.id, error = %err, "notification queue not read");
                note(
                    pool,
                    &channel,
                    tenant,
                    &format!("notification queue: {err}"),
                )
                .await?;
                continue;
            }
        };
        if messages.is_empty() {
            continue;
        }
        let mut tx = TenantTx::begin(pool, tenant).await?;
        for message in &messages {
            // An unreadable one is stored too (and fails in processing, for the owner to
            // see) rather than handed out by the queue forever.
            let (delivery_id, topic, body) = match sqs::notification(message) {
                Ok((delivery, body)) => (delivery.id, delivery.topic, body),
                Err(_) => (
                    message.id.clone(),
                    "unreadable".to_owned(),
                    message.body.clone().into_bytes(),
                ),
            };
            webhook_events::store(
                &mut tx,
                NewEvent {
                    channel_id: channel.id,
                    delivery_id: &delivery_id,
                    topic: &topic,
                    body: &body,
                },
            )
            .await?;
        }
        tx.commit().await?;
        stored += messages.len();
        let receipts: Vec<String> = messages.into_iter().map(|m| m.receipt).collect();
        if let Err(err) = queue.delete(&receipts).await {
            // Stored already: the queue hands them out again and the dedup drops them.
            tracing::warn!(channel = %channel.id, error = %err, "notifications not deleted from the queue");
        }
    }
    Ok(stored)
}

async fn note(
    pool: &PgPool,
    channel: &channels::Channel,
    tenant: aftersail_domain::TenantId,
    problem: &str,
) -> anyhow::Result<()> {
    let mut tx = TenantTx::begin(pool, tenant).await?;
    channels::note_error(&mut tx, channel.id, problem).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn run(pool: PgPool, connectors: Arc<Connectors>, token: CancellationToken) {
    crate::repeat("notification queue", IDLE_WAIT, &token, || async {
        Ok(run_once(&pool, &connectors, WAIT).await? > 0)
    })
    .await;
}
