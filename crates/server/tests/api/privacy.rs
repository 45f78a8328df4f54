//! Privacy: a customer's export and erasure, retention, the audit log and the evidence pack.

use std::io::{Cursor, Read};

use reqwest::StatusCode;

use crate::helpers::*;

/// What [`footprint`] wrote, to look for later.
struct Footprint {
    customer: uuid::Uuid,
    number: i64,
    email: String,
    word: String,
    name: String,
}

/// One buyer with everything a buyer leaves behind: identities, an order with an item, a
/// ticket with an inbound message (raw payload, attachment, translation), a queued reply and
/// a note, an RMA with events, a photo and a refund, a survey answer, a notification, a
/// webhook body and an audit detail naming them.
async fn footprint(app: &TestApp, owner_email: &str, label: &str) -> Footprint {
    let tenant = app.tenant_of(owner_email).await;
    let owner = app.id_of_user(owner_email).await;
    let number: i64 =
        sqlx::query_scalar("SELECT nextval(shop_number_sequence($1, 'ticket')::regclass)")
            .bind(tenant)
            .fetch_one(&app.admin)
            .await
            .unwrap();
    let email = format!("{label}.buyer@example.net");
    let word = format!("zorbulon{label}");
    let name = format!("{label} Buyerperson");
    let id = uuid::Uuid::now_v7;
    let (ch, c, o, oi, t, m1, m2, m3, p1, r) =
        (id(), id(), id(), id(), id(), id(), id(), id(), id(), id());
    let sql = format!(
        "INSERT INTO channels (tenant_id, id, kind, name) VALUES ('{tenant}', '{ch}', 'email', 'Mail {label}');
         INSERT INTO customers (tenant_id, id, name, email, country, language, lifetime_value_minor, order_count)
           VALUES ('{tenant}', '{c}', '{name}', '{email}', 'DE', 'de', 5000, 1);
         INSERT INTO customer_identities VALUES ('{tenant}', '{c}', 'email', '{email}'),
           ('{tenant}', '{c}', 'amazon', '{label}relay@marketplace.amazon.de');
         INSERT INTO orders (tenant_id, id, customer_id, channel, external_id, status, total_minor, currency,
                             shipping_country, carrier, tracking_number, ordered_at, delivered_at)
           VALUES ('{tenant}', '{o}', '{c}', 'amazon', '{label}-ORD-1', 'delivered', 5000, 'EUR', 'DE', 'DHL',
                   'JD0146{label}', now() - interval '10 days', now() - interval '5 days');
         INSERT INTO order_items VALUES ('{tenant}', '{oi}', '{o}', 'SKU-CHAIR', 'Camping chair', 2, 2500);
         INSERT INTO tickets (tenant_id, id, number, channel, customer_id, order_id, subject, status, reply_to)
           VALUES ('{tenant}', '{t}', {number}, 'email', '{c}', '{o}', 'Broken chair {word}', 'open', '{email}');
         INSERT INTO inbound_payloads (tenant_id, id, channel_id, kind, external_id, content_type, body)
           VALUES ('{tenant}', '{p1}', '{ch}', 'message', '<m1-{label}@mail>', 'message/rfc822',
                   convert_to('From: {email}' || chr(10) || 'Subject: {word}' || chr(10) || chr(10) || 'It is broken {word}', 'UTF8'));
         INSERT INTO messages (tenant_id, id, ticket_id, kind, body_text, body_html, channel, external_id, subject,
                               raw_payload_id, created_at)
           VALUES ('{tenant}', '{m1}', '{t}', 'inbound', 'My chair arrived broken {word}. Write to {email}',
                   '<p>broken {word}</p>', 'email', '<m1-{label}@mail>', 'Broken chair {word}', '{p1}',
                   now() - interval '3 days');
         INSERT INTO messages (tenant_id, id, ticket_id, kind, author_user_id, body_text, channel, delivery_state, created_at)
           VALUES ('{tenant}', '{m2}', '{t}', 'outbound', '{owner}', 'Sorry about the {word} chair, a label follows.',
                   'email', 'queued', now() - interval '2 days'),
                  ('{tenant}', '{m3}', '{t}', 'note', '{owner}', 'Internal: {word} photos look real.',
                   'email', NULL, now() - interval '1 day');
         INSERT INTO outbox (tenant_id, id, message_id, channel, idempotency_key, state)
           VALUES ('{tenant}', gen_random_uuid(), '{m2}', 'email', 'key-{label}', 'queued');
         INSERT INTO attachments (tenant_id, id, message_id, filename, content_type, size_bytes, sha256, data)
           VALUES ('{tenant}', gen_random_uuid(), '{m1}', 'broken.jpg', 'image/jpeg', 9, 'x', convert_to('JPEG{label}', 'UTF8'));
         INSERT INTO message_translations VALUES ('{tenant}', '{m1}', 'en', 'Translated {word}', 'deepl', now());
         INSERT INTO rmas (tenant_id, id, code, order_id, customer_id, ticket_id, status, reason, buyer_email,
                           refund_minor, currency)
           VALUES ('{tenant}', '{r}', 'R-{label}', '{o}', '{c}', '{t}', 'approved', 'damaged', '{email}', 2500, 'EUR');
         INSERT INTO rma_items VALUES ('{tenant}', '{r}', '{oi}', 1);
         INSERT INTO rma_events (tenant_id, id, rma_id, at, kind, note)
           VALUES ('{tenant}', gen_random_uuid(), '{r}', now() - interval '2 days', 'requested', 'Buyer wrote {word}'),
                  ('{tenant}', gen_random_uuid(), '{r}', now() - interval '1 day', 'approved', NULL);
         INSERT INTO rma_photos (tenant_id, id, rma_id, filename, content_type, size_bytes, sha256, data)
           VALUES ('{tenant}', gen_random_uuid(), '{r}', 'damage.png', 'image/png', 8, 'y', convert_to('PNG{label}', 'UTF8'));
         INSERT INTO refunds (tenant_id, id, rma_id, order_id, amount_minor, currency, state, idempotency_key)
           VALUES ('{tenant}', gen_random_uuid(), '{r}', '{o}', 2500, 'EUR', 'pending_review', 'refund-{label}');
         INSERT INTO csat_surveys (tenant_id, id, ticket_id, channel, token_hash, rating, comment, answered_at)
           VALUES ('{tenant}', gen_random_uuid(), '{t}', 'email', '\\x00{label_hex}', 'bad', 'Slow {word}', now());
         INSERT INTO notifications (tenant_id, id, user_id, ticket_id, text)
           VALUES ('{tenant}', gen_random_uuid(), '{owner}', '{t}', 'New message from {email}');
         INSERT INTO webhook_events (tenant_id, id, channel_id, delivery_id, topic, body)
           VALUES ('{tenant}', gen_random_uuid(), '{ch}', 'wh-{label}', 'orders/create',
                   convert_to('{{\"email\": \"{email}\"}}', 'UTF8'));
         INSERT INTO audit_events (tenant_id, id, action, target_type, detail)
           VALUES ('{tenant}', gen_random_uuid(), 'portal.lookup', 'order', '{{\"email\": \"{email}\"}}');",
        label_hex = hex::encode(label),
    );
    sqlx::raw_sql(&sql).execute(&app.admin).await.unwrap();
    Footprint {
        customer: c,
        number,
        email,
        word,
        name,
    }
}

