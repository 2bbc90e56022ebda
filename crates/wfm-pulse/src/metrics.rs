//! Request metrics and the Prometheus `/metrics` endpoint: one middleware records every
//! request (by route template, method and status class) for both the exposition and the
//! capacity analysis; the rest of the exposition is read from the service at scrape time.
//! Every label takes its values from a fixed set, never from what a client sent, so no
//! client can grow the exposition.

use std::fmt::Write;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use wfm_core::alerting::rule::Severity;
use wfm_store::alerts::AlertFilter;
use wfm_store::integration::JobState;

use crate::capacity::requests::{BUCKETS_SECONDS, Requests, UNMATCHED};
use crate::state::AppState;

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
        let labels = [("source", source.as_str()), ("reason", reason.as_str())];
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
    fn label_values_are_escaped() {
        let mut e = Exposition::default();
        e.sample("x", &[("a", "q\"b\\n\n")], 1.5);
        assert_eq!(e.0, "x{a=\"q\\\"b\\\\n\\n\"} 1.5\n");
        assert_eq!(number(f64::INFINITY), "+Inf");
    }
}
