//! Return merchandise authorisations (returns).

use aftersail_domain::{CustomerId, OrderId, OrderItemId, RmaId, TicketId};
use chrono::{DateTime, Utc};

use crate::{Error, TenantTx};

pub struct NewRma<'a> {
    pub order_id: OrderId,
    pub customer_id: CustomerId,
    pub ticket_id: Option<TicketId>,
    pub status: &'a str,
    pub reason: &'a str,
    pub resolution: Option<&'a str>,
    pub items: &'a [(OrderItemId, i32)],
    pub at: DateTime<Utc>,
}

/// Creates an RMA with the shop's next code (`RMA-000001`).
pub async fn create(tx: &mut TenantTx, r: NewRma<'_>) -> Result<(RmaId, String), Error> {
    let tenant = tx.tenant();
    let number: i64 = sqlx::query_scalar(
        "UPDATE tenants SET next_rma_number = next_rma_number + 1 WHERE id = $1 RETURNING next_rma_number - 1",
    )
    .bind(tenant)
    .fetch_one(tx.conn())
    .await?;
    let code = format!("RMA-{number:06}");
    let id = RmaId::new();
    sqlx::query(
        "INSERT INTO rmas (tenant_id, id, code, order_id, customer_id, ticket_id, status, reason, resolution, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(tenant)
    .bind(id)
    .bind(&code)
    .bind(r.order_id)
    .bind(r.customer_id)
    .bind(r.ticket_id)
    .bind(r.status)
    .bind(r.reason)
    .bind(r.resolution)
    .bind(r.at)
    .execute(tx.conn())
    .await?;
    for (item, quantity) in r.items {
        sqlx::query("INSERT INTO rma_items (tenant_id, rma_id, order_item_id, quantity) VALUES ($1, $2, $3, $4)")
            .bind(tenant)
            .bind(id)
            .bind(item)
            .bind(quantity)
            .execute(tx.conn())
            .await?;
    }
    Ok((id, code))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RmaRow {
    pub id: RmaId,
    pub code: String,
    pub status: String,
    pub reason: String,
    pub resolution: Option<String>,
    pub customer_name: String,
    pub order_external_id: String,
    pub ticket_number: Option<i64>,
    pub created_at: DateTime<Utc>,
}

const ROW_SELECT: &str =
    "SELECT r.id, r.code, r.status, r.reason, r.resolution, c.name AS customer_name,
        o.external_id AS order_external_id, t.number AS ticket_number, r.created_at
     FROM rmas r
     JOIN customers c ON c.tenant_id = r.tenant_id AND c.id = r.customer_id
     JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
     LEFT JOIN tickets t ON t.tenant_id = r.tenant_id AND t.id = r.ticket_id
     WHERE r.tenant_id = $1";

/// The newest returns first (up to `limit`).
pub async fn recent(tx: &mut TenantTx, limit: i64) -> Result<Vec<RmaRow>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "{ROW_SELECT} ORDER BY r.created_at DESC, r.id DESC LIMIT $2"
    ))
    .bind(tenant)
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}

pub async fn for_customer(tx: &mut TenantTx, customer: CustomerId) -> Result<Vec<RmaRow>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "{ROW_SELECT} AND r.customer_id = $2 ORDER BY r.created_at DESC, r.id DESC"
    ))
    .bind(tenant)
    .bind(customer)
    .fetch_all(tx.conn())
    .await
}
