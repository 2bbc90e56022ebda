//! Unit tests of the 1C ZUP simulator's state and rules, with a pinned "today" (the HTTP
//! face is tested in tests/api/zup_sim.rs).

use chrono::{Datelike, NaiveDate};
use serde_json::{Value, json};

use super::methods::{Failure, parse};
use super::*;
use crate::integrations::zup::contract::{
    FactWorkTimeRequest, NormHoursRequest, ScheduleRequest, TimetypeRequest,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn sim_on(today: NaiveDate, employees: usize) -> ZupSim {
    let sim = ZupSim::new(ZupSimConfig {
        employees,
        ..ZupSimConfig::default()
    });
    sim.set_today(Some(today));
    sim
}

fn hired(sim: &ZupSim, startwork: NaiveDate) -> String {
    sim.hire(Hire {
        startwork: Some(startwork),
        ..Hire::default()
    })
    .unwrap()
    .id
}

fn body<T: serde::de::DeserializeOwned>(v: Value) -> T {
    parse::<T>(v.to_string().as_bytes()).unwrap()
}

#[test]
fn the_organization_is_seeded_two_level_and_varied() {
    let config = ZupSimConfig {
        seed: 42,
        ..ZupSimConfig::default()
    };
    let a = ZupSim::new(config.clone());
    let b = ZupSim::new(config);
    assert_eq!(a.employees(), b.employees());
    assert_eq!(a.departments(), b.departments());
    let departments = a.departments();
    assert_eq!(departments.len(), 20);
    let tops: Vec<_> = departments
        .iter()
        .filter(|d| d.parent_id.is_none())
        .collect();
    assert_eq!(tops.len(), 4);
    for child in departments.iter().filter(|d| d.parent_id.is_some()) {
        assert!(tops.iter().any(|t| Some(&t.id) == child.parent_id.as_ref()));
    }
    let staff = a.employees();
    assert_eq!(staff.len(), 200);
    let uid = |s: &str| {
        let parts: Vec<usize> = s.split('-').map(str::len).collect();
        parts == [8, 4, 4, 4, 12] && s.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
    };
    assert!(staff.iter().all(|e| uid(&e.id) && uid(&e.position_id)));
    assert_eq!(staff[0].tab_n, "10-0001");
    assert!(staff.iter().any(|e| e.login.is_none()));
    assert!(staff.iter().all(|e| {
        e.login
            .as_ref()
            .is_none_or(|l| l.strip_prefix("op-") == e.tab_n.strip_prefix("10-"))
    }));
    assert!(staff.iter().all(|e| [1.0, 0.5, 0.75].contains(&e.rate)));
    assert!(
        staff
            .iter()
            .all(|e| [40.0, 36.0, 30.0].contains(&e.norm_week))
    );
    assert!(staff.iter().all(|e| e.norm_week_change_date == e.startwork));
    assert!(
        staff
            .iter()
            .all(|e| e.lastname.chars().all(|c| !c.is_ascii()))
    );
    let today = a.today();
    let month_ago = today.checked_sub_months(chrono::Months::new(1)).unwrap();
    let first = today.with_day(1).unwrap();
    assert!(staff.iter().any(|e| e.startwork >= first));
    assert!(
        staff
            .iter()
            .any(|e| e.finishwork.is_some_and(|f| f >= month_ago))
    );
    assert!(
        staff
            .iter()
            .any(|e| e.finishwork.is_some_and(|f| f < month_ago))
    );
    assert!(
        staff
            .iter()
            .all(|e| e.finishwork.is_none_or(|f| f >= e.startwork))
    );
    let other = ZupSim::new(ZupSimConfig {
        seed: 43,
        ..ZupSimConfig::default()
    });
    assert_ne!(other.employees(), staff);
}

fn roster() -> Roster {
    let department = |name: &str, parent: Option<&str>| RosterDepartment {
        name: name.into(),
        parent: parent.map(Into::into),
    };
    let employee = |n: usize, department: &str| RosterEmployee {
        tab_n: format!("T{n}"),
        login: Some(format!("user{n}")),
        lastname: format!("Last{n}"),
        firstname: "First".into(),
        secondname: String::new(),
        department: department.into(),
    };
    Roster {
        departments: vec![
            department("Top", None),
            department("Left", Some("Top")),
            department("Right", Some("Top")),
        ],
        employees: (0..30)
            .map(|n| employee(n, if n % 3 == 0 { "Right" } else { "Left" }))
            .chain([employee(30, "Nowhere")])
            .collect(),
    }
}

#[test]
fn a_roster_is_held_as_given_and_the_same_on_every_day() {
    let roster = roster();
    let sim = ZupSim::with_roster(ZupSimConfig::default(), &roster);
    let departments = sim.departments();
    let names: Vec<&str> = departments.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["Top", "Left", "Right"]);
    assert_eq!(departments[0].parent_id, None);
    assert!(
        departments[1..]
            .iter()
            .all(|d| d.parent_id.as_ref() == Some(&departments[0].id))
    );
    let by_name = |name: &str| {
        departments
            .iter()
            .find(|d| d.name == name)
            .unwrap()
            .id
            .clone()
    };
    let staff = sim.employees();
    assert_eq!(staff.len(), roster.employees.len());
    let today = sim.today();
    for (e, given) in staff.iter().zip(&roster.employees) {
        assert_eq!(
            (&e.tab_n, &e.login, &e.lastname, &e.firstname, &e.secondname),
            (
                &given.tab_n,
                &given.login,
                &given.lastname,
                &given.firstname,
                &given.secondname
            )
        );
        // An unknown department is the first one below the top.
        let department = if given.department == "Nowhere" {
            "Left"
        } else {
            &given.department
        };
        assert_eq!(e.department_id, by_name(department));
        assert!(e.active_on(today) && e.finishwork.is_none(), "{e:?}");
        assert!(e.startwork <= today.checked_sub_days(chrono::Days::new(60)).unwrap());
    }
    // Hires, changes and the contract work as with a generated organization.
    let hired = sim.hire(Hire::default()).unwrap();
    assert_eq!(hired.department_id, by_name("Left"));
    assert_eq!(sim.employees().len(), roster.employees.len() + 1);

    // What a sync compares does not move from one day to the next; vacations may.
    let on = |today: NaiveDate| {
        let mut rng = rand::SeedableRng::seed_from_u64(1);
        let o = org::generate(&mut rng, 200, 20, Some(&roster), today);
        let people: Vec<_> = o.staff.into_iter().map(|s| s.employee).collect();
        (o.departments, people)
    };
    assert_eq!(on(d(2026, 3, 14)), on(d(2027, 11, 2)));
}

