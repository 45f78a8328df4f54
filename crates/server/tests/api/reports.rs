//! Reports against a hand-built shop whose figures are worked out by hand below: returns and
//! their rates, refunds per currency, tickets, service times in calendar and business hours
//! (across a weekend, so the two differ), SLA compliance, satisfaction and the bot. The page
//! and the CSV must show exactly those figures; filters narrow them; a second shop's data is
//! never counted; bad filters are a 400; the CSV is escaped and defused.
//!
//! The range is Mon 2026-03-02 .. Sun 2026-03-08 (shop time zone UTC); the shop's business
//! calendar is Mon–Fri 09:00–17:00 UTC.

use chrono::{DateTime, NaiveDateTime, Utc};
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{spawn_app, Browser, TestApp};

const RANGE: &str = "from=2026-03-02&to=2026-03-08";

fn at(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .unwrap()
        .and_utc()
}

struct Fx<'a> {
    app: &'a TestApp,
    tenant: Uuid,
    customer: Uuid,
}

impl Fx<'_> {
    async fn new(app: &TestApp, tenant: Uuid) -> Fx<'_> {
        let customer = Uuid::now_v7();
        sqlx::query("INSERT INTO customers (tenant_id, id, name) VALUES ($1, $2, 'Buyer')")
            .bind(tenant)
            .bind(customer)
            .execute(&app.admin)
            .await
            .unwrap();
        Fx {
            app,
            tenant,
            customer,
        }
    }

    /// An order with its items (SKU, quantity); returns the order and the items' ids.
    async fn order(
        &self,
        channel: &str,
        country: &str,
        currency: &str,
        ordered: &str,
        items: &[(&str, i32)],
    ) -> (Uuid, Vec<Uuid>) {
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO orders (tenant_id, id, customer_id, channel, external_id, status, total_minor,
                                 currency, shipping_country, ordered_at)
             VALUES ($1, $2, $3, $4, $2::text, 'delivered', 10000, $5, $6, $7)",
        )
        .bind(self.tenant)
        .bind(id)
        .bind(self.customer)
        .bind(channel)
        .bind(currency)
        .bind(country)
        .bind(at(ordered))
        .execute(&self.app.admin)
        .await
        .unwrap();
        let mut ids = Vec::new();
        for (sku, qty) in items {
            let item = Uuid::now_v7();
            sqlx::query(
                "INSERT INTO order_items (tenant_id, id, order_id, sku, title, quantity, unit_price_minor)
                 VALUES ($1, $2, $3, $4, $4, $5, 1000)",
            )
            .bind(self.tenant)
            .bind(item)
            .bind(id)
            .bind(sku)
            .bind(qty)
            .execute(&self.app.admin)
            .await
            .unwrap();
            ids.push(item);
        }
        (id, ids)
    }

    /// An RMA of `qty` of one order item.
    #[allow(clippy::too_many_arguments)]
    async fn rma(
        &self,
        code: &str,
        order: Uuid,
        item: Uuid,
        qty: i32,
        reason: &str,
        resolution: &str,
        created: &str,
    ) -> Uuid {
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO rmas (tenant_id, id, code, order_id, customer_id, reason, resolution, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(self.tenant)
        .bind(id)
        .bind(code)
        .bind(order)
        .bind(self.customer)
        .bind(reason)
        .bind(resolution)
        .bind(at(created))
        .execute(&self.app.admin)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO rma_items (tenant_id, rma_id, order_item_id, quantity) VALUES ($1, $2, $3, $4)",
        )
        .bind(self.tenant)
        .bind(id)
        .bind(item)
        .bind(qty)
        .execute(&self.app.admin)
        .await
        .unwrap();
        id
    }

    async fn refund(
        &self,
        rma: Uuid,
        order: Uuid,
        minor: i64,
        currency: &str,
        state: &str,
        created: &str,
    ) {
        sqlx::query(
            "INSERT INTO refunds (tenant_id, id, rma_id, order_id, amount_minor, currency, state,
                                  idempotency_key, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $2::text, $8)",
        )
        .bind(self.tenant)
        .bind(Uuid::now_v7())
        .bind(rma)
        .bind(order)
        .bind(minor)
        .bind(currency)
        .bind(state)
        .bind(at(created))
        .execute(&self.app.admin)
        .await
        .unwrap();
    }

    #[allow(clippy::too_many_arguments)]
    async fn ticket(
        &self,
        number: i64,
        channel: &str,
        order: Option<Uuid>,
        assignee: Option<Uuid>,
        intent: Option<&str>,
        kind: Option<&str>,
        created: &str,
        replied: Option<&str>,
        solved: Option<&str>,
        first_due: Option<&str>,
        resolution_due: Option<&str>,
    ) -> Uuid {
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO tickets (tenant_id, id, number, channel, customer_id, order_id, subject, status,
                                  type, intent, assignee_id, created_at, first_message_at, last_message_at,
                                  first_response_at, solved_at, first_response_due_at, resolution_due_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'Help', CASE WHEN $12::timestamptz IS NULL THEN 'open' ELSE 'solved' END,
                     $7, $8, $9, $10, $10, coalesce($12, $11, $10), $11, $12, $13, $14)",
        )
        .bind(self.tenant)
        .bind(id)
        .bind(number)
        .bind(channel)
        .bind(self.customer)
        .bind(order)
        .bind(kind)
        .bind(intent)
        .bind(assignee)
        .bind(at(created))
        .bind(replied.map(at))
        .bind(solved.map(at))
        .bind(first_due.map(at))
        .bind(resolution_due.map(at))
        .execute(&self.app.admin)
        .await
        .unwrap();
        id
    }

    async fn survey(
        &self,
        ticket: Uuid,
        agent: Option<Uuid>,
        channel: &str,
        sent: &str,
        answer: Option<(&str, &str, Option<&str>)>,
    ) {
        sqlx::query(
            "INSERT INTO csat_surveys (tenant_id, id, ticket_id, agent_id, channel, token_hash, sent_at,
                                       rating, answered_at, comment)
             VALUES ($1, $2, $3, $4, $5, decode(md5($2::text), 'hex'), $6, $7, $8, $9)",
        )
        .bind(self.tenant)
        .bind(Uuid::now_v7())
        .bind(ticket)
        .bind(agent)
        .bind(channel)
        .bind(at(sent))
        .bind(answer.map(|a| a.0))
        .bind(answer.map(|a| at(a.1)))
        .bind(answer.and_then(|a| a.2))
        .execute(&self.app.admin)
        .await
        .unwrap();
    }

    async fn bot(&self, ticket: Uuid, outcome: &str, created: &str) {
        sqlx::query(
            "INSERT INTO bot_answers (tenant_id, id, ticket_id, outcome, kind, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(self.tenant)
        .bind(Uuid::now_v7())
        .bind(ticket)
        .bind(outcome)
        .bind(if outcome == "answered" {
            "tracking"
        } else {
            "low_confidence"
        })
        .bind(at(created))
        .execute(&self.app.admin)
        .await
        .unwrap();
    }

    async fn agent_reply(&self, ticket: Uuid, author: Uuid, created: &str) {
        sqlx::query(
            "INSERT INTO messages (tenant_id, id, ticket_id, kind, author_user_id, body_text, channel, created_at)
             VALUES ($1, $2, $3, 'outbound', $4, 'Here you go', 'email', $5)",
        )
        .bind(self.tenant)
        .bind(Uuid::now_v7())
        .bind(ticket)
        .bind(author)
        .bind(at(created))
        .execute(&self.app.admin)
        .await
        .unwrap();
    }

    async fn breach(&self, ticket: Uuid, target: &str, due: &str) {
        sqlx::query(
            "INSERT INTO sla_events (tenant_id, id, ticket_id, target, kind, due_at, recorded_at)
             VALUES ($1, $2, $3, $4, 'breach', $5, $5)",
        )
        .bind(self.tenant)
        .bind(Uuid::now_v7())
        .bind(ticket)
        .bind(target)
        .bind(at(due))
        .execute(&self.app.admin)
        .await
        .unwrap();
    }
}

