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

/// An order as a channel reports it, created or brought up to date.
pub struct ExternalOrder<'a> {
    pub customer_id: CustomerId,
    pub channel: &'a str,
    pub external_id: &'a str,
    pub status: &'a str,
    pub total_minor: i64,
    pub currency: &'a str,
    pub shipping_country: Option<&'a str>,
    pub carrier: Option<&'a str>,
    pub tracking_number: Option<&'a str>,
    pub ordered_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// `in_transit`, `in_customs`, `delivered`, `exception`; `None` while unshipped (or
    /// unknown: the stored one is kept). See `domain::alerts::tracking_status`.
    pub tracking_status: Option<&'a str>,
    /// (sku, title, quantity, unit price in minor units); replaces the stored items.
    pub items: &'a [(&'a str, &'a str, i32, i64)],
}

/// Inserts or updates the order by `(channel, external_id)` and replaces its items. A new
/// order counts towards the customer's totals once; an update changes only the order.
/// `shipped_at` is set the first time a tracking status is known; `tracking_updated_at`
/// moves whenever the tracking status or number changes (the stuck-shipment clock).
pub async fn upsert_external(tx: &mut TenantTx, o: ExternalOrder<'_>) -> Result<OrderId, Error> {
    let tenant = tx.tenant();
    let (id, inserted): (OrderId, bool) = sqlx::query_as(
        "INSERT INTO orders (tenant_id, id, customer_id, channel, external_id, status, total_minor, currency,
                             shipping_country, carrier, tracking_number, ordered_at, delivered_at,
                             tracking_status, shipped_at, tracking_updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::text,
                 CASE WHEN $14::text IS NOT NULL THEN now() END, CASE WHEN $14::text IS NOT NULL THEN now() END)
         ON CONFLICT (tenant_id, channel, external_id) DO UPDATE SET
             status = EXCLUDED.status, total_minor = EXCLUDED.total_minor, currency = EXCLUDED.currency,
             shipping_country = coalesce(EXCLUDED.shipping_country, orders.shipping_country),
             carrier = coalesce(EXCLUDED.carrier, orders.carrier),
             tracking_number = coalesce(EXCLUDED.tracking_number, orders.tracking_number),
             delivered_at = coalesce(EXCLUDED.delivered_at, orders.delivered_at),
             tracking_status = coalesce(EXCLUDED.tracking_status, orders.tracking_status),
             shipped_at = coalesce(orders.shipped_at, EXCLUDED.shipped_at),
             tracking_updated_at = CASE
                 WHEN (coalesce(EXCLUDED.tracking_status, orders.tracking_status),
                       coalesce(EXCLUDED.tracking_number, orders.tracking_number))
                      IS DISTINCT FROM (orders.tracking_status, orders.tracking_number)
                 THEN now() ELSE orders.tracking_updated_at END
         RETURNING id, (xmax = 0) AS inserted",
    )
    .bind(tenant)
    .bind(OrderId::new())
    .bind(o.customer_id)
    .bind(o.channel)
    .bind(o.external_id)
    .bind(o.status)
    .bind(o.total_minor)
    .bind(o.currency)
    .bind(o.shipping_country)
    .bind(o.carrier)
    .bind(o.tracking_number)
    .bind(o.ordered_at)
    .bind(o.delivered_at)
    .bind(o.tracking_status)
    .fetch_one(tx.conn())
    .await?;
    if !o.items.is_empty() {
        replace_items(tx, id, o.items).await?;
    }
    if inserted {
        crate::customers::record_order(tx, o.customer_id, o.total_minor).await?;
    }
    Ok(id)
}

