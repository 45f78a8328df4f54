//! Settings → SLA: policies (create, edit, reorder, switch, delete), business-hours calendars
//! checked by the calendar code, the shop's business-hours calendar; refused input stores
//! nothing; agents get 403 and other shops' ids are 404 on every route.

use aftersail_db::TenantTx;
use aftersail_domain::TenantId;
use reqwest::StatusCode;

use crate::helpers::*;

fn office_calendar(name: &str) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("name", name.to_owned()),
        ("zone", "Europe/Berlin".to_owned()),
    ];
    for day in ["Mon", "Tue", "Wed", "Thu", "Fri"] {
        form.push(("day", day.into()));
        form.push(("open", "09:00".into()));
        form.push(("close", "17:00".into()));
    }
    form.push(("day", String::new()));
    form.push(("open", String::new()));
    form.push(("close", String::new()));
    form.push(("holidays", "2026-12-25\n2026-12-26\n".into()));
    form
}

fn policy(name: &str, calendar: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", name.to_owned()),
        ("channels", "amazon".into()),
        ("channels", "ebay".into()),
        ("priorities", "urgent".into()),
        ("customer_tags", "VIP, wholesale".into()),
        ("first_h", "2".into()),
        ("first_m", "30".into()),
        ("next_h", "".into()),
        ("next_m", "".into()),
        ("res_h", "48".into()),
        ("res_m", "".into()),
        ("calendar", calendar.to_owned()),
        ("warn", "45".into()),
        ("breach_priority", "urgent".into()),
        ("breach_notify", "admins".into()),
        ("breach_team", "".into()),
    ]
}

