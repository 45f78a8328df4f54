//! The issue-9 pages in a real browser (headless Chromium): reports with their charts,
//! filters and CSV exports; API tokens; outbound webhooks with a signed test event; alert
//! settings and alerts; retention, a customer's page and erasure; the audit log; and the
//! buyer's satisfaction survey. Every page is also checked for console errors (script
//! errors, Content-Security-Policy violations, resources that failed to load).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDateTime, Utc};
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

use crate::browser::WebDriver;
use crate::helpers::*;

/// Asserts the page logged no errors since the last check; `expected` are substrings of
/// errors the step causes on purpose (e.g. the 400 of a refused filter).
async fn no_console_errors(web: &WebDriver, step: &str, expected: &[&str]) {
    let errors = web.console_errors().await;
    let unexpected: Vec<&String> = errors
        .iter()
        .filter(|e| !expected.iter().any(|x| e.contains(x)))
        .collect();
    assert!(
        unexpected.is_empty(),
        "{step}: console errors {unexpected:#?}"
    );
}

// ---- reports ------------------------------------------------------------------------

fn at(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .unwrap()
        .and_utc()
}

/// A shop's figures for Mon 2026-03-02 .. Sun 2026-03-08 (shop time zone UTC, no business
/// calendar, so business hours are all hours), worked out by hand in the test:
/// - O1 shopify DE: 4 × SKU-A on 03-02; O2 amazon FR: 3 × SKU-B on 03-04.
/// - R-1: 1 × SKU-A of O1, defective, refund 25.00 EUR issued (03-03);
///   R-2: 2 × SKU-B of O2, wrong item, refund 12.00 EUR approved (03-05).
/// - #1001 email on O1, owner's, order status: created 03-02 10:00, replied 12:00, solved
///   03-03 10:00; the bot answered it and nobody wrote after (deflected); its survey was
///   answered good with a comment.
/// - #1002 amazon on O2, unassigned, return request: created 03-04 09:00, replied 15:00,
///   open; the bot handed it off.
async fn seed_reports(app: &TestApp, tenant: Uuid, owner: Uuid) {
    let customer = Uuid::now_v7();
    let (o1, o2, i1, i2, r1, r2, t1, t2) = (
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
    );
    let run = |sql: &'static str| sqlx::query(sql).bind(tenant);
    run("INSERT INTO customers (tenant_id, id, name) VALUES ($1, $2, 'Buyer')")
        .bind(customer)
        .execute(&app.admin)
        .await
        .unwrap();
    for (order, item, channel, country, sku, qty, ordered) in [
        (o1, i1, "shopify", "DE", "SKU-A", 4, "2026-03-02 10:00"),
        (o2, i2, "amazon", "FR", "SKU-B", 3, "2026-03-04 10:00"),
    ] {
        run("INSERT INTO orders (tenant_id, id, customer_id, channel, external_id, status, total_minor,
                                 currency, shipping_country, ordered_at)
             VALUES ($1, $2, $3, $4, $2::text, 'delivered', 10000, 'EUR', $5, $6)")
        .bind(order)
        .bind(customer)
        .bind(channel)
        .bind(country)
        .bind(at(ordered))
        .execute(&app.admin)
        .await
        .unwrap();
        run("INSERT INTO order_items (tenant_id, id, order_id, sku, title, quantity, unit_price_minor)
             VALUES ($1, $2, $3, $4, $4, $5, 1000)")
        .bind(item)
        .bind(order)
        .bind(sku)
        .bind(qty)
        .execute(&app.admin)
        .await
        .unwrap();
    }
    for (rma, code, order, item, qty, reason, created, minor, state) in [
        (
            r1,
            "R-1",
            o1,
            i1,
            1,
            "defective",
            "2026-03-03 09:00",
            2500,
            "issued",
        ),
        (
            r2,
            "R-2",
            o2,
            i2,
            2,
            "wrong_item",
            "2026-03-05 09:00",
            1200,
            "approved",
        ),
    ] {
        run("INSERT INTO rmas (tenant_id, id, code, order_id, customer_id, reason, resolution, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'refund', $7)")
        .bind(rma)
        .bind(code)
        .bind(order)
        .bind(customer)
        .bind(reason)
        .bind(at(created))
        .execute(&app.admin)
        .await
        .unwrap();
        run("INSERT INTO rma_items (tenant_id, rma_id, order_item_id, quantity) VALUES ($1, $2, $3, $4)")
            .bind(rma)
            .bind(item)
            .bind(qty)
            .execute(&app.admin)
            .await
            .unwrap();
        run(
            "INSERT INTO refunds (tenant_id, id, rma_id, order_id, amount_minor, currency, state,
                                  idempotency_key, created_at)
             VALUES ($1, $2, $3, $4, $5, 'EUR', $6, $2::text, $7 + interval '30 minutes')",
        )
        .bind(Uuid::now_v7())
        .bind(rma)
        .bind(order)
        .bind(minor as i64)
        .bind(state)
        .bind(at(created))
        .execute(&app.admin)
        .await
        .unwrap();
    }
    for (ticket, number, channel, order, assignee, intent, kind, created, replied, solved) in [
        (
            t1,
            1001,
            "email",
            o1,
            Some(owner),
            "order_status",
            "question",
            "2026-03-02 10:00",
            "2026-03-02 12:00",
            Some("2026-03-03 10:00"),
        ),
        (
            t2,
            1002,
            "amazon",
            o2,
            None,
            "return_request",
            "return",
            "2026-03-04 09:00",
            "2026-03-04 15:00",
            None,
        ),
    ] {
        run("INSERT INTO tickets (tenant_id, id, number, channel, customer_id, order_id, subject, status,
                                  type, intent, assignee_id, created_at, first_message_at, last_message_at,
                                  first_response_at, solved_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'Help', CASE WHEN $12::timestamptz IS NULL THEN 'open' ELSE 'solved' END,
                     $7, $8, $9, $10, $10, coalesce($12, $11), $11, $12)")
        .bind(ticket)
        .bind(number as i64)
        .bind(channel)
        .bind(customer)
        .bind(order)
        .bind(kind)
        .bind(intent)
        .bind(assignee)
        .bind(at(created))
        .bind(at(replied))
        .bind(solved.map(at))
        .execute(&app.admin)
        .await
        .unwrap();
    }
    run("INSERT INTO csat_surveys (tenant_id, id, ticket_id, agent_id, channel, token_hash, sent_at,
                                   rating, answered_at, comment)
         VALUES ($1, $2, $3, $4, 'email', decode(md5($2::text), 'hex'), $5, 'good', $6, 'Great, thanks!')")
    .bind(Uuid::now_v7())
    .bind(t1)
    .bind(owner)
    .bind(at("2026-03-03 10:05"))
    .bind(at("2026-03-03 12:00"))
    .execute(&app.admin)
    .await
    .unwrap();
    for (ticket, outcome, kind, created) in [
        (t1, "answered", "tracking", "2026-03-02 10:01"),
        (t2, "handoff", "low_confidence", "2026-03-04 09:01"),
    ] {
        run(
            "INSERT INTO bot_answers (tenant_id, id, ticket_id, outcome, kind, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(Uuid::now_v7())
        .bind(ticket)
        .bind(outcome)
        .bind(kind)
        .bind(at(created))
        .execute(&app.admin)
        .await
        .unwrap();
    }
    // Business seconds are counted by the worker job: both tickets have a reply.
    assert_eq!(
        aftersail_worker::report_durations::run_once(&app.pool)
            .await
            .unwrap(),
        2
    );
}

/// The rows of the table `key` as the browser shows them (cells' rendered text, so with the
/// stylesheet's text transforms).
async fn table(web: &WebDriver, key: &str) -> Vec<Vec<String>> {
    let rows = web
        .script(&format!(
            "return Array.from(document.querySelectorAll('table[data-table=\"{key}\"] tbody tr'))\
             .map(r => Array.from(r.cells).map(c => c.innerText.trim()))"
        ))
        .await;
    serde_json::from_value(rows).unwrap()
}

fn rows(expected: &[&[&str]]) -> Vec<Vec<String>> {
    expected
        .iter()
        .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
        .collect()
}

/// What a chart drew, measured by the browser.
#[derive(Debug, serde::Deserialize)]
struct Drawn {
    title: String,
    /// Its box on the page, in CSS pixels.
    width: f64,
    height: f64,
    /// The bars' widths (user units of the SVG).
    bars: Vec<f64>,
    /// The trend line's box and its dots.
    line: Option<(f64, f64)>,
    dots: usize,
    /// The paint of its marks (bar fill or line stroke), as the stylesheet sets it.
    paint: String,
    empty: bool,
}

const CHARTS_JS: &str = "return Array.from(document.querySelectorAll('svg.chart')).map(svg => {
  const box = svg.getBoundingClientRect();
  const bars = Array.from(svg.querySelectorAll('.chart-bar'));
  const line = svg.querySelector('.chart-line');
  const mark = line || bars[0];
  const lb = line && line.getBBox();
  return {
    title: svg.querySelector('title').textContent,
    width: box.width, height: box.height,
    bars: bars.map(b => b.getBBox().width),
    line: lb ? [lb.width, lb.height] : null,
    dots: svg.querySelectorAll('.chart-dot').length,
    paint: mark ? (line ? getComputedStyle(line).stroke : getComputedStyle(mark).fill) : '',
    empty: !!svg.querySelector('.chart-empty'),
  };
})";

