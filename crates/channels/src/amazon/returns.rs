//! The returns flat file (`GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE`, tab-separated with a
//! header row) → [`InboundReturn`]s, one per Amazon RMA id (a return of several items has a
//! row per item).
//!
//! Columns are found by header name, compared without case, spaces or punctuation
//! (`Order ID`, `order-id` and `order_id` are the same), with a few alternative names; the
//! order of columns and unknown columns do not matter. Rows that cannot be read (no order
//! id or RMA id, an unreadable date, quantity or amount, more fields than the header) are
//! skipped and reported in [`ReturnsReport::bad_rows`]; the other rows are kept.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value};

use super::money::{currency_code, to_minor};
use super::CHANNEL;
use crate::{InboundCustomer, InboundReturn, InboundReturnItem, ReturnState};

/// A row that was skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    /// 1-based line number in the document (the header is line 1).
    pub line: usize,
    pub reason: String,
}

/// What a returns report holds.
#[derive(Debug, Clone, Default)]
pub struct ReturnsReport {
    /// In the order their first row appears.
    pub returns: Vec<InboundReturn>,
    pub bad_rows: Vec<BadRow>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Col {
    OrderId,
    Rma,
    RequestDate,
    Status,
    Sku,
    Asin,
    Title,
    Quantity,
    Reason,
    Currency,
    Carrier,
    Tracking,
    Refunded,
    DeliveryDate,
    Comment,
}

/// Header names (normalized) of each column we read.
const COLUMNS: [(Col, &[&str]); 15] = [
    (Col::OrderId, &["orderid", "amazonorderid"]),
    (Col::Rma, &["amazonrmaid", "rmaid"]),
    (Col::RequestDate, &["returnrequestdate", "returndate"]),
    (
        Col::Status,
        &["returnrequeststatus", "returnstatus", "status"],
    ),
    (Col::Sku, &["merchantsku", "sellersku", "sku"]),
    (Col::Asin, &["asin"]),
    (Col::Title, &["itemname", "productname", "title"]),
    (Col::Quantity, &["returnquantity", "quantity"]),
    (Col::Reason, &["returnreason", "reason"]),
    (Col::Currency, &["currencycode", "currency"]),
    (Col::Carrier, &["returncarrier", "carrier"]),
    (Col::Tracking, &["trackingid", "trackingnumber"]),
    (Col::Refunded, &["refundedamount", "refundamount"]),
    (Col::DeliveryDate, &["returndeliverydate"]),
    (
        Col::Comment,
        &[
            "customercomments",
            "customercomment",
            "buyercomment",
            "buyercomments",
        ],
    ),
];

/// `Order ID` → `orderid`.
fn normalize(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Parses the report text. `Err` only when there is no header row with the order id, RMA
/// id and return request date columns.
pub fn parse(text: &str) -> Result<ReturnsReport, String> {
    let mut lines = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')));
    let (_, header_line) = lines
        .by_ref()
        .find(|(_, l)| !l.trim().is_empty())
        .ok_or("the returns report is empty")?;
    let headers: Vec<&str> = header_line.split('\t').map(str::trim).collect();
    let normalized: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
    let mut index: HashMap<Col, usize> = HashMap::new();
    for (col, names) in COLUMNS {
        // The first listed name that is present wins (`merchantsku` over a plain `sku`).
        if let Some(i) = names
            .iter()
            .find_map(|n| normalized.iter().position(|h| h == n))
        {
            index.insert(col, i);
        }
    }
    let missing: Vec<&str> = [
        (Col::OrderId, "Order ID"),
        (Col::Rma, "Amazon RMA ID"),
        (Col::RequestDate, "Return request date"),
    ]
    .iter()
    .filter(|(c, _)| !index.contains_key(c))
    .map(|(_, name)| *name)
    .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the returns report has no {} column (header: {header_line:?})",
            missing.join(", ")
        ));
    }

    let mut report = ReturnsReport::default();
    let mut by_rma: HashMap<String, usize> = HashMap::new();
    let mut raw_rows: Vec<Vec<Value>> = Vec::new();
    for (line, row) in lines {
        if row.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = row.split('\t').map(str::trim).collect();
        if fields.len() > headers.len() {
            report.bad_rows.push(BadRow {
                line,
                reason: format!(
                    "{} fields where the header has {}",
                    fields.len(),
                    headers.len()
                ),
            });
            continue;
        }
        let get = |col: Col| {
            index
                .get(&col)
                .and_then(|&i| fields.get(i))
                .copied()
                .filter(|v| !v.is_empty())
        };
        let parsed = read_row(&get);
        let row_json = Value::Object(
            headers
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    (
                        (*h).to_owned(),
                        Value::from(fields.get(i).copied().unwrap_or("")),
                    )
                })
                .collect::<Map<String, Value>>(),
        );
        let row = match parsed {
            Ok(row) => row,
            Err(reason) => {
                report.bad_rows.push(BadRow { line, reason });
                continue;
            }
        };
        match by_rma.get(&row.rma).copied() {
            Some(at) => {
                let ret = &mut report.returns[at];
                if ret.order_external_id != row.order_id {
                    report.bad_rows.push(BadRow {
                        line,
                        reason: format!(
                            "RMA {} belongs to order {} in an earlier row, not {}",
                            row.rma, ret.order_external_id, row.order_id
                        ),
                    });
                    continue;
                }
                ret.items.push(row.item);
                ret.refund_minor = match (ret.refund_minor, row.refund_minor) {
                    (Some(a), Some(b)) => Some(a.saturating_add(b)),
                    (a, b) => a.or(b),
                };
                ret.currency = ret.currency.take().or(row.currency);
                ret.state = later(ret.state, row.state);
                ret.carrier = ret.carrier.take().or(row.carrier);
                ret.tracking_number = ret.tracking_number.take().or(row.tracking);
                ret.buyer_comment = ret.buyer_comment.take().or(row.comment);
                ret.requested_at = ret.requested_at.min(row.requested_at);
                raw_rows[at].push(row_json);
            }
            None => {
                by_rma.insert(row.rma.clone(), report.returns.len());
                raw_rows.push(vec![row_json]);
                report.returns.push(InboundReturn {
                    channel: CHANNEL.to_owned(),
                    external_id: row.rma,
                    order_external_id: row.order_id,
                    state: row.state,
                    reason: row.reason,
                    buyer_comment: row.comment,
                    customer: InboundCustomer::default(),
                    items: vec![row.item],
                    refund_minor: row.refund_minor,
                    currency: row.currency,
                    carrier: row.carrier,
                    tracking_number: row.tracking,
                    requested_at: row.requested_at,
                    raw: Vec::new(),
                });
            }
        }
    }
    for (ret, rows) in report.returns.iter_mut().zip(raw_rows) {
        ret.raw = serde_json::to_vec(&serde_json::json!({ "rows": rows })).unwrap_or_default();
    }
    Ok(report)
}

