//! Shopify's GraphQL cost-based rate limit, as a leaky bucket we mirror locally.
//!
//! Every response reports `extensions.cost.throttleStatus` (`maximumAvailable`,
//! `currentlyAvailable`, `restoreRate` points per second). We keep the last report and the
//! moment it arrived; before the next request we estimate how many points have come back
//! since and wait for the rest, so we rarely get a `THROTTLED` error at all.

use std::time::Duration;

use serde::Deserialize;
use tokio::time::Instant;

/// `extensions.cost` of a GraphQL response.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cost {
    pub requested_query_cost: f64,
    #[serde(default)]
    pub actual_query_cost: Option<f64>,
    pub throttle_status: ThrottleStatus,
}

/// `extensions.cost.throttleStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThrottleStatus {
    pub maximum_available: f64,
    pub currently_available: f64,
    pub restore_rate: f64,
}

/// The bucket as last reported, and when.
#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    status: ThrottleStatus,
    at: Instant,
}

impl Bucket {
    pub fn new(status: ThrottleStatus, at: Instant) -> Self {
        Self { status, at }
    }

    /// The points available at `now`: the last report plus what was restored since.
    pub fn available(&self, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        (self.status.currently_available + elapsed * self.status.restore_rate)
            .min(self.status.maximum_available)
    }

    /// How long to wait at `now` before a query of `cost` points fits. A cost above the
    /// bucket's maximum is waited for only up to a full bucket (Shopify then refuses it
    /// with a clear error rather than throttling).
    pub fn wait_for(&self, cost: f64, now: Instant) -> Duration {
        let needed = cost.min(self.status.maximum_available);
        let missing = needed - self.available(now);
        if missing <= 0.0 {
            return Duration::ZERO;
        }
        if self.status.restore_rate <= 0.0 {
            return Duration::from_secs(60);
        }
        secs_rounded_up(missing / self.status.restore_rate)
    }
}

/// Seconds → a `Duration` rounded up to the millisecond, so waiting that long is enough.
pub fn secs_rounded_up(secs: f64) -> Duration {
    Duration::from_millis((secs * 1000.0).ceil().max(0.0) as u64)
}

/// The bucket shared by one connector's requests, plus the last requested cost per
/// operation (our best estimate of what the same query will cost next time).
#[derive(Debug, Default)]
pub struct Throttle {
    bucket: Option<Bucket>,
    last_cost: Vec<(&'static str, f64)>,
}

impl Throttle {
    /// How long to wait at `now` before running `operation`. Zero until Shopify has told us
    /// anything about the bucket or about the operation's cost.
    pub fn wait_for(&self, operation: &str, now: Instant) -> Duration {
        let cost = self
            .last_cost
            .iter()
            .find(|(op, _)| *op == operation)
            .map(|(_, c)| *c);
        match (self.bucket, cost) {
            (Some(bucket), Some(cost)) => bucket.wait_for(cost, now),
            _ => Duration::ZERO,
        }
    }

    /// Records what a response said about the bucket and the operation's cost.
    pub fn record(&mut self, operation: &'static str, cost: &Cost, now: Instant) {
        self.bucket = Some(Bucket::new(cost.throttle_status, now));
        match self.last_cost.iter_mut().find(|(op, _)| *op == operation) {
            Some(entry) => entry.1 = cost.requested_query_cost,
            None => self.last_cost.push((operation, cost.requested_query_cost)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(available: f64) -> ThrottleStatus {
        ThrottleStatus {
            maximum_available: 2000.0,
            currently_available: available,
            restore_rate: 100.0,
        }
    }

    #[test]
    fn waits_for_the_missing_points_only() {
        let t0 = Instant::now();
        let bucket = Bucket::new(status(10.0), t0);
        assert_eq!(bucket.wait_for(10.0, t0), Duration::ZERO);
        assert_eq!(bucket.wait_for(60.0, t0), Duration::from_millis(500));
        assert_eq!(
            bucket.wait_for(60.0, t0 + Duration::from_millis(200)),
            Duration::from_millis(300)
        );
        assert_eq!(
            bucket.wait_for(60.0, t0 + Duration::from_secs(1)),
            Duration::ZERO
        );
        // Never more than a full bucket's worth.
        assert_eq!(bucket.wait_for(1e9, t0), Duration::from_millis(19_900));
        assert_eq!(bucket.available(t0 + Duration::from_secs(3600)), 2000.0);
    }

    #[test]
    fn throttle_knows_nothing_until_told() {
        let t0 = Instant::now();
        let mut throttle = Throttle::default();
        assert_eq!(throttle.wait_for("orders", t0), Duration::ZERO);
        let cost = Cost {
            requested_query_cost: 252.0,
            actual_query_cost: Some(40.0),
            throttle_status: status(52.0),
        };
        throttle.record("orders", &cost, t0);
        assert_eq!(throttle.wait_for("orders", t0), Duration::from_secs(2));
        assert_eq!(throttle.wait_for("shop", t0), Duration::ZERO);
    }
}
