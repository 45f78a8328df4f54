//! Alerts (spikes, stuck shipments): the shop's settings and recipients, the daily counts the
//! spike math reads, raised alerts with their dedup key, and the system mail queue.

use std::time::Duration;

use aftersail_domain::alerts::{
    KeyCounts, Settings, ShipmentThresholds, SpikeThresholds, BASELINE_DAYS,
};
use aftersail_domain::{AlertId, CustomerId, OrderId, SystemMailId, TenantId, TicketId, UserId};
use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::{Error, TenantTx};

/// Every shop, for the alerts job.
pub async fn tenants(pool: &PgPool) -> Result<Vec<TenantId>, Error> {
    sqlx::query_scalar("SELECT alert_tenants()")
        .fetch_all(pool)
        .await
}

/// Takes this shop's alert run for the transaction; `false` when another worker has it.
pub async fn try_lock(tx: &mut TenantTx) -> Result<bool, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "SELECT pg_try_advisory_xact_lock(hashtextextended('alerts:' || $1::text, 0))",
    )
    .bind(tenant)
    .fetch_one(tx.conn())
    .await
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    spikes_enabled: bool,
    spike_min_count: i32,
    spike_factor: f64,
    shipments_enabled: bool,
    stale_days: i32,
    customs_days: i32,
    notify_in_app: bool,
    notify_email: bool,
}

/// The shop's settings (the defaults until it saves some).
pub async fn settings(tx: &mut TenantTx) -> Result<Settings, Error> {
    let tenant = tx.tenant();
    let row: Option<SettingsRow> = sqlx::query_as(
        "SELECT spikes_enabled, spike_min_count, spike_factor, shipments_enabled, stale_days,
                customs_days, notify_in_app, notify_email
         FROM alert_settings WHERE tenant_id = $1",
    )
    .bind(tenant)
    .fetch_optional(tx.conn())
    .await?;
    Ok(row.map_or_else(Settings::default, |r| Settings {
        spikes_enabled: r.spikes_enabled,
        spikes: SpikeThresholds {
            min_count: u32::try_from(r.spike_min_count).unwrap_or(1),
            factor: r.spike_factor,
        },
        shipments_enabled: r.shipments_enabled,
        shipments: ShipmentThresholds {
            stale_days: u32::try_from(r.stale_days).unwrap_or(1),
            customs_days: u32::try_from(r.customs_days).unwrap_or(1),
        },
        notify_in_app: r.notify_in_app,
        notify_email: r.notify_email,
    }))
}

/// Saves the settings and makes `recipients` the chosen people (ids of other shops or of
/// nobody are ignored by the caller's check; the foreign key refuses them anyway).
pub async fn save_settings(
    tx: &mut TenantTx,
    s: &Settings,
    recipients: &[UserId],
) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query(
        "INSERT INTO alert_settings (tenant_id, spikes_enabled, spike_min_count, spike_factor,
                                     shipments_enabled, stale_days, customs_days, notify_in_app,
                                     notify_email, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
         ON CONFLICT (tenant_id) DO UPDATE SET
             spikes_enabled = EXCLUDED.spikes_enabled, spike_min_count = EXCLUDED.spike_min_count,
             spike_factor = EXCLUDED.spike_factor, shipments_enabled = EXCLUDED.shipments_enabled,
             stale_days = EXCLUDED.stale_days, customs_days = EXCLUDED.customs_days,
             notify_in_app = EXCLUDED.notify_in_app, notify_email = EXCLUDED.notify_email,
             updated_at = now()",
    )
    .bind(tenant)
    .bind(s.spikes_enabled)
    .bind(i32::try_from(s.spikes.min_count).unwrap_or(i32::MAX))
    .bind(s.spikes.factor)
    .bind(s.shipments_enabled)
    .bind(i32::try_from(s.shipments.stale_days).unwrap_or(i32::MAX))
    .bind(i32::try_from(s.shipments.customs_days).unwrap_or(i32::MAX))
    .bind(s.notify_in_app)
    .bind(s.notify_email)
    .execute(tx.conn())
    .await?;
    sqlx::query("DELETE FROM alert_recipients WHERE tenant_id = $1")
        .bind(tenant)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO alert_recipients (tenant_id, user_id)
         SELECT $1, u FROM unnest($2::uuid[]) AS u ON CONFLICT DO NOTHING",
    )
    .bind(tenant)
    .bind(recipients.iter().map(|u| u.0).collect::<Vec<_>>())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The people chosen to receive alerts (possibly none).
pub async fn chosen_recipients(tx: &mut TenantTx) -> Result<Vec<UserId>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar("SELECT user_id FROM alert_recipients WHERE tenant_id = $1")
        .bind(tenant)
        .fetch_all(tx.conn())
        .await
}

