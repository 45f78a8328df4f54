//! `aftersail demo --tickets N`: the bulk generator's data is consistent, per tenant, and
//! the inbox pages through it.

use aftersail_server::demo::{self, generator};

use crate::helpers::*;

const TICKETS: u64 = 1_200;
const NOISE: u32 = 2;

#[tokio::test]
async fn generated_tickets_are_consistent_and_page_in_the_inbox() {
    let app = spawn_app().await;
    assert!(demo::seed(&app.pool).await.unwrap());
    let seeded = count_per_shop(&app).await;
    // A small batch size so the run spans several batches (and number blocks).
    let volume = generator::Volume {
        batch_size: 500,
        ..generator::Volume::new(TICKETS, NOISE)
    };
    let summary = generator::generate(&app.pool, volume).await.unwrap();
    assert_eq!(summary.tickets, TICKETS + u64::from(NOISE) * TICKETS / 10);

    let counts = count_per_shop(&app).await;
    let seeded_demo = seeded.iter().find(|(s, _)| s == "demo").unwrap().1;
    assert_eq!(
        counts,
        vec![
            ("demo".to_owned(), seeded_demo + TICKETS as i64),
            ("noise-1".to_owned(), TICKETS as i64 / 10),
            ("noise-2".to_owned(), TICKETS as i64 / 10),
        ]
    );
    numbers_are_contiguous(&app).await;
    rows_are_consistent(&app).await;
    inbox_pages(&app).await;
}

/// Tickets per shop slug, in slug order.
async fn count_per_shop(app: &TestApp) -> Vec<(String, i64)> {
    sqlx::query_as(
        "SELECT s.slug, count(t.id) FROM tenants s LEFT JOIN tickets t ON t.tenant_id = s.id
         GROUP BY s.slug ORDER BY s.slug",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap()
}

/// Numbers are unique, gap-free from the shop's first ticket, and the shop's sequence is at
/// the last of them (the next ticket gets the next number).
async fn numbers_are_contiguous(app: &TestApp) {
    let rows: Vec<(String, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT s.slug, min(t.number), max(t.number), count(*), count(DISTINCT t.number),
                (SELECT q.last_value FROM pg_sequences q
                 WHERE format('%I.%I', q.schemaname, q.sequencename) = shop_number_sequence(s.id, 'ticket')) + 1
         FROM tenants s JOIN tickets t ON t.tenant_id = s.id
         GROUP BY s.slug, s.id",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    for (slug, min, max, count, distinct, next) in rows {
        assert_eq!(min, 1000, "{slug} starts at the first number");
        assert_eq!(count, distinct, "{slug} numbers are unique");
        assert_eq!(max - min + 1, count, "{slug} numbers are contiguous");
        assert_eq!(next, max + 1, "{slug} counter follows the last number");
    }
}

async fn rows_are_consistent(app: &TestApp) {
    let zero = |sql: &'static str| async move {
        let n: i64 = sqlx::query_scalar(sql).fetch_one(&app.admin).await.unwrap();
        assert_eq!(n, 0, "{sql}");
    };
    zero(
        "SELECT count(*) FROM tickets t WHERE NOT EXISTS
           (SELECT 1 FROM messages m WHERE m.tenant_id = t.tenant_id AND m.ticket_id = t.id)",
    )
    .await;
    zero(
        "SELECT count(*) FROM tickets t
         LEFT JOIN customers c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id
         LEFT JOIN orders o ON o.tenant_id = t.tenant_id AND o.id = t.order_id
         WHERE c.id IS NULL OR o.id IS NULL OR o.customer_id <> t.customer_id",
    )
    .await;
    zero("SELECT count(*) FROM tickets WHERE last_message_at < first_message_at").await;
    zero(
        "SELECT count(*) FROM tickets t WHERE last_message_at <>
           (SELECT max(created_at) FROM messages m WHERE m.tenant_id = t.tenant_id AND m.ticket_id = t.id)",
    )
    .await;
    zero(
        "SELECT count(*) FROM orders o WHERE NOT EXISTS
           (SELECT 1 FROM order_items i WHERE i.tenant_id = o.tenant_id AND i.order_id = o.id)
           OR o.total_minor <> (SELECT sum(quantity * unit_price_minor) FROM order_items i
                                WHERE i.tenant_id = o.tenant_id AND i.order_id = o.id)",
    )
    .await;
    zero(
        "SELECT count(*) FROM customers c WHERE
           order_count <> (SELECT count(*) FROM orders o WHERE o.tenant_id = c.tenant_id AND o.customer_id = c.id)
           OR lifetime_value_minor <> (SELECT coalesce(sum(total_minor), 0) FROM orders o
                                       WHERE o.tenant_id = c.tenant_id AND o.customer_id = c.id)",
    )
    .await;
    // Replies come from the shop's own agents and were delivered.
    zero(
        "SELECT count(*) FROM messages m
         LEFT JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.author_user_id
         WHERE m.kind = 'outbound' AND (u.id IS NULL OR u.role <> 'agent' OR m.delivery_state <> 'sent')",
    )
    .await;
    // Generated in time order, as a shop writes them: a later number never starts earlier,
    // no message is in the future, and a run spans the year.
    zero(
        "SELECT count(*) FROM (
           SELECT first_message_at < lag(first_message_at) OVER (PARTITION BY tenant_id ORDER BY number) AS back
           FROM tickets t WHERE EXISTS (SELECT 1 FROM messages m WHERE m.tenant_id = t.tenant_id
                                        AND m.external_id = 'gen-' || t.number || '-0')) x
         WHERE back",
    )
    .await;
    zero("SELECT count(*) FROM messages WHERE created_at > now()").await;
    let spans: Vec<(String, f64)> = sqlx::query_as(
        "SELECT s.slug, (extract(epoch FROM max(t.first_message_at) - min(t.first_message_at)) / 86400)::float8
         FROM tickets t JOIN tenants s ON s.id = t.tenant_id
         WHERE EXISTS (SELECT 1 FROM messages m WHERE m.tenant_id = t.tenant_id
                       AND m.external_id = 'gen-' || t.number || '-0')
         GROUP BY s.slug ORDER BY s.slug",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(spans.len(), 3, "{spans:?}");
    for (slug, days) in spans {
        assert!((340.0..=359.0).contains(&days), "{slug} spans {days} days");
    }
    let languages: i64 = sqlx::query_scalar("SELECT count(DISTINCT language) FROM tickets")
        .fetch_one(&app.admin)
        .await
        .unwrap();
    assert!(languages >= 8, "only {languages} languages");
    let per_customer: f64 = sqlx::query_scalar(
        "SELECT count(*)::float8 / count(DISTINCT customer_id) FROM tickets t
         JOIN tenants s ON s.id = t.tenant_id WHERE s.slug = 'noise-1'",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert!(
        (2.5..=3.5).contains(&per_customer),
        "{per_customer} tickets per customer"
    );
}

/// The owner sees a full first page of 50 and a link to older tickets.
async fn inbox_pages(app: &TestApp) {
    let owner = app.browser();
    let r = owner.log_in(demo::PEOPLE[0].0, demo::PASSWORD).await;
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    // Every status: the default view shows only new and open tickets, a small share here.
    let html = owner.page("/inbox?view=all").await;
    assert_eq!(
        html.matches(r#"<td class="mono"><a href="/tickets/"#)
            .count(),
        50
    );
    assert!(html.contains(r#"rel="next""#) && html.contains("Older"));
}