/// The section's charts, each shown at a real size with its marks drawn and painted.
async fn charts(web: &WebDriver, section: &str) -> Vec<Drawn> {
    let drawn: Vec<Drawn> = serde_json::from_value(web.script(CHARTS_JS).await).unwrap();
    assert!(!drawn.is_empty(), "{section}: no chart");
    for c in &drawn {
        assert!(!c.title.is_empty(), "{section}: a chart without a name");
        assert!(c.width > 300.0 && c.height > 40.0, "{section}: {c:?}");
        assert!(!c.empty, "{section}: a chart without data: {c:?}");
        assert!(
            !c.paint.is_empty() && c.paint != "none" && c.paint != "rgb(0, 0, 0)",
            "{section}: marks not painted by the stylesheet: {c:?}"
        );
        match c.line {
            // A dot per point; more than one point: a line across the plot.
            Some((w, _)) => assert!(
                c.dots >= 1 && (c.dots == 1 || w > 500.0),
                "{section}: {c:?}"
            ),
            None => assert!(
                !c.bars.is_empty() && c.bars.iter().all(|w| *w >= 1.0),
                "{section}: {c:?}"
            ),
        }
    }
    drawn
}

/// Opens a tab by its link in the tab bar (the filters carry over).
async fn open_tab(web: &WebDriver, section: &str) {
    // Back to the top first: the sticky top bar would cover the tab bar otherwise.
    web.script("window.scrollTo(0, 0)").await;
    web.click(&format!("#report-tabs a[href^='/reports/{section}?']"))
        .await;
    web.wait_true(&format!(
        "location.pathname === '/reports/{section}' && \
         document.querySelector('#report-tabs a[aria-current=page]').getAttribute('href').startsWith('/reports/{section}?')"
    ))
    .await;
}

