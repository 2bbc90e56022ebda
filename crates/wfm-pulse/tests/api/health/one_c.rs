//! The 1C ZUP simulator stopped and restarted: its components go degraded, then down
//! within the outage time, the outage alert fires, reads warn that their 1C data is cached
//! and a schedule upload pending, and all is healthy again by itself once it answers.

use std::net::SocketAddr;

use chrono::{Datelike, Utc};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use wfm_pulse::sim::zup::{ZupSim, ZupSimConfig};

use super::*;

pub(super) const PASSWORD: &str = "sim-password";

/// The simulator served on `addr` until the sender is used or dropped.
async fn serve(sim: &ZupSim, addr: SocketAddr) -> oneshot::Sender<()> {
    // The address of a stopped simulator is free again at once, or very soon.
    let listener = common::eventually("the simulator's address free", 10, async || {
        TcpListener::bind(addr).await.ok()
    })
    .await;
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(sim.clone().serve(listener, async {
        let _ = stopped.await;
    }));
    stop
}

pub(super) async fn started(employees: usize) -> (ZupSim, SocketAddr, oneshot::Sender<()>) {
    let sim = ZupSim::new(ZupSimConfig {
        seed: 11,
        employees,
        departments: 3,
        user: "WFMSystem".into(),
        password: PASSWORD.into(),
        base_path: "/zup/hs/wfm".into(),
        time_zone: chrono_tz::Europe::Moscow,
    });
    let addr = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let stop = serve(&sim, addr).await;
    (sim, addr, stop)
}

/// Points 1C ZUP at the simulator with quick retries and circuit, probed every 300 ms,
/// down after 3 s without an answer.
pub(super) async fn connect(s: &TestServer, addr: SocketAddr) {
    set_system(s, "zup", |z| {
        z.insert(
            "base_url".into(),
            json!(format!("http://{addr}/zup/hs/wfm")),
        );
        z.insert("password".into(), json!(PASSWORD));
        z.insert("timeout_ms".into(), json!(2000));
        z.insert(
            "retry".into(),
            json!({"max_attempts": 2, "base_delay_ms": 10, "max_delay_ms": 20}),
        );
        z.insert(
            "circuit".into(),
            json!({"failure_threshold": 2, "open_ms": 1000}),
        );
        z.insert(
            "health".into(),
            json!({"degraded_after_ms": 1000, "down_after_ms": 3000, "probe_every_ms": 300}),
        );
    })
    .await;
}

pub(super) async fn site(s: &TestServer) {
    let (st, site) = s
        .call(
            Method::POST,
            "/api/v1/sites",
            Role::Manager,
            Some(json!({"name": "Moscow", "time_zone": "Europe/Moscow"})),
        )
        .await;
    assert_eq!(st, 201, "{site}");
}

/// Triggers a job as a manager: the status and the body.
pub(super) async fn trigger(s: &TestServer, body: Value) -> (u16, Value) {
    s.call(
        Method::POST,
        "/api/v1/integration/sync/trigger",
        Role::Manager,
        Some(body),
    )
    .await
}

/// Polls the job until it is final.
pub(super) async fn settled(s: &TestServer, id: &Value, secs: u64) -> Value {
    common::eventually(&format!("job {id} finishing"), secs, async || {
        let (_, job) = s
            .call(
                Method::GET,
                &format!("/api/v1/integration/sync/jobs/{id}"),
                Role::Manager,
                None,
            )
            .await;
        (job["state"] == "succeeded" || job["state"] == "dead").then_some(job)
    })
    .await
}

pub(super) async fn personnel_sync(s: &TestServer) -> Value {
    let (st, t) = trigger(s, json!({"kind": "personnel_sync"})).await;
    assert_eq!(st, 202, "{t}");
    settled(s, &t["job"]["id"], 60).await
}