#[test]
fn vacation_balances_start_at_the_current_month_and_stop_at_termination() {
    let sim = sim_on(d(2019, 10, 20), 0);
    let id = hired(&sim, d(2016, 9, 1));
    let answer = sim.with(|s| s.agents("2019-01-01", "2019-12-31")).unwrap();
    let agent = answer[0].agents.iter().find(|a| a.agent_id == id).unwrap();
    let dates: Vec<NaiveDate> = agent.vacation.iter().map(|v| v.date).collect();
    // Hired on the 1st: accruals on the 16th/15th; the first listed is October's.
    assert_eq!(dates, [d(2019, 10, 16), d(2019, 11, 15), d(2019, 12, 16)]);
    // 38 accruals of 28/12 by 16.10.2019 (September 2016 on), nothing used.
    assert_eq!(agent.vacation[0].vacation, 88.66667);
    sim.update_employee(
        &id,
        EmployeePatch {
            finishwork: Some(Some(d(2019, 11, 30))),
            ..EmployeePatch::default()
        },
    )
    .unwrap();
    let answer = sim.with(|s| s.agents("2019-01-01", "2019-12-31")).unwrap();
    assert_eq!(answer[0].agents[0].vacation.len(), 2);
}

#[test]
fn schedules_skip_closed_months_and_book_shifts_to_their_start_date() {
    let sim = sim_on(d(2018, 8, 15), 0);
    let id = hired(&sim, d(2017, 1, 1));
    let request: ScheduleRequest = body(json!({
        "agentId": id, "period1": "2018-01-01T00:00:00", "period2": "2018-12-31T00:00:00",
        "shift": [
            // 19:00 Moscow to 07:00: a day shift of 12 h on 1 August.
            {"date_start": "2018-08-01T16:00:00Z", "daily_hours": 10_800_000, "night_hours": 32_400_000},
            // 23:00 local: night work.
            {"date_start": "2018-09-03T23:00:00", "daily_hours": 0, "night_hours": 25_200_000},
            // July is closed: not booked.
            {"date_start": "2018-07-10T09:00:00", "daily_hours": 28_800_000, "night_hours": 0}
        ]
    }));
    let ok = sim.with(|s| s.send_schedule(&request)).unwrap();
    assert!(ok.result);
    let months = sim.schedules(&id);
    let keys: Vec<(i32, u32)> = months.iter().map(|m| (m.year, m.month)).collect();
    assert_eq!(
        keys,
        [(2018, 8), (2018, 9), (2018, 10), (2018, 11), (2018, 12)]
    );
    let aug1 = &months[0].days[0];
    assert_eq!((aug1.timetype.as_deref(), aug1.hours), (Some("I"), 12.0));
    assert_eq!(months[0].days[1].timetype.as_deref(), Some("B"));
    let sep3 = &months[1].days[2];
    assert_eq!((sep3.timetype.as_deref(), sep3.hours), (Some("H"), 7.0));
    assert_eq!(sim.with(|s| s.shifts[&id].len()), 2);
    // A second upload of September replaces September only.
    let again: ScheduleRequest = body(json!({
        "agentId": id, "period1": "2018-09-01", "period2": "2018-09-30",
        "shift": [{"date_start": "2018-09-05T09:00:00", "daily_hours": 28_800_000, "night_hours": 0}]
    }));
    sim.with(|s| s.send_schedule(&again)).unwrap();
    let months = sim.schedules(&id);
    assert_eq!(months.len(), 5);
    assert_eq!(months[1].days[2].timetype.as_deref(), Some("B"));
    assert_eq!(months[1].days[4].timetype.as_deref(), Some("I"));
    assert_eq!(months[0].days[0].hours, 12.0);
    let starts: Vec<u32> = sim.with(|s| s.shifts[&id].iter().map(|s| s.start.day()).collect());
    assert_eq!(starts, [1, 5]);
}