struct Row {
    order_id: String,
    rma: String,
    requested_at: DateTime<Utc>,
    state: ReturnState,
    reason: String,
    comment: Option<String>,
    item: InboundReturnItem,
    refund_minor: Option<i64>,
    currency: Option<String>,
    carrier: Option<String>,
    tracking: Option<String>,
}

fn read_row<'a>(get: &impl Fn(Col) -> Option<&'a str>) -> Result<Row, String> {
    let order_id = get(Col::OrderId).ok_or("no order id")?.to_owned();
    let rma = get(Col::Rma)
        .ok_or_else(|| format!("order {order_id}: no Amazon RMA ID"))?
        .to_owned();
    let requested_raw =
        get(Col::RequestDate).ok_or_else(|| format!("RMA {rma}: no return request date"))?;
    let requested_at = parse_date(requested_raw)
        .ok_or_else(|| format!("RMA {rma}: unreadable return request date {requested_raw:?}"))?;
    let quantity = match get(Col::Quantity) {
        None => 1,
        Some(q) => q
            .parse::<i32>()
            .ok()
            .filter(|q| *q > 0)
            .ok_or_else(|| format!("RMA {rma}: unreadable return quantity {q:?}"))?,
    };
    let currency = get(Col::Currency).and_then(currency_code);
    let refund_minor = match get(Col::Refunded) {
        None => None,
        Some(amount) => Some(
            to_minor(amount, currency.as_deref().unwrap_or(""))
                .map_err(|e| format!("RMA {rma}: refunded amount: {e}"))?,
        ),
    };
    let delivered = get(Col::DeliveryDate).is_some();
    let state = state(
        get(Col::Status).unwrap_or(""),
        refund_minor.unwrap_or(0) > 0,
        delivered,
    );
    Ok(Row {
        order_id,
        rma,
        requested_at,
        state,
        reason: get(Col::Reason).unwrap_or_default().to_owned(),
        comment: get(Col::Comment).map(str::to_owned),
        item: InboundReturnItem {
            sku: get(Col::Sku)
                .or_else(|| get(Col::Asin))
                .unwrap_or_default()
                .to_owned(),
            title: get(Col::Title).unwrap_or_default().to_owned(),
            quantity,
        },
        refund_minor,
        currency,
        carrier: get(Col::Carrier).map(str::to_owned),
        tracking: get(Col::Tracking).map(str::to_owned),
    })
}

