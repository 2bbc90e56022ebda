//! The live pipeline end to end: plan and events in over HTTP, indicators out, replay equal
//! to the live state, idempotent and validated ingest, ETag and compression.

use crate::common;

use chrono::{DateTime, Duration as Span, DurationRound, Utc};
use common::center::{ago, group_figures, indicator, push, set_up};
use common::{TestServer, read};
use reqwest::Method;
use serde_json::{Value, json};
use wfm_store::model::Role;

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
    // People cannot push, admins included; the integration role cannot read.
    for path in ["/api/v1/events", "/ccwfm/api/rest/status"] {
        for role in [Role::Manager, Role::Admin] {
            let (st, body) = s.call(Method::POST, path, role, Some(json!([]))).await;
            assert_eq!(st, 403, "{path} as {role:?}: {body}");
        }
    }
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
    let summary: Vec<(Value, Value, Value, Vec<Value>)> = counts
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let ids = c["samples"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["event_id"].clone())
                .collect();
            (
                c["source"].clone(),
                c["reason"].clone(),
                c["count"].clone(),
                ids,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                json!("native"),
                json!("incomplete"),
                json!(1),
                vec![json!("z3")]
            ),
            (
                json!("native"),
                json!("unknown_reference"),
                json!(2),
                vec![json!("z1"), json!("z2")]
            ),
        ]
    );
    s.stop().await;
}

/// Posts call `id` to L1 in three requests, each event depending on the one before
/// (offered, answered by op-1, ended), and requires each to be accepted.
async fn post_call_in_steps(s: &TestServer, id: &str) {
    let steps = [
        json!({"type": "call_offered", "call_id": id, "group": "L1"}),
        json!({"type": "call_answered", "call_id": id, "agent": "op-1"}),
        json!({"type": "call_ended", "call_id": id, "talk_seconds": 1}),
    ];
    for (step, mut event) in steps.into_iter().enumerate() {
        event["id"] = json!(format!("{id}-{step}"));
        event["at"] = json!(ago(1));
        let report = push(s, json!([event])).await;
        assert_eq!(report["accepted"], 1, "{report}");
    }
}

/// Plan changes rebuild the engine off to the side while the feed goes on: the events
/// committed during a rebuild are applied to the rebuilt engine in commit order before it is
/// swapped in, so that after the changes the live state equals a fresh replay of the log.
#[tokio::test]
async fn events_posted_during_plan_changes_reach_the_state_a_replay_reaches() {
    use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
    use std::time::{Duration, Instant};
    let s = TestServer::start().await;
    let c = set_up(&s).await;
    let done = AtomicBool::new(false);
    let caught_up = &s.state.live.rebuilds().caught_up;
    let feed = async {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut calls = 0;
        // Each call in three requests, each event depending on the one before: applied out
        // of commit order, the answer or the end would be ignored and the replay differ.
        while calls < 20 || caught_up.load(Relaxed) == 0 {
            assert!(Instant::now() < deadline, "no event came during a rebuild");
            post_call_in_steps(&s, &format!("p{calls}")).await;
            calls += 1;
        }
        done.store(true, Relaxed);
        calls
    };
    let planner = async {
        let day = Utc::now().duration_trunc(Span::days(1)).unwrap();
        let mut changes = 0u32;
        while !done.load(Relaxed) {
            // op-2 alternately planned on line for the day and not planned at all.
            let planned = if changes % 2 == 0 {
                &c.agents[..1]
            } else {
                &c.agents[..]
            };
            let segments: Vec<Value> = planned
                .iter()
                .map(|a| json!({"agent_id": a, "start": day, "end": day + Span::days(1), "activity": "line", "group_id": c.group}))
                .collect();
            common::setup::put_plan(&s, "timetable", json!({"segments": segments})).await;
            changes += 1;
        }
        changes
    };
    let (calls, changes) = tokio::join!(feed, planner);
    assert!(changes > 0);
    // `centers` applies the change still waiting, as the rebuilder would.
    let live = s.state.live.centers().await.unwrap();
    let replayed = wfm_pulse::live::engine::Engine::load(&s.state.store, Utc::now())
        .await
        .unwrap();
    let replayed: Vec<_> = replayed.sites.iter().map(|x| x.center.clone()).collect();
    assert!(
        live == replayed,
        "after {changes} plan changes the live center differs from a replay"
    );
    let g = group_figures(&s, c.group, |g| g["offered_today"] == calls).await;
    assert_eq!(g["answered_today"], calls, "{g}");
    s.stop().await;
}

