//! Raw inbound payloads (RFC 5322 mail, API JSON) exactly as received, so derived rows can
//! be rebuilt and disputes answered with the original.

use aftersail_domain::ChannelId;
use uuid::Uuid;

use crate::{Error, TenantTx};

pub struct NewPayload<'a> {
    pub channel_id: ChannelId,
    /// `message`, `order` or `webhook`.
    pub kind: &'a str,
    pub external_id: &'a str,
    pub content_type: &'a str,
    pub body: &'a [u8],
}

pub async fn store(tx: &mut TenantTx, p: NewPayload<'_>) -> Result<Uuid, Error> {
    let tenant = tx.tenant();
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO inbound_payloads (tenant_id, id, channel_id, kind, external_id, content_type, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant)
    .bind(id)
    .bind(p.channel_id)
    .bind(p.kind)
    .bind(p.external_id)
    .bind(p.content_type)
    .bind(p.body)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

/// The raw payload of a message on this ticket, for "show original" and the evidence pack.
pub async fn of_message(
    tx: &mut TenantTx,
    ticket: aftersail_domain::TicketId,
    message: aftersail_domain::MessageId,
) -> Result<Option<(String, Vec<u8>)>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT p.content_type, p.body FROM messages m
         JOIN inbound_payloads p ON p.tenant_id = m.tenant_id AND p.id = m.raw_payload_id
         WHERE m.tenant_id = $1 AND m.id = $2 AND m.ticket_id = $3",
    )
    .bind(tenant)
    .bind(message)
    .bind(ticket)
    .fetch_optional(tx.conn())
    .await
}
