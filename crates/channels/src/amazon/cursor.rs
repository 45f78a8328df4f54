//! The poll cursor: where the orders sweep and the returns report stand, and which stream
//! the next poll serves. The format is documented in the [module docs](super).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ConnectorError;

/// The Orders API a sweep reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrdersApi {
    #[serde(rename = "2026-01-01")]
    V2026,
    #[serde(rename = "v0")]
    V0,
}

/// The stream a poll serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    #[default]
    Orders,
    Returns,
}

/// The orders sweep: orders updated in `[since, until]`, page by page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrdersCursor {
    /// The API the page token belongs to.
    pub api: OrdersApi,
    /// Orders updated at or after this time are read (`lastUpdatedAfter`).
    pub since: DateTime<Utc>,
    /// The end of the sweep in progress (`lastUpdatedBefore`, fixed while paging);
    /// `null` between sweeps.
    #[serde(default)]
    pub until: Option<DateTime<Utc>>,
    /// The next page's token (`paginationToken` / `NextToken`); `null` at a sweep's start.
    #[serde(default)]
    pub after: Option<String>,
}

/// A returns report requested from Amazon and not read to its end yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingReport {
    /// `reportId`.
    pub id: String,
    /// `dataStartTime` / `dataEndTime`.
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// `reportDocumentId` once the report is `DONE`.
    #[serde(default)]
    pub document: Option<String>,
    /// How many returns of the document earlier polls delivered.
    #[serde(default)]
    pub offset: usize,
}

/// The returns stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnsCursor {
    /// The next report covers returns requested from this time on.
    pub since: DateTime<Utc>,
    /// No new report is requested before this time; `null`: at once.
    #[serde(default)]
    pub next_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub report: Option<PendingReport>,
}

impl ReturnsCursor {
    /// Whether the returns stream has something to do at `now`.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.report.is_some() || self.next_at.is_none_or(|t| now >= t)
    }

    /// Whether a finished report still has returns to deliver.
    pub fn has_pages(&self) -> bool {
        self.report.as_ref().is_some_and(|r| r.document.is_some())
    }
}

/// The whole poll position; see the module docs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollCursor {
    pub orders: OrdersCursor,
    pub returns: ReturnsCursor,
    #[serde(default)]
    pub turn: Stream,
}

impl PollCursor {
    /// The first cursor: both streams start `since`.
    pub fn first(since: DateTime<Utc>, api: OrdersApi) -> Self {
        Self {
            orders: OrdersCursor {
                api,
                since,
                until: None,
                after: None,
            },
            returns: ReturnsCursor {
                since,
                next_at: None,
                report: None,
            },
            turn: Stream::Orders,
        }
    }

    pub fn parse(s: &str) -> Result<Self, ConnectorError> {
        serde_json::from_str(s).map_err(|e| {
            ConnectorError::Permanent(format!("Amazon: unreadable poll cursor {s:?}: {e}"))
        })
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("a cursor always serializes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reads_the_documented_form() {
        let t = DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let c = PollCursor::first(t, OrdersApi::V2026);
        assert_eq!(PollCursor::parse(&c.encode()).unwrap(), c);
        let written = r#"{"orders":{"api":"v0","since":"2026-11-01T00:00:00Z","until":"2026-11-02T00:00:00Z","after":"tok"},
            "returns":{"since":"2026-10-01T00:00:00Z","next_at":null,
                       "report":{"id":"R1","start":"2026-10-01T00:00:00Z","end":"2026-11-01T00:00:00Z","document":"D1","offset":25}},
            "turn":"returns"}"#;
        let c = PollCursor::parse(written).unwrap();
        assert_eq!(c.orders.api, OrdersApi::V0);
        assert_eq!(c.orders.after.as_deref(), Some("tok"));
        assert_eq!(c.turn, Stream::Returns);
        assert!(c.returns.has_pages());
        assert_eq!(c.returns.report.unwrap().offset, 25);
        assert!(matches!(
            PollCursor::parse("{}"),
            Err(ConnectorError::Permanent(_))
        ));
    }
}
