//! The poll cursor: where each stream (orders, returns, chat) stands, as JSON.
//!
//! ```json
//! {"turn":1,
//!  "orders":  {"from":1767000000,"until":1769600000,"span":1296000,"page":null},
//!  "returns": {"from":1767000000,"until":1769600000,"span":1296000,"page":null},
//!  "chat": {"since_ns":1767000000000000000,
//!           "sweep":{"list_next":"1769500000123456789","list_done":false,"seen_ns":1769599000123456789,
//!                    "queue":[{"id":"123","to_id":"456","to_name":"buyer"}],"offset":null}}}
//! ```
//!
//! **Orders and returns** ([`Window`]) are read by `update_time` in windows `[from, from +
//! span]` (Unix seconds, both ends inclusive) up to `until`, the moment the sweep began.
//! Shopee allows at most 15 days per window. Both lists page by offset (`next_cursor`
//! `"20"`, `page_no`), so paging through a window while its orders change can skip some:
//! an order updated meanwhile leaves the window and the rest shift forward past the
//! offset. So a window is first narrowed (halved, down to one second) until it fits in one
//! page; the page of a window that was too big is dropped unread. After a window that fit,
//! the span doubles again (up to 15 days). Only a window that cannot be narrowed (more
//! than a page changed within one second) is paged, with `page` holding Shopee's cursor
//! or page number. The next window starts where the last one ended (the boundary second
//! is read twice: the ingest dedups). When `from` reaches `until` the sweep is done; the
//! next one runs from `until` − 5 minutes (late-indexed changes) to the new now.
//!
//! **Chat** ([`ChatState`]): `since_ns` is the newest conversation activity already read
//! (Unix nanoseconds, as Shopee stamps conversations). A sweep lists conversations newest
//! first (`list_next`: Shopee's `next_message_time_nano`), queues those with a message
//! after `since_ns`, and stops listing at the first older one (pinned ones, listed first
//! whatever their age, stop nothing); then it reads the queued conversations' messages page
//! by page (`offset`: Shopee's `next_offset`) down to the second of `since_ns` (messages
//! are stamped in seconds, so that second is read again: the ingest dedups). `seen_ns` is
//! the newest conversation time listed; when the queue is empty and listing is done,
//! `since_ns` becomes `seen_ns`. A conversation stamped in whole seconds only is queued
//! again at an equal time, in case a second message came within that second.
//!
//! **Turns**: each poll advances one stream by one page, taking turns (`turn` is the next
//! to go); a stream whose sweep is done waits until every stream is done, then all start
//! a new sweep together.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ConnectorError;

/// Shopee's longest window: 15 days.
pub const MAX_SPAN: i64 = 15 * 86_400;
/// The narrowest window before falling back to paging.
pub const MIN_SPAN: i64 = 1;
/// How far a new sweep reaches back before the previous one's end.
pub const OVERLAP: i64 = 300;
/// Nanoseconds in a second.
pub const NANOS: i64 = 1_000_000_000;

/// The whole poll position; see the module docs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollCursor {
    #[serde(default)]
    pub turn: usize,
    pub orders: Window,
    pub returns: Window,
    pub chat: ChatState,
}

impl PollCursor {
    /// The first position: everything since `now − backfill_days`.
    pub fn first(now: DateTime<Utc>, backfill_days: u32) -> Self {
        let now = now.timestamp();
        let from = now - i64::from(backfill_days) * 86_400;
        Self {
            turn: 0,
            orders: Window::new(from, now),
            returns: Window::new(from, now),
            chat: ChatState::new(from.saturating_mul(NANOS)),
        }
    }

    pub fn parse(shop_id: u64, s: &str) -> Result<Self, ConnectorError> {
        serde_json::from_str(s).map_err(|e| {
            ConnectorError::Permanent(format!(
                "Shopee shop {shop_id}: unreadable poll cursor {s:?}: {e}"
            ))
        })
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("a cursor always serializes")
    }
}

/// One `update_time` stream (orders or returns); see the module docs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// Start of the next window (Unix seconds).
    pub from: i64,
    /// End of the current sweep.
    pub until: i64,
    /// Length of the next window.
    pub span: i64,
    /// Shopee's page position inside a window that cannot be narrowed.
    #[serde(default)]
    pub page: Option<String>,
}

impl Window {
    pub fn new(from: i64, until: i64) -> Self {
        Self {
            from,
            until,
            span: MAX_SPAN,
            page: None,
        }
    }

    /// Whether the sweep has windows left.
    pub fn pending(&self) -> bool {
        self.from < self.until
    }

    /// The current window, `(time_from, time_to)`.
    pub fn current(&self) -> (i64, i64) {
        let span = self.span.clamp(MIN_SPAN, MAX_SPAN);
        (self.from, self.from.saturating_add(span).min(self.until))
    }

    /// The current window held more than a page. Narrows it and answers `true` (drop the
    /// page, read the narrower window next), or answers `false` when it cannot be narrowed
    /// (page through it).
    pub fn narrow(&mut self) -> bool {
        let (from, to) = self.current();
        if self.page.is_some() || to - from <= MIN_SPAN {
            return false;
        }
        self.span = ((to - from) / 2).max(MIN_SPAN);
        true
    }

    /// Pages on inside the current window.
    pub fn next_page(&mut self, page: String) {
        self.page = Some(page);
    }

