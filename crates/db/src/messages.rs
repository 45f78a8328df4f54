//! Messages of a ticket: inbound from the buyer, outbound replies, internal notes.

use aftersail_domain::{MessageId, TicketId, UserId};
use chrono::{DateTime, Utc};

use crate::{Error, TenantTx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Message {
    pub id: MessageId,
    pub kind: String,
    pub author_name: Option<String>,
    pub body_text: String,
    pub language: Option<String>,
    /// The message in the agent's working language, when a translation was made.
    pub translated_text: Option<String>,
    pub translated_language: Option<String>,
    pub delivery_state: Option<String>,
    pub created_at: DateTime<Utc>,
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
    let tenant = tx.tenant();
    sqlx::query(
        "INSERT INTO messages (tenant_id, id, ticket_id, kind, author_user_id, body_text, language, channel,
                               external_id, delivery_state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
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
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "WITH t AS (UPDATE tickets SET last_message_at = greatest(last_message_at, $3),
                        first_response_at = CASE WHEN $5 = 'outbound'
                            THEN coalesce(first_response_at, $3) ELSE first_response_at END
                    WHERE tenant_id = $1 AND id = $2 RETURNING number)
         SELECT pg_notify($4, $1::text || ':' || t.number) FROM t",
    )
    .bind(tenant)
    .bind(m.ticket_id)
    .bind(m.at)
    .bind(crate::LIVE_CHANNEL)
    .bind(m.kind)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The thread, oldest first.
pub async fn for_ticket(tx: &mut TenantTx, ticket: TicketId) -> Result<Vec<Message>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT m.id, m.kind, u.name AS author_name, m.body_text, m.language, m.translated_text,
                m.translated_language, m.delivery_state, m.created_at
         FROM messages m LEFT JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.author_user_id
         WHERE m.tenant_id = $1 AND m.ticket_id = $2 ORDER BY m.created_at, m.id",
    )
    .bind(tenant)
    .bind(ticket)
    .fetch_all(tx.conn())
    .await
}
