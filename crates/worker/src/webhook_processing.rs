//! Webhook deliveries, stored by the web layer as received (and verified), processed here
//! as their channel's kind says (`kinds::parse_webhook`): items are stored like polled ones,
//! "something changed" makes the channel poll at once, a withdrawn access stops the channel.
//! A delivery that fails is tried again next round (up to 10 times).

use std::time::Duration;

use aftersail_channels::{kinds, Inbound, WebhookAction};
use aftersail_db::{channels, webhook_events, TenantTx};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::ingest;

const CLAIM: i32 = 32;
const IDLE_WAIT: Duration = Duration::from_secs(1);

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub processed: usize,
    pub failed: usize,
}

pub async fn run_once(pool: &PgPool) -> anyhow::Result<Round> {
    let mut round = Round::default();
    for claim in webhook_events::claim_pending(pool, CLAIM).await? {
        let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
        let Some(event) = webhook_events::get_pending(&mut tx, claim.id).await? else {
            continue;
        };
        let Some(channel) = channels::get(&mut tx, event.channel_id).await? else {
            continue;
        };
        let outcome =
            match kinds::parse_webhook(&channel.kind, &channel.settings, &event.topic, &event.body)
            {
                Ok(WebhookAction::Ingest(items)) => {
                    for item in &items {
                        match item {
                            Inbound::Order(order) => {
                                ingest::store_order(&mut tx, &channel, order).await?;
                            }
                            Inbound::Message(message) => {
                                ingest::store_message(&mut tx, &channel, message).await?;
                            }
                            Inbound::Return(r) => {
                                ingest::store_return(&mut tx, &channel, r).await?
                            }
                        }
                    }
                    Ok(())
                }
                Ok(WebhookAction::PollSoon) => {
                    channels::poll_soon(&mut tx, channel.id).await?;
                    Ok(())
                }
                Ok(WebhookAction::Revoke(reason)) => {
                    channels::revoke(&mut tx, channel.id, &reason).await?;
                    Ok(())
                }
                Ok(WebhookAction::Ignore) => Ok(()),
                Err(err) => Err(err.to_string()),
            };
        match outcome {
            Ok(()) => {
                webhook_events::mark_processed(&mut tx, event.id).await?;
                tx.commit().await?;
                round.processed += 1;
            }
            Err(problem) => {
                // Roll back whatever the event did, then record the problem on its own.
                drop(tx);
                tracing::warn!(webhook = %event.id, topic = %event.topic, problem = %problem, "webhook not processed");
                let mut tx = TenantTx::begin(pool, claim.tenant_id).await?;
                webhook_events::mark_failed(&mut tx, event.id, &problem).await?;
                tx.commit().await?;
                round.failed += 1;
            }
        }
    }
    Ok(round)
}

pub async fn run(pool: PgPool, token: CancellationToken) {
    crate::repeat("webhook", IDLE_WAIT, &token, || async {
        Ok(run_once(&pool).await? != Round::default())
    })
    .await;
}