/// Our RMA state from the report's `Return request status`, a refund and a return delivery.
pub fn state(status: &str, refunded: bool, delivered: bool) -> ReturnState {
    let s = status.to_lowercase();
    let base = if ["reject", "denied", "declin"].iter().any(|w| s.contains(w)) {
        ReturnState::Rejected
    } else if s.contains("closed") || s.contains("cancel") {
        ReturnState::Closed
    } else if s.contains("refund") {
        ReturnState::Refunded
    } else if s.contains("receiv") || s.contains("delivered") || s.contains("completed") {
        ReturnState::Received
    } else if s.contains("transit") || s.contains("shipped") {
        ReturnState::InTransit
    } else if s.contains("pending") || s.contains("request") {
        ReturnState::Requested
    } else if s.contains("approv") || s.contains("authori") {
        ReturnState::Approved
    } else {
        ReturnState::Requested
    };
    match base {
        ReturnState::Rejected | ReturnState::Closed | ReturnState::Refunded => base,
        _ if refunded => ReturnState::Refunded,
        ReturnState::Requested | ReturnState::Approved | ReturnState::InTransit if delivered => {
            ReturnState::Received
        }
        other => other,
    }
}

/// The further along of two states of one return (rows of a multi-item return can differ).
fn later(a: ReturnState, b: ReturnState) -> ReturnState {
    let rank = |s: ReturnState| match s {
        ReturnState::Requested => 0,
        ReturnState::Approved => 1,
        ReturnState::InTransit => 2,
        ReturnState::Received => 3,
        ReturnState::Refunded => 4,
        ReturnState::Rejected => 5,
        ReturnState::Closed => 6,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// The date formats Amazon's flat files use across marketplaces; dates without a time are
/// midnight UTC.
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Some(t.with_timezone(&Utc));
        }
    }
    let no_zone = s
        .strip_suffix(" UTC")
        .or_else(|| s.strip_suffix(" GMT"))
        .or_else(|| s.strip_suffix('Z'))
        .unwrap_or(s);
    for f in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y/%m/%d %H:%M:%S",
        "%d.%m.%Y %H:%M:%S",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(no_zone, f) {
            return Some(t.and_utc());
        }
    }
    for f in [
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%d.%m.%Y",
        "%d-%b-%Y",
        "%b %d, %Y",
        "%d %b %Y",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(no_zone, f) {
            return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn dates_in_the_formats_amazon_writes() {
        let midnight = at("2026-11-02T00:00:00Z");
        for s in [
            "2026-11-02",
            "2026/11/02",
            "02.11.2026",
            "02-Nov-2026",
            "Nov 02, 2026",
            "2 Nov 2026",
        ] {
            assert_eq!(parse_date(s), Some(midnight), "{s}");
        }
        let t = at("2026-11-02T10:20:30Z");
        for s in [
            "2026-11-02T10:20:30Z",
            "2026-11-02T12:20:30+02:00",
            "2026-11-02T12:20:30+0200",
            "2026-11-02 10:20:30 UTC",
            "2026-11-02 10:20:30",
        ] {
            assert_eq!(parse_date(s), Some(t), "{s}");
        }
        for bad in ["", "yesterday", "2026-13-02", "11/02/2026"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn states() {
        use ReturnState::*;
        let cases = [
            (("Approved", false, false), Approved),
            (("Authorized", false, true), Received),
            (("Pending approval", false, false), Requested),
            (("Approved", true, true), Refunded),
            (("Rejected", false, false), Rejected),
            (("Closed", true, false), Closed),
            (("In transit", false, false), InTransit),
            (("", false, false), Requested),
        ];
        for ((status, refunded, delivered), want) in cases {
            assert_eq!(
                state(status, refunded, delivered),
                want,
                "{status} {refunded} {delivered}"
            );
        }
    }

    #[test]
    fn columns_are_found_by_name_in_any_order_and_spelling() {
        let text = "sku\tamazon-rma-id\tOrder_ID\treturn_request_date\tMerchant SKU\n\
                    X\tRMA1\t111-1\t2026-11-01\tSKU-1\n";
        let report = parse(text).unwrap();
        assert_eq!(report.bad_rows, vec![]);
        let r = &report.returns[0];
        assert_eq!(
            (r.external_id.as_str(), r.order_external_id.as_str()),
            ("RMA1", "111-1")
        );
        assert_eq!(r.items[0].sku, "SKU-1");
        assert_eq!(r.items[0].quantity, 1);
        assert_eq!(r.state, ReturnState::Requested);
        assert!(parse("Order ID\tItem Name\n1\tx\n")
            .unwrap_err()
            .contains("Amazon RMA ID"));
        assert!(parse("\n\n").is_err());
    }

    #[test]
    fn rows_of_one_rma_make_one_return_and_bad_rows_are_reported() {
        let text = "Order ID\tAmazon RMA ID\tReturn request date\tReturn request status\tMerchant SKU\tItem Name\tReturn quantity\tRefunded Amount\tCurrency code\r\n\
                    111-1\tR1\t2026-11-02\tApproved\tA\tFirst\t1\t\tEUR\r\n\
                    111-1\tR1\t2026-11-01\tApproved\tB\tSecond\t2\t5.50\tEUR\r\n\
                    222-2\tR1\t2026-11-01\tApproved\tC\tThird\t1\t\tEUR\r\n\
                    333-3\t\t2026-11-01\tApproved\tD\tFourth\t1\t\tEUR\r\n\
                    444-4\tR4\t2026-11-01\tApproved\tE\tFifth\tzwei\t\tEUR\r\n\
                    555-5\tR5\t2026-11-01\tApproved\tF\tSixth\t1\t1,5\tEUR\r\n\
                    666-6\tR6\t2026-11-01\tApproved\tG\tSe\tventh\t1\t\tEUR\textra\r\n\
                    777-7\tR7\tlater\r\n\
                    888-8\tR8\t2026-11-03\r\n";
        let report = parse(text).unwrap();
        let ids: Vec<&str> = report
            .returns
            .iter()
            .map(|r| r.external_id.as_str())
            .collect();
        assert_eq!(ids, ["R1", "R8"]);
        let r1 = &report.returns[0];
        assert_eq!(r1.items.len(), 2);
        assert_eq!(r1.refund_minor, Some(550));
        assert_eq!(r1.state, ReturnState::Refunded);
        assert_eq!(r1.requested_at, at("2026-11-01T00:00:00Z"));
        let raw: Value = serde_json::from_slice(&r1.raw).unwrap();
        assert_eq!(raw["rows"][1]["Merchant SKU"], "B");
        let lines: Vec<usize> = report.bad_rows.iter().map(|b| b.line).collect();
        assert_eq!(lines, [4, 5, 6, 7, 8, 9], "{:?}", report.bad_rows);
        assert!(report.bad_rows[0].reason.contains("belongs to order 111-1"));
        assert!(report.bad_rows[1].reason.contains("no Amazon RMA ID"));
        assert!(report.bad_rows[2].reason.contains("quantity"));
        assert!(report.bad_rows[3].reason.contains("refunded amount"));
        assert!(report.bad_rows[4].reason.contains("fields"));
        assert!(report.bad_rows[5].reason.contains("date"));
    }
}