async fn post_form(b: &Browser, path: &str, form: &[(&str, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(path, &fields).await
}

async fn calendars(app: &TestApp) -> Vec<(uuid::Uuid, String)> {
    sqlx::query_as("SELECT id, name FROM business_calendars ORDER BY name")
        .fetch_all(&app.admin)
        .await
        .unwrap()
}

async fn policies(app: &TestApp) -> Vec<(uuid::Uuid, String, i32, bool)> {
    sqlx::query_as("SELECT id, name, position, enabled FROM sla_policies ORDER BY position, id")
        .fetch_all(&app.admin)
        .await
        .unwrap()
}

#[tokio::test]
async fn admins_set_up_calendars_and_policies_through_the_forms() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let page = visible(&owner.page("/settings/sla").await);
    assert!(page.contains("No SLA policies yet."), "{page}");
    assert!(owner
        .page("/settings/sla/calendars/new")
        .await
        .contains(r#"<option value="Asia/Shanghai""#));

    let r = post_form(
        &owner,
        "/settings/sla/calendars",
        &office_calendar("Berlin office"),
    )
    .await;
    assert_eq!(location(&r), "/settings/sla?notice=calendar_saved");
    let (calendar, _) = calendars(&app).await.remove(0);
    let stored: (String, serde_json::Value, Vec<chrono::NaiveDate>) =
        sqlx::query_as("SELECT time_zone, hours, holidays FROM business_calendars")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(stored.0, "Europe/Berlin");
    assert_eq!(stored.1.as_array().unwrap().len(), 5);
    assert_eq!(
        stored.1[0],
        serde_json::json!({"day": "Mon", "open": "09:00:00", "close": "17:00:00"})
    );
    assert_eq!(stored.2.len(), 2);
    let edit = owner
        .page(&format!("/settings/sla/calendars/{calendar}"))
        .await;
    assert!(edit.contains(r#"<option value="Europe/Berlin" selected>"#));
    assert!(edit.contains("2026-12-25\n2026-12-26"));

    let r = post_form(
        &owner,
        "/settings/sla/policies",
        &policy("Amazon urgent", &calendar.to_string()),
    )
    .await;
    assert_eq!(location(&r), "/settings/sla?notice=sla_saved");
    let r = post_form(
        &owner,
        "/settings/sla/policies",
        &policy("Everything else", ""),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let matched: (Vec<String>, Vec<String>, Vec<String>) = sqlx::query_as(
        "SELECT channels, priorities, customer_tags FROM sla_policies WHERE name = 'Amazon urgent'",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    let targets: (Option<i32>, Option<i32>, Option<i32>, Option<uuid::Uuid>, i32) = sqlx::query_as(
        "SELECT first_reply_minutes, next_reply_minutes, resolution_minutes, calendar_id, warn_minutes
         FROM sla_policies WHERE name = 'Amazon urgent'",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    let breach: (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT breach_priority, breach_notify FROM sla_policies WHERE name = 'Amazon urgent'",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    let row = (
        matched.0, matched.1, matched.2, targets.0, targets.1, targets.2, targets.3, targets.4,
        breach.0, breach.1,
    );
    assert_eq!(row.0, ["amazon", "ebay"]);
    assert_eq!(row.1, ["urgent"]);
    assert_eq!(row.2, ["vip", "wholesale"]);
    assert_eq!((row.3, row.4, row.5), (Some(150), None, Some(2880)));
    assert_eq!(row.6, Some(calendar));
    assert_eq!(row.7, 45);
    assert_eq!(
        (row.8.as_deref(), row.9.as_deref()),
        (Some("urgent"), Some("admins"))
    );

    let list = visible(&owner.page("/settings/sla").await);
    assert!(list.contains("Amazon urgent"), "{list}");
    assert!(list.contains("First reply: 2 h 30 m"), "{list}");
    assert!(list.contains("Resolution: 2 d"), "{list}");
    assert!(list.contains("Berlin office"));
    assert!(list.contains("Calendar hours"));

    // Edit shows what is stored; a change is saved.
    let ids = policies(&app).await;
    let (first, second) = (ids[0].0, ids[1].0);
    let edit = owner.page(&format!("/settings/sla/policies/{first}")).await;
    assert!(edit.contains(r#"name="first_h" value="2""#), "{edit}");
    assert!(edit.contains(r#"value="amazon" checked"#));
    let mut changed = policy("Amazon urgent", "");
    changed[5].1 = "1".into();
    let r = post_form(&owner, &format!("/settings/sla/policies/{first}"), &changed).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (minutes, cal): (Option<i32>, Option<uuid::Uuid>) =
        sqlx::query_as("SELECT first_reply_minutes, calendar_id FROM sla_policies WHERE id = $1")
            .bind(first)
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!((minutes, cal), (Some(90), None));

    // Reorder, switch off: what the SLA run time reads follows.
    owner
        .post(
            &format!("/settings/sla/policies/{second}/move"),
            &[("direction", "up")],
        )
        .await;
    assert_eq!(policies(&app).await[0].0, second);
    owner
        .post(
            &format!("/settings/sla/policies/{second}/enabled"),
            &[("enabled", "0")],
        )
        .await;
    let tenant = TenantId(app.tenant_of("owner@example.com").await);
    let mut tx = TenantTx::begin(&app.pool, tenant).await.unwrap();
    let enabled = aftersail_db::sla::policies_in_order(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        enabled.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["Amazon urgent"]
    );

    // The shop's business hours.
    let r = owner
        .post(
            "/settings/sla/business-hours",
            &[("calendar", &calendar.to_string())],
        )
        .await;
    assert_eq!(location(&r), "/settings/sla?notice=business_calendar_saved");
    let set: Option<uuid::Uuid> = sqlx::query_scalar("SELECT business_calendar_id FROM tenants")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(set, Some(calendar));

    // A calendar in use is not deleted; once free it is.
    let r = owner
        .post(&format!("/settings/sla/calendars/{calendar}/delete"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(visible(&r.text().await.unwrap()).contains("in use by: the shop's business hours"));
    owner
        .post("/settings/sla/business-hours", &[("calendar", "")])
        .await;
    assert!(visible(
        &owner
            .page(&format!("/settings/sla/calendars/{calendar}/delete"))
            .await
    )
    .contains("Delete the calendar “Berlin office”?"));
    let r = owner
        .post(&format!("/settings/sla/calendars/{calendar}/delete"), &[])
        .await;
    assert_eq!(location(&r), "/settings/sla?notice=calendar_deleted");

    let r = owner
        .post(&format!("/settings/sla/policies/{first}/delete"), &[])
        .await;
    assert_eq!(location(&r), "/settings/sla?notice=sla_deleted");
    assert_eq!(policies(&app).await.len(), 1);

    let audit = visible(&owner.page("/settings/audit").await);
    for action in [
        "sla.calendar_created",
        "sla.policy_created",
        "sla.policy_updated",
        "sla.policy_moved",
        "sla.policy_disabled",
        "sla.business_hours",
        "sla.calendar_deleted",
        "sla.policy_deleted",
    ] {
        assert!(audit.contains(action), "{action}: {audit}");
    }
}

#[tokio::test]
async fn bad_calendars_and_policies_are_refused_and_store_nothing() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let other = app.shop("Other", "other@example.com").await;
    post_form(
        &other,
        "/settings/sla/calendars",
        &office_calendar("Theirs"),
    )
    .await;
    let theirs = calendars(&app).await[0].0;

    let calendar_cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (
            {
                let mut f = office_calendar("Overlap");
                f.push(("day", "Mon".into()));
                f.push(("open", "16:00".into()));
                f.push(("close", "20:00".into()));
                f
            },
            "These opening hours overlap: ",
        ),
        (
            vec![("name", "Empty".into()), ("zone", "Europe/Berlin".into())],
            "Add at least one opening interval.",
        ),
        (
            {
                let mut f = office_calendar("Bad time");
                f[3].1 = "9am".into();
                f
            },
            "Row 1: choose a day and enter times as HH:MM.",
        ),
        (
            {
                let mut f = office_calendar("Bad zone");
                f[1].1 = "Mars/Olympus".into();
                f
            },
            "Choose a time zone from the list.",
        ),
        (
            {
                let mut f = office_calendar("Bad holiday");
                let last = f.len() - 1;
                f[last].1 = "2026-02-30".into();
                f
            },
            "“2026-02-30” is not a date (YYYY-MM-DD).",
        ),
    ];
    for (form, expected) in calendar_cases {
        let r = post_form(&owner, "/settings/sla/calendars", &form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{expected}");
        let page = visible(&r.text().await.unwrap());
        assert!(page.contains(expected), "{expected}: {page}");
    }
    // Overnight hours next to the morning are fine.
    let mut night = office_calendar("Night shift");
    night.push(("day", "Sun".into()));
    night.push(("open", "22:00".into()));
    night.push(("close", "09:00".into()));
    let r = post_form(&owner, "/settings/sla/calendars", &night).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(calendars(&app).await.len(), 2);

    let policy_cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (
            {
                let mut f = policy("No target", "");
                f[5].1 = String::new();
                f[6].1 = String::new();
                f[9].1 = String::new();
                f
            },
            "Set at least one target.",
        ),
        (
            {
                let mut f = policy("Bad minutes", "");
                f[6].1 = "75".into();
                f
            },
            "Enter whole hours and minutes (0–59), or leave both blank.",
        ),
        (
            policy("Foreign calendar", &theirs.to_string()),
            "Choose from the list.",
        ),
        (
            {
                let mut f = policy("Bad warn", "");
                f[12].1 = "-5".into();
                f
            },
            "Enter 0 to 10080 minutes.",
        ),
        (
            {
                let mut f = policy("Bad channel", "");
                f[1].1 = "myspace".into();
                f
            },
            "Choose from the list.",
        ),
        (
            {
                let mut f = policy("Bad tag", "");
                f[4].1 = "not a tag!".into();
                f
            },
            "Tags may contain letters, digits",
        ),
    ];
    for (form, expected) in policy_cases {
        let r = post_form(&owner, "/settings/sla/policies", &form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{expected}");
        let page = visible(&r.text().await.unwrap());
        assert!(page.contains(expected), "{expected}: {page}");
    }
    assert!(policies(&app).await.is_empty());
    post_form(&owner, "/settings/sla/policies", &policy("Taken", "")).await;
    let r = post_form(&owner, "/settings/sla/policies", &policy("TAKEN", "")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible(&r.text().await.unwrap()).contains("A policy with this name already exists."));
    assert_eq!(policies(&app).await.len(), 1);
    // Another shop's calendar is no business-hours calendar here.
    assert_eq!(
        owner
            .post(
                "/settings/sla/business-hours",
                &[("calendar", &theirs.to_string())]
            )
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn agents_get_403_and_other_shops_ids_are_404_on_every_sla_route() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let stranger = app.shop("Other", "other@example.com").await;
    post_form(
        &owner,
        "/settings/sla/calendars",
        &office_calendar("Office"),
    )
    .await;
    let calendar = calendars(&app).await[0].0;
    post_form(&owner, "/settings/sla/policies", &policy("Mine", "")).await;
    let policy_id = policies(&app).await[0].0;

    let gets = [
        "/settings/sla".to_owned(),
        "/settings/sla/policies/new".to_owned(),
        "/settings/sla/calendars/new".to_owned(),
        format!("/settings/sla/policies/{policy_id}"),
        format!("/settings/sla/policies/{policy_id}/delete"),
        format!("/settings/sla/calendars/{calendar}"),
        format!("/settings/sla/calendars/{calendar}/delete"),
    ];
    for path in &gets {
        assert_eq!(
            agent.get(path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let posts: Vec<(String, Vec<(&str, String)>)> = vec![
        (
            format!("/settings/sla/policies/{policy_id}"),
            policy("Hijack", ""),
        ),
        (
            format!("/settings/sla/policies/{policy_id}/enabled"),
            vec![("enabled", "0".into())],
        ),
        (
            format!("/settings/sla/policies/{policy_id}/move"),
            vec![("direction", "down".into())],
        ),
        (format!("/settings/sla/policies/{policy_id}/delete"), vec![]),
        (
            format!("/settings/sla/calendars/{calendar}"),
            office_calendar("Hijack"),
        ),
        (format!("/settings/sla/calendars/{calendar}/delete"), vec![]),
    ];
    for (path, form) in &posts {
        assert_eq!(
            post_form(&agent, path, form).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(
        post_form(&agent, "/settings/sla/policies", &policy("Agent", ""))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post_form(&agent, "/settings/sla/calendars", &office_calendar("Agent"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    for path in gets.iter().skip(3) {
        assert_eq!(
            stranger.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    for (path, form) in &posts {
        assert_eq!(
            post_form(&stranger, path, form).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(policies(&app).await[0].1, "Mine");
    assert!(policies(&app).await[0].3);
    assert_eq!(calendars(&app).await[0].1, "Office");
}

#[tokio::test]
async fn inbox_rows_and_the_ticket_page_show_sla_state_events_and_rule_runs() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    crate::tickets::seed_for(&app, tenant, 3, "A").await;
    post_form(
        &owner,
        "/settings/sla/policies",
        &policy("Amazon urgent", ""),
    )
    .await;
    let policy_id = policies(&app).await[0].0;
    // 1000: due in 3 h (running); 1001: due in 30 min (due soon); 1002: breached 35 min ago.
    for (number, minutes) in [(1000, 180), (1001, 30), (1002, -35)] {
        sqlx::query(
            "UPDATE tickets SET sla_policy_id = $2, sla_warn_minutes = 45, first_response_at = NULL,
                 first_response_due_at = now() + make_interval(mins => $3),
                 resolution_due_at = now() + interval '2 days', status = 'open'
             WHERE number = $1",
        )
        .bind(number)
        .bind(policy_id)
        .bind(minutes)
        .execute(&app.admin)
        .await
        .unwrap();
    }
    let inbox = owner.page("/inbox?view=all").await;
    let row = |n: i64| {
        let start = inbox.find(&format!("/tickets/{n}\"")).unwrap();
        let end = inbox[start..].find("</tr>").unwrap();
        inbox[start..start + end].to_owned()
    };
    assert!(
        row(1000).contains(r#"data-sla="badge-muted">2 h 59 m left"#),
        "{}",
        row(1000)
    );
    assert!(
        row(1001).contains(r#"data-sla="badge-warn">29 m left"#),
        "{}",
        row(1001)
    );
    assert!(
        row(1002).contains(r#"data-sla="badge-danger">breached 35 m ago"#),
        "{}",
        row(1002)
    );

    // The ticket page: policy, each running target, warnings and breaches, rule runs, and the
    // rule as the actor of its changes.
    let ticket: uuid::Uuid = sqlx::query_scalar("SELECT id FROM tickets WHERE number = 1002")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO sla_events (tenant_id, id, ticket_id, policy_id, target, kind, due_at, recorded_at)
         VALUES ($1, gen_random_uuid(), $2, $3, 'first_reply', 'breach', now() - interval '35 minutes', now())",
    )
    .bind(tenant)
    .bind(ticket)
    .bind(policy_id)
    .execute(&app.admin)
    .await
    .unwrap();
    let rule = vec![
        ("name", "Escalate".to_owned()),
        ("trigger", "ticket_updated".to_owned()),
        ("rule_set", "always".to_owned()),
        ("a_type", "set_priority".to_owned()),
        ("a_priority", "urgent".to_owned()),
    ];
    let r = post_form(&owner, "/settings/rules", &rule).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let rule_id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM rules")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO rule_runs (tenant_id, id, rule_id, ticket_id, event, matched, actions, errors, ran_at)
         VALUES ($1, gen_random_uuid(), $2, $3, 'ticket_updated', true, ARRAY['Set priority to urgent'], '{}', now())",
    )
    .bind(tenant)
    .bind(rule_id)
    .bind(ticket)
    .execute(&app.admin)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO ticket_events (tenant_id, id, ticket_id, actor_id, kind, from_value, to_value, rule_id)
         VALUES ($1, gen_random_uuid(), $2, NULL, 'priority', 'normal', 'urgent', $3)",
    )
    .bind(tenant)
    .bind(ticket)
    .bind(rule_id)
    .execute(&app.admin)
    .await
    .unwrap();
    let page = owner.page("/tickets/1002").await;
    let sla = visible(between(&page, r#"<section class="card" id="sla">"#, "</section>").unwrap());
    assert!(sla.contains("Policy: Amazon urgent"), "{sla}");
    assert!(sla.contains("First reply: due"), "{sla}");
    assert!(sla.contains("breached 35 m ago"), "{sla}");
    assert!(sla.contains("Resolution: due"), "{sla}");
    assert!(sla.contains("Warnings and breaches"), "{sla}");
    assert!(sla.contains("breach First reply · due"), "{sla}");
    let runs = visible(between(&page, r#"id="ticket-rule-runs">"#, "</section>").unwrap());
    assert!(runs.contains("Escalate"), "{runs}");
    assert!(runs.contains("Set priority to urgent"), "{runs}");
    let history = visible(between(&page, r#"id="history">"#, "</section>").unwrap());
    assert!(
        history.contains("Rule “Escalate” changed priority: Normal → Urgent"),
        "{history}"
    );

    // Pending on the customer: the clocks are paused.
    sqlx::query("UPDATE tickets SET status = 'pending' WHERE number = 1000")
        .execute(&app.admin)
        .await
        .unwrap();
    let page = visible(&owner.page("/tickets/1000").await);
    assert!(page.contains("paused (waiting on customer)"), "{page}");
    // In Chinese too.
    owner
        .post(
            "/settings/language",
            &[("ui_locale", "zh-CN"), ("next", "/inbox")],
        )
        .await;
    let inbox = visible(&owner.page("/inbox?view=all").await);
    assert!(inbox.contains("已超时 35 m"), "{inbox}");
}
