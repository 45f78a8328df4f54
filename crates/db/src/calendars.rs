//! Business-hours calendars: a time zone, weekly opening hours and holidays. SLA policies
//! count in one (or in calendar hours), and the shop's own is what the `business_hours` rule
//! condition asks about. Validated by `aftersail_domain::sla::calendar::Calendar::new` before
//! they are stored.

use aftersail_domain::sla::calendar::WeeklyHours;
use aftersail_domain::CalendarId;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::types::Json;

use crate::{Error, TenantTx};

/// The unique index that keeps names distinct (case-insensitively) within a shop.
pub const NAME_KEY: &str = "business_calendars_name_key";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CalendarRow {
    pub id: CalendarId,
    pub name: String,
    /// An IANA zone name ("Europe/Berlin").
    pub time_zone: String,
    pub hours: Json<Vec<WeeklyHours>>,
    pub holidays: Vec<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

/// What a calendar form sets.
#[derive(Debug, Clone)]
pub struct CalendarInput<'a> {
    pub name: &'a str,
    pub time_zone: &'a str,
    pub hours: &'a [WeeklyHours],
    pub holidays: &'a [NaiveDate],
}

const SELECT: &str = "SELECT id, name, time_zone, hours, holidays, updated_at
     FROM business_calendars WHERE tenant_id = $1";

pub async fn list(tx: &mut TenantTx) -> Result<Vec<CalendarRow>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!("{SELECT} ORDER BY lower(name), id"))
        .bind(tenant)
        .fetch_all(tx.conn())
        .await
}

pub async fn get(tx: &mut TenantTx, id: CalendarId) -> Result<Option<CalendarRow>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!("{SELECT} AND id = $2"))
        .bind(tenant)
        .bind(id)
        .fetch_optional(tx.conn())
        .await
}

pub async fn create(tx: &mut TenantTx, c: &CalendarInput<'_>) -> Result<CalendarId, Error> {
    let tenant = tx.tenant();
    let id = CalendarId::new();
    sqlx::query(
        "INSERT INTO business_calendars (tenant_id, id, name, time_zone, hours, holidays)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(tenant)
    .bind(id)
    .bind(c.name)
    .bind(c.time_zone)
    .bind(Json(c.hours))
    .bind(c.holidays)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

/// Returns false when there is no such calendar in the shop.
pub async fn update(
    tx: &mut TenantTx,
    id: CalendarId,
    c: &CalendarInput<'_>,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE business_calendars SET name = $3, time_zone = $4, hours = $5, holidays = $6,
             updated_at = now()
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id)
    .bind(c.name)
    .bind(c.time_zone)
    .bind(Json(c.hours))
    .bind(c.holidays)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Returns the deleted calendar's name, or `None` when there was no such calendar.
pub async fn delete(tx: &mut TenantTx, id: CalendarId) -> Result<Option<String>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "DELETE FROM business_calendars WHERE tenant_id = $1 AND id = $2 RETURNING name",
    )
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

/// What counts in the calendar: the names of the SLA policies using it, and whether it is the
/// shop's business-hours calendar (deleting it would silently change those).
pub async fn users_of(tx: &mut TenantTx, id: CalendarId) -> Result<(Vec<String>, bool), Error> {
    let tenant = tx.tenant();
    let policies = sqlx::query_scalar(
        "SELECT name FROM sla_policies WHERE tenant_id = $1 AND calendar_id = $2 ORDER BY position, id",
    )
    .bind(tenant)
    .bind(id)
    .fetch_all(tx.conn())
    .await?;
    let shop: bool = sqlx::query_scalar(
        "SELECT business_calendar_id IS NOT DISTINCT FROM $2 FROM tenants WHERE id = $1",
    )
    .bind(tenant)
    .bind(id)
    .fetch_one(tx.conn())
    .await?;
    Ok((policies, shop))
}
