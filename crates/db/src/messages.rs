//! Messages of a ticket: inbound from the buyer, outbound replies, internal notes.

use aftersail_domain::{ChannelId, MessageId, TicketId, UserId};
use chrono::{DateTime, Utc};

use crate::{Error, TenantTx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Message {
    pub id: MessageId,
    pub kind: String,
    pub author_name: Option<String>,
    pub body_text: String,
    pub language: Option<String>,
    /// What the buyer wants (`order_status`, `not_received`, …), for inbound messages.
    pub intent: Option<String>,
    pub sentiment: Option<String>,
    pub escalations: Vec<String>,
    /// The translation shown beside the text: an inbound message in the reader's language,
    /// an agent reply in the language it was sent in (`translate_to`).
    pub translation: Option<String>,
    pub translation_language: Option<String>,
    /// An agent reply to be sent translated into this language.
    pub translate_to: Option<String>,
    pub delivery_state: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The sender's formatting is kept (sanitized HTML).
    pub has_html: bool,
    /// The message as received is kept (raw mail or API JSON).
    pub has_raw: bool,
    /// `auto_reply`, `bounce` or `bulk` when a machine wrote it; `rule` or `bot` when we did.
    pub automated: Option<String>,
}

pub struct NewMessage<'a> {
    pub ticket_id: TicketId,
    pub kind: &'a str,
    pub author: Option<UserId>,
    pub body_text: &'a str,
    pub language: Option<&'a str>,
    pub channel: &'a str,
    pub external_id: Option<&'a str>,
    pub delivery_state: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// Stores a message and moves the ticket's last activity forward.
pub async fn create(tx: &mut TenantTx, m: NewMessage<'_>) -> Result<MessageId, Error> {
    let id = MessageId::new();
    create_with_id(tx, id, m).await?;
    Ok(id)
}

/// As [`create`], with an id chosen beforehand (the outbox row refers to it).
pub async fn create_with_id(
    tx: &mut TenantTx,
    id: MessageId,
    m: NewMessage<'_>,
) -> Result<(), Error> {
    insert(tx, id, m, None).await
}

/// A message a rule wrote: outbound, nobody's, labelled `automated = 'rule'`, so it never
/// counts as the first response and never restarts "time since our last reply".
/// Who wrote an automated reply: a rule (a template), the bot, or the CSAT survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Automated {
    Rule,
    Bot,
    Csat,
}

impl Automated {
    pub fn as_str(self) -> &'static str {
        match self {
            Automated::Rule => "rule",
            Automated::Bot => "bot",
            Automated::Csat => "csat",
        }
    }
}

/// A reply nobody typed: labelled, never the first response, never a reason to restart an
/// agent's clock.
pub async fn create_automated(
    tx: &mut TenantTx,
    id: MessageId,
    m: NewMessage<'_>,
    by: Automated,
) -> Result<(), Error> {
    insert(tx, id, m, Some(by.as_str())).await
}

async fn insert(
    tx: &mut TenantTx,
    id: MessageId,
    m: NewMessage<'_>,
    automated: Option<&str>,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "INSERT INTO messages (tenant_id, id, ticket_id, kind, author_user_id, body_text, language, channel,
                               external_id, delivery_state, created_at, automated)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(tenant)
    .bind(id)
    .bind(m.ticket_id)
    .bind(m.kind)
    .bind(m.author)
    .bind(m.body_text)
    .bind(m.language)
    .bind(m.channel)
    .bind(m.external_id)
    .bind(m.delivery_state)
    .bind(m.at)
    .bind(automated)
    .execute(tx.conn())
    .await?;
    let agent_reply = m.kind == "outbound" && m.author.is_some() && automated.is_none();
    touch_ticket(tx, m.ticket_id, agent_reply, m.at).await
}

/// Moves the ticket's last activity forward and announces it to live listeners once the
/// transaction commits. An agent's reply is the first response and stops the next-reply
/// clock; replies nobody wrote (rules, notices to the buyer) do neither.
async fn touch_ticket(
    tx: &mut TenantTx,
    ticket: TicketId,
    agent_reply: bool,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "WITH t AS (UPDATE tickets SET last_message_at = greatest(last_message_at, $3),
                        first_response_at = CASE WHEN $5 THEN coalesce(first_response_at, $3) ELSE first_response_at END,
                        next_reply_due_at = CASE WHEN $5 THEN NULL ELSE next_reply_due_at END
                    WHERE tenant_id = $1 AND id = $2 RETURNING number)
         SELECT pg_notify($4, $1::text || ':' || t.number) FROM t",
    )
    .bind(tenant)
    .bind(ticket)
    .bind(at)
    .bind(crate::LIVE_CHANNEL)
    .bind(agent_reply)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A buyer's message as a channel delivered it.
