//! When to try again after a failure: exponential backoff with jitter, so channels that
//! failed together (a provider outage) do not all retry in the same second.

use std::time::Duration;

use aftersail_channels::ConnectorError;
use chrono::{DateTime, Utc};
use rand::Rng;

/// The first wait of every job's retries, and the longest.
pub const BASE: Duration = Duration::from_secs(30);
pub const MAX: Duration = Duration::from_secs(3600);

/// When to try again after the `failures`-th failure in a row (ending in `error` when a
/// channel answered): when the remote side said (`Retry-After`), else [`delay`] between
/// [`BASE`] and [`MAX`].
pub fn retry_at(failures: u32, error: Option<&ConnectorError>) -> DateTime<Utc> {
    let wait = match error {
        Some(ConnectorError::RateLimited { retry_after }) => *retry_after,
        _ => delay(failures, BASE, MAX, &mut rand::thread_rng()),
    };
    Utc::now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1))
}

/// The wait after the `failures`-th consecutive failure (1 = the first): `base · 2^(n-1)`,
/// capped at `max`, then a random 50–100 % of that.
pub fn delay(failures: u32, base: Duration, max: Duration, rng: &mut impl Rng) -> Duration {
    let exponent = failures.saturating_sub(1).min(30);
    let full = base.saturating_mul(1u32 << exponent).min(max);
    full.mul_f64(rng.gen_range(0.5..=1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    const BASE: Duration = Duration::from_secs(30);
    const MAX: Duration = Duration::from_secs(3600);

    #[test]
    fn doubles_per_failure_within_the_jitter_band() {
        let mut rng = StdRng::seed_from_u64(7);
        for (failures, full) in [(1, 30), (2, 60), (3, 120), (4, 240), (7, 1920)] {
            for _ in 0..200 {
                let d = delay(failures, BASE, MAX, &mut rng);
                assert!(
                    d >= Duration::from_secs(full) / 2 && d <= Duration::from_secs(full),
                    "failure {failures}: {d:?} outside [{}, {full}] s",
                    full / 2
                );
            }
        }
    }

    #[test]
    fn never_exceeds_the_cap_even_after_many_failures() {
        let mut rng = StdRng::seed_from_u64(1);
        for failures in [8, 20, 31, 1000, u32::MAX] {
            let d = delay(failures, BASE, MAX, &mut rng);
            assert!(d <= MAX && d >= MAX / 2, "{failures}: {d:?}");
        }
    }

    #[test]
    fn jitter_spreads_retries() {
        let mut rng = StdRng::seed_from_u64(3);
        let waits: std::collections::BTreeSet<u128> = (0..50)
            .map(|_| delay(3, BASE, MAX, &mut rng).as_millis())
            .collect();
        assert!(
            waits.len() > 40,
            "50 retries should not bunch: {}",
            waits.len()
        );
    }
}
