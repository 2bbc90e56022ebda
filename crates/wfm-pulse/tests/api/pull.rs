//! The pull connector against the platform simulator: a platform that only answers the
//! incumbent's `/online/*` contract gives the same indicators as the same calls pushed as
//! events; every poll is in the activity log, and a platform that is down shows there.

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use wfm_core::event::AgentState;
use wfm_core::feed::FeedEvent;
use wfm_pulse::sim::platform::PlatformSim;
use wfm_sim::{Behaviour, Scenario, SimAgent, SimGroup};
use wfm_store::model::Role;

use crate::common;
use common::center::{ago, group_figures, indicator, operator_state, push, set_up};
use common::{TestServer, eventually};

/// The hand-counted calls of L1, and op-1's statuses:
/// - c1 waits 10 s, talks 90 s (within 20 s, handled);
/// - c2 abandoned after 30 s;
/// - c3 waits 30 s (missed), in conversation now;
/// - c4 waiting 10 s now.
fn calls() -> Vec<FeedEvent> {
    let state = |id: &str, at: DateTime<Utc>, state| FeedEvent::AgentState {
        id: id.into(),
        at,
        agent: "op-1".into(),
        state,
        group: Some("L1".into()),
    };
    let offered = |call: &str, at| FeedEvent::CallOffered {
        id: format!("o-{call}"),
        at,
        call_id: call.into(),
        group: "L1".into(),
        customer_id: None,
    };
    vec![
        state("s1", ago(300), AgentState::Ready),
        offered("c1", ago(200)),
        FeedEvent::CallAnswered {
            id: "a-c1".into(),
            at: ago(190),
            call_id: "c1".into(),
            agent: "op-1".into(),
        },
        offered("c2", ago(150)),
        FeedEvent::CallAbandoned {
            id: "x-c2".into(),
            at: ago(120),
            call_id: "c2".into(),
        },
        FeedEvent::CallEnded {
            id: "e-c1".into(),
            at: ago(100),
            call_id: "c1".into(),
            talk_seconds: 90.0,
            hold_seconds: 0.0,
        },
        FeedEvent::WrapUpEnded {
            id: "w-c1".into(),
            at: ago(100),
            call_id: "c1".into(),
        },
        offered("c3", ago(60)),
        FeedEvent::CallAnswered {
            id: "a-c3".into(),
            at: ago(30),
            call_id: "c3".into(),
            agent: "op-1".into(),
        },
        state("s2", ago(30), AgentState::OnContact),
        offered("c4", ago(10)),
    ]
}

/// The platform: groups L1 and L9, operators op-1 and op-2 (L1) and op-9 (L9), its day in
/// UTC, on a port of its own.
async fn platform() -> (PlatformSim, String) {
    let scenario = Scenario {
        groups: vec![
            SimGroup {
                id: 1,
                code: "L1".into(),
            },
            SimGroup {
                id: 9,
                code: "L9".into(),
            },
        ],
        agents: [("op-1", 1), ("op-2", 1), ("op-9", 9)]
            .iter()
            .map(|(login, group)| SimAgent {
                id: 1,
                login: login.to_string(),
                skills: vec![*group],
            })
            .collect(),
        forecast: Vec::new(),
        timetable: Vec::new(),
        behaviour: Behaviour::default(),
        seed: 1,
        start: Utc::now(),
    };
    let grid = wfm_core::interval::IntervalGrid::new(chrono_tz::UTC, 15).unwrap();
    let sim = PlatformSim::new(&scenario, grid);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = sim.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (sim, base)
}

fn figures(g: &Value) -> Value {
    json!([
        g["offered_today"],
        g["answered_today"],
        g["answered_within_target_today"],
        g["abandoned_today"],
        g["queue_now"],
        g["counts"]["handled_today"],
        g["counts"]["handle_seconds_today"],
        indicator(g, "service_level")["value"],
        indicator(g, "acd")["value"],
    ])
}