fn unzip(bytes: &[u8]) -> zip::ZipArchive<Cursor<Vec<u8>>> {
    zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a ZIP archive")
}

fn read(zip: &mut zip::ZipArchive<Cursor<Vec<u8>>>, name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the archive"))
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// Rows in any table of the whole database where any text, JSON, array, search vector or
/// raw byte column contains `needle` (case-insensitive), as "table.column".
async fn sweep(app: &TestApp, needle: &str) -> Vec<String> {
    let columns: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text
         FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
           AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'tsvector', 'ARRAY', 'bytea')",
    )
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert!(columns.len() > 100, "the sweep reads every column");
    let needle = needle.to_lowercase();
    let mut found = Vec::new();
    for (table, column, kind) in columns {
        let condition = if kind == "bytea" {
            format!("position(convert_to($1, 'UTF8') IN \"{column}\") > 0")
        } else {
            format!("strpos(lower(\"{column}\"::text), $1) > 0")
        };
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM \"{table}\" WHERE {condition}"
        ))
        .bind(&needle)
        .fetch_one(&app.admin)
        .await
        .unwrap_or_else(|e| panic!("{table}.{column}: {e}"));
        if n > 0 {
            found.push(format!("{table}.{column}"));
        }
    }
    found
}

/// The figures reports are made of, for one shop.
async fn figures(app: &TestApp, tenant: uuid::Uuid) -> Vec<i64> {
    let row: (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM customers WHERE tenant_id = $1),
                (SELECT count(*) FROM tickets WHERE tenant_id = $1),
                (SELECT count(*) FROM messages WHERE tenant_id = $1),
                (SELECT count(*) FROM messages WHERE tenant_id = $1 AND kind = 'inbound'),
                (SELECT coalesce(sum(total_minor), 0)::bigint FROM orders WHERE tenant_id = $1),
                (SELECT coalesce(sum(quantity * unit_price_minor), 0)::bigint FROM order_items WHERE tenant_id = $1),
                (SELECT count(*) FROM rmas WHERE tenant_id = $1 AND reason = 'damaged' AND status = 'approved'),
                (SELECT coalesce(sum(amount_minor), 0)::bigint FROM refunds WHERE tenant_id = $1),
                (SELECT count(*) FROM csat_surveys WHERE tenant_id = $1 AND rating = 'bad'),
                (SELECT coalesce(sum(lifetime_value_minor + order_count), 0)::bigint FROM customers WHERE tenant_id = $1)",
    )
    .bind(tenant)
    .fetch_one(&app.admin)
    .await
    .unwrap();
    vec![
        row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9,
    ]
}

