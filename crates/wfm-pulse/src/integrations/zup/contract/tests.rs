//! The contract's own examples (their typos mended) read into the models, and the models
//! written back with 1C's field names.

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::json;

use super::*;

#[test]
fn reads_the_agents_example_wrapped_in_an_array() {
    let body = json!([{
        "AR_departments": [
            {"departmentId": "03d1", "department": "service department", "parent_departmentId": null},
            {"departmentId": "15fc", "department": "Customer service group No. 3", "parent_departmentId": "03d1"}
        ],
        "AR_agents": [{
            "agentId": "162a", "tabN": "223-16", "lastname": "Shastny", "firstname": "Nikita",
            "secondname": "Alekseevich", "startwork": "2016-09-01", "finishwork": null,
            "positionId": "79bc", "position": "Senior Professional", "positionChangeDate": "2016-09-01",
            "departmentId": "15fc", "rate": "0,5", "Login": "d6651df", "normWeek": 40,
            "normWeekChangeDate": "2016-09-01", "SN": "12345678978", "Db_ID": "123647382342",
            "area": "Yekaterinburg",
            "AR_vacation": [{"date": "2019-10-16", "vacation": 4.67}, {"date": "2019-11-15", "vacation": 7.00333}]
        }]
    }]);
    let r = AgentsResponse::parse(body.to_string().as_bytes()).unwrap();
    assert_eq!(r.departments.len(), 2);
    assert_eq!(
        r.departments[1].parent_department_id.as_deref(),
        Some("03d1")
    );
    let a = &r.agents[0];
    assert_eq!(
        (a.tab_n.as_str(), a.rate, a.norm_week),
        ("223-16", 0.5, 40.0)
    );
    assert_eq!(a.login.as_deref(), Some("d6651df"));
    assert_eq!(a.finishwork, None);
    assert_eq!(a.vacation[1].vacation, 7.00333);
    // Written back with the table's names.
    let out = serde_json::to_value(&r).unwrap();
    assert_eq!(out["AR_departments"][1]["parentDepartmentId"], "03d1");
    assert_eq!(out["AR_agents"][0]["tabN"], "223-16");
    assert_eq!(out["AR_agents"][0]["normWeek"], 40);
    assert_eq!(out["AR_agents"][0]["Db_ID"], "123647382342");
}

#[test]
fn reads_schedule_requests_with_string_or_number_hours_and_any_time_form() {
    let body = json!({"agentID": "e09d", "period1": "2018-08-01T00:00:00Z", "period2": "2018-12-31T00:00:00Z",
        "shift": [{"date_start": "2018-08-01T19:00:00Z", "daily_hours": "12600000", "night_hours": 27000000},
                  {"date_start": "2018-08-03T19:00:00+03:00", "daily_hours": 1, "night_hours": 0},
                  {"date_start": "2018-08-05T07:00:00", "daily_hours": 1, "night_hours": 0}]});
    let r: ScheduleRequest = serde_json::from_value(body).unwrap();
    assert_eq!(r.agent_id, "e09d");
    assert_eq!(r.shift[0].daily_hours, 12_600_000);
    let moscow = chrono_tz::Europe::Moscow;
    let t = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    assert_eq!(r.shift[0].date_start.local(&moscow), t("2018-08-01 22:00"));
    assert_eq!(r.shift[1].date_start.local(&moscow), t("2018-08-03 19:00"));
    assert_eq!(r.shift[2].date_start.local(&moscow), t("2018-08-05 07:00"));
    let bad = json!({"agentId": "x", "period1": "2018-08-01", "period2": "2018-12-31",
        "shift": [{"date_start": "2018-08-01T19:00:00Z", "daily_hours": 1.5, "night_hours": 0}]});
    assert!(serde_json::from_value::<ScheduleRequest>(bad).is_err());
    assert!(Moment::parse("2018-12-31T00:00:00:00Z").is_none());
}

#[test]
fn schedule_result_is_the_string_true_and_fact_result_a_boolean() {
    let ok = ScheduleResponse {
        result: true,
        message: SCHEDULES_CREATED.into(),
    };
    assert_eq!(serde_json::to_value(&ok).unwrap()["result"], "true");
    let back: ScheduleResponse =
        serde_json::from_value(json!({"result": false, "message": "m"})).unwrap();
    assert!(!back.result);
    let fact: FactWorkTimeResponse =
        serde_json::from_value(json!({"result": true, "doc": "Weekend Work"})).unwrap();
    assert_eq!(fact.doc.as_deref(), Some("Weekend Work"));
    let none: FactWorkTimeResponse =
        serde_json::from_value(json!({"result": false, "doc": null})).unwrap();
    assert_eq!((none.result, none.doc), (false, None));
}

#[test]
fn norm_hours_and_timesheet_examples() {
    let req: NormHoursRequest = serde_json::from_value(json!({
        "startDate": "2019-01-01", "endDate": "2019-12-31", "calculationMode": "quarter",
        "AR_agents": [{"agentId": "333d", "AR_norms": [{"normWeek": 40, "changeDate": "2019-03-01"},
                                                       {"normWeek": 20, "changeDate": "2019-06-01"}]}]
    }))
    .unwrap();
    assert_eq!(req.agents[0].norms[1].norm_week, 20.0);
    let answer: Vec<NormHoursJson> = serde_json::from_value(json!([
        {"agentId": "f693", "normHours": 454, "startDate": "2023-01-01", "endDate": "2023-03-31"}
    ]))
    .unwrap();
    assert_eq!(
        answer[0].end_date,
        NaiveDate::from_ymd_opt(2023, 3, 31).unwrap()
    );
    let sheet: Vec<TimesheetJson> = serde_json::from_value(json!([{
        "agentId": "8695", "AR_date": [{"date": "2018-03-27T21:00:00Z", "timetype": "Я", "hours": 11},
                                        {"date": "2018-03-27T21:00:00Z", "timetype": "С", "hours": "2,75"}],
        "AR_N": [{"timetype_N": "НН", "hours_N": "2(5)"}, {"timetype_N": "ОТ", "hours_N": "5"}],
        "half1_days": 6, "half1_hours": 61, "half2_days": 7, "half2_hours": 68
    }]))
    .unwrap();
    assert_eq!(sheet[0].days[1].hours, 2.75);
    assert_eq!(sheet[0].absences[0].hours_n, "2(5)");
    let out = serde_json::to_value(&sheet[0]).unwrap();
    assert_eq!(out["AR_N"][0]["timetype_N"], "НН");
}
