//! The inbox beyond plain lists: SLA views and sort, tags (ticket, filter, bulk), per-agent
//! unread state, the assignee/team filters, and the filters' plan.

use aftersail_db::tickets::{self, InboxFilter};
use aftersail_db::TenantTx;
use aftersail_domain::ticket::InboxSort;
use aftersail_domain::TenantId;
use reqwest::StatusCode;

use crate::helpers::*;
use crate::tickets::{numbers_in, seed_for};

/// Sets ticket `number`'s SLA deadlines to `minutes` from now (negative: breached).
async fn due_in(app: &TestApp, number: i64, minutes: i64) {
    sqlx::query(
        "UPDATE tickets SET first_response_due_at = now() + make_interval(mins => $2::int),
                            resolution_due_at = now() + interval '3 days'
         WHERE number = $1",
    )
    .bind(number)
    .bind(minutes)
    .execute(&app.admin)
    .await
    .unwrap();
}

#[tokio::test]
async fn sla_views_show_breached_and_due_soon_tickets_earliest_deadline_first() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    seed_for(&app, tenant, 6, "S").await;
    due_in(&app, 1001, -90).await;
    due_in(&app, 1003, -10).await;
    due_in(&app, 1002, 30).await;
    due_in(&app, 1000, 100).await;
    due_in(&app, 1004, 600).await; // due, but not soon
                                   // A pending ticket's clock is paused: never breached, however late.
    due_in(&app, 1005, -500).await;
    sqlx::query("UPDATE tickets SET status = 'pending' WHERE number = 1005")
        .execute(&app.admin)
        .await
        .unwrap();

    let breached = owner.page("/inbox?view=sla_breached").await;
    assert_eq!(numbers_in(&breached), ["1001", "1003"]);
    assert!(
        visible(&breached).contains("breached 1 h 30 m ago"),
        "{}",
        visible(&breached)
    );
    assert_eq!(
        numbers_in(&owner.page("/inbox?view=sla_soon").await),
        ["1002", "1000"]
    );
    let tabs = visible(&owner.page("/inbox").await);
    assert!(
        tabs.contains("SLA breached 2") && tabs.contains("SLA due soon 2"),
        "{tabs}"
    );

    // A first response moves the clock on to resolution (3 days away): no longer breached.
    let html = owner.page("/tickets/1001").await;
    let key = crate::tickets::idempotency_key(&html);
    owner
        .post(
            "/tickets/1001/reply",
            &[
                ("body", "On it!"),
                ("idempotency_key", &key),
                ("status", ""),
            ],
        )
        .await;
    assert_eq!(
        numbers_in(&owner.page("/inbox?view=sla_breached").await),
        ["1003"]
    );

    // Sorting all tickets by SLA: deadlines first, earliest first; then the rest by activity.
    assert_eq!(
        numbers_in(&owner.page("/inbox?view=all&sort=sla").await),
        ["1003", "1002", "1000", "1004", "1001", "1005"]
    );
    assert_eq!(
        owner.get("/inbox?sort=deadline").await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn sla_sort_pages_by_keyset_across_the_end_of_the_deadlines_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    seed_for(&app, tenant, 130, "K").await;
    // 70 tickets with deadlines (some equal, to exercise the id tie-break), 60 without.
    sqlx::query(
        "UPDATE tickets SET first_response_due_at = date_trunc('hour', now()) + ((number % 35) || ' minutes')::interval
         WHERE number % 13 < 7",
    )
    .execute(&app.admin)
    .await
    .unwrap();
    let mut seen = Vec::new();
    let mut path = Some("/inbox?view=all&sort=sla".to_owned());
    while let Some(p) = path {
        let html = owner.page(&p).await;
        seen.extend(numbers_in(&html));
        path = next_link(&html);
    }
    let expected: Vec<String> = sqlx::query_scalar(
        "SELECT number::text FROM tickets
         ORDER BY sla_due_at NULLS LAST, CASE WHEN sla_due_at IS NULL THEN -extract(epoch FROM last_message_at) END, id",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(seen.len(), 130);
    assert_eq!(seen, expected);
    // A cursor from one sort is refused in the other rather than misread.
    let first = owner.page("/inbox?view=all").await;
    let activity_next = next_link(&first).unwrap();
    assert_eq!(
        owner
            .get(&activity_next.replace("view=all", "view=all&sort=sla"))
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn tags_are_normalized_recorded_filterable_and_bad_ones_change_nothing() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    seed_for(&app, app.tenant_of("owner@example.com").await, 3, "T").await;

    let r = owner
        .post(
            "/tickets/1000/tags",
            &[("tags", "VIP, Late Delivery，退货, vip")],
        )
        .await;
    assert_eq!(location(&r), "/tickets/1000");
    let tags: Vec<String> =
        sqlx::query_scalar("SELECT unnest(tags) FROM tickets WHERE number = 1000")
            .fetch_all(&app.admin)
            .await
            .unwrap();
    assert_eq!(tags, ["vip", "late-delivery", "退货"]);
    owner
        .post("/tickets/1000/tags", &[("tags", "vip, damaged")])
        .await;
    let page = visible(&owner.page("/tickets/1000").await);
    for line in [
        "Owner Person added tag late-delivery",
        "Owner Person removed tag late-delivery",
        "Owner Person removed tag 退货",
        "Owner Person added tag damaged",
    ] {
        assert!(page.contains(line), "history lacks {line:?}: {page}");
    }

    let r = owner
        .post("/tickets/1000/tags", &[("tags", "ok, <script>")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(visible(&html).contains("“<script>” is not a valid tag"));
    assert!(
        html.contains(r#"value="ok, &#60;script&#62;""#),
        "the typed text is kept"
    );
    let too_many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
    let r = owner
        .post("/tickets/1000/tags", &[("tags", &too_many.join(","))])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let tags: Vec<String> =
        sqlx::query_scalar("SELECT unnest(tags) FROM tickets WHERE number = 1000")
            .fetch_all(&app.admin)
            .await
            .unwrap();
    assert_eq!(tags, ["vip", "damaged"], "refused lists changed nothing");

    assert_eq!(
        numbers_in(&owner.page("/inbox?view=all&tag=VIP").await),
        ["1000"]
    );
    assert!(numbers_in(&owner.page("/inbox?view=all&tag=nope").await).is_empty());
    assert_eq!(
        owner.get("/inbox?view=all&tag=a%3Cb").await.status(),
        StatusCode::BAD_REQUEST
    );

    // Bulk: add to two, remove from one; each change in the ticket's history.
    let r = owner
        .post(
            "/tickets/bulk",
            &[
                ("action", "tag:add"),
                ("tag", "Needs Photo"),
                ("ticket", "1001"),
                ("ticket", "1002"),
                ("return_to", "/inbox?view=all"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/inbox?view=all");
    assert_eq!(
        numbers_in(&owner.page("/inbox?view=all&tag=needs-photo").await),
        ["1002", "1001"]
    );
    owner
        .post(
            "/tickets/bulk",
            &[
                ("action", "tag:remove"),
                ("tag", "needs-photo"),
                ("ticket", "1001"),
            ],
        )
        .await;
    assert_eq!(
        numbers_in(&owner.page("/inbox?view=all&tag=needs-photo").await),
        ["1002"]
    );
    assert!(visible(&owner.page("/tickets/1001").await).contains("removed tag needs-photo"));
    for (form, status) in [
        (
            vec![("action", "tag:add"), ("tag", ""), ("ticket", "1001")],
            StatusCode::BAD_REQUEST,
        ),
        (
            vec![("action", "tag:add"), ("tag", "a/b"), ("ticket", "1001")],
            StatusCode::BAD_REQUEST,
        ),
        (
            vec![("action", "tag:zap"), ("tag", "x"), ("ticket", "1001")],
            StatusCode::BAD_REQUEST,
        ),
        (
            vec![
                ("action", "tag:add"),
                ("tag", "x"),
                ("ticket", "1001"),
                ("ticket", "4242"),
            ],
            StatusCode::NOT_FOUND,
        ),
    ] {
        assert_eq!(
            owner.post("/tickets/bulk", &form).await.status(),
            status,
            "{form:?}"
        );
    }
    let xs: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets WHERE 'x' = ANY(tags)")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(xs, 0, "refused bulk actions changed nothing");
}

#[tokio::test]
async fn unread_is_per_agent_and_comes_back_with_new_buyer_messages() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let tenant = app.tenant_of("owner@example.com").await;
    seed_for(&app, tenant, 3, "U").await;

    let unread = |html: &str| -> Vec<String> {
        html.match_indices(r#"<tr data-number=""#)
            .filter(|(i, _)| html[*i..].split('>').next().unwrap().contains("unread"))
            .map(|(i, _)| {
                between(&html[i..], r#"data-number=""#, "\"")
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(
        unread(&owner.page("/inbox").await),
        ["1002", "1001", "1000"]
    );
    owner.page("/tickets/1001").await;
    assert_eq!(unread(&owner.page("/inbox").await), ["1002", "1000"]);
    assert_eq!(
        numbers_in(&owner.page("/inbox?unread=1").await),
        ["1002", "1000"]
    );
    assert_eq!(
        unread(&agent.page("/inbox").await),
        ["1002", "1001", "1000"],
        "another agent's reading is theirs alone"
    );

    buyer_writes(&app, tenant, 1001, "Any news?").await;
    assert_eq!(
        unread(&owner.page("/inbox").await),
        ["1001", "1002", "1000"]
    );
    owner.page("/tickets/1001").await;
    let r = owner.post("/tickets/1001/unread", &[]).await;
    assert_eq!(location(&r), "/inbox");
    assert_eq!(
        unread(&owner.page("/inbox").await),
        ["1001", "1002", "1000"]
    );
    assert_eq!(
        owner.get("/inbox?unread=yes").await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn assignee_and_team_filters_take_only_the_shops_people_and_teams() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    app.member(&owner, "agent@example.com", "agent").await;
    let agent_id = app.id_of_user("agent@example.com").await.to_string();
    owner.post("/settings/teams", &[("name", "EU")]).await;
    let team = sqlx::query_scalar::<_, uuid::Uuid>("SELECT id FROM teams")
        .fetch_one(&app.admin)
        .await
        .unwrap()
        .to_string();
    seed_for(&app, app.tenant_of("owner@example.com").await, 3, "F").await;
    owner
        .post(
            "/tickets/1001/properties",
            &[
                ("status", "open"),
                ("priority", "normal"),
                ("assignee", &agent_id),
                ("team", &team),
            ],
        )
        .await;

    assert_eq!(
        numbers_in(
            &owner
                .page(&format!("/inbox?view=all&assignee={agent_id}"))
                .await
        ),
        ["1001"]
    );
    assert_eq!(
        numbers_in(&owner.page("/inbox?view=all&assignee=none").await),
        ["1002", "1000"]
    );
    assert_eq!(
        numbers_in(&owner.page(&format!("/inbox?view=all&team={team}")).await),
        ["1001"]
    );
    let other = app.shop("Other", "other@example.com").await;
    drop(other);
    let stranger = app.id_of_user("other@example.com").await;
    for bad in [
        format!("/inbox?assignee={stranger}"),
        "/inbox?assignee=nobody".to_owned(),
        format!("/inbox?team={stranger}"),
        "/inbox?view=sla".to_owned(),
    ] {
        let r = owner.get(&bad).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(
            visible(&r.text().await.unwrap()).contains("filter"),
            "{bad}"
        );
    }
}

/// A filtered view reads only the tickets that pass its filters: channel, priority, type and
/// language are tested on the inbox index's entry (the inbox-filters migration), so a rare
/// combination does not read every newer ticket's row. Checked on the plan the app runs, as
/// its role, for the open view, one status and every status.
#[tokio::test]
async fn inbox_filters_are_tested_on_the_index_entry_not_on_each_row() {
    let app = spawn_app().await;
    app.shop("Filters", "owner@filters.example").await;
    let tenant = app.tenant_of("owner@filters.example").await;
    for sql in [
        "INSERT INTO customers (tenant_id, id, name, email, country, language, currency)
         VALUES ($1, gen_random_uuid(), 'Buyer', 'buyer@filters.example', 'DE', 'de', 'EUR')",
        "INSERT INTO tickets (tenant_id, id, number, customer_id, channel, subject, status,
                              priority, type, language, last_message_at)
         SELECT $1, gen_random_uuid(), 100000 + g, c.id,
                (ARRAY['amazon', 'ebay', 'shopify', 'email'])[1 + g % 4], 'Where is my order',
                (ARRAY['new', 'open', 'pending', 'solved', 'closed'])[1 + g / 4 % 5],
                (ARRAY['low', 'normal', 'high', 'urgent'])[1 + g / 20 % 4],
                (ARRAY['question', 'return', 'shipping'])[1 + g / 80 % 3],
                (ARRAY['de', 'en', 'fr', 'ja', 'zh'])[1 + g / 240 % 5],
                now() - g * interval '1 minute'
         FROM customers c, generate_series(1, 6000) g WHERE c.tenant_id = $1",
    ] {
        sqlx::query(sql)
            .bind(tenant)
            .execute(&app.admin)
            .await
            .unwrap();
    }
    sqlx::query("ANALYZE tickets")
        .execute(&app.admin)
        .await
        .unwrap();
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    for statuses in [vec!["new", "open"], vec!["pending"], vec![]] {
        let filter = InboxFilter {
            statuses: statuses.iter().map(|s| s.to_string()).collect(),
            channel: Some("amazon".into()),
            priority: Some("high".into()),
            ..InboxFilter::default()
        };
        let plan = tickets::explain_inbox(&mut tx, &filter, 51).await.unwrap();
        assert!(
            plan.lines().any(|l| l.contains("Index Cond")
                && l.contains("(channel = ")
                && l.contains("(priority = ")),
            "statuses {statuses:?}: the filters are not index conditions:\n{plan}"
        );
        assert!(
            !plan.contains("Seq Scan on tickets"),
            "statuses {statuses:?}:\n{plan}"
        );
    }
}

/// The page query runs on one shared plan from its first call: PostgreSQL would otherwise
/// plan each of the first five calls afresh, and in a large shop every call (a shared plan
/// estimates an average-sized shop, which for a large one costs more than a fresh plan), so
/// each page paid ~0.5 ms of planning at 1M tickets (docs/benchmarks.md). Checked on the
/// connection's prepared statement, as the app uses it; afterwards the transaction is back
/// on PostgreSQL's own choice for the statements that follow.
#[tokio::test]
async fn inbox_pages_run_on_one_shared_plan() {
    let app = spawn_app().await;
    app.shop("Plans", "owner@plans.example").await;
    let tenant = app.tenant_of("owner@plans.example").await;
    seed_for(&app, tenant, 60, "plans").await;
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    let filter = InboxFilter {
        statuses: vec!["new".into(), "open".into()],
        channel: Some("email".into()),
        ..InboxFilter::default()
    };
    for _ in 0..7 {
        tickets::inbox(&mut tx, &filter, InboxSort::Activity, None, 51)
            .await
            .unwrap();
    }
    let (plans, mode) = plans_of(
        tx.conn(),
        "%ORDER BY t.last_message_at DESC, t.id DESC LIMIT 51",
    )
    .await;
    assert_eq!(plans, (7, 0), "plans made: shared, per call");
    assert_eq!(mode, "auto");
}