pub struct NewInbound<'a> {
    pub ticket_id: TicketId,
    pub channel: &'a str,
    pub channel_id: ChannelId,
    pub external_id: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: Option<&'a str>,
    pub language: Option<&'a str>,
    pub automated: Option<&'a str>,
    /// What the classifier read in it.
    pub classification: Option<Classified<'a>>,
    pub raw_payload_id: uuid::Uuid,
    /// The marketplace conversation (eBay, Shopee); `None` for mail.
    pub conversation: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// A buyer message's intent, sentiment and escalations, as codes (`domain::classify`).
#[derive(Debug, Clone, Copy)]
pub struct Classified<'a> {
    pub intent: &'a str,
    pub confidence: f32,
    pub sentiment: &'a str,
    pub escalations: &'a [&'a str],
}

/// Stores an inbound message unless the channel delivered it before (same external id):
/// then nothing is written and `None` comes back.
pub async fn create_inbound(
    tx: &mut TenantTx,
    m: NewInbound<'_>,
) -> Result<Option<MessageId>, Error> {
    let tenant = tx.tenant();
    let id: Option<MessageId> = sqlx::query_scalar(
        "INSERT INTO messages (tenant_id, id, ticket_id, kind, body_text, body_html, language, channel,
                               channel_id, external_id, subject, automated, raw_payload_id, created_at, conversation,
                               intent, intent_confidence, sentiment, escalations)
         VALUES ($1, $2, $3, 'inbound', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                 $15, $16, $17, coalesce($18, '{}'))
         ON CONFLICT (tenant_id, channel, external_id) WHERE external_id IS NOT NULL DO NOTHING
         RETURNING id",
    )
    .bind(tenant)
    .bind(MessageId::new())
    .bind(m.ticket_id)
    .bind(m.body_text)
    .bind(m.body_html)
    .bind(m.language)
    .bind(m.channel)
    .bind(m.channel_id)
    .bind(m.external_id)
    .bind(m.subject)
    .bind(m.automated)
    .bind(m.raw_payload_id)
    .bind(m.at)
    .bind(m.conversation)
    .bind(m.classification.map(|c| c.intent))
    .bind(m.classification.map(|c| c.confidence))
    .bind(m.classification.map(|c| c.sentiment))
    .bind(m.classification.map(|c| c.escalations))
    .fetch_optional(tx.conn())
    .await?;
    if id.is_some() {
        touch_ticket(tx, m.ticket_id, false, m.at).await?;
    }
    Ok(id)
}

/// Whether the channel delivered a message with this id before.
pub async fn external_exists(
    tx: &mut TenantTx,
    channel: &str,
    external_id: &str,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM messages WHERE tenant_id = $1 AND channel = $2 AND external_id = $3)",
    )
    .bind(tenant)
    .bind(channel)
    .bind(external_id)
    .fetch_one(tx.conn())
    .await
}

/// The ticket holding the newest of these messages (by their channel ids), with its status,
/// for threading a reply by `In-Reply-To`/`References`.
pub async fn ticket_of_external(
    tx: &mut TenantTx,
    channel: &str,
    external_ids: &[String],
) -> Result<Option<(TicketId, String)>, Error> {
    if external_ids.is_empty() {
        return Ok(None);
    }
    let tenant = tx.tenant();
    // One index probe per id (LATERAL, so the ids drive): as `external_id = ANY($3)` the
    // planner may read every message of the channel and filter them, which it did in the API
    // benchmark, whose new channel had no statistics yet (5.7 ms a call at 6,000 messages,
    // growing with them).
    sqlx::query_as(
        "SELECT t.id, t.status FROM unnest($3::text[]) AS x(external_id)
         CROSS JOIN LATERAL (SELECT m.ticket_id, m.created_at FROM messages m
                             WHERE m.tenant_id = $1 AND m.channel = $2
                               AND m.external_id = x.external_id LIMIT 1) m
         JOIN tickets t ON t.tenant_id = $1 AND t.id = m.ticket_id
         ORDER BY m.created_at DESC LIMIT 1",
    )
    .bind(tenant)
    .bind(channel)
    .bind(external_ids)
    .fetch_optional(tx.conn())
    .await
}

/// The ticket (and its status) holding the latest message of a marketplace conversation.
pub async fn ticket_of_conversation(
    tx: &mut TenantTx,
    channel: ChannelId,
    conversation: &str,
) -> Result<Option<(TicketId, String)>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT t.id, t.status FROM messages m
         JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
         WHERE m.tenant_id = $1 AND m.channel_id = $2 AND m.conversation = $3
         ORDER BY m.created_at DESC LIMIT 1",
    )
    .bind(tenant)
    .bind(channel)
    .bind(conversation)
    .fetch_optional(tx.conn())
    .await
}