/// Who receives alerts, with their email: the chosen active people, or every active owner
/// and admin when nobody is chosen.
pub async fn recipients(tx: &mut TenantTx) -> Result<Vec<(UserId, String)>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT u.id, u.email FROM users u
         WHERE u.tenant_id = $1 AND u.active
           AND CASE WHEN EXISTS (SELECT 1 FROM alert_recipients r WHERE r.tenant_id = $1)
                    THEN EXISTS (SELECT 1 FROM alert_recipients r WHERE r.tenant_id = $1 AND r.user_id = u.id)
                    ELSE u.role IN ('owner', 'admin') END
         ORDER BY u.email",
    )
    .bind(tenant)
    .fetch_all(tx.conn())
    .await
}

/// Rows of (key, day bucket, count) → one [`KeyCounts`] per key. Bucket 0 is the last 24 h
/// before `now`, bucket n the 24 h before that; keys with nothing today are kept (their
/// `today` is 0) so the caller sees every key's history.
fn assemble(rows: Vec<(String, i32, i64)>) -> Vec<KeyCounts> {
    let mut keys: Vec<KeyCounts> = Vec::new();
    for (key, bucket, count) in rows {
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        let at = match keys.iter().position(|k| k.key == key) {
            Some(at) => at,
            None => {
                keys.push(KeyCounts {
                    key,
                    today: 0,
                    daily: vec![0; BASELINE_DAYS],
                });
                keys.len() - 1
            }
        };
        match usize::try_from(bucket) {
            Ok(0) => keys[at].today = count,
            Ok(b) if b <= BASELINE_DAYS => keys[at].daily[b - 1] = count,
            _ => {}
        }
    }
    keys
}

/// The bucket expression for a timestamp column against `$2` (now).
const BUCKET: &str = "floor(extract(epoch FROM ($2 - {col})) / 86400)::int";

async fn daily_counts(
    tx: &mut TenantTx,
    sql: &str,
    now: DateTime<Utc>,
) -> Result<Vec<KeyCounts>, Error> {
    let tenant = tx.tenant();
    let rows: Vec<(String, i32, i64)> = sqlx::query_as(sql)
        .bind(tenant)
        .bind(now)
        .bind(i32::try_from(BASELINE_DAYS).unwrap_or(28) + 1)
        .fetch_all(tx.conn())
        .await?;
    Ok(assemble(rows))
}

/// Returns (RMAs) per SKU per day over the last 29 days before `now`.
pub async fn returns_by_sku(
    tx: &mut TenantTx,
    now: DateTime<Utc>,
) -> Result<Vec<KeyCounts>, Error> {
    let bucket = BUCKET.replace("{col}", "r.created_at");
    let sql = format!(
        "SELECT i.sku, {bucket} AS bucket, count(DISTINCT r.id)
         FROM rmas r
         JOIN rma_items ri ON ri.tenant_id = r.tenant_id AND ri.rma_id = r.id
         JOIN order_items i ON i.tenant_id = ri.tenant_id AND i.id = ri.order_item_id
         WHERE r.tenant_id = $1 AND r.created_at <= $2 AND r.created_at > $2 - make_interval(days => $3)
         GROUP BY 1, 2"
    );
    daily_counts(tx, &sql, now).await
}

/// The tickets that are complaints (intent or type), as a SQL condition on `t`.
const COMPLAINT: &str = "(t.intent = 'complaint' OR t.type = 'complaint')";

/// Complaint tickets per SKU of their order per day over the last 29 days before `now`.
pub async fn complaints_by_sku(
    tx: &mut TenantTx,
    now: DateTime<Utc>,
) -> Result<Vec<KeyCounts>, Error> {
    let bucket = BUCKET.replace("{col}", "t.created_at");
    let sql = format!(
        "SELECT i.sku, {bucket} AS bucket, count(DISTINCT t.id)
         FROM tickets t
         JOIN order_items i ON i.tenant_id = t.tenant_id AND i.order_id = t.order_id
         WHERE t.tenant_id = $1 AND {COMPLAINT}
           AND t.created_at <= $2 AND t.created_at > $2 - make_interval(days => $3)
         GROUP BY 1, 2"
    );
    daily_counts(tx, &sql, now).await
}

/// Complaint tickets per channel per day over the last 29 days before `now`.
pub async fn complaints_by_channel(
    tx: &mut TenantTx,
    now: DateTime<Utc>,
) -> Result<Vec<KeyCounts>, Error> {
    let bucket = BUCKET.replace("{col}", "t.created_at");
    let sql = format!(
        "SELECT t.channel, {bucket} AS bucket, count(*)
         FROM tickets t
         WHERE t.tenant_id = $1 AND {COMPLAINT}
           AND t.created_at <= $2 AND t.created_at > $2 - make_interval(days => $3)
         GROUP BY 1, 2"
    );
    daily_counts(tx, &sql, now).await
}

