//! Tickets: one buyer conversation each, numbered per shop (#1000, #1001, …).

use aftersail_domain::{CustomerId, OrderId, TicketId};
use chrono::{DateTime, Utc};

use crate::{Error, TenantTx};

pub struct NewTicket<'a> {
    pub channel: &'a str,
    pub customer_id: CustomerId,
    pub order_id: Option<OrderId>,
    pub subject: &'a str,
    pub status: &'a str,
    pub priority: &'a str,
    pub kind: Option<&'a str>,
    pub language: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// Creates a ticket with the shop's next number (allocated under the tenant row's lock, so
/// numbers are unique and gap-free per shop even with concurrent writers).
pub async fn create(tx: &mut TenantTx, t: NewTicket<'_>) -> Result<(TicketId, i64), Error> {
    let tenant = tx.tenant();
    let number: i64 = sqlx::query_scalar(
        "UPDATE tenants SET next_ticket_number = next_ticket_number + 1 WHERE id = $1
         RETURNING next_ticket_number - 1",
    )
    .bind(tenant)
    .fetch_one(tx.conn())
    .await?;
    let id = TicketId::new();
    sqlx::query(
        "INSERT INTO tickets (tenant_id, id, number, channel, customer_id, order_id, subject, status, priority,
                              type, language, first_message_at, last_message_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $12)",
    )
    .bind(tenant)
    .bind(id)
    .bind(number)
    .bind(t.channel)
    .bind(t.customer_id)
    .bind(t.order_id)
    .bind(t.subject)
    .bind(t.status)
    .bind(t.priority)
    .bind(t.kind)
    .bind(t.language)
    .bind(t.at)
    .execute(tx.conn())
    .await?;
    Ok((id, number))
}

/// A row of the inbox list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InboxRow {
    pub id: TicketId,
    pub number: i64,
    pub channel: String,
    pub subject: String,
    pub status: String,
    pub priority: String,
    pub language: Option<String>,
    pub customer_name: String,
    pub last_message_at: DateTime<Utc>,
}

/// Tickets by latest activity, `limit` at a time, strictly after the keyset `before`
/// (`(last_message_at, id)` of the previous page's last row). Served by `tickets_inbox_idx`.
pub async fn inbox(
    tx: &mut TenantTx,
    before: Option<(DateTime<Utc>, TicketId)>,
    limit: i64,
) -> Result<Vec<InboxRow>, Error> {
    let tenant = tx.tenant();
    let (at, id) = before.map_or((None, None), |(a, i)| (Some(a), Some(i)));
    sqlx::query_as(
        "SELECT t.id, t.number, t.channel, t.subject, t.status, t.priority, t.language,
                c.name AS customer_name, t.last_message_at
         FROM tickets t JOIN customers c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id
         WHERE t.tenant_id = $1
           AND ($2::timestamptz IS NULL OR (t.last_message_at, t.id) < ($2, $3))
         ORDER BY t.last_message_at DESC, t.id DESC
         LIMIT $4",
    )
    .bind(tenant)
    .bind(at)
    .bind(id)
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Ticket {
    pub id: TicketId,
    pub number: i64,
    pub channel: String,
    pub customer_id: CustomerId,
    pub order_id: Option<OrderId>,
    pub subject: String,
    pub status: String,
    pub priority: String,
    #[sqlx(rename = "type")]
    pub kind: Option<String>,
    pub language: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_message_at: DateTime<Utc>,
}

pub async fn get_by_number(tx: &mut TenantTx, number: i64) -> Result<Option<Ticket>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, number, channel, customer_id, order_id, subject, status, priority, type, language,
                created_at, last_message_at
         FROM tickets WHERE tenant_id = $1 AND number = $2",
    )
    .bind(tenant)
    .bind(number)
    .fetch_optional(tx.conn())
    .await
}

/// The customer's other tickets, newest first.
pub async fn for_customer(tx: &mut TenantTx, customer: CustomerId) -> Result<Vec<InboxRow>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT t.id, t.number, t.channel, t.subject, t.status, t.priority, t.language,
                c.name AS customer_name, t.last_message_at
         FROM tickets t JOIN customers c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id
         WHERE t.tenant_id = $1 AND t.customer_id = $2
         ORDER BY t.last_message_at DESC, t.id DESC LIMIT 20",
    )
    .bind(tenant)
    .bind(customer)
    .fetch_all(tx.conn())
    .await
}

/// Sets status, priority and type (the caller records the history of what changed).
pub async fn set_properties(
    tx: &mut TenantTx,
    id: TicketId,
    status: &str,
    priority: &str,
    kind: Option<&str>,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE tickets SET status = $3, priority = $4, type = $5 WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(status)
    .bind(priority)
    .bind(kind)
    .execute(tx.conn())
    .await?;
    Ok(())
}