struct Shop {
    app: TestApp,
    owner: Browser,
    agent: Browser,
}

/// The shop "Alpha" with the figures the tests check, and a shop "Beta" with big numbers in
/// the same days that must never show up in Alpha's reports.
async fn fixture() -> Shop {
    let app = spawn_app().await;
    let owner = app.shop("Alpha", "alpha@example.com").await;
    let agent = app.member(&owner, "member@example.com", "agent").await;
    let tenant = app.tenant_of("alpha@example.com").await;
    let owner_id = app.id_of_user("alpha@example.com").await;
    let agent_id = app.id_of_user("member@example.com").await;
    let calendar = Uuid::now_v7();
    let weekdays: Vec<_> = ["Mon", "Tue", "Wed", "Thu", "Fri"]
        .iter()
        .map(|d| json!({"day": d, "open": "09:00:00", "close": "17:00:00"}))
        .collect();
    sqlx::query(
        "INSERT INTO business_calendars (tenant_id, id, name, time_zone, hours) VALUES ($1, $2, 'Office', 'UTC', $3)",
    )
    .bind(tenant)
    .bind(calendar)
    .bind(json!(weekdays))
    .execute(&app.admin)
    .await
    .unwrap();
    sqlx::query("UPDATE tenants SET business_calendar_id = $2 WHERE id = $1")
        .bind(tenant)
        .bind(calendar)
        .execute(&app.admin)
        .await
        .unwrap();

    let fx = Fx::new(&app, tenant).await;
    // Orders. Units sold in the range: SKU-A 4+2+2 = 8, SKU-B 1+3+2 = 6, SKU-C 5 (19 in all);
    // per country DE 4+2+1 = 7, FR 2+3+2 = 7, US 5. O6 is before the range.
    let (o1, i1) = fx
        .order("shopify", "DE", "EUR", "2026-03-02 10:00", &[("SKU-A", 4)])
        .await;
    let (_o2, _) = fx
        .order(
            "shopify",
            "DE",
            "EUR",
            "2026-03-03 10:00",
            &[("SKU-A", 2), ("SKU-B", 1)],
        )
        .await;
    let (o3, i3) = fx
        .order(
            "amazon",
            "FR",
            "EUR",
            "2026-03-04 10:00",
            &[("SKU-A", 2), ("SKU-B", 3)],
        )
        .await;
    let (o4, i4) = fx
        .order("amazon", "FR", "EUR", "2026-03-05 10:00", &[("SKU-B", 2)])
        .await;
    let (o5, i5) = fx
        .order("shopify", "US", "USD", "2026-03-06 10:00", &[("SKU-C", 5)])
        .await;
    let (o6, i6) = fx
        .order("shopify", "DE", "EUR", "2026-02-20 10:00", &[("SKU-A", 10)])
        .await;
    // Returns in the range: defective ×2, wrong item, damaged in transit, too small (5).
    // Units: SKU-A 1+1 (both defective: fault), SKU-B 2 (wrong item: fault) + 1 (too small),
    // SKU-C 1 (damaged: fault). R6 is before the range.
    let r1 = fx
        .rma(
            "R-1",
            o1,
            i1[0],
            1,
            "defective",
            "refund",
            "2026-03-03 09:00",
        )
        .await;
    let r2 = fx
        .rma(
            "R-2",
            o3,
            i3[0],
            1,
            "defective",
            "refund",
            "2026-03-05 09:00",
        )
        .await;
    fx.rma(
        "R-3",
        o3,
        i3[1],
        2,
        "wrong_item",
        "exchange",
        "2026-03-05 11:00",
    )
    .await;
    let r4 = fx
        .rma(
            "R-4",
            o5,
            i5[0],
            1,
            "damaged_in_transit",
            "refund",
            "2026-03-07 09:00",
        )
        .await;
    let r5 = fx
        .rma(
            "R-5",
            o4,
            i4[0],
            1,
            "too_small",
            "partial_refund",
            "2026-03-06 09:00",
        )
        .await;
    let r6 = fx
        .rma(
            "R-6",
            o6,
            i6[0],
            3,
            "defective",
            "refund",
            "2026-02-21 09:00",
        )
        .await;
    fx.refund(r1, o1, 2500, "EUR", "issued", "2026-03-03 09:30")
        .await;
    fx.refund(r2, o3, 1200, "EUR", "approved", "2026-03-05 09:30")
        .await;
    fx.refund(r4, o5, 1999, "USD", "pending_review", "2026-03-07 09:30")
        .await;
    fx.refund(r5, o4, 500, "EUR", "rejected", "2026-03-06 09:30")
        .await;
    fx.refund(r6, o6, 9900, "EUR", "issued", "2026-02-21 09:30")
        .await;

    // Tickets (calendar / business hours, calendar Mon–Fri 09–17):
    // T1 email Mon 10:00, replied Mon 12:00 (2 h / 2 h), solved Tue 10:00 (24 h / 7+1 = 8 h).
    // T2 email Fri 16:00, replied Mon 10:00 (66 h / 1+1 = 2 h), solved Mon 12:00 (68 h / 1+3 = 4 h).
    // T3 amazon Sat 09:00, replied Sat 11:00 (2 h / 0 h), solved Mon 11:00 (50 h / 2 h).
    // T4 amazon Wed 09:00, replied Wed 15:00 (6 h / 6 h), open.
    // T6 shopify Thu 09:00, no reply, open. T5 is before the range.
    // SLA: T1 first reply due 11:00 (missed), resolution due Wed 10:00 (met); T2 first reply
    // due Mon 12:00 (met), resolution due Mon 11:00 (missed); T3 first reply due 12:00 and
    // replied at 11:00, but a breach was recorded (missed); T4 first reply met, resolution due
    // Thu 09:00 and still open (missed); T6 first reply due Thu 10:00, none (missed).
    let t1 = fx
        .ticket(
            1001,
            "email",
            Some(o1),
            Some(owner_id),
            Some("order_status"),
            Some("question"),
            "2026-03-02 10:00",
            Some("2026-03-02 12:00"),
            Some("2026-03-03 10:00"),
            Some("2026-03-02 11:00"),
            Some("2026-03-04 10:00"),
        )
        .await;
    let t2 = fx
        .ticket(
            1002,
            "email",
            Some(o5),
            Some(agent_id),
            Some("not_received"),
            Some("shipping"),
            "2026-03-06 16:00",
            Some("2026-03-09 10:00"),
            Some("2026-03-09 12:00"),
            Some("2026-03-09 12:00"),
            Some("2026-03-09 11:00"),
        )
        .await;
    let t3 = fx
        .ticket(
            1003,
            "amazon",
            Some(o3),
            Some(agent_id),
            Some("return_request"),
            Some("return"),
            "2026-03-07 09:00",
            Some("2026-03-07 11:00"),
            Some("2026-03-09 11:00"),
            Some("2026-03-07 12:00"),
            None,
        )
        .await;
    let t4 = fx
        .ticket(
            1004,
            "amazon",
            Some(o4),
            None,
            Some("return_request"),
            Some("return"),
            "2026-03-04 09:00",
            Some("2026-03-04 15:00"),
            None,
            Some("2026-03-04 17:00"),
            Some("2026-03-05 09:00"),
        )
        .await;
    let t5 = fx
        .ticket(
            1005,
            "email",
            Some(o6),
            Some(owner_id),
            Some("other"),
            Some("question"),
            "2026-02-25 10:00",
            Some("2026-02-25 11:00"),
            Some("2026-02-25 12:00"),
            None,
            None,
        )
        .await;
    let t6 = fx
        .ticket(
            1006,
            "shopify",
            None,
            None,
            None,
            None,
            "2026-03-05 09:00",
            None,
            None,
            Some("2026-03-05 10:00"),
            None,
        )
        .await;
    fx.breach(t3, "first_reply", "2026-03-07 12:00").await;

    // Surveys sent in the range: S1 good with a comment, S2 bad with a hostile comment, S3
    // good, S4 unanswered; S5 before the range.
    fx.survey(
        t1,
        Some(owner_id),
        "email",
        "2026-03-03 10:05",
        Some(("good", "2026-03-03 12:00", Some("Great, thanks!"))),
    )
    .await;
    fx.survey(
        t2,
        Some(agent_id),
        "email",
        "2026-03-06 17:00",
        Some((
            "bad",
            "2026-03-06 18:00",
            Some("=HYPERLINK(\"http://evil.example\",\"x\"), \"quoted\"\nsecond line"),
        )),
    )
    .await;
    fx.survey(
        t3,
        Some(agent_id),
        "amazon",
        "2026-03-07 12:00",
        Some(("good", "2026-03-07 13:00", None)),
    )
    .await;
    fx.survey(t4, None, "amazon", "2026-03-05 10:00", None)
        .await;
    fx.survey(
        t5,
        Some(owner_id),
        "email",
        "2026-02-25 12:05",
        Some(("bad", "2026-02-25 13:00", Some("old"))),
    )
    .await;

    // The bot: T1 answered then an agent replied (not deflected); T4 handed off; T6 answered
    // and nobody replied (deflected); T3 answered then handed off (not deflected); T5 before.
    fx.bot(t1, "answered", "2026-03-02 10:01").await;
    fx.agent_reply(t1, owner_id, "2026-03-02 12:00").await;
    fx.bot(t4, "handoff", "2026-03-04 09:01").await;
    fx.bot(t6, "answered", "2026-03-05 09:01").await;
    fx.bot(t3, "answered", "2026-03-07 09:01").await;
    fx.bot(t3, "handoff", "2026-03-07 09:30").await;
    fx.bot(t5, "answered", "2026-02-25 10:01").await;

    // Another shop with big numbers on the same days.
    app.shop("Beta", "beta@example.com").await;
    let beta = app.tenant_of("beta@example.com").await;
    let bx = Fx::new(&app, beta).await;
    let (b1, bi) = bx
        .order(
            "shopify",
            "DE",
            "EUR",
            "2026-03-03 10:00",
            &[("SKU-A", 100)],
        )
        .await;
    let br = bx
        .rma(
            "R-1",
            b1,
            bi[0],
            50,
            "defective",
            "refund",
            "2026-03-04 09:00",
        )
        .await;
    bx.refund(br, b1, 99900, "EUR", "issued", "2026-03-04 09:30")
        .await;
    let bt = bx
        .ticket(
            1001,
            "email",
            Some(b1),
            None,
            Some("complaint"),
            Some("complaint"),
            "2026-03-03 10:00",
            Some("2026-03-03 10:30"),
            Some("2026-03-03 11:00"),
            None,
            None,
        )
        .await;
    bx.survey(
        bt,
        None,
        "email",
        "2026-03-03 11:05",
        Some(("bad", "2026-03-03 12:00", Some("Beta secret"))),
    )
    .await;
    bx.bot(bt, "answered", "2026-03-03 10:01").await;

    // Business seconds are counted by the worker job.
    let counted = aftersail_worker::report_durations::run_once(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        counted, 6,
        "T1–T5 of Alpha have a reply or a solve (T6 neither), and Beta's one"
    );
    Shop { app, owner, agent }
}

