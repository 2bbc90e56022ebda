//! Steps about alerts: a group with planned operators, feeds that breach and recover, and
//! the alert's life (fired once, acknowledged, resolved by itself).

use chrono::{Duration as Span, DurationRound, Utc};
use cucumber::{given, then, when};
use reqwest::Method;
use serde_json::{Value, json};
use wfm_store::model::Role;

use crate::Pulse;

fn stamp(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

async fn push(w: &mut Pulse, events: Vec<Value>) {
    let (st, report) = w
        .server
        .call(
            Method::POST,
            "/api/v1/events",
            Role::Integration,
            Some(Value::Array(events.clone())),
        )
        .await;
    assert_eq!(st, 200, "{report}");
    assert_eq!(report["accepted"], events.len(), "{report}");
}

fn next_event(w: &mut Pulse) -> String {
    let n = w.ids.entry("event".into()).or_insert(0);
    *n += 1;
    format!("e{n}")
}

#[given(expr = "a voice group {string} with {int} operators planned on line all day")]
async fn group_with_operators(w: &mut Pulse, name: String, n: i64) {
    let service = w.id("service Retail");
    let site = w.id("site Moscow");
    let g = w
        .as_manager(
            Method::POST,
            "/api/v1/groups",
            json!({"service_id": service, "name": name, "external_id": "L1"}),
        )
        .await;
    let gid = g["id"].as_i64().unwrap();
    w.ids.insert(format!("group {name}"), gid);
    let start = Utc::now().duration_trunc(Span::minutes(15)).unwrap() - Span::hours(2);
    let mut segments = Vec::new();
    for i in 1..=n {
        let a = w
            .as_manager(
                Method::POST,
                "/api/v1/agents",
                json!({"external_id": format!("op-{i}"), "full_name": format!("Operator {i}"),
                       "site_id": site, "primary_group_id": gid, "skills": [{"group_id": gid}]}),
            )
            .await;
        segments.push(
            json!({"agent_id": a["id"], "start": start, "end": start + Span::hours(10),
                             "activity": "line", "group_id": gid}),
        );
    }
    w.as_manager(
        Method::PUT,
        "/api/v1/plan/timetable",
        json!({"segments": segments}),
    )
    .await;
}

#[given("the alert rules act within a second")]
async fn rules_act_fast(w: &mut Pulse) {
    let (_, rules) = w
        .server
        .call(
            Method::GET,
            "/api/v1/performance/alerts/configure",
            Role::Manager,
            None,
        )
        .await;
    for r in rules.as_array().unwrap() {
        let mut rule = r["definition"].clone();
        rule["for_seconds"] = json!(rule["for_seconds"].as_u64().unwrap_or(0).min(1));
        rule["clear_seconds"] = json!(1);
        w.as_manager(
            Method::POST,
            "/api/v1/performance/alerts/configure",
            json!({"id": r["id"], "rule": rule}),
        )
        .await;
    }
}

#[given(expr = "{int} of the {int} operators of {string} get ready")]
#[when(expr = "{int} of the {int} operators of {string} get ready")]
async fn get_ready(w: &mut Pulse, ready: i64, _all: i64, _group: String) {
    // A little in the past, so that calls of the scenario can start after it.
    let at = stamp(Utc::now() - Span::seconds(90));
    let mut events = Vec::new();
    for i in 1..=ready {
        let id = next_event(w);
        events.push(json!({"type": "agent_state", "id": id, "at": at, "agent": format!("op-{i}"), "state": "ready", "group": "L1"}));
    }
    push(w, events).await;
}

#[when(expr = "{int} calls to {string} wait {int} seconds before an answer")]
async fn late_answers(w: &mut Pulse, n: i64, _group: String, wait: i64) {
    let offered = Utc::now() - Span::seconds(wait + 2);
    let mut events = Vec::new();
    for i in 0..n {
        let call = format!("late-{i}");
        let (a, b) = (next_event(w), next_event(w));
        events.push(json!({"type": "call_offered", "id": a, "at": stamp(offered), "call_id": call, "group": "L1"}));
        events.push(json!({"type": "call_answered", "id": b, "at": stamp(offered + Span::seconds(wait)), "call_id": call, "agent": format!("op-{}", i % 4 + 1)}));
    }
    push(w, events).await;
}

#[when(expr = "{int} calls to {string} are answered at once")]
async fn quick_answers(w: &mut Pulse, n: i64, _group: String) {
    let now = Utc::now();
    let mut events = Vec::new();
    for i in 0..n {
        let call = format!("quick-{i}");
        let (a, b, c) = (next_event(w), next_event(w), next_event(w));
        events.push(json!({"type": "call_offered", "id": a, "at": stamp(now - Span::seconds(3)), "call_id": call, "group": "L1"}));
        events.push(json!({"type": "call_answered", "id": b, "at": stamp(now - Span::seconds(2)), "call_id": call, "agent": "op-1"}));
        events.push(json!({"type": "call_ended", "id": c, "at": stamp(now - Span::seconds(1)), "call_id": call, "talk_seconds": 1, "hold_seconds": 0}));
    }
    push(w, events).await;
}

#[when(expr = "{int} calls to {string} are waiting")]
async fn waiting(w: &mut Pulse, n: i64, _group: String) {
    let at = stamp(Utc::now());
    let mut events = Vec::new();
    for i in 0..n {
        let id = next_event(w);
        events.push(json!({"type": "call_offered", "id": id, "at": at, "call_id": format!("wait-{i}"), "group": "L1"}));
    }
    w.ids.insert("waiting".into(), n);
    push(w, events).await;
}

#[when(expr = "the waiting calls of {string} hang up")]
async fn hang_up(w: &mut Pulse, _group: String) {
    let at = stamp(Utc::now());
    let n = w.id("waiting");
    let mut events = Vec::new();
    for i in 0..n {
        let id = next_event(w);
        events.push(
            json!({"type": "call_abandoned", "id": id, "at": at, "call_id": format!("wait-{i}")}),
        );
    }
    push(w, events).await;
}

#[when("the last event from the contact center was 11 minutes ago")]
async fn stale_feed(w: &mut Pulse) {
    let id = next_event(w);
    let at = stamp(Utc::now() - Span::minutes(11));
    push(w, vec![json!({"type": "agent_state", "id": id, "at": at, "agent": "op-1", "state": "not_ready", "group": "L1"})]).await;
}

/// The open alerts of the rule named `rule`.
async fn open_alerts(w: &Pulse, rule: &str) -> Vec<Value> {
    let (_, page) = w
        .server
        .call(Method::GET, "/api/v1/alerts?open=true", Role::Viewer, None)
        .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["details"]["rule"] == rule)
        .cloned()
        .collect()
}

