//! What the buyer return portal reads before and after it trusts a buyer: the shop behind a
//! public slug, an order matched by number and email, the buyer's return history, and the
//! throttle of failed look-ups (shared by every server process).

use aftersail_domain::{CustomerId, TenantId};
use sqlx::PgPool;

use crate::orders::{Order, OrderItem};
use crate::{Error, TenantTx};

/// A shop as the portal knows it: its id and public name (via `portal_shop`).
pub async fn shop_by_slug(pool: &PgPool, slug: &str) -> Result<Option<(TenantId, String)>, Error> {
    if slug.len() > 64 {
        return Ok(None);
    }
    sqlx::query_as("SELECT id, name FROM portal_shop($1)")
        .bind(slug)
        .fetch_optional(pool)
        .await
}

/// An order the buyer proved they know: number and email matched.
#[derive(Debug, Clone)]
pub struct FoundOrder {
    pub order: Order,
    pub items: Vec<OrderItem>,
    pub customer_id: CustomerId,
    pub customer_email: String,
}

/// The look-up of [`find_order`]; public for the test that checks its plan under row-level
/// security (`tests/api/rls_plans.rs`).
pub const FIND_ORDER_SQL: &str =
    "SELECT o.id, o.customer_id, o.channel, o.external_id, o.status, o.total_minor, o.currency,
            o.shipping_country, o.carrier, o.tracking_number, o.ordered_at, o.delivered_at
     FROM orders o JOIN customers c ON c.tenant_id = o.tenant_id AND c.id = o.customer_id
     WHERE o.tenant_id = $1 AND o.external_id_lower = lower($2) AND c.email_lower = lower($3)
     ORDER BY o.ordered_at DESC LIMIT 1";

/// The order whose number is `number` (case-insensitively) and whose customer's email is
/// `email` (case-insensitively). One query whatever matches, so a miss looks like any other.
pub async fn find_order(
    tx: &mut TenantTx,
    number: &str,
    email: &str,
) -> Result<Option<FoundOrder>, Error> {
    let tenant = tx.tenant();
    let number = number.trim();
    let email = email.trim();
    if number.is_empty() || email.is_empty() || number.len() > 200 || email.len() > 320 {
        return Ok(None);
    }
    let order: Option<Order> = sqlx::query_as(FIND_ORDER_SQL)
        .bind(tenant)
        .bind(number)
        .bind(email)
        .fetch_optional(tx.conn())
        .await?;
    let Some(order) = order else {
        return Ok(None);
    };
    let items = crate::orders::items(tx, order.id).await?;
    let customer_email: String =
        sqlx::query_scalar("SELECT email FROM customers WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(order.customer_id)
            .fetch_one(tx.conn())
            .await?;
    Ok(Some(FoundOrder {
        customer_id: order.customer_id,
        order,
        items,
        customer_email,
    }))
}

/// The order again, by id, once a sealed token vouched for it.
pub async fn order_by_id(
    tx: &mut TenantTx,
    id: aftersail_domain::OrderId,
) -> Result<Option<FoundOrder>, Error> {
    let Some(order) = crate::orders::get(tx, id).await? else {
        return Ok(None);
    };
    let items = crate::orders::items(tx, order.id).await?;
    let tenant = tx.tenant();
    let customer_email: Option<String> =
        sqlx::query_scalar("SELECT email FROM customers WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(order.customer_id)
            .fetch_one(tx.conn())
            .await?;
    Ok(Some(FoundOrder {
        customer_id: order.customer_id,
        order,
        items,
        customer_email: customer_email.unwrap_or_default(),
    }))
}

/// The customer's history as the decision engine sees it: (orders, returns not rejected,
/// refunds without return, flagged as abusive by a `return_abuse` tag).
pub async fn customer_history(
    tx: &mut TenantTx,
    customer: CustomerId,
) -> Result<(i64, i64, i64, bool), Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM orders WHERE tenant_id = $1 AND customer_id = $2),
                (SELECT count(*) FROM rmas WHERE tenant_id = $1 AND customer_id = $2 AND status <> 'rejected'),
                (SELECT count(*) FROM rmas WHERE tenant_id = $1 AND customer_id = $2 AND status <> 'rejected'
                        AND decision -> 'destination' ->> 'kind' = 'buyer_keeps_item'),
                COALESCE((SELECT 'return_abuse' = ANY(tags) FROM customers WHERE tenant_id = $1 AND id = $2), false)",
    )
    .bind(tenant)
    .bind(customer)
    .fetch_one(tx.conn())
    .await
}

/// Records one failed look-up under `key` (`ip:…`, `shop:…`).
pub async fn record_failure(pool: &PgPool, key: &str) -> Result<(), Error> {
    sqlx::query("INSERT INTO portal_attempts (key) VALUES ($1)")
        .bind(key)
        .execute(pool)
        .await?;
    Ok(())
}

/// Failed look-ups under `key` within the window, and the age in seconds of the oldest.
pub async fn recent_failures(
    pool: &PgPool,
    key: &str,
    window: chrono::Duration,
) -> Result<(i64, i64), Error> {
    sqlx::query_as(
        "SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(at))::bigint, 0)
         FROM portal_attempts WHERE key = $1 AND at > now() - $2",
    )
    .bind(key)
    .bind(window)
    .fetch_one(pool)
    .await
}

/// Forgets failed portal lookups older than `age` (no throttling window looks further back).
pub async fn purge_failures_older_than(pool: &PgPool, age: chrono::Duration) -> Result<u64, Error> {
    let done = sqlx::query("DELETE FROM portal_attempts WHERE at < now() - $1")
        .bind(age)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}
