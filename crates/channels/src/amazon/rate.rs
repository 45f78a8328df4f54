//! SP-API usage plans as local token buckets, one per operation.
//!
//! Every operation has a documented default rate (requests per second) and burst; Amazon
//! applies them per seller and application. Each bucket starts full, refills at the rate
//! and holds at most the burst. A response's `x-amzn-RateLimit-Limit` header tells the rate
//! actually granted (numeric; anything else, e.g. Prism's `"string"`, is ignored). After a
//! 429 the bucket holds back until `Retry-After` (or one token's refill time) and then
//! allows one call, so we do not hammer.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::ConnectorError;

/// An operation and its default usage plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Operation {
    /// The operation id, as in the API reference (`searchOrders`).
    pub name: &'static str,
    /// Requests per second.
    pub rate: f64,
    pub burst: u32,
}

impl Operation {
    const fn new(name: &'static str, rate: f64, burst: u32) -> Self {
        Self { name, rate, burst }
    }
}

/// The operations this connector calls, with their documented default usage plans.
pub mod ops {
    use super::Operation;

    pub const SEARCH_ORDERS: Operation = Operation::new("searchOrders", 0.0056, 20);
    pub const GET_ORDER: Operation = Operation::new("getOrder", 0.5, 30);
    pub const GET_ORDERS_V0: Operation = Operation::new("getOrders", 0.0167, 20);
    pub const GET_ORDER_V0: Operation = Operation::new("getOrderV0", 0.5, 30);
    pub const GET_ORDER_ITEMS_V0: Operation = Operation::new("getOrderItems", 0.5, 30);
    pub const GET_MESSAGING_ACTIONS: Operation =
        Operation::new("getMessagingActionsForOrder", 1.0, 5);
    pub const CREATE_REPORT: Operation = Operation::new("createReport", 0.0167, 15);
    pub const GET_REPORT: Operation = Operation::new("getReport", 2.0, 15);
    pub const GET_REPORT_DOCUMENT: Operation = Operation::new("getReportDocument", 0.0167, 15);

    /// Every messaging send operation: 1 request per second, burst 5.
    pub const fn messaging(name: &'static str) -> Operation {
        Operation::new(name, 1.0, 5)
    }
}

/// One operation's bucket.
#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    at: Instant,
    blocked_until: Option<Instant>,
}

impl Bucket {
    /// A full bucket at `now`.
    pub fn new(rate: f64, burst: u32, now: Instant) -> Self {
        let burst = f64::from(burst.max(1));
        Self {
            rate: if rate > 0.0 { rate } else { 1.0 },
            burst,
            tokens: burst,
            at: now,
            blocked_until: None,
        }
    }

    pub fn rate(&self) -> f64 {
        self.rate
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        self.at = self.at.max(now);
    }

    /// The tokens available at `now`.
    pub fn available(&self, now: Instant) -> f64 {
        let mut b = *self;
        b.refill(now);
        b.tokens
    }

    /// Takes a token at `now`, or says how long until one is there.
    pub fn try_take(&mut self, now: Instant) -> Result<(), Duration> {
        if let Some(until) = self.blocked_until {
            if now < until {
                return Err(until - now);
            }
            self.blocked_until = None;
        }
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(secs((1.0 - self.tokens) / self.rate))
        }
    }

    /// The time one token takes to come back.
    pub fn refill_time(&self) -> Duration {
        secs(1.0 / self.rate)
    }

    /// Adopts the rate Amazon reports (`x-amzn-RateLimit-Limit`); the burst stays.
    pub fn set_rate(&mut self, rate: f64, now: Instant) {
        if rate.is_finite() && rate > 0.0 {
            self.refill(now);
            self.rate = rate;
        }
    }

    /// After a 429: nothing before `retry_after` (when Amazon said so; one token's refill
    /// time otherwise), then one token. Returns how long the caller should wait.
    pub fn throttled(&mut self, retry_after: Option<Duration>, now: Instant) -> Duration {
        let wait = retry_after.unwrap_or_else(|| self.refill_time());
        let until = now + wait;
        self.tokens = 1.0;
        self.at = until;
        self.blocked_until = Some(until);
        wait
    }
}

/// Seconds → a `Duration` rounded up to the millisecond.
fn secs(s: f64) -> Duration {
    if !s.is_finite() || s <= 0.0 {
        return Duration::ZERO;
    }
    Duration::from_millis((s * 1000.0).ceil().min(1e12) as u64)
}

/// Parses `x-amzn-RateLimit-Limit`: a positive number of requests per second.
pub fn parse_limit_header(value: &str) -> Option<f64> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|r| r.is_finite() && *r > 0.0)
}

/// The buckets of one seller account, keyed by operation.
#[derive(Debug)]
pub struct RateLimits {
    buckets: Mutex<HashMap<&'static str, Bucket>>,
    max_wait: Duration,
}

impl RateLimits {
    /// `max_wait`: the longest [`acquire`](Self::acquire) sleeps before answering
    /// `RateLimited` instead.
    pub fn new(max_wait: Duration) -> Self {
        Self {
            buckets: Mutex::new(HashMap::new()),
            max_wait,
        }
    }

