//! Uploads to 1C ZUP and what comes back: schedules, the timesheet, each documented refusal,
//! deviation documents from a late login, and the trigger's own checks.

use super::*;
use chrono::{DateTime, TimeZone, Timelike};

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
    // Planned two hours of day work (night hours, 22:00-06:00, are documents of their own)
    // that ended at least an hour ago; logged in half an hour late.
    let t0 = day_work_ended_before(Utc::now() - Span::hours(1)) - Span::hours(2);
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

/// The latest quarter hour at or before `t` that ends two hours of day work in Moscow
/// (08:00 to 22:00 local), so that the test's day holds no night hours at any time of day.
fn day_work_ended_before(t: DateTime<Utc>) -> DateTime<Utc> {
    let zone = chrono_tz::Europe::Moscow;
    let quarter = t.timestamp() - t.timestamp().rem_euclid(15 * 60);
    let end = DateTime::from_timestamp(quarter, 0)
        .unwrap()
        .with_timezone(&zone);
    let at = |day: chrono::NaiveDate, h: u32| {
        zone.from_local_datetime(&day.and_hms_opt(h, 0, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    match end.hour() {
        8..22 => end.with_timezone(&Utc),
        22.. => at(end.date_naive(), 22),
        _ => at(end.date_naive().pred_opt().unwrap(), 22),
    }
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
