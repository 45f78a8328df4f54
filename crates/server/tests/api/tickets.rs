//! Inbox, ticket, returns and customers pages over real data, per tenant.

use aftersail_db::{customers, messages, orders, rmas, tickets, TenantTx};
use aftersail_domain::TenantId;
use chrono::{Duration, Utc};
use reqwest::StatusCode;

use crate::helpers::*;

/// For other test modules.
pub async fn seed_for(app: &TestApp, tenant: uuid::Uuid, n: usize, label: &str) {
    seed(app, tenant, n, label).await;
}

/// Creates `n` tickets (one customer and order each) in `tenant`, one minute apart from a day ago.
async fn seed(app: &TestApp, tenant: uuid::Uuid, n: usize, label: &str) {
    seed_from(app, tenant, n, label, Utc::now() - Duration::days(1)).await;
}

async fn seed_from(
    app: &TestApp,
    tenant: uuid::Uuid,
    n: usize,
    label: &str,
    start: chrono::DateTime<Utc>,
) {
    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    for i in 0..n {
        let name = format!("{label} Buyer {i:03}");
        let customer = customers::create(
            &mut tx,
            customers::NewCustomer {
                name: &name,
                email: None,
                country: Some("DE"),
                language: Some("de"),
                currency: "EUR",
            },
        )
        .await
        .unwrap();
        let external = format!("{label}-order-{i}");
        let (order, items) = orders::create(
            &mut tx,
            orders::NewOrder {
                customer_id: customer,
                channel: "amazon",
                external_id: &external,
                status: "shipped",
                currency: "EUR",
                shipping_country: Some("DE"),
                carrier: Some("DHL"),
                tracking_number: Some("TRACK123"),
                ordered_at: start,
                delivered_at: None,
                items: &[("SKU-1", "Camping chair", 2, 2500)],
            },
        )
        .await
        .unwrap();
        let at = start + Duration::minutes(i as i64);
        let subject = format!("{label} subject {i:03}");
        let (ticket, _) = tickets::create(
            &mut tx,
            tickets::NewTicket {
                channel: "amazon",
                customer_id: customer,
                order_id: Some(order),
                subject: &subject,
                status: "open",
                priority: "normal",
                kind: Some("return"),
                language: Some("de"),
                at,
            },
        )
        .await
        .unwrap();
        let body = format!("{label} message body {i:03}");
        messages::create(
            &mut tx,
            messages::NewMessage {
                ticket_id: ticket,
                kind: "inbound",
                author: None,
                body_text: &body,
                language: Some("de"),
                channel: "amazon",
                external_id: Some(&external),
                delivery_state: None,
                at,
            },
        )
        .await
        .unwrap();
        if i == 0 {
            rmas::create(
                &mut tx,
                rmas::NewRma {
                    order_id: order,
                    customer_id: customer,
                    ticket_id: Some(ticket),
                    status: "approved",
                    reason: "damaged",
                    resolution: Some("refund"),
                    items: &[(items[0], 1)],
                    at,
                },
            )
            .await
            .unwrap();
        }
    }
    tx.commit().await.unwrap();
}

