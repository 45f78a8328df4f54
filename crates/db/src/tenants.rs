//! Shops.

use aftersail_domain::{CalendarId, TenantId};
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
    /// Rules marked "holiday" run only while this is on; "regular" ones only while it is off.
    pub holiday_mode: bool,
    /// The shop's opening hours, for the `business_hours` rule condition.
    pub business_calendar_id: Option<CalendarId>,
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
        "SELECT id, slug, name, default_locale, time_zone, created_at, holiday_mode, business_calendar_id
         FROM tenants WHERE id = $1",
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

pub async fn holiday_mode(tx: &mut TenantTx) -> Result<bool, Error> {
    let id = tx.tenant();
    sqlx::query_scalar("SELECT holiday_mode FROM tenants WHERE id = $1")
        .bind(id)
        .fetch_one(tx.conn())
        .await
}

pub async fn set_holiday_mode(tx: &mut TenantTx, on: bool) -> Result<(), Error> {
    let id = tx.tenant();
    sqlx::query("UPDATE tenants SET holiday_mode = $2 WHERE id = $1")
        .bind(id)
        .bind(on)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Sets (or clears) the shop's business-hours calendar; the caller checks it is the shop's.
pub async fn set_business_calendar(
    tx: &mut TenantTx,
    calendar: Option<CalendarId>,
) -> Result<(), Error> {
    let id = tx.tenant();
    sqlx::query("UPDATE tenants SET business_calendar_id = $2 WHERE id = $1")
        .bind(id)
        .bind(calendar)
        .execute(tx.conn())
        .await?;
    Ok(())
}
