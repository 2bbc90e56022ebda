//! The contact-center simulator against a real server: its feed is accepted whole, and the
//! indicators count what it sent.

mod common;

use chrono::{Duration as Span, DurationRound, Utc};
use common::TestServer;
use common::center::group_figures;
use serde_json::json;
use wfm_core::interval::IntervalGrid;
use wfm_pulse::sim::{self, client::Api};
use wfm_store::model::Role;

#[tokio::test]
async fn the_simulated_feed_is_accepted_whole_and_counted() {
    let s = TestServer::start().await;
    let api = Api::new(&s.base, s.token(Role::Admin));
    let site = api
        .post("/api/v1/sites", json!({"name": "Sim", "time_zone": "UTC"}))
        .await
        .unwrap();
    let service = api
        .post(
            "/api/v1/services",
            json!({"site_id": site["id"], "name": "S"}),
        )
        .await
        .unwrap();
    let group = api
        .post(
            "/api/v1/groups",
            json!({"service_id": service["id"], "name": "G", "external_id": "G"}),
        )
        .await
        .unwrap();
    let gid = group["id"].as_i64().unwrap();
    let now = Utc::now();
    let hour = now.duration_trunc(Span::hours(1)).unwrap();
    let (from, to) = (hour - Span::hours(1), hour + Span::hours(1));
    let mut segments = Vec::new();
    for n in 0..12 {
        let a = api
            .post(
                "/api/v1/agents",
                json!({"external_id": format!("a{n}"), "full_name": "A", "site_id": site["id"],
                       "primary_group_id": gid, "skills": [{"group_id": gid}]}),
            )
            .await
            .unwrap();
        segments.push(json!({"agent_id": a["id"], "start": from, "end": to, "activity": "line", "group_id": gid}));
    }
    api.put("/api/v1/plan/timetable", json!({"segments": segments}))
        .await
        .unwrap();
    let intervals: Vec<_> = (0..8)
        .map(|i| json!({"group_id": gid, "start": from + Span::minutes(15 * i), "calls": 60, "aht_seconds": 120}))
        .collect();
    api.put("/api/v1/plan/forecast", json!({"intervals": intervals}))
        .await
        .unwrap();

    let grid = IntervalGrid::new(chrono_tz::UTC, 15).unwrap();
    let start = (now - Span::minutes(20)).max(now.duration_trunc(Span::days(1)).unwrap());
    let scenario = sim::scenario(&api, &grid, start, 7).await.unwrap();
    assert_eq!(scenario.agents.len(), 12);
    let mut simulator = wfm_sim::Simulator::new(scenario);
    let events = simulator.advance(now);
    let offered = events
        .iter()
        .filter(|e| matches!(e, wfm_sim::FeedEvent::CallOffered { .. }))
        .count();
    assert!(
        offered > 0,
        "twenty minutes of 4 calls a minute bring calls"
    );
    let feed = Api::new(&s.base, s.token(Role::Integration));
    let report = feed
        .post("/api/v1/events", serde_json::to_value(&events).unwrap())
        .await
        .unwrap();
    assert_eq!(report["rejected"], 0, "{}", report["rejections"]);
    assert_eq!(report["accepted"].as_u64(), Some(events.len() as u64));

    // Calls still waiting within T are not offered for SL yet; they are in the queue.
    let counted = |g: &serde_json::Value| {
        g["offered_today"].as_u64().unwrap_or(0) + g["queue_now"].as_u64().unwrap_or(0)
    };
    let g = group_figures(&s, gid, |g| counted(g) >= offered as u64).await;
    assert!(g["online"].as_u64().unwrap() > 0);
    s.stop().await;
}
