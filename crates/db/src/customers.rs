//! Buyers, across channels.

use aftersail_domain::CustomerId;
use chrono::{DateTime, Utc};

use crate::{Error, TenantTx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Customer {
    pub id: CustomerId,
    pub name: String,
    pub email: Option<String>,
    pub country: Option<String>,
    pub language: Option<String>,
    pub tags: Vec<String>,
    pub lifetime_value_minor: i64,
    pub currency: String,
    pub order_count: i32,
    pub complaint_count: i32,
    /// Flagged by an agent: their tickets go up a priority step (see domain::priority).
    pub abusive: bool,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, name, email, country, language, tags, lifetime_value_minor, currency, \
                       order_count, complaint_count, abusive, created_at";

pub struct NewCustomer<'a> {
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub country: Option<&'a str>,
    pub language: Option<&'a str>,
    pub currency: &'a str,
}

pub async fn create(tx: &mut TenantTx, c: NewCustomer<'_>) -> Result<CustomerId, Error> {
    let tenant = tx.tenant();
    let id = CustomerId::new();
    sqlx::query(
        "INSERT INTO customers (tenant_id, id, name, email, country, language, currency)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant)
    .bind(id)
    .bind(c.name)
    .bind(c.email)
    .bind(c.country)
    .bind(c.language)
    .bind(c.currency)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

pub async fn get(tx: &mut TenantTx, id: CustomerId) -> Result<Option<Customer>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM customers WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

/// Customers by name, `limit` at a time, after the keyset `(lower(name), id)` when given.
pub async fn list(
    tx: &mut TenantTx,
    after: Option<(&str, CustomerId)>,
    limit: i64,
) -> Result<Vec<Customer>, Error> {
    let tenant = tx.tenant();
    let (name, id) = after.map_or((None, None), |(n, i)| (Some(n.to_lowercase()), Some(i)));
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM customers WHERE tenant_id = $1
           AND ($2::text IS NULL OR (name_lower, id) > ($2, $3))
         ORDER BY name_lower, id LIMIT $4"
    ))
    .bind(tenant)
    .bind(name)
    .bind(id)
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}

/// Adds a placed order to the customer's running totals.
pub async fn record_order(
    tx: &mut TenantTx,
    id: CustomerId,
    total_minor: i64,
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "UPDATE customers SET order_count = order_count + 1, lifetime_value_minor = lifetime_value_minor + $3
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(total_minor)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// How a channel knows a buyer (a mail address, a relay alias, a marketplace buyer id).
pub struct Identity<'a> {
    pub channel: &'a str,
    pub address: &'a str,
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub country: Option<&'a str>,
    pub currency: &'a str,
}

/// The shop's oldest customer with an e-mail address (`$2`, any case). Public for the test
/// that checks the plan under row-level security (`tests/api/rls_plans.rs`).
pub const BY_EMAIL_SQL: &str =
    "SELECT id FROM customers WHERE tenant_id = $1 AND email_lower = lower($2)
     ORDER BY created_at LIMIT 1";

/// The customer this identity belongs to: known by the identity, else by the same email
/// address, else a new customer. The identity is recorded either way, so the next message
/// from it finds the customer directly.
pub async fn find_or_create_by_identity(
    tx: &mut TenantTx,
    who: Identity<'_>,
) -> Result<CustomerId, Error> {
    let tenant = tx.tenant();
    let address = who.address.trim().to_lowercase();
    let known: Option<CustomerId> = sqlx::query_scalar(
        "SELECT customer_id FROM customer_identities WHERE tenant_id = $1 AND channel = $2 AND address = $3",
    )
    .bind(tenant)
    .bind(who.channel)
    .bind(&address)
    .fetch_optional(tx.conn())
    .await?;
    if let Some(id) = known {
        return Ok(id);
    }
    let by_email: Option<CustomerId> = match who.email {
        Some(email) => {
            sqlx::query_scalar(BY_EMAIL_SQL)
                .bind(tenant)
                .bind(email)
                .fetch_optional(tx.conn())
                .await?
        }
        None => None,
    };
    let id = match by_email {
        Some(id) => id,
        None => {
            let name = if who.name.trim().is_empty() {
                address.as_str()
            } else {
                who.name.trim()
            };
            create(
                tx,
                NewCustomer {
                    name,
                    email: who.email,
                    country: who.country,
                    language: None,
                    currency: who.currency,
                },
            )
            .await?
        }
    };
    sqlx::query(
        "INSERT INTO customer_identities (tenant_id, customer_id, channel, address) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
    )
    .bind(tenant)
    .bind(id)
    .bind(who.channel)
    .bind(&address)
    .execute(tx.conn())
    .await?;
    Ok(id)
}