/// Feeds posting at once share commits: each batch is still acknowledged only once its
/// events are stored, each call's events are applied in their order, and the live state
/// equals a replay of the log.
#[tokio::test]
async fn concurrent_feeds_share_commits_and_reach_the_state_a_replay_reaches() {
    use std::sync::atomic::Ordering::Relaxed;
    use std::time::{Duration, Instant};
    let s = TestServer::start().await;
    let c = set_up(&s).await;
    let commits = s.state.live.commits();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut calls = 0;
    let mut round = 0;
    // Rounds of 8 feeds at once, until some batches have shared a commit.
    while round < 2 || commits.groups.load(Relaxed) == commits.batches.load(Relaxed) {
        assert!(
            Instant::now() < deadline,
            "no two batches ever shared a commit"
        );
        let feeds = (0..8).map(|feed| {
            let s = &s;
            async move { post_call_in_steps(s, &format!("g{round}-{feed}")).await }
        });
        futures_util::future::join_all(feeds).await;
        calls += 8;
        round += 1;
    }
    let live = s.state.live.centers().await.unwrap();
    let replayed = wfm_pulse::live::engine::Engine::load(&s.state.store, Utc::now())
        .await
        .unwrap();
    let replayed: Vec<_> = replayed.sites.iter().map(|x| x.center.clone()).collect();
    assert!(live == replayed, "the live center differs from a replay");
    let g = group_figures(&s, c.group, |g| g["offered_today"] == calls).await;
    assert_eq!(g["answered_today"], calls, "{g}");
    s.stop().await;
}

#[tokio::test]
async fn a_redelivery_later_than_the_reordering_tolerance_is_a_duplicate() {
    let s = TestServer::start().await;
    set_up(&s).await;
    let early = json!([{"type": "call_offered", "id": "r1", "at": ago(300), "call_id": "k1", "group": "L1"}]);
    assert_eq!(push(&s, early.clone()).await["accepted"], 1);
    let later =
        json!([{"type": "call_offered", "id": "r2", "at": ago(1), "call_id": "k2", "group": "L1"}]);
    assert_eq!(push(&s, later).await["accepted"], 1);
    // A sender that never heard back sends r1 again, 5 minutes behind the feed.
    let again = push(&s, early).await;
    assert_eq!(
        (&again["accepted"], &again["duplicate"], &again["rejected"]),
        (&json!(0), &json!(1), &json!(0)),
        "{again}"
    );
    // A new event as late is still refused.
    let late = json!([{"type": "call_offered", "id": "r3", "at": ago(300), "call_id": "k3", "group": "L1"}]);
    let report = push(&s, late).await;
    assert_eq!(
        report["rejections"][0]["reason"], "out_of_order",
        "{report}"
    );
    s.stop().await;
}

#[tokio::test]
async fn a_group_fed_by_counts_gets_its_indicators_from_them() {
    let s = TestServer::start().await;
    let c = set_up(&s).await;
    let load = |id: &str, ago_s: i64, counts: [u32; 5], handle: f64, wait: f64| {
        let [received, answered, within, queue, processing] = counts;
        json!({"type": "group_load", "id": id, "at": ago(ago_s), "group": "L1",
               "received": received, "answered": answered, "answered_within_target": within,
               "queue": queue, "processing": processing, "handle_seconds": handle, "wait_seconds": wait})
    };
    let report = push(
        &s,
        json!([
            load("g1", 200, [4, 2, 2, 1, 1], 100.0, 10.0),
            load("g2", 100, [10, 7, 5, 1, 1], 600.0, 70.0),
            // Counts that cannot be: more answered than received.
            load("g3", 90, [3, 4, 0, 0, 0], 0.0, 0.0),
        ]),
    )
    .await;
    assert_eq!(report["accepted"], 2, "{report}");
    assert_eq!(report["rejections"][0]["field"], "answered", "{report}");
    // 10 received: 7 answered (5 within 20 s), 1 waiting, so 2 abandoned; 6 handled in 600 s.
    let g = group_figures(&s, c.group, |g| g["answered_today"] == 7).await;
    assert_eq!(
        (&g["offered_today"], &g["abandoned_today"], &g["queue_now"]),
        (&json!(9), &json!(2), &json!(1)),
        "answered and abandoned enter the service level: {g}"
    );
    assert_eq!(g["answered_within_target_today"], 5);
    let sl = indicator(&g, "service_level")["value"].as_f64().unwrap();
    assert!((sl - 500.0 / 9.0).abs() < 0.01, "5 of 9 within 20 s: {sl}");
    let acd = indicator(&g, "acd")["value"].as_f64().unwrap();
    assert!((acd - 700.0 / 9.0).abs() < 0.01, "7 of 9 answered: {acd}");
    assert_eq!(
        (
            &g["counts"]["handled_today"],
            &g["counts"]["handle_seconds_today"]
        ),
        (&json!(6), &json!(600.0))
    );
    assert_eq!(g["asa_seconds"], 10.0, "70 s of wait over 7 answered");
    s.stop().await;
}
