//! SLA at run time against real PostgreSQL: policies set deadlines (calendar and business
//! hours), waiting on the buyer pauses them, the sweeper warns and records breaches once
//! (also with several sweepers), and a breach escalates as the policy says.

use std::str::FromStr;

use aftersail_domain::TicketId;
use aftersail_worker::sla_sweeper;
use chrono::{DateTime, Duration, SubsecRound, TimeZone, Utc};
use uuid::Uuid;

use crate::automation::{shop, Shop};

async fn policy(s: &Shop, name: &str, first: i32, resolution: i32, calendar: Option<Uuid>) -> Uuid {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO sla_policies (tenant_id, id, name, position, first_reply_minutes, next_reply_minutes,
                                   resolution_minutes, calendar_id, warn_minutes, breach_priority, breach_notify)
         VALUES ($1, $2, $3, (SELECT count(*) FROM sla_policies WHERE tenant_id = $1), $4, 30, $5, $6, 15,
                 'urgent', 'admins')",
    )
    .bind(s.tenant)
    .bind(id)
    .bind(name)
    .bind(first)
    .bind(resolution)
    .bind(calendar)
    .execute(&s.app.admin)
    .await
    .unwrap();
    id
}

async fn dues(
    s: &Shop,
    t: TicketId,
) -> (
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
) {
    sqlx::query_as(
        "SELECT first_response_due_at, resolution_due_at, sla_due_at FROM tickets WHERE id = $1",
    )
    .bind(t.0)
    .fetch_one(&s.app.admin)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_policy_sets_deadlines_and_the_sweeper_warns_then_records_the_breach_once() {
    let s = shop("sla-breach").await;
    policy(&s, "Standard", 60, 480, None).await;
    let t0 = Utc::now().trunc_subsecs(0) - Duration::minutes(5);
    let (ticket, _) = s.ticket("en", "help", t0).await;
    s.settle(t0).await;
    let (first, resolution, due) = dues(&s, ticket).await;
    assert_eq!(first, Some(t0 + Duration::minutes(60)));
    assert_eq!(resolution, Some(t0 + Duration::minutes(480)));
    assert_eq!(due, first, "the first reply is the deadline it races");

    let sweep = |at: DateTime<Utc>| {
        let pool = s.app.pool.clone();
        async move { sla_sweeper::run_once(&pool, at).await.unwrap() }
    };
    let r = sweep(t0 + Duration::minutes(30)).await;
    assert_eq!((r.warned, r.breached), (0, 0));
    let r = sweep(t0 + Duration::minutes(46)).await;
    assert_eq!(
        (r.warned, r.breached),
        (1, 0),
        "15 minutes before: a warning"
    );
    let r = sweep(t0 + Duration::minutes(50)).await;
    assert_eq!((r.warned, r.breached), (0, 0), "warned once");
    let r = sweep(t0 + Duration::minutes(61)).await;
    assert_eq!((r.warned, r.breached), (0, 1));
    let r = sweep(t0 + Duration::minutes(90)).await;
    assert_eq!((r.warned, r.breached), (0, 0), "recorded once");

    let events: Vec<(String, String)> = sqlx::query_as(
        "SELECT kind, target FROM sla_events WHERE ticket_id = $1 ORDER BY recorded_at",
    )
    .bind(ticket.0)
    .fetch_all(&s.app.admin)
    .await
    .unwrap();
    assert_eq!(
        events,
        vec![
            ("warning".to_owned(), "first_reply".to_owned()),
            ("breach".to_owned(), "first_reply".to_owned())
        ]
    );
    let priority: String = sqlx::query_scalar("SELECT priority FROM tickets WHERE id = $1")
        .bind(ticket.0)
        .fetch_one(&s.app.admin)
        .await
        .unwrap();
    assert_eq!(priority, "urgent", "the breach escalated the priority");
    let notified: Vec<String> =
        sqlx::query_scalar("SELECT text FROM notifications ORDER BY created_at")
            .fetch_all(&s.app.admin)
            .await
            .unwrap();
    assert_eq!(
        notified.len(),
        2,
        "warning and breach reached the owner: {notified:?}"
    );
    assert!(notified[1].contains("First reply breached"), "{notified:?}");

    // The agent answers: the clock moves on to the resolution deadline.
    let owner = s.app.id_of_user("owner@sla-breach.example").await;
    let mut tx = s.tx().await;
    aftersail_db::messages::create(
        &mut tx,
        aftersail_db::messages::NewMessage {
            ticket_id: ticket,
            kind: "outbound",
            author: Some(aftersail_domain::UserId(owner)),
            body_text: "On it",
            language: None,
            channel: "email",
            external_id: None,
            delivery_state: Some("queued"),
            at: t0 + Duration::minutes(70),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (_, resolution, due) = dues(&s, ticket).await;
    assert_eq!(due, resolution);
    let r = sweep(t0 + Duration::minutes(100)).await;
    assert_eq!((r.warned, r.breached), (0, 0));
}

#[tokio::test]
async fn business_hours_count_only_opening_hours_and_pending_pauses_the_clock() {
    let s = shop("sla-hours").await;
    let calendar = Uuid::now_v7();
    let hours = serde_json::json!([
        {"day": "Mon", "open": "09:00:00", "close": "17:00:00"},
        {"day": "Tue", "open": "09:00:00", "close": "17:00:00"},
        {"day": "Wed", "open": "09:00:00", "close": "17:00:00"},
        {"day": "Thu", "open": "09:00:00", "close": "17:00:00"},
        {"day": "Fri", "open": "09:00:00", "close": "17:00:00"}
    ]);
    // Check the stored shape is the domain's.
    let parsed: Vec<aftersail_domain::sla::calendar::WeeklyHours> =
        serde_json::from_value(hours.clone()).expect("weekly hours JSON");
    assert_eq!(parsed.len(), 5);
    sqlx::query(
        "INSERT INTO business_calendars (tenant_id, id, name, time_zone, hours) VALUES ($1, $2, 'Berlin office', 'Europe/Berlin', $3)",
    )
    .bind(s.tenant)
    .bind(calendar)
    .bind(hours)
    .execute(&s.app.admin)
    .await
    .unwrap();
    policy(&s, "Office hours", 60, 240, Some(calendar)).await;

    // Friday 2026-11-20 16:30 in Berlin (15:30 UTC): 30 minutes left that day.
    let friday = Utc.with_ymd_and_hms(2026, 11, 20, 15, 30, 0).unwrap();
    let (ticket, _) = s.ticket("de", "Hallo", friday).await;
    s.settle(friday).await;
    let (first, resolution, _) = dues(&s, ticket).await;
    // 30 min on Friday + 30 min on Monday: Monday 09:30 Berlin = 08:30 UTC.
    assert_eq!(
        first,
        Some(Utc.with_ymd_and_hms(2026, 11, 23, 8, 30, 0).unwrap())
    );
    // 240 min: 30 on Friday, 210 on Monday → Monday 12:30 Berlin.
    assert_eq!(
        resolution,
        Some(Utc.with_ymd_and_hms(2026, 11, 23, 11, 30, 0).unwrap())
    );

    // Waiting on the buyer from Monday 10:00 to Tuesday 10:00 Berlin: the 2 h 30 m left at
    // the pause are left again after it.
    let paused = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
    let resumed = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    for (status, at) in [("pending", paused), ("open", resumed)] {
        sqlx::query("UPDATE tickets SET status = $2 WHERE id = $1")
            .bind(ticket.0)
            .bind(status)
            .execute(&s.app.admin)
            .await
            .unwrap();
        sqlx::query("UPDATE automation_events SET occurred_at = $1 WHERE kind = 'ticket_updated'")
            .bind(at)
            .execute(&s.app.admin)
            .await
            .unwrap();
        if status == "pending" {
            let (_, _, due) = dues(&s, ticket).await;
            assert_eq!(
                due, None,
                "no clock runs while the ticket waits on the buyer"
            );
        }
        s.settle(at).await;
    }
    let (first, resolution, _) = dues(&s, ticket).await;
    assert_eq!(
        first,
        Some(Utc.with_ymd_and_hms(2026, 11, 23, 8, 30, 0).unwrap()),
        "a deadline already passed at the pause stays passed"
    );
    assert_eq!(
        resolution,
        Some(Utc.with_ymd_and_hms(2026, 11, 24, 11, 30, 0).unwrap()),
        "Tuesday 12:30 Berlin: 2 h 30 m after 10:00"
    );
}

/// Status changes queued together (the runner was busy or down) are applied in turn, each
/// at its own time: waiting on the buyer from 1 h to 3 h after the ticket came in moves the
/// deadlines by those 2 h, though by the time the runner sees the first change the ticket is
/// open again. (Compared with the ticket's status at run time, the pause looked like no change
/// and the resume found no pause: the deadlines did not move.)
#[tokio::test]
async fn queued_status_changes_pause_and_resume_the_clock_at_their_own_times() {
    let s = shop("sla-queued").await;
    policy(&s, "Standard", 240, 480, None).await;
    let t0 = Utc::now().trunc_subsecs(0) - Duration::hours(4);
    let (ticket, _) = s.ticket("en", "help", t0).await;
    s.settle(t0).await;
    let (first, resolution, _) = dues(&s, ticket).await;
    assert_eq!(first, Some(t0 + Duration::minutes(240)));
    assert_eq!(resolution, Some(t0 + Duration::minutes(480)));

    for (status, at) in [
        ("pending", t0 + Duration::hours(1)),
        ("open", t0 + Duration::hours(3)),
    ] {
        sqlx::query("UPDATE tickets SET status = $2 WHERE id = $1")
            .bind(ticket.0)
            .bind(status)
            .execute(&s.app.admin)
            .await
            .unwrap();
        sqlx::query(
            "UPDATE automation_events SET occurred_at = $1
             WHERE kind = 'ticket_updated' AND status_after = $2",
        )
        .bind(at)
        .bind(status)
        .execute(&s.app.admin)
        .await
        .unwrap();
    }
    let queued: i64 =
        sqlx::query_scalar("SELECT count(*) FROM automation_events WHERE kind = 'ticket_updated'")
            .fetch_one(&s.app.admin)
            .await
            .unwrap();
    assert_eq!(queued, 2, "both changes wait for the runner");
    s.settle(t0 + Duration::hours(3)).await;

    let (first, resolution, due) = dues(&s, ticket).await;
    assert_eq!(first, Some(t0 + Duration::minutes(240 + 120)));
    assert_eq!(resolution, Some(t0 + Duration::minutes(480 + 120)));
    assert_eq!(due, first, "the clock runs again");
    let paused: Option<DateTime<Utc>> =
        sqlx::query_scalar("SELECT sla_paused_at FROM tickets WHERE id = $1")
            .bind(ticket.0)
            .fetch_one(&s.app.admin)
            .await
            .unwrap();
    assert_eq!(paused, None);
}

#[tokio::test]
async fn several_sweepers_record_each_breach_once() {
    let s = shop("sla-sweepers").await;
    policy(&s, "Fast", 10, 600, None).await;
    let t0 = Utc::now() - Duration::hours(1);
    for i in 0..60 {
        s.ticket("en", &format!("m{i}"), t0).await;
    }
    s.settle(t0).await;
    let options = sqlx::postgres::PgConnectOptions::from_str(&s.app.database_url()).unwrap();
    let now = t0 + Duration::minutes(11);
    let mut sweepers = Vec::new();
    for _ in 0..3 {
        let pool = aftersail_db::connect(options.clone(), 2).await.unwrap();
        sweepers.push(tokio::spawn(async move {
            sla_sweeper::run_once(&pool, now).await.unwrap()
        }));
    }
    let mut breached = 0;
    for sw in sweepers {
        breached += sw.await.unwrap().breached;
    }
    breached += sla_sweeper::run_once(&s.app.pool, now)
        .await
        .unwrap()
        .breached;
    assert_eq!(breached, 60);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM sla_events WHERE kind = 'breach'")
        .fetch_one(&s.app.admin)
        .await
        .unwrap();
    assert_eq!(rows, 60);
}
