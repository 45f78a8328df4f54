//! Outgoing messages waiting for their channel. Delivery (with retries and dead letters)
//! belongs to the channel workers; here replies are enqueued exactly once.

use aftersail_domain::{MessageId, TicketId, UserId};

use crate::messages::{self, NewMessage};
use crate::{Error, TenantTx};

pub struct Reply<'a> {
    pub ticket_id: TicketId,
    pub author: UserId,
    pub body_text: &'a str,
    pub language: Option<&'a str>,
    pub channel: &'a str,
    pub idempotency_key: &'a str,
}

/// Stores the reply as a queued outbound message with its outbox row. Returns `None` when
/// a reply with this idempotency key exists already (a resubmitted form): nothing is written.
pub async fn enqueue_reply(tx: &mut TenantTx, r: Reply<'_>) -> Result<Option<MessageId>, Error> {
    let tenant = tx.tenant();
    let message = MessageId::new();
    // Claim the key first; a concurrent duplicate waits on the unique index, then does nothing.
    let claimed: Option<uuid::Uuid> = sqlx::query_scalar(
        "INSERT INTO outbox (tenant_id, id, message_id, channel, idempotency_key) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING id",
    )
    .bind(tenant)
    .bind(uuid::Uuid::now_v7())
    .bind(message)
    .bind(r.channel)
    .bind(r.idempotency_key)
    .fetch_optional(tx.conn())
    .await?;
    if claimed.is_none() {
        return Ok(None);
    }
    messages::create_with_id(
        tx,
        message,
        NewMessage {
            ticket_id: r.ticket_id,
            kind: "outbound",
            author: Some(r.author),
            body_text: r.body_text,
            language: r.language,
            channel: r.channel,
            external_id: None,
            delivery_state: Some("queued"),
            at: chrono::Utc::now(),
        },
    )
    .await?;
    Ok(Some(message))
}
