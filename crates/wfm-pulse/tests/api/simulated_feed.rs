//! The contact-center simulator against a real server: its feed is accepted whole, and the
//! indicators count what it sent.

use crate::common;

use chrono::{Duration as Span, DurationRound, Utc};
use common::center::group_figures;
use common::{TestServer, eventually};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use wfm_core::interval::IntervalGrid;
use wfm_pulse::http::rate_limit::Limits;
use wfm_pulse::sim::demo::{self, center};
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

/// Operators on line and calls offered today, summed over the realtime groups.
async fn busy(api: &Api) -> (u64, u64) {
    let rt = api
        .get("/api/v1/performance/metrics/realtime")
        .await
        .unwrap();
    let sum = |field: &str| -> u64 {
        rt["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g: &Value| g[field].as_u64().unwrap_or(0))
            .sum()
    };
    (sum("online"), sum("offered_today"))
}

/// Runs the demo's feed of `scenario` until the sender is used.
fn run_feed(
    feed: &Api,
    scenario: wfm_sim::Scenario,
) -> (oneshot::Sender<()>, tokio::task::JoinHandle<sim::FeedStats>) {
    let (stop, stopped) = oneshot::channel::<()>();
    let feed = feed.clone();
    let fed = tokio::spawn(async move {
        sim::feed(
            &mut sim::Sink::Api(&feed),
            wfm_sim::Simulator::new(scenario),
            async {
                let _ = stopped.await;
            },
        )
        .await
        .unwrap()
    });
    (stop, fed)
}

#[tokio::test]
async fn the_demo_is_busy_whenever_it_starts_and_after_a_restart_at_another_hour() {
    // The demo server's limits over the defaults, as `demo` runs it.
    let limits = demo::demo_limits(Limits {
        read: 200.0,
        write: 20.0,
        ingest: 1000.0,
    });
    let (read, write) = (limits.read.to_string(), limits.write.to_string());
    let s = TestServer::start_with(&[
        ("WFM_RATE_LIMIT_READ", read.as_str()),
        ("WFM_RATE_LIMIT_WRITE", write.as_str()),
    ])
    .await;
    let api = Api::new(&s.base, s.token(Role::Admin));
    let feed = Api::new(&s.base, s.token(Role::Integration));

    // A first start twelve hours ago (its clock then another one), and one now in the same
    // store: the site is reused, its clock moved, today's plan uploaded around now.
    let now = Utc::now();
    let first = center::set_up(&api, now - Span::hours(12)).await.unwrap();
    let site = center::set_up(&api, now).await.unwrap();
    assert_eq!(site.site_id, first.site_id);
    assert_ne!(site.zone, first.zone);
    assert_eq!(site.moved_from.as_deref(), Some(first.zone.as_str()));
    assert_eq!(
        api.rate_limited(),
        0,
        "the setup never waits for the limiter"
    );
    let sites = api.get("/api/v1/sites").await.unwrap();
    assert_eq!(sites.as_array().unwrap().len(), 1);
    assert_eq!(sites[0]["time_zone"], site.zone.as_str());

    // The feed starts ten minutes back, so that calls are there at once whatever the hour.
    let start = now - Span::minutes(10);
    let scenario = sim::scenario(&api, &site.grid, start, 1).await.unwrap();
    assert_eq!(scenario.agents.len(), center::OPERATORS);
    let (stop, fed) = run_feed(&feed, scenario);
    let (online, offered) = eventually("operators on line and calls offered", 30, async || {
        let (online, offered) = busy(&api).await;
        (online >= 30 && offered > 0).then_some((online, offered))
    })
    .await;
    eprintln!("demo at {now}: {online} operators on line, {offered} calls offered");

    // Stopped, the feed leaves nobody on line; a second run of the same seed is accepted.
    stop.send(()).unwrap();
    let stats = fed.await.unwrap();
    assert_eq!(stats.rejected, 0);
    assert_eq!(stats.accepted, stats.sent);
    eventually("everyone logged out", 30, async || {
        (busy(&api).await.0 == 0).then_some(())
    })
    .await;
    let restart = sim::scenario(&api, &site.grid, Utc::now(), 1)
        .await
        .unwrap();
    let (stop, fed) = run_feed(&feed, restart);
    eventually("operators on line again", 30, async || {
        (busy(&api).await.0 >= 30).then_some(())
    })
    .await;
    stop.send(()).unwrap();
    let again = fed.await.unwrap();
    assert_eq!(again.accepted, again.sent, "none taken for the first run's");
    s.stop().await;
}