pub struct NewAlert<'a> {
    pub kind: &'a str,
    pub key: &'a str,
    pub dedup_key: &'a str,
    pub count: i32,
    pub baseline_mean: f64,
    pub baseline_sd: f64,
    pub days: Option<i32>,
    pub order_id: Option<OrderId>,
    pub at: DateTime<Utc>,
}

/// Records the alert unless one with its dedup key exists; `None` when it did.
pub async fn raise(tx: &mut TenantTx, a: NewAlert<'_>) -> Result<Option<AlertId>, Error> {
    let tenant = tx.tenant();
    sqlx::query_scalar(
        "INSERT INTO alerts (tenant_id, id, kind, key, dedup_key, count, baseline_mean, baseline_sd,
                             days, order_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (tenant_id, dedup_key) DO NOTHING RETURNING id",
    )
    .bind(tenant)
    .bind(AlertId::new())
    .bind(a.kind)
    .bind(a.key)
    .bind(a.dedup_key)
    .bind(a.count)
    .bind(a.baseline_mean)
    .bind(a.baseline_sd)
    .bind(a.days)
    .bind(a.order_id)
    .bind(a.at)
    .fetch_optional(tx.conn())
    .await
}

/// Links the alert to the ticket it opened or noted.
pub async fn set_ticket(tx: &mut TenantTx, id: AlertId, ticket: TicketId) -> Result<(), Error> {
    let tenant = tx.tenant();
    sqlx::query("UPDATE alerts SET ticket_id = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(ticket)
        .execute(tx.conn())
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Alert {
    pub id: AlertId,
    pub kind: String,
    pub key: String,
    pub count: i32,
    pub baseline_mean: f64,
    pub days: Option<i32>,
    pub ticket_number: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub acknowledged_by_name: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// The newest alerts first.
pub async fn list(tx: &mut TenantTx, limit: i64) -> Result<Vec<Alert>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT a.id, a.kind, a.key, a.count, a.baseline_mean, a.days, t.number AS ticket_number,
                a.created_at, u.name AS acknowledged_by_name, a.acknowledged_at
         FROM alerts a
         LEFT JOIN tickets t ON t.tenant_id = a.tenant_id AND t.id = a.ticket_id
         LEFT JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.acknowledged_by
         WHERE a.tenant_id = $1 ORDER BY a.created_at DESC, a.id DESC LIMIT $2",
    )
    .bind(tenant)
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}

/// Marks the alert acknowledged (once; later calls keep the first). `false`: no such alert.
pub async fn acknowledge(
    tx: &mut TenantTx,
    id: AlertId,
    user: UserId,
    at: DateTime<Utc>,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let found: Option<AlertId> = sqlx::query_scalar(
        "UPDATE alerts SET acknowledged_by = coalesce(acknowledged_by, $3),
                           acknowledged_at = coalesce(acknowledged_at, $4)
         WHERE tenant_id = $1 AND id = $2 RETURNING id",
    )
    .bind(tenant)
    .bind(id)
    .bind(user)
    .bind(at)
    .fetch_optional(tx.conn())
    .await?;
    Ok(found.is_some())
}

/// A shipped, undelivered order whose tracking has not moved, with the buyer's newest open
/// ticket about it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StuckOrder {
    pub id: OrderId,
    pub customer_id: CustomerId,
    pub channel: String,
    pub external_id: String,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub tracking_status: Option<String>,
    pub shipped_at: DateTime<Utc>,
    pub tracking_updated_at: DateTime<Utc>,
    pub open_ticket_id: Option<TicketId>,
}

/// Orders whose last tracking update is at least `min_days` before `now` and that have no
/// shipment alert yet (read through `orders_in_transit_idx`).
pub async fn stuck_orders(
    tx: &mut TenantTx,
    now: DateTime<Utc>,
    min_days: u32,
    limit: i64,
) -> Result<Vec<StuckOrder>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(
        "SELECT o.id, o.customer_id, o.channel, o.external_id, o.carrier, o.tracking_number,
                o.tracking_status, o.shipped_at, o.tracking_updated_at,
                (SELECT t.id FROM tickets t
                 WHERE t.tenant_id = o.tenant_id AND t.order_id = o.id
                   AND t.status NOT IN ('solved', 'closed')
                 ORDER BY t.created_at DESC LIMIT 1) AS open_ticket_id
         FROM orders o
         WHERE o.tenant_id = $1 AND o.shipped_at IS NOT NULL AND o.delivered_at IS NULL
           AND o.tracking_updated_at <= $2 - make_interval(days => $3)
           AND o.tracking_status IS DISTINCT FROM 'delivered'
           AND NOT EXISTS (SELECT 1 FROM alerts a
                           WHERE a.tenant_id = o.tenant_id AND a.dedup_key = 'shipment:' || o.id::text)
         ORDER BY o.tracking_updated_at LIMIT $4",
    )
    .bind(tenant)
    .bind(now)
    .bind(i32::try_from(min_days).unwrap_or(i32::MAX))
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}