pub fn numbers_in(html: &str) -> Vec<String> {
    html.match_indices(r#"<td class="mono"><a href="/tickets/"#)
        .map(|(i, _)| between(&html[i..], "#", "</a>").unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_inbox_pages_by_keyset_without_gaps_or_repeats_even_while_tickets_arrive() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    seed(&app, tenant, 120, "A").await;

    let first = owner.page("/inbox").await;
    let mut seen = numbers_in(&first);
    assert_eq!(seen.len(), 50);
    assert_eq!(seen[0], "1119", "newest activity first");
    let mut next = next_link(&first);

    // New tickets arrive between page loads; they sort before page 1 and must not shift later pages.
    seed_from(&app, tenant, 3, "Late", Utc::now()).await;
    while let Some(link) = next {
        let page = owner.page(&link).await;
        seen.extend(numbers_in(&page));
        next = next_link(&page);
    }
    let expected: Vec<String> = (1000..1120).rev().map(|n| n.to_string()).collect();
    assert_eq!(seen, expected, "every ticket exactly once, in order");
}

#[tokio::test]
async fn a_broken_cursor_is_a_clear_400() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let r = owner.get("/inbox?before=yesterday").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("That page link is not valid."));
    assert_eq!(
        owner.get("/customers?after=nope").await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn the_ticket_page_shows_thread_customer_order_and_returns() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    seed(&app, app.tenant_of("owner@example.com").await, 2, "A").await;
    let page = visible(&owner.page("/tickets/1000").await);
    for expected in [
        "A subject 000",
        "A message body 000",
        "A Buyer 000",
        "A-order-0",
        "Camping chair",
        "50.00 EUR",
        "TRACK123",
        "RMA-000001",
    ] {
        assert!(page.contains(expected), "missing {expected}");
    }
    assert_eq!(
        owner.get("/tickets/99999").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        owner.get("/tickets/abc").await.status(),
        StatusCode::BAD_REQUEST
    );

    let returns = owner.page("/returns").await;
    assert!(returns.contains(r#"href="/returns/RMA-000001""#));
    let rma = owner.page("/returns/RMA-000001").await;
    assert!(
        rma.contains(r#"href="/tickets/1000""#),
        "the return links its ticket"
    );
    let customers = visible(&owner.page("/customers").await);
    assert!(
        customers.contains("A Buyer 000")
            && customers.contains("A Buyer 001")
            && customers.contains("50.00 EUR")
    );
}

#[tokio::test]
async fn each_shop_sees_only_its_own_tickets_returns_and_customers() {
    let app = spawn_app().await;
    let a = app.shop("Shop A", "owner-a@example.com").await;
    let b = app.shop("Shop B", "owner-b@example.com").await;
    seed(&app, app.tenant_of("owner-a@example.com").await, 3, "Alpha").await;

    // B has no tickets: A's numbers are simply not there.
    for n in 1000..1003 {
        assert_eq!(
            b.get(&format!("/tickets/{n}")).await.status(),
            StatusCode::NOT_FOUND
        );
    }
    for path in ["/inbox", "/returns", "/customers"] {
        let html = b.page(path).await;
        assert!(!html.contains("Alpha"), "{path} leaks A");
    }
    // Once B has its own #1000, it sees that one and never A's.
    seed(&app, app.tenant_of("owner-b@example.com").await, 1, "Bravo").await;
    let page = b.page("/tickets/1000").await;
    assert!(page.contains("Bravo subject 000") && !page.contains("Alpha"));
    assert!(a.page("/tickets/1000").await.contains("Alpha subject 000"));
}

pub fn idempotency_key(html: &str) -> String {
    between(html, r#"name="idempotency_key" value=""#, "\"")
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_reply_is_queued_once_even_when_the_form_is_sent_twice() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    seed(&app, app.tenant_of("owner@example.com").await, 1, "A").await;
    let key = idempotency_key(&owner.page("/tickets/1000").await);

    for _ in 0..2 {
        let r = owner
            .post(
                "/tickets/1000/reply",
                &[
                    ("body", "  Danke, wir senden Ersatz.  "),
                    ("idempotency_key", &key),
                    ("status", "pending"),
                ],
            )
            .await;
        assert_eq!(location(&r), "/tickets/1000");
    }
    let (kind, body, state, queued): (String, String, Option<String>, String) = sqlx::query_as(
        "SELECT m.kind, m.body_text, m.delivery_state, o.state FROM messages m JOIN outbox o ON o.message_id = m.id",
    )
    .fetch_one(&app.admin)
    .await
    .expect("exactly one outbox row");
    assert_eq!(
        (
            kind.as_str(),
            body.as_str(),
            state.as_deref(),
            queued.as_str()
        ),
        (
            "outbound",
            "Danke, wir senden Ersatz.",
            Some("queued"),
            "queued"
        )
    );
    let status: String = sqlx::query_scalar("SELECT status FROM tickets")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(status, "pending");

    let page = visible(&owner.page("/tickets/1000").await);
    assert!(
        page.contains("Danke, wir senden Ersatz.") && page.contains("Queued"),
        "delivery state shown"
    );
    assert!(
        page.contains("Owner Person replied")
            && page.contains("Owner Person changed status: Open → Pending"),
        "history: {page}"
    );

    // A fresh form (new key) is a second reply.
    let key2 = idempotency_key(&owner.page("/tickets/1000").await);
    owner
        .post(
            "/tickets/1000/reply",
            &[("body", "Und noch etwas."), ("idempotency_key", &key2)],
        )
        .await;
    let replies: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(replies, 2);
}

#[tokio::test]
async fn bad_replies_and_notes_explain_and_change_nothing() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    seed(&app, app.tenant_of("owner@example.com").await, 1, "A").await;
    let key = idempotency_key(&owner.page("/tickets/1000").await);
    let r = owner
        .post(
            "/tickets/1000/reply",
            &[("body", "   "), ("idempotency_key", &key)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Write something first."));
    let long = "x".repeat(20_001);
    let r = owner.post("/tickets/1000/note", &[("body", &long)]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("longer than 20,000 characters"));
    assert_eq!(
        owner
            .post(
                "/tickets/1000/reply",
                &[("body", "hi"), ("idempotency_key", "short")]
            )
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        owner
            .post(
                "/tickets/1000/reply",
                &[
                    ("body", "hi"),
                    ("idempotency_key", &key),
                    ("status", "gone")
                ]
            )
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        owner
            .post(
                "/tickets/1000/properties",
                &[("status", "open"), ("priority", "critical")]
            )
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        owner
            .post("/tickets/4242/note", &[("body", "hello")])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let (messages, events, outbox): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM ticket_events), (SELECT count(*) FROM outbox)",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(
        (messages, events, outbox),
        (1, 0, 0),
        "only the seeded message exists"
    );
}

#[tokio::test]
async fn notes_stay_internal_and_property_changes_are_in_the_history() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    seed(&app, app.tenant_of("owner@example.com").await, 1, "A").await;
    owner
        .post(
            "/tickets/1000/note",
            &[("body", "Customer called; refund approved by Morgan.")],
        )
        .await;
    let r = owner
        .post(
            "/tickets/1000/properties",
            &[("status", "on_hold"), ("priority", "urgent"), ("type", "")],
        )
        .await;
    assert_eq!(location(&r), "/tickets/1000");

    let (kind, outbox): (String, i64) = sqlx::query_as(
        "SELECT kind, (SELECT count(*) FROM outbox) FROM messages WHERE kind = 'note'",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(
        (kind.as_str(), outbox),
        ("note", 0),
        "notes never go to the customer"
    );
    let events: Vec<(String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT kind, from_value, to_value FROM ticket_events ORDER BY kind")
            .fetch_all(&app.admin)
            .await
            .unwrap();
    let events: Vec<(&str, Option<&str>, Option<&str>)> = events
        .iter()
        .map(|(k, f, t)| (k.as_str(), f.as_deref(), t.as_deref()))
        .collect();
    assert_eq!(
        events,
        [
            ("note", None, None),
            ("priority", Some("normal"), Some("urgent")),
            ("status", Some("open"), Some("on_hold")),
            ("type", Some("return"), None)
        ]
    );
    let page = visible(&owner.page("/tickets/1000").await);
    assert!(
        page.contains("Customer called; refund approved by Morgan.")
            && page.contains("Internal note")
    );
    assert!(
        page.contains("Owner Person changed priority: Normal → Urgent"),
        "who changed what: {page}"
    );
}

#[tokio::test]
async fn another_shop_cannot_act_on_a_ticket() {
    let app = spawn_app().await;
    app.shop("Shop A", "owner-a@example.com").await;
    let b = app.shop("Shop B", "owner-b@example.com").await;
    seed(&app, app.tenant_of("owner-a@example.com").await, 1, "Alpha").await;
    let key = "0123456789abcdef0123456789";
    let attempts: [(&str, Vec<(&str, &str)>); 3] = [
        (
            "/tickets/1000/reply",
            vec![("body", "pwned"), ("idempotency_key", key)],
        ),
        ("/tickets/1000/note", vec![("body", "pwned")]),
        (
            "/tickets/1000/properties",
            vec![("status", "closed"), ("priority", "low")],
        ),
    ];
    for (path, form) in &attempts {
        assert_eq!(
            b.post(path, form).await.status(),
            StatusCode::NOT_FOUND,
            "POST {path}"
        );
    }
    let (status, messages, events): (String, i64, i64) =
        sqlx::query_as("SELECT status, (SELECT count(*) FROM messages), (SELECT count(*) FROM ticket_events) FROM tickets").fetch_one(&app.admin).await.unwrap();
    assert_eq!((status.as_str(), messages, events), ("open", 1, 0));
}

/// Sets ticket `number`'s status (and optionally assignee) behind the app's back.
async fn arrange(app: &TestApp, number: i64, status: &str, assignee: Option<uuid::Uuid>) {
    sqlx::query("UPDATE tickets SET status = $2, assignee_id = $3 WHERE number = $1")
        .bind(number)
        .bind(status)
        .bind(assignee)
        .execute(&app.admin)
        .await
        .unwrap();
}

#[tokio::test]
async fn views_count_and_filter_and_paging_keeps_the_filters() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let agent_id = app.id_of_user("agent@example.com").await;
    seed(&app, app.tenant_of("owner@example.com").await, 60, "A").await;
    // 1000..1059 are open. Make 1000..1004 solved, 1005..1006 pending, 1007..1009 the agent's.
    for n in 1000..1005 {
        arrange(&app, n, "solved", None).await;
    }
    for n in 1005..1007 {
        arrange(&app, n, "pending", None).await;
    }
    for n in 1007..1010 {
        arrange(&app, n, "open", Some(agent_id)).await;
    }
    sqlx::query(
        "UPDATE tickets SET priority = 'urgent', channel = 'ebay' WHERE number IN (1050, 1051)",
    )
    .execute(&app.admin)
    .await
    .unwrap();

    let page = visible(&owner.page("/inbox").await);
    for tab in [
        "Open 53",
        "Mine 0",
        "Unassigned 52",
        "Pending 2",
        "Solved 5",
        "All 60",
    ] {
        assert!(page.contains(tab), "tab {tab:?} in {page}");
    }
    let mine = agent.page("/inbox?view=mine").await;
    assert_eq!(numbers_in(&mine), ["1009", "1008", "1007"]);
    assert_eq!(
        numbers_in(&owner.page("/inbox?view=solved").await),
        ["1004", "1003", "1002", "1001", "1000"]
    );
    let urgent = owner
        .page("/inbox?view=all&priority=urgent&channel=ebay")
        .await;
    assert_eq!(numbers_in(&urgent), ["1051", "1050"]);
    assert!(visible(
        &owner
            .page("/inbox?view=all&priority=urgent&channel=shopee")
            .await
    )
    .contains("No tickets match these filters."));

    // The Open view has 53 tickets (1059…1007): page 2 keeps view=open and shows the last 3.
    let first = owner.page("/inbox?view=open").await;
    let link = next_link(&first).expect("a second page");
    assert!(link.contains("view=open"), "{link}");
    let second = owner.page(&link).await;
    assert_eq!(numbers_in(&second), ["1009", "1008", "1007"]);

    for bad in [
        "/inbox?view=everything",
        "/inbox?status=lost",
        "/inbox?priority=p0",
        "/inbox?type=x",
        "/inbox?channel=aliexpress",
        "/inbox?language=%3Cscript%3E",
    ] {
        let r = owner.get(bad).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("That filter is not valid."));
    }
}

#[tokio::test]
async fn assigning_a_ticket_puts_it_in_the_agents_view_and_history() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let agent_id = app.id_of_user("agent@example.com").await.to_string();
    owner
        .post("/settings/teams", &[("name", "EU returns")])
        .await;
    let team: uuid::Uuid = sqlx::query_scalar("SELECT id FROM teams")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    seed(&app, app.tenant_of("owner@example.com").await, 1, "A").await;

    let form = [
        ("status", "open"),
        ("priority", "normal"),
        ("type", "return"),
        ("assignee", agent_id.as_str()),
        ("team", &team.to_string()),
    ];
    assert_eq!(
        owner.post("/tickets/1000/properties", &form).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(numbers_in(&agent.page("/inbox?view=mine").await), ["1000"]);
    let page = visible(&owner.page("/tickets/1000").await);
    assert!(
        page.contains("changed assignee: — → Member Person")
            && page.contains("changed team: — → EU returns"),
        "{page}"
    );

    // Someone from another shop cannot be assigned, and a malformed id is refused.
    let stranger_shop = app.shop("Other", "other@example.com").await;
    drop(stranger_shop);
    let stranger = app.id_of_user("other@example.com").await.to_string();
    let form = [
        ("status", "open"),
        ("priority", "normal"),
        ("type", "return"),
        ("assignee", stranger.as_str()),
    ];
    assert_eq!(
        owner.post("/tickets/1000/properties", &form).await.status(),
        StatusCode::NOT_FOUND
    );
    let form = [
        ("status", "open"),
        ("priority", "normal"),
        ("assignee", "not-a-uuid"),
    ];
    assert_eq!(
        owner.post("/tickets/1000/properties", &form).await.status(),
        StatusCode::BAD_REQUEST
    );
    let assignee: Option<uuid::Uuid> = sqlx::query_scalar("SELECT assignee_id FROM tickets")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(assignee.map(|a| a.to_string()), Some(agent_id), "unchanged");
}

async fn bulk(b: &Browser, numbers: &[i64], action: &str) -> reqwest::Response {
    let numbers: Vec<String> = numbers.iter().map(i64::to_string).collect();
    let mut form: Vec<(&str, &str)> = numbers.iter().map(|n| ("ticket", n.as_str())).collect();
    form.push(("action", action));
    form.push(("return_to", "/inbox?view=all"));
    b.post("/tickets/bulk", &form).await
}

#[tokio::test]
async fn bulk_actions_change_many_tickets_at_once_or_none() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let agent_id = app.id_of_user("agent@example.com").await.to_string();
    seed(&app, app.tenant_of("owner@example.com").await, 6, "A").await;
    assert!(
        owner
            .page("/inbox")
            .await
            .contains(r#"name="ticket" value="1005""#),
        "rows are selectable"
    );

    let r = bulk(&owner, &[1000, 1001, 1002], "status:solved").await;
    assert_eq!(location(&r), "/inbox?view=all");
    let r = bulk(&owner, &[1001, 1002, 1003], &format!("assign:{agent_id}")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    bulk(&owner, &[1003, 1004], "priority:urgent").await;

    let rows: Vec<(i64, String, String, bool)> = sqlx::query_as(
        "SELECT number, status, priority, assignee_id IS NOT NULL FROM tickets ORDER BY number",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    let got: Vec<(i64, &str, &str, bool)> = rows
        .iter()
        .map(|(n, s, p, a)| (*n, s.as_str(), p.as_str(), *a))
        .collect();
    assert_eq!(
        got,
        [
            (1000, "solved", "normal", false),
            (1001, "solved", "normal", true),
            (1002, "solved", "normal", true),
            (1003, "open", "urgent", true),
            (1004, "open", "urgent", false),
            (1005, "open", "normal", false),
        ]
    );
    assert_eq!(
        numbers_in(&agent.page("/inbox?view=mine").await),
        ["1003"],
        "solved ones leave Mine"
    );
    let history = visible(&owner.page("/tickets/1002").await);
    assert!(
        history.contains("changed status: Open → Solved")
            && history.contains("changed assignee: — → Member Person"),
        "{history}"
    );
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM ticket_events")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(events, 8);

    // Anything wrong in a batch changes nothing.
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM ticket_events")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(
        bulk(&owner, &[1005, 9999], "status:closed").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        bulk(&owner, &[], "status:closed").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        bulk(&owner, &[1005], "status:lost").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        bulk(&owner, &[1005], "delete:all").await.status(),
        StatusCode::BAD_REQUEST
    );
    let stranger = uuid::Uuid::now_v7().to_string();
    assert_eq!(
        bulk(&owner, &[1005], &format!("assign:{stranger}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM ticket_events")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(after, before);
    let status: String = sqlx::query_scalar("SELECT status FROM tickets WHERE number = 1005")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(status, "open");

    // Another shop's numbers are not found either.
    let other = app.shop("Other", "other@example.com").await;
    assert_eq!(
        bulk(&other, &[1000, 1001], "status:closed").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn two_tickets_of_one_customer_merge_into_one_conversation() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let tenant = app.tenant_of("owner@example.com").await;
    seed(&app, tenant, 2, "A").await; // #1000 and #1001, different customers
                                      // The customer of #1000 writes again, opening #1002.
    {
        let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
        let first = tickets::get_by_number(&mut tx, 1000)
            .await
            .unwrap()
            .unwrap();
        let t = tickets::NewTicket {
            channel: "amazon",
            customer_id: first.customer_id,
            order_id: first.order_id,
            subject: "Noch eine Frage",
            status: "new",
            priority: "normal",
            kind: None,
            language: Some("de"),
            at: Utc::now(),
        };
        let (id, number) = tickets::create(&mut tx, t).await.unwrap();
        assert_eq!(number, 1002);
        let m = messages::NewMessage {
            ticket_id: id,
            kind: "inbound",
            author: None,
            body_text: "Second question body",
            language: Some("de"),
            channel: "amazon",
            external_id: None,
            delivery_state: None,
            at: Utc::now(),
        };
        messages::create(&mut tx, m).await.unwrap();
        tx.commit().await.unwrap();
    }
    let page = owner.page("/tickets/1002").await;
    assert!(
        page.contains(r#"action="/tickets/1002/merge""#)
            && page.contains(r#"<option value="1000">"#),
        "offers the customer's other ticket"
    );

    assert_eq!(
        owner
            .post("/tickets/1002/merge", &[("into", "1001")])
            .await
            .status(),
        StatusCode::BAD_REQUEST,
        "another customer"
    );
    assert_eq!(
        owner
            .post("/tickets/1002/merge", &[("into", "1002")])
            .await
            .status(),
        StatusCode::BAD_REQUEST,
        "itself"
    );
    assert_eq!(
        owner
            .post("/tickets/1002/merge", &[("into", "4242")])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let other = app.shop("Other", "other@example.com").await;
    assert_eq!(
        other
            .post("/tickets/1002/merge", &[("into", "1000")])
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "another shop"
    );
    let moved: i64 = sqlx::query_scalar("SELECT count(*) FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.number = 1002").fetch_one(&app.admin).await.unwrap();
    assert_eq!(moved, 1, "refused merges changed nothing");

    let r = owner
        .post("/tickets/1002/merge", &[("into", "#1000")])
        .await;
    assert_eq!(location(&r), "/tickets/1000");
    let target = visible(&owner.page("/tickets/1000").await);
    assert!(
        target.contains("A message body 000") && target.contains("Second question body"),
        "one conversation: {target}"
    );
    assert!(target.contains("Owner Person merged in #1002"));
    let source = visible(&owner.page("/tickets/1002").await);
    assert!(
        source.contains("This ticket was merged into #1000")
            && source.contains("merged this ticket into #1000")
    );
    assert!(!source.contains("Second question body"));
    let status: String = sqlx::query_scalar("SELECT status FROM tickets WHERE number = 1002")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert_eq!(status, "closed");
    assert_eq!(
        owner
            .post("/tickets/1002/merge", &[("into", "1000")])
            .await
            .status(),
        StatusCode::BAD_REQUEST,
        "only once"
    );
}

/// One ticket and one RMA in `tx`, for the numbering test: (ticket number, RMA code). Each
/// label sells its own SKU: writers of the same SKU on the same day do wait for each other, on
/// the shop's units-sold row for that day (`units_sold_daily`, migration 22).
async fn ticket_and_rma(tx: &mut TenantTx, label: &str) -> (i64, String) {
    let sku = format!("SKU-{label}");
    let customer = customers::create(
        tx,
        customers::NewCustomer {
            name: label,
            email: None,
            country: Some("DE"),
            language: Some("de"),
            currency: "EUR",
        },
    )
    .await
    .unwrap();
    let (order, items) = orders::create(
        tx,
        orders::NewOrder {
            customer_id: customer,
            channel: "amazon",
            external_id: &format!("{label}-order"),
            status: "shipped",
            currency: "EUR",
            shipping_country: Some("DE"),
            carrier: None,
            tracking_number: None,
            ordered_at: Utc::now(),
            delivered_at: None,
            items: &[(&sku, "Camping chair", 1, 2500)],
        },
    )
    .await
    .unwrap();
    let (ticket, number) = tickets::create(
        tx,
        tickets::NewTicket {
            channel: "amazon",
            customer_id: customer,
            order_id: Some(order),
            subject: label,
            status: "open",
            priority: "normal",
            kind: None,
            language: Some("de"),
            at: Utc::now(),
        },
    )
    .await
    .unwrap();
    let (_, code) = rmas::create(
        tx,
        rmas::NewRma {
            order_id: order,
            customer_id: customer,
            ticket_id: Some(ticket),
            status: "requested",
            reason: "damaged",
            resolution: None,
            items: &[(items[0], 1)],
            at: Utc::now(),
        },
    )
    .await
    .unwrap();
    (number, code)
}

/// Ticket numbers and RMA codes come from the shop's own sequences: a creation does not wait
/// for another one in the same shop to commit (they used to: the counters were a row lock on
/// the shop held to commit), numbers stay unique and increasing per shop, each shop counts
/// from its own start, and a creation that rolls back leaves a gap.
#[tokio::test]
async fn numbers_are_per_shop_and_writers_do_not_wait_for_each_other() {
    let app = spawn_app().await;
    app.shop("Numbers A", "owner@numbers-a.example").await;
    app.shop("Numbers B", "owner@numbers-b.example").await;
    let a = TenantId(app.tenant_of("owner@numbers-a.example").await);
    let b = TenantId(app.tenant_of("owner@numbers-b.example").await);

    let mut first = TenantTx::begin(&app.pool, a).await.unwrap();
    assert_eq!(
        ticket_and_rma(&mut first, "first").await,
        (1000, "RMA-000001".to_owned())
    );
    // `first` is still open: a second writer in the same shop goes ahead at once.
    let mut second = TenantTx::begin(&app.pool, a).await.unwrap();
    let numbered = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        ticket_and_rma(&mut second, "second"),
    )
    .await
    .expect("the second creation did not wait for the first to commit");
    assert_eq!(numbered, (1001, "RMA-000002".to_owned()));
    second.commit().await.unwrap();
    first.commit().await.unwrap();

    // Another shop counts on its own.
    let mut other = TenantTx::begin(&app.pool, b).await.unwrap();
    assert_eq!(
        ticket_and_rma(&mut other, "other").await,
        (1000, "RMA-000001".to_owned())
    );
    other.commit().await.unwrap();

    // A rolled-back creation leaves a gap; the next one goes on after it.
    let mut dropped = TenantTx::begin(&app.pool, a).await.unwrap();
    assert_eq!(ticket_and_rma(&mut dropped, "dropped").await.0, 1002);
    drop(dropped);
    let mut tx = TenantTx::begin(&app.pool, a).await.unwrap();
    assert_eq!(
        ticket_and_rma(&mut tx, "after").await,
        (1003, "RMA-000004".to_owned())
    );
    tx.commit().await.unwrap();

    // Many writers at once: every number once.
    let mut writers = Vec::new();
    for i in 0..24 {
        let pool = app.pool.clone();
        writers.push(tokio::spawn(async move {
            let mut tx = TenantTx::begin(&pool, a).await.unwrap();
            let made = ticket_and_rma(&mut tx, &format!("parallel {i}")).await;
            tx.commit().await.unwrap();
            made
        }));
    }
    let mut numbers = Vec::new();
    for w in writers {
        numbers.push(w.await.unwrap().0);
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1004..1028).collect::<Vec<_>>());
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT count(DISTINCT number) FROM tickets WHERE tenant_id = $1")
            .bind(a.0)
            .fetch_all(&app.admin)
            .await
            .unwrap();
    assert_eq!(rows[0].0, 3 + 24);
}