pub(super) async fn employees(s: &TestServer) -> Value {
    let (st, body) = s
        .call(
            Method::GET,
            "/api/v1/integration/zup/employees",
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(st, 200, "{body}");
    body
}

/// A 09:00-18:00 training day on each of the rest of the month's days.
async fn plan_shifts(s: &TestServer, agent: &Value) {
    let tz = chrono_tz::Europe::Moscow;
    let today = Utc::now().with_timezone(&tz).date_naive();
    let mut segments = Vec::new();
    let mut day = today;
    while day.month() == today.month() {
        let at = |h: u32| {
            day.and_hms_opt(h, 0, 0)
                .unwrap()
                .and_local_timezone(tz)
                .unwrap()
                .with_timezone(&Utc)
        };
        segments.push(
            json!({"agent_id": agent, "start": at(9), "end": at(18), "activity": "training"}),
        );
        day = day.succ_opt().unwrap();
    }
    let (st, body) = s
        .call(
            Method::PUT,
            "/api/v1/plan/timetable",
            Role::Manager,
            Some(json!({"segments": segments})),
        )
        .await;
    assert_eq!(st, 200, "{body}");
}

/// The timetable's freshness headers: (X-Data-Freshness values, X-Data-Warning values).
async fn timetable_headers(s: &TestServer) -> (Vec<String>, Vec<String>) {
    let now = Utc::now();
    let r = s
        .request(
            Method::GET,
            &format!(
                "/api/v1/plan/timetable?from={}&to={}",
                (now - chrono::Duration::days(1)).format("%Y-%m-%dT%H:%M:%SZ"),
                (now + chrono::Duration::days(1)).format("%Y-%m-%dT%H:%M:%SZ")
            ),
        )
        .bearer_auth(s.token(Role::Viewer))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let all = |name| {
        r.headers()
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    (all("x-data-freshness"), all("x-data-warning"))
}

const ZUP: [&str; 3] = ["zup_personnel", "zup_schedule_upload", "zup_timesheet"];

#[tokio::test]
async fn a_stopped_1c_zup_goes_degraded_then_down_and_comes_back_by_itself() {
    let (sim, addr, stop) = started(12).await;
    let s = TestServer::start().await;
    site(&s).await;
    // Never synced: reads warn so.
    let (_, warnings) = timetable_headers(&s).await;
    assert_eq!(
        warnings,
        ["Employee data may be outdated: never brought in from 1C ZUP"]
    );
    connect(&s, addr).await;
    clears_fast(&s, "Integration outage").await;
    let start = Instant::now();
    for id in ZUP {
        watch(&s, id, "healthy", start, 30).await;
    }
    let job = personnel_sync(&s).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let staff = employees(&s).await;
    assert_eq!(staff["freshness"]["stale"], false, "{}", staff["freshness"]);
    assert_eq!(staff["vacation_freshness"]["source"], "vacation_balances");
    let agent = staff["items"][0]["agent_id"].clone();
    plan_shifts(&s, &agent).await;
    let (fresh, warnings) = timetable_headers(&s).await;
    assert!(fresh[0].starts_with("personnel; as_of="), "{fresh:?}");
    assert!(
        fresh[0].ends_with("expected_cycle_seconds=90000; stale=false"),
        "{fresh:?}"
    );
    assert_eq!(fresh[1], "schedule_upload; stale=false");
    assert_eq!(warnings, Vec::<String>::new());
    let personnel = component(&health(&s).await, "zup_personnel");
    assert_eq!(personnel["success_percent_hour"], 100.0, "{personnel}");
    assert_eq!(personnel["circuit_state"], "closed");
    assert_eq!(
        personnel["rate"],
        json!({"per": "day", "expected": 86_400.0 / 90_000.0, "actual": 1.0})
    );

    // Stopped: degraded at the first unanswered probe, down 3 s after the last answer.
    stop.send(()).unwrap();
    let stopped = Instant::now();
    let seen = watch(&s, "zup_personnel", "down", stopped, 20).await;
    let statuses: Vec<&str> = seen.iter().map(|(st, _)| st.as_str()).collect();
    let first_bad = statuses.iter().position(|st| *st != "healthy").unwrap();
    assert_eq!(&statuses[first_bad..], ["degraded", "down"], "{seen:?}");
    assert!(seen.last().unwrap().1 <= Duration::from_secs(6), "{seen:?}");
    let report = health(&s).await;
    for id in ZUP {
        let c = component(&report, id);
        assert_eq!(
            (c["status"].as_str(), causes(&c)[0].as_str()),
            (Some("down"), "unreachable"),
            "{c}"
        );
        assert!(
            c["problems"][0]["message"]
                .as_str()
                .unwrap()
                .contains("cannot reach 1C ZUP"),
            "{c}"
        );
    }
    common::eventually("an integration outage alert for 1C ZUP", 10, async || {
        alerts_of(&s, "Integration outage", "component:zup_personnel")
            .await
            .into_iter()
            .find(|a| a["state"] == "firing")
    })
    .await;
    // Reads go on with the cached data and say so; an upload waits for 1C.
    let staff = employees(&s).await;
    assert!(
        staff["freshness"]["warning"].as_str().unwrap().starts_with(
            "Employee data may be outdated: 1C ZUP is unavailable, showing the data as of "
        ),
        "{staff}"
    );
    assert!(
        staff["vacation_freshness"]["warning"]
            .as_str()
            .unwrap()
            .starts_with("Vacation balances not current: 1C ZUP is unavailable"),
        "{staff}"
    );
    let (st, upload) = trigger(
        &s,
        json!({"kind": "schedule_upload", "scope": {"agent_ids": [agent]}}),
    )
    .await;
    assert_eq!(st, 202, "{upload}");
    let (_, warnings) = timetable_headers(&s).await;
    assert!(
        warnings.contains(
            &"Schedule status pending: 1 schedule upload to 1C ZUP is not done yet \
              (1C ZUP is unavailable; they go out when it answers)"
                .to_string()
        ),
        "{warnings:?}"
    );

    // Back on the same address: healthy again with nobody doing anything; the upload went.
    let _again = serve(&sim, addr).await;
    let back = Instant::now();
    for id in ZUP {
        watch(&s, id, "healthy", back, 60).await;
    }
    let job = settled(&s, &upload["job"]["id"], 60).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let (_, warnings) = timetable_headers(&s).await;
    assert_eq!(warnings, Vec::<String>::new());
    for id in ZUP {
        watch(&s, id, "healthy", back, 10).await;
    }
    let upload = component(&health(&s).await, "zup_schedule_upload");
    assert_eq!(upload["success_percent_hour"], 100.0, "{upload}");
    s.stop().await;
}
