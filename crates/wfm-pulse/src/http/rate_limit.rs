//! Rate limits per principal and endpoint class: token buckets held in memory.

use parking_lot::Mutex;
use std::collections::HashMap;
use std::time::Instant;

/// The kinds of endpoint that are limited separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndpointClass {
    Read,
    Write,
    Ingest,
}

/// Requests per second allowed per principal, per class; a burst of two seconds' worth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub read: f64,
    pub write: f64,
    pub ingest: f64,
}

impl Limits {
    fn rate(&self, class: EndpointClass) -> f64 {
        match class {
            EndpointClass::Read => self.read,
            EndpointClass::Write => self.write,
            EndpointClass::Ingest => self.ingest,
        }
    }
}

/// A token bucket: `tokens` left at `at`.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Takes one token if there is one, refilling at `rate` per second up to `burst`.
/// On refusal, says how many seconds until a token is there.
fn take(bucket: &mut Bucket, now: Instant, rate: f64, burst: f64) -> Result<(), f64> {
    let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
    bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
    bucket.at = now;
    if bucket.tokens >= 1.0 {
        bucket.tokens -= 1.0;
        Ok(())
    } else {
        Err((1.0 - bucket.tokens) / rate)
    }
}

/// The buckets of all principals.
pub struct RateLimiter {
    limits: Limits,
    buckets: Mutex<HashMap<(String, EndpointClass), Bucket>>,
}

impl RateLimiter {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Admits one request, or says after how many whole seconds to retry (at least 1).
    pub fn admit(&self, principal: &str, class: EndpointClass) -> Result<(), u64> {
        let rate = self.limits.rate(class);
        let burst = (rate * 2.0).max(1.0);
        let now = Instant::now();
        let mut buckets = self.buckets.lock();
        // Idle principals are forgotten so the map cannot grow without bound.
        if buckets.len() > 10_000 {
            buckets.retain(|_, b| now.saturating_duration_since(b.at).as_secs() < 60);
        }
        let bucket = buckets
            .entry((principal.to_string(), class))
            .or_insert(Bucket {
                tokens: burst,
                at: now,
            });
        take(bucket, now, rate, burst).map_err(|wait| wait.ceil().max(1.0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_the_rate() {
        let t0 = Instant::now();
        let mut b = Bucket {
            tokens: 4.0,
            at: t0,
        };
        for _ in 0..4 {
            assert!(take(&mut b, t0, 2.0, 4.0).is_ok());
        }
        let wait = take(&mut b, t0, 2.0, 4.0).unwrap_err();
        assert!((wait - 0.5).abs() < 1e-9, "one token at 2/s takes 0.5 s");
        assert!(take(&mut b, t0 + Duration::from_millis(500), 2.0, 4.0).is_ok());
        // A long idle spell refills only up to the burst.
        let later = t0 + Duration::from_secs(100);
        for _ in 0..4 {
            assert!(take(&mut b, later, 2.0, 4.0).is_ok());
        }
        assert!(take(&mut b, later, 2.0, 4.0).is_err());
    }

    #[test]
    fn principals_and_classes_have_their_own_buckets() {
        let limiter = RateLimiter::new(Limits {
            read: 1.0,
            write: 1.0,
            ingest: 1.0,
        });
        assert!(limiter.admit("a", EndpointClass::Read).is_ok());
        assert!(limiter.admit("a", EndpointClass::Read).is_ok());
        assert_eq!(limiter.admit("a", EndpointClass::Read), Err(1));
        assert!(limiter.admit("a", EndpointClass::Write).is_ok());
        assert!(limiter.admit("b", EndpointClass::Read).is_ok());
    }
}
