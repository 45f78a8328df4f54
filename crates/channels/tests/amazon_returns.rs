//! Returns from the merchant returns report, against Prism serving the Reports (and
//! orders) specs behind a fault proxy, with the report document served locally (Amazon
//! serves it from a pre-signed URL): request, wait without blocking, download (GZIP or
//! plain), parse, deliver page by page with the orders, and recover from failures.

mod contract;
#[path = "amazon/support.rs"]
mod support;

use std::io::Write;

use aftersail_channels::amazon::cursor::{PollCursor, Stream};
use aftersail_channels::amazon::{connector::RETURNS_PER_POLL, returns};
use aftersail_channels::{Batch, Connector, ConnectorError, Inbound, ReturnState};
use chrono::{DateTime, Utc};
use contract::Fault;
use serde_json::{json, Value};
use support::{connector, Lwa, SpApi, Spec};

const REPORT: &str = include_str!("amazon/returns_report.tsv");
const GET_REPORT: &str = "/reports/2021-06-30/reports/";
const GET_DOCUMENT: &str = "/reports/2021-06-30/documents/";

fn ts(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A cursor whose next poll serves the returns stream.
fn returns_turn(cursor: &str) -> String {
    let mut c = PollCursor::parse(cursor).unwrap();
    c.turn = Stream::Returns;
    c.encode()
}

fn start_cursor(since: DateTime<Utc>) -> String {
    let mut c = PollCursor::parse(&format!(
        r#"{{"orders":{{"api":"2026-01-01","since":"{0}"}},"returns":{{"since":"{0}"}}}}"#,
        since.to_rfc3339()
    ))
    .unwrap();
    c.turn = Stream::Returns;
    c.encode()
}

fn report(status: &str, document: Option<&str>) -> Value {
    let mut r = json!({
        "reportId": "string",
        "reportType": "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE",
        "marketplaceIds": ["ATVPDKIKX0DER"],
        "createdTime": "2026-11-24T00:00:00Z",
        "processingStatus": status,
    });
    if let Some(d) = document {
        r["reportDocumentId"] = json!(d);
    }
    r
}

fn gzip(text: &str) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap()
}

fn kinds(batch: &Batch) -> Vec<String> {
    batch
        .items
        .iter()
        .map(|i| match i {
            Inbound::Order(o) => format!("order {}", o.external_id),
            Inbound::Return(r) => format!("return {}", r.external_id),
            Inbound::Message(m) => format!("message {}", m.external_id),
        })
        .collect()
}

