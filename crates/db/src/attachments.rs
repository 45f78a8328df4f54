//! Files on messages, stored in the database beside them.

use aftersail_domain::{AttachmentId, MessageId, TicketId};
use sha2::{Digest, Sha256};

use crate::{Error, TenantTx};

/// An attachment without its bytes, for listing in the thread.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentMeta {
    pub id: AttachmentId,
    pub message_id: MessageId,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
}

pub struct NewAttachment<'a> {
    pub filename: &'a str,
    pub content_type: &'a str,
    pub data: &'a [u8],
    /// `Content-ID` of an inline image in received HTML (`cid:` references).
    pub content_id: Option<&'a str>,
    pub inline: bool,
}

pub async fn create(
    tx: &mut TenantTx,
    message: MessageId,
    file: &NewAttachment<'_>,
) -> Result<AttachmentId, Error> {
    let tenant = tx.tenant();
    let id = AttachmentId::new();
    sqlx::query(
        "INSERT INTO attachments (tenant_id, id, message_id, filename, content_type, size_bytes, sha256, data,
                                  content_id, inline)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(tenant)
    .bind(id)
    .bind(message)
    .bind(file.filename)
    .bind(file.content_type)
    .bind(file.data.len() as i64)
    .bind(hex::encode(Sha256::digest(file.data)))
    .bind(file.data)
    .bind(file.content_id)
    .bind(file.inline)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

/// Every attachment of the ticket's messages, in message order.
pub async fn for_ticket(tx: &mut TenantTx, ticket: TicketId) -> Result<Vec<AttachmentMeta>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT a.id, a.message_id, a.filename, a.content_type, a.size_bytes
         FROM attachments a JOIN messages m ON m.tenant_id = a.tenant_id AND m.id = a.message_id
         WHERE a.tenant_id = $1 AND m.ticket_id = $2
         ORDER BY m.created_at, a.created_at, a.id",
    )
    .bind(tenant)
    .bind(ticket)
    .fetch_all(tx.conn())
    .await
}

/// One attachment with its bytes, if it belongs to a message of `ticket`.
pub async fn get(
    tx: &mut TenantTx,
    ticket: TicketId,
    id: AttachmentId,
) -> Result<Option<(AttachmentMeta, Vec<u8>)>, Error> {
    let tenant = tx.tenant();
    let row: Option<(AttachmentId, MessageId, String, String, i64, Vec<u8>)> = sqlx::query_as(
        "SELECT a.id, a.message_id, a.filename, a.content_type, a.size_bytes, a.data
         FROM attachments a JOIN messages m ON m.tenant_id = a.tenant_id AND m.id = a.message_id
         WHERE a.tenant_id = $1 AND a.id = $2 AND m.ticket_id = $3",
    )
    .bind(tenant)
    .bind(id)
    .bind(ticket)
    .fetch_optional(tx.conn())
    .await?;
    Ok(row.map(
        |(id, message_id, filename, content_type, size_bytes, data)| {
            (
                AttachmentMeta {
                    id,
                    message_id,
                    filename,
                    content_type,
                    size_bytes,
                },
                data,
            )
        },
    ))
}

/// A message's files with their bytes, in the order they were added: (file name, content
/// type, bytes), for sending the reply they belong to.
pub async fn files_of_message(
    tx: &mut TenantTx,
    message: MessageId,
) -> Result<Vec<(String, String, Vec<u8>)>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT filename, content_type, data FROM attachments
         WHERE tenant_id = $1 AND message_id = $2 ORDER BY created_at, id",
    )
    .bind(tenant)
    .bind(message)
    .fetch_all(tx.conn())
    .await
}

/// The inline parts of a message by `Content-ID`, for resolving `cid:` references in its HTML.
pub async fn content_ids_of_message(
    tx: &mut TenantTx,
    message: MessageId,
) -> Result<Vec<(String, AttachmentId)>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT content_id, id FROM attachments
         WHERE tenant_id = $1 AND message_id = $2 AND content_id IS NOT NULL",
    )
    .bind(tenant)
    .bind(message)
    .fetch_all(tx.conn())
    .await
}
