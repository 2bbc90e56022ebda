//! The live pipeline end to end: plan and events in over HTTP, indicators out, replay equal
//! to the live state, idempotent and validated ingest, ETag and compression.

mod common;

use std::time::{Duration, Instant};

use chrono::{DateTime, Duration as Span, DurationRound, Utc};
use common::{TestServer, read};
use reqwest::Method;
use serde_json::{Value, json};
use wfm_store::model::Role;

/// A site in UTC with one voice group (80/20) and two operators planned on line for it.
struct Center {
    group: i64,
    agents: [i64; 2],
}

async fn set_up(s: &TestServer) -> Center {
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

async fn push(s: &TestServer, body: Value) -> Value {
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

fn ago(seconds: i64) -> DateTime<Utc> {
    Utc::now() - Span::seconds(seconds)
}

/// Polls the realtime endpoint until `done` holds for the group, or fails after 10 s.
async fn group_figures(s: &TestServer, group: i64, done: impl Fn(&Value) -> bool) -> Value {
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

fn indicator<'a>(g: &'a Value, name: &str) -> &'a Value {
    g["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["indicator"] == name)
        .unwrap()
}

#[tokio::test]
async fn events_in_indicators_out() {
    let s = TestServer::start().await;
    let c = set_up(&s).await;
    // One operator on line; four calls: two answered within 20 s, one after 40 s, one abandoned.
    let report = push(
        &s,
        json!([
            {"type": "agent_state", "id": "s1", "at": ago(300), "agent": "op-1", "state": "ready"},
            {"type": "call_offered", "id": "o1", "at": ago(200), "call_id": "c1", "group": "L1"},
            {"type": "call_answered", "id": "a1", "at": ago(195), "call_id": "c1", "agent": "op-1"},
            {"type": "call_offered", "id": "o2", "at": ago(190), "call_id": "c2", "group": "L1"},
            {"type": "call_answered", "id": "a2", "at": ago(180), "call_id": "c2", "agent": "op-1"},
            {"type": "call_offered", "id": "o3", "at": ago(170), "call_id": "c3", "group": "L1"},
            {"type": "call_answered", "id": "a3", "at": ago(130), "call_id": "c3", "agent": "op-1"},
            {"type": "call_offered", "id": "o4", "at": ago(120), "call_id": "c4", "group": "L1"},
            {"type": "call_abandoned", "id": "b4", "at": ago(90), "call_id": "c4"},
        ]),
    )
    .await;
    assert_eq!(report["accepted"], 9, "{report}");
    let g = group_figures(&s, c.group, |g| g["offered_today"] == 4).await;
    assert_eq!(g["answered_today"], 3);
    assert_eq!(g["answered_within_target_today"], 2);
    assert_eq!(
        indicator(&g, "service_level")["value"],
        50.0,
        "2 of 4 within 20 s"
    );
    assert_eq!(indicator(&g, "acd")["value"], 75.0, "3 of 4 answered");
    let online = indicator(&g, "operators_online");
    assert_eq!(online["value"], 50.0, "1 of 2 planned is on line: {online}");
    assert_eq!(online["color"], "red");
    assert_eq!(g["online"], 1);
    assert_eq!(g["planned"], 2);
    let _ = c.agents;
    s.stop().await;
}

#[tokio::test]
async fn redelivery_is_a_duplicate_and_bad_items_are_rejected_alone() {
    let s = TestServer::start().await;
    set_up(&s).await;
    let batch = json!([
        {"type": "call_offered", "id": "x1", "at": ago(60), "call_id": "k1", "group": "L1"},
        {"type": "call_answered", "id": "x2", "at": ago(50), "call_id": "k1", "agent": "nobody"},
        {"type": "call_answered", "id": "x3", "at": ago(50), "call_id": "never-offered", "agent": "op-1"},
        {"type": "call_offered", "id": "x4", "at": Utc::now() + Span::minutes(5), "call_id": "k2", "group": "L1"},
        {"type": "call_offered", "id": "x5", "call_id": "k3", "group": "L1"},
        {"type": "call_offered", "id": "x6", "at": ago(40), "call_id": "k4", "group": "no-such-group"},
    ]);
    let report = push(&s, batch.clone()).await;
    assert_eq!(report["accepted"], 1, "{report}");
    assert_eq!(report["rejected"], 5);
    let reasons: Vec<(u64, &str, &str)> = report["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["index"].as_u64().unwrap(),
                r["reason"].as_str().unwrap(),
                r["field"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        reasons,
        [
            (1, "unknown_reference", "agent"),
            (2, "unknown_reference", "call_id"),
            (3, "unreasonable", "at"),
            (4, "incomplete", "at"),
            (5, "unknown_reference", "group"),
        ]
    );
    let again = push(&s, batch).await;
    assert_eq!(
        (again["accepted"].as_u64(), again["duplicate"].as_u64()),
        (Some(0), Some(1)),
        "{again}"
    );

    // NDJSON works the same way.
    let r = s
        .request(Method::POST, "/api/v1/events")
        .bearer_auth(s.token(Role::Integration))
        .header("content-type", "application/x-ndjson")
        .body(format!(
            "{}\n{}\n",
            json!({"type": "call_abandoned", "id": "x7", "at": ago(30), "call_id": "k1"}),
            json!({"type": "agent_state", "id": "x8", "at": ago(20), "agent": "op-2", "state": "lunch"})
        ))
        .send()
        .await
        .unwrap();
    let (st, report) = read(r).await;
    assert_eq!(
        (st, report["accepted"].as_u64()),
        (200, Some(2)),
        "{report}"
    );
    s.stop().await;
}

#[tokio::test]
async fn the_incumbents_status_push_is_accepted_as_documented() {
    let s = TestServer::start().await;
    let c = set_up(&s).await;
    let at = ago(30);
    let change = |code: &str, action: u8, at: DateTime<Utc>| {
        json!({"workerId": "op-2", "stateName": code, "stateCode": code, "systemId": "CC",
               "actionTime": at.timestamp(), "action": action})
    };
    let (st, report) = s
        .call(
            Method::POST,
            "/ccwfm/api/rest/status",
            Role::Integration,
            Some(json!([
                change("LoggedOut", 0, at),
                change("Ready", 1, at),
                change("Mystery", 1, ago(20))
            ])),
        )
        .await;
    assert_eq!(st, 200, "{report}");
    assert_eq!(
        (
            report["accepted"].as_u64(),
            report["ignored"].as_u64(),
            report["rejected"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(report["rejections"][0]["field"], "stateCode");
    // A single object, as the contract's example sends it.
    let (st, report) = s
        .call(
            Method::POST,
            "/ccwfm/api/rest/status",
            Role::Integration,
            Some(change("Ready", 1, at)),
        )
        .await;
    assert_eq!(
        (st, report["duplicate"].as_u64()),
        (200, Some(1)),
        "{report}"
    );
    let g = group_figures(&s, c.group, |g| g["online"] == 1).await;
    assert_eq!(indicator(&g, "operators_online")["value"], 50.0);
    // People cannot push; the integration role cannot read.
    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/events",
            Role::Manager,
            Some(json!([])),
        )
        .await;
    assert_eq!(st, 403);
    s.stop().await;
}

#[tokio::test]
async fn snapshots_carry_an_etag_and_compress() {
    let s = TestServer::start().await;
    let c = set_up(&s).await;
    group_figures(&s, c.group, |_| true).await;
    let token = s.token(Role::Viewer);
    let path = "/api/v1/performance/metrics/realtime";
    let first = s
        .request(Method::GET, path)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    let again = s
        .request(Method::GET, path)
        .bearer_auth(&token)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    // The snapshot may have been republished in between; then the tag differs.
    assert!(again.status() == 304 || again.headers()["etag"] != etag.as_str());
    let zipped = s
        .request(Method::GET, path)
        .bearer_auth(&token)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    let (st, err) = s
        .call(
            Method::GET,
            &format!("{path}?indicators=magic"),
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!((st, err["field"].as_str()), (400, Some("indicators")));
    let (st, only) = s
        .call(
            Method::GET,
            &format!("{path}?indicators=acd,service_level"),
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(only["groups"][0]["indicators"].as_array().unwrap().len(), 2);
    s.stop().await;
}

#[tokio::test]
async fn a_replay_of_the_log_reaches_the_live_state_exactly() {
    let s = TestServer::start().await;
    set_up(&s).await;
    push(
        &s,
        json!([
            {"type": "agent_state", "id": "r1", "at": ago(400), "agent": "op-1", "state": "ready", "group": "L1"},
            {"type": "agent_state", "id": "r2", "at": ago(390), "agent": "op-2", "state": "break"},
            {"type": "call_offered", "id": "r3", "at": ago(300), "call_id": "q1", "group": "L1"},
            {"type": "call_answered", "id": "r4", "at": ago(290), "call_id": "q1", "agent": "op-1"},
            {"type": "call_ended", "id": "r5", "at": ago(200), "call_id": "q1", "talk_seconds": 80, "hold_seconds": 10},
            {"type": "call_offered", "id": "r6", "at": ago(100), "call_id": "q2", "group": "L1"},
        ]),
    )
    .await;
    push(
        &s,
        json!([{"type": "wrap_up_ended", "id": "r7", "at": ago(150), "call_id": "q1"},
               {"type": "call_abandoned", "id": "r8", "at": ago(50), "call_id": "q2"}]),
    )
    .await;
    let live = s.state.live.centers().await.unwrap();
    let replayed = wfm_pulse::live::engine::Engine::load(&s.state.store, Utc::now())
        .await
        .unwrap();
    let replayed: Vec<_> = replayed
        .sites
        .iter()
        .map(|site| site.center.clone())
        .collect();
    assert_eq!(live.len(), 1);
    assert!(
        live == replayed,
        "the replayed center differs from the live one"
    );
    let now = Utc::now();
    assert_eq!(live[0].snapshot(now), replayed[0].snapshot(now));
    s.stop().await;
}

#[tokio::test]
async fn rejections_are_counted_per_feed_and_reason() {
    let s = TestServer::start().await;
    set_up(&s).await;
    push(
        &s,
        json!([
            {"type": "call_offered", "id": "z1", "at": ago(10), "call_id": "z1", "group": "nope"},
            {"type": "call_offered", "id": "z2", "at": ago(10), "call_id": "z2", "group": "nope"},
            {"type": "call_abandoned", "id": "z3", "call_id": "z1"},
        ]),
    )
    .await;
    let (st, counts) = s
        .call(Method::GET, "/api/v1/ingest/rejections", Role::Viewer, None)
        .await;
    assert_eq!(st, 200);
    assert_eq!(
        counts,
        json!([
            {"source": "native", "reason": "incomplete", "count": 1},
            {"source": "native", "reason": "unknown_reference", "count": 2},
        ])
    );
    s.stop().await;
}

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
