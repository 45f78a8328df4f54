//! Shops.

use aftersail_domain::TenantId;
use chrono::{DateTime, Utc};

use crate::{Error, TenantTx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Tenant {
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    pub default_locale: String,
    pub time_zone: String,
    pub created_at: DateTime<Utc>,
}

/// Inserts the transaction's own tenant (the RLS check only admits that one).
pub async fn create(tx: &mut TenantTx, slug: &str, name: &str) -> Result<(), Error> {
    let id = tx.tenant();
    sqlx::query("INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(slug)
        .bind(name)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn get(tx: &mut TenantTx) -> Result<Tenant, Error> {
    let id = tx.tenant();
    sqlx::query_as(
        "SELECT id, slug, name, default_locale, time_zone, created_at FROM tenants WHERE id = $1",
    )
    .bind(id)
    .fetch_one(tx.conn())
    .await
}

/// Sets the shop's time zone (an IANA name, checked by the caller).
pub async fn set_time_zone(tx: &mut TenantTx, zone: &str) -> Result<(), Error> {
    let id = tx.tenant();
    sqlx::query("UPDATE tenants SET time_zone = $2 WHERE id = $1")
        .bind(id)
        .bind(zone)
        .execute(tx.conn())
        .await?;
    Ok(())
}