    /// The current window is read: move to the next, twice as long.
    pub fn window_done(&mut self) {
        let (_, to) = self.current();
        self.from = to;
        self.page = None;
        self.span = self.span.saturating_mul(2).clamp(MIN_SPAN, MAX_SPAN);
    }

    /// Starts a new sweep up to `now`.
    pub fn restart(&mut self, now: i64) {
        self.from = (self.until - OVERLAP).min(now);
        self.until = now;
        self.page = None;
    }
}

/// The chat stream; see the module docs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatState {
    /// The newest conversation activity already read (Unix nanoseconds).
    pub since_ns: i64,
    #[serde(default)]
    pub sweep: Option<ChatSweep>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatSweep {
    /// `next_message_time_nano` of the next conversation page; `None` for the first.
    #[serde(default)]
    pub list_next: Option<String>,
    #[serde(default)]
    pub list_done: bool,
    /// The newest conversation time listed in this sweep (Unix nanoseconds).
    pub seen_ns: i64,
    /// Conversations whose messages are still to read, first one first.
    #[serde(default)]
    pub queue: Vec<QueuedConversation>,
    /// `next_offset` within the first queued conversation.
    #[serde(default)]
    pub offset: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedConversation {
    pub id: String,
    /// The buyer's user id.
    #[serde(default)]
    pub to_id: Option<String>,
    /// The buyer's user name.
    #[serde(default)]
    pub to_name: Option<String>,
}

impl ChatState {
    /// A state whose first sweep reads what came after `since_ns`.
    pub fn new(since_ns: i64) -> Self {
        let mut state = Self {
            since_ns,
            sweep: None,
        };
        state.restart();
        state
    }

    pub fn pending(&self) -> bool {
        self.sweep.is_some()
    }

    pub fn restart(&mut self) {
        self.sweep = Some(ChatSweep {
            list_next: None,
            list_done: false,
            seen_ns: self.since_ns,
            queue: Vec::new(),
            offset: None,
        });
    }

    /// Ends the sweep once listing is done and every queued conversation is read.
    /// Whether a conversation last active at `last_ns` has something after `since_ns`.
    pub fn is_new(&self, last_ns: i64) -> bool {
        last_ns > self.since_ns || (last_ns == self.since_ns && last_ns % NANOS == 0)
    }

    pub fn settle(&mut self) {
        if let Some(sweep) = &self.sweep {
            if sweep.list_done && sweep.queue.is_empty() {
                self.since_ns = self.since_ns.max(sweep.seen_ns);
                self.sweep = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forty_day_backfill_steps_in_windows_of_at_most_fifteen_days() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let mut cursor = PollCursor::first(now, 40);
        let start = now.timestamp() - 40 * 86_400;
        let mut windows = Vec::new();
        while cursor.orders.pending() {
            windows.push(cursor.orders.current());
            cursor.orders.window_done();
        }
        assert_eq!(
            windows,
            vec![
                (start, start + MAX_SPAN),
                (start + MAX_SPAN, start + 2 * MAX_SPAN),
                (start + 2 * MAX_SPAN, now.timestamp()),
            ]
        );
        cursor.orders.restart(now.timestamp() + 60);
        assert_eq!(
            cursor.orders.current(),
            (now.timestamp() - OVERLAP, now.timestamp() + 60)
        );
    }

    #[test]
    fn windows_narrow_down_to_a_second_then_page() {
        let mut w = Window::new(1000, 1000 + MAX_SPAN);
        let mut narrowed = 0;
        while w.narrow() {
            narrowed += 1;
            let (from, to) = w.current();
            assert!(to - from >= MIN_SPAN);
        }
        assert_eq!(w.current(), (1000, 1001));
        assert_eq!(narrowed, 20);
        w.next_page("20".into());
        assert!(!w.narrow(), "a window being paged is not narrowed");
        w.window_done();
        assert_eq!((w.from, w.span, w.page.clone()), (1001, 2, None));
        w.window_done();
        assert_eq!((w.from, w.span), (1003, 4));
    }

    #[test]
    fn a_chat_sweep_ends_when_listing_is_done_and_the_queue_is_empty() {
        let mut chat = ChatState::new(100 * NANOS);
        assert!(chat.pending());
        let sweep = chat.sweep.as_mut().unwrap();
        sweep.seen_ns = 250 * NANOS + 7;
        sweep.list_done = true;
        sweep.queue.push(QueuedConversation {
            id: "1".into(),
            to_id: None,
            to_name: None,
        });
        chat.settle();
        assert!(chat.pending());
        chat.sweep.as_mut().unwrap().queue.clear();
        chat.settle();
        assert!(!chat.pending());
        assert_eq!(chat.since_ns, 250 * NANOS + 7);
        assert!(chat.is_new(250 * NANOS + 8));
        assert!(!chat.is_new(250 * NANOS + 7), "read already");
        assert!(!chat.is_new(250 * NANOS));
        chat.since_ns = 300 * NANOS;
        assert!(
            chat.is_new(300 * NANOS),
            "whole seconds may hide a second message"
        );
    }

    #[test]
    fn cursors_round_trip_and_bad_ones_are_refused() {
        let cursor = PollCursor::first(DateTime::from_timestamp(1_800_000_000, 0).unwrap(), 30);
        assert_eq!(PollCursor::parse(1, &cursor.encode()).unwrap(), cursor);
        assert!(matches!(
            PollCursor::parse(1, "{"),
            Err(ConnectorError::Permanent(_))
        ));
    }
}
