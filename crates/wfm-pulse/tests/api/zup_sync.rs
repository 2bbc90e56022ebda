//! Sync with 1C ZUP end to end, over HTTP, against the 1C ZUP simulator: personnel sync and a
//! change in 1C showing in WFM, norm hours, schedules, the timesheet, deviation documents,
//! each documented refusal reaching the user, the outage drill, what spends a job's attempts,
//! jobs surviving a restart, the endpoint map, the activity log and the trigger's validation.

use crate::common;
mod outage;
mod personnel;
mod resilience;
mod uploads;

use std::time::{Duration, Instant};

use chrono::{Datelike, Duration as Span, Utc};
use common::TestServer;
use common::registry::set_system;
use reqwest::Method;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use wfm_pulse::sim::zup::{Behaviour, ZupSim, ZupSimConfig};
use wfm_store::model::Role;

const PASSWORD: &str = "sim-password";

struct Sim {
    sim: ZupSim,
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

fn sim_config(employees: usize, departments: usize) -> ZupSimConfig {
    ZupSimConfig {
        seed: 7,
        employees,
        departments,
        user: "WFMSystem".into(),
        password: PASSWORD.into(),
        base_path: "/zup/hs/wfm".into(),
        time_zone: chrono_tz::Europe::Moscow,
    }
}

async fn start_sim(sim: ZupSim, listener: TcpListener) -> Sim {
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(sim.clone().serve(listener, async {
        let _ = rx.await;
    }));
    Sim {
        sim,
        url,
        stop: Some(tx),
    }
}

async fn sim(employees: usize, departments: usize) -> Sim {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    start_sim(ZupSim::new(sim_config(employees, departments)), listener).await
}

/// Points the server's 1C ZUP entry at the simulator, with quick retries and circuit.
async fn connect(s: &TestServer, sim: &Sim) {
    set_system(s, "zup", |zup| {
        zup.insert("base_url".into(), json!(format!("{}/zup/hs/wfm", sim.url)));
        zup.insert("password".into(), json!(PASSWORD));
        zup.insert("timeout_ms".into(), json!(5000));
        zup.insert(
            "retry".into(),
            json!({"max_attempts": 2, "base_delay_ms": 10, "max_delay_ms": 20}),
        );
        zup.insert(
            "circuit".into(),
            json!({"failure_threshold": 2, "open_ms": 1000}),
        );
    })
    .await;
    let zup = common::registry::system(s, "zup", Role::Admin).await;
    assert_eq!(zup["password"], "********");
}

async fn site(s: &TestServer) -> i64 {
    let (st, site) = s
        .call(
            Method::POST,
            "/api/v1/sites",
            Role::Manager,
            Some(json!({"name": "Moscow", "time_zone": "Europe/Moscow"})),
        )
        .await;
    assert_eq!(st, 201, "{site}");
    site["id"].as_i64().unwrap()
}

/// Triggers a job; returns its id and the request's correlation id.
async fn trigger(s: &TestServer, body: Value) -> (i64, String) {
    let correlation = format!("test-{}", uuid::Uuid::new_v4().simple());
    let r = s
        .request(Method::POST, "/api/v1/integration/sync/trigger")
        .bearer_auth(s.token(Role::Manager))
        .header("X-Correlation-ID", &correlation)
        .json(&body)
        .send()
        .await
        .unwrap();
    let (st, answer) = common::read(r).await;
    assert_eq!(st, 202, "{answer}");
    (answer["job"]["id"].as_i64().unwrap(), correlation)
}

/// Polls the job until it is final, or fails after `secs`.
async fn settled(s: &TestServer, id: i64, secs: u64) -> Value {
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

async fn synced(s: &TestServer) -> Value {
    let (id, _) = trigger(s, json!({"kind": "personnel_sync"})).await;
    let job = settled(s, id, 60).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    job
}

async fn employees(s: &TestServer) -> Vec<Value> {
    let (st, body) = s
        .call(
            Method::GET,
            "/api/v1/integration/zup/employees",
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(st, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

/// A timetable of one 09:00-18:00 shift (lunch 13-14) on each of the next days of the month.
async fn plan_shifts(s: &TestServer, agent: i64) {
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
            json!({"agent_id": agent, "start": at(9), "end": at(13), "activity": "training"}),
        );
        segments
            .push(json!({"agent_id": agent, "start": at(13), "end": at(14), "activity": "lunch"}));
        segments.push(
            json!({"agent_id": agent, "start": at(14), "end": at(18), "activity": "training"}),
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

async fn refusal(s: &TestServer, body: Value) -> (String, String) {
    let (id, _) = trigger(s, body).await;
    let job = settled(s, id, 60).await;
    assert_eq!(job["state"], "dead", "{job}");
    let r = &job["result"]["refused"][0];
    (
        r["message"].as_str().unwrap().into(),
        r["action"].as_str().unwrap().into(),
    )
}
