//! The request recorder: every request by route template, method and status class since
//! start (the `/metrics` series) and a 15-minute ring of fine latency histograms (the
//! capacity analysis's recent rates and percentiles). Labels come from fixed sets only.

use parking_lot::Mutex;
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use axum::http::Method;
use wfm_core::capacity::{bucket_of, histogram_quantile, latency_bounds_us};

/// Upper bounds (s) of the exposed latency histogram.
pub const BUCKETS_SECONDS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Width of one slot of the recent-request ring.
const SLOT: Duration = Duration::from_secs(5);
/// Slots kept: 15 minutes.
const SLOTS: usize = 180;
/// The route label of requests no route matched (the raw path is never a label).
pub const UNMATCHED: &str = "unmatched";
/// The method label of any method but the standard ones.
pub const OTHER_METHOD: &str = "other";
/// The methods counted under their own name.
const METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
];

/// The method as a label: a standard method by name, any other (HTTP lets a client invent
/// them) as [`OTHER_METHOD`].
pub fn method_label(method: &Method) -> &'static str {
    METHODS
        .into_iter()
        .find(|m| *m == method.as_str())
        .unwrap_or(OTHER_METHOD)
}

/// Requests of one route, method and status class since start.
#[derive(Debug, Clone, Default)]
pub struct Series {
    pub count: u64,
    pub sum_seconds: f64,
    /// Per bucket of [`BUCKETS_SECONDS`], not cumulative; above the last: `count` minus all.
    pub buckets: [u64; BUCKETS_SECONDS.len()],
}

/// The requests that ended in one 5-second slot, as a fine latency histogram.
struct Slot {
    index: u64,
    counts: Vec<u64>,
}

#[derive(Default)]
struct Recorded {
    /// route -> (method label, status class) -> series.
    series: HashMap<String, HashMap<(&'static str, u16), Series>>,
    recent: VecDeque<Slot>,
}

/// Requests over a recent window.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct RecentRequests {
    pub window_seconds: u64,
    pub requests: u64,
    /// Requests per second over the window (or over the uptime when shorter).
    pub per_second: f64,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
}

/// The request recorder.
pub struct Requests {
    started: Instant,
    bounds: Vec<u64>,
    recorded: Mutex<Recorded>,
}

impl Default for Requests {
    fn default() -> Self {
        Requests {
            started: Instant::now(),
            bounds: latency_bounds_us(),
            recorded: Mutex::default(),
        }
    }
}

impl Requests {
    /// Notes one request that took `elapsed` and ended with `status`.
    pub fn record(&self, route: &str, method: &Method, status: u16, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let coarse = BUCKETS_SECONDS.partition_point(|b| *b < seconds);
        let fine = bucket_of(&self.bounds, elapsed.as_micros() as u64);
        let slot = self.started.elapsed().as_secs() / SLOT.as_secs();
        let mut r = self.recorded.lock();
        let by_route = match r.series.get_mut(route) {
            Some(m) => m,
            None => r.series.entry(route.to_string()).or_default(),
        };
        let s = by_route
            .entry((method_label(method), status / 100))
            .or_default();
        s.count += 1;
        s.sum_seconds += seconds;
        if let Some(b) = s.buckets.get_mut(coarse) {
            *b += 1;
        }
        if r.recent.back().is_none_or(|s| s.index != slot) {
            if r.recent.len() == SLOTS {
                r.recent.pop_front();
            }
            r.recent.push_back(Slot {
                index: slot,
                counts: vec![0; self.bounds.len() + 1],
            });
        }
        if let Some(last) = r.recent.back_mut() {
            last.counts[fine] += 1;
        }
    }

    /// Requests over the last `window`: count, rate and latency percentiles.
    pub fn recent(&self, window: Duration) -> RecentRequests {
        let now = self.started.elapsed();
        let first = now.saturating_sub(window).as_secs() / SLOT.as_secs();
        let mut counts = vec![0u64; self.bounds.len() + 1];
        {
            let r = self.recorded.lock();
            for slot in r.recent.iter().filter(|s| s.index >= first) {
                for (c, n) in counts.iter_mut().zip(&slot.counts) {
                    *c += n;
                }
            }
        }
        let requests: u64 = counts.iter().sum();
        let span = window.min(now).as_secs_f64().max(1e-3);
        let q = |q| histogram_quantile(&self.bounds, &counts, q).map(|us| us / 1e3);
        RecentRequests {
            window_seconds: window.as_secs(),
            requests,
            per_second: requests as f64 / span,
            p50_ms: q(0.5),
            p95_ms: q(0.95),
            p99_ms: q(0.99),
        }
    }

    /// Every series since start, sorted by route, method and status class.
    pub fn series(&self) -> Vec<(String, &'static str, u16, Series)> {
        let r = self.recorded.lock();
        let mut out: Vec<_> = r
            .series
            .iter()
            .flat_map(|(route, m)| {
                m.iter()
                    .map(|((method, class), s)| (route.clone(), *method, *class, s.clone()))
            })
            .collect();
        out.sort_by(|a, b| (&a.0, a.1, a.2).cmp(&(&b.0, b.1, b.2)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_requests_and_series() {
        let r = Requests::default();
        for ms in [1, 2, 3, 4, 100] {
            r.record(
                "/api/v1/sites/{id}",
                &Method::GET,
                200,
                Duration::from_millis(ms),
            );
        }
        r.record(
            "/api/v1/sites/{id}",
            &Method::GET,
            404,
            Duration::from_millis(1),
        );
        let recent = r.recent(Duration::from_secs(60));
        assert_eq!(recent.requests, 6);
        let p50 = recent.p50_ms.unwrap();
        assert!((1.8..=2.2).contains(&p50), "{p50}");
        // The 6th of 6 values (100 ms) holds rank 5.94: 94% into its bucket.
        let b = latency_bounds_us();
        let i = bucket_of(&b, 100_000);
        let expected = (b[i - 1] as f64 + (b[i] - b[i - 1]) as f64 * 0.94) / 1e3;
        let p99 = recent.p99_ms.unwrap();
        assert!((p99 - expected).abs() < 1e-9, "{p99} vs {expected}");
        let series = r.series();
        assert_eq!(series.len(), 2);
        assert_eq!((series[0].2, series[0].3.count), (2, 5));
        assert_eq!(series[0].3.buckets[0], 1, "1 ms is in the first bucket");
        assert_eq!((series[1].2, series[1].3.count), (4, 1));
    }

    #[test]
    fn invented_methods_share_one_label() {
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        for invented in ["X1", "get", "PROPFIND"] {
            let m = Method::from_bytes(invented.as_bytes()).unwrap();
            assert_eq!(method_label(&m), OTHER_METHOD, "{invented}");
        }
        let r = Requests::default();
        for i in 0..100 {
            let m = Method::from_bytes(format!("X{i}").as_bytes()).unwrap();
            r.record(UNMATCHED, &m, 404, Duration::from_millis(1));
        }
        let series = r.series();
        assert_eq!(series.len(), 1);
        assert_eq!((series[0].1, series[0].3.count), (OTHER_METHOD, 100));
    }
}