#[tokio::test]
async fn an_export_holds_everything_stored_about_the_customer() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let other = app.shop("Other", "other@example.com").await;
    let f = footprint(&app, "owner@example.com", "alpha").await;

    let page = owner.page(&format!("/customers/{}", f.customer)).await;
    assert!(page.contains("id=\"export-form\"") && page.contains("id=\"erase-link\""));
    assert!(owner
        .page("/customers")
        .await
        .contains(&format!("/customers/{}", f.customer)));

    let r = owner
        .post(&format!("/customers/{}/export", f.customer), &[])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let mut zip = unzip(&r.bytes().await.unwrap());
    let doc: serde_json::Value = serde_json::from_slice(&read(&mut zip, "customer.json")).unwrap();
    assert_eq!(doc["customer"]["email"], f.email.as_str());
    let identities = doc["identities"].to_string();
    assert!(
        identities.contains("alpharelay@marketplace.amazon.de"),
        "{identities}"
    );
    assert_eq!(doc["orders"][0]["items"][0]["sku"], "SKU-CHAIR");
    let ticket = &doc["tickets"][0];
    assert_eq!(ticket["number"], f.number);
    let kinds: Vec<&str> = ticket["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["inbound", "outbound", "note"],
        "every message, notes too"
    );
    assert_eq!(
        ticket["messages"][0]["translations"][0]["text"],
        format!("Translated {}", f.word)
    );
    assert_eq!(
        ticket["messages"][0]["attachments"][0]["filename"],
        "broken.jpg"
    );
    assert_eq!(ticket["csat"][0]["rating"], "bad");
    assert!(ticket["csat"][0].get("token_hash").is_none());
    let rma = &doc["returns"][0];
    assert_eq!(rma["code"], "R-alpha");
    assert_eq!(rma["events"].as_array().unwrap().len(), 2);
    assert_eq!(rma["refunds"][0]["amount_minor"], 2500);
    assert_eq!(
        read(&mut zip, &format!("attachments/{}/broken.jpg", f.number)),
        b"JPEGalpha"
    );
    assert_eq!(read(&mut zip, "rma-photos/R-alpha/damage.png"), b"PNGalpha");

    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'customer.exported' AND target_id = $1 AND actor_id IS NOT NULL",
    )
    .bind(f.customer)
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // Agents may see the customer but not export; another shop does not find them.
    assert!(!agent
        .page(&format!("/customers/{}", f.customer))
        .await
        .contains("export-form"));
    let export = format!("/customers/{}/export", f.customer);
    assert_eq!(
        agent.post(&export, &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        other.post(&export, &[]).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .get(&format!("/customers/{}", f.customer))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn erasure_leaves_no_trace_of_the_customer_and_keeps_the_figures() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let admin = app.member(&owner, "admin@example.com", "admin").await;
    let other = app.shop("Other", "other@example.com").await;
    let f = footprint(&app, "owner@example.com", "alpha").await;
    let kept = footprint(&app, "owner@example.com", "gamma").await;
    let elsewhere = footprint(&app, "other@example.com", "beta").await;
    let tenant = app.tenant_of("owner@example.com").await;
    let other_tenant = app.tenant_of("other@example.com").await;
    for needle in [&f.email, &f.word] {
        assert!(!sweep(&app, needle).await.is_empty(), "seeded {needle}");
    }
    let before = figures(&app, tenant).await;
    let other_before = figures(&app, other_tenant).await;
    let path = format!("/customers/{}/erase", f.customer);

    // Owners only; another shop's customer is not found.
    assert_eq!(admin.get(&path).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        admin.post(&path, &[("confirm", "ERASE")]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        other.post(&path, &[("confirm", "ERASE")]).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(other.get(&path).await.status(), StatusCode::NOT_FOUND);
    // A mistyped confirmation changes nothing.
    assert!(owner.page(&path).await.contains("erase-confirm"));
    let r = owner.post(&path, &[("confirm", "erase it")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible(&r.text().await.unwrap()).contains("ERASE"));
    assert!(!sweep(&app, &f.email).await.is_empty());

    let r = owner.post(&path, &[("confirm", "ERASE")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = owner.page(location(&r)).await;
    assert!(visible(&page).contains("Erased customer"));

    for needle in [&f.email, &f.word, &f.name, &"alpharelay".to_owned()] {
        assert_eq!(
            sweep(&app, needle).await,
            Vec::<String>::new(),
            "{needle} left"
        );
    }
    // The other buyer of the shop and the other shop keep everything.
    for needle in [&kept.email, &kept.word, &elsewhere.email, &elsewhere.word] {
        assert!(!sweep(&app, needle).await.is_empty(), "{needle} must stay");
    }
    assert_eq!(figures(&app, tenant).await, before, "reports do not move");
    assert_eq!(figures(&app, other_tenant).await, other_before);

    let (files, photos, queued, comment): (i64, i64, i64, Option<String>) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM attachments a JOIN messages m ON m.id = a.message_id
                 JOIN tickets t ON t.id = m.ticket_id WHERE t.customer_id = $1),
                (SELECT count(*) FROM rma_photos p JOIN rmas r ON r.id = p.rma_id WHERE r.customer_id = $1),
                (SELECT count(*) FROM outbox o JOIN messages m ON m.id = o.message_id
                 JOIN tickets t ON t.id = m.ticket_id WHERE t.customer_id = $1 AND o.state = 'queued'),
                (SELECT s.comment FROM csat_surveys s JOIN tickets t ON t.id = s.ticket_id WHERE t.customer_id = $1)",
    )
    .bind(f.customer)
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!((files, photos, queued, comment), (0, 0, 0, None));
    let body: String = sqlx::query_scalar(
        "SELECT m.body_text FROM messages m JOIN tickets t ON t.id = m.ticket_id
         WHERE t.customer_id = $1 AND m.kind = 'note'",
    )
    .bind(f.customer)
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(body, "[erased]");

    let detail: serde_json::Value = sqlx::query_scalar(
        "SELECT detail FROM audit_events WHERE action = 'customer.erased' AND target_id = $1",
    )
    .bind(f.customer)
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(detail["messages"], 3, "{detail}");
    assert_eq!(detail["attachments"], 1);
    assert_eq!(detail["replies_cancelled"], 1);
    // Search no longer finds them.
    let search = owner.page(&format!("/search?q={}", f.word)).await;
    assert!(!search.contains(&format!("/tickets/{}\"", f.number)));
}

#[tokio::test]
async fn the_evidence_pack_holds_the_facts_of_the_ticket() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let other = app.shop("Other", "other@example.com").await;
    let f = footprint(&app, "owner@example.com", "alpha").await;

    sqlx::query(
        r#"UPDATE rmas SET decision = '{"eligible": true, "resolution": "refund", "refund_minor": 2500, "currency": "EUR", "rule": "eu-damaged", "days_since": 5, "reasons": []}'"#,
    )
    .execute(&app.admin)
    .await
    .unwrap();
    let html = agent.page(&format!("/tickets/{}", f.number)).await;
    assert!(html.contains("id=\"evidence-form\""));
    let path = format!("/tickets/{}/evidence", f.number);
    let r = agent.post(&path, &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let mut zip = unzip(&r.bytes().await.unwrap());

    let summary = String::from_utf8(read(&mut zip, "summary.html")).unwrap();
    for fact in [
        format!("Ticket #{}", f.number),
        "alpha-ORD-1".to_owned(),
        "DHL JD0146alpha".to_owned(),
        "SKU-CHAIR".to_owned(),
        "R-alpha".to_owned(),
        "pending_review".to_owned(),
        format!("My chair arrived broken {}", f.word),
        format!("Internal: {} photos look real.", f.word),
        "broken.jpg".to_owned(),
        "eligible · resolution refund".to_owned(),
        "rule eu-damaged · 5 days since delivery".to_owned(),
    ] {
        assert!(summary.contains(&fact), "summary lacks {fact}");
    }
    assert!(!summary.contains("<script"), "self-contained, no script");
    // The conversation in order.
    let first = summary.find("arrived broken").unwrap();
    let second = summary.find("a label follows").unwrap();
    assert!(first < second);

    let doc: serde_json::Value = serde_json::from_slice(&read(&mut zip, "ticket.json")).unwrap();
    assert_eq!(doc["ticket"]["number"], f.number);
    assert_eq!(doc["customer"]["email"], f.email.as_str());
    assert_eq!(doc["order"]["tracking_number"], "JD0146alpha");
    assert!(doc["order"]["tracking_url"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    assert!(doc["order"]["delivered_at"].is_string());
    assert_eq!(doc["returns"][0]["events"][0]["kind"], "requested");
    assert_eq!(doc["returns"][0]["refunds"][0]["amount_minor"], 2500);
    let dirs: Vec<&str> = doc["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(dirs, ["inbound", "outbound", "note"]);
    assert_eq!(
        read(&mut zip, &format!("attachments/{}/broken.jpg", f.number)),
        b"JPEGalpha"
    );
    assert_eq!(read(&mut zip, "rma-photos/R-alpha/damage.png"), b"PNGalpha");

    assert_eq!(other.post(&path, &[]).await.status(), StatusCode::NOT_FOUND);
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'ticket.evidence_pack'",
    )
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn retention_purges_old_closed_tickets_of_shops_that_ask_for_it() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let _other = app.shop("Other", "other@example.com").await;
    let old_closed = footprint(&app, "owner@example.com", "old").await;
    let old_open = footprint(&app, "owner@example.com", "open").await;
    let recent = footprint(&app, "owner@example.com", "recent").await;
    let elsewhere = footprint(&app, "other@example.com", "else").await;
    let age = |number: i64, tenant_owner: &'static str, status: &'static str, days: i32| {
        let app = &app;
        async move {
            let tenant = app.tenant_of(tenant_owner).await;
            sqlx::query(
                "UPDATE tickets SET status = $3, last_message_at = now() - make_interval(days => $4)
                 WHERE tenant_id = $1 AND number = $2",
            )
            .bind(tenant)
            .bind(number)
            .bind(status)
            .bind(days)
            .execute(&app.admin)
            .await
            .unwrap();
        }
    };
    age(old_closed.number, "owner@example.com", "closed", 100).await;
    age(old_open.number, "owner@example.com", "open", 100).await;
    age(recent.number, "owner@example.com", "closed", 10).await;
    age(elsewhere.number, "other@example.com", "closed", 100).await;

    // Admins only; bad values are refused and change nothing.
    assert_eq!(
        agent.get("/settings/privacy").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        agent
            .post("/settings/privacy", &[("days", "30")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let page = owner.page("/settings/privacy").await;
    assert!(visible(&page).contains("Off"), "off by default");
    assert_eq!(
        page.matches(r#"method="post""#).count(),
        page.matches(r#"name="_csrf""#).count()
    );
    for bad in ["10", "abc", "-5"] {
        let r = owner.post("/settings/privacy", &[("days", bad)]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let preview = owner.page("/settings/privacy?days=30").await;
    assert!(
        visible(&preview).contains("1 tickets would be deleted now"),
        "{}",
        visible(&preview)
    );
    let r = owner.post("/settings/privacy", &[("days", "30")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(visible(&owner.page("/settings/privacy").await).contains("30 days"));

    let now = chrono::Utc::now();
    let purged = aftersail_worker::housekeeping::purge_retention(&app.pool, now)
        .await
        .unwrap();
    assert_eq!(purged, 1);
    let exists = |customer: uuid::Uuid| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM tickets WHERE customer_id = $1")
                .bind(customer)
                .fetch_one(&app.admin)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        exists(old_closed.customer).await,
        0,
        "old closed ticket purged"
    );
    assert_eq!(exists(old_open.customer).await, 1, "open tickets stay");
    assert_eq!(exists(recent.customer).await, 1, "recent tickets stay");
    assert_eq!(
        exists(elsewhere.customer).await,
        1,
        "the other shop keeps its own"
    );
    // Its messages, files and raw mail went; the return, refund and order stay.
    assert!(sweep(&app, &old_closed.word)
        .await
        .iter()
        .all(|c| c.starts_with("rma_events")));
    let (rmas, refunds): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM rmas WHERE customer_id = $1 AND ticket_id IS NULL),
                (SELECT count(*) FROM refunds f JOIN rmas r ON r.id = f.rma_id WHERE r.customer_id = $1)",
    )
    .bind(old_closed.customer)
    .fetch_one(&app.admin)
    .await
    .unwrap();
    assert_eq!((rmas, refunds), (1, 1));
    let detail: serde_json::Value =
        sqlx::query_scalar("SELECT detail FROM audit_events WHERE action = 'retention.purged'")
            .fetch_one(&app.admin)
            .await
            .unwrap();
    assert_eq!(detail["tickets"], 1);
    assert_eq!(detail["messages"], 3);
    // Nothing more to do: a second run purges nothing.
    assert_eq!(
        aftersail_worker::housekeeping::purge_retention(&app.pool, now)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn the_audit_log_shows_who_did_what_filters_pages_and_exports() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let agent = app.member(&owner, "agent@example.com", "agent").await;
    let f = footprint(&app, "owner@example.com", "alpha").await;
    let agent_id = app.id_of_user("agent@example.com").await;

    // Sign out and in again, change a role, a setting and a ticket.
    let r = agent.post("/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let again = app.browser();
    assert_eq!(
        again.log_in("agent@example.com", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    again.refresh_csrf().await;
    owner
        .post(
            &format!("/settings/users/{agent_id}/role"),
            &[("role", "admin")],
        )
        .await;
    owner.post("/settings/privacy", &[("days", "90")]).await;
    owner
        .post(
            &format!("/tickets/{}/properties", f.number),
            &[
                ("status", "pending"),
                ("priority", "high"),
                ("type", ""),
                ("assignee", ""),
                ("team", ""),
            ],
        )
        .await;

    let text = visible(&owner.page("/settings/audit").await);
    for action in [
        "user.signed_out",
        "user.signed_in",
        "user.role_changed",
        "privacy.retention_changed",
        "ticket.status",
    ] {
        assert!(text.contains(action), "{action} missing: {text}");
    }
    assert!(text.contains("Member Person"), "the actor is named");
    assert!(text.contains(&chrono::Utc::now().format("%Y-%m-%d").to_string()));

    // Filters: by person, by action, by dates.
    let only_agent = visible(
        &owner
            .page(&format!("/settings/audit?actor={agent_id}"))
            .await,
    );
    assert!(
        only_agent.contains("user.signed_in") && !only_agent.contains("privacy.retention_changed")
    );
    let only_users = visible(&owner.page("/settings/audit?action=user.").await);
    assert!(only_users.contains("user.role_changed") && !only_users.contains("ticket.status"));
    let past = visible(&owner.page("/settings/audit?until=2020-01-01").await);
    assert!(!past.contains("user.signed_in"));
    assert_eq!(
        owner.get("/settings/audit?from=yesterday").await.status(),
        StatusCode::BAD_REQUEST
    );

    // CSV with the same filters.
    let r = owner.get("/settings/audit.csv?action=user.").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("at,actor,action"));
    assert!(csv.contains(",user.signed_in,") && !csv.contains("ticket.status"));

    // Keyset pages: 250 more rows, each shown once.
    let tenant = app.tenant_of("owner@example.com").await;
    sqlx::query(
        "INSERT INTO audit_events (tenant_id, id, action, target_type, detail, at)
         SELECT $1, gen_random_uuid(), 'bulk.test', 'tenant', jsonb_build_object('i', i), now() - make_interval(secs => i)
         FROM generate_series(1, 250) i",
    )
    .bind(tenant)
    .execute(&app.admin)
    .await
    .unwrap();
    let mut path = "/settings/audit?action=bulk.".to_owned();
    let mut seen = 0;
    let mut pages = 0;
    loop {
        let html = owner.page(&path).await;
        seen += html.matches("bulk.test").count();
        pages += 1;
        match next_link(&html) {
            Some(next) => path = next,
            None => break,
        }
    }
    assert_eq!((seen, pages), (250, 3));

    // Agents: 403.
    let plain = app.member(&owner, "plain@example.com", "agent").await;
    assert_eq!(
        plain.get("/settings/audit").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        plain.get("/settings/audit.csv").await.status(),
        StatusCode::FORBIDDEN
    );
}

/// Figures for docs/privacy.md (run with `-- --ignored privacy::measured_figures`): erasure and export
/// of one buyer in a shop of 20,000 tickets (40,000 messages, 20,000 raw mails of 1 KB), then
/// a retention purge of all of them.
#[tokio::test]
#[ignore]
async fn measured_figures() {
    let app = spawn_app().await;
    let owner = app.shop("Shop", "owner@example.com").await;
    let f = footprint(&app, "owner@example.com", "alpha").await;
    let tenant = app.tenant_of("owner@example.com").await;
    let n = 20_000;
    sqlx::raw_sql(&format!(
        "INSERT INTO channels (tenant_id, id, kind, name) VALUES ('{tenant}', '{ch}', 'email', 'Bulk');
         INSERT INTO customers (tenant_id, id, name, email)
           SELECT '{tenant}', uuid_generate_v7_or_random(i), 'Buyer ' || i, 'buyer' || i || '@example.org'
           FROM generate_series(1, {n}) i;",
        ch = uuid::Uuid::now_v7(),
    )
    .replace("uuid_generate_v7_or_random(i)", "gen_random_uuid()"))
    .execute(&app.admin)
    .await
    .unwrap();
    sqlx::raw_sql(&format!(
        "INSERT INTO tickets (tenant_id, id, number, channel, customer_id, subject, status, last_message_at)
           SELECT '{tenant}', gen_random_uuid(), 100000 + row_number() OVER (), 'email', c.id,
                  'Where is my order ' || c.name, 'closed', now() - interval '200 days'
           FROM customers c WHERE c.tenant_id = '{tenant}' AND c.name LIKE 'Buyer %';
         INSERT INTO inbound_payloads (tenant_id, id, channel_id, kind, external_id, content_type, body)
           SELECT '{tenant}', gen_random_uuid(), (SELECT id FROM channels WHERE name = 'Bulk'), 'message',
                  'x' || t.number, 'message/rfc822', convert_to(repeat('Hello there, ' || t.subject || '. ', 20), 'UTF8')
           FROM tickets t WHERE t.tenant_id = '{tenant}' AND t.number >= 100000;
         INSERT INTO messages (tenant_id, id, ticket_id, kind, body_text, channel, raw_payload_id, created_at)
           SELECT '{tenant}', gen_random_uuid(), t.id, 'inbound', 'Hello, where is my parcel? ' || t.subject, 'email',
                  p.id, now() - interval '201 days'
           FROM tickets t JOIN inbound_payloads p ON p.tenant_id = t.tenant_id AND p.external_id = 'x' || t.number
           WHERE t.tenant_id = '{tenant}';
         INSERT INTO messages (tenant_id, id, ticket_id, kind, body_text, channel, created_at)
           SELECT '{tenant}', gen_random_uuid(), t.id, 'outbound', 'It is on its way.', 'email', now() - interval '200 days'
           FROM tickets t WHERE t.tenant_id = '{tenant}' AND t.number >= 100000;
         ANALYZE;"
    ))
    .execute(&app.admin)
    .await
    .unwrap();

    let started = std::time::Instant::now();
    let r = owner
        .post(&format!("/customers/{}/export", f.customer), &[])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let size = r.bytes().await.unwrap().len();
    println!("export of one buyer: {:?}, {size} bytes", started.elapsed());

    let started = std::time::Instant::now();
    let r = owner
        .post(
            &format!("/customers/{}/erase", f.customer),
            &[("confirm", "ERASE")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    println!("erasure of one buyer among {n}: {:?}", started.elapsed());

    let started = std::time::Instant::now();
    let r = owner.get("/settings/privacy?days=30").await;
    assert_eq!(r.status(), StatusCode::OK);
    println!(
        "retention preview over {n} closed tickets: {:?}",
        started.elapsed()
    );
    owner.post("/settings/privacy", &[("days", "30")]).await;
    let started = std::time::Instant::now();
    let purged = aftersail_worker::housekeeping::purge_retention(&app.pool, chrono::Utc::now())
        .await
        .unwrap();
    let took = started.elapsed();
    assert_eq!(purged, n);
    println!(
        "retention purge: {purged} tickets ({} messages, {purged} raw mails) in {took:?}, {:.0} tickets/s",
        2 * purged,
        purged as f64 / took.as_secs_f64()
    );
    let started = std::time::Instant::now();
    let html = owner.page("/settings/audit").await;
    assert!(html.contains("retention.purged"));
    println!("audit log first page: {:?}", started.elapsed());
}