/// Fills the filter form as a person would and submits it.
async fn filter(web: &WebDriver, from: &str, to: &str, channel: &str, market: &str, sku: &str) {
    // Date inputs take their value in the page's own format; set them as the picker does.
    web.script(&format!(
        "const f = document.querySelector('form.report-filters'); \
         f.from.value = '{from}'; f.to.value = '{to}'; f.channel.value = '{channel}'; \
         f.market.value = ''; f.sku.value = '';"
    ))
    .await;
    if !market.is_empty() {
        web.type_into("form.report-filters input[name=market]", market)
            .await;
    }
    if !sku.is_empty() {
        web.type_into("form.report-filters input[name=sku]", sku)
            .await;
    }
    let before = web.script("return performance.timeOrigin").await;
    web.click("form.report-filters button[type=submit]").await;
    web.wait_true(&format!("performance.timeOrigin !== {before}"))
        .await;
    web.wait_true("document.readyState === 'complete'").await;
}

async fn tiles(web: &WebDriver) -> String {
    web.text("#report-tiles").await.replace('\n', " ")
}

#[tokio::test]
async fn reports_draw_their_charts_filter_and_export_in_a_real_browser() {
    let Some(web) = WebDriver::start().await else {
        return;
    };
    let app = spawn_app().await;
    app.shop("Alpha", "owner@alpha.example").await;
    let tenant = app.tenant_of("owner@alpha.example").await;
    let owner = app.id_of_user("owner@alpha.example").await;
    seed_reports(&app, tenant, owner).await;

    web.log_in(&app.address, "owner@alpha.example", PASSWORD)
        .await;
    no_console_errors(&web, "inbox", &[]).await;
    web.click("a[href='/reports']").await;
    web.wait_path("/reports").await;
    // The last 30 days (the default) hold nothing of March: charts say so, no tables.
    assert_eq!(
        web.script("return document.querySelectorAll('#report-tabs a').length")
            .await,
        6
    );
    assert!(tiles(&web).await.contains("0 Returns opened"));
    assert_eq!(
        web.script("return document.querySelectorAll('svg.chart .chart-empty').length")
            .await,
        1,
        "the reasons chart says there is nothing"
    );
    no_console_errors(&web, "reports", &[]).await;

    // The week of the figures, from the form.
    filter(&web, "2026-03-02", "2026-03-08", "", "", "").await;
    assert_eq!(
        web.path().await,
        "/reports/returns?from=2026-03-02&to=2026-03-08&channel=&market=&sku="
    );
    assert_eq!(
        web.text("#report-range").await,
        "2026-03-02 to 2026-03-08, days in UTC"
    );
    // Laid out as tabs (one row, the current one marked) and a row of filter fields.
    let layout = web
        .script(
            "const tabs = Array.from(document.querySelectorAll('#report-tabs a')); \
             const current = document.querySelector('#report-tabs a[aria-current=page]'); \
             const other = tabs.find(a => a !== current); \
             const top = el => Math.round(el.getBoundingClientRect().top); \
             const f = document.querySelector('form.report-filters'); \
             return [new Set(tabs.map(top)).size, \
                     getComputedStyle(current).borderBottomColor !== getComputedStyle(other).borderBottomColor, \
                     Math.abs(top(f.from) - top(f.sku)) < 10]",
        )
        .await;
    assert_eq!(
        layout,
        serde_json::json!([1, true, true]),
        "tabs, current tab, filter row"
    );
    // 2 returns; 3 of 7 units sold = 42.9 %, both returns for a fault (defective, wrong item).
    let t = tiles(&web).await;
    assert!(
        t.contains("2 Returns opened") && t.contains("42.9 % Return rate"),
        "{t}"
    );
    assert_eq!(
        table(&web, "reasons").await,
        rows(&[
            &["Defective", "defective", "1", "50.0 %"],
            &["Wrong item", "wrong_item", "1", "50.0 %"],
        ])
    );
    // SKU-B: 2 of 3 = 66.7 %; SKU-A: 1 of 4 = 25.0 %.
    assert_eq!(
        table(&web, "by_sku").await,
        rows(&[
            &["SKU-B", "3", "2", "66.7 %", "2", "66.7 %"],
            &["SKU-A", "4", "1", "25.0 %", "1", "25.0 %"],
        ])
    );
    let drawn = charts(&web, "returns").await;
    assert_eq!(drawn.len(), 2, "{drawn:?}");
    // One return each: two bars of one length.
    assert_eq!(drawn[0].bars.len(), 2);
    assert!(
        (drawn[0].bars[0] - drawn[0].bars[1]).abs() < 0.5,
        "{drawn:?}"
    );
    // Returns per day: a point for each of the 7 days, not flat (03-03 and 03-05 have one).
    let (_, height) = drawn[1].line.expect("a line");
    assert!(drawn[1].dots == 7 && height > 50.0, "{drawn:?}");
    assert_eq!(
        table(&web, "per_day")
            .await
            .iter()
            .map(|r| r[1].as_str())
            .collect::<Vec<_>>(),
        ["0", "1", "0", "1", "0", "0", "0"]
    );
    web.script("document.querySelector('#reasons').scrollIntoView()")
        .await;
    web.screenshot("reports-returns").await;
    no_console_errors(&web, "reports/returns", &[]).await;

    // The CSV of a table, fetched by the page from its own link.
    let csv = web
        .script_async(
            "const done = arguments[arguments.length - 1]; \
             const a = document.querySelector('#by_sku a.report-csv'); \
             fetch(a.href).then(r => r.text().then(t => done([r.status, r.headers.get('content-type'), \
             r.headers.get('content-disposition'), t])), e => done(['failed', String(e)]));",
        )
        .await;
    assert_eq!(csv[0], 200, "{csv}");
    assert_eq!(csv[1], "text/csv; charset=utf-8");
    assert_eq!(
        csv[2],
        "attachment; filename=\"returns-by_sku-2026-03-02-2026-03-08.csv\""
    );
    let body = csv[3].as_str().unwrap();
    assert!(
        body.starts_with(
            "SKU,Units sold,Units returned,Return rate,Units returned for a fault,Fault rate\r\n\
             SKU-B,3,2,66.7 %,2,66.7 %\r\n"
        ),
        "{body}"
    );
    assert_eq!(
        web.script(
            "return document.querySelector('#by_sku a.report-csv').hasAttribute('download')"
        )
        .await,
        true
    );

    // Refunds: both refunds in EUR, per resolution and per state.
    open_tab(&web, "refunds").await;
    assert_eq!(
        table(&web, "by_resolution").await,
        rows(&[&["Refund", "refund", "2", "EUR", "37.00"]])
    );
    assert_eq!(
        table(&web, "by_state").await,
        rows(&[
            &["Approved", "approved", "1", "EUR", "12.00"],
            &["Issued", "issued", "1", "EUR", "25.00"],
        ])
    );
    charts(&web, "refunds").await;
    no_console_errors(&web, "reports/refunds", &[]).await;

    // Tickets: one per intent.
    open_tab(&web, "tickets").await;
    assert!(tiles(&web).await.contains("2 Tickets created"));
    assert_eq!(
        table(&web, "by_intent").await,
        rows(&[
            &["Order status", "order_status", "1", "50.0 %"],
            &["Return request", "return_request", "1", "50.0 %"],
        ])
    );
    charts(&web, "tickets").await;
    no_console_errors(&web, "reports/tickets", &[]).await;
    // Amazon only, chosen in the form: #1002 alone.
    let range = web
        .script("return document.querySelector('form.report-filters').from.value")
        .await;
    assert_eq!(range, "2026-03-02", "the form keeps the range");
    filter(&web, "2026-03-02", "2026-03-08", "amazon", "", "").await;
    assert!(tiles(&web).await.contains("1 Tickets created"));
    assert_eq!(
        table(&web, "by_intent").await,
        rows(&[&["Return request", "return_request", "1", "100.0 %"]])
    );
    assert_eq!(
        web.script("return document.querySelector('form.report-filters').channel.value")
            .await,
        "amazon"
    );

    // Service: first replies after 2 h (email) and 6 h (amazon); #1001 solved after 24 h.
    filter(&web, "2026-03-02", "2026-03-08", "", "", "").await;
    open_tab(&web, "service").await;
    assert_eq!(
        table(&web, "by_channel").await,
        rows(&[
            &[
                "amazon", "1", "1", "6.0 h", "6.0 h", "6.0 h", "6.0 h", "0", "–", "–", "–", "–"
            ],
            &[
                "email", "1", "1", "2.0 h", "2.0 h", "2.0 h", "2.0 h", "1", "24.0 h", "24.0 h",
                "24.0 h", "24.0 h"
            ],
        ])
    );
    let drawn = charts(&web, "service").await;
    // Bars in proportion: 6 h is three times 2 h.
    let bars = &drawn[0].bars;
    assert!((bars[0] / bars[1] - 3.0).abs() < 0.01, "{drawn:?}");
    no_console_errors(&web, "reports/service", &[]).await;

    // Satisfaction: one survey, answered good, with its comment.
    open_tab(&web, "csat").await;
    assert_eq!(
        table(&web, "by_channel").await,
        rows(&[&["email", "1", "1", "1", "100.0 %"]])
    );
    assert_eq!(
        table(&web, "comments").await,
        rows(&[&[
            "2026-03-03 12:00",
            "#1001",
            "Owner Person",
            "Good",
            "Great, thanks!"
        ]])
    );
    let drawn = charts(&web, "csat").await;
    assert_eq!(drawn[0].dots, 1, "one day with answers: {drawn:?}");
    no_console_errors(&web, "reports/csat", &[]).await;

    // The bot: #1001 answered and nobody wrote after (deflected), #1002 handed off.
    open_tab(&web, "bot").await;
    assert_eq!(
        table(&web, "per_day").await,
        rows(&[
            &["2026-03-02", "1", "1", "0", "1", "100.0 %"],
            &["2026-03-04", "1", "0", "1", "0", "0.0 %"],
            &["Overall", "2", "1", "1", "1", "50.0 %"],
        ])
    );
    let drawn = charts(&web, "bot").await;
    assert_eq!(drawn.len(), 2, "{drawn:?}");
    assert_eq!(drawn[0].bars.len(), 3, "answered, handed off, deflected");
    web.script("document.querySelector('#report-tiles').scrollIntoView()")
        .await;
    web.screenshot("reports-bot").await;
    no_console_errors(&web, "reports/bot", &[]).await;

    // Market and SKU typed into the form narrow the returns.
    open_tab(&web, "returns").await;
    filter(&web, "2026-03-02", "2026-03-08", "", "fr", "").await;
    assert!(web.path().await.contains("market=fr"));
    assert_eq!(
        table(&web, "by_sku").await,
        rows(&[&["SKU-B", "3", "2", "66.7 %", "2", "66.7 %"]])
    );
    assert_eq!(
        web.script("return document.querySelector('form.report-filters').market.value")
            .await,
        "FR"
    );
    filter(&web, "2026-03-02", "2026-03-08", "", "", "SKU-A").await;
    assert_eq!(
        table(&web, "reasons").await,
        rows(&[&["Defective", "defective", "1", "100.0 %"]])
    );
    no_console_errors(&web, "reports filtered", &[]).await;

    // A market that is no country code is stopped in the form, with the browser's message.
    let path = web.path().await;
    web.type_into("form.report-filters input[name=market]", "1x")
        .await;
    web.click("form.report-filters button[type=submit]").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(web.path().await, path, "not submitted");
    let message = web
        .script("return document.querySelector('form.report-filters').market.validationMessage")
        .await;
    assert!(!message.as_str().unwrap().is_empty(), "{message}");

    // A preset: the last 7 days, marked as the current one.
    web.click(".report-presets a[href*='days=7']").await;
    web.wait_true("location.search.includes('days=7')").await;
    assert_eq!(
        web.text(".report-presets a.is-current").await,
        "Last 7 days"
    );
    let today = Utc::now().date_naive();
    assert_eq!(
        web.text("#report-range").await,
        format!(
            "{} to {today}, days in UTC",
            today - chrono::Duration::days(6)
        )
    );
    no_console_errors(&web, "reports preset", &[]).await;

    // A range that ends before it starts: the page says what is wrong.
    filter(&web, "2026-03-08", "2026-03-01", "", "", "").await;
    assert_eq!(web.text(".error-code").await, "400");
    assert_eq!(
        web.text(".error-page [role=alert]").await,
        "The start date is after the end date."
    );
    no_console_errors(&web, "bad filter", &["status of 400"]).await;
    app.stop().await.unwrap();
}

