//! Deviations and the timesheet: sendFactWorkTime documents (overtime, weekend work,
//! absence), retries, the quarter-hour rule, and getTimetypeInfo.

use super::*;

#[tokio::test]
async fn overtime_and_weekend_work_become_documents_and_timesheet_entries() {
    let sim = Sim::small().await;
    sim.ensure_calendar();
    let id = sim.hire(d(2020, 1, 1));
    let today = sim.sim.today();
    let day = month_start(today).with_day(10).unwrap();
    let day_off = day.succ_opt().unwrap();
    plan(&sim, &id, day, 8).await;
    // Plan 8 h (09:00-17:00), actual 10 h (09:00-19:00): C 2.
    let fact = |date_start: String, loginfo: Value| json!({"agentId": id, "initiator_name": "Иванов И.И.", "date_start": date_start, "loginfo": loginfo});
    let (status, body) = sim
        .post(
            "sendFactWorkTime",
            fact(
                format!("{day}T09:00:00"),
                presence(&format!("{day}T09:00:00"), 10),
            ),
        )
        .await;
    assert_eq!(
        (status, body),
        (200, json!({"result": true, "doc": "Working Overtime"}))
    );
    // A day off worked 10:00-18:00: RV 8.
    let (status, body) = sim
        .post(
            "sendFactWorkTime",
            fact(
                format!("{day_off}T10:00:00"),
                presence(&format!("{day_off}T10:00:00"), 8),
            ),
        )
        .await;
    assert_eq!(
        (status, body),
        (200, json!({"result": true, "doc": "Weekend Work"}))
    );
    let (_, docs) = sim
        .control(reqwest::Method::GET, "/sim/documents", None)
        .await;
    let docs: Vec<(String, String, f64, String)> = docs
        .as_array()
        .unwrap()
        .iter()
        .map(|doc| {
            (
                doc["code"].as_str().unwrap().to_string(),
                doc["name"].as_str().unwrap().to_string(),
                doc["hours"].as_f64().unwrap(),
                doc["start"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        docs,
        [
            (
                "C".into(),
                "Working Overtime".into(),
                2.0,
                format!("{day}T17:00:00")
            ),
            (
                "RV".into(),
                "Weekend Work".into(),
                8.0,
                format!("{day_off}T10:00:00")
            ),
        ]
    );
    let comment = sim.sim.documents()[0].comment.clone();
    assert!(
        comment.starts_with(&format!("Upload from WFM {} ", today.format("%d.%m.%Y"))),
        "{comment}"
    );
    assert!(comment.ends_with("Иванов И.И."));
    let (status, sheet) = sim
        .post(
            "getTimetypeInfo",
            json!({"date_start": format!("{day}T00:00:00"), "date_end": format!("{day_off}T00:00:00"),
                   "AR_agents": [{"agentId": id}]}),
        )
        .await;
    assert_eq!(status, 200);
    let midnight = |date: NaiveDate| format!("{}T21:00:00+00:00", date.pred_opt().unwrap());
    assert_eq!(
        sheet,
        json!([{
            "agentId": id,
            "AR_date": [
                {"date": midnight(day), "timetype": "Я", "hours": 8},
                {"date": midnight(day), "timetype": "С", "hours": 2},
                {"date": midnight(day_off), "timetype": "РВ", "hours": 8}
            ],
            "AR_N": [],
            "half1_days": 2, "half1_hours": 18, "half2_days": 0, "half2_hours": 0
        }])
    );
    sim.stop().await;
}

#[tokio::test]
async fn an_identical_fact_resubmission_creates_nothing_new() {
    let sim = Sim::small().await;
    sim.ensure_calendar();
    let id = sim.hire(d(2020, 1, 1));
    let day = month_start(sim.sim.today()).with_day(12).unwrap();
    plan(&sim, &id, day, 8).await;
    let start = format!("{day}T09:00:00");
    let half = json!({"agentId": id, "initiator_name": "Петров П.П.", "date_start": start,
                      "loginfo": presence(&start, 4)});
    let first = sim.post("sendFactWorkTime", half.clone()).await;
    assert_eq!(
        first,
        (200, json!({"result": true, "doc": "Failure to appear"}))
    );
    assert_eq!(sim.sim.documents().len(), 1);
    assert_eq!(sim.post("sendFactWorkTime", half.clone()).await, first);
    let mut by_another = half;
    by_another["initiator_name"] = json!("Сидоров С.С.");
    assert_eq!(sim.post("sendFactWorkTime", by_another).await, first);
    assert_eq!(sim.sim.documents().len(), 1);
    let absence = &sim.sim.documents()[0];
    assert_eq!(
        (absence.code.as_str(), absence.hours, absence.part_of_shift),
        ("NV", 4.0, true)
    );
    // Worked as planned: no deviation, no document.
    let exact = json!({"agentId": id, "initiator_name": "Петров П.П.", "date_start": start,
                       "loginfo": presence(&start, 8)});
    assert_eq!(
        sim.post("sendFactWorkTime", exact).await,
        (200, json!({"result": false, "doc": null}))
    );
    assert_eq!(sim.sim.documents().len(), 1);
    sim.stop().await;
}

#[tokio::test]
async fn fact_periods_outside_a_quarter_hour_are_refused() {
    let sim = Sim::small().await;
    let id = sim.hire(d(2020, 1, 1));
    let body = |times: [i64; 2]| {
        json!({"agentId": id, "initiator_name": "Иванов И.И.", "date_start": "2025-02-03T09:00:00",
               "loginfo": [{"start": "2025-02-03T09:00:00", "time": times[0]},
                           {"start": "2025-02-03T09:15:00", "time": times[1]}]})
    };
    let (status, answer) = sim.post("sendFactWorkTime", body([900_000, 900_001])).await;
    assert_eq!(
        (status, answer["field"].as_str()),
        (400, Some("loginfo[1].time"))
    );
    assert_eq!(answer["message"], "Invalid time format for loginfo[1].time");
    let (status, answer) = sim.post("sendFactWorkTime", body([0, 600_000])).await;
    assert_eq!(
        (status, answer["field"].as_str()),
        (400, Some("loginfo[0].time"))
    );
    let (status, answer) = sim
        .post(
            "sendFactWorkTime",
            json!({"agentId": id, "initiator_name": "x", "date_start": "2025-02-03T09:00:00",
                                         "loginfo": [{"start": "2025-02-03 09:00", "time": 1}]}),
        )
        .await;
    assert_eq!(
        (status, answer["message"].as_str()),
        (400, Some(invalid_date("loginfo[0].start").as_str()))
    );
    assert!(sim.sim.documents().is_empty());
    sim.stop().await;
}

#[tokio::test]
async fn timetype_info_without_data_is_404() {
    let sim = Sim::small().await;
    let id = sim.hire(d(2020, 1, 1));
    let request = |agent: &str, start: &str, end: &str| json!({"date_start": start, "date_end": end, "AR_agents": [{"agentId": agent}]});
    assert_eq!(
        sim.post(
            "getTimetypeInfo",
            request(&id, "2025-02-01T00:00:00", "2025-02-28T00:00:00")
        )
        .await,
        (404, Value::Null)
    );
    let (status, body) = sim
        .post(
            "getTimetypeInfo",
            request("nobody", "2025-02-01T00:00:00", "2025-02-28T00:00:00"),
        )
        .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (400, Some(employee_not_found("nobody").as_str()))
    );
    let (status, body) = sim
        .post(
            "getTimetypeInfo",
            request(&id, "2025-02-28T00:00:00", "2025-02-01T00:00:00"),
        )
        .await;
    assert_eq!((status, body["field"].as_str()), (400, Some("date_end")));
    sim.stop().await;
}
