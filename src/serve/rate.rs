//! A token bucket per client token: `rate` requests a second, bursts up to one second's worth.
//! A request over the limit learns how long to wait (`Retry-After`).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The buckets of every token seen.
pub struct RateLimiter {
    /// Requests per second; 0 is no limit.
    rate: u32,
    buckets: Mutex<HashMap<[u8; 8], Bucket>>,
}

struct Bucket {
    tokens: f64,
    refilled: Instant,
}

/// Buckets beyond this many are dropped when full (tokens that stopped calling).
const MAX_BUCKETS: usize = 1024;

impl RateLimiter {
    pub fn new(rate: u32) -> Self {
        Self {
            rate,
            buckets: Mutex::default(),
        }
    }

    /// Takes one request from `client`'s bucket: `Ok` when allowed, or how long until it would be.
    pub fn take(&self, client: [u8; 8], now: Instant) -> Result<(), Duration> {
        if self.rate == 0 {
            return Ok(());
        }
        let rate = f64::from(self.rate);
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() >= MAX_BUCKETS && !buckets.contains_key(&client) {
            buckets.retain(|_, bucket| bucket.tokens < rate);
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: rate,
            refilled: now,
        });
        let elapsed = now.saturating_duration_since(bucket.refilled).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(rate);
        bucket.refilled = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_beyond_the_rate_waits_and_the_bucket_refills() {
        let limiter = RateLimiter::new(10);
        let start = Instant::now();
        for _ in 0..10 {
            assert!(limiter.take([1; 8], start).is_ok());
        }
        let wait = limiter.take([1; 8], start).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_millis(100),
            "{wait:?}"
        );
        // Another client has its own bucket.
        assert!(limiter.take([2; 8], start).is_ok());
        // A tenth of a second later one more request fits.
        assert!(
            limiter
                .take([1; 8], start + Duration::from_millis(100))
                .is_ok()
        );
        assert!(
            limiter
                .take([1; 8], start + Duration::from_millis(100))
                .is_err()
        );
    }

    #[test]
    fn zero_is_no_limit() {
        let limiter = RateLimiter::new(0);
        let now = Instant::now();
        assert!((0..10_000).all(|_| limiter.take([0; 8], now).is_ok()));
    }
}