/// Makes the order's items the channel's current ones. Items are matched by SKU (in order,
/// so two lines with one SKU stay two), updated in place and keep their ids: RMAs point at
/// them. Lines the channel no longer lists are removed unless a return refers to them.
async fn replace_items(
    tx: &mut TenantTx,
    order: OrderId,
    items: &[(&str, &str, i32, i64)],
) -> Result<(), Error> {
    let tenant = tx.tenant();
    let existing: Vec<(uuid::Uuid, String)> = sqlx::query_as(
        "SELECT id, sku FROM order_items WHERE tenant_id = $1 AND order_id = $2 ORDER BY sku, id",
    )
    .bind(tenant)
    .bind(order)
    .fetch_all(tx.conn())
    .await?;
    let mut unmatched = existing;
    let mut ids = Vec::with_capacity(items.len());
    for (sku, _, _, _) in items {
        match unmatched.iter().position(|(_, s)| s == sku) {
            Some(at) => ids.push(unmatched.remove(at).0),
            None => ids.push(OrderItemId::new().0),
        }
    }
    let gone: Vec<uuid::Uuid> = unmatched.into_iter().map(|(id, _)| id).collect();
    sqlx::query(
        "DELETE FROM order_items i WHERE i.tenant_id = $1 AND i.id = ANY($2)
           AND NOT EXISTS (SELECT 1 FROM rma_items r WHERE r.tenant_id = i.tenant_id AND r.order_item_id = i.id)",
    )
    .bind(tenant)
    .bind(&gone)
    .execute(tx.conn())
    .await?;
    let skus: Vec<&str> = items.iter().map(|i| i.0).collect();
    let titles: Vec<&str> = items.iter().map(|i| i.1).collect();
    let quantities: Vec<i32> = items.iter().map(|i| i.2).collect();
    let prices: Vec<i64> = items.iter().map(|i| i.3).collect();
    sqlx::query(
        "INSERT INTO order_items (tenant_id, id, order_id, sku, title, quantity, unit_price_minor)
         SELECT $1, i, $2, s, t, q, p
         FROM unnest($7::uuid[], $3::text[], $4::text[], $5::int[], $6::bigint[]) AS x(i, s, t, q, p)
         ON CONFLICT (tenant_id, id) DO UPDATE SET
             sku = EXCLUDED.sku, title = EXCLUDED.title, quantity = EXCLUDED.quantity,
             unit_price_minor = EXCLUDED.unit_price_minor",
    )
    .bind(tenant)
    .bind(order)
    .bind(&skus)
    .bind(&titles)
    .bind(&quantities)
    .bind(&prices)
    .bind(&ids)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The order a channel knows by this id (e.g. an Amazon order number in a relay mail).
pub async fn find_external(
    tx: &mut TenantTx,
    channel: &str,
    external_id: &str,
) -> Result<Option<OrderId>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT id FROM orders WHERE tenant_id = $1 AND channel = $2 AND external_id = $3",
    )
    .bind(tenant)
    .bind(channel)
    .bind(external_id)
    .fetch_optional(tx.conn())
    .await
}

/// The customer who placed the order.
pub async fn customer_of(tx: &mut TenantTx, order: OrderId) -> Result<CustomerId, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar("SELECT customer_id FROM orders WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(order)
        .fetch_one(tx.conn())
        .await
}

/// A page of orders in id order after `after`.
pub async fn page(
    tx: &mut TenantTx,
    after: Option<OrderId>,
    limit: i64,
) -> Result<Vec<Order>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT id, customer_id, channel, external_id, status, total_minor, currency, shipping_country,
                carrier, tracking_number, ordered_at, delivered_at
         FROM orders WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2)
         ORDER BY id LIMIT $3",
    )
    .bind(tenant)
    .bind(after)
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}

/// An item with the order it belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderLine {
    pub order_id: OrderId,
    #[sqlx(flatten)]
    pub item: OrderItem,
}

/// The items of many orders in one query.
pub async fn items_of(tx: &mut TenantTx, orders: &[OrderId]) -> Result<Vec<OrderLine>, Error> {
    let tenant = tx.tenant();
    let ids: Vec<uuid::Uuid> = orders.iter().map(|o| o.0).collect();
    sqlx::query_as(
        "SELECT order_id, id, sku, title, quantity, unit_price_minor FROM order_items
         WHERE tenant_id = $1 AND order_id = ANY($2) ORDER BY order_id, sku, id",
    )
    .bind(tenant)
    .bind(&ids)
    .fetch_all(tx.conn())
    .await
}
