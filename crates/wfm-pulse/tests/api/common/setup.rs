//! Building a contact center over the API for tests: records created, plans uploaded, and
//! a time zone in which it is midday now (so the hours before now are all today).

use chrono::{DateTime, Timelike, Utc};
use reqwest::Method;
use serde_json::Value;
use wfm_store::model::Role;

use super::TestServer;

/// POSTs `body` to `path` as a manager and gives the new record's id (201 expected).
pub async fn created(s: &TestServer, path: &str, body: Value) -> i64 {
    let (st, made) = s.call(Method::POST, path, Role::Manager, Some(body)).await;
    assert_eq!(st, 201, "{path}: {made}");
    made["id"].as_i64().unwrap()
}

/// Uploads a plan part (`timetable` or `forecast`) as a manager (200 expected).
pub async fn put_plan(s: &TestServer, part: &str, body: Value) {
    let path = format!("/api/v1/plan/{part}");
    let (st, answer) = s.call(Method::PUT, &path, Role::Manager, Some(body)).await;
    assert_eq!(st, 200, "{path}: {answer}");
}

/// A fixed-offset zone in which it is around noon at `now`, and its offset from UTC in
/// hours.
pub fn midday_zone(now: DateTime<Utc>) -> (String, i64) {
    let k = 12 - i64::from(now.hour());
    let name = match k {
        0 => "Etc/GMT".into(),
        k if k > 0 => format!("Etc/GMT-{k}"),
        k => format!("Etc/GMT+{}", -k),
    };
    (name, k)
}

/// Turns every alert rule off, so that nothing but the test's own requests writes to the
/// store (a group planned with nobody on line would open alerts in the background).
pub async fn without_alert_rules(s: &TestServer) {
    let path = "/api/v1/performance/alerts/configure";
    let (_, rules) = s.call(Method::GET, path, Role::Viewer, None).await;
    for r in rules.as_array().unwrap() {
        let mut rule = r["definition"].clone();
        rule["enabled"] = Value::Bool(false);
        let body = serde_json::json!({"id": r["id"], "rule": rule});
        let (st, answer) = s.call(Method::POST, path, Role::Manager, Some(body)).await;
        assert_eq!(st, 200, "{answer}");
    }
}
