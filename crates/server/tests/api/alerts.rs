//! Alerts: return and complaint spikes against each key's own baseline, stuck shipments that
//! get one proactive ticket before the buyer writes, delivery to the chosen people in-app and
//! by email (an SMTP sink), and Settings → Alerts (validation, agents 403, other shops 404).

use std::time::Duration;

use aftersail_db::{customers, orders, tickets, TenantTx};
use aftersail_domain::{CustomerId, OrderId, OrderItemId, TenantId};
use aftersail_worker::{alerts, system_mail};
use chrono::{DateTime, Duration as Days, Utc};
use reqwest::StatusCode;

use crate::helpers::*;
use crate::mail_servers::{SinkOptions, SmtpSink};

const LEASE: Duration = Duration::from_secs(60);

async fn customer(app: &TestApp, tenant: uuid::Uuid, name: &str) -> CustomerId {
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    let id = customers::create(
        &mut tx,
        customers::NewCustomer {
            name,
            email: None,
            country: Some("DE"),
            language: Some("de"),
            currency: "EUR",
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// An order as a channel reports it (through the upsert the connectors use).
async fn channel_order(
    app: &TestApp,
    tenant: uuid::Uuid,
    customer: CustomerId,
    external_id: &str,
    status: &str,
    tracking: Option<&str>,
    skus: &[&str],
) -> OrderId {
    let items: Vec<(&str, &str, i32, i64)> = skus.iter().map(|s| (*s, "Item", 1, 1000)).collect();
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    let id = orders::upsert_external(
        &mut tx,
        orders::ExternalOrder {
            customer_id: customer,
            channel: "amazon",
            external_id,
            status,
            total_minor: 1000,
            currency: "EUR",
            shipping_country: Some("DE"),
            carrier: Some("DHL"),
            tracking_number: tracking,
            ordered_at: Utc::now() - Days::days(10),
            delivered_at: None,
            tracking_status: aftersail_domain::alerts::tracking_status(status, false),
            items: &items,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn item_of(app: &TestApp, order: OrderId, sku: &str) -> OrderItemId {
    sqlx::query_scalar("SELECT id FROM order_items WHERE order_id = $1 AND sku = $2")
        .bind(order)
        .bind(sku)
        .fetch_one(&app.admin)
        .await
        .unwrap()
}

/// `per_day` returns of `item` on each of the 28 days before `now`, and `today` in the last 24 h.
#[allow(clippy::too_many_arguments)]
async fn returns_history(
    app: &TestApp,
    tenant: uuid::Uuid,
    order: OrderId,
    customer: CustomerId,
    item: OrderItemId,
    per_day: i32,
    today: i32,
    now: DateTime<Utc>,
) {
    sqlx::query(
        "WITH r AS (
             INSERT INTO rmas (tenant_id, id, code, order_id, customer_id, status, reason, created_at)
             SELECT $1, gen_random_uuid(), 'R-' || gen_random_uuid(), $2, $3, 'requested', 'defective',
                    CASE WHEN d = 0 THEN $6 - make_interval(mins => 10 + n)
                         ELSE $6 - make_interval(days => d, hours => 2, mins => n) END
             FROM generate_series(0, 28) d, generate_series(1, greatest($5, $7)) n
             WHERE (d = 0 AND n <= $7) OR (d > 0 AND n <= $5)
             RETURNING tenant_id, id)
         INSERT INTO rma_items (tenant_id, rma_id, order_item_id, quantity) SELECT tenant_id, id, $4, 1 FROM r",
    )
    .bind(tenant)
    .bind(order)
    .bind(customer)
    .bind(item)
    .bind(per_day)
    .bind(now)
    .bind(today)
    .execute(&app.admin)
    .await
    .unwrap();
}

async fn alert_rows(app: &TestApp, tenant: uuid::Uuid) -> Vec<(String, String, i32, f64)> {
    sqlx::query_as(
        "SELECT kind, key, count, baseline_mean FROM alerts WHERE tenant_id = $1 ORDER BY kind, key",
    )
    .bind(tenant)
    .fetch_all(&app.admin)
    .await
    .unwrap()
}

async fn notifications_of(app: &TestApp, email: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT n.text FROM notifications n JOIN users u ON u.tenant_id = n.tenant_id AND u.id = n.user_id
         WHERE u.email = $1 ORDER BY n.created_at",
    )
    .bind(email)
    .fetch_all(&app.admin)
    .await
    .unwrap()
}

async fn save_settings(b: &Browser, form: &[(&str, &str)]) -> reqwest::Response {
    b.post("/settings/alerts", form).await
}

const DEFAULTS: [(&str, &str); 5] = [
    ("spikes_enabled", "1"),
    ("min_count", "3"),
    ("factor", "2.0"),
    ("stale_days", "5"),
    ("customs_days", "4"),
];

#[tokio::test]
async fn a_return_spike_on_one_sku_alerts_once_and_a_steady_sku_never() {
    let app = spawn_app().await;
    let owner = app.shop("Mugs", "owner@mugs.test").await;
    let agent = app.member(&owner, "agent@mugs.test", "agent").await;
    let tenant = app.tenant_of("owner@mugs.test").await;
    let now = Utc::now();
    let buyer = customer(&app, tenant, "Anna").await;
    let order = channel_order(
        &app,
        tenant,
        buyer,
        "A-1",
        "delivered",
        None,
        &["MUG-01", "PLATE-02"],
    )
    .await;
    let (a, b) = (
        item_of(&app, order, "MUG-01").await,
        item_of(&app, order, "PLATE-02").await,
    );
    returns_history(&app, tenant, order, buyer, a, 1, 8, now).await;
    returns_history(&app, tenant, order, buyer, b, 3, 3, now).await;

    // While another worker holds the shop, this one skips it and raises nothing.
    let mut holder = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    assert!(aftersail_db::alerts::try_lock(&mut holder).await.unwrap());
    let round = alerts::run_once(&app.pool, now).await.unwrap();
    assert_eq!((round.skipped, round.spikes), (1, 0), "{round:?}");
    assert!(alert_rows(&app, tenant).await.is_empty());
    drop(holder);

    // Two workers at once: one takes the shop, the other skips it (or finds it done).
    let (r1, r2) = tokio::join!(
        alerts::run_once(&app.pool, now),
        alerts::run_once(&app.pool, now)
    );
    let (r1, r2) = (r1.unwrap(), r2.unwrap());
    assert_eq!(r1.spikes + r2.spikes, 1, "{r1:?} {r2:?}");
    let rows = alert_rows(&app, tenant).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].0.as_str(), rows[0].1.as_str(), rows[0].2),
        ("return_spike_sku", "MUG-01", 8)
    );
    assert!((rows[0].3 - 1.0).abs() < 1e-9);
    // Nobody chosen: owners and admins hear of it, in-app.
    assert_eq!(
        notifications_of(&app, "owner@mugs.test").await,
        vec!["SKU MUG-01: 8 returns today, baseline 1.0/day".to_owned()]
    );
    assert!(notifications_of(&app, "agent@mugs.test").await.is_empty());

    // Later runs the same day raise nothing more (one alert per key per day). Halfway to
    // midnight UTC, so that a run started late in the day stays in it.
    let midnight = (now.date_naive() + Days::days(1))
        .and_time(chrono::NaiveTime::MIN)
        .and_utc();
    let later = now + (midnight - now) / 2;
    assert_eq!(alerts::run_once(&app.pool, later).await.unwrap().spikes, 0);
    assert_eq!(alert_rows(&app, tenant).await.len(), 1);
    assert_eq!(notifications_of(&app, "owner@mugs.test").await.len(), 1);

    // Agents see it with its figures and a link to the returns, and acknowledge it.
    let html = agent.page("/alerts").await;
    assert!(
        html.contains("SKU MUG-01: 8 returns today, baseline 1.0/day"),
        "{html}"
    );
    assert!(html.contains("/returns?q=MUG-01"));
    // The link lists that SKU's returns only.
    let code_of = |sku: &'static str| {
        sqlx::query_scalar::<_, String>(
            "SELECT r.code FROM rmas r JOIN rma_items ri ON ri.rma_id = r.id
             JOIN order_items i ON i.id = ri.order_item_id WHERE i.sku = $1
             ORDER BY r.created_at DESC LIMIT 1",
        )
        .bind(sku)
        .fetch_one(&app.admin)
    };
    let (mug, plate) = (
        code_of("MUG-01").await.unwrap(),
        code_of("PLATE-02").await.unwrap(),
    );
    let listed = agent.page("/returns?q=MUG-01").await;
    assert!(
        listed.contains(&mug) && !listed.contains(&plate),
        "{listed}"
    );
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM alerts")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    let r = agent.post(&format!("/alerts/{id}/acknowledge"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (by, at): (Option<uuid::Uuid>, Option<DateTime<Utc>>) =
        sqlx::query_as("SELECT acknowledged_by, acknowledged_at FROM alerts WHERE id = $1")
            .bind(id)
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(by, Some(app.id_of_user("agent@mugs.test").await));
    assert!(at.is_some());
    let html = agent.page("/alerts").await;
    assert!(html.contains("Acknowledged by Member Person"), "{html}");

    // Another shop cannot acknowledge it: 404, and it stays as it was.
    let other = app.shop("Other", "owner@other.test").await;
    let r = other.post(&format!("/alerts/{id}/acknowledge"), &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(!other.page("/alerts").await.contains("MUG-01"));
    // Without the form's token the acknowledge is refused.
    let r = agent
        .post_with(&format!("/alerts/{id}/acknowledge"), "wrong", &[])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn complaints_spike_per_channel_against_the_channels_own_baseline() {
    let app = spawn_app().await;
    app.shop("Shop", "owner@shop.test").await;
    let tenant = app.tenant_of("owner@shop.test").await;
    let now = Utc::now();
    let buyer = customer(&app, tenant, "Ben").await;
    let order = channel_order(&app, tenant, buyer, "C-1", "delivered", None, &["LAMP-7"]).await;
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    let complaint = |channel: &'static str, at: DateTime<Utc>| tickets::NewTicket {
        channel,
        customer_id: buyer,
        order_id: None,
        subject: "Unhappy",
        status: "open",
        priority: "normal",
        kind: Some("complaint"),
        language: None,
        at,
    };
    // ebay: one complaint a day for 28 days, one today (steady); shopee: new, four today.
    for d in 1..=28 {
        let t = complaint("ebay", now - Days::days(d) - Days::hours(1));
        tickets::create(&mut tx, t).await.unwrap();
    }
    tickets::create(&mut tx, complaint("ebay", now - Days::hours(1)))
        .await
        .unwrap();
    // The shopee complaints are about an order of SKU LAMP-7: a spike for the SKU too.
    for m in 0..4 {
        let mut t = complaint("shopee", now - Days::minutes(5 + m));
        t.order_id = Some(order);
        tickets::create(&mut tx, t).await.unwrap();
    }
    // Questions are not complaints.
    for m in 0..6 {
        let mut t = complaint("amazon", now - Days::minutes(5 + m));
        t.kind = Some("question");
        tickets::create(&mut tx, t).await.unwrap();
    }
    tx.commit().await.unwrap();
    // An intent of complaint counts as much as the type.
    sqlx::query(
        "UPDATE tickets SET intent = 'complaint' WHERE channel = 'shopee' AND type = 'complaint'",
    )
    .execute(&app.admin)
    .await
    .unwrap();

    let round = alerts::run_once(&app.pool, now).await.unwrap();
    assert_eq!(round.spikes, 2, "{round:?}");
    let rows = alert_rows(&app, tenant).await;
    let rows: Vec<(&str, &str, i32)> = rows
        .iter()
        .map(|r| (r.0.as_str(), r.1.as_str(), r.2))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("complaint_spike_channel", "shopee", 4),
            ("complaint_spike_sku", "LAMP-7", 4)
        ]
    );
    let mut heard = notifications_of(&app, "owner@shop.test").await;
    heard.sort();
    assert_eq!(
        heard,
        vec![
            "Channel shopee: 4 complaints today, baseline 0.0/day".to_owned(),
            "SKU LAMP-7: 4 complaints today, baseline 0.0/day".to_owned()
        ]
    );
    assert_eq!(alerts::run_once(&app.pool, now).await.unwrap().spikes, 0);
}