    fn with_bucket<T>(&self, op: &Operation, now: Instant, f: impl FnOnce(&mut Bucket) -> T) -> T {
        // The buckets are plain numbers; a panic elsewhere cannot leave them inconsistent.
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let bucket = buckets
            .entry(op.name)
            .or_insert_with(|| Bucket::new(op.rate, op.burst, now));
        f(bucket)
    }

    /// Takes a token for `op`, sleeping up to `max_wait` for one; longer waits answer
    /// `RateLimited` with the time the token needs.
    pub async fn acquire(&self, op: &Operation) -> Result<(), ConnectorError> {
        loop {
            let now = Instant::now();
            match self.with_bucket(op, now, |b| b.try_take(now)) {
                Ok(()) => return Ok(()),
                Err(wait) if wait <= self.max_wait => {
                    tracing::debug!(
                        operation = op.name,
                        ?wait,
                        "waiting for the Amazon rate limit"
                    );
                    tokio::time::sleep(wait).await;
                }
                Err(wait) => return Err(ConnectorError::RateLimited { retry_after: wait }),
            }
        }
    }

    /// Applies a response's `x-amzn-RateLimit-Limit` header to `op`'s bucket.
    pub fn observe(&self, op: &Operation, header: Option<&str>) {
        if let Some(rate) = header.and_then(parse_limit_header) {
            let now = Instant::now();
            self.with_bucket(op, now, |b| b.set_rate(rate, now));
        }
    }

    /// Records a 429 for `op`; returns how long to wait (`Retry-After`, or the time one
    /// token takes to come back).
    pub fn throttled(&self, op: &Operation, retry_after: Option<Duration>) -> Duration {
        let now = Instant::now();
        self.with_bucket(op, now, |b| b.throttled(retry_after, now))
    }

    /// The current rate of `op`'s bucket (its default until Amazon reports one).
    pub fn rate(&self, op: &Operation) -> f64 {
        let now = Instant::now();
        self.with_bucket(op, now, |b| b.rate())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_spends_its_burst_then_refills_at_the_rate() {
        let t0 = Instant::now();
        let mut b = Bucket::new(0.5, 3, t0);
        for _ in 0..3 {
            assert_eq!(b.try_take(t0), Ok(()));
        }
        assert_eq!(b.try_take(t0), Err(Duration::from_secs(2)));
        assert_eq!(
            b.try_take(t0 + Duration::from_millis(500)),
            Err(Duration::from_millis(1500))
        );
        assert_eq!(b.try_take(t0 + Duration::from_secs(2)), Ok(()));
        // Never more than the burst, however long it rested.
        assert_eq!(b.available(t0 + Duration::from_secs(3600)), 3.0);
    }

    #[test]
    fn reported_rate_replaces_the_default_and_429_blocks() {
        let t0 = Instant::now();
        let mut b = Bucket::new(ops::SEARCH_ORDERS.rate, 1, t0);
        assert_eq!(b.refill_time(), Duration::from_millis(178_572));
        b.try_take(t0).unwrap();
        b.set_rate(2.0, t0);
        assert_eq!(b.try_take(t0), Err(Duration::from_millis(500)));
        // A 429 with Retry-After blocks for that long even if tokens came back.
        let t1 = t0 + Duration::from_secs(10);
        assert_eq!(
            b.throttled(Some(Duration::from_secs(3)), t1),
            Duration::from_secs(3)
        );
        assert_eq!(
            b.try_take(t1 + Duration::from_secs(1)),
            Err(Duration::from_secs(2))
        );
        assert_eq!(b.try_take(t1 + Duration::from_secs(3)), Ok(()));
        // Without Retry-After the wait is one token's refill time.
        let t2 = t1 + Duration::from_secs(3);
        assert_eq!(b.throttled(None, t2), Duration::from_millis(500));
    }

    #[test]
    fn limit_header_must_be_a_positive_number() {
        assert_eq!(parse_limit_header("0.0167"), Some(0.0167));
        assert_eq!(parse_limit_header(" 2 "), Some(2.0));
        for bad in ["string", "", "0", "-1", "NaN", "inf"] {
            assert_eq!(parse_limit_header(bad), None, "{bad}");
        }
    }

    #[tokio::test]
    async fn acquire_sleeps_for_short_waits_and_refuses_long_ones() {
        let limits = RateLimits::new(Duration::from_millis(200));
        // 20 per second, burst 1: the second call waits about 50 ms.
        let op = Operation::new("test", 20.0, 1);
        let start = Instant::now();
        limits.acquire(&op).await.unwrap();
        limits.acquire(&op).await.unwrap();
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(45), "{waited:?}");
        assert!(waited < Duration::from_millis(1000), "{waited:?}");
        let slow = Operation::new("slow", 0.1, 1);
        limits.acquire(&slow).await.unwrap();
        match limits.acquire(&slow).await {
            Err(ConnectorError::RateLimited { retry_after }) => {
                assert!(
                    retry_after > Duration::from_millis(9_900)
                        && retry_after <= Duration::from_secs(10),
                    "{retry_after:?}"
                );
            }
            other => panic!("expected RateLimited, got {other:?}"),
        }
        limits.observe(&slow, Some("string"));
        assert_eq!(limits.rate(&slow), 0.1);
        limits.observe(&slow, Some("10"));
        assert_eq!(limits.rate(&slow), 10.0);
        limits.acquire(&slow).await.unwrap();
        assert_eq!(limits.throttled(&slow, None), Duration::from_millis(100));
    }
}
