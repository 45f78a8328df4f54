//! The poll cursor: where each of the five streams (orders, messages, returns, inquiries,
//! cases) stands, as one JSON string.
//!
//! ```json
//! {"v":1,"turn":2,"seller":"best.seller",
//!  "orders":   {"since":"2026-01-01T00:00:00Z","sweep":{"from":"…","to":"…","offset":100,"total":240}},
//!  "messages": {"since":"…","sweep":null},
//!  "returns":  {"since":"…","sweep":null}, "inquiries": {…}, "cases": {…}}
//! ```
//!
//! A *round* starts when no stream has a sweep open: every stream opens one over the
//! window `[from, to]`, with `to` = now and `from` = the stream's `since` (orders, messages)
//! or `to` − the Post-Order look-back (returns, inquiries, cases: their searches filter by
//! creation date only, so reading the window again is how state changes are seen). Each
//! poll reads one page of the next stream with an open sweep (round-robin after `turn`)
//! and moves its `offset`; after its last page the stream closes its sweep and sets
//! `since` to `to` − overlap. `more` is true while any sweep is open.
//!
//! The window's end is fixed for the sweep, so records changed meanwhile leave it rather
//! than enter it; when the answer's `total` shrinks, records before our offset left and
//! later ones moved up, so the offset steps back by the difference (re-reading is fine,
//! skipping is not). `seller` is the seller's user name once learned (to tell our own
//! messages from the buyers').

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::ConnectorError;

/// The streams, in the order a round visits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Orders,
    Messages,
    Returns,
    Inquiries,
    Cases,
}

pub const KINDS: [Kind; 5] = [
    Kind::Orders,
    Kind::Messages,
    Kind::Returns,
    Kind::Inquiries,
    Kind::Cases,
];

impl Kind {
    /// Whether the stream is a Post-Order search (creation-date windows).
    pub fn post_order(self) -> bool {
        matches!(self, Self::Returns | Self::Inquiries | Self::Cases)
    }
}

/// One open sweep over `[from, to]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sweep {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub offset: u64,
    #[serde(default)]
    pub total: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stream {
    pub since: DateTime<Utc>,
    #[serde(default)]
    pub sweep: Option<Sweep>,
}

/// See the module docs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollCursor {
    pub v: u8,
    /// Index in [`KINDS`] of the stream polled last.
    pub turn: usize,
    #[serde(default)]
    pub seller: Option<String>,
    pub orders: Stream,
    pub messages: Stream,
    pub returns: Stream,
    pub inquiries: Stream,
    pub cases: Stream,
}

/// What one page told us, for [`PollCursor::advance`].
#[derive(Debug, Clone, Copy)]
pub struct PageOutcome {
    /// Records on the page (mapped or not).
    pub len: usize,
    pub total: Option<u64>,
    pub last: bool,
}

impl PollCursor {
    /// The first cursor: every stream starts `backfill_days` back.
    pub fn first(now: DateTime<Utc>, backfill_days: u32) -> Self {
        let stream = Stream {
            since: now - Duration::days(i64::from(backfill_days)),
            sweep: None,
        };
        Self {
            v: 1,
            turn: KINDS.len() - 1,
            seller: None,
            orders: stream.clone(),
            messages: stream.clone(),
            returns: stream.clone(),
            inquiries: stream.clone(),
            cases: stream,
        }
    }

    pub fn parse(s: &str) -> Result<Self, ConnectorError> {
        let cursor: Self = serde_json::from_str(s).map_err(|e| {
            ConnectorError::Permanent(format!("eBay: unreadable poll cursor {s:?}: {e}"))
        })?;
        if cursor.v != 1 {
            return Err(ConnectorError::Permanent(format!(
                "eBay: poll cursor version {} is not known",
                cursor.v
            )));
        }
        Ok(cursor)
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("a cursor always serializes")
    }

    pub fn stream(&self, kind: Kind) -> &Stream {
        match kind {
            Kind::Orders => &self.orders,
            Kind::Messages => &self.messages,
            Kind::Returns => &self.returns,
            Kind::Inquiries => &self.inquiries,
            Kind::Cases => &self.cases,
        }
    }

    fn stream_mut(&mut self, kind: Kind) -> &mut Stream {
        match kind {
            Kind::Orders => &mut self.orders,
            Kind::Messages => &mut self.messages,
            Kind::Returns => &mut self.returns,
            Kind::Inquiries => &mut self.inquiries,
            Kind::Cases => &mut self.cases,
        }
    }

    /// Whether any stream has pages left in the current round.
    pub fn open(&self) -> bool {
        KINDS.iter().any(|k| self.stream(*k).sweep.is_some())
    }

