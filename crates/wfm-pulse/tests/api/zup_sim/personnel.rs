//! Personnel: the agents method (as of today, the termination filter, seeded organizations),
//! the HTTP Basic auth, and personnel drills through the control API.

use super::*;

#[tokio::test]
async fn agents_answer_departments_and_employees_as_of_today() {
    let sim = Sim::start(ZupSimConfig::default()).await;
    let today = sim.sim.today();
    let cutoff = today.checked_sub_months(Months::new(1)).unwrap();
    let start = month_start(today)
        .checked_sub_months(Months::new(12))
        .unwrap();
    let end = d(today.year(), 12, 31);
    let (status, body) = sim.agents(&start.to_string(), &end.to_string()).await;
    assert_eq!(status, 200);
    let parts = body.as_array().unwrap();
    assert_eq!(parts.len(), 1);
    let departments = parts[0]["AR_departments"].as_array().unwrap();
    assert_eq!(departments.len(), 20);
    let agents = parts[0]["AR_agents"].as_array().unwrap();
    let everyone = sim.sim.employees();
    let delivered: Vec<&str> = everyone
        .iter()
        .filter(|e| e.finishwork.is_none_or(|f| f >= cutoff))
        .map(|e| e.id.as_str())
        .collect();
    assert!(delivered.len() < everyone.len(), "some left long ago");
    let ids: Vec<&str> = agents
        .iter()
        .map(|a| a["agentId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, delivered);
    // The recently terminated are delivered with their termination date.
    assert!(agents.iter().any(|a| a["finishwork"].is_string()));
    let first = &agents[0];
    for field in [
        "tabN",
        "lastname",
        "firstname",
        "secondname",
        "startwork",
        "positionId",
        "position",
        "departmentId",
        "rate",
        "normWeek",
        "normWeekChangeDate",
    ] {
        assert!(!first[field].is_null(), "{field} missing in {first}");
    }
    assert!(
        agents
            .iter()
            .all(|a| a["tabN"].as_str().is_some_and(|t| t.starts_with("10-")))
    );
    for a in agents {
        for v in a["AR_vacation"].as_array().unwrap() {
            let date: NaiveDate = v["date"].as_str().unwrap().parse().unwrap();
            assert!(month_start(today) <= date && date <= end, "{v}");
        }
    }
    // Employees accrue a balance on their accrual date of the current month.
    assert!(
        agents
            .iter()
            .any(|a| !a["AR_vacation"].as_array().unwrap().is_empty())
    );
    sim.stop().await;
}

#[tokio::test]
async fn agents_without_anyone_is_404_with_an_empty_body() {
    let sim = Sim::start(ZupSimConfig {
        employees: 0,
        ..ZupSimConfig::default()
    })
    .await;
    assert_eq!(
        sim.agents("2019-01-01", "2019-12-31").await,
        (404, Value::Null)
    );
    sim.stop().await;
}

#[tokio::test]
async fn agents_reject_bad_dates_and_reversed_periods() {
    let sim = Sim::small().await;
    let (status, body) = sim.agents("2019-02-30", "2019-12-31").await;
    assert_eq!(status, 400);
    assert_eq!(body["field"], "startDate");
    assert_eq!(body["message"], invalid_date("startDate"));
    let (status, body) = sim.agents("2019-12-31", "2019-01-01").await;
    assert_eq!((status, body["field"].as_str()), (400, Some("endDate")));
    assert_eq!(body["message"], END_BEFORE_START);
    sim.stop().await;
}

#[tokio::test]
async fn requests_without_the_integration_users_credentials_get_401() {
    let sim = Sim::small().await;
    let url = format!("{}/agents/2019-01-01/2019-12-31", sim.base);
    let none = sim.client.get(&url).send().await.unwrap();
    assert_eq!(none.status().as_u16(), 401);
    assert!(none.headers().contains_key("www-authenticate"));
    let (_, body) = read(none).await;
    assert!(body["message"].is_string());
    let wrong = sim
        .client
        .post(format!("{}/getNormHours", sim.base))
        .basic_auth("WFMSystem", Some("guess"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    sim.stop().await;
}

#[tokio::test]
async fn the_same_seed_gives_the_same_organization() {
    let config = |seed| ZupSimConfig {
        seed,
        employees: 50,
        ..ZupSimConfig::default()
    };
    let (a, b, c) = (
        Sim::start(config(7)).await,
        Sim::start(config(7)).await,
        Sim::start(config(8)).await,
    );
    let (_, first) = a.agents("2020-01-01", "2030-12-31").await;
    let (_, second) = b.agents("2020-01-01", "2030-12-31").await;
    let (_, other) = c.agents("2020-01-01", "2030-12-31").await;
    assert!(
        first[0]["AR_agents"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );
    assert_eq!(first, second);
    assert_ne!(first, other);
    a.stop().await;
    b.stop().await;
    c.stop().await;
}

#[tokio::test]
async fn drills_change_personnel_through_the_control_api() {
    let sim = Sim::small().await;
    let today = sim.sim.today();
    let (status, hired) = sim
        .control(
            reqwest::Method::POST,
            "/sim/employees",
            Some(
                json!({"lastname": "Зубков", "firstname": "Савелий", "secondname": "Петрович",
                             "startwork": "2021-03-01", "login": "op-9001"}),
            ),
        )
        .await;
    assert_eq!(status, 201);
    let id = hired["id"].as_str().unwrap().to_string();
    let (status, changed) = sim
        .control(reqwest::Method::PATCH, &format!("/sim/employees/{id}"),
                 Some(json!({"lastname": "Зубков-Ильин", "position": "Супервизор", "norm_week": 36, "rate": 0.5})))
        .await;
    assert_eq!(status, 200, "{changed}");
    let start = today.to_string();
    let (_, body) = sim.agents(&start, &start).await;
    let agent = body[0]["AR_agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agentId"] == json!(id))
        .cloned()
        .unwrap();
    assert_eq!(agent["lastname"], "Зубков-Ильин");
    assert_eq!(agent["position"], "Супервизор");
    assert_eq!(agent["positionChangeDate"], json!(start));
    assert_eq!(
        (
            agent["normWeek"].as_f64(),
            agent["normWeekChangeDate"].as_str()
        ),
        (Some(36.0), Some(start.as_str()))
    );
    assert_eq!(
        (agent["rate"].as_f64(), agent["Login"].as_str()),
        (Some(0.5), Some("op-9001"))
    );
    let (status, _) = sim
        .control(
            reqwest::Method::PATCH,
            &format!("/sim/employees/{id}"),
            Some(json!({"rate": -1})),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = sim
        .control(
            reqwest::Method::PATCH,
            "/sim/employees/nobody",
            Some(json!({"rate": 1})),
        )
        .await;
    assert_eq!(status, 404);
    // Terminated more than a month ago: no longer delivered.
    let long_ago = today.checked_sub_months(Months::new(2)).unwrap();
    sim.sim
        .update_employee(
            &id,
            wfm_pulse::sim::zup::EmployeePatch {
                finishwork: Some(Some(long_ago)),
                ..Default::default()
            },
        )
        .unwrap();
    let (_, body) = sim.agents(&start, &start).await;
    let delivered = body[0]["AR_agents"].as_array().unwrap();
    assert!(delivered.iter().all(|a| a["agentId"] != json!(id)));
    sim.stop().await;
}