#[tokio::test]
async fn report_is_requested_awaited_downloaded_and_delivered_with_its_orders() {
    let lwa = Lwa::start().await;
    let api = SpApi::start(&[Spec::Reports, Spec::Orders2026]).await;
    let amazon = connector(&api, &lwa, json!({"returns_interval_minutes": 0}));
    let since = ts("2026-10-25T00:00:00Z");

    // 1. The report is requested over [since, now]; nothing else happens in this poll.
    let batch = amazon
        .poll(Some(&start_cursor(since)))
        .await
        .expect("report requested");
    assert!(batch.items.is_empty() && !batch.more);
    let c = PollCursor::parse(batch.cursor.as_deref().unwrap()).unwrap();
    assert_eq!(c.turn, Stream::Orders);
    let pending = c.returns.report.clone().expect("a pending report");
    assert_eq!(
        (
            pending.id.as_str(),
            pending.start,
            pending.document.as_deref()
        ),
        ("string", since, None)
    );
    let create = api.proxy.seen().pop().unwrap();
    assert_eq!(
        (create.method.as_str(), create.uri.as_str(), create.status),
        ("POST", "/reports/2021-06-30/reports", 202)
    );
    let body: Value = serde_json::from_slice(&create.body).unwrap();
    assert_eq!(
        body["reportType"],
        "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"
    );
    assert_eq!(body["marketplaceIds"], json!(["ATVPDKIKX0DER"]));
    assert_eq!(body["dataStartTime"], "2026-10-25T00:00:00Z");
    let end = ts(body["dataEndTime"].as_str().unwrap());
    assert!((Utc::now() - end).num_seconds().abs() < 60);
    assert_eq!(pending.end, end);

    // 2. The orders stream takes its turn in between.
    let batch = amazon
        .poll(batch.cursor.as_deref())
        .await
        .expect("orders turn");
    assert!(kinds(&batch).iter().all(|k| k.starts_with("order ")));
    let cursor = batch.cursor.unwrap();

    // 3. Still in progress: the cursor keeps the report and the poll returns at once.
    api.replace(GET_REPORT, report("IN_PROGRESS", None));
    let batch = amazon.poll(Some(&cursor)).await.expect("still running");
    assert!(batch.items.is_empty());
    let c = PollCursor::parse(batch.cursor.as_deref().unwrap()).unwrap();
    assert_eq!(c.returns.report, Some(pending.clone()));

    // 4. Done: the document is downloaded (GZIP), parsed, and delivered; the download
    //    failing first loses nothing (the poll fails and is repeated).
    let url = api.serve(
        "/documents/returns.tsv.gz",
        503,
        "application/octet-stream",
        b"busy".to_vec(),
    );
    let done = returns_turn(batch.cursor.as_deref().unwrap());
    api.replace(GET_REPORT, report("DONE", Some("DOC-1")));
    api.replace(
        GET_DOCUMENT,
        json!({"reportDocumentId": "DOC-1", "url": url, "compressionAlgorithm": "GZIP"}),
    );
    assert!(matches!(
        amazon.poll(Some(&done)).await,
        Err(ConnectorError::Transient(_))
    ));
    // A damaged download is retried the same way.
    api.serve(
        "/documents/returns.tsv.gz",
        200,
        "application/octet-stream",
        gzip(REPORT)[..40].to_vec(),
    );
    api.replace(GET_REPORT, report("DONE", Some("DOC-1")));
    api.replace(
        GET_DOCUMENT,
        json!({"reportDocumentId": "DOC-1", "url": url, "compressionAlgorithm": "GZIP"}),
    );
    assert!(matches!(
        amazon.poll(Some(&done)).await,
        Err(ConnectorError::Transient(_))
    ));

    api.serve(
        "/documents/returns.tsv.gz",
        200,
        "application/octet-stream",
        gzip(REPORT),
    );
    api.replace(GET_REPORT, report("DONE", Some("DOC-1")));
    api.replace(
        GET_DOCUMENT,
        json!({"reportDocumentId": "DOC-1", "url": url, "compressionAlgorithm": "GZIP"}),
    );
    api.proxy.clear_seen();
    let batch = amazon.poll(Some(&done)).await.expect("returns delivered");
    assert_eq!(api.pending_replacements(), 0);
    // (`more` stays true here: the orders sweep Prism serves always has a next page.)
    // The order Amazon gives comes before its return; the others are looked up but
    // Prism's example answers for another order, so they come without.
    assert_eq!(
        kinds(&batch),
        [
            "order 202-1234567-8901234",
            "return DZ6dHqJHRRMA",
            "return Dq9xJpRRMA",
            "return DrejRRMA"
        ]
    );
    let Inbound::Return(uk) = &batch.items[1] else {
        unreachable!()
    };
    assert_eq!(uk.channel, "amazon");
    assert_eq!(uk.order_external_id, "202-1234567-8901234");
    assert_eq!(uk.state, ReturnState::Approved);
    assert_eq!(uk.reason, "DEFECTIVE");
    assert_eq!(uk.requested_at, ts("2026-11-10T08:30:00Z"));
    assert_eq!(
        (uk.carrier.as_deref(), uk.tracking_number.as_deref()),
        (Some("Royal Mail"), Some("RM123456789GB"))
    );
    assert_eq!(
        (uk.refund_minor, uk.currency.as_deref()),
        (None, Some("GBP"))
    );
    let items: Vec<(&str, &str, i32)> = uk
        .items
        .iter()
        .map(|i| (i.sku.as_str(), i.title.as_str(), i.quantity))
        .collect();
    assert_eq!(
        items,
        [
            (
                "ECHO-DOT-4-UK-CHARCOAL-3PACK",
                "Echo Dot (4th Gen) | Smart speaker with Alexa | Charcoal",
                1
            ),
            ("MAGNET-3", "Kühlschrankmagnete – 3er Set 🧲", 2),
        ]
    );
    let raw: Value = serde_json::from_slice(&uk.raw).unwrap();
    assert_eq!(raw["rows"][0]["Label cost"], "4.20");
    let Inbound::Return(jp) = &batch.items[2] else {
        unreachable!()
    };
    assert_eq!(
        (jp.refund_minor, jp.currency.as_deref()),
        (Some(1980), Some("JPY"))
    );
    assert_eq!(jp.state, ReturnState::Refunded);
    assert_eq!(jp.items[0].title, "Echo Dot (第4世代) スマートスピーカー");
    assert_eq!(jp.carrier.as_deref(), Some("ヤマト運輸"));
    assert_eq!(jp.requested_at, ts("2026-11-12T00:00:00Z"));
    let Inbound::Return(rejected) = &batch.items[3] else {
        unreachable!()
    };
    assert_eq!(rejected.state, ReturnState::Rejected);
    assert_eq!(rejected.items[0].title, "Lampe « Zoë »");
    let Inbound::Order(order) = &batch.items[0] else {
        unreachable!()
    };
    assert_eq!((order.total_minor, order.currency.as_str()), (10397, "GBP"));
    // The document was downloaded from its URL, without Amazon credentials.
    let downloads = api.downloads();
    assert_eq!(downloads.len(), 3);
    assert!(downloads
        .iter()
        .all(|(path, token)| path == "/documents/returns.tsv.gz" && !token));

    // The report is finished: the next one reaches back 14 days before its end.
    let c = PollCursor::parse(batch.cursor.as_deref().unwrap()).unwrap();
    assert_eq!(c.returns.report, None);
    assert_eq!(c.returns.since, end - chrono::Duration::days(14));
    assert!(c.returns.next_at.is_some());

    // The two bad rows were skipped, not the good ones around them.
    let parsed = returns::parse(REPORT).unwrap();
    assert_eq!(parsed.returns.len(), 3);
    let bad: Vec<usize> = parsed.bad_rows.iter().map(|b| b.line).collect();
    assert_eq!(bad, [5, 6], "{:?}", parsed.bad_rows);

    api.assert_all_valid();
}