/// The channel ids of a ticket's messages, oldest first: the `References` of a reply.
pub async fn external_ids_of_ticket(
    tx: &mut TenantTx,
    ticket: TicketId,
) -> Result<Vec<String>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT external_id FROM messages
         WHERE tenant_id = $1 AND ticket_id = $2 AND external_id IS NOT NULL AND kind <> 'note'
         ORDER BY created_at, id",
    )
    .bind(tenant)
    .bind(ticket)
    .fetch_all(tx.conn())
    .await
}

/// The thread, oldest first, with the translations `reader` (a language code) sees: buyer
/// messages in the reader's language, agent replies in the language they were sent in.
pub async fn for_ticket(
    tx: &mut TenantTx,
    ticket: TicketId,
    reader: &str,
) -> Result<Vec<Message>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT m.id, m.kind, u.name AS author_name, m.body_text, m.language, m.intent, m.sentiment,
                m.escalations, mt.text AS translation, mt.language AS translation_language,
                m.translate_to, m.delivery_state, m.created_at,
                m.body_html IS NOT NULL AS has_html, m.raw_payload_id IS NOT NULL AS has_raw, m.automated
         FROM messages m LEFT JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.author_user_id
         LEFT JOIN message_translations mt ON mt.tenant_id = m.tenant_id AND mt.message_id = m.id
              AND mt.language = CASE WHEN m.kind = 'inbound' THEN $3 ELSE m.translate_to END
         WHERE m.tenant_id = $1 AND m.ticket_id = $2 ORDER BY m.created_at, m.id",
    )
    .bind(tenant)
    .bind(ticket)
    .bind(reader)
    .fetch_all(tx.conn())
    .await
}

/// A message of this ticket: its kind, text and language (`None`: not on this ticket).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OnTicket {
    pub kind: String,
    pub body_text: String,
    pub language: Option<String>,
    pub translate_to: Option<String>,
}

pub async fn on_ticket(
    tx: &mut TenantTx,
    ticket: TicketId,
    id: MessageId,
) -> Result<Option<OnTicket>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT kind, body_text, language, translate_to FROM messages
         WHERE tenant_id = $1 AND id = $2 AND ticket_id = $3",
    )
    .bind(tenant)
    .bind(id)
    .bind(ticket)
    .fetch_optional(tx.conn())
    .await
}

/// A message's sanitized HTML, if it is on this ticket and has any.
pub async fn html_of(
    tx: &mut TenantTx,
    ticket: TicketId,
    id: MessageId,
) -> Result<Option<String>, Error> {
    let tenant = tx.tenant();
    let html: Option<Option<String>> = sqlx::query_scalar(
        "SELECT body_html FROM messages WHERE tenant_id = $1 AND id = $2 AND ticket_id = $3",
    )
    .bind(tenant)
    .bind(id)
    .bind(ticket)
    .fetch_optional(tx.conn())
    .await?;
    Ok(html.flatten())
}

/// A page of a ticket's thread in `(created_at, id)` order after `after` (no translations).
pub async fn page(
    tx: &mut TenantTx,
    ticket: TicketId,
    after: Option<(DateTime<Utc>, MessageId)>,
    limit: i64,
) -> Result<Vec<Message>, Error> {
    let tenant = tx.tenant();
    let (at, id) = after.unzip();
    sqlx::query_as(
        "SELECT m.id, m.kind, u.name AS author_name, m.body_text, m.language, m.intent, m.sentiment,
                m.escalations, NULL::text AS translation, NULL::text AS translation_language,
                m.translate_to, m.delivery_state, m.created_at,
                m.body_html IS NOT NULL AS has_html, m.raw_payload_id IS NOT NULL AS has_raw, m.automated
         FROM messages m LEFT JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.author_user_id
         WHERE m.tenant_id = $1 AND m.ticket_id = $2
           AND ($3::timestamptz IS NULL OR (m.created_at, m.id) > ($3, $4))
         ORDER BY m.created_at, m.id LIMIT $5",
    )
    .bind(tenant)
    .bind(ticket)
    .bind(at)
    .bind(id)
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}

/// One message of a ticket, as [`page`] shows it.
pub async fn one(
    tx: &mut TenantTx,
    ticket: TicketId,
    id: MessageId,
) -> Result<Option<Message>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT m.id, m.kind, u.name AS author_name, m.body_text, m.language, m.intent, m.sentiment,
                m.escalations, NULL::text AS translation, NULL::text AS translation_language,
                m.translate_to, m.delivery_state, m.created_at,
                m.body_html IS NOT NULL AS has_html, m.raw_payload_id IS NOT NULL AS has_raw, m.automated
         FROM messages m LEFT JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.author_user_id
         WHERE m.tenant_id = $1 AND m.ticket_id = $2 AND m.id = $3",
    )
    .bind(tenant)
    .bind(ticket)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}
