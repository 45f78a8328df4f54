//! Per-token rate limits: GCRA (a token bucket without a refill task) in memory, keyed by the
//! token's id. The state lives in this server process only: with N processes behind a load
//! balancer a token gets up to N times its limit.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aftersail_db::api_tokens::ApiTokenId;

/// The window a token's limit is counted over.
const PERIOD: Duration = Duration::from_secs(60);

/// What the limiter decided for one request, for the `RateLimit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the full limit is available again.
    pub reset_secs: u64,
    /// Seconds until the next request would be allowed (for `Retry-After`).
    pub retry_after_secs: u64,
}

#[derive(Default)]
pub struct Limiter {
    /// The theoretical arrival time of the next request, per token.
    tat: Mutex<HashMap<ApiTokenId, Instant>>,
}

impl Limiter {
    /// Takes one request from the token's allowance of `limit` per minute.
    pub fn check(&self, token: ApiTokenId, limit: u32, now: Instant) -> Decision {
        let limit = limit.max(1);
        let interval = PERIOD / limit;
        let mut map = self.tat.lock().unwrap_or_else(|e| e.into_inner());
        // Tokens idle for a whole period are back at full allowance: forget them.
        if map.len() > 10_000 {
            map.retain(|_, tat| *tat > now);
        }
        let tat = map.get(&token).copied().unwrap_or(now).max(now);
        let new_tat = tat + interval;
        let ahead = new_tat - now;
        if ahead > PERIOD {
            let wait = ahead - PERIOD;
            return Decision {
                allowed: false,
                limit,
                remaining: 0,
                reset_secs: ceil_secs(tat - now),
                retry_after_secs: ceil_secs(wait).max(1),
            };
        }
        map.insert(token, new_tat);
        let remaining = ((PERIOD - ahead).as_nanos() / interval.as_nanos()) as u32;
        Decision {
            allowed: true,
            limit,
            remaining,
            reset_secs: ceil_secs(ahead),
            retry_after_secs: 0,
        }
    }
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_the_limit_then_refuses_until_time_passes() {
        let limiter = Limiter::default();
        let token = ApiTokenId(uuid::Uuid::now_v7());
        let start = Instant::now();
        for i in 0..5 {
            let d = limiter.check(token, 5, start);
            assert!(d.allowed, "request {i}");
            assert_eq!(d.remaining, 4 - i);
        }
        let refused = limiter.check(token, 5, start);
        assert!(!refused.allowed);
        assert_eq!(refused.remaining, 0);
        assert_eq!(refused.retry_after_secs, 12);
        // One interval (60 s / 5) later one more fits.
        assert!(
            limiter
                .check(token, 5, start + Duration::from_secs(12))
                .allowed
        );
        // Another token is not affected.
        assert!(
            limiter
                .check(ApiTokenId(uuid::Uuid::now_v7()), 5, start)
                .allowed
        );
    }
}
