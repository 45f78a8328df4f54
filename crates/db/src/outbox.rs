//! Outgoing messages waiting for their channel: enqueued exactly once per idempotency key,
//! claimed by delivery workers with a lease, then sent, failed (retried later) or dead.

use std::time::Duration;

use aftersail_domain::{ChannelId, MessageId, OutboxId, TenantId, TicketId, UserId};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::messages::{self, NewMessage};
use crate::{Error, TenantTx};

pub struct Reply<'a> {
    pub ticket_id: TicketId,
    pub author: UserId,
    pub body_text: &'a str,
    pub language: Option<&'a str>,
    pub channel: &'a str,
    pub idempotency_key: &'a str,
    /// Deliver it translated into this language (`language` is then the one it is written
    /// in); the delivery translates it and keeps the translation.
    pub translate_to: Option<&'a str>,
}

/// Stores the reply as a queued outbound message with its outbox row. Returns `None` when
/// a reply with this idempotency key exists already (a resubmitted form): nothing is written.
pub async fn enqueue_reply(tx: &mut TenantTx, r: Reply<'_>) -> Result<Option<MessageId>, Error> {
    let message = enqueue(
        tx,
        r.ticket_id,
        Some(r.author),
        r.body_text,
        r.language,
        r.channel,
        r.idempotency_key,
    )
    .await?;
    if let (Some(message), Some(language)) = (message, r.translate_to) {
        let tenant = tx.tenant();
        sqlx::query("UPDATE messages SET translate_to = $3 WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(message)
            .bind(language)
            .execute(tx.conn())
            .await?;
    }
    Ok(message)
}

/// A reply a rule or the bot sends (labelled automated; see [`messages::create_automated`]).
/// `None` when a reply with this key was sent before.
pub async fn enqueue_automated_reply(
    tx: &mut TenantTx,
    ticket: TicketId,
    body_text: &str,
    language: Option<&str>,
    channel: &str,
    idempotency_key: &str,
    by: messages::Automated,
) -> Result<Option<MessageId>, Error> {
    let Some(message) = claim_key(tx, channel, idempotency_key).await? else {
        return Ok(None);
    };
    messages::create_automated(
        tx,
        message,
        NewMessage {
            ticket_id: ticket,
            kind: "outbound",
            author: None,
            body_text,
            language,
            channel,
            external_id: None,
            delivery_state: Some("queued"),
            at: chrono::Utc::now(),
        },
        by,
    )
    .await?;
    Ok(Some(message))
}

/// A message through a marketplace's own messaging (Amazon Messaging API) on a ticket
/// whose conversation runs elsewhere (relay mail).
pub struct MarketplaceMessage<'a> {
    pub ticket_id: TicketId,
    pub author: UserId,
    pub body_text: &'a str,
    pub language: Option<&'a str>,
    /// The marketplace channel it goes through, and its kind (the message's channel name).
    pub channel_id: ChannelId,
    pub channel_kind: &'a str,
    /// The marketplace's kind of message (`confirmDeliveryDetails`, `unexpectedProblem`, …).
    pub action: &'a str,
    pub idempotency_key: &'a str,
}

/// Queues a marketplace message; `None` when one with this idempotency key exists already.
pub async fn enqueue_marketplace_message(
    tx: &mut TenantTx,
    m: MarketplaceMessage<'_>,
) -> Result<Option<MessageId>, Error> {
    let Some(message) = enqueue(
        tx,
        m.ticket_id,
        Some(m.author),
        m.body_text,
        m.language,
        m.channel_kind,
        m.idempotency_key,
    )
    .await?
    else {
        return Ok(None);
    };
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE outbox SET via_channel_id = $3, action = $4 WHERE tenant_id = $1 AND message_id = $2",
    )
    .bind(tenant)
    .bind(message)
    .bind(m.channel_id)
    .bind(m.action)
    .execute(tx.conn())
    .await?;
    Ok(Some(message))
}

/// Queues a message the shop sends on its own (a return's status mail), without an author.
/// The key makes it once-only: the same notice is never queued twice.
pub async fn enqueue_notice(
    tx: &mut TenantTx,
    ticket: TicketId,
    body_text: &str,
    language: Option<&str>,
    idempotency_key: &str,
) -> Result<Option<MessageId>, Error> {
    enqueue(
        tx,
        ticket,
        None,
        body_text,
        language,
        "email",
        idempotency_key,
    )
    .await
}