/// The rows of the table `key` on a page, as the cells' text.
fn table(html: &str, key: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!(r#"data-table="{key}""#))
        .unwrap_or_else(|| panic!("table {key} on the page"));
    let rest = &html[start..];
    let body = &rest[rest.find("<tbody>").unwrap()..rest.find("</tbody>").unwrap()];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("</t")
                .filter_map(|cell| {
                    let open = cell.rfind(">")?;
                    cell.contains("<t")
                        .then(|| crate::helpers::visible(&cell[open + 1..]))
                })
                .collect()
        })
        .collect()
}

fn rows(expected: &[&[&str]]) -> Vec<Vec<String>> {
    expected
        .iter()
        .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
        .collect()
}

#[tokio::test]
async fn figures_match_the_hand_counts() {
    let s = fixture().await;
    let page = s.owner.page(&format!("/reports/returns?{RANGE}")).await;
    // Reasons of the 5 returns: defective 2 = 40.0 %, the others 1 = 20.0 % each.
    assert_eq!(
        table(&page, "reasons"),
        rows(&[
            &["Defective", "defective", "2", "40.0 %"],
            &["Damaged in transit", "damaged_in_transit", "1", "20.0 %"],
            &["Too small", "too_small", "1", "20.0 %"],
            &["Wrong item", "wrong_item", "1", "20.0 %"],
        ])
    );
    // SKU-B: 3 of 6 returned = 50.0 %, 2 for a fault = 33.3 %; SKU-A: 2 of 8 = 25.0 %, both
    // faults; SKU-C: 1 of 5 = 20.0 %, a fault.
    assert_eq!(
        table(&page, "by_sku"),
        rows(&[
            &["SKU-B", "6", "3", "50.0 %", "2", "33.3 %"],
            &["SKU-A", "8", "2", "25.0 %", "2", "25.0 %"],
            &["SKU-C", "5", "1", "20.0 %", "1", "20.0 %"],
        ])
    );
    // FR: R-2 (1 A), R-3 (2 B), R-5 (1 B) = 4 of 7 = 57.1 %, faults 3 = 42.9 %; US 1 of 5;
    // DE 1 of 7 = 14.3 %.
    assert_eq!(
        table(&page, "by_country"),
        rows(&[
            &["FR", "7", "4", "57.1 %", "3", "42.9 %"],
            &["DE", "7", "1", "14.3 %", "1", "14.3 %"],
            &["US", "5", "1", "20.0 %", "1", "20.0 %"],
        ])
    );
    assert_eq!(
        table(&page, "per_day"),
        rows(&[
            &["2026-03-02", "0"],
            &["2026-03-03", "1"],
            &["2026-03-04", "0"],
            &["2026-03-05", "2"],
            &["2026-03-06", "1"],
            &["2026-03-07", "1"],
            &["2026-03-08", "0"],
        ])
    );
    // Tiles: 5 returns; 6 of 19 units = 31.6 %; faults 5 of 19 = 26.3 %.
    let tiles = crate::helpers::visible(
        crate::helpers::between(&page, r#"id="report-tiles""#, "</section>").unwrap(),
    );
    assert!(
        tiles.contains("5 Returns opened 31.6 % Return rate 26.3 % Fault rate"),
        "{tiles}"
    );
    assert!(
        page.contains(r#"<svg class="chart""#) && page.contains("<title>Return reasons</title>")
    );

    // Refunds: refund RMAs R-1 + R-2 in EUR (25.00 + 12.00), R-4 in USD; the exchange has no
    // refund and R-5's refund was rejected (not counted against its resolution).
    let page = s.owner.page(&format!("/reports/refunds?{RANGE}")).await;
    assert_eq!(
        table(&page, "by_resolution"),
        rows(&[
            &["Refund", "refund", "2", "EUR", "37.00"],
            &["Exchange", "exchange", "1", "", ""],
            &["Partial refund (keep item)", "partial_refund", "1", "", ""],
            &["Refund", "refund", "1", "USD", "19.99"],
        ])
    );
    assert_eq!(
        table(&page, "by_state"),
        rows(&[
            &["Approved", "approved", "1", "EUR", "12.00"],
            &["Issued", "issued", "1", "EUR", "25.00"],
            &["Waiting for review", "pending_review", "1", "USD", "19.99"],
            &["Rejected", "rejected", "1", "EUR", "5.00"],
        ])
    );
    assert!(crate::helpers::visible(&page).contains("37.00 EUR · 19.99 USD Refunded"));

    // Tickets: T1–T4 and T6.
    let page = s.owner.page(&format!("/reports/tickets?{RANGE}")).await;
    assert_eq!(
        table(&page, "by_intent"),
        rows(&[
            &["Return request", "return_request", "2", "40.0 %"],
            &["(none)", "none", "1", "20.0 %"],
            &["Not received", "not_received", "1", "20.0 %"],
            &["Order status", "order_status", "1", "20.0 %"],
        ])
    );
    assert_eq!(
        table(&page, "by_type")[0],
        ["Return", "return", "2", "40.0 %"]
    );
    assert_eq!(
        table(&page, "per_day")
            .iter()
            .map(|r| r[1].as_str())
            .collect::<Vec<_>>(),
        ["1", "0", "1", "1", "1", "1", "0"]
    );

    // Service. First replies 2, 66, 2, 6 h (median of 4 by nearest rank = 2nd = 2 h, p90 = 4th
    // = 66 h); business 2, 2, 0, 6 h (2 h, 6 h). Solves 24, 68, 50 h (50 h, 68 h); business
    // 8, 4, 2 h (4 h, 8 h).
    let page = s.owner.page(&format!("/reports/service?{RANGE}")).await;
    assert_eq!(
        table(&page, "by_channel"),
        rows(&[
            &[
                "amazon", "2", "2", "2.0 h", "6.0 h", "0.0 h", "6.0 h", "1", "50.0 h", "50.0 h",
                "2.0 h", "2.0 h"
            ],
            &[
                "email", "2", "2", "2.0 h", "66.0 h", "2.0 h", "2.0 h", "2", "24.0 h", "68.0 h",
                "4.0 h", "8.0 h"
            ],
            &["shopify", "1", "0", "–", "–", "–", "–", "0", "–", "–", "–", "–"],
        ])
    );
    assert_eq!(
        table(&page, "by_agent"),
        rows(&[
            &[
                "Member Person",
                "2",
                "2",
                "2.0 h",
                "66.0 h",
                "0.0 h",
                "2.0 h",
                "2",
                "50.0 h",
                "68.0 h",
                "2.0 h",
                "4.0 h"
            ],
            &[
                "Unassigned",
                "2",
                "1",
                "6.0 h",
                "6.0 h",
                "6.0 h",
                "6.0 h",
                "0",
                "–",
                "–",
                "–",
                "–"
            ],
            &[
                "Owner Person",
                "1",
                "1",
                "2.0 h",
                "2.0 h",
                "2.0 h",
                "2.0 h",
                "1",
                "24.0 h",
                "24.0 h",
                "8.0 h",
                "8.0 h"
            ],
        ])
    );
    // SLA: first reply met T2, T4; missed T1, T3 (breach recorded), T6 → 2 of 5 = 40.0 %.
    // Resolution met T1; missed T2, T4 → 1 of 3 = 33.3 %.
    assert_eq!(
        table(&page, "sla"),
        rows(&[
            &["amazon", "1", "1", "50.0 %", "0", "1", "0.0 %"],
            &["email", "1", "1", "50.0 %", "1", "1", "50.0 %"],
            &["shopify", "0", "1", "0.0 %", "0", "0", "–"],
            &["Overall", "2", "3", "40.0 %", "1", "2", "33.3 %"],
        ])
    );

    // Satisfaction: 4 sent, 3 answered, 2 good = 66.7 %.
    let page = s.owner.page(&format!("/reports/csat?{RANGE}")).await;
    assert_eq!(
        table(&page, "by_agent"),
        rows(&[
            &["Member Person", "2", "2", "1", "50.0 %"],
            &["Owner Person", "1", "1", "1", "100.0 %"],
            &["Unassigned", "1", "0", "0", "–"],
        ])
    );
    assert_eq!(
        table(&page, "by_channel"),
        rows(&[
            &["amazon", "2", "1", "1", "100.0 %"],
            &["email", "2", "2", "1", "50.0 %"]
        ])
    );
    assert_eq!(
        table(&page, "per_day"),
        rows(&[
            &["2026-03-03", "1", "1", "1", "100.0 %"],
            &["2026-03-05", "1", "0", "0", "–"],
            &["2026-03-06", "1", "1", "0", "0.0 %"],
            &["2026-03-07", "1", "1", "1", "100.0 %"],
        ])
    );
    let comments = table(&page, "comments");
    assert_eq!(comments.len(), 2);
    assert_eq!(
        comments[1],
        [
            "2026-03-03 12:00",
            "#1001",
            "Owner Person",
            "Good",
            "Great, thanks!"
        ]
    );
    assert!(crate::helpers::visible(&page).contains("66.7 % Rated good"));

    // The bot: 4 tickets, answered 3, handed off 1, deflected 1 (T6) = 25.0 %.
    let page = s.owner.page(&format!("/reports/bot?{RANGE}")).await;
    assert_eq!(
        table(&page, "per_day"),
        rows(&[
            &["2026-03-02", "1", "1", "0", "0", "0.0 %"],
            &["2026-03-04", "1", "0", "1", "0", "0.0 %"],
            &["2026-03-05", "1", "1", "0", "1", "100.0 %"],
            &["2026-03-07", "1", "1", "0", "0", "0.0 %"],
            &["Overall", "4", "3", "1", "1", "25.0 %"],
        ])
    );

    // Nothing of Beta's anywhere.
    for section in ["returns", "refunds", "tickets", "service", "csat", "bot"] {
        let page = s.owner.page(&format!("/reports/{section}?{RANGE}")).await;
        assert!(
            !page.contains("Beta secret")
                && !page.contains("999.00")
                && !page.contains("Complaint"),
            "{section}"
        );
    }

    // Agents read reports too (nothing on them changes anything).
    let page = s.agent.page(&format!("/reports/returns?{RANGE}")).await;
    assert_eq!(
        table(&page, "by_sku")[1],
        ["SKU-A", "8", "2", "25.0 %", "2", "25.0 %"]
    );
    s.app.stop().await.unwrap();
}

#[tokio::test]
async fn filters_narrow_the_figures() {
    let s = fixture().await;
    // Amazon: orders O3, O4 → SKU-A 2 sold, 1 returned; SKU-B 5 sold, 3 returned.
    let page = s
        .owner
        .page(&format!("/reports/returns?{RANGE}&channel=amazon"))
        .await;
    assert_eq!(
        table(&page, "by_sku"),
        rows(&[
            &["SKU-B", "5", "3", "60.0 %", "2", "40.0 %"],
            &["SKU-A", "2", "1", "50.0 %", "1", "50.0 %"],
        ])
    );
    assert_eq!(table(&page, "reasons").len(), 3);
    // Germany: O1, O2 → SKU-A 6 sold, 1 returned = 16.7 %; SKU-B 1 sold, none returned.
    let page = s
        .owner
        .page(&format!("/reports/returns?{RANGE}&market=de"))
        .await;
    assert_eq!(
        table(&page, "by_sku"),
        rows(&[
            &["SKU-A", "6", "1", "16.7 %", "1", "16.7 %"],
            &["SKU-B", "1", "0", "0.0 %", "0", "0.0 %"],
        ])
    );
    // SKU-B: returns R-3 and R-5; tickets on orders with SKU-B: T3 (O3), T4 (O4).
    let page = s
        .owner
        .page(&format!("/reports/returns?{RANGE}&sku=SKU-B"))
        .await;
    assert_eq!(
        table(&page, "reasons"),
        rows(&[
            &["Too small", "too_small", "1", "50.0 %"],
            &["Wrong item", "wrong_item", "1", "50.0 %"],
        ])
    );
    let page = s
        .owner
        .page(&format!("/reports/tickets?{RANGE}&sku=SKU-B"))
        .await;
    assert!(crate::helpers::visible(&page).contains("2 Tickets created"));
    let page = s
        .owner
        .page(&format!("/reports/service?{RANGE}&channel=email"))
        .await;
    assert_eq!(
        table(&page, "sla"),
        rows(&[
            &["email", "1", "1", "50.0 %", "1", "1", "50.0 %"],
            &["Overall", "1", "1", "50.0 %", "1", "1", "50.0 %"]
        ])
    );
    // A shorter range: only Mon–Tue → T1 alone.
    let page = s
        .owner
        .page("/reports/tickets?from=2026-03-02&to=2026-03-03")
        .await;
    assert!(crate::helpers::visible(&page).contains("1 Tickets created"));
    // The form keeps what was asked for, and the CSV links carry it.
    let page = s
        .owner
        .page(&format!("/reports/csat?{RANGE}&channel=amazon&market=FR"))
        .await;
    assert!(page.contains(r#"<option value="amazon" selected>"#));
    let links = page.replace("&#38;", "&").replace("&amp;", "&");
    assert!(links.contains(
        "/reports/csat.csv?from=2026-03-02&to=2026-03-08&channel=amazon&market=FR&table=per_day"
    ));
    // A preset: the last 7 days up to today has nothing of March 2026's fixture in it.
    let r = s.owner.get("/reports/tickets?days=7").await;
    assert_eq!(r.status(), StatusCode::OK);
    s.app.stop().await.unwrap();
}

#[tokio::test]
async fn csv_exports_are_exact_and_defused() {
    let s = fixture().await;
    let r = s
        .owner
        .get(&format!("/reports/csat.csv?{RANGE}&table=comments"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"csat-comments-2026-03-02-2026-03-08.csv\""
    );
    // The hostile comment: quoted (it has a comma, quotes and a line break), its quotes
    // doubled, and a ' in front of its leading = so a spreadsheet shows it as text.
    assert_eq!(
        r.text().await.unwrap(),
        "Answered,Ticket,Agent,Rating,Comment\r\n\
         2026-03-06 18:00,#1002,Member Person,Bad,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\"), \"\"quoted\"\"\nsecond line\"\r\n\
         2026-03-03 12:00,#1001,Owner Person,Good,\"Great, thanks!\"\r\n"
    );
    let r = s
        .owner
        .get(&format!("/reports/returns.csv?{RANGE}&table=by_sku"))
        .await;
    assert_eq!(
        r.text().await.unwrap(),
        "SKU,Units sold,Units returned,Return rate,Units returned for a fault,Fault rate\r\n\
         SKU-B,6,3,50.0 %,2,33.3 %\r\nSKU-A,8,2,25.0 %,2,25.0 %\r\nSKU-C,5,1,20.0 %,1,20.0 %\r\n"
    );
    // Without a table: the section's first; amounts per currency, never added together.
    let r = s.owner.get(&format!("/reports/refunds.csv?{RANGE}")).await;
    assert_eq!(
        r.text().await.unwrap(),
        "Resolution,Code,Returns,Currency,Amount\r\nRefund,refund,2,EUR,37.00\r\n\
         Exchange,exchange,1,,\r\nPartial refund (keep item),partial_refund,1,,\r\nRefund,refund,1,USD,19.99\r\n"
    );
    let r = s
        .agent
        .get(&format!("/reports/service.csv?{RANGE}&table=sla"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .text()
        .await
        .unwrap()
        .ends_with("Overall,2,3,40.0 %,1,2,33.3 %\r\n"));
    s.app.stop().await.unwrap();
}

#[tokio::test]
async fn bad_filters_are_refused_and_other_shops_stay_out() {
    let app = spawn_app().await;
    let owner = app.shop("Alpha", "alpha@example.com").await;
    for (query, words) in [
        ("market=DEU", "market"),
        ("channel=fax", "channel"),
        ("from=2026-02-30", "from"),
        ("days=0", "days"),
        (
            "from=2026-03-08&to=2026-03-01",
            "start date is after the end date",
        ),
        ("from=2024-01-01&to=2026-01-01", "at most 366 days"),
    ] {
        let r = owner.get(&format!("/reports/returns?{query}")).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{query}");
        let body = crate::helpers::visible(&r.text().await.unwrap());
        assert!(body.contains(words), "{query}: {body}");
    }
    let r = owner
        .get(&format!("/reports/returns.csv?{RANGE}&table=nope"))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        owner.get("/reports/nope").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        owner.get("/reports/nope.csv").await.status(),
        StatusCode::NOT_FOUND
    );
    // Signed out: no reports.
    let r = app.browser().get("/reports/returns").await;
    assert_ne!(r.status(), StatusCode::OK);

    // A second shop's figures in the same range do not reach the first: Beta's ticket,
    // return and survey are Beta's only.
    let beta = app.shop("Beta", "beta@example.com").await;
    let tenant = app.tenant_of("beta@example.com").await;
    let bx = Fx::new(&app, tenant).await;
    let (o, i) = bx
        .order("shopify", "DE", "EUR", "2026-03-03 10:00", &[("SKU-Z", 3)])
        .await;
    bx.rma("R-1", o, i[0], 1, "defective", "refund", "2026-03-04 09:00")
        .await;
    bx.ticket(
        1001,
        "email",
        Some(o),
        None,
        None,
        None,
        "2026-03-03 10:00",
        None,
        None,
        None,
        None,
    )
    .await;
    let page = owner
        .page(&format!("/reports/returns?{RANGE}&sku=SKU-Z"))
        .await;
    assert!(
        !page.contains(r#"data-table="by_sku""#),
        "no rows, no table"
    );
    assert!(crate::helpers::visible(&page).contains("0 Returns opened"));
    let page = beta
        .page(&format!("/reports/returns?{RANGE}&sku=SKU-Z"))
        .await;
    assert_eq!(
        table(&page, "by_sku"),
        rows(&[&["SKU-Z", "3", "1", "33.3 %", "1", "33.3 %"]])
    );
    app.stop().await.unwrap();
}

#[tokio::test]
async fn durations_are_stored_when_they_happen() {
    let app = spawn_app().await;
    app.shop("Alpha", "alpha@example.com").await;
    let tenant = app.tenant_of("alpha@example.com").await;
    let fx = Fx::new(&app, tenant).await;
    // No business calendar: business hours are every hour.
    let t = fx
        .ticket(
            1001,
            "email",
            None,
            None,
            None,
            None,
            "2026-03-06 16:00",
            None,
            None,
            None,
            None,
        )
        .await;
    let read = || async {
        sqlx::query_as::<
            _,
            (
                Option<DateTime<Utc>>,
                Option<i64>,
                Option<i64>,
                Option<i64>,
                Option<i64>,
                bool,
            ),
        >(
            "SELECT solved_at, first_reply_secs, first_reply_business_secs, resolution_secs,
                    resolution_business_secs, durations_pending FROM tickets WHERE id = $1",
        )
        .bind(t)
        .fetch_one(&app.admin)
        .await
        .unwrap()
    };
    assert_eq!(read().await, (None, None, None, None, None, false));
    // The first reply (as `messages::touch_ticket` records it): calendar seconds at once.
    sqlx::query("UPDATE tickets SET first_response_at = '2026-03-06 17:30+00' WHERE id = $1")
        .bind(t)
        .execute(&app.admin)
        .await
        .unwrap();
    assert_eq!(read().await, (None, Some(5400), None, None, None, true));
    assert_eq!(
        aftersail_worker::report_durations::run_once(&app.pool)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        read().await,
        (None, Some(5400), Some(5400), None, None, false)
    );
    // Solving stamps the time (whatever path changes the status).
    sqlx::query("UPDATE tickets SET status = 'solved' WHERE id = $1")
        .bind(t)
        .execute(&app.admin)
        .await
        .unwrap();
    let (solved, _, _, secs, business, pending) = read().await;
    let solved = solved.expect("solved_at set");
    assert!((Utc::now() - solved).num_seconds().abs() < 60);
    assert_eq!(secs, Some((solved - at("2026-03-06 16:00")).num_seconds()));
    assert!(business.is_none() && pending);
    aftersail_worker::report_durations::run_once(&app.pool)
        .await
        .unwrap();
    assert_eq!(read().await.4, secs);
    // Closing a solved ticket keeps its solve time; reopening clears it.
    sqlx::query("UPDATE tickets SET status = 'closed' WHERE id = $1")
        .bind(t)
        .execute(&app.admin)
        .await
        .unwrap();
    assert_eq!(read().await.0, Some(solved));
    sqlx::query("UPDATE tickets SET status = 'open' WHERE id = $1")
        .bind(t)
        .execute(&app.admin)
        .await
        .unwrap();
    assert_eq!(
        read().await,
        (None, Some(5400), Some(5400), None, None, false)
    );
    app.stop().await.unwrap();
}

/// The daily units sold (migration 22) equal a recount from the orders, per shop day, channel,
/// market and SKU; zero sums count as absent.
async fn assert_units_match_orders(app: &TestApp, tenant: Uuid, when: &str) {
    type Key = (chrono::NaiveDate, String, String, String, i64);
    let kept: Vec<Key> = sqlx::query_as(
        "SELECT day, channel, market, sku, units FROM units_sold_daily
         WHERE tenant_id = $1 AND units <> 0 ORDER BY 1, 2, 3, 4",
    )
    .bind(tenant)
    .fetch_all(&app.admin)
    .await
    .unwrap();
    let recount: Vec<Key> = sqlx::query_as(
        "SELECT (o.ordered_at AT TIME ZONE t.time_zone)::date, o.channel, coalesce(o.shipping_country, ''),
                i.sku, sum(i.quantity)::bigint
         FROM orders o JOIN order_items i ON i.tenant_id = o.tenant_id AND i.order_id = o.id
         JOIN tenants t ON t.id = o.tenant_id
         WHERE o.tenant_id = $1 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
    )
    .bind(tenant)
    .fetch_all(&app.admin)
    .await
    .unwrap();
    assert_eq!(kept, recount, "{when}");
}

#[tokio::test]
async fn units_sold_and_markets_follow_orders_as_they_change() {
    use aftersail_db::orders::{upsert_external, ExternalOrder};
    use aftersail_db::TenantTx;
    use aftersail_domain::{CustomerId, TenantId};

    let app = spawn_app().await;
    let owner = app.shop("Alpha", "alpha@example.com").await;
    let tenant = app.tenant_of("alpha@example.com").await;
    let fx = Fx::new(&app, tenant).await;
    // Also another shop's order, which must never move Alpha's sums.
    app.shop("Beta", "beta@example.com").await;
    let beta = Fx::new(&app, app.tenant_of("beta@example.com").await).await;
    beta.order("amazon", "DE", "EUR", "2026-03-02 12:00", &[("SKU-A", 9)])
        .await;

    // Through the app's own role and path (RLS on, as a channel sync stores orders).
    let sync = |country: Option<&'static str>, items: Vec<(&'static str, i32)>| {
        let app = &app;
        let customer = fx.customer;
        async move {
            let lines: Vec<(&str, &str, i32, i64)> =
                items.iter().map(|(s, q)| (*s, *s, *q, 1000)).collect();
            let mut tx = TenantTx::begin(&app.pool, TenantId(tenant)).await.unwrap();
            let id = upsert_external(
                &mut tx,
                ExternalOrder {
                    customer_id: CustomerId(customer),
                    channel: "amazon",
                    external_id: "111-222",
                    status: "shipped",
                    total_minor: 1000,
                    currency: "EUR",
                    shipping_country: country,
                    carrier: None,
                    tracking_number: None,
                    ordered_at: at("2026-03-02 23:30"),
                    delivered_at: None,
                    tracking_status: None,
                    items: &lines,
                },
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            id.0
        }
    };
    let market = |ticket: Uuid| {
        let app = &app;
        async move {
            let t: Option<String> = sqlx::query_scalar("SELECT market FROM tickets WHERE id = $1")
                .bind(ticket)
                .fetch_one(&app.admin)
                .await
                .unwrap();
            let s: Option<String> =
                sqlx::query_scalar("SELECT market FROM csat_surveys WHERE ticket_id = $1")
                    .bind(ticket)
                    .fetch_one(&app.admin)
                    .await
                    .unwrap();
            (t, s)
        }
    };
    let by_sku = |range: &'static str| {
        let owner = &owner;
        async move {
            table(
                &owner.page(&format!("/reports/returns?{range}")).await,
                "by_sku",
            )
        }
    };

    // No country yet: the units count under no market; the ticket and its survey have none.
    let order = sync(None, vec![("SKU-A", 2), ("SKU-B", 1)]).await;
    assert_units_match_orders(&app, tenant, "new order").await;
    let ticket = fx
        .ticket(
            1,
            "amazon",
            Some(order),
            None,
            None,
            None,
            "2026-03-03 08:00",
            None,
            Some("2026-03-03 09:00"),
            None,
            None,
        )
        .await;
    fx.survey(ticket, None, "amazon", "2026-03-03 09:00", None)
        .await;
    assert_eq!(market(ticket).await, (None, None));

    // A later sync brings the country and changes the lines (A 2 → 3, B gone, C new).
    sync(Some("DE"), vec![("SKU-A", 3), ("SKU-C", 1)]).await;
    assert_units_match_orders(&app, tenant, "country and lines changed").await;
    assert_eq!(
        market(ticket).await,
        (Some("DE".to_owned()), Some("DE".to_owned()))
    );
    let page = owner
        .page("/reports/tickets?from=2026-03-03&to=2026-03-03&market=DE")
        .await;
    assert!(crate::helpers::visible(&page).contains("1 Tickets created"));
    let page = owner
        .page("/reports/tickets?from=2026-03-03&to=2026-03-03&market=FR")
        .await;
    assert!(crate::helpers::visible(&page).contains("0 Tickets created"));
    // Ordered 23:30 UTC on Monday: Monday's sales in a UTC shop (Beta's 9 never counted).
    assert_eq!(
        by_sku("from=2026-03-02&to=2026-03-02").await,
        rows(&[
            &["SKU-A", "3", "0", "0.0 %", "0", "0.0 %"],
            &["SKU-C", "1", "0", "0.0 %", "0", "0.0 %"],
        ])
    );

    // The shop moves to Tokyo: the same order is Tuesday's sale there.
    let r = owner
        .post(
            "/settings/returns/time-zone",
            &[("time_zone", "Asia/Tokyo")],
        )
        .await;
    assert!(r.status().is_success() || r.status().is_redirection());
    assert_units_match_orders(&app, tenant, "time zone changed").await;
    let monday = owner
        .page("/reports/returns?from=2026-03-02&to=2026-03-02")
        .await;
    assert!(!monday.contains("SKU-A"), "nothing sold on Monday in Tokyo");
    assert_eq!(
        by_sku("from=2026-03-03&to=2026-03-03").await,
        rows(&[
            &["SKU-A", "3", "0", "0.0 %", "0", "0.0 %"],
            &["SKU-C", "1", "0", "0.0 %", "0", "0.0 %"],
        ])
    );

    // The order's country changes again, and a line goes: both move with it.
    sync(Some("FR"), vec![("SKU-A", 3)]).await;
    assert_units_match_orders(&app, tenant, "moved to FR, C gone").await;
    assert_eq!(
        market(ticket).await,
        (Some("FR".to_owned()), Some("FR".to_owned()))
    );
    // Many orders in one statement (as the demo generator inserts them).
    sqlx::query(
        "INSERT INTO orders (tenant_id, id, customer_id, channel, external_id, status, total_minor,
                             currency, shipping_country, ordered_at)
         SELECT $1, gen_random_uuid(), $2, 'ebay', 'bulk-' || n, 'delivered', 100, 'EUR',
                (ARRAY['DE', 'FR', 'US'])[1 + n % 3], timestamptz '2026-03-01' + n * interval '37 minutes'
         FROM generate_series(1, 300) n",
    )
    .bind(tenant)
    .bind(fx.customer)
    .execute(&app.admin)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO order_items (tenant_id, id, order_id, sku, title, quantity, unit_price_minor)
         SELECT o.tenant_id, gen_random_uuid(), o.id, 'SKU-' || k, 'x', k, 100
         FROM orders o CROSS JOIN generate_series(1, 3) k
         WHERE o.tenant_id = $1 AND o.channel = 'ebay'",
    )
    .bind(tenant)
    .execute(&app.admin)
    .await
    .unwrap();
    assert_units_match_orders(&app, tenant, "bulk insert").await;
}