async fn fires(w: &mut Pulse, rule: String, scope: String) {
    let alert = crate::common::eventually(&format!("a {rule} alert for {scope}"), 15, async || {
        open_alerts(w, &rule)
            .await
            .into_iter()
            .find(|a| a["scope"] == scope)
    })
    .await;
    // Two more evaluations with the breach still standing open nothing new.
    for _ in 0..2 {
        w.server.state.alerts.evaluate(Utc::now()).await.unwrap();
    }
    let (_, all) = w
        .server
        .call(
            Method::GET,
            &format!("/api/v1/alerts?rule_id={}", alert["rule_id"]),
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!(
        all["items"].as_array().unwrap().len(),
        1,
        "fired more than once: {all}"
    );
    w.ids.insert("alert".into(), alert["id"].as_i64().unwrap());
}

#[then(expr = "one {string} alert fires for {string}, and only one")]
async fn fires_for_group(w: &mut Pulse, rule: String, group: String) {
    let scope = format!("group:{}", w.id(&format!("group {group}")));
    fires(w, rule, scope).await;
}

#[then(expr = "one {string} alert fires for the site {string}, and only one")]
async fn fires_for_site(w: &mut Pulse, rule: String, site: String) {
    let scope = format!("site:{}", w.id(&format!("site {site}")));
    fires(w, rule, scope).await;
}

#[then("the alert says what was breached, the values, what to do and when it escalates")]
async fn alert_content(w: &mut Pulse) {
    let id = w.id("alert");
    let (_, a) = w
        .server
        .call(
            Method::GET,
            &format!("/api/v1/alerts/{id}"),
            Role::Viewer,
            None,
        )
        .await;
    assert!(
        a["description"].as_str().unwrap().contains("below 70.0%"),
        "{a}"
    );
    assert_eq!(a["threshold"], 70.0);
    assert!(a["value"].as_f64().unwrap() <= 50.0, "{a}");
    assert!(
        !a["details"]["suggested_actions"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{a}"
    );
    let ladder = a["details"]["escalation_timeline"].as_array().unwrap();
    assert_eq!(ladder.len(), 4, "{a}");
    assert_eq!(a["timeline"][0]["event"], "fired");
}

#[when("I acknowledge the alert")]
async fn acknowledge(w: &mut Pulse) {
    let id = w.id("alert");
    let (st, body) = w
        .send(
            Method::POST,
            &format!("/api/v1/alerts/{id}/acknowledge"),
            None,
        )
        .await
        .clone();
    assert_eq!(st, 200, "{body}");
}

#[then("the alert is acknowledged by me")]
async fn acknowledged(w: &mut Pulse) {
    let id = w.id("alert");
    let (_, a) = w
        .server
        .call(
            Method::GET,
            &format!("/api/v1/alerts/{id}"),
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!(a["state"], "acknowledged", "{a}");
    assert!(
        a["acknowledged_by"].as_str().unwrap().starts_with("user:"),
        "{a}"
    );
}

#[then("the alert resolves by itself")]
async fn resolves(w: &mut Pulse) {
    let id = w.id("alert");
    let a = crate::common::eventually("the alert resolving", 15, async || {
        let (_, a) = w
            .server
            .call(
                Method::GET,
                &format!("/api/v1/alerts/{id}"),
                Role::Viewer,
                None,
            )
            .await;
        (a["state"] == "resolved").then_some(a)
    })
    .await;
    assert_eq!(a["resolved_by"], "system", "{a}");
}