#[test]
fn schedules_leave_days_before_hire_blank_and_refuse_periods_outside_employment() {
    let sim = sim_on(d(2018, 8, 15), 0);
    let id = hired(&sim, d(2018, 8, 20));
    let request: ScheduleRequest = body(json!({
        "agentId": id, "period1": "2018-08-01", "period2": "2018-08-31",
        "shift": [{"date_start": "2018-08-21T09:00:00", "daily_hours": 28_800_000, "night_hours": 0}]
    }));
    sim.with(|s| s.send_schedule(&request)).unwrap();
    let august = &sim.schedules(&id)[0];
    assert!(august.days[..19].iter().all(|day| day.timetype.is_none()));
    assert_eq!(august.days[19].timetype.as_deref(), Some("B"));
    assert_eq!(august.days[20].timetype.as_deref(), Some("I"));
    sim.update_employee(
        &id,
        EmployeePatch {
            finishwork: Some(Some(d(2018, 8, 25))),
            ..EmployeePatch::default()
        },
    )
    .unwrap();
    let later: ScheduleRequest = body(json!({
        "agentId": id, "period1": "2018-10-01", "period2": "2018-10-31",
        "shift": [{"date_start": "2018-10-02T09:00:00", "daily_hours": 1, "night_hours": 0}]
    }));
    match sim.with(|s| s.send_schedule(&later)) {
        Err(Failure::Invalid(e)) => assert_eq!(e.message, NOT_ACTIVE_TEXT),
        other => panic!("{other:?}"),
    }
}

const NOT_ACTIVE_TEXT: &str = crate::integrations::zup::contract::NOT_ACTIVE;

fn plan_day(sim: &ZupSim, id: &str, start: &str, hours: i64) {
    let request: ScheduleRequest = body(json!({
        "agentId": id, "period1": "2018-08-01", "period2": "2018-08-31",
        "shift": [{"date_start": start, "daily_hours": hours * 3_600_000, "night_hours": 0}]
    }));
    sim.with(|s| s.send_schedule(&request)).unwrap();
}