#[tokio::test]
async fn cancelled_failed_and_long_reports() {
    let lwa = Lwa::start().await;
    let api = SpApi::start(&[Spec::Reports, Spec::Orders2026]).await;
    let amazon = connector(&api, &lwa, json!({"returns_interval_minutes": 30}));
    let since = ts("2026-11-01T00:00:00Z");
    let requested = amazon.poll(Some(&start_cursor(since))).await.unwrap();
    let requested = returns_turn(requested.cursor.as_deref().unwrap());
    let end = PollCursor::parse(&requested)
        .unwrap()
        .returns
        .report
        .unwrap()
        .end;

    // CANCELLED (Prism's example): Amazon had no returns for the period; the next report
    // starts 14 days before this one's end, not before 30 minutes from now.
    let batch = amazon
        .poll(Some(&requested))
        .await
        .expect("cancelled report");
    assert!(batch.items.is_empty());
    let c = PollCursor::parse(batch.cursor.as_deref().unwrap()).unwrap();
    assert_eq!(c.returns.report, None);
    assert_eq!(
        c.returns.since,
        (end - chrono::Duration::days(14)).max(since)
    );
    let next_at = c.returns.next_at.unwrap();
    assert!(next_at > Utc::now() + chrono::Duration::minutes(29));
    // Not due: the returns turn goes to orders.
    api.proxy.clear_seen();
    amazon
        .poll(Some(&returns_turn(batch.cursor.as_deref().unwrap())))
        .await
        .unwrap();
    assert!(api
        .proxy
        .seen()
        .iter()
        .all(|s| s.uri.starts_with("/orders/")));

    // FATAL: the report is dropped and asked for again later over the same period.
    api.replace(GET_REPORT, report("FATAL", None));
    let batch = amazon.poll(Some(&requested)).await.expect("fatal report");
    let c = PollCursor::parse(batch.cursor.as_deref().unwrap()).unwrap();
    assert_eq!((c.returns.report, c.returns.since), (None, since));
    assert!(c.returns.next_at.unwrap() > Utc::now());

    // getReport failing is retried; a 429 says how long.
    api.proxy.push(GET_REPORT, Fault::status(500));
    assert!(matches!(
        amazon.poll(Some(&requested)).await,
        Err(ConnectorError::Transient(_))
    ));
    api.proxy.push(GET_REPORT, Fault::too_many(2));
    assert_eq!(
        amazon.poll(Some(&requested)).await.unwrap_err(),
        ConnectorError::RateLimited {
            retry_after: std::time::Duration::from_secs(2)
        }
    );

    // A long report (plain text, no compression) is delivered a page per poll, each return
    // once; the cursor remembers the document and how far it got.
    let header = REPORT.lines().next().unwrap();
    let mut text = format!("{header}\n");
    let count = RETURNS_PER_POLL + 5;
    for i in 0..count {
        text.push_str(&format!(
            "171-0000000-{i:07}\t\t2026-11-{:02}\tApproved\tR{i:04}\n",
            1 + i % 20
        ));
    }
    let url = api.serve(
        "/documents/long.tsv",
        200,
        "text/plain; charset=UTF-8",
        text.into_bytes(),
    );
    api.replace(GET_REPORT, report("DONE", Some("DOC-2")));
    api.replace(
        GET_DOCUMENT,
        json!({"reportDocumentId": "DOC-2", "url": url}),
    );
    let first = amazon.poll(Some(&requested)).await.expect("first page");
    assert!(first.more);
    let returns: Vec<String> = first
        .items
        .iter()
        .filter_map(|i| match i {
            Inbound::Return(r) => Some(r.external_id.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(returns.len(), RETURNS_PER_POLL);
    let c = PollCursor::parse(first.cursor.as_deref().unwrap()).unwrap();
    let pending = c.returns.report.clone().unwrap();
    assert_eq!(
        (pending.document.as_deref(), pending.offset),
        (Some("DOC-2"), RETURNS_PER_POLL)
    );
    api.replace(
        GET_DOCUMENT,
        json!({"reportDocumentId": "DOC-2", "url": url}),
    );
    let second = amazon
        .poll(Some(&returns_turn(first.cursor.as_deref().unwrap())))
        .await
        .expect("second page");
    assert!(!second.more);
    let mut all = returns;
    all.extend(second.items.iter().filter_map(|i| match i {
        Inbound::Return(r) => Some(r.external_id.clone()),
        _ => None,
    }));
    let expected: Vec<String> = (0..count).map(|i| format!("R{i:04}")).collect();
    assert_eq!(all, expected);
    assert_eq!(
        PollCursor::parse(second.cursor.as_deref().unwrap())
            .unwrap()
            .returns
            .report,
        None
    );

    api.assert_all_valid();
}
