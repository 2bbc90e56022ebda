//! Sync with 1C ZUP end to end, over HTTP, against the 1C ZUP simulator: personnel sync and a
//! change in 1C showing in WFM, norm hours, schedules, the timesheet, deviation documents,
//! each documented refusal reaching the user, the outage drill, jobs surviving a restart,
//! the endpoint map, the activity log and the trigger's validation.

mod common;

use std::time::{Duration, Instant};

use chrono::{Datelike, Duration as Span, Utc};
use common::TestServer;
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
    let (_, map) = s
        .call(
            Method::GET,
            "/api/v1/integration/mapping/endpoints",
            Role::Admin,
            None,
        )
        .await;
    let mut zup = map["systems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["system"] == "zup")
        .unwrap()
        .clone();
    let zup = zup.as_object_mut().unwrap();
    zup.remove("endpoint_states");
    zup.remove("circuit_state");
    zup.remove("updated_at");
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
    let (st, body) = s
        .call(
            Method::PUT,
            "/api/v1/integration/mapping/endpoints",
            Role::Admin,
            Some(json!(zup)),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["password"], "********");
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

#[tokio::test]
async fn personnel_sync_brings_1c_in_and_a_change_in_1c_shows_after_a_sync() {
    let zup = sim(60, 8).await;
    let s = TestServer::start().await;
    site(&s).await;
    connect(&s, &zup).await;
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .date_naive();
    let delivered: Vec<_> = zup
        .sim
        .employees()
        .into_iter()
        .filter(|e| {
            e.startwork <= today && e.finishwork.is_none_or(|f| f >= today - Span::days(31))
        })
        .collect();
    assert!(
        delivered.len() > 40 && delivered.len() < 60,
        "{}",
        delivered.len()
    );

    let job = synced(&s).await;
    let r = &job["result"];
    assert_eq!(r["created"], delivered.len(), "{r}");
    assert_eq!(r["unchanged"], 0);
    assert!(r["groups_created"].as_u64().unwrap() > 0, "{r}");
    assert_eq!(job["progress_done"], job["progress_total"]);
    let stored = employees(&s).await;
    assert_eq!(stored.len(), delivered.len());
    let one = &delivered[0];
    let link = stored
        .iter()
        .find(|e| e["employee"]["id"] == one.id)
        .unwrap();
    let (_, agent) = s
        .call(
            Method::GET,
            &format!("/api/v1/agents/{}", link["agent_id"]),
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!(agent["full_name"], one.full_name());
    assert_eq!(agent["personnel_number"], one.tab_n);

    // A change made in 1C shows in WFM after the next triggered sync, within 30 s.
    zup.sim
        .update_employee(
            &one.id,
            wfm_pulse::sim::zup::EmployeePatch {
                lastname: Some("Переименованный".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let started = Instant::now();
    let job = synced(&s).await;
    let (_, agent) = s
        .call(
            Method::GET,
            &format!("/api/v1/agents/{}", link["agent_id"]),
            Role::Viewer,
            None,
        )
        .await;
    assert!(
        agent["full_name"]
            .as_str()
            .unwrap()
            .starts_with("Переименованный"),
        "{agent}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    let r = &job["result"];
    assert_eq!(r["updated"], 1, "{r}");
    assert_eq!(r["unchanged"], delivered.len() - 1);
    assert_eq!(r["consistency"]["by_field"]["full_name"], 1, "{r}");
    assert_eq!(r["consistency"]["samples"][0]["employee_id"], one.id);
}

#[tokio::test]
async fn one_correlation_id_links_the_trigger_its_job_every_call_and_the_changes() {
    let zup = sim(20, 4).await;
    let s = TestServer::start().await;
    site(&s).await;
    connect(&s, &zup).await;
    let (id, correlation) = trigger(&s, json!({"kind": "personnel_sync"})).await;
    assert_eq!(settled(&s, id, 60).await["state"], "succeeded");
    let (_, log) = s
        .call(
            Method::GET,
            &format!("/api/v1/integration/logs/activity?correlation_id={correlation}"),
            Role::Manager,
            None,
        )
        .await;
    let rows = log["items"].as_array().unwrap();
    let steps: Vec<(&str, &str)> = rows
        .iter()
        .rev()
        .map(|r| {
            (
                r["operation"].as_str().unwrap(),
                r["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("job.personnel_sync", "queued"),
            ("job.personnel_sync", "started"),
            ("agents", "success"),
            ("job.personnel_sync", "succeeded"),
        ]
    );
    let call = &rows[1];
    assert_eq!(
        (call["http_status"].as_u64(), call["direction"].as_str()),
        (Some(200), Some("inbound"))
    );
    assert_eq!(call["job_id"], id);
    // The simulator saw the same id; the audit log holds the agents the sync created.
    assert!(
        zup.sim
            .requests()
            .iter()
            .any(|r| r.correlation_id.as_deref() == Some(&correlation))
    );
    let (_, audit) = s
        .call(
            Method::GET,
            &format!("/api/v1/audit?correlation_id={correlation}"),
            Role::Manager,
            None,
        )
        .await;
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["entity"] == "agent"),
        "{audit}"
    );
    // No personal data in the log rows.
    let text = log.to_string();
    for e in zup.sim.employees() {
        assert!(
            !text.contains(&e.lastname),
            "{} leaked into the log",
            e.lastname
        );
    }
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

#[tokio::test]
async fn schedules_go_to_1c_and_each_documented_refusal_reaches_the_user() {
    let zup = sim(20, 4).await;
    let s = TestServer::start().await;
    site(&s).await;
    connect(&s, &zup).await;
    synced(&s).await;
    let active: Vec<Value> = employees(&s)
        .await
        .into_iter()
        .filter(|e| e["active"] == true)
        .collect();
    let (a, b) = (&active[0], &active[1]);
    let agent = a["agent_id"].as_i64().unwrap();
    plan_shifts(&s, agent).await;
    let tz = chrono_tz::Europe::Moscow;
    let today = Utc::now().with_timezone(&tz).date_naive();

    let (id, _) = trigger(
        &s,
        json!({"kind": "schedule_upload", "scope": {"agent_ids": [agent]}}),
    )
    .await;
    let job = settled(&s, id, 60).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["result"]["uploaded"], 1);
    let months = zup.sim.schedules(a["employee"]["id"].as_str().unwrap());
    assert!(!months.is_empty());

    // The timesheet comes back with the uploaded days.
    let (id, _) = trigger(
        &s,
        json!({"kind": "timetype_fetch", "scope": {"agent_ids": [agent]}}),
    )
    .await;
    let job = settled(&s, id, 60).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let (_, sheet) = s
        .call(
            Method::GET,
            &format!("/api/v1/integration/zup/timesheet?from={today}&to={today}"),
            Role::Manager,
            None,
        )
        .await;
    assert!(
        sheet["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["timetype"] == "Я"),
        "{sheet}"
    );

    let last_month = (today.with_day(1).unwrap() - Span::days(1))
        .with_day(1)
        .unwrap();
    let (message, action) = refusal(
        &s,
        json!({"kind": "schedule_upload", "scope": {"agent_ids": [agent], "from": last_month,
               "to": today.with_day(1).unwrap() - Span::days(1)}}),
    )
    .await;
    assert_eq!(
        message,
        "It is forbidden to modify schedules for past periods. Individual schedules have not been created."
    );
    assert_eq!(action, "Use current month or later");

    let (message, action) = refusal(
        &s,
        json!({"kind": "schedule_upload", "scope": {"agent_ids": [b["agent_id"]]}}),
    )
    .await;
    assert_eq!(
        message,
        "There is no data for the employee. Individual schedules have not been created."
    );
    assert_eq!(action, "Provide shift data");

    zup.sim.add_part_month_schedule(
        a["employee"]["id"].as_str().unwrap(),
        today.year(),
        today.month(),
    );
    let (message, action) = refusal(
        &s,
        json!({"kind": "schedule_upload", "scope": {"agent_ids": [agent]}}),
    )
    .await;
    let month = today.format("%B %Y").to_string();
    assert_eq!(
        message,
        format!(
            "For {month}, there is a part-month schedule for an employee. Delete this schedule in 1C:ZUP and re-upload the schedules from WFM."
        )
    );
    assert_eq!(action, "Delete existing schedule");

    zup.sim.remove_calendar(today.year());
    let (message, action) = refusal(
        &s,
        json!({"kind": "schedule_upload", "scope": {"agent_ids": [agent]}}),
    )
    .await;
    assert_eq!(
        message,
        format!(
            "For {}, the RF production calendar has not been filled in! Individual schedules have not been created.",
            today.year()
        )
    );
    assert_eq!(action, "Load production calendar");
}

#[tokio::test]
async fn norm_hours_match_the_production_calendar() {
    let zup = sim(20, 4).await;
    let s = TestServer::start().await;
    site(&s).await;
    connect(&s, &zup).await;
    synced(&s).await;
    let year = Utc::now().year();
    let (id, _) = trigger(
        &s,
        json!({"kind": "norm_hours", "scope": {"mode": "year", "from": format!("{year}-01-01"), "to": format!("{year}-12-31")}}),
    )
    .await;
    let job = settled(&s, id, 60).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let (_, norms) = s
        .call(
            Method::GET,
            "/api/v1/integration/zup/norm-hours",
            Role::Manager,
            None,
        )
        .await;
    let calendars: wfm_core::zup::norm::Calendars = wfm_core::zup::calendar::BUNDLED
        .iter()
        .map(|(y, xml)| {
            (
                *y,
                wfm_core::zup::calendar::ProductionCalendar::parse_xml(xml).unwrap(),
            )
        })
        .collect();
    let by_id: std::collections::HashMap<String, wfm_core::zup::personnel::Employee> = zup
        .sim
        .employees()
        .into_iter()
        .map(|e| (e.id.clone(), e))
        .collect();
    let items = norms["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for row in items {
        let e = &by_id[row["employee_id"].as_str().unwrap()];
        let employment = wfm_core::zup::norm::Employment {
            hired: Some(e.startwork),
            terminated: e.finishwork,
            rate: 1.0,
            norms: vec![wfm_core::zup::norm::NormChange {
                from: e.norm_week_change_date.min(e.startwork),
                weekly_hours: e.norm_week,
            }],
        };
        let expected = wfm_core::zup::norm::norm_hours(
            &calendars,
            &employment,
            chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap(),
        )
        .unwrap();
        assert_eq!(row["hours"].as_f64().unwrap(), expected.hours, "{row}");
    }
}

#[tokio::test]
async fn outage_drill_nothing_lost_circuit_opens_and_closes_uploads_go_out_in_order() {
    let zup = sim(20, 4).await;
    let s = TestServer::start().await;
    site(&s).await;
    connect(&s, &zup).await;
    synced(&s).await;
    let active: Vec<i64> = employees(&s)
        .await
        .into_iter()
        .filter(|e| e["active"] == true)
        .map(|e| e["agent_id"].as_i64().unwrap())
        .take(3)
        .collect();
    for a in &active {
        plan_shifts(&s, *a).await;
    }
    zup.sim.set_behaviour(Behaviour {
        down: true,
        ..Behaviour::default()
    });
    let mut jobs = Vec::new();
    for a in &active {
        jobs.push(
            trigger(
                &s,
                json!({"kind": "schedule_upload", "scope": {"agent_ids": [a]}}),
            )
            .await
            .0,
        );
    }
    // The circuit opens while 1C is down, and the uploads wait.
    common::eventually("the circuit opening", 30, async || {
        let (_, log) = s
            .call(
                Method::GET,
                "/api/v1/integration/logs/activity?operation=circuit&outcome=opened",
                Role::Manager,
                None,
            )
            .await;
        (!log["items"].as_array().unwrap().is_empty()).then_some(())
    })
    .await;
    let (_, first) = s
        .call(
            Method::GET,
            &format!("/api/v1/integration/sync/jobs/{}", jobs[0]),
            Role::Manager,
            None,
        )
        .await;
    assert_ne!(first["state"], "succeeded");
    let (_, map) = s
        .call(
            Method::GET,
            "/api/v1/integration/mapping/endpoints",
            Role::Manager,
            None,
        )
        .await;
    let (_, staff) = s
        .call(
            Method::GET,
            "/api/v1/integration/zup/employees",
            Role::Manager,
            None,
        )
        .await;
    assert!(
        staff["freshness"]["warning"]
            .as_str()
            .unwrap()
            .contains("unavailable"),
        "{staff}"
    );
    let zup_entry = map["systems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["system"] == "zup")
        .unwrap()
        .clone();
    let state = &zup_entry["circuit_state"];
    assert!(state == "open" || state == "half_open", "{state}");

    zup.sim.set_behaviour(Behaviour::default());
    for id in &jobs {
        let job = settled(&s, *id, 90).await;
        assert_eq!(job["state"], "succeeded", "{job}");
    }
    // In order: the simulator took the schedules as they were triggered.
    let taken: Vec<String> = zup
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "sendSchedule" && r.status == 200)
        .filter_map(|r| r.agent_id)
        .collect();
    let stored = employees(&s).await;
    let expected: Vec<String> = active
        .iter()
        .map(|a| {
            stored.iter().find(|e| e["agent_id"] == *a).unwrap()["employee"]["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(taken, expected);
    let (_, closed) = s
        .call(
            Method::GET,
            "/api/v1/integration/logs/activity?operation=circuit&outcome=closed",
            Role::Manager,
            None,
        )
        .await;
    assert!(
        !closed["items"].as_array().unwrap().is_empty(),
        "the circuit never closed"
    );
}

#[tokio::test]
async fn the_trigger_checks_its_input_and_honours_idempotency_keys() {
    let s = TestServer::start().await;
    let (st, e) = s
        .call(
            Method::POST,
            "/api/v1/integration/sync/trigger",
            Role::Manager,
            Some(json!({"kind": "payroll"})),
        )
        .await;
    assert_eq!((st, e["field"].as_str()), (400, Some("kind")), "{e}");
    let (st, e) = s
        .call(
            Method::POST,
            "/api/v1/integration/sync/trigger",
            Role::Manager,
            Some(json!({"kind": "norm_hours", "scope": {"mode": "week"}})),
        )
        .await;
    assert_eq!((st, e["field"].as_str()), (400, Some("scope.mode")), "{e}");
    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/integration/sync/trigger",
            Role::Viewer,
            Some(json!({"kind": "norm_hours"})),
        )
        .await;
    assert_eq!(st, 403);
    let (_, before) = s
        .call(
            Method::GET,
            "/api/v1/integration/sync/jobs",
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(
        before["items"].as_array().unwrap().len(),
        0,
        "a refused trigger wrote nothing"
    );
    let body = json!({"kind": "timetype_fetch", "idempotency_key": "k-1"});
    let (st, first) = s
        .call(
            Method::POST,
            "/api/v1/integration/sync/trigger",
            Role::Manager,
            Some(body.clone()),
        )
        .await;
    assert_eq!((st, first["created"].as_bool()), (202, Some(true)));
    let (st, again) = s
        .call(
            Method::POST,
            "/api/v1/integration/sync/trigger",
            Role::Manager,
            Some(body),
        )
        .await;
    assert_eq!((st, again["created"].as_bool()), (200, Some(false)));
    assert_eq!(first["job"]["id"], again["job"]["id"]);
    assert_eq!(
        first["job"]["scope"]["from"].as_str().map(|d| d.len()),
        Some(10),
        "defaults are filled in"
    );
}

#[tokio::test]
async fn the_endpoint_map_is_validated_masked_audited_and_used() {
    let zup = sim(10, 2).await;
    let s = TestServer::start().await;
    site(&s).await;
    let (_, map) = s
        .call(
            Method::GET,
            "/api/v1/integration/mapping/endpoints",
            Role::Manager,
            None,
        )
        .await;
    let systems = map["systems"].as_array().unwrap();
    assert_eq!(systems.len(), 2);
    let zup_entry = systems.iter().find(|x| x["system"] == "zup").unwrap();
    assert_eq!(zup_entry["password"], "********");
    assert_eq!(zup_entry["endpoints"].as_array().unwrap().len(), 5);
    assert!(zup_entry["field_mappings"].to_string().contains("tabN"));
    let mut bad = zup_entry.clone();
    bad["base_url"] = json!("not a url");
    for k in ["endpoint_states", "circuit_state", "updated_at"] {
        bad.as_object_mut().unwrap().remove(k);
    }
    let (st, e) = s
        .call(
            Method::PUT,
            "/api/v1/integration/mapping/endpoints",
            Role::Admin,
            Some(bad.clone()),
        )
        .await;
    assert_eq!((st, e["field"].as_str()), (400, Some("base_url")), "{e}");
    let (st, _) = s
        .call(
            Method::PUT,
            "/api/v1/integration/mapping/endpoints",
            Role::Manager,
            Some(bad),
        )
        .await;
    assert_eq!(st, 403);
    connect(&s, &zup).await;
    let (_, audit) = s
        .call(
            Method::GET,
            "/api/v1/audit?entity=integration_system",
            Role::Manager,
            None,
        )
        .await;
    assert!(
        !audit.to_string().contains(PASSWORD),
        "the audit log shows no password"
    );
    synced(&s).await;
    let (_, map) = s
        .call(
            Method::GET,
            "/api/v1/integration/mapping/endpoints",
            Role::Manager,
            None,
        )
        .await;
    let agents = map["systems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["system"] == "zup")
        .unwrap()["endpoint_states"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "agents")
        .unwrap()
        .clone();
    assert!(agents["last_success"].is_string(), "{agents}");
}

#[tokio::test]
async fn a_late_login_becomes_an_absence_document_in_1c() {
    let zup = sim(20, 4).await;
    let s = TestServer::start().await;
    site(&s).await;
    connect(&s, &zup).await;
    synced(&s).await;
    let e = employees(&s)
        .await
        .into_iter()
        .find(|e| e["active"] == true)
        .unwrap();
    let agent = e["agent_id"].as_i64().unwrap();
    let (_, a) = s
        .call(
            Method::GET,
            &format!("/api/v1/agents/{agent}"),
            Role::Viewer,
            None,
        )
        .await;
    let login = a["external_id"].as_str().unwrap().to_string();
    // Planned two hours ending an hour ago; logged in half an hour late.
    let quarter = Span::minutes(15);
    let now = Utc::now();
    let t0 = now - Span::seconds(now.timestamp() % quarter.num_seconds()) - Span::hours(3);
    let t0 = t0 - Span::nanoseconds(t0.timestamp_subsec_nanos().into());
    let segments = json!({"segments": [{"agent_id": agent, "start": t0, "end": t0 + Span::hours(2), "activity": "training"}]});
    let (st, body) = s
        .call(
            Method::PUT,
            "/api/v1/plan/timetable",
            Role::Manager,
            Some(segments),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    let day = t0.with_timezone(&chrono_tz::Europe::Moscow).date_naive();
    let (id, _) = trigger(
        &s,
        json!({"kind": "schedule_upload", "scope": {"agent_ids": [agent], "from": day, "to": day}}),
    )
    .await;
    assert_eq!(settled(&s, id, 60).await["state"], "succeeded");
    let events = json!([
        {"type": "agent_state", "id": "f1", "at": t0 + Span::minutes(30), "agent": login, "state": "not_ready"},
        {"type": "agent_state", "id": "f2", "at": t0 + Span::hours(2), "agent": login, "state": "logged_out"},
    ]);
    let report = common::center::push(&s, events).await;
    assert_eq!(report["accepted"], 2, "{report}");
    let (id, _) = trigger(
        &s,
        json!({"kind": "fact_worktime_upload", "scope": {"date": day, "initiator_name": "Ivanov I.I."}}),
    )
    .await;
    let job = settled(&s, id, 60).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["result"]["documents_created"], 1, "{job}");
    assert_eq!(job["result"]["documents"][0]["doc"], "Failure to appear");
    let docs = zup.sim.documents();
    assert_eq!(docs.len(), 1, "{docs:?}");
    assert!((docs[0].hours - 0.5).abs() < 1e-9, "{docs:?}");
    assert!(docs[0].comment.contains("Ivanov I.I."), "{docs:?}");
}

#[tokio::test]
async fn a_job_waiting_for_1c_survives_a_restart() {
    let zup = sim(20, 4).await;
    let dir = std::env::temp_dir().join(format!("wfm-pulse-restart-{}", uuid::Uuid::new_v4()));
    let data_dir = dir.to_str().unwrap().to_string();
    let s = TestServer::start_with(&[("WFM_DATA_DIR", &data_dir)]).await;
    site(&s).await;
    connect(&s, &zup).await;
    zup.sim.set_behaviour(Behaviour {
        down: true,
        ..Behaviour::default()
    });
    let (id, _) = trigger(&s, json!({"kind": "personnel_sync"})).await;
    let job = common::eventually("the job waiting for 1C", 30, async || {
        let (_, job) = s
            .call(
                Method::GET,
                &format!("/api/v1/integration/sync/jobs/{id}"),
                Role::Manager,
                None,
            )
            .await;
        (job["state"] == "retrying").then_some(job)
    })
    .await;
    assert!(
        job["last_error"].as_str().unwrap().contains("unavailable"),
        "{job}"
    );
    s.stop().await;
    zup.sim.set_behaviour(Behaviour::default());
    let s = TestServer::start_with(&[("WFM_DATA_DIR", &data_dir)]).await;
    let job = settled(&s, id, 90).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert!(job["attempts"].as_u64().unwrap() >= 2, "{job}");
    s.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn an_admin_requeues_a_dead_job_and_nothing_else() {
    let zup = sim(20, 4).await;
    let s = TestServer::start().await;
    site(&s).await;
    connect(&s, &zup).await;
    let ok = synced(&s).await;
    let agent = employees(&s)
        .await
        .into_iter()
        .find(|e| e["active"] == true)
        .unwrap()["agent_id"]
        .clone();
    let (id, _) = trigger(
        &s,
        json!({"kind": "schedule_upload", "scope": {"agent_ids": [agent]}}),
    )
    .await;
    let dead = settled(&s, id, 60).await;
    assert_eq!(dead["state"], "dead", "no shifts planned: {dead}");
    let path = format!("/api/v1/integration/sync/jobs/{id}/requeue");
    let (st, _) = s.call(Method::POST, &path, Role::Manager, None).await;
    assert_eq!(st, 403);
    let (st, job) = s.call(Method::POST, &path, Role::Admin, None).await;
    assert_eq!((st, job["attempts"].as_u64()), (200, Some(0)), "{job}");
    let again = settled(&s, id, 60).await;
    assert_eq!(
        (again["state"].as_str(), again["attempts"].as_u64()),
        (Some("dead"), Some(1)),
        "{again}"
    );
    let (st, _) = s
        .call(
            Method::POST,
            &format!("/api/v1/integration/sync/jobs/{}/requeue", ok["id"]),
            Role::Admin,
            None,
        )
        .await;
    assert_eq!(st, 409, "a succeeded job is not requeued");
}
