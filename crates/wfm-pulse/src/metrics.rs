//! Request metrics and the Prometheus `/metrics` endpoint: one middleware records every
//! request (by route template, method and status class) for both the exposition and the
//! capacity analysis; the rest of the exposition is read from the service at scrape time.
//! Every label takes its values from a fixed set, never from what a client sent, so no
//! client can grow the exposition.

use std::collections::{HashMap, VecDeque};
use std::fmt::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use wfm_core::alerting::rule::Severity;
use wfm_core::capacity::{bucket_of, histogram_quantile, latency_bounds_us};
use wfm_store::alerts::AlertFilter;
use wfm_store::integration::JobState;

use crate::http::AppState;

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
struct Series {
    count: u64,
    sum_seconds: f64,
    /// Per bucket of [`BUCKETS_SECONDS`], not cumulative; above the last: `count` minus all.
    buckets: [u64; BUCKETS_SECONDS.len()],
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
        let mut r = self.recorded.lock().unwrap_or_else(|p| p.into_inner());
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
            let r = self.recorded.lock().unwrap_or_else(|p| p.into_inner());
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
    fn series(&self) -> Vec<(String, &'static str, u16, Series)> {
        let r = self.recorded.lock().unwrap_or_else(|p| p.into_inner());
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

/// Records every request under its route template (`MatchedPath`); added as a layer of
/// the whole router, so it sees the route that matched.
pub async fn record(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().cloned();
    let response = next.run(req).await;
    let route = route.as_ref().map_or(UNMATCHED, |r| r.as_str());
    state.capacity.requests.record(
        route,
        &method,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// The unauthenticated `/metrics` route.
pub fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

async fn metrics(State(state): State<AppState>) -> Response {
    let body = exposition(&state).await;
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

/// Text exposition format 0.0.4, written out: each family's HELP and TYPE, then samples.
#[derive(Default)]
struct Exposition(String);

impl Exposition {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.0, "# HELP {name} {help}\n# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        self.0.push_str(name);
        if !labels.is_empty() {
            self.0.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.0.push(',');
                }
                let v = v
                    .replace('\\', "\\\\")
                    .replace('"', "\\\"")
                    .replace('\n', "\\n");
                let _ = write!(self.0, "{k}=\"{v}\"");
            }
            self.0.push('}');
        }
        let _ = writeln!(self.0, " {}", number(value));
    }
}

/// A sample value as Prometheus reads it.
fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        format!("{v}")
    }
}

async fn exposition(state: &AppState) -> String {
    let mut out = Exposition::default();
    requests(&mut out, &state.capacity.requests);
    ingest(&mut out, state);
    live(&mut out, state);
    store_figures(&mut out, state).await;
    health(&mut out, state);
    process(&mut out, &state.capacity);
    out.0
}

fn requests(out: &mut Exposition, requests: &Requests) {
    let series = requests.series();
    let class_of = |c: u16| format!("{c}xx");
    out.family(
        "wfm_http_requests_total",
        "counter",
        "HTTP requests served, by route template, method and status class.",
    );
    for (route, method, class, s) in &series {
        let status = class_of(*class);
        let labels = [
            ("route", route.as_str()),
            ("method", method),
            ("status", &status),
        ];
        out.sample("wfm_http_requests_total", &labels, s.count as f64);
    }
    out.family(
        "wfm_http_request_duration_seconds",
        "histogram",
        "Time to the response's head, by route template, method and status class.",
    );
    for (route, method, class, s) in &series {
        let status = class_of(*class);
        let mut cumulative = 0;
        for (bound, n) in BUCKETS_SECONDS.iter().zip(s.buckets) {
            cumulative += n;
            let le = number(*bound);
            let labels = [
                ("route", route.as_str()),
                ("method", method),
                ("status", &status),
                ("le", &le),
            ];
            out.sample(
                "wfm_http_request_duration_seconds_bucket",
                &labels,
                cumulative as f64,
            );
        }
        let base = [
            ("route", route.as_str()),
            ("method", method),
            ("status", &status),
        ];
        let inf = [base[0], base[1], base[2], ("le", "+Inf")];
        out.sample(
            "wfm_http_request_duration_seconds_bucket",
            &inf,
            s.count as f64,
        );
        out.sample(
            "wfm_http_request_duration_seconds_sum",
            &base,
            s.sum_seconds,
        );
        out.sample(
            "wfm_http_request_duration_seconds_count",
            &base,
            s.count as f64,
        );
    }
}