async fn enqueue(
    tx: &mut TenantTx,
    ticket: TicketId,
    author: Option<UserId>,
    body_text: &str,
    language: Option<&str>,
    channel: &str,
    idempotency_key: &str,
) -> Result<Option<MessageId>, Error> {
    let Some(message) = claim_key(tx, channel, idempotency_key).await? else {
        return Ok(None);
    };
    messages::create_with_id(
        tx,
        message,
        NewMessage {
            ticket_id: ticket,
            kind: "outbound",
            author,
            body_text,
            language,
            channel,
            external_id: None,
            delivery_state: Some("queued"),
            at: chrono::Utc::now(),
        },
    )
    .await?;
    Ok(Some(message))
}

/// Claims the idempotency key first, returning the id the message must get; a concurrent
/// duplicate waits on the unique index, then gets `None` and writes nothing.
async fn claim_key(
    tx: &mut TenantTx,
    channel: &str,
    idempotency_key: &str,
) -> Result<Option<MessageId>, Error> {
    let tenant = tx.tenant();
    let message = MessageId::new();
    let claimed: Option<uuid::Uuid> = sqlx::query_scalar(
        "INSERT INTO outbox (tenant_id, id, message_id, channel, idempotency_key) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING id",
    )
    .bind(tenant)
    .bind(uuid::Uuid::now_v7())
    .bind(message)
    .bind(channel)
    .bind(idempotency_key)
    .fetch_optional(tx.conn())
    .await?;
    Ok(claimed.map(|_| message))
}

/// An outbox row claimed for one delivery attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Claim {
    pub tenant_id: TenantId,
    pub id: OutboxId,
    pub lease_id: Uuid,
}

/// Claims up to `limit` due rows of any shop for `lease`, spending one request of each
/// row's channel budget (FOR UPDATE SKIP LOCKED: concurrent workers never share a row).
pub async fn claim_due(pool: &PgPool, limit: i32, lease: Duration) -> Result<Vec<Claim>, Error> {
    sqlx::query_as("SELECT tenant_id, id, lease_id FROM claim_due_outbox($1, $2)")
        .bind(limit)
        .bind(lease)
        .fetch_all(pool)
        .await
}

/// What a delivery needs: the reply, where it goes and what it answers.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Delivery {
    pub id: OutboxId,
    pub message_id: MessageId,
    pub idempotency_key: String,
    pub attempts: i32,
    pub channel: String,
    pub channel_id: Option<ChannelId>,
    pub ticket_id: TicketId,
    pub ticket_number: i64,
    pub subject: String,
    pub body_text: String,
    /// The ticket's reply address (relay alias or Reply-To), else the customer's email.
    pub to_address: Option<String>,
    pub order_external_id: Option<String>,
    /// The marketplace conversation of the ticket's latest inbound message (eBay, Shopee).
    pub conversation: Option<String>,
    /// The marketplace's kind of message, for messages through its own messaging.
    pub action: Option<String>,
    /// The language `body_text` is written in, else its author's UI language.
    pub language: Option<String>,
    /// Deliver it translated into this language.
    pub translate_to: Option<String>,
    /// The translation into `translate_to` made by an earlier attempt.
    pub translation: Option<String>,
}

/// The claimed row's delivery, if the lease is still ours.
pub async fn get_leased(
    tx: &mut TenantTx,
    id: OutboxId,
    lease: Uuid,
) -> Result<Option<Delivery>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT o.id, o.message_id, o.idempotency_key, o.attempts, o.channel,
                coalesce(o.via_channel_id, t.channel_id) AS channel_id, t.id AS ticket_id,
                t.number AS ticket_number, t.subject, m.body_text,
                CASE WHEN o.via_channel_id IS NULL THEN coalesce(t.reply_to, c.email) ELSE '' END AS to_address,
                ord.external_id AS order_external_id, o.action,
                coalesce(m.language, u.ui_locale) AS language, m.translate_to, mt.text AS translation,
                (SELECT lm.conversation FROM messages lm
                 WHERE lm.tenant_id = t.tenant_id AND lm.ticket_id = t.id AND lm.conversation IS NOT NULL
                 ORDER BY lm.created_at DESC LIMIT 1) AS conversation
         FROM outbox o
         JOIN messages m ON m.tenant_id = o.tenant_id AND m.id = o.message_id
         JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
         JOIN customers c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id
         LEFT JOIN orders ord ON ord.tenant_id = t.tenant_id AND ord.id = t.order_id
         LEFT JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.author_user_id
         LEFT JOIN message_translations mt ON mt.tenant_id = m.tenant_id AND mt.message_id = m.id
              AND mt.language = m.translate_to
         WHERE o.tenant_id = $1 AND o.id = $2 AND o.lease_id = $3
         FOR UPDATE OF o",
    )
    .bind(tenant)
    .bind(id)
    .bind(lease)
    .fetch_optional(tx.conn())
    .await
}

