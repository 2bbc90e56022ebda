//! The contact-center simulator stopped and restarted: its feeds go degraded, then down
//! within the outage time, the outage alert fires, and all is healthy again by itself once
//! the simulator runs again; the snapshot says how fresh its data is.

use chrono::{Duration as Span, DurationRound, Utc};
use tokio::sync::oneshot;
use wfm_core::interval::IntervalGrid;
use wfm_pulse::sim::{self, client::Api};

use super::*;

/// A UTC site with one voice group "G", 20 operators on line for it from an hour ago to two
/// hours ahead, and 600 calls an interval forecast (AHT 20 s): a few events every second.
async fn busy_center(api: &Api) {
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
    let hour = Utc::now().duration_trunc(Span::hours(1)).unwrap();
    let (from, to) = (hour - Span::hours(1), hour + Span::hours(2));
    let mut segments = Vec::new();
    for n in 0..20 {
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
    let intervals: Vec<_> = (0..12)
        .map(|i| json!({"group_id": gid, "start": from + Span::minutes(15 * i), "calls": 600, "aht_seconds": 20}))
        .collect();
    api.put("/api/v1/plan/forecast", json!({"intervals": intervals}))
        .await
        .unwrap();
}

/// Runs the simulated contact center from now until the sender is used or dropped.
async fn run_feed(s: &TestServer, seed: u64) -> oneshot::Sender<()> {
    let api = Api::new(&s.base, s.token(Role::Viewer));
    let feed_api = Api::new(&s.base, s.token(Role::Integration));
    let grid = IntervalGrid::new(chrono_tz::UTC, 15).unwrap();
    let scenario = sim::scenario(&api, &grid, Utc::now(), seed).await.unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = sim::feed(
            &mut sim::Sink::Api(&feed_api),
            wfm_sim::Simulator::new(scenario),
            async {
                let _ = stopped.await;
            },
        )
        .await;
    });
    stop
}

#[tokio::test]
async fn a_stopped_contact_center_goes_degraded_then_down_and_comes_back_by_itself() {
    let s = TestServer::start().await;
    let api = Api::new(&s.base, s.token(Role::Admin));
    busy_center(&api).await;
    // Seconds for the scenario's minutes: degraded after 3 s of silence, down after 6.
    set_system(&s, "contact_center", |c| {
        c.insert(
            "health".into(),
            json!({"degraded_after_ms": 3000, "down_after_ms": 6000, "rate_window_ms": 5000}),
        );
    })
    .await;
    clears_fast(&s, "Integration outage").await;
    // Before any data, with operators planned: no data yet is down, and responses warn.
    let (_, rt) = s
        .call(
            Method::GET,
            "/api/v1/performance/metrics/realtime",
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!(rt["freshness"]["source"], "contact_center");
    assert_eq!(
        rt["freshness"]["warning"],
        "Contact-center data may be outdated: never brought in from the contact center"
    );

    // Operators are planned: no call event at all is an outage.
    let start = Instant::now();
    watch(&s, "call_events", "down", start, 10).await;
    let never = component(&health(&s).await, "call_events");
    assert_eq!(
        never["problems"][0]["message"],
        "no data received yet, although operators are planned or on line"
    );

    let stop = run_feed(&s, 7).await;
    for id in ["contact_center_status", "call_events"] {
        watch(&s, id, "healthy", start, 30).await;
    }
    let report = health(&s).await;
    let calls = component(&report, "call_events");
    assert!(
        calls["freshness_seconds"].as_f64().unwrap() < 3.0,
        "{calls}"
    );
    assert_eq!(calls["expected_cycle_seconds"], 3.0);
    assert_eq!(calls["rate"]["per"], "minute");
    assert!(calls["rate"]["actual"].as_f64().unwrap() > 0.0, "{calls}");
    assert_eq!(calls["success_percent_hour"], 100.0);
    // The snapshot's freshness is current while the feed runs.
    let (_, rt) = s
        .call(
            Method::GET,
            "/api/v1/performance/metrics/realtime",
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!(rt["freshness"]["stale"], false, "{}", rt["freshness"]);
    let r = s
        .request(Method::GET, "/api/v1/monitoring/operators")
        .bearer_auth(s.token(Role::Supervisor))
        .send()
        .await
        .unwrap();
    let header = r.headers()["x-data-freshness"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(header.starts_with("contact_center; as_of="), "{header}");
    assert!(
        header.ends_with("; expected_cycle_seconds=3; stale=false"),
        "{header}"
    );
    assert!(r.headers().get("x-data-warning").is_none());

    // A few windows of traffic, so that the feeds' usual rates are known.
    tokio::time::sleep(Duration::from_secs(12)).await;
    // The silence allowed: the policy's, or 5 and 10 usual gaps of a sparse feed.
    let cycle = component(&health(&s).await, "call_events")["expected_cycle_seconds"]
        .as_f64()
        .unwrap();
    let down_limit = Duration::from_secs_f64((cycle * 2.0).max(6.0));
    // Stopped: degraded first, then down within the outage time.
    stop.send(()).unwrap();
    let stopped = Instant::now();
    let seen = watch(&s, "call_events", "down", stopped, 20).await;
    let statuses: Vec<&str> = seen.iter().map(|(st, _)| st.as_str()).collect();
    assert_eq!(statuses.last(), Some(&"down"));
    let first_bad = statuses.iter().position(|st| *st != "healthy").unwrap();
    assert_eq!(statuses[first_bad], "degraded", "{seen:?}");
    let (_, down_after) = seen.last().unwrap();
    assert!(
        *down_after <= down_limit + Duration::from_secs(2),
        "{seen:?}, allowed {down_limit:?}"
    );
    watch(&s, "contact_center_status", "down", stopped, 20).await;
    let report = health(&s).await;
    assert_eq!(report["status"], "down");
    let calls = component(&report, "call_events");
    assert_eq!(causes(&calls)[0], "no_data", "{calls}");
    assert!(
        calls["problems"][0]["message"]
            .as_str()
            .unwrap()
            .ends_with(": outage"),
        "{calls}"
    );
    // Queue statistics come from the call events: not being updated.
    assert!(causes(&component(&report, "queue_statistics")).contains(&"stale".to_string()));
    // The outage alert tells the technical team.
    let alert = common::eventually("an integration outage alert", 10, async || {
        alerts_of(&s, "Integration outage", "component:call_events")
            .await
            .into_iter()
            .find(|a| a["state"] == "firing")
    })
    .await;
    assert_eq!(alert["severity"], "critical");
    assert_eq!(
        alert["description"],
        "Contact-center call-event feed is down"
    );
    assert_eq!(alert["details"]["problems"][0]["cause"], "no_data");
    // Responses warn that the figures are old.
    let r = s
        .request(Method::GET, "/api/v1/monitoring/operators")
        .bearer_auth(s.token(Role::Supervisor))
        .send()
        .await
        .unwrap();
    let warning = r.headers()["x-data-warning"].to_str().unwrap().to_string();
    assert!(
        warning.starts_with("Contact-center data may be outdated: last brought in "),
        "{warning}"
    );

    // Back: healthy again with nobody doing anything, and the alert resolves by itself.
    let _again = run_feed(&s, 8).await;
    let back = Instant::now();
    for id in ["call_events", "contact_center_status", "queue_statistics"] {
        watch(&s, id, "healthy", back, 30).await;
    }
    common::eventually("the outage alert resolving", 15, async || {
        alerts_of(&s, "Integration outage", "component:call_events")
            .await
            .into_iter()
            .find(|a| a["id"] == alert["id"] && a["state"] == "resolved")
    })
    .await;
    s.stop().await;
}
