//! The demo's 1C ZUP against the demo's center, in process: a personnel sync finds the demo's
//! services, groups and operators (nothing created, nothing out of step), and a schedule
//! upload sends every operator's shifts, its progress moving as 1C answers.

use crate::common;

use chrono::{Datelike, Months, Utc};
use common::{TestServer, eventually};
use reqwest::Method;
use serde_json::{Value, json};
use wfm_pulse::sim::client::Api;
use wfm_pulse::sim::demo::{center, registry};
use wfm_pulse::sim::zup::Behaviour;
use wfm_store::model::Role;

async fn trigger(s: &TestServer, body: Value) -> i64 {
    let (st, answer) = s
        .call(
            Method::POST,
            "/api/v1/integration/sync/trigger",
            Role::Manager,
            Some(body),
        )
        .await;
    assert_eq!(st, 202, "{answer}");
    answer["job"]["id"].as_i64().unwrap()
}

async fn job(s: &TestServer, id: i64) -> Value {
    let path = format!("/api/v1/integration/sync/jobs/{id}");
    s.call(Method::GET, &path, Role::Manager, None).await.1
}

/// The job once final; and the progress it showed while running.
async fn settled(s: &TestServer, id: i64) -> (Value, Vec<i64>) {
    let mut seen = Vec::new();
    let done = eventually(&format!("job {id} finishing"), 60, async || {
        let j = job(s, id).await;
        if j["state"] == "running" {
            seen.extend(j["progress_done"].as_i64());
        }
        (j["state"] == "succeeded" || j["state"] == "dead").then_some(j)
    })
    .await;
    assert_eq!(done["state"], "succeeded", "{done}");
    (done, seen)
}

async fn list(s: &TestServer, path: &str) -> Vec<Value> {
    let (st, body) = s.call(Method::GET, path, Role::Viewer, None).await;
    assert_eq!(st, 200, "{body}");
    body.as_array().unwrap().clone()
}

#[tokio::test]
async fn a_sync_with_the_demos_1c_zup_keeps_the_demo_center_and_uploads_its_timetable() {
    let s = TestServer::start().await;
    let api = Api::new(&s.base, s.token(Role::Admin));
    let now = Utc::now();
    let site = center::set_up(&api, now).await.unwrap();

    let sim = registry::simulator(site.grid.tz());
    // Quicker than the demo's 150 ms, still slow enough for the progress to be seen moving.
    sim.set_behaviour(Behaviour {
        delay_ms: 25,
        ..Behaviour::default()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}{}",
        listener.local_addr().unwrap(),
        sim.base_path()
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(sim.clone().serve(listener, async {
        let _ = stopped.await;
    }));
    assert_eq!(
        registry::point_registry_at(&api, &url).await.unwrap(),
        registry::Pointed::Simulator
    );
    let groups_before = list(&s, "/api/v1/groups").await;
    let agents_before = list(&s, "/api/v1/agents").await;
    assert_eq!(
        (groups_before.len(), agents_before.len()),
        (5, center::OPERATORS)
    );

    let (first, _) = settled(&s, trigger(&s, json!({"kind": "personnel_sync"})).await).await;
    let r = &first["result"];
    assert_eq!(r["records"], center::OPERATORS, "{r}");
    assert_eq!(
        (&r["created"], &r["services_created"], &r["groups_created"]),
        (&json!(0), &json!(0), &json!(0)),
        "{r}"
    );
    assert_eq!(r["deactivated"], 0, "{r}");
    assert_eq!(r["skipped"], json!([]), "{r}");
    assert_eq!(r["consistency"]["discrepancies"], 0, "{r}");
    // The same services, groups and operators, each in its group, with its name.
    let services = list(&s, "/api/v1/services").await;
    assert_eq!(services.len(), 2);
    assert_eq!(list(&s, "/api/v1/groups").await, groups_before);
    let agents = list(&s, "/api/v1/agents").await;
    assert_eq!(agents.len(), center::OPERATORS);
    for (after, before) in agents.iter().zip(&agents_before) {
        for field in [
            "id",
            "external_id",
            "full_name",
            "personnel_number",
            "primary_group_id",
            "skills",
            "active",
        ] {
            assert_eq!(after[field], before[field], "{field} of {before}");
        }
    }
    let (second, _) = settled(&s, trigger(&s, json!({"kind": "personnel_sync"})).await).await;
    assert_eq!(second["result"]["unchanged"], center::OPERATORS, "{second}");
    assert_eq!(second["result"]["consistency"]["discrepancies"], 0);

    // The demo's day, in the month of the site's day (1C's dates are the site's).
    let day = site.grid.local_date(now);
    let from = day.with_day(1).unwrap();
    let to = (from + Months::new(1)).pred_opt().unwrap();
    let upload = json!({"kind": "schedule_upload", "scope": {"from": from, "to": to}});
    let (uploaded, progress) = settled(&s, trigger(&s, upload).await).await;
    let r = &uploaded["result"];
    assert_eq!(r["uploaded"], center::OPERATORS, "{r}");
    assert_eq!(r["skipped_without_shifts"], 0, "{r}");
    assert_eq!(r["shifts"], center::OPERATORS, "{r}");
    assert_eq!(r["refused"], json!([]), "{r}");
    assert!(
        progress
            .iter()
            .any(|&p| 0 < p && p < center::OPERATORS as i64),
        "progress seen while running: {progress:?}"
    );
    let held = sim.employees();
    assert!(held.iter().all(|e| !sim.schedules(&e.id).is_empty()));

    let (norms, _) = settled(&s, trigger(&s, json!({"kind": "norm_hours"})).await).await;
    assert_eq!(norms["result"]["employees"], center::OPERATORS, "{norms}");
    let _ = stop.send(());
}