// ---- Settings → API -----------------------------------------------------------------

/// The page's own settings tab is in view (Settings has more tabs than a laptop screen is
/// wide; the tab bar scrolls sideways).
async fn current_tab_in_view(web: &WebDriver) {
    web.wait_true(
        "(() => { const tab = document.querySelector('.subnav a[aria-current=page]'); \
         const bar = tab.parentElement.getBoundingClientRect(); \
         const box = tab.getBoundingClientRect(); \
         return box.left >= bar.left - 1 && box.right <= bar.right + 1; })()",
    )
    .await;
}

async fn api_status(app: &TestApp, token: &str) -> StatusCode {
    reqwest::Client::new()
        .get(format!("{}/api/v1/tickets", app.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn an_api_token_is_made_shown_once_used_and_revoked_in_a_real_browser() {
    let Some(web) = WebDriver::start().await else {
        return;
    };
    let app = spawn_app().await;
    app.shop("Api Shop", "owner@api.example").await;
    web.log_in(&app.address, "owner@api.example", PASSWORD)
        .await;
    web.goto(&format!("{}/settings/api", app.address)).await;
    current_tab_in_view(&web).await;
    no_console_errors(&web, "settings/api", &[]).await;

    // Without a scope the form says so and keeps what was typed.
    web.type_into("#api-name", "ERP sync").await;
    web.type_into("#api-expires", "30").await;
    web.click("form[action='/settings/api'] button[type=submit]")
        .await;
    web.wait_true("!!document.querySelector('fieldset .field-error')")
        .await;
    assert_eq!(
        web.script("return document.querySelector('#api-name').value")
            .await,
        "ERP sync"
    );
    assert!(web
        .script("return document.querySelector('#api-token')")
        .await
        .is_null());
    no_console_errors(&web, "api form refused", &["status of 422"]).await;

    web.click("input[name=scopes][value='tickets:read']").await;
    web.click("form[action='/settings/api'] button[type=submit]")
        .await;
    let token = web.text("#api-token").await;
    assert!(token.len() > 20, "{token}");
    let listed = web.text("table.api-tokens").await;
    let expires = (Utc::now() + chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    assert!(
        listed.contains("ERP sync") && listed.contains("tickets:read") && listed.contains(&expires),
        "{listed}"
    );
    assert!(!listed.contains(&token), "the table shows a prefix only");
    web.screenshot("api-token-created").await;
    no_console_errors(&web, "api token created", &[]).await;
    assert_eq!(api_status(&app, &token).await, StatusCode::OK);

    // Shown once: the page opened again does not have it.
    web.goto(&format!("{}/settings/api", app.address)).await;
    let source = web
        .script("return document.documentElement.outerHTML")
        .await;
    assert!(!source.as_str().unwrap().contains(&token));

    web.click("form[action$='/revoke'] button").await;
    web.wait_true("location.search.includes('notice=api_token_revoked')")
        .await;
    assert_eq!(
        web.text("table.api-tokens tbody tr td:last-child").await,
        "revoked"
    );
    assert!(web
        .script("return document.querySelector(\"form[action$='/revoke']\")")
        .await
        .is_null());
    no_console_errors(&web, "api token revoked", &[]).await;
    assert_eq!(api_status(&app, &token).await, StatusCode::UNAUTHORIZED);
    app.stop().await.unwrap();
}

// ---- Settings → Webhooks ------------------------------------------------------------

/// One request the receiver got: its headers and body.
type Got = Arc<Mutex<Vec<(BTreeMap<String, String>, String)>>>;

/// A local endpoint on port 0 that records every request and answers 200.
async fn receiver() -> (String, Got) {
    use axum::body::Bytes;
    use axum::http::HeaderMap;
    let got: Got = Arc::default();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post({
            let got = got.clone();
            move |headers: HeaderMap, body: Bytes| {
                let got = got.clone();
                async move {
                    got.lock().unwrap().push((
                        headers
                            .iter()
                            .map(|(k, v)| {
                                (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned())
                            })
                            .collect(),
                        String::from_utf8_lossy(&body).into_owned(),
                    ));
                    "thanks"
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, got)
}

#[tokio::test]
async fn a_webhook_endpoint_gets_a_signed_test_event_sent_from_its_page() {
    let Some(web) = WebDriver::start().await else {
        return;
    };
    let (url, got) = receiver().await;
    let app = spawn_app().await;
    app.shop("Hook Shop", "owner@hooks.example").await;
    web.log_in(&app.address, "owner@hooks.example", PASSWORD)
        .await;
    web.goto(&format!("{}/settings/webhooks", app.address))
        .await;
    web.type_into("#wh-url", &url).await;
    web.type_into("#wh-description", "ERP").await;
    web.click("input[name=events][value='ticket.created']")
        .await;
    web.click("input[name=events][value='refund.updated']")
        .await;
    if web
        .script("return document.querySelector('input[name=enabled]').checked")
        .await
        == false
    {
        web.click("input[name=enabled]").await;
    }
    web.click("form[action='/settings/webhooks'] button[type=submit]")
        .await;
    web.wait_true("/^\\/settings\\/webhooks\\/[0-9a-f-]{36}$/.test(location.pathname)")
        .await;
    let endpoint = web.path().await;
    let endpoint = endpoint.split('?').next().unwrap().to_owned();
    let secret = web.text("#webhook-secret").await;
    assert!(secret.starts_with("whsec_"), "{secret}");
    assert_eq!(
        web.script(
            "return Array.from(document.querySelectorAll('input[name=events]:checked')).map(e => e.value).join()"
        )
        .await,
        "ticket.created,refund.updated"
    );
    no_console_errors(&web, "webhook endpoint", &[]).await;

    // The test event from the page: queued, then delivered by the worker.
    web.click(&format!("form[action='{endpoint}/test'] button"))
        .await;
    web.wait_path(&format!("{endpoint}/deliveries?notice=webhook_test_queued"))
        .await;
    assert_eq!(
        web.script("return Array.from(document.querySelectorAll('#webhook-deliveries tr[data-state]')).map(r => r.dataset.state).join()")
            .await,
        "queued"
    );
    let round = aftersail_worker::outbound_webhooks::run_once(
        &app.pool,
        &reqwest::Client::new(),
        Some(&aftersail_channels::crypto::SecretKey::parse(TEST_SECRET_KEY).unwrap()),
        Duration::from_secs(60),
    )
    .await
    .unwrap();
    assert_eq!(round.delivered, 1, "{round:?}");
    web.goto(&format!("{}{endpoint}/deliveries", app.address))
        .await;
    let row = "#webhook-deliveries tr[data-state]";
    assert_eq!(
        web.script(&format!(
            "return document.querySelector('{row}').dataset.state"
        ))
        .await,
        "delivered"
    );
    assert_eq!(
        web.text(&format!("{row} td.mono")).await,
        "ping",
        "the event type"
    );
    web.click(&format!("{row} details.wh-attempt summary"))
        .await;
    assert!(web
        .text(&format!("{row} details.wh-attempt"))
        .await
        .contains("200"));
    assert!(web
        .text(&format!("{row} details.wh-attempt pre"))
        .await
        .contains("thanks"));
    web.screenshot("webhook-deliveries").await;
    no_console_errors(&web, "webhook deliveries", &[]).await;

    // The receiver got one request, signed with the secret the page shows.
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let (headers, body) = &got[0];
    let header = |name: &str| headers.get(name).map_or("", String::as_str);
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        assert!(!header(name).is_empty(), "{name} in {headers:?}");
    }
    aftersail_channels::standard_webhooks::verify(
        &secret,
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
        body.as_bytes(),
        Utc::now().timestamp(),
    )
    .expect("the signature verifies with the page's secret");
    let payload: Value = serde_json::from_str(body).unwrap();
    assert_eq!(payload["type"], "ping");
    app.stop().await.unwrap();
}

// ---- alerts, privacy, the audit log -------------------------------------------------

/// A customer with one ticket (as the db crate makes them); the customer's id.
async fn customer_with_ticket(app: &TestApp, tenant: Uuid) -> (aftersail_domain::CustomerId, i64) {
    use aftersail_db::{customers, tickets, TenantTx};
    let mut tx = TenantTx::begin(&app.pool, aftersail_domain::TenantId(tenant))
        .await
        .unwrap();
    let customer = customers::create(
        &mut tx,
        customers::NewCustomer {
            name: "Zofia Kowalczyk",
            email: Some("zofia@example.pl"),
            country: Some("PL"),
            language: Some("pl"),
            currency: "PLN",
        },
    )
    .await
    .unwrap();
    let (_, number) = tickets::create(
        &mut tx,
        tickets::NewTicket {
            channel: "email",
            customer_id: customer,
            order_id: None,
            subject: "Broken lamp",
            status: "open",
            priority: "normal",
            kind: None,
            language: Some("pl"),
            at: Utc::now(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (customer, number)
}

/// 28 days of one return a day of SKU MUG-01, then 8 today: a spike the alerts job raises.
async fn return_spike(app: &TestApp, tenant: Uuid) {
    let (customer, order, item) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let now = Utc::now();
    sqlx::query("INSERT INTO customers (tenant_id, id, name) VALUES ($1, $2, 'Mug buyer')")
        .bind(tenant)
        .bind(customer)
        .execute(&app.admin)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO orders (tenant_id, id, customer_id, channel, external_id, status, total_minor,
                             currency, shipping_country, ordered_at)
         VALUES ($1, $2, $3, 'amazon', 'A-1', 'delivered', 1000, 'EUR', 'DE', $4 - interval '40 days')",
    )
    .bind(tenant)
    .bind(order)
    .bind(customer)
    .bind(now)
    .execute(&app.admin)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO order_items (tenant_id, id, order_id, sku, title, quantity, unit_price_minor)
         VALUES ($1, $2, $3, 'MUG-01', 'Mug', 100, 1000)",
    )
    .bind(tenant)
    .bind(item)
    .bind(order)
    .execute(&app.admin)
    .await
    .unwrap();
    sqlx::query(
        "WITH r AS (
             INSERT INTO rmas (tenant_id, id, code, order_id, customer_id, status, reason, created_at)
             SELECT $1, gen_random_uuid(), 'R-' || d || '-' || n, $2, $3, 'requested', 'defective',
                    CASE WHEN d = 0 THEN $5 - make_interval(mins => 10 + n)
                         ELSE $5 - make_interval(days => d, hours => 2) END
             FROM generate_series(0, 28) d, generate_series(1, 8) n
             WHERE (d = 0) OR (n = 1)
             RETURNING tenant_id, id)
         INSERT INTO rma_items (tenant_id, rma_id, order_item_id, quantity) SELECT tenant_id, id, $4, 1 FROM r",
    )
    .bind(tenant)
    .bind(order)
    .bind(customer)
    .bind(item)
    .bind(now)
    .execute(&app.admin)
    .await
    .unwrap();
    let round = aftersail_worker::alerts::run_once(&app.pool, now)
        .await
        .unwrap();
    assert_eq!(round.spikes, 1, "{round:?}");
}

/// Replaces an input's text as a person would (select all, type).
async fn retype(web: &WebDriver, css: &str, text: &str) {
    web.script(&format!("document.querySelector('{css}').value = ''"))
        .await;
    web.type_into(css, text).await;
}

#[tokio::test]
async fn alerts_privacy_and_the_audit_log_work_in_a_real_browser() {
    let Some(web) = WebDriver::start().await else {
        return;
    };
    let app = spawn_app().await;
    let owner = app.shop("Lamp Shop", "owner@lamps.example").await;
    app.member(&owner, "agent@lamps.example", "agent").await;
    let tenant = app.tenant_of("owner@lamps.example").await;
    let agent = app.id_of_user("agent@lamps.example").await;
    web.log_in(&app.address, "owner@lamps.example", PASSWORD)
        .await;

    // Settings → Alerts: a bad factor is refused in the page, then the thresholds and the
    // one recipient are saved and shown again.
    web.goto(&format!("{}/settings/alerts", app.address)).await;
    retype(&web, "#min-count", "5").await;
    retype(&web, "#factor", "lots").await;
    retype(&web, "#stale-days", "7").await;
    web.click(&format!("input[name=recipient][value='{agent}']"))
        .await;
    web.click("#alert-settings button[type=submit]").await;
    web.wait_true("!!document.querySelector('#factor[aria-invalid=true]')")
        .await;
    assert_eq!(
        web.script("return document.querySelector('#min-count').value")
            .await,
        "5",
        "what was typed stays"
    );
    no_console_errors(&web, "alert settings refused", &["status of 422"]).await;
    retype(&web, "#factor", "3").await;
    web.click("#alert-settings button[type=submit]").await;
    web.wait_true("location.search.includes('notice=alerts_saved')")
        .await;
    web.goto(&format!("{}/settings/alerts", app.address)).await;
    let saved = web
        .script(&format!(
            "const v = id => document.querySelector(id).value; \
             return [v('#min-count'), v('#factor'), v('#stale-days'), v('#customs-days'), \
             String(document.querySelector(\"input[name=recipient][value='{agent}']\").checked), \
             String(document.querySelectorAll('input[name=recipient]:checked').length)]"
        ))
        .await;
    assert_eq!(
        saved,
        serde_json::json!(["5", "3.0", "7", "4", "true", "1"]),
        "the saved settings after a reload"
    );
    no_console_errors(&web, "alert settings", &[]).await;

    // An alert the job raises is listed with its figures; acknowledging it takes it off the
    // open alerts.
    return_spike(&app, tenant).await;
    web.goto(&format!("{}/alerts", app.address)).await;
    let open = "#alerts tr.is-unread[data-kind=return_spike_sku]";
    assert!(web
        .text(open)
        .await
        .contains("SKU MUG-01: 8 returns today, baseline 1.0/day"));
    web.click(&format!("{open} form button")).await;
    web.wait_true(
        "location.pathname === '/alerts' && !document.querySelector('#alerts tr.is-unread')",
    )
    .await;
    assert!(web
        .text("#alerts tr[data-kind=return_spike_sku]")
        .await
        .contains("Acknowledged by Owner Person"));
    assert!(web
        .script("return document.querySelector('#alerts form')")
        .await
        .is_null());
    no_console_errors(&web, "alerts", &[]).await;

    // Settings → Privacy: the preview counts the closed tickets a period would delete (one
    // closed 500 days ago), then the period is saved and shown.
    let (_, old) = customer_with_ticket(&app, tenant).await;
    sqlx::query(
        "UPDATE tickets SET status = 'closed', last_message_at = now() - interval '500 days'
         WHERE tenant_id = $1 AND number = $2",
    )
    .bind(tenant)
    .bind(old)
    .execute(&app.admin)
    .await
    .unwrap();
    web.goto(&format!("{}/settings/privacy", app.address)).await;
    for (days, expected) in [
        ("400", "1 tickets would be deleted now."),
        ("600", "0 tickets would be deleted now."),
    ] {
        retype(&web, "#retention-days", days).await;
        web.click("#retention-preview-button").await;
        web.wait_text("#retention-preview", expected).await;
        assert_eq!(
            web.script("return document.querySelector('#retention-days').value")
                .await,
            days
        );
        // The form's CSRF token stays out of the address bar (and so out of history and logs).
        assert_eq!(web.path().await, "/settings/privacy");
    }
    assert_eq!(
        web.text("#retention-state").await,
        "Off: tickets are kept.",
        "a preview saves nothing"
    );
    retype(&web, "#retention-days", "400").await;
    web.click("#retention-form button.btn-primary").await;
    web.wait_true("location.search.includes('notice=saved')")
        .await;
    assert!(
        web.text("#retention-state").await.contains("400"),
        "{}",
        web.text("#retention-state").await
    );
    assert_eq!(
        web.script("return document.querySelector('#retention-days').value")
            .await,
        "400"
    );
    no_console_errors(&web, "privacy settings", &[]).await;

    // The customer page lists the customer's tickets; erasing needs the typed word.
    let (customer, number) = customer_with_ticket(&app, tenant).await;
    web.goto(&format!("{}/customers/{}", app.address, customer.0))
        .await;
    assert_eq!(web.text("h1.page-title").await, "Zofia Kowalczyk");
    let listed = web.text("#customer-tickets").await;
    assert!(
        listed.contains(&format!("#{number}")) && listed.contains("Broken lamp"),
        "{listed}"
    );
    no_console_errors(&web, "customer page", &[]).await;
    web.click("#erase-link").await;
    web.wait_path(&format!("/customers/{}/erase", customer.0))
        .await;
    web.type_into("#erase-confirm", "erase").await;
    web.click("#erase-button").await;
    let error = web.text("#erase-error").await;
    assert!(error.contains("ERASE"), "{error}");
    no_console_errors(&web, "erase refused", &["status of 422"]).await;
    retype(&web, "#erase-confirm", "ERASE").await;
    web.click("#erase-button").await;
    web.wait_true("location.search.includes('notice=erased')")
        .await;
    assert_eq!(
        web.text(".flash").await,
        "The customer's personal data was erased."
    );
    let page = web.text("main").await;
    assert!(
        !page.contains("Zofia") && !page.contains("zofia@example.pl"),
        "{page}"
    );
    assert!(web
        .text("#customer-tickets")
        .await
        .contains(&format!("#{number}")));
    no_console_errors(&web, "customer erased", &[]).await;

    // The audit log has each of these actions.
    web.goto(&format!("{}/settings/audit", app.address)).await;
    current_tab_in_view(&web).await;
    let audit = web.text("#audit-events").await;
    for action in [
        "alerts.settings_saved",
        "alert.acknowledged",
        "privacy.retention_changed",
        "customer.erased",
    ] {
        assert!(audit.contains(action), "{action} in {audit}");
    }
    web.screenshot("audit-log").await;
    no_console_errors(&web, "audit log", &[]).await;
    app.stop().await.unwrap();
}

// ---- the buyer's satisfaction survey ------------------------------------------------

#[tokio::test]
async fn a_buyer_answers_the_satisfaction_survey_in_a_real_browser() {
    let Some(web) = WebDriver::start().await else {
        return;
    };
    let app = spawn_app().await;
    app.shop("Survey Shop", "owner@survey.example").await;
    let tenant = app.tenant_of("owner@survey.example").await;
    let shop = crate::automation::Shop { app, tenant };
    let (_, number) = shop.ticket("de", "Wo ist mein Paket?", Utc::now()).await;
    let app = &shop.app;

    // The agent solves the ticket on its page; the rule runner sends the survey.
    web.log_in(&app.address, "owner@survey.example", PASSWORD)
        .await;
    web.goto(&format!("{}/tickets/{number}", app.address)).await;
    web.script("document.querySelector('#status').value = 'solved'")
        .await;
    web.click("#properties-form button[type=submit]").await;
    web.wait_true("document.querySelector('#status') && document.querySelector('#status').value === 'solved' && !location.pathname.endsWith('/properties')")
        .await;
    no_console_errors(&web, "ticket solved", &[]).await;
    let settings = aftersail_worker::automation::Settings {
        public_url: Some(app.address.clone()),
    };
    let start = Instant::now();
    let body: String = loop {
        aftersail_worker::automation::run_once(
            &app.pool,
            &settings,
            Utc::now(),
            Duration::from_secs(60),
        )
        .await
        .unwrap();
        let sent: Option<String> = sqlx::query_scalar(
            "SELECT body_text FROM messages WHERE tenant_id = $1 AND automated = 'csat' AND kind = 'outbound'",
        )
        .bind(tenant)
        .fetch_optional(&app.admin)
        .await
        .unwrap();
        if let Some(body) = sent {
            break body;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "no survey sent");
    };
    let link = body
        .split_whitespace()
        .find(|w| w.contains("/csat/") && w.ends_with("?r=good"))
        .unwrap_or_else(|| panic!("a survey link in {body}"));
    let page = link.trim_end_matches("?r=good").to_owned();
    assert!(page.starts_with(&format!("{}/p/", app.address)), "{page}");

    // The buyer: signed out, on the survey page (no rating yet), rates, comments, sends.
    web.click("form[action='/logout'] button").await;
    web.wait_path("/login").await;
    web.delete_cookies().await;
    web.goto(&page).await;
    assert!(web
        .script("return document.querySelector('#csat-saved')")
        .await
        .is_null());
    web.click("input[name=rating][value=good]").await;
    web.type_into("#csat-comment", "Schnell und freundlich, danke!")
        .await;
    web.click("#csat form button[type=submit]").await;
    let saved = web.text("#csat-saved").await;
    assert_eq!(saved, "Ihre Antwort wurde gespeichert.");
    assert_eq!(
        web.script("return document.querySelector('input[name=rating][value=good]').checked")
            .await,
        true
    );
    web.screenshot("csat-portal").await;
    no_console_errors(&web, "survey page", &[]).await;

    // The agent sees the answer on the ticket.
    web.log_in(&app.address, "owner@survey.example", PASSWORD)
        .await;
    web.goto(&format!("{}/tickets/{number}", app.address)).await;
    assert!(web
        .text("#csat .csat-answer[data-rating=good]")
        .await
        .contains("Schnell und freundlich, danke!"));
    no_console_errors(&web, "ticket with rating", &[]).await;
}