fn quarters(from: &str, hours: u32) -> Vec<Value> {
    let start = chrono::NaiveDateTime::parse_from_str(from, "%Y-%m-%dT%H:%M:%S").unwrap();
    (0..hours * 4)
        .map(|i| {
            let t = start + chrono::TimeDelta::minutes(15 * i64::from(i));
            json!({"start": t.format("%Y-%m-%dT%H:%M:%S").to_string(), "time": 900_000})
        })
        .collect()
}

#[test]
fn absences_fill_the_timesheet_and_the_no_show_block() {
    let sim = sim_on(d(2018, 8, 15), 0);
    let id = hired(&sim, d(2017, 1, 1));
    plan_day(&sim, &id, "2018-08-20T09:00:00", 8);
    // Nothing worked: a whole-day absence.
    let fact: FactWorkTimeRequest = body(json!({
        "agentId": id, "initiator_name": "Иванов И.И.", "date_start": "2018-08-20T09:00:00", "loginfo": []
    }));
    let answer = sim.with(|s| s.fact_work_time(&fact)).unwrap();
    assert_eq!(
        (answer.result, answer.doc.as_deref()),
        (true, Some("Failure to appear"))
    );
    let docs = sim.documents();
    assert_eq!(
        (docs[0].code.as_str(), docs[0].hours, docs[0].part_of_shift),
        ("NV", 8.0, false)
    );
    assert_eq!(docs[0].date, d(2018, 8, 15));
    assert!(docs[0].comment.starts_with("Upload from WFM 15.08.2018 "));
    assert!(docs[0].comment.ends_with(" Иванов И.И."));
    let sheet_request: TimetypeRequest = body(json!({
        "date_start": "2018-08-01T00:00:00", "date_end": "2018-08-31T00:00:00",
        "AR_agents": [{"agentId": id}]
    }));
    let sheet = sim.with(|s| s.timetype_info(&sheet_request)).unwrap();
    let day20: Vec<(String, f64)> = sheet[0]
        .days
        .iter()
        .filter(|e| e.date.to_string().starts_with("2018-08-19T21:00:00"))
        .map(|e| (e.timetype.clone(), e.hours))
        .collect();
    assert_eq!(day20, [("НВ".to_string(), 8.0)]);
    assert_eq!(sheet[0].absences[0].timetype_n, "НВ");
    assert_eq!(sheet[0].absences[0].hours_n, "1");
    assert_eq!((sheet[0].half2_days, sheet[0].half2_hours), (0, 0.0));
    // Half worked on another day: a part-shift absence, "days(hours)".
    plan_day(&sim, &id, "2018-08-21T09:00:00", 8);
    let fact: FactWorkTimeRequest = body(json!({
        "agentId": id, "initiator_name": "Иванов И.И.", "date_start": "2018-08-21T09:00:00",
        "loginfo": quarters("2018-08-21T09:00:00", 4)
    }));
    sim.with(|s| s.fact_work_time(&fact)).unwrap();
    assert!(sim.documents()[1].part_of_shift);
    let sheet = sim.with(|s| s.timetype_info(&sheet_request)).unwrap();
    // Re-planning August replaced the 20th's plan, but its document stays.
    assert_eq!(sheet[0].absences[0].hours_n, "2(12)");
    assert_eq!((sheet[0].half2_days, sheet[0].half2_hours), (1, 4.0));
    let day21: Vec<(String, f64)> = sheet[0]
        .days
        .iter()
        .filter(|e| e.date.to_string().starts_with("2018-08-20T21:00:00"))
        .map(|e| (e.timetype.clone(), e.hours))
        .collect();
    assert_eq!(day21, [("Я".to_string(), 4.0), ("НВ".to_string(), 4.0)]);
}