async fn shipped_days_ago(app: &TestApp, order: OrderId, days: i64, status: Option<&str>) {
    sqlx::query(
        "UPDATE orders SET tracking_updated_at = now() - make_interval(days => $2::int, hours => 1),
                           shipped_at = now() - make_interval(days => $2::int + 1),
                           tracking_status = coalesce($3, tracking_status)
         WHERE id = $1",
    )
    .bind(order)
    .bind(days as i32)
    .bind(status)
    .execute(&app.admin)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_stuck_shipment_gets_one_proactive_ticket_before_the_buyer_writes() {
    let app = spawn_app().await;
    let owner = app.shop("Ship", "owner@ship.test").await;
    let tenant = app.tenant_of("owner@ship.test").await;
    let mut form = DEFAULTS.to_vec();
    form.extend([("shipments_enabled", "1"), ("notify_in_app", "1")]);
    let r = save_settings(&owner, &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let buyer = customer(&app, tenant, "Cora").await;
    // Tracking facts come from the order upsert: a shipped order has a clock.
    let stale = channel_order(
        &app,
        tenant,
        buyer,
        "111-1",
        "shipped",
        Some("TRK1"),
        &["MUG-01"],
    )
    .await;
    let (shipped, updated): (Option<DateTime<Utc>>, Option<DateTime<Utc>>) =
        sqlx::query_as("SELECT shipped_at, tracking_updated_at FROM orders WHERE id = $1")
            .bind(stale)
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert!(shipped.is_some() && updated.is_some());
    let paid = channel_order(&app, tenant, buyer, "111-0", "paid", None, &["MUG-01"]).await;
    let unshipped: (Option<DateTime<Utc>>, Option<String>) =
        sqlx::query_as("SELECT shipped_at, tracking_status FROM orders WHERE id = $1")
            .bind(paid)
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(unshipped, (None, None));
    let delivered = channel_order(
        &app,
        tenant,
        buyer,
        "111-2",
        "shipped",
        Some("TRK2"),
        &["MUG-01"],
    )
    .await;
    let written = channel_order(
        &app,
        tenant,
        buyer,
        "111-3",
        "shipped",
        Some("TRK3"),
        &["MUG-01"],
    )
    .await;
    let customs = channel_order(
        &app,
        tenant,
        buyer,
        "111-4",
        "shipped",
        Some("TRK4"),
        &["MUG-01"],
    )
    .await;
    let recent = channel_order(
        &app,
        tenant,
        buyer,
        "111-5",
        "shipped",
        Some("TRK5"),
        &["MUG-01"],
    )
    .await;
    shipped_days_ago(&app, stale, 6, None).await;
    shipped_days_ago(&app, delivered, 9, None).await;
    shipped_days_ago(&app, written, 7, None).await;
    shipped_days_ago(&app, customs, 4, Some("in_customs")).await;
    shipped_days_ago(&app, recent, 2, None).await;
    // The delivered one is delivered now (the upsert moves its tracking facts).
    channel_order(
        &app,
        tenant,
        buyer,
        "111-2",
        "delivered",
        Some("TRK2"),
        &["MUG-01"],
    )
    .await;
    // The buyer of 111-3 already wrote.
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    let (_, buyer_ticket) = tickets::create(
        &mut tx,
        tickets::NewTicket {
            channel: "amazon",
            customer_id: buyer,
            order_id: Some(written),
            subject: "Where is my parcel?",
            status: "open",
            priority: "normal",
            kind: None,
            language: None,
            at: Utc::now() - Days::days(1),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let now = Utc::now();
    let round = alerts::run_once(&app.pool, now).await.unwrap();
    assert_eq!((round.proactive_tickets, round.notes), (2, 1), "{round:?}");

    let opened: Vec<(String, Vec<String>, String, String)> = sqlx::query_as(
        "SELECT t.subject, t.tags, t.priority, o.external_id FROM tickets t JOIN orders o ON o.id = t.order_id
         WHERE 'proactive' = ANY(t.tags) ORDER BY o.external_id",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(opened.len(), 2, "{opened:?}");
    assert_eq!(opened[0].0, "Shipment #111-1 has not moved for 6 days");
    assert_eq!(opened[0].1, vec!["proactive".to_owned()]);
    assert_eq!(opened[0].2, "normal");
    assert_eq!(
        opened[1].0,
        "Shipment #111-4 has been in customs for 4 days"
    );
    let note: String = sqlx::query_scalar(
        "SELECT m.body_text FROM messages m JOIN tickets t ON t.id = m.ticket_id
         WHERE t.subject LIKE 'Shipment #111-1%' AND m.kind = 'note'",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert!(
        note.contains("Tracking number: TRK1") && note.contains("Carrier: DHL"),
        "{note}"
    );
    // The buyer's own ticket got a note instead of a second ticket.
    let notes: Vec<String> = sqlx::query_scalar(
        "SELECT m.body_text FROM messages m JOIN tickets t ON t.id = m.ticket_id
         WHERE t.number = $1 AND m.kind = 'note'",
    )
    .bind(buyer_ticket)
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].starts_with("Shipment #111-3 has not moved for 7 days"),
        "{notes:?}"
    );
    let about_written: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets WHERE order_id = $1")
        .bind(written)
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(about_written, 1);
    // Nothing for the delivered, recent or unshipped orders.
    let alerted: Vec<String> = sqlx::query_scalar("SELECT key FROM alerts ORDER BY key")
        .fetch_all(&app.admin)
        .await
        .unwrap();
    assert_eq!(alerted, vec!["111-1", "111-3", "111-4"]);
    // The owner heard of each, linked to the ticket.
    let heard = notifications_of(&app, "owner@ship.test").await;
    assert_eq!(heard.len(), 3, "{heard:?}");
    let html = owner.page("/alerts").await;
    assert!(
        html.contains("Order 111-4: in customs for 4 days"),
        "{html}"
    );
    assert!(html.contains("/tickets/"));

    // A re-run opens nothing more; three days later only 111-5 (now 5 days still) is new.
    let round = alerts::run_once(&app.pool, now).await.unwrap();
    assert_eq!((round.proactive_tickets, round.notes), (0, 0), "{round:?}");
    let round = alerts::run_once(&app.pool, now + Days::days(3))
        .await
        .unwrap();
    assert_eq!((round.proactive_tickets, round.notes), (1, 0), "{round:?}");
    let proactive: i64 =
        sqlx::query_scalar("SELECT count(*) FROM tickets WHERE 'proactive' = ANY(tags)")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(proactive, 3);

    // A new tracking number moves the clock; the same one doesn't.
    let before: DateTime<Utc> =
        sqlx::query_scalar("SELECT tracking_updated_at FROM orders WHERE id = $1")
            .bind(recent)
            .fetch_one(&app.admin)
            .await
            .unwrap();
    channel_order(
        &app,
        tenant,
        buyer,
        "111-5",
        "shipped",
        Some("TRK5"),
        &["MUG-01"],
    )
    .await;
    let same: DateTime<Utc> =
        sqlx::query_scalar("SELECT tracking_updated_at FROM orders WHERE id = $1")
            .bind(recent)
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(same, before);
    channel_order(
        &app,
        tenant,
        buyer,
        "111-5",
        "shipped",
        Some("TRK5-NEW"),
        &["MUG-01"],
    )
    .await;
    let moved: DateTime<Utc> =
        sqlx::query_scalar("SELECT tracking_updated_at FROM orders WHERE id = $1")
            .bind(recent)
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert!(moved > before + Days::days(1));
}

#[tokio::test]
async fn alerts_reach_only_the_chosen_person_in_app_and_by_email() {
    let sink = SmtpSink::start(SinkOptions::default());
    let app = spawn_app().await;
    let owner = app.shop("Mail", "owner@mail.test").await;
    app.member(&owner, "agent@mail.test", "agent").await;
    let tenant = app.tenant_of("owner@mail.test").await;
    let agent_id = app.id_of_user("agent@mail.test").await.to_string();
    let mut form = DEFAULTS.to_vec();
    form.extend([
        ("notify_in_app", "1"),
        ("notify_email", "1"),
        ("recipient", agent_id.as_str()),
    ]);
    assert_eq!(
        save_settings(&owner, &form).await.status(),
        StatusCode::SEE_OTHER
    );

    let now = Utc::now();
    let buyer = customer(&app, tenant, "Dora").await;
    let order = channel_order(&app, tenant, buyer, "M-1", "delivered", None, &["MUG-01"]).await;
    let item = item_of(&app, order, "MUG-01").await;
    returns_history(&app, tenant, order, buyer, item, 1, 9, now).await;
    assert_eq!(alerts::run_once(&app.pool, now).await.unwrap().spikes, 1);
    assert_eq!(
        notifications_of(&app, "agent@mail.test").await,
        vec!["SKU MUG-01: 9 returns today, baseline 1.0/day".to_owned()]
    );
    assert!(notifications_of(&app, "owner@mail.test").await.is_empty());

    // No SMTP configured: the mail waits, visibly, and is not lost.
    let round = system_mail::run_once(&app.pool, None, LEASE).await.unwrap();
    assert_eq!(round.not_configured, 1);
    let html = owner.page("/settings/alerts").await;
    assert!(html.contains("no SMTP server configured"), "{html}");
    assert!(html.contains("agent@mail.test"));

    // Once SMTP is there, it goes out to the agent only.
    sqlx::query("UPDATE system_mail SET next_attempt_at = now()")
        .execute(&app.admin)
        .await
        .unwrap();
    let cfg = sink.config();
    let round = system_mail::run_once(&app.pool, Some(&cfg), LEASE)
        .await
        .unwrap();
    assert_eq!(round.sent, 1, "{round:?}");
    let received = sink.received();
    assert_eq!(received.len(), 1);
    let raw = String::from_utf8_lossy(&received[0].1);
    assert!(raw.contains("To: agent@mail.test"), "{raw}");
    assert!(raw.contains("SKU MUG-01: 9 returns today"), "{raw}");
    let state: String = sqlx::query_scalar("SELECT state FROM system_mail")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(state, "sent");
    // Sent mail is not sent again.
    let round = system_mail::run_once(&app.pool, Some(&cfg), LEASE)
        .await
        .unwrap();
    assert_eq!(round.sent, 0);
    assert_eq!(sink.received().len(), 1);
}

#[tokio::test]
async fn alert_mail_is_retried_when_the_server_is_down_and_dead_when_refused() {
    let sink = SmtpSink::start(SinkOptions {
        reject: vec!["gone@shop.test".into()],
        ..SinkOptions::default()
    });
    let app = spawn_app().await;
    let owner = app.shop("Retry", "owner@retry.test").await;
    let tenant = app.tenant_of("owner@retry.test").await;
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    for to in ["gone@shop.test", "owner@retry.test"] {
        aftersail_db::alerts::enqueue_mail(
            &mut tx,
            None,
            to,
            "[Aftersail alert] test",
            "Body",
            Utc::now(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    // The server is down: both wait for a retry, counted, with the reason.
    let mut down = sink.config();
    down.port = crate::mail_servers::closed_port();
    let round = system_mail::run_once(&app.pool, Some(&down), LEASE)
        .await
        .unwrap();
    assert_eq!(round.failed, 2, "{round:?}");
    let states: Vec<(String, i32, bool)> = sqlx::query_as(
        "SELECT state, attempts, next_attempt_at > now() FROM system_mail ORDER BY to_address",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(
        states,
        vec![
            ("failed".to_owned(), 1, true),
            ("failed".to_owned(), 1, true)
        ]
    );
    // Not due yet: nothing is tried again.
    let round = system_mail::run_once(&app.pool, Some(&sink.config()), LEASE)
        .await
        .unwrap();
    assert_eq!(round.sent + round.failed, 0);

    // When due, the good address gets it; the refused one is dead, with the reason shown.
    sqlx::query("UPDATE system_mail SET next_attempt_at = now()")
        .execute(&app.admin)
        .await
        .unwrap();
    let round = system_mail::run_once(&app.pool, Some(&sink.config()), LEASE)
        .await
        .unwrap();
    assert_eq!((round.sent, round.failed), (1, 1), "{round:?}");
    let states: Vec<(String, String)> =
        sqlx::query_as("SELECT to_address, state FROM system_mail ORDER BY to_address")
            .fetch_all(&app.admin)
            .await
            .unwrap();
    assert_eq!(
        states,
        vec![
            ("gone@shop.test".to_owned(), "dead".to_owned()),
            ("owner@retry.test".to_owned(), "sent".to_owned())
        ]
    );
    assert_eq!(sink.received().len(), 1);
    let html = owner.page("/settings/alerts").await;
    assert!(html.contains(r#"data-mail-state="dead""#), "{html}");
}

#[tokio::test]
async fn alert_settings_are_checked_audited_and_for_admins_only() {
    let app = spawn_app().await;
    let owner = app.shop("Conf", "owner@conf.test").await;
    let agent = app.member(&owner, "agent@conf.test", "agent").await;
    let other = app.shop("Else", "owner@else.test").await;
    let stranger = app.id_of_user("owner@else.test").await.to_string();
    drop(other);

    let html = owner.page("/settings/alerts").await;
    assert!(html.contains("Factor over the 28-day baseline"), "{html}");
    assert!(html.contains("agent@conf.test"));

    assert_eq!(
        agent.get("/settings/alerts").await.status(),
        StatusCode::FORBIDDEN
    );
    let r = save_settings(&agent, &DEFAULTS).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = save_settings(
        &owner,
        &[
            ("spikes_enabled", "1"),
            ("min_count", "0"),
            ("factor", "half"),
            ("stale_days", "0"),
            ("customs_days", "400"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for message in [
        "Enter a whole number from 1 to 10000.",
        "Enter a number from 1 to 100, e.g. 2 or 2.5.",
        "Enter a whole number of days from 1 to 90.",
        "While an alert is on, choose in-app notification, email or both.",
    ] {
        assert!(html.contains(message), "{message} missing");
    }
    assert!(
        html.contains(r#"value="half""#),
        "the form keeps what was sent"
    );
    // Someone of another shop is not a recipient here.
    let mut form = DEFAULTS.to_vec();
    form.extend([("notify_in_app", "1"), ("recipient", stranger.as_str())]);
    let r = save_settings(&owner, &form).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Choose active people of this shop."));
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM alert_settings")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(stored, 0, "nothing saved");

    let mut form = DEFAULTS.to_vec();
    form[2] = ("factor", "2,5");
    form.extend([("notify_email", "1"), ("shipments_enabled", "1")]);
    let r = save_settings(&owner, &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let saved: (bool, i32, f64, bool, bool, bool) = sqlx::query_as(
        "SELECT spikes_enabled, spike_min_count, spike_factor, shipments_enabled, notify_in_app, notify_email
         FROM alert_settings",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(saved, (true, 3, 2.5, true, false, true));
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'alerts.settings_saved'",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(audited, 1);
    let html = owner.page("/settings/alerts?notice=alerts_saved").await;
    assert!(html.contains("Alert settings saved."));
    assert!(html.contains(r#"value="2.5""#));
}

/// Figures for docs/alerts.md: one pass over a shop with 100,000 orders (200 in transit,
/// 50 of them stuck) and 30,000 complaint tickets over 29 days. `cargo test … -- --ignored`.
#[tokio::test]
#[ignore]
async fn alerts_pass_cost_at_scale() {
    let app = spawn_app().await;
    let owner = app.shop("Big", "owner@big.test").await;
    let tenant = app.tenant_of("owner@big.test").await;
    let mut form = DEFAULTS.to_vec();
    form.extend([("shipments_enabled", "1"), ("notify_in_app", "1")]);
    assert_eq!(
        save_settings(&owner, &form).await.status(),
        StatusCode::SEE_OTHER
    );
    let buyer = customer(&app, tenant, "Many").await;
    let mut tx = app.admin.begin().await.unwrap();
    sqlx::query("SELECT set_config('app.automation', 'off', true)")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO orders (tenant_id, id, customer_id, channel, external_id, status, total_minor, currency,
                             ordered_at, delivered_at, shipped_at, tracking_status, tracking_updated_at)
         SELECT $1, gen_random_uuid(), $2, 'amazon', 'BIG-' || g, 'shipped', 1000, 'EUR', now() - interval '20 days',
                CASE WHEN g > 200 THEN now() - interval '5 days' END, now() - interval '15 days',
                CASE WHEN g > 200 THEN 'delivered' ELSE 'in_transit' END,
                CASE WHEN g <= 50 THEN now() - interval '8 days' ELSE now() - interval '1 day' END
         FROM generate_series(1, 100000) g",
    )
    .bind(tenant)
    .bind(buyer)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO order_items (tenant_id, id, order_id, sku, title, quantity, unit_price_minor)
         SELECT tenant_id, gen_random_uuid(), id, 'SKU-' || (abs(hashtext(external_id)) % 500), 'Item', 1, 1000
         FROM orders WHERE tenant_id = $1",
    )
    .bind(tenant)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO tickets (tenant_id, id, number, channel, customer_id, order_id, subject, status, type, created_at)
         SELECT $1, gen_random_uuid(), 1000000 + g, (ARRAY['amazon','ebay','shopee'])[1 + g % 3], $2,
                (SELECT id FROM orders WHERE tenant_id = $1 AND channel = 'amazon' AND external_id = 'BIG-' || (300 + g)),
                'Complaint', 'solved', 'complaint', now() - make_interval(mins => (g * 1.39)::int)
         FROM generate_series(1, 30000) g",
    )
    .bind(tenant)
    .bind(buyer)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    sqlx::query("ANALYZE").execute(&app.admin).await.unwrap();

    let started = std::time::Instant::now();
    let round = alerts::run_once(&app.pool, Utc::now()).await.unwrap();
    let first = started.elapsed();
    let started = std::time::Instant::now();
    let again = alerts::run_once(&app.pool, Utc::now()).await.unwrap();
    let second = started.elapsed();
    assert_eq!(round.proactive_tickets, 50, "{round:?}");
    assert_eq!(again.proactive_tickets + again.spikes, 0);

    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    let plan: Vec<String> = sqlx::query_scalar(
        "EXPLAIN SELECT o.id FROM orders o
         WHERE o.tenant_id = $1 AND o.shipped_at IS NOT NULL AND o.delivered_at IS NULL
           AND o.tracking_updated_at <= now() - make_interval(days => 4)",
    )
    .bind(tenant)
    .fetch_all(tx.conn())
    .await
    .unwrap();
    println!(
        "first pass {first:?} ({round:?}), second pass {second:?}\n{}",
        plan.join("\n")
    );
    assert!(plan.join(" ").contains("orders_in_transit_idx"), "{plan:?}");
}
