//! Marketplace and shop orders with their items.

use aftersail_domain::{CustomerId, OrderId, OrderItemId};
use chrono::{DateTime, Utc};

use crate::{Error, TenantTx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Order {
    pub id: OrderId,
    pub customer_id: CustomerId,
    pub channel: String,
    pub external_id: String,
    pub status: String,
    pub total_minor: i64,
    pub currency: String,
    pub shipping_country: Option<String>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub ordered_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderItem {
    pub id: OrderItemId,
    pub sku: String,
    pub title: String,
    pub quantity: i32,
    pub unit_price_minor: i64,
}

pub struct NewOrder<'a> {
    pub customer_id: CustomerId,
    pub channel: &'a str,
    pub external_id: &'a str,
    pub status: &'a str,
    pub currency: &'a str,
    pub shipping_country: Option<&'a str>,
    pub carrier: Option<&'a str>,
    pub tracking_number: Option<&'a str>,
    pub ordered_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// (sku, title, quantity, unit price in minor units)
    pub items: &'a [(&'a str, &'a str, i32, i64)],
}

/// Creates the order and its items; the total is the sum of the items.
pub async fn create(
    tx: &mut TenantTx,
    o: NewOrder<'_>,
) -> Result<(OrderId, Vec<OrderItemId>), Error> {
    let tenant = tx.tenant();
    let id = OrderId::new();
    let total: i64 = o.items.iter().map(|(_, _, q, p)| i64::from(*q) * p).sum();
    sqlx::query(
        "INSERT INTO orders (tenant_id, id, customer_id, channel, external_id, status, total_minor, currency,
                             shipping_country, carrier, tracking_number, ordered_at, delivered_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(tenant)
    .bind(id)
    .bind(o.customer_id)
    .bind(o.channel)
    .bind(o.external_id)
    .bind(o.status)
    .bind(total)
    .bind(o.currency)
    .bind(o.shipping_country)
    .bind(o.carrier)
    .bind(o.tracking_number)
    .bind(o.ordered_at)
    .bind(o.delivered_at)
    .execute(tx.conn())
    .await?;
    let mut item_ids = Vec::with_capacity(o.items.len());
    for (sku, title, quantity, price) in o.items {
        let item = OrderItemId::new();
        sqlx::query(
            "INSERT INTO order_items (tenant_id, id, order_id, sku, title, quantity, unit_price_minor)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(tenant)
        .bind(item)
        .bind(id)
        .bind(sku)
        .bind(title)
        .bind(quantity)
        .bind(price)
        .execute(tx.conn())
        .await?;
        item_ids.push(item);
    }
    crate::customers::record_order(tx, o.customer_id, total).await?;
    Ok((id, item_ids))
}

pub async fn get(tx: &mut TenantTx, id: OrderId) -> Result<Option<Order>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, customer_id, channel, external_id, status, total_minor, currency, shipping_country,
                carrier, tracking_number, ordered_at, delivered_at
         FROM orders WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

pub async fn items(tx: &mut TenantTx, order: OrderId) -> Result<Vec<OrderItem>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, sku, title, quantity, unit_price_minor FROM order_items
         WHERE tenant_id = $1 AND order_id = $2 ORDER BY sku, id",
    )
    .bind(tenant)
    .bind(order)
    .fetch_all(tx.conn())
    .await
}
