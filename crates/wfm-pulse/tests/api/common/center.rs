//! A small live contact center for tests: one UTC site, one voice group "L1" (80/20), two
//! operators planned on line all day; helpers to push events and wait for the snapshot.

use std::time::{Duration, Instant};

use chrono::{DateTime, Duration as Span, DurationRound, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use wfm_store::model::Role;

use super::TestServer;

/// A site in UTC with one voice group (80/20) and two operators planned on line for it.
pub struct Center {
    pub group: i64,
    pub agents: [i64; 2],
}

pub async fn set_up(s: &TestServer) -> Center {
    let (_, site) = s
        .call(
            Method::POST,
            "/api/v1/sites",
            Role::Manager,
            Some(json!({"name": "Main", "time_zone": "UTC"})),
        )
        .await;
    let (_, service) = s
        .call(
            Method::POST,
            "/api/v1/services",
            Role::Manager,
            Some(json!({"site_id": site["id"], "name": "Sales"})),
        )
        .await;
    let (st, group) = s
        .call(
            Method::POST,
            "/api/v1/groups",
            Role::Manager,
            Some(json!({"service_id": service["id"], "name": "Line 1", "external_id": "L1"})),
        )
        .await;
    assert_eq!(st, 201, "{group}");
    let gid = group["id"].as_i64().unwrap();
    let mut agents = [0; 2];
    for (i, login) in ["op-1", "op-2"].iter().enumerate() {
        let (st, a) = s
            .call(
                Method::POST,
                "/api/v1/agents",
                Role::Manager,
                Some(json!({"external_id": login, "full_name": login, "site_id": site["id"], "primary_group_id": gid})),
            )
            .await;
        assert_eq!(st, 201, "{a}");
        agents[i] = a["id"].as_i64().unwrap();
    }
    let day = Utc::now().duration_trunc(Span::days(1)).unwrap();
    let segments: Vec<Value> = agents
        .iter()
        .map(|a| json!({"agent_id": a, "start": day, "end": day + Span::days(1), "activity": "line", "group_id": gid}))
        .collect();
    let (st, body) = s
        .call(
            Method::PUT,
            "/api/v1/plan/timetable",
            Role::Manager,
            Some(json!({"segments": segments})),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    Center { group: gid, agents }
}

pub async fn push(s: &TestServer, body: Value) -> Value {
    let (st, report) = s
        .call(
            Method::POST,
            "/api/v1/events",
            Role::Integration,
            Some(body),
        )
        .await;
    assert_eq!(st, 200, "{report}");
    report
}

pub fn ago(seconds: i64) -> DateTime<Utc> {
    Utc::now() - Span::seconds(seconds)
}

/// Polls the realtime endpoint until `done` holds for the group, or fails after 10 s.
pub async fn group_figures(s: &TestServer, group: i64, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, rt) = s
            .call(
                Method::GET,
                "/api/v1/performance/metrics/realtime",
                Role::Viewer,
                None,
            )
            .await;
        let g = rt["groups"]
            .as_array()
            .and_then(|gs| gs.iter().find(|g| g["group_id"] == group))
            .cloned();
        if let Some(g) = g.filter(|g| done(g)) {
            return g;
        }
        assert!(
            Instant::now() < deadline,
            "the snapshot never got there: {rt}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub fn indicator<'a>(g: &'a Value, name: &str) -> &'a Value {
    g["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["indicator"] == name)
        .unwrap()
}

/// The state the operator list shows for `agent` (null when it is not listed).
pub async fn operator_state(s: &TestServer, agent: i64) -> Value {
    let (_, ops) = s
        .call(
            Method::GET,
            "/api/v1/monitoring/operators",
            Role::Supervisor,
            None,
        )
        .await;
    ops.as_array()
        .into_iter()
        .flatten()
        .find(|o| o["agent_id"] == agent)
        .map(|o| o["state"].clone())
        .unwrap_or(Value::Null)
}
