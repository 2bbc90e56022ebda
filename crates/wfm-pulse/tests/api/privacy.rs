//! GDPR erasure end to end, on the real binary: an employee with distinctive strings
//! everywhere (names, patronymic, tabN, login, SN, Db_ID, area) is hired in the 1C ZUP
//! simulator, synced, given a timetable, norm hours, a schedule upload, a timesheet, a call to
//! the workplace and a day of status changes and calls; then erased. Afterwards no API read
//! names them (the views of what the server holds in memory, rejected input and the last
//! consistency check, included), no table of the database and no byte of its files holds
//! their strings, nor does the server's debug log, and the group's statistics are what they
//! were, also after a restart. The 1C deletion notice and the audit API are in
//! `privacy/notice.rs`; the permissions of the files holding personal data in
//! `privacy/files.rs`.

mod binary;
use crate::common;
mod files;
mod notice;
mod scan;

use chrono::{DateTime, Duration as Span, DurationRound, TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use wfm_pulse::sim::zup::{EmployeePatch, Hire, ZupSim, ZupSimConfig};
use wfm_store::model::Role;

use binary::Binary;

const LASTNAME: &str = "Qzxjvkpw";
const FIRSTNAME: &str = "Ywmtrlqb";
const PATRONYMIC: &str = "Fhtnbvcxovna";
const TAB_N: &str = "TN-Qz7781";
const LOGIN: &str = "qzxlogin.ywm";
const SN: &str = "SN-Pqwzx-118";
const DB_ID: &str = "DB-Vvqzt-42";
const AREA: &str = "Area-Kxqzv";
/// The last name 1C gives them later (never stored in WFM, so not looked for in the store).
const RENAMED: &str = "Renamedqzx";
const SIM_PASSWORD: &str = "sim-password";

/// The 1C ZUP simulator on a local port; stops when dropped.
struct Sim {
    sim: ZupSim,
    url: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn sim(employees: usize) -> Sim {
    let sim = ZupSim::new(ZupSimConfig {
        seed: 11,
        employees,
        departments: 3,
        user: "WFMSystem".into(),
        password: SIM_PASSWORD.into(),
        base_path: "/zup/hs/wfm".into(),
        time_zone: chrono_tz::Europe::Moscow,
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(sim.clone().serve(listener, async {
        let _ = rx.await;
    }));
    Sim {
        sim,
        url,
        _stop: tx,
    }
}

/// What the tests need of a server: the real binary or an in-process one.
trait Server {
    async fn send(
        &self,
        method: Method,
        path: &str,
        role: Role,
        body: Option<Value>,
    ) -> (u16, Value);
}

impl Server for Binary {
    async fn send(&self, m: Method, p: &str, r: Role, b: Option<Value>) -> (u16, Value) {
        self.call(m, p, r, b).await
    }
}

impl Server for common::TestServer {
    async fn send(&self, m: Method, p: &str, r: Role, b: Option<Value>) -> (u16, Value) {
        self.call(m, p, r, b).await
    }
}

/// Creates the site and points the server's 1C ZUP entry at the simulator.
async fn set_up(s: &impl Server, zup: &Sim) -> i64 {
    let site = json!({"name": "Moscow", "time_zone": "Europe/Moscow"});
    let (st, site) = s
        .send(Method::POST, "/api/v1/sites", Role::Manager, Some(site))
        .await;
    assert_eq!(st, 201, "{site}");
    let (_, map) = s
        .send(
            Method::GET,
            "/api/v1/integration/mapping/endpoints",
            Role::Admin,
            None,
        )
        .await;
    let mut entry = map["systems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["system"] == "zup")
        .unwrap()
        .clone();
    let e = entry.as_object_mut().unwrap();
    e.insert("base_url".into(), json!(format!("{}/zup/hs/wfm", zup.url)));
    e.insert("password".into(), json!(SIM_PASSWORD));
    e.insert(
        "retry".into(),
        json!({"max_attempts": 2, "base_delay_ms": 10, "max_delay_ms": 20}),
    );
    let (st, body) = s
        .send(
            Method::PUT,
            "/api/v1/integration/mapping/endpoints",
            Role::Admin,
            Some(json!({ "systems": [entry] })),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    site["id"].as_i64().unwrap()
}

/// Triggers a job and waits for it to succeed; returns it.
async fn job(s: &impl Server, body: Value) -> Value {
    let (st, answer) = s
        .send(
            Method::POST,
            "/api/v1/integration/sync/trigger",
            Role::Manager,
            Some(body),
        )
        .await;
    assert_eq!(st, 202, "{answer}");
    let id = answer["job"]["id"].as_i64().unwrap();
    let path = format!("/api/v1/integration/sync/jobs/{id}");
    let job = common::eventually(&format!("job {id} finishing"), 60, async || {
        let (_, job) = s.send(Method::GET, &path, Role::Manager, None).await;
        (job["state"] == "succeeded" || job["state"] == "dead").then_some(job)
    })
    .await;
    assert_eq!(job["state"], "succeeded", "{job}");
    job
}

async fn agent_by_login(s: &impl Server, login: &str) -> Value {
    let (_, agents) = s
        .send(Method::GET, "/api/v1/agents", Role::Viewer, None)
        .await;
    agents
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["external_id"] == login)
        .unwrap_or_else(|| panic!("no agent {login}: {agents}"))
        .clone()
}

fn day_start(now: DateTime<Utc>) -> DateTime<Utc> {
    let tz = chrono_tz::Europe::Moscow;
    let local = now.with_timezone(&tz).date_naive();
    tz.from_local_datetime(&local.and_hms_opt(0, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// A day of work for the agent: on line from the first status push, five calls answered,
/// one abandoned; all between the day's start (or 30 minutes ago) and now.
async fn a_day_of_events(s: &Binary, group: i64) {
    let now = Utc::now().duration_trunc(Span::seconds(1)).unwrap();
    let start = (now - Span::minutes(30)).max(day_start(now) + Span::seconds(1));
    let step = (now - Span::seconds(5) - start) / 30;
    let at = |k: i32| start + step * k;
    let push = json!([{"workerId": LOGIN, "stateName": "Ready", "stateCode": "Ready",
        "systemId": "CC", "actionTime": at(0).timestamp(), "action": 1}]);
    let (st, report) = s
        .send(
            Method::POST,
            "/ccwfm/api/rest/status",
            Role::Integration,
            Some(push),
        )
        .await;
    assert!(st < 300 && report["accepted"] == 1, "{st} {report}");
    let mut events = Vec::new();
    for c in 0..5 {
        let k = 1 + c * 5;
        let call = format!("pc-{c}");
        events.push(json!({"type": "call_offered", "id": format!("po-{c}"), "at": at(k), "call_id": call, "group": group.to_string()}));
        events.push(json!({"type": "call_answered", "id": format!("pa-{c}"), "at": at(k + 1), "call_id": call, "agent": LOGIN}));
        events.push(json!({"type": "call_ended", "id": format!("pe-{c}"), "at": at(k + 2), "call_id": call, "talk_seconds": 40 + c, "hold_seconds": 3}));
        events.push(json!({"type": "wrap_up_ended", "id": format!("pw-{c}"), "at": at(k + 3), "call_id": call}));
    }
    events.push(json!({"type": "call_offered", "id": "po-x", "at": at(27), "call_id": "pc-x", "group": group.to_string()}));
    events.push(json!({"type": "call_abandoned", "id": "pb-x", "at": at(28), "call_id": "pc-x"}));
    let (st, report) = s
        .send(
            Method::POST,
            "/api/v1/events",
            Role::Integration,
            Some(json!(events)),
        )
        .await;
    assert!(st < 300 && report["accepted"] == 22, "{st} {report}");
}

/// Pushes a status change of `login` to `code` at `at`; the ingest report.
async fn push_status(s: &impl Server, login: &str, code: &str, at: DateTime<Utc>) -> Value {
    let push = json!({"workerId": login, "stateName": code, "stateCode": code,
        "systemId": "CC", "actionTime": at.timestamp(), "action": 1});
    let (st, report) = s
        .send(
            Method::POST,
            "/ccwfm/api/rest/status",
            Role::Integration,
            Some(push),
        )
        .await;
    assert!(st < 300, "{st} {report}");
    report
}

/// What the server shows of what it holds in memory: rejected input with samples, and data
/// quality with the last consistency check.
async fn memory_views(s: &impl Server) -> String {
    let mut text = String::new();
    for path in ["/api/v1/ingest/rejections", "/api/v1/integration/quality"] {
        let (st, body) = s.send(Method::GET, path, Role::Admin, None).await;
        assert_eq!(st, 200, "{path}: {body}");
        text += &body.to_string();
    }
    text
}

async fn statistics(s: &Binary, group: i64) -> Value {
    let (_, rt) = s
        .send(
            Method::GET,
            "/api/v1/performance/metrics/realtime",
            Role::Viewer,
            None,
        )
        .await;
    let (_, sla) = s
        .send(
            Method::GET,
            "/api/v1/performance/sla/compliance",
            Role::Viewer,
            None,
        )
        .await;
    scan::figures(&rt, &sla, group)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_employee_is_in_no_table_api_or_log_and_the_statistics_stay() {
    // 24 others, so that one employee differing (below) stays under the 5 % that halts sync.
    let zup = sim(24).await;
    let hired = zup
        .sim
        .hire(Hire {
            lastname: Some(LASTNAME.into()),
            firstname: Some(FIRSTNAME.into()),
            secondname: Some(PATRONYMIC.into()),
            login: Some(LOGIN.into()),
            area: Some(AREA.into()),
            tab_n: Some(TAB_N.into()),
            sn: Some(SN.into()),
            db_id: Some(DB_ID.into()),
            ..Default::default()
        })
        .unwrap();
    let uid = hired.id.clone();
    let needles = [
        LASTNAME, FIRSTNAME, PATRONYMIC, TAB_N, LOGIN, SN, DB_ID, AREA, &uid,
    ];
    let dir = binary::data_dir();
    let (log, db) = (dir.join("server.log"), dir.join("wfm-pulse.db"));
    let port = binary::free_port();
    let s = Binary::start(&dir, port, &log).await;
    set_up(&s, &zup).await;
    // Their status pushed before WFM knows them: rejected, and kept as a sample in memory.
    let early = push_status(&s, LOGIN, "Ready", Utc::now() - Span::seconds(5)).await;
    assert_eq!(early["rejected"], 1, "{early}");
    job(&s, json!({"kind": "personnel_sync"})).await;
    let agent = agent_by_login(&s, LOGIN).await;
    let (id, group) = (
        agent["id"].as_i64().unwrap(),
        agent["primary_group_id"].as_i64().unwrap(),
    );
    assert_eq!(
        agent["full_name"],
        format!("{LASTNAME} {FIRSTNAME} {PATRONYMIC}")
    );

    // The plan, 1C's data about them, and a day of work.
    let from = day_start(Utc::now());
    let to = from + Span::days(1);
    let segment =
        json!({"agent_id": id, "start": from, "end": to, "activity": "line", "group_id": group});
    let (st, body) = s
        .send(
            Method::PUT,
            "/api/v1/plan/timetable",
            Role::Manager,
            Some(json!({"segments": [segment]})),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    let scope = |kind: &str| json!({"kind": kind, "scope": {"agent_ids": [id]}});
    job(
        &s,
        json!({"kind": "norm_hours", "scope": {"mode": "month", "agent_ids": [id]}}),
    )
    .await;
    job(&s, scope("schedule_upload")).await;
    job(&s, scope("timetype_fetch")).await;
    let (st, body) = s
        .send(
            Method::POST,
            &format!("/api/v1/monitoring/operators/{id}/call-to-workplace"),
            Role::Supervisor,
            None,
        )
        .await;
    assert!(st < 300, "{st} {body}");
    a_day_of_events(&s, group).await;
    let before = common::eventually("the day's calls counted", 30, async || {
        let f = statistics(&s, group).await;
        (f["answered_today"] == 5 && f["abandoned_today"] == 1 && f["online"] == 1).then_some(f)
    })
    .await;
    // A status code nobody mapped: rejected, its event id carrying the login.
    let bogus = push_status(&s, LOGIN, "Bogus", Utc::now() - Span::seconds(1)).await;
    assert_eq!(bogus["rejected"], 1, "{bogus}");
    // 1C renames them: the check on demand lists the difference (kept in memory, shown in
    // the data quality view) and applies nothing.
    zup.sim
        .update_employee(
            &uid,
            EmployeePatch {
                lastname: Some(RENAMED.into()),
                ..Default::default()
            },
        )
        .unwrap();
    let (st, check) = s
        .send(
            Method::POST,
            "/api/v1/integration/consistency/check",
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(st, 200, "{check}");
    assert_eq!(check["verdict"]["corrupted"], false, "{check}");
    let held = memory_views(&s).await;
    for n in [LOGIN, LASTNAME, &uid, RENAMED] {
        assert!(held.contains(n), "{n} is held in memory: {held}");
    }

    // The scans see the person now: every string is somewhere in the database.
    let stored = scan::tables(&db, &needles).await;
    for n in &needles {
        assert!(
            stored.iter().any(|(_, x)| x == n),
            "{n} is stored: {stored:?}"
        );
    }

    let (st, deletion) = s
        .send(
            Method::POST,
            "/api/v1/privacy/deletions",
            Role::Admin,
            Some(json!({"agent_id": id})),
        )
        .await;
    assert_eq!(st, 201, "{deletion}");
    assert_eq!(
        (deletion["state"].as_str(), deletion["agent_id"].as_i64()),
        (Some("completed"), Some(id))
    );
    let pseudonym = deletion["pseudonym"].as_str().unwrap().to_string();
    let path = format!("/api/v1/privacy/deletions/{}", deletion["id"]);
    let (st, shown) = s.send(Method::GET, &path, Role::Manager, None).await;
    assert_eq!((st, &shown), (200, &deletion));
    // The live view follows: the operator shows under the pseudonym.
    common::eventually("the operator renamed", 30, async || {
        let (_, ops) = s
            .send(
                Method::GET,
                "/api/v1/monitoring/operators",
                Role::Supervisor,
                None,
            )
            .await;
        ops.as_array()?
            .iter()
            .any(|o| o["agent_id"] == id && o["login"] == pseudonym.as_str())
            .then_some(())
    })
    .await;

    // (d) The group's statistics are unchanged.
    assert_eq!(statistics(&s, group).await, before);
    // (a) No read of the API names the person.
    let (_, jobs) = s
        .send(
            Method::GET,
            "/api/v1/integration/sync/jobs?limit=1000",
            Role::Manager,
            None,
        )
        .await;
    let ids = scan::Ids {
        agent: id,
        jobs: jobs["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| j["id"].as_i64().unwrap())
            .collect(),
        deletion: deletion["id"].as_i64(),
        range: format!("from={}&to={}", from.to_rfc3339(), to.to_rfc3339()).replace('+', "%2B"),
        date: from
            .with_timezone(&chrono_tz::Europe::Moscow)
            .date_naive()
            .to_string(),
    };
    let reads = scan::api(&s, &ids).await;
    assert!(
        reads.iter().any(|(_, body)| body.contains(&pseudonym)),
        "the agent is still listed"
    );
    assert_eq!(scan::hits(&reads, &needles), Vec::<String>::new());
    // What memory held goes too: the samples stay, under the pseudonym.
    let held = memory_views(&s).await;
    assert!(!held.contains(RENAMED), "{held}");
    assert!(
        held.contains(&format!("argus:CC:{pseudonym}:Bogus:")),
        "the sample stays, renamed: {held}"
    );
    let (_, audit) = s
        .send(
            Method::GET,
            &format!("/api/v1/audit?entity=agent&entity_id={id}"),
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(
        audit["items"][0]["after"]["full_name"], "[erased]",
        "{audit}"
    );

    // After a restart (the day replayed from the store) the figures are the same again.
    s.stop();
    let s = Binary::start(&dir, port, &log).await;
    let again = common::eventually("the replayed day", 30, async || {
        let f = statistics(&s, group).await;
        (f["answered_today"] == 5).then_some(f)
    })
    .await;
    assert_eq!(again, before);
    let reads = scan::api(&s, &ids).await;
    assert_eq!(scan::hits(&reads, &needles), Vec::<String>::new());
    s.stop();

    // (b) Every table, and the raw bytes of the database files: zero hits.
    assert_eq!(
        scan::tables(&db, &needles).await,
        Vec::<(String, String)>::new()
    );
    assert_eq!(scan::files(&db, &needles), Vec::<String>::new());
    // (c) The debug log of both runs: zero hits.
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("DEBUG") && text.contains("audit log retention purge"),
        "the log was captured"
    );
    let leaked: Vec<&&str> = needles.iter().filter(|n| text.contains(**n)).collect();
    assert!(leaked.is_empty(), "in the log: {leaked:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
