//! Reading eBay's JSON leniently: text, timestamps (`"2026-01-02T03:04:05.000Z"` or
//! Post-Order's `{"value": ...}`), amounts (`{"value": "12.34" | 12.34, "currency": "USD"}`)
//! in minor units, country codes, and the paging fields of a result page.
//!
//! Nothing here panics or fails on odd data: a field that cannot be read is `None`, and the
//! mapping decides what that means for its record.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::shopify::money::to_minor;

/// ISO 4217's code for "no currency", used when eBay sends an amount we cannot read.
pub const NO_CURRENCY: &str = "XXX";

pub use crate::json::text;

/// Like [`text`], also accepting a number (Post-Order sends some ids as numbers).
pub fn id(v: &Value, pointer: &str) -> Option<String> {
    match v.pointer(pointer)? {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An RFC 3339 timestamp at `pointer`, either a string or `{"value": "..."}`.
pub fn time(v: &Value, pointer: &str) -> Option<DateTime<Utc>> {
    let at = v.pointer(pointer)?;
    let s = at
        .as_str()
        .or_else(|| at.get("value").and_then(Value::as_str))?;
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The format eBay's filters and searches take: `2026-01-02T03:04:05.000Z`.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A three-letter currency code, upper-cased.
pub fn currency(s: &str) -> Option<String> {
    let s = s.trim();
    (s.len() == 3 && s.bytes().all(|b| b.is_ascii_alphabetic())).then(|| s.to_ascii_uppercase())
}

/// `{"value", "currency"}` at `pointer` → (minor units, currency). `value` may be a decimal
/// string (REST APIs) or a JSON number (Post-Order).
pub fn amount(v: &Value, pointer: &str) -> Option<(i64, String)> {
    let at = v.pointer(pointer)?;
    let currency = currency(at.get("currency").and_then(Value::as_str)?)?;
    let value = match at.get("value")? {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let minor = to_minor(&value, &currency).ok()?;
    Some((minor, currency))
}

pub use aftersail_domain::money::decimal;

/// Minor units → a JSON number (Post-Order wants `"value": 19.95`).
pub fn decimal_number(minor: i64, currency: &str) -> Value {
    decimal(minor, currency)
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// An ISO 3166-1 alpha-2 code, upper-cased.
pub fn country(s: Option<&str>) -> Option<String> {
    let s = s?.trim();
    (s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic())).then(|| s.to_ascii_uppercase())
}

/// The paging facts of one result page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// Matches in the whole result set, when the answer says (and says it sanely).
    pub total: Option<u64>,
    /// Whether the answer links a next page (`next`), when it has such a field.
    pub has_next: Option<bool>,
}

impl Paging {
    /// REST collections: `total` and `next`.
    pub fn rest(page: &Value) -> Self {
        Self {
            total: page.get("total").and_then(Value::as_u64),
            has_next: Some(text(page, "/next").is_some()),
        }
    }

    /// Post-Order searches: `paginationOutput.totalEntries` (or a top-level total).
    pub fn post_order(page: &Value) -> Self {
        let total = [
            "/paginationOutput/totalEntries",
            "/total",
            "/totalNumberOfCases",
        ]
        .iter()
        .find_map(|p| page.pointer(p).and_then(Value::as_u64));
        Self {
            total,
            has_next: None,
        }
    }

    /// Whether the sweep is over after a page of `len` items ending at `offset_after`.
    pub fn last_page(&self, offset_after: u64, len: usize, limit: u32) -> bool {
        if len == 0 {
            return true;
        }
        if let Some(total) = self.total {
            return offset_after >= total;
        }
        match self.has_next {
            Some(next) => !next,
            None => len < limit as usize,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn amounts_in_either_shape_and_exponent() {
        let v = json!({
            "a": {"value": "19.95", "currency": "usd"},
            "b": {"value": 19.95, "currency": "USD"},
            "c": {"value": "1000", "currency": "JPY"},
            "d": {"value": 1.234, "currency": "KWD"},
            "e": {"value": "lorem", "currency": "USD"},
            "f": {"value": "1.00", "currency": "dolor sit"},
            "g": {"value": "1.5", "currency": "JPY"}
        });
        assert_eq!(amount(&v, "/a"), Some((1995, "USD".into())));
        assert_eq!(amount(&v, "/b"), Some((1995, "USD".into())));
        assert_eq!(amount(&v, "/c"), Some((1000, "JPY".into())));
        assert_eq!(amount(&v, "/d"), Some((1234, "KWD".into())));
        for bad in ["/e", "/f", "/g", "/missing"] {
            assert_eq!(amount(&v, bad), None, "{bad}");
        }
    }

    #[test]
    fn decimals_by_currency() {
        assert_eq!(decimal(1995, "USD"), "19.95");
        assert_eq!(decimal(5, "EUR"), "0.05");
        assert_eq!(decimal(1000, "JPY"), "1000");
        assert_eq!(decimal(1234, "KWD"), "1.234");
        assert_eq!(decimal(-250, "GBP"), "-2.50");
        assert_eq!(decimal_number(1995, "USD"), json!(19.95));
        assert_eq!(decimal_number(1000, "JPY"), json!(1000.0));
    }

    #[test]
    fn times_and_texts() {
        let v = json!({"t": "2026-03-04T05:06:07.000Z", "w": {"value": "2026-03-04T05:06:07.000Z"}, "x": "occaecat", "s": "  ", "n": 5012});
        let want = DateTime::parse_from_rfc3339("2026-03-04T05:06:07Z").unwrap();
        assert_eq!(time(&v, "/t"), Some(want.with_timezone(&Utc)));
        assert_eq!(time(&v, "/w"), Some(want.with_timezone(&Utc)));
        assert_eq!(time(&v, "/x"), None);
        assert_eq!(text(&v, "/s"), None);
        assert_eq!(id(&v, "/n").as_deref(), Some("5012"));
        assert_eq!(
            format_time(want.with_timezone(&Utc)),
            "2026-03-04T05:06:07.000Z"
        );
        assert_eq!(country(Some("de")), Some("DE".into()));
        assert_eq!(country(Some("DEU")), None);
    }

    #[test]
    fn last_page_rules() {
        let by_total = Paging {
            total: Some(5),
            has_next: Some(true),
        };
        assert!(!by_total.last_page(4, 2, 2));
        assert!(by_total.last_page(5, 1, 2));
        let by_next = Paging {
            total: None,
            has_next: Some(false),
        };
        assert!(by_next.last_page(2, 2, 2));
        let by_size = Paging {
            total: None,
            has_next: None,
        };
        assert!(!by_size.last_page(2, 2, 2));
        assert!(by_size.last_page(3, 1, 2));
        assert!(by_total.last_page(0, 0, 2));
    }
}