// ---- System mail --------------------------------------------------------------------------

/// Queues a mail in the caller's transaction (so it exists exactly when the alert does).
pub async fn enqueue_mail(
    tx: &mut TenantTx,
    alert: Option<AlertId>,
    to: &str,
    subject: &str,
    body: &str,
    at: DateTime<Utc>,
) -> Result<SystemMailId, Error> {
    let tenant = tx.tenant();
    let id = SystemMailId::new();
    sqlx::query(
        "INSERT INTO system_mail (tenant_id, id, alert_id, to_address, subject, body, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(tenant)
    .bind(id)
    .bind(alert)
    .bind(to)
    .bind(subject)
    .bind(body)
    .bind(at)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MailClaim {
    pub tenant_id: TenantId,
    pub id: SystemMailId,
    pub lease_id: uuid::Uuid,
}

/// Claims due mail across shops (SKIP LOCKED, leased).
pub async fn claim_mail(
    pool: &PgPool,
    limit: i32,
    lease: Duration,
) -> Result<Vec<MailClaim>, Error> {
    sqlx::query_as("SELECT tenant_id, id, lease_id FROM claim_system_mail($1, $2)")
        .bind(limit)
        .bind(crate::whole_millis(lease))
        .fetch_all(pool)
        .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Mail {
    pub id: SystemMailId,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

const MAIL_COLUMNS: &str =
    "id, to_address, subject, body, state, attempts, last_error, created_at, sent_at";

/// The mail, while the lease is still `lease`.
pub async fn leased_mail(
    tx: &mut TenantTx,
    id: SystemMailId,
    lease: uuid::Uuid,
) -> Result<Option<Mail>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {MAIL_COLUMNS} FROM system_mail WHERE tenant_id = $1 AND id = $2 AND lease_id = $3"
    ))
    .bind(tenant)
    .bind(id)
    .bind(lease)
    .fetch_optional(tx.conn())
    .await
}

/// Records an attempt's outcome, only while the lease is still ours; `attempted` counts it.
pub async fn finish_mail(
    tx: &mut TenantTx,
    id: SystemMailId,
    lease: uuid::Uuid,
    state: &str,
    error: Option<&str>,
    next_attempt_at: DateTime<Utc>,
    attempted: bool,
) -> Result<bool, Error> {
    let tenant = tx.tenant();
    let done = sqlx::query(
        "UPDATE system_mail SET state = $4, last_error = $5, next_attempt_at = $6,
                attempts = attempts + CASE WHEN $7 THEN 1 ELSE 0 END,
                sent_at = CASE WHEN $4 = 'sent' THEN now() ELSE sent_at END,
                lease_id = NULL, lease_until = NULL
         WHERE tenant_id = $1 AND id = $2 AND lease_id = $3",
    )
    .bind(tenant)
    .bind(id)
    .bind(lease)
    .bind(state)
    .bind(error)
    .bind(next_attempt_at)
    .bind(attempted)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The shop's newest system mail, for the alerts page.
pub async fn recent_mail(tx: &mut TenantTx, limit: i64) -> Result<Vec<Mail>, Error> {
    let tenant = tx.tenant();
    sqlx::query_as(&format!(
        "SELECT {MAIL_COLUMNS} FROM system_mail WHERE tenant_id = $1
         ORDER BY created_at DESC, id DESC LIMIT $2"
    ))
    .bind(tenant)
    .bind(limit)
    .fetch_all(tx.conn())
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_one_history_per_key() {
        let keys = assemble(vec![
            ("A".into(), 0, 8),
            ("A".into(), 1, 1),
            ("A".into(), 28, 2),
            ("A".into(), 29, 9),
            ("B".into(), 3, 5),
        ]);
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].today, 8);
        assert_eq!(keys[0].daily[0], 1);
        assert_eq!(keys[0].daily[27], 2);
        assert_eq!(keys[0].daily.iter().sum::<u32>(), 3);
        assert_eq!(keys[1].today, 0);
        assert_eq!(keys[1].daily[2], 5);
    }
}