/// Moves the end of a held lease to `lease` from now (a delivery still at work keeps its
/// claim). False when the lease is no longer ours.
pub async fn extend_lease(
    tx: &mut TenantTx,
    id: OutboxId,
    lease_id: Uuid,
    lease: Duration,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE outbox SET lease_until = now() + $4 WHERE tenant_id = $1 AND id = $2 AND lease_id = $3",
    )
    .bind(tenant)
    .bind(id)
    .bind(lease_id)
    .bind(lease)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a delivered message and the id the channel knows it by. False when the lease was lost.
pub async fn mark_sent(
    tx: &mut TenantTx,
    id: OutboxId,
    lease: Uuid,
    external_id: &str,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let message: Option<MessageId> = sqlx::query_scalar(
        "UPDATE outbox SET state = 'sent', sent_at = now(), last_error = NULL, lease_id = NULL, lease_until = NULL
         WHERE tenant_id = $1 AND id = $2 AND lease_id = $3 RETURNING message_id",
    )
    .bind(tenant)
    .bind(id)
    .bind(lease)
    .fetch_optional(tx.conn())
    .await?;
    let Some(message) = message else {
        return Ok(false);
    };
    sqlx::query(
        "UPDATE messages SET delivery_state = 'sent', external_id = $3 WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(message)
    .bind(external_id)
    .execute(tx.conn())
    .await?;
    notify_ticket_of(tx, message).await?;
    Ok(true)
}

/// Records a failed attempt: `failed` with the next attempt time, or `dead` when retrying
/// cannot help or the attempts are used up. False when the lease was lost.
pub async fn mark_failed(
    tx: &mut TenantTx,
    id: OutboxId,
    lease: Uuid,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let state = if retry_at.is_some() { "failed" } else { "dead" };
    let message: Option<MessageId> = sqlx::query_scalar(
        "UPDATE outbox SET state = $4, last_error = $5, next_attempt_at = coalesce($6, next_attempt_at),
                lease_id = NULL, lease_until = NULL
         WHERE tenant_id = $1 AND id = $2 AND lease_id = $3 RETURNING message_id",
    )
    .bind(tenant)
    .bind(id)
    .bind(lease)
    .bind(state)
    .bind(error)
    .bind(retry_at)
    .fetch_optional(tx.conn())
    .await?;
    let Some(message) = message else {
        return Ok(false);
    };
    sqlx::query("UPDATE messages SET delivery_state = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(message)
        .bind(state)
        .execute(tx.conn())
        .await?;
    notify_ticket_of(tx, message).await?;
    Ok(true)
}

/// An agent sends a dead (or failed) reply again: it is queued now with fresh attempts.
/// Returns false when the message has no such outbox row.
pub async fn retry(tx: &mut TenantTx, message: MessageId) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE outbox SET state = 'queued', attempts = 0, next_attempt_at = now(), lease_id = NULL,
                lease_until = NULL
         WHERE tenant_id = $1 AND message_id = $2 AND state IN ('dead', 'failed')",
    )
    .bind(tenant)
    .bind(message)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("UPDATE messages SET delivery_state = 'queued' WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(message)
        .execute(tx.conn())
        .await?;
    Ok(true)
}

/// The delivery errors of a ticket's replies, by message, for the thread.
pub async fn errors_of_ticket(
    tx: &mut TenantTx,
    ticket: TicketId,
) -> Result<Vec<(MessageId, i32, Option<String>)>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT o.message_id, o.attempts, o.last_error FROM outbox o
         JOIN messages m ON m.tenant_id = o.tenant_id AND m.id = o.message_id
         WHERE o.tenant_id = $1 AND m.ticket_id = $2",
    )
    .bind(tenant)
    .bind(ticket)
    .fetch_all(tx.conn())
    .await
}

async fn notify_ticket_of(tx: &mut TenantTx, message: MessageId) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "SELECT pg_notify($3, $1::text || ':' || t.number) FROM messages m
         JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
         WHERE m.tenant_id = $1 AND m.id = $2",
    )
    .bind(tenant)
    .bind(message)
    .bind(crate::LIVE_CHANNEL)
    .execute(tx.conn())
    .await?;
    Ok(())
}