#[test]
fn norm_hours_count_changes_of_the_weekly_norm() {
    let sim = sim_on(d(2018, 8, 15), 0);
    let id = hired(&sim, d(2017, 1, 1));
    let request: NormHoursRequest = body(json!({
        "startDate": "2018-01-01", "endDate": "2018-12-31", "calculationMode": "year",
        "AR_agents": [{"agentId": id, "AR_norms": [{"normWeek": 40}, {"normWeek": 36, "changeDate": "2018-04-01"}]}]
    }));
    let rows = sim.with(|s| s.norm_hours(&request)).unwrap();
    // Q1 at 40 h (446) and April-December at 36 h (1371.2).
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].norm_hours, 1817.2);
}

#[test]
fn body_errors_name_the_field_with_the_contract_texts() {
    let message = |v: Value| match parse::<NormHoursRequest>(v.to_string().as_bytes()) {
        Err(Failure::Invalid(e)) => (e.field, e.message),
        other => panic!("{other:?}"),
    };
    let good = json!({"startDate": "2018-01-01", "endDate": "2018-12-31", "calculationMode": "year",
                      "AR_agents": [{"agentId": "a", "AR_norms": [{"normWeek": 40}]}]});
    assert!(parse::<NormHoursRequest>(good.to_string().as_bytes()).is_ok());
    let mut v = good.clone();
    v["AR_agents"][0].as_object_mut().unwrap().remove("agentId");
    assert_eq!(
        message(v),
        (
            Some("AR_agents[0].agentId".into()),
            "Required parameter AR_agents[0].agentId missing".into()
        )
    );
    let mut v = good.clone();
    v["startDate"] = json!("2018-13-01");
    assert_eq!(
        message(v),
        (
            Some("startDate".into()),
            "Invalid date format for startDate".into()
        )
    );
    let mut v = good.clone();
    v["AR_agents"][0]["AR_norms"][0]["changeDate"] = json!("soon");
    assert_eq!(
        message(v).1,
        "Invalid date format for AR_agents[0].AR_norms[0].changeDate"
    );
    let mut v = good.clone();
    v["endDate"] = Value::Null;
    assert_eq!(message(v).1, "Required parameter endDate missing");
    let mut v = good;
    v["AR_agents"][0]["AR_norms"][0]["normWeek"] = json!("forty");
    assert_eq!(
        message(v).1,
        "Invalid value for AR_agents[0].AR_norms[0].normWeek"
    );
    match parse::<NormHoursRequest>(b"{\"startDate\": ") {
        Err(Failure::Invalid(e)) => assert_eq!(e.field, None),
        other => panic!("{other:?}"),
    }
    // 1C's byte order mark is fine.
    let with_bom = [
        b"\xEF\xBB\xBF".as_slice(),
        b"{\"agentId\":\"a\",\"period1\":\"2018-08-01\",\"period2\":\"2018-08-31\"}",
    ]
    .concat();
    assert!(parse::<ScheduleRequest>(&with_bom).is_ok());
}

#[test]
fn basic_credentials_and_base_paths() {
    use super::http::decode_base64;
    assert_eq!(
        decode_base64("V0ZNU3lzdGVtOndmbS1zaW0=").unwrap(),
        b"WFMSystem:wfm-sim"
    );
    assert_eq!(decode_base64("YQ").unwrap(), b"a");
    assert_eq!(decode_base64("YWI=").unwrap(), b"ab");
    assert!(decode_base64("a b").is_none());
    assert_eq!(normalize_base_path("/zup/hs/wfm/"), "/zup/hs/wfm");
    assert_eq!(normalize_base_path("zup//hs/{x}"), "/zup/hs/x");
    assert_eq!(normalize_base_path("/"), "");
    let sim = ZupSim::new(ZupSimConfig {
        base_path: "/".into(),
        employees: 1,
        ..ZupSimConfig::default()
    });
    let _ = sim.router();
}

#[test]
fn behaviour_is_checked_and_clamped() {
    assert!(Behaviour::default().check().is_ok());
    let wild = Behaviour {
        down: false,
        delay_ms: 10_000_000,
        error_rate: 7.0,
    };
    assert!(wild.check().is_err());
    let sim = sim_on(d(2018, 8, 15), 0);
    sim.set_behaviour(wild);
    assert_eq!(
        sim.behaviour(),
        Behaviour {
            down: false,
            delay_ms: MAX_DELAY_MS,
            error_rate: 1.0
        }
    );
}
