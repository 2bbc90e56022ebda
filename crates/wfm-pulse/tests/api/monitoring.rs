//! What supervisors act on: the live stream, calls to the workplace, past days' SLA
//! compliance, and ingest that creates what it does not know when asked to.

use crate::common;

use std::time::{Duration, Instant};

use chrono::{Duration as Span, DurationRound, Utc};
use common::center::{ago, group_figures, push, set_up};
use common::{TestServer, read};
use reqwest::Method;
use serde_json::{Value, json};
use wfm_store::model::Role;

#[tokio::test]
async fn the_stream_sends_every_group_first_then_changes() {
    let s = TestServer::start().await;
    let c = set_up(&s).await;
    group_figures(&s, c.group, |_| true).await;
    let mut response = s
        .request(Method::GET, "/api/v1/performance/metrics/stream")
        .bearer_auth(s.token(Role::Viewer))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut text = String::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !text.contains("\n\n") {
        assert!(Instant::now() < deadline, "no event: {text}");
        let chunk = response.chunk().await.unwrap().unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(text.starts_with("event: groups\n"), "{text}");
    let data: Value =
        serde_json::from_str(text.lines().nth(1).unwrap().trim_start_matches("data: ")).unwrap();
    assert_eq!(data["groups"][0]["group_id"], c.group);
    // A call changes the group: the next event names it.
    push(&s, json!([{"type": "call_offered", "id": "st1", "at": ago(1), "call_id": "st1", "group": "L1"}])).await;
    let mut next = String::new();
    while !next.contains("st1") && !next.contains("\"queue_now\":1") {
        assert!(Instant::now() < deadline, "no change event: {next}");
        let chunk = response.chunk().await.unwrap().unwrap();
        next.push_str(&String::from_utf8_lossy(&chunk));
    }
    s.stop().await;
}

#[tokio::test]
async fn a_call_to_the_workplace_is_tracked_until_the_operator_is_on_line() {
    let s = TestServer::start().await;
    let c = set_up(&s).await;
    let op = c.agents[1];
    let token = s.token_for("irina", Role::Supervisor, 600);
    let call = |id: i64| {
        s.request(
            Method::POST,
            &format!("/api/v1/monitoring/operators/{id}/call-to-workplace"),
        )
        .bearer_auth(&token)
        .header("X-Correlation-ID", "wp-1")
        .send()
    };
    let (st, made) = read(call(op).await.unwrap()).await;
    assert_eq!(st, 201, "{made}");
    assert_eq!(made["requested_by"], "user:irina");
    assert_eq!(made["on_line_at"], Value::Null);
    let (st, _) = read(call(999_999).await.unwrap()).await;
    assert_eq!(st, 404);
    let (st, _) = s
        .call(
            Method::POST,
            &format!("/api/v1/monitoring/operators/{op}/call-to-workplace"),
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!(st, 403, "viewers watch, supervisors act");

    push(&s, json!([{"type": "agent_state", "id": "wp-ready", "at": ago(0), "agent": "op-2", "state": "ready"}])).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let answered = loop {
        let (_, calls) = s
            .call(
                Method::GET,
                "/api/v1/monitoring/workplace-calls",
                Role::Supervisor,
                None,
            )
            .await;
        let c0 = calls[0].clone();
        if !c0["on_line_at"].is_null() {
            break c0;
        }
        assert!(
            Instant::now() < deadline,
            "the call was never answered: {calls}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(answered["response_seconds"].as_f64().unwrap() >= 0.0);
    let (_, audit) = s
        .call(
            Method::GET,
            "/api/v1/audit?correlation_id=wp-1",
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(audit["items"][0]["entity"], "workplace_call");
    s.stop().await;
}

#[tokio::test]
async fn a_past_day_is_reported_from_the_event_log() {
    let s = TestServer::start().await;
    let c = set_up(&s).await;
    let today = Utc::now().duration_trunc(Span::days(1)).unwrap();
    let yesterday = (today - Span::days(1)).date_naive();
    // One call in the last seconds of yesterday, answered within target.
    push(
        &s,
        json!([
            {"type": "call_offered", "id": "y1", "at": today - Span::seconds(10), "call_id": "y1", "group": "L1"},
            {"type": "call_answered", "id": "y2", "at": today - Span::seconds(5), "call_id": "y1", "agent": "op-1"},
        ]),
    )
    .await;
    let (st, report) = s
        .call(
            Method::GET,
            &format!("/api/v1/performance/sla/compliance?date={yesterday}"),
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!(st, 200, "{report}");
    let group = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group_id"] == c.group)
        .unwrap();
    let intervals = group["intervals"].as_array().unwrap();
    assert_eq!(intervals.len(), 96);
    let last = intervals.last().unwrap();
    assert_eq!(
        (
            last["offered"].as_u64(),
            last["answered_within_target"].as_u64()
        ),
        (Some(1), Some(1)),
        "{last}"
    );
    assert_eq!(last["sl_percent"], 100.0);
    assert!(intervals[..95].iter().all(|i| i["offered"] == 0));

    let (st, err) = s
        .call(
            Method::GET,
            "/api/v1/performance/sla/compliance?date=2999-01-01",
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!((st, err["field"].as_str()), (400, Some("date")));
    let (st, err) = s
        .call(
            Method::GET,
            "/api/v1/performance/sla/compliance?date=yesterday",
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!((st, err["field"].as_str()), (400, Some("date")));
    s.stop().await;
}

#[tokio::test]
async fn names_are_created_only_for_events_otherwise_accepted() {
    let s = TestServer::start_with(&[("WFM_INGEST_UNKNOWN", "create")]).await;
    set_up(&s).await;
    let count = async |path: &str| {
        let (_, v) = s.call(Method::GET, path, Role::Manager, None).await;
        v.as_array()
            .map(Vec::len)
            .unwrap_or_else(|| v["items"].as_array().unwrap().len())
    };
    let before = (
        count("/api/v1/agents").await,
        count("/api/v1/groups").await,
        count("/api/v1/audit?limit=200").await,
    );
    let report = push(
        &s,
        json!([
            {"type": "agent_state", "id": "g1", "at": ago(3 * 86_400), "agent": "ghost-agent-1", "state": "ready", "group": "GHOSTQ"},
            {"type": "call_offered", "id": "g2", "at": ago(-3600), "call_id": "g2", "group": "GHOSTQ2"},
            {"type": "call_answered", "id": "g3", "at": ago(5), "call_id": "never-offered", "agent": "ghost-agent-2"},
        ]),
    )
    .await;
    assert_eq!(report["rejected"], 3, "{report}");
    let (st, status) = s
        .call(
            Method::POST,
            "/ccwfm/api/rest/status",
            Role::Integration,
            Some(
                json!({"workerId": "ghost-agent-3", "stateName": "?", "stateCode": "NO-SUCH-CODE",
                        "systemId": "pbx", "actionTime": ago(5).timestamp(), "action": 1}),
            ),
        )
        .await;
    assert_eq!((st, &status["rejected"]), (200, &json!(1)), "{status}");
    let after = (
        count("/api/v1/agents").await,
        count("/api/v1/groups").await,
        count("/api/v1/audit?limit=200").await,
    );
    assert_eq!(
        after, before,
        "rejected events created nothing (agents, groups, audit)"
    );
    // The same names on events that pass are created, once.
    let report = push(
        &s,
        json!([
            {"type": "agent_state", "id": "g4", "at": ago(5), "agent": "ghost-agent-1", "state": "ready", "group": "GHOSTQ"},
            {"type": "agent_state", "id": "g5", "at": ago(4), "agent": "ghost-agent-1", "state": "wrap_up", "group": "GHOSTQ"},
        ]),
    )
    .await;
    assert_eq!(report["accepted"], 2, "{report}");
    assert_eq!(count("/api/v1/agents").await, before.0 + 1);
    assert_eq!(count("/api/v1/groups").await, before.1 + 1);
    s.stop().await;
}

#[tokio::test]
async fn unknown_names_are_created_when_configured() {
    let s = TestServer::start_with(&[("WFM_INGEST_UNKNOWN", "create")]).await;
    set_up(&s).await;
    let report = push(
        &s,
        json!([
            {"type": "agent_state", "id": "n1", "at": ago(20), "agent": "new-op", "state": "ready", "group": "NEWQ"},
            {"type": "call_offered", "id": "n2", "at": ago(10), "call_id": "n2", "group": "NEWQ"},
            {"type": "call_offered", "id": "n3", "at": ago(10), "call_id": "n3", "group": "424242"},
        ]),
    )
    .await;
    assert_eq!(
        (report["accepted"].as_u64(), report["rejected"].as_u64()),
        (Some(2), Some(1)),
        "{report}"
    );
    assert_eq!(
        report["rejections"][0]["field"], "group",
        "an unknown id is never created"
    );
    let (_, agents) = s
        .call(Method::GET, "/api/v1/agents", Role::Viewer, None)
        .await;
    assert!(
        agents
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["external_id"] == "new-op")
    );
    let (_, groups) = s
        .call(Method::GET, "/api/v1/groups", Role::Viewer, None)
        .await;
    assert!(
        groups
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["external_id"] == "NEWQ")
    );
    let (_, audit) = s
        .call(
            Method::GET,
            "/api/v1/audit?entity=agent&limit=1",
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(
        audit["items"][0]["actor"], "user:tester",
        "the feed's principal did it"
    );
    // By default they are rejected, named.
    let plain = TestServer::start().await;
    set_up(&plain).await;
    let report = push(&plain, json!([{"type": "agent_state", "id": "n1", "at": ago(5), "agent": "new-op", "state": "ready"}])).await;
    assert_eq!(report["rejections"][0]["reason"], "unknown_reference");
    s.stop().await;
    plain.stop().await;
}