fn ingest(out: &mut Exposition, state: &AppState) {
    let (accepted, duplicate) = state.live.ingest_counts();
    out.family(
        "wfm_ingest_events_total",
        "counter",
        "Events committed and applied (accepted) and redeliveries turned away (duplicate).",
    );
    out.sample(
        "wfm_ingest_events_total",
        &[("outcome", "accepted")],
        accepted as f64,
    );
    out.sample(
        "wfm_ingest_events_total",
        &[("outcome", "duplicate")],
        duplicate as f64,
    );
    let c = state.live.commits();
    let load = |a: &std::sync::atomic::AtomicU64| a.load(std::sync::atomic::Ordering::Relaxed);
    out.family(
        "wfm_ingest_batches_total",
        "counter",
        "Batches committed; below, the commits that stored them (batches arriving during a commit share the next).",
    );
    out.sample("wfm_ingest_batches_total", &[], load(&c.batches) as f64);
    out.family(
        "wfm_ingest_commits_total",
        "counter",
        "Commits of ingested batches to the store.",
    );
    out.sample("wfm_ingest_commits_total", &[], load(&c.groups) as f64);
    let r = state.live.rebuilds();
    out.family(
        "wfm_live_rebuilds_total",
        "counter",
        "Live state rebuilt off to the side (structure or plan changed, a day turned) and swapped in.",
    );
    out.sample("wfm_live_rebuilds_total", &[], load(&r.count) as f64);
    out.family(
        "wfm_live_rebuild_caught_up_events_total",
        "counter",
        "Events committed during a rebuild, applied to the rebuilt state before its swap.",
    );
    out.sample(
        "wfm_live_rebuild_caught_up_events_total",
        &[],
        load(&r.caught_up) as f64,
    );
    out.family(
        "wfm_live_rebuild_seconds",
        "gauge",
        "The last rebuild: its whole time (phase=total) and how long ingest waited for its swap (phase=swap).",
    );
    out.sample(
        "wfm_live_rebuild_seconds",
        &[("phase", "total")],
        load(&r.last_us) as f64 / 1e6,
    );
    out.sample(
        "wfm_live_rebuild_seconds",
        &[("phase", "swap")],
        load(&r.last_held_us) as f64 / 1e6,
    );
    out.family(
        "wfm_ingest_rejected_total",
        "counter",
        "Items turned away, by source and reason.",
    );
    for ((source, reason), n) in state.live.rejection_counts() {
        let labels = [("source", source), ("reason", reason.as_str())];
        out.sample("wfm_ingest_rejected_total", &labels, n as f64);
    }
}

fn live(out: &mut Exposition, state: &AppState) {
    let snapshot = state.live.snapshot();
    let now = chrono::Utc::now();
    out.family(
        "wfm_engine_publish_age_seconds",
        "gauge",
        "Age of the published live snapshot (republished every second).",
    );
    let age = (now - snapshot.realtime.at).num_milliseconds() as f64 / 1e3;
    out.sample("wfm_engine_publish_age_seconds", &[], age);
    out.family(
        "wfm_engine_event_age_seconds",
        "gauge",
        "Age of the newest event behind the live snapshot (absent before the first event).",
    );
    if let Some(at) = snapshot.realtime.freshness.as_of {
        let age = (now - at).num_milliseconds() as f64 / 1e3;
        out.sample("wfm_engine_event_age_seconds", &[], age);
    }
}

async fn store_figures(out: &mut Exposition, state: &AppState) {
    out.family(
        "wfm_alerts_open",
        "gauge",
        "Open alerts (firing or acknowledged), by severity and state; counts at most 1000.",
    );
    let filter = AlertFilter {
        open_only: true,
        limit: 1000,
        ..AlertFilter::default()
    };
    match state.store.list_alerts(&filter).await {
        Ok(alerts) => {
            let mut counts: std::collections::BTreeMap<(&str, &str), u64> = Default::default();
            for a in &alerts {
                // The severity is stored as text: a value no rule can have is folded too.
                let severity = Severity::parse(&a.severity).map_or("other", Severity::as_str);
                *counts.entry((severity, a.state.as_str())).or_default() += 1;
            }
            for ((severity, st), n) in counts {
                out.sample(
                    "wfm_alerts_open",
                    &[("severity", severity), ("state", st)],
                    n as f64,
                );
            }
        }
        Err(e) => tracing::warn!(error = %e, "metrics: open alerts not counted"),
    }
    out.family("wfm_sync_jobs", "gauge", "Sync jobs with 1C ZUP, by state.");
    match state.store.job_counts().await {
        Ok(counts) => {
            for s in JobState::ALL {
                let n = counts.iter().find(|(c, _)| *c == s).map_or(0, |(_, n)| *n);
                out.sample("wfm_sync_jobs", &[("state", s.as_str())], n as f64);
            }
        }
        Err(e) => tracing::warn!(error = %e, "metrics: sync jobs not counted"),
    }
}

fn health(out: &mut Exposition, state: &AppState) {
    use wfm_core::health::Status;
    out.family(
        "wfm_integration_health",
        "gauge",
        "Integration health per component: 1 for its current status, 0 for the others.",
    );
    let Some(report) = state.health.latest() else {
        return;
    };
    for c in &report.components {
        for (name, s) in [
            ("healthy", Status::Healthy),
            ("degraded", Status::Degraded),
            ("down", Status::Down),
        ] {
            let labels = [("component", c.health.component.as_str()), ("status", name)];
            let value = if c.health.status == s { 1.0 } else { 0.0 };
            out.sample("wfm_integration_health", &labels, value);
        }
    }
}

fn process(out: &mut Exposition, capacity: &crate::capacity::Capacity) {
    let reading = crate::capacity::system::process_now();
    out.family(
        "process_cpu_seconds_total",
        "counter",
        "User and system CPU time of this process.",
    );
    if let Some(ticks) = reading.ticks {
        out.sample(
            "process_cpu_seconds_total",
            &[],
            ticks as f64 / capacity.ticks_per_second(),
        );
    }
    out.family(
        "process_resident_memory_bytes",
        "gauge",
        "Resident memory of this process.",
    );
    if let Some(rss) = reading.rss_bytes {
        out.sample("process_resident_memory_bytes", &[], rss as f64);
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

    #[test]
    fn label_values_are_escaped() {
        let mut e = Exposition::default();
        e.sample("x", &[("a", "q\"b\\n\n")], 1.5);
        assert_eq!(e.0, "x{a=\"q\\\"b\\\\n\\n\"} 1.5\n");
        assert_eq!(number(f64::INFINITY), "+Inf");
    }
}