    /// Picks the stream to read now, opening a new round first when none is open, and
    /// returns it with its sweep.
    pub fn next(&mut self, now: DateTime<Utc>, lookback_days: u32) -> (Kind, Sweep) {
        if !self.open() {
            for kind in KINDS {
                let stream = self.stream_mut(kind);
                let from = if kind.post_order() {
                    now - Duration::days(i64::from(lookback_days.max(1)))
                } else {
                    stream.since
                };
                stream.sweep = Some(Sweep {
                    from: from.min(now),
                    to: now,
                    offset: 0,
                    total: None,
                });
            }
        }
        let start = self.turn % KINDS.len();
        for step in 1..=KINDS.len() {
            let index = (start + step) % KINDS.len();
            if let Some(sweep) = self.stream(KINDS[index]).sweep.clone() {
                self.turn = index;
                return (KINDS[index], sweep);
            }
        }
        unreachable!("a round was just opened")
    }

    /// Moves `kind`'s sweep past a page read at `sweep.offset`.
    pub fn advance(&mut self, kind: Kind, page: PageOutcome, overlap: Duration) {
        let stream = self.stream_mut(kind);
        let Some(mut sweep) = stream.sweep.take() else {
            return;
        };
        if let (Some(before), Some(now)) = (sweep.total, page.total) {
            if now < before {
                // Records before our offset left the window and later ones moved up.
                sweep.offset = sweep.offset.saturating_sub(before - now);
                sweep.total = Some(now);
                stream.sweep = Some(sweep);
                return;
            }
        }
        let after = sweep.offset + page.len as u64;
        if page.last {
            stream.since = stream.since.max(sweep.to - overlap);
            stream.sweep = None;
        } else {
            sweep.offset = after;
            sweep.total = page.total.or(sweep.total);
            stream.sweep = Some(sweep);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_round_visits_every_stream_then_closes() {
        let now = t("2026-05-01T12:00:00Z");
        let mut c = PollCursor::first(now, 30);
        let mut seen = Vec::new();
        for _ in 0..5 {
            let (kind, sweep) = c.next(now, 20);
            assert_eq!(sweep.to, now);
            if kind.post_order() {
                assert_eq!(sweep.from, t("2026-04-11T12:00:00Z"));
            } else {
                assert_eq!(sweep.from, t("2026-04-01T12:00:00Z"));
            }
            seen.push(kind);
            c.advance(
                kind,
                PageOutcome {
                    len: 3,
                    total: Some(3),
                    last: true,
                },
                Duration::minutes(5),
            );
        }
        assert_eq!(seen, KINDS.to_vec());
        assert!(!c.open());
        assert_eq!(c.orders.since, t("2026-05-01T11:55:00Z"));
        let back = PollCursor::parse(&c.encode()).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn pages_move_the_offset_and_round_robin_skips_closed_streams() {
        let now = t("2026-05-01T12:00:00Z");
        let mut c = PollCursor::first(now, 30);
        let (k, _) = c.next(now, 30);
        assert_eq!(k, Kind::Orders);
        c.advance(
            k,
            PageOutcome {
                len: 2,
                total: Some(5),
                last: false,
            },
            Duration::zero(),
        );
        // Everything else finishes in one page.
        for _ in 0..4 {
            let (k, _) = c.next(now, 30);
            assert_ne!(k, Kind::Orders);
            c.advance(
                k,
                PageOutcome {
                    len: 0,
                    total: Some(0),
                    last: true,
                },
                Duration::zero(),
            );
        }
        let (k, s) = c.next(now, 30);
        assert_eq!((k, s.offset, s.total), (Kind::Orders, 2, Some(5)));
        // Two orders left the window: step back two.
        c.advance(
            k,
            PageOutcome {
                len: 2,
                total: Some(3),
                last: false,
            },
            Duration::zero(),
        );
        let (k, s) = c.next(now, 30);
        assert_eq!((k, s.offset, s.total), (Kind::Orders, 0, Some(3)));
        c.advance(
            k,
            PageOutcome {
                len: 2,
                total: Some(3),
                last: false,
            },
            Duration::zero(),
        );
        let (_, s) = c.next(now, 30);
        assert_eq!(s.offset, 2);
        c.advance(
            k,
            PageOutcome {
                len: 1,
                total: Some(3),
                last: true,
            },
            Duration::zero(),
        );
        assert!(!c.open());
        assert_eq!(c.orders.since, now);
    }

    #[test]
    fn unknown_cursors_are_refused() {
        assert!(matches!(
            PollCursor::parse("{}"),
            Err(ConnectorError::Permanent(_))
        ));
        let mut c = PollCursor::first(t("2026-05-01T12:00:00Z"), 1);
        c.v = 9;
        assert!(PollCursor::parse(&c.encode()).is_err());
    }
}
