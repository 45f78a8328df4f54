//! The hot case-insensitive look-ups keep their indexes under row-level security.
//!
//! The app queries as `aftersail_app`, whose RLS policies make PostgreSQL apply a condition
//! with a non-leakproof function of a column (such as `lower(email)`) only after the policy's
//! own condition, so never as an index condition: such a look-up reads the whole shop. EXPLAIN
//! as a superuser bypasses RLS and shows a fine index scan, so these plans are checked here as
//! the app's role, on a shop of a few thousand customers, with the statements the code runs.

use aftersail_db::{customers, portal, rmas, TenantTx};
use aftersail_domain::TenantId;

use crate::helpers::*;

async fn plan(tx: &mut TenantTx, sql: &str, binds: &[&str]) -> String {
    let explain = format!("EXPLAIN {sql}");
    let mut q = sqlx::query_scalar::<_, String>(&explain).bind(tx.tenant());
    for b in binds {
        q = q.bind(*b);
    }
    q.fetch_all(tx.conn()).await.unwrap().join("\n")
}

#[tokio::test]
async fn case_insensitive_lookups_use_their_indexes_as_the_app_role() {
    let app = spawn_app().await;
    app.shop("Plans", "owner@plans.example").await;
    let tenant = app.tenant_of("owner@plans.example").await;
    // Statistics taken while the shop had no returns, as on a young shop or right after a
    // burst of new returns: the planner believes there are none.
    sqlx::query("ANALYZE").execute(&app.admin).await.unwrap();
    for sql in [
        "INSERT INTO customers (tenant_id, id, name, email, country, language, currency)
         SELECT $1, gen_random_uuid(), 'Buyer ' || g, 'Buyer' || g || '@Example.net', 'DE', 'de', 'EUR'
         FROM generate_series(1, 4000) g",
        "INSERT INTO orders (tenant_id, id, customer_id, channel, external_id, status, total_minor,
                             currency, ordered_at)
         SELECT $1, gen_random_uuid(), c.id, 'amazon', 'ORD-' || substr(c.name, 7), 'delivered', 2500,
                'EUR', now() - interval '3 days'
         FROM customers c WHERE c.tenant_id = $1",
        "INSERT INTO order_items (tenant_id, id, order_id, sku, title, quantity, unit_price_minor)
         SELECT $1, gen_random_uuid(), o.id, 'SKU-' || (hashtext(o.external_id) & 31), 'Chair', 1, 2500
         FROM orders o WHERE o.tenant_id = $1",
        "INSERT INTO rmas (tenant_id, id, code, order_id, customer_id, status, reason, created_at)
         SELECT $1, gen_random_uuid(), 'RMA-X' || row_number() OVER (), o.id, o.customer_id,
                'approved', 'damaged', now()
         FROM orders o WHERE o.tenant_id = $1 AND o.external_id LIKE '%7'",
        "INSERT INTO rma_items (tenant_id, rma_id, order_item_id, quantity)
         SELECT $1, r.id, i.id, 1 FROM rmas r JOIN order_items i
           ON i.tenant_id = r.tenant_id AND i.order_id = r.order_id
         WHERE r.tenant_id = $1",
    ] {
        sqlx::query(sql)
            .bind(tenant)
            .execute(&app.admin)
            .await
            .unwrap();
    }
    sqlx::raw_sql("ANALYZE customers; ANALYZE orders")
        .execute(&app.admin)
        .await
        .unwrap();
    let order: uuid::Uuid =
        sqlx::query_scalar("SELECT order_id FROM rmas WHERE tenant_id = $1 ORDER BY code LIMIT 1")
            .bind(tenant)
            .fetch_one(&app.admin)
            .await
            .unwrap();
    let order = order.to_string();

    let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
    // The form the code used before: lower() of the column is no index condition under RLS.
    let old = plan(
        &mut tx,
        "SELECT id FROM customers WHERE tenant_id = $1 AND lower(email) = lower($2)
         ORDER BY created_at LIMIT 1",
        &["buyer17@example.net"],
    )
    .await;
    assert!(
        !old.contains("Index Cond: ((tenant_id = $1) AND (lower(email)"),
        "lower(email) became an index condition under RLS after all:\n{old}"
    );

    let by_email = plan(&mut tx, customers::BY_EMAIL_SQL, &["Buyer17@example.NET"]).await;
    assert!(
        by_email.contains("customers_email_idx") && by_email.contains("email_lower ="),
        "customer by e-mail:\n{by_email}"
    );
    let find_order = plan(
        &mut tx,
        portal::FIND_ORDER_SQL,
        &["ord-17", "buyer17@example.net"],
    )
    .await;
    assert!(
        find_order.contains("orders_external_lower_idx") && !find_order.contains("Seq Scan"),
        "portal order look-up:\n{find_order}"
    );
    // (The order id goes in as text.)
    let sql = rmas::RETURNED_QUANTITIES_SQL.replace("$2", "$2::uuid");
    let returned = plan(&mut tx, &sql, &[&order]).await;
    // With statistics that know of no returns the planner may read the shop's returns by
    // either index, but each return's items are one index probe (no return × item loop).
    assert!(
        returned.contains("(rma_id = r.id)") && !returned.contains("Seq Scan"),
        "returned quantities:\n{returned}"
    );
    tx.commit().await.unwrap();
}
