//! Norm hours by the production calendar and Individual schedules: the answers, and each
//! documented refusal and validation text.

use super::*;

#[tokio::test]
async fn norm_hours_follow_the_2018_production_calendar() {
    let sim = Sim::small().await;
    let veteran = sim.hire(d(2017, 1, 1));
    let request = |mode: &str, week: f64, start: &str| {
        json!({"startDate": start, "endDate": "2018-12-31", "calculationMode": mode,
               "AR_agents": [{"agentId": veteran, "AR_norms": [{"normWeek": week, "changeDate": "2017-01-01"}]}]})
    };
    let (status, body) = sim
        .post("getNormHours", request("year", 40.0, "2018-01-01"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!([{"agentId": veteran, "normHours": 1970, "startDate": "2018-01-01", "endDate": "2018-12-31"}])
    );
    let (_, body) = sim
        .post("getNormHours", request("quarter", 40.0, "2018-01-01"))
        .await;
    let quarters: Vec<(f64, &str, &str)> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["normHours"].as_f64().unwrap(),
                r["startDate"].as_str().unwrap(),
                r["endDate"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        quarters,
        [
            (446.0, "2018-01-01", "2018-03-31"),
            (485.0, "2018-04-01", "2018-06-30"),
            (520.0, "2018-07-01", "2018-09-30"),
            (519.0, "2018-10-01", "2018-12-31"),
        ]
    );
    let (_, body) = sim
        .post("getNormHours", request("year", 36.0, "2018-01-01"))
        .await;
    assert_eq!(body[0]["normHours"], 1772.4);
    let (_, body) = sim
        .post("getNormHours", request("year", 40.0, "2018-04-01"))
        .await;
    assert_eq!(
        (body[0]["normHours"].as_f64(), body[0]["startDate"].as_str()),
        (Some(1524.0), Some("2018-04-01"))
    );
    // Hired within the period: counted from the hire date, which is the answer's startDate.
    let newcomer = sim.hire(d(2018, 6, 29));
    let (_, body) = sim
        .post(
            "getNormHours",
            json!({"startDate": "2018-01-01", "endDate": "2018-12-31", "calculationMode": "year",
                   "AR_agents": [{"agentId": newcomer, "AR_norms": [{"normWeek": 40}]}]}),
        )
        .await;
    assert_eq!(
        body,
        json!([{"agentId": newcomer, "normHours": 1047, "startDate": "2018-06-29", "endDate": "2018-12-31"}])
    );
    // Terminated within the period: counted to the termination date.
    let leaver = sim
        .sim
        .hire(Hire {
            startwork: Some(d(2017, 1, 1)),
            finishwork: Some(d(2018, 5, 21)),
            ..Hire::default()
        })
        .unwrap()
        .id;
    let (_, body) = sim
        .post(
            "getNormHours",
            json!({"startDate": "2018-01-03", "endDate": "2018-12-31", "calculationMode": "year",
                   "AR_agents": [{"agentId": leaver, "AR_norms": [{"normWeek": 36}]}]}),
        )
        .await;
    assert_eq!(
        body,
        json!([{"agentId": leaver, "normHours": 636.8, "startDate": "2018-01-03", "endDate": "2018-05-21"}])
    );
    sim.stop().await;
}

#[tokio::test]
async fn norm_hours_refuse_missing_calendars_bad_modes_and_unknown_employees() {
    let sim = Sim::small().await;
    let id = sim.hire(d(2017, 1, 1));
    let body = |mode: &str, agent: &str, start: &str, end: &str| {
        json!({"startDate": start, "endDate": end, "calculationMode": mode,
               "AR_agents": [{"agentId": agent, "AR_norms": [{"normWeek": 40}]}]})
    };
    let (status, answer) = sim
        .post(
            "getNormHours",
            body("month", &id, "2019-01-01", "2019-12-31"),
        )
        .await;
    assert_eq!(status, 500);
    assert_eq!(
        answer["message"],
        "For 2019, the RF production calendar has not been filled in!"
    );
    let (status, answer) = sim
        .post(
            "getNormHours",
            body("week", &id, "2018-01-01", "2018-12-31"),
        )
        .await;
    assert_eq!(
        (status, answer["field"].as_str()),
        (400, Some("calculationMode"))
    );
    let stranger = "00000000-0000-0000-0000-000000000000";
    let (status, answer) = sim
        .post(
            "getNormHours",
            body("year", stranger, "2018-01-01", "2018-12-31"),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(answer["field"], "AR_agents[0].agentId");
    assert_eq!(answer["message"], employee_not_found(stranger));
    let (status, answer) = sim
        .post(
            "getNormHours",
            body("year", &id, "2018-12-31", "2018-01-01"),
        )
        .await;
    assert_eq!(
        (status, answer["message"].as_str()),
        (400, Some(END_BEFORE_START))
    );
    let (status, answer) = sim
        .post(
            "getNormHours",
            json!({"endDate": "2018-12-31", "calculationMode": "year", "AR_agents": []}),
        )
        .await;
    assert_eq!(
        (status, answer["message"].as_str()),
        (400, Some(required_missing("startDate").as_str()))
    );
    sim.stop().await;
}

#[tokio::test]
async fn send_schedule_creates_the_current_months() {
    let sim = Sim::small().await;
    sim.ensure_calendar();
    let id = sim.hire(d(2020, 1, 1));
    let today = sim.sim.today();
    let day = month_start(today).with_day(10).unwrap();
    let (status, body) = sim
        .post(
            "sendSchedule",
            json!({"agentId": id, "period1": format!("{}T00:00:00Z", month_start(today)),
                   "period2": format!("{}T00:00:00", month_end(today)),
                   "shift": [{"date_start": format!("{day}T09:00:00"), "daily_hours": "28800000", "night_hours": "0"},
                             {"date_start": format!("{}T23:00:00", day.succ_opt().unwrap()), "daily_hours": 0, "night_hours": 25_200_000}]}),
        )
        .await;
    assert_eq!(
        (status, body),
        (200, json!({"result": "true", "message": SCHEDULES_CREATED}))
    );
    let (status, months) = sim
        .control(reqwest::Method::GET, &format!("/sim/schedules/{id}"), None)
        .await;
    assert_eq!(status, 200);
    let months = months.as_array().unwrap();
    assert_eq!(months.len(), 1);
    assert_eq!(
        (months[0]["year"].as_i64(), months[0]["month"].as_u64()),
        (
            Some(i64::from(today.year())),
            Some(u64::from(today.month()))
        )
    );
    let days = months[0]["days"].as_array().unwrap();
    assert_eq!(days.len(), month_end(today).day() as usize);
    assert_eq!(
        (days[9]["timetype"].as_str(), days[9]["hours"].as_f64()),
        (Some("I"), Some(8.0))
    );
    assert_eq!(
        (days[10]["timetype"].as_str(), days[10]["hours"].as_f64()),
        (Some("H"), Some(7.0))
    );
    assert_eq!(
        (days[0]["timetype"].as_str(), days[0]["hours"].as_f64()),
        (Some("B"), Some(0.0))
    );
    sim.stop().await;
}

#[tokio::test]
async fn send_schedule_refusals_carry_1c_messages() {
    let sim = Sim::small().await;
    sim.ensure_calendar();
    let id = sim.hire(d(2020, 1, 1));
    let today = sim.sim.today();
    let shift = json!([{"date_start": format!("{}T09:00:00", month_start(today)), "daily_hours": 28_800_000, "night_hours": 0}]);
    let this_month = |shift: &Value| {
        json!({"agentId": id, "period1": month_start(today).to_string(),
               "period2": month_end(today).to_string(), "shift": shift})
    };
    let refused = |message: String| (500, json!({"result": "false", "message": message}));
    let past = json!({"agentId": id, "period1": "2018-01-01T00:00:00Z", "period2": "2018-12-31T00:00:00Z", "shift": shift});
    assert_eq!(
        sim.post("sendSchedule", past).await,
        refused("It is forbidden to modify schedules for past periods. Individual schedules have not been created.".into())
    );
    assert_eq!(
        sim.post("sendSchedule", this_month(&json!([]))).await,
        refused(
            "There is no data for the employee. Individual schedules have not been created.".into()
        )
    );
    let (status, _) = sim
        .control(
            reqwest::Method::POST,
            "/sim/part-month-schedules",
            Some(json!({"agentId": id, "year": today.year(), "month": today.month()})),
        )
        .await;
    assert_eq!(status, 204);
    let month = chrono::Month::try_from(today.month() as u8).unwrap().name();
    assert_eq!(
        sim.post("sendSchedule", this_month(&shift)).await,
        refused(format!(
            "For {month} {}, there is a part-month schedule for an employee. Delete this schedule in 1C:ZUP and re-upload the schedules from WFM.",
            today.year()
        ))
    );
    let other = sim.hire(d(2020, 1, 1));
    let (status, _) = sim
        .control(
            reqwest::Method::DELETE,
            &format!("/sim/calendars/{}", today.year()),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let other_month = json!({"agentId": other, "period1": month_start(today).to_string(),
                             "period2": month_end(today).to_string(), "shift": shift});
    assert_eq!(
        sim.post("sendSchedule", other_month).await,
        refused(format!(
            "For {}, the RF production calendar has not been filled in! Individual schedules have not been created.",
            today.year()
        ))
    );
    assert!(sim.sim.schedules(&id).is_empty() && sim.sim.schedules(&other).is_empty());
    sim.stop().await;
}

#[tokio::test]
async fn send_schedule_validates_its_input() {
    let sim = Sim::small().await;
    let id = sim.hire(d(2020, 1, 1));
    let stranger = "11111111-2222-3333-4444-555555555555";
    let (status, body) = sim
        .post("sendSchedule", json!({"agentId": stranger, "period1": "2030-01-01", "period2": "2030-01-31", "shift": []}))
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"field": "agentId", "message": employee_not_found(stranger)})
    );
    let (status, body) = sim
        .post(
            "sendSchedule",
            json!({"agentId": id, "period1": "2030-02-30", "period2": "2030-03-31", "shift": []}),
        )
        .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (400, Some(invalid_date("period1").as_str()))
    );
    let (status, body) = sim
        .post(
            "sendSchedule",
            json!({"agentId": id, "period1": "2030-03-01", "period2": "2030-02-01", "shift": []}),
        )
        .await;
    assert_eq!(
        (status, body["field"].as_str(), body["message"].as_str()),
        (400, Some("period2"), Some(END_BEFORE_START))
    );
    let (status, body) = sim
        .post(
            "sendSchedule",
            json!({"period1": "2030-03-01", "period2": "2030-03-31"}),
        )
        .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (400, Some(required_missing("agentId").as_str()))
    );
    let (status, body) = sim
        .post("sendSchedule", json!({"agentId": id, "period1": "2030-03-01", "period2": "2030-03-31",
                                     "shift": [{"date_start": "2030-03-02T09:00:00", "daily_hours": -5, "night_hours": 0}]}))
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("shift[0].daily_hours"))
    );
    sim.stop().await;
}
