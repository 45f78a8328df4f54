//! Inbox, ticket, returns and customers pages over real data, per tenant.

use aftersail_db::{customers, messages, orders, rmas, tickets, TenantTx};
use aftersail_domain::TenantId;
use chrono::{Duration, Utc};
use reqwest::StatusCode;

use crate::helpers::*;

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

fn numbers_in(html: &str) -> Vec<String> {
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
    let mut next = between(&first, r#"<a href="/inbox?before="#, "\"").map(str::to_owned);

    // New tickets arrive between page loads; they sort before page 1 and must not shift later pages.
    seed_from(&app, tenant, 3, "Late", Utc::now()).await;
    while let Some(cursor) = next {
        let page = owner.page(&format!("/inbox?before={cursor}")).await;
        seen.extend(numbers_in(&page));
        next = between(&page, r#"<a href="/inbox?before="#, "\"").map(str::to_owned);
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
    assert!(returns.contains("RMA-000001") && returns.contains(r#"href="/tickets/1000""#));
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