async fn activity(s: &TestServer) -> Vec<Value> {
    let (_, log) = s
        .call(
            Method::GET,
            "/api/v1/integration/logs/activity?system=contact_center&limit=200",
            Role::Manager,
            None,
        )
        .await;
    log["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_polled_platform_gives_the_indicators_its_calls_give() {
    let (platform, base) = platform().await;
    platform.record(&calls());

    let polled = TestServer::start_with(&[("WFM_CONTACT_CENTER_POLL_SECONDS", "1")]).await;
    let c = set_up(&polled).await;
    common::registry::set_system(&polled, "contact_center", |entry| {
        entry.insert("base_url".into(), json!(base));
        for e in entry["endpoints"].as_array_mut().unwrap() {
            if ["agentStatus", "groupsOnlineLoad", "personnel"]
                .contains(&e["name"].as_str().unwrap())
            {
                e["enabled"] = json!(true);
            }
        }
    })
    .await;
    let pulled = group_figures(&polled, c.group, |g| g["answered_today"] == 2).await;

    let pushed = TestServer::start().await;
    let d = set_up(&pushed).await;
    let report = push(&pushed, serde_json::to_value(calls()).unwrap()).await;
    assert_eq!(report["accepted"], 11, "{report}");
    let sent = group_figures(&pushed, d.group, |g| g["answered_today"] == 2).await;

    // By hand: c1, c2 and c3 enter the service level, c1 within 20 s: 1 of 3; 2 of 3
    // answered; c4 waits; c1 handled in 90 s.
    let expected = json!([3, 2, 1, 1, 1, 1, 90.0]);
    assert_eq!(
        figures(&sent).as_array().unwrap()[..7],
        expected.as_array().unwrap()[..],
        "{sent}"
    );
    assert_eq!(
        figures(&pulled),
        figures(&sent),
        "pulled {pulled}\npushed {sent}"
    );
    eventually("op-1 on a contact from the polled status", 10, async || {
        (operator_state(&polled, c.agents[0]).await == "on_contact").then_some(())
    })
    .await;

    // What the platform has and wfm-pulse lacked came in from /personnel: L9 and op-9.
    let (_, groups) = polled
        .call(Method::GET, "/api/v1/groups", Role::Viewer, None)
        .await;
    let l9 = groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["external_id"] == "L9")
        .unwrap_or_else(|| panic!("no L9 in {groups}"));
    let (_, agents) = polled
        .call(Method::GET, "/api/v1/agents", Role::Viewer, None)
        .await;
    let op9 = agents
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["external_id"] == "op-9")
        .unwrap_or_else(|| panic!("no op-9 in {agents}"));
    assert_eq!(op9["primary_group_id"], l9["id"], "{op9}");
    assert_eq!(
        agents.as_array().unwrap().len(),
        3,
        "op-1 and op-2 were known"
    );

    // Every poll is in the activity log; a platform that is down shows as failures.
    let rows = activity(&polled).await;
    for op in ["agentStatus", "groupsOnlineLoad", "personnel"] {
        assert!(
            rows.iter().any(|r| r["operation"] == op
                && r["outcome"] == "success"
                && r["http_status"] == 200),
            "{op}: {rows:?}"
        );
    }
    let cc = common::registry::system(&polled, "contact_center", Role::Manager).await;
    for state in cc["endpoint_states"].as_array().unwrap() {
        let polled_endpoint = ["agentStatus", "groupsOnlineLoad", "personnel"]
            .contains(&state["name"].as_str().unwrap());
        if polled_endpoint {
            assert!(state["last_success"].is_string(), "{state}");
        }
    }
    platform.set_behaviour(wfm_pulse::sim::zup::Behaviour {
        down: true,
        ..Default::default()
    });
    let failed = eventually("a failed poll logged", 10, async || {
        activity(&polled)
            .await
            .into_iter()
            .find(|r| r["outcome"] == "failure" && r["http_status"] == 503)
    })
    .await;
    assert!(
        failed["error"].as_str().unwrap().contains("503"),
        "{failed}"
    );
    let polls = platform.requests();
    assert!(
        polls
            .get("/online/groupsOnlineLoad")
            .is_some_and(|n| *n >= 2),
        "{polls:?}"
    );

    // While it is down, c4 is answered and c5 comes and goes; back up, the next poll's day
    // so far counts them once, as the same calls pushed.
    let outage = vec![
        FeedEvent::CallAnswered {
            id: "a-c4".into(),
            at: ago(5),
            call_id: "c4".into(),
            agent: "op-1".into(),
        },
        FeedEvent::CallOffered {
            id: "o-c5".into(),
            at: ago(4),
            call_id: "c5".into(),
            group: "L1".into(),
            customer_id: None,
        },
        FeedEvent::CallAbandoned {
            id: "x-c5".into(),
            at: ago(1),
            call_id: "c5".into(),
        },
    ];
    platform.record(&outage);
    let report = push(&pushed, serde_json::to_value(&outage).unwrap()).await;
    assert_eq!(report["accepted"], 3, "{report}");
    platform.set_behaviour(wfm_pulse::sim::zup::Behaviour::default());
    let pulled = group_figures(&polled, c.group, |g| g["answered_today"] == 3).await;
    let sent = group_figures(&pushed, d.group, |g| g["answered_today"] == 3).await;
    assert_eq!(
        figures(&pulled),
        figures(&sent),
        "pulled {pulled}\npushed {sent}"
    );
    assert_eq!(pulled["queue_now"], 0);
    polled.stop().await;
    pushed.stop().await;
}
