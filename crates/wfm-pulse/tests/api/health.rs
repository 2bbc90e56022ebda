//! Integration health end to end, over HTTP: the contact-center simulator and the 1C ZUP
//! simulator stopped and restarted (degraded, then down, then healthy again by itself, with
//! the outage alert), every kind of bad input counted and sampled exactly, derived values
//! that cannot be shown as undefined, the freshness every integration-fed response carries,
//! a sync requeued after it failed counting as one success, and a failed consistency check
//! halting automatic synchronization until an admin resumes.
//! The thresholds are made seconds through the registry's health policy; the scenario's
//! minutes are tested in `wfm_core::health` in simulated time.

use crate::common;
mod consistency;
mod feeds;
mod one_c;
mod quality;
mod requeued;

use std::time::{Duration, Instant};

use common::TestServer;
use common::registry::set_system;
use reqwest::Method;
use serde_json::{Value, json};
use wfm_store::model::Role;

/// The health report.
async fn health(s: &TestServer) -> Value {
    let (st, body) = s
        .call(
            Method::GET,
            "/api/v1/integration/health/status",
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(st, 200, "{body}");
    body
}

/// One component of a report.
fn component(report: &Value, id: &str) -> Value {
    report["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["component"] == id)
        .unwrap_or_else(|| panic!("no component {id} in {report}"))
        .clone()
}

fn causes(c: &Value) -> Vec<String> {
    c["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["cause"].as_str().unwrap().to_string())
        .collect()
}

/// Makes the named installed rule resolve one second after its figure clears.
async fn clears_fast(s: &TestServer, name: &str) {
    let (_, rules) = s
        .call(
            Method::GET,
            "/api/v1/performance/alerts/configure",
            Role::Manager,
            None,
        )
        .await;
    let r = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap()
        .clone();
    let mut rule = r["definition"].clone();
    rule["clear_seconds"] = json!(1);
    let (st, body) = s
        .call(
            Method::POST,
            "/api/v1/performance/alerts/configure",
            Role::Manager,
            Some(json!({"id": r["id"], "rule": rule})),
        )
        .await;
    assert_eq!(st, 200, "{body}");
}

/// Alerts of the rule named `rule` for `scope`, open or not, newest first.
async fn alerts_of(s: &TestServer, rule: &str, scope: &str) -> Vec<Value> {
    let (_, page) = s
        .call(Method::GET, "/api/v1/alerts?limit=1000", Role::Viewer, None)
        .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["details"]["rule"] == rule && a["scope"] == scope)
        .cloned()
        .collect()
}

/// Polls `id`'s status every 100 ms until it is `want`, for at most `secs`; returns each
/// status seen, in order, with when it was first seen (from `since`).
async fn watch(
    s: &TestServer,
    id: &str,
    want: &str,
    since: Instant,
    secs: u64,
) -> Vec<(String, Duration)> {
    let mut seen: Vec<(String, Duration)> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let c = component(&health(s).await, id);
        let status = c["status"].as_str().unwrap().to_string();
        if seen.last().is_none_or(|(last, _)| *last != status) {
            seen.push((status.clone(), since.elapsed()));
        }
        if status == want {
            return seen;
        }
        assert!(
            Instant::now() < deadline,
            "{id} never became {want} within {secs} s: {seen:?}; now {c}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
