//! Staffing suggestions over HTTP: a constructed day where the best move is known (lend
//! the one skilled operator of a surplus group to a short one), an extension to exactly
//! 12 h allowed and one past it blocked until the site's labor rules allow it, the Erlang C figures equal to
//! the calculator's, and bad input refused naming the field.

use crate::common;

use chrono::{DateTime, Duration, DurationRound, Utc};
use common::TestServer;
use common::setup::put_plan;
use reqwest::Method;
use serde_json::{Value, json};
use wfm_store::model::Role;

/// The situation: a UTC site with 30-minute intervals; tomorrow 10:00-12:00 both groups
/// get 100 calls per interval at 180 s (10 Erlangs: 80/20 needs 14 operators).
/// Group A: 13 operators all day and operator E on line until 11:00 after a shift from
/// 23:30 (11 h 30 min). Group B: 15 operators and D, skilled for A too.
struct Day {
    site: i64,
    a: i64,
    b: i64,
    d: i64,
    e: i64,
    from: DateTime<Utc>,
}

async fn post(s: &TestServer, path: &str, body: Value) -> Value {
    let (st, v) = s.call(Method::POST, path, Role::Manager, Some(body)).await;
    assert_eq!(st, 201, "{path}: {v}");
    v
}

async fn agent(s: &TestServer, site: i64, login: &str, groups: &[i64]) -> i64 {
    let skills: Vec<Value> = groups.iter().map(|g| json!({"group_id": g})).collect();
    post(
        s,
        "/api/v1/agents",
        json!({"external_id": login, "full_name": login, "site_id": site,
               "primary_group_id": groups[0], "skills": skills}),
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

fn line(agent: i64, group: i64, start: DateTime<Utc>, end: DateTime<Utc>) -> Value {
    json!({"agent_id": agent, "start": start, "end": end, "activity": "line", "group_id": group})
}

fn pause(agent: i64, start: DateTime<Utc>, end: DateTime<Utc>) -> Value {
    json!({"agent_id": agent, "start": start, "end": end, "activity": "break"})
}

async fn set_up(s: &TestServer) -> Day {
    let site = post(
        s,
        "/api/v1/sites",
        json!({"name": "Opt", "time_zone": "UTC", "interval_minutes": 30}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let service = post(
        s,
        "/api/v1/services",
        json!({"site_id": site, "name": "Opt"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let group = async |name: &str| {
        post(
            s,
            "/api/v1/groups",
            json!({"service_id": service, "name": name}),
        )
        .await["id"]
            .as_i64()
            .unwrap()
    };
    let (a, b) = (group("A").await, group("B").await);
    let day = Utc::now().duration_trunc(Duration::days(1)).unwrap() + Duration::days(1);
    let from = day + Duration::hours(10);
    let h = |hours: i64, minutes: i64| day + Duration::hours(hours) + Duration::minutes(minutes);

    let mut segments = Vec::new();
    // Day shifts 08:00-16:00, their breaks outside the horizon.
    let day_shift = |id: i64, g: i64, segments: &mut Vec<Value>| {
        segments.push(line(id, g, h(8, 0), h(9, 30)));
        segments.push(pause(id, h(9, 30), h(10, 0)));
        segments.push(line(id, g, h(10, 0), h(12, 0)));
        segments.push(pause(id, h(12, 0), h(12, 30)));
        segments.push(line(id, g, h(12, 30), h(16, 0)));
    };
    for i in 0..13 {
        let id = agent(s, site, &format!("a-{i}"), &[a]).await;
        day_shift(id, a, &mut segments);
    }
    for i in 0..15 {
        let id = agent(s, site, &format!("b-{i}"), &[b]).await;
        day_shift(id, b, &mut segments);
    }
    let d = agent(s, site, "d", &[b, a]).await;
    day_shift(d, b, &mut segments);
    let e = agent(s, site, "e", &[a]).await;
    let e0 = h(-1, 30);
    segments.push(line(e, a, e0, h(2, 0)));
    segments.push(pause(e, h(2, 0), h(2, 30)));
    segments.push(line(e, a, h(2, 30), h(6, 0)));
    segments.push(pause(e, h(6, 0), h(6, 30)));
    segments.push(line(e, a, h(6, 30), h(9, 0)));
    segments.push(pause(e, h(9, 0), h(9, 30)));
    segments.push(line(e, a, h(9, 30), h(11, 0)));
    put_plan(s, "timetable", json!({"segments": segments})).await;
    let intervals: Vec<Value> = [a, b]
        .iter()
        .flat_map(|g| {
            (0..4).map(move |i| {
                json!({"group_id": g, "start": from + Duration::minutes(30 * i),
                       "calls": 100, "aht_seconds": 180})
            })
        })
        .collect();
    put_plan(s, "forecast", json!({"intervals": intervals})).await;
    Day {
        site,
        a,
        b,
        d,
        e,
        from,
    }
}

async fn suggest(s: &TestServer, body: Value) -> (u16, Value) {
    s.call(
        Method::POST,
        "/api/v1/performance/optimization/suggest",
        Role::Supervisor,
        Some(body),
    )
    .await
}

async fn erlang(s: &TestServer, agents: u32) -> f64 {
    let (st, v) = s
        .call(
            Method::POST,
            "/api/v1/staffing/erlang-c",
            Role::Viewer,
            Some(
                json!({"calls": 100, "interval_seconds": 1800, "aht_seconds": 180,
                        "target_percent": 80, "target_seconds": 20, "agents": agents}),
            ),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    v["with_agents"]["service_level"].as_f64().unwrap()
}

fn group(v: &Value, id: i64) -> &Value {
    v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group_id"] == id)
        .unwrap()
}

fn column(g: &Value, field: &str) -> Vec<Value> {
    g["intervals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[field].clone())
        .collect()
}

fn extensions(v: &Value) -> Vec<Value> {
    v["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "extend_shift")
        .cloned()
        .collect()
}

#[tokio::test]
async fn the_skilled_operator_of_a_surplus_group_is_lent_and_an_extension_past_12h_is_blocked() {
    let s = TestServer::start().await;
    let day = set_up(&s).await;
    let (st, v) = suggest(
        &s,
        json!({"group_ids": [day.a, day.b], "from": day.from, "horizon_minutes": 120}),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["currency"], "RUB");
    assert_eq!(
        (v["from"].clone(), v["interval_minutes"].clone()),
        (json!(day.from), json!(30))
    );
    assert_eq!(v["site_id"], day.site);
    let a = group(&v, day.a);
    assert_eq!(column(a, "forecast_calls"), vec![json!(100.0); 4]);
    assert_eq!(
        column(a, "scheduled"),
        [json!(14), json!(14), json!(13), json!(13)]
    );
    assert_eq!(column(a, "required"), vec![json!(14); 4]);
    assert_eq!(column(a, "gap"), [json!(0), json!(0), json!(1), json!(1)]);
    assert_eq!(column(group(&v, day.b), "scheduled"), vec![json!(16); 4]);

    // Erlang C figures are the calculator's: 13 -> 0.7956, 14 -> 0.8884.
    let (sl13, sl14, sl15) = (
        erlang(&s, 13).await,
        erlang(&s, 14).await,
        erlang(&s, 15).await,
    );
    assert_eq!((sl13 * 1e4).round(), 7956.0);
    assert_eq!((sl14 * 1e4).round(), 8884.0);
    assert_eq!(
        column(a, "sl_before"),
        [json!(sl14), json!(sl14), json!(sl13), json!(sl13)]
    );

    let plan = &v["plan"]["moves"];
    assert_eq!(plan.as_array().unwrap().len(), 1, "{}", v["plan"]);
    assert_eq!(
        (plan[0]["kind"].clone(), plan[0]["agent_id"].clone()),
        (json!("reassign"), json!(day.d))
    );
    assert_eq!(v["plan"]["total_cost"], 0.0);
    let chosen = &v["candidates"][plan[0]["candidate"].as_u64().unwrap() as usize];
    let eleven = day.from + Duration::hours(1);
    assert_eq!(
        chosen["intervals"],
        json!([eleven, eleven + Duration::minutes(30)])
    );
    let cells = chosen["impact"].as_array().unwrap();
    let a_cell = cells.iter().find(|c| c["group_id"] == day.a).unwrap();
    assert_eq!(
        (a_cell["sl_before"].as_f64(), a_cell["sl_after"].as_f64()),
        (Some(sl13), Some(sl14))
    );
    let b_cell = cells.iter().find(|c| c["group_id"] == day.b).unwrap();
    assert_eq!(b_cell["agents_after"], 15);
    assert_eq!(b_cell["sl_after"].as_f64(), Some(sl15));
    assert!(sl15 >= 0.8, "the donor stays above target");
    assert_eq!(column(a, "sl_after"), vec![json!(sl14); 4]);
    let expected = (4.0 * sl14 + 2.0 * erlang(&s, 16).await + 2.0 * sl15) / 8.0;
    assert!((v["plan"]["attainment_after"].as_f64().unwrap() - expected).abs() < 1e-12);

    // E's shift 23:30-11:00: 30 min more makes exactly 12 h (allowed, but not bought:
    // lending D already meets the target), 60 min more would exceed 12 h.
    let ext = extensions(&v);
    let e_ext: Vec<&Value> = ext.iter().filter(|c| c["agent_id"] == day.e).collect();
    assert_eq!(e_ext.len(), 2, "{ext:?}");
    assert_eq!(
        (
            e_ext[0]["overtime_minutes"].clone(),
            e_ext[0]["blocked_by"].clone()
        ),
        (json!(30), json!([]))
    );
    assert_eq!(e_ext[0]["cost"], 300.0, "400 RUB/h x 1.5 x 0.5 h");
    assert_eq!(e_ext[1]["overtime_minutes"], 60);
    assert_eq!(e_ext[1]["cost"], 600.0);
    assert_eq!(e_ext[1]["blocked_by"].as_array().unwrap().len(), 1);
    assert_eq!(e_ext[1]["blocked_by"][0]["rule"], "max_shift_length");
    let message = e_ext[1]["blocked_by"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("the shift would last 12 h 30 min"),
        "{message}"
    );
    assert!(message.ends_with("more than the 12 h allowed"), "{message}");
    assert!(v["method"].as_str().unwrap().contains("Erlang C"));
}

#[tokio::test]
async fn site_labor_rules_are_read_set_by_managers_audited_and_used() {
    let s = TestServer::start().await;
    let day = set_up(&s).await;
    let path = format!("/api/v1/performance/labor-rules/{}", day.site);
    let (st, v) = s.call(Method::GET, &path, Role::Viewer, None).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        (
            v["defaults"].clone(),
            v["rules"]["max_shift_minutes"].clone()
        ),
        (json!(true), json!(720))
    );
    assert_eq!(v["rules"]["min_weekly_rest_minutes"], 2520);

    let longer = json!({"max_shift_minutes": 780});
    let (st, _) = s
        .call(Method::PUT, &path, Role::Supervisor, Some(longer.clone()))
        .await;
    assert_eq!(st, 403);
    let (st, v) = s
        .call(
            Method::PUT,
            &path,
            Role::Manager,
            Some(json!({"max_shift_minutes": 0, "day_off_multiplier": -1})),
        )
        .await;
    assert_eq!(st, 400, "{v}");
    let fields: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["max_shift_minutes", "day_off_multiplier"]);
    let (st, v) = s
        .call(
            Method::PUT,
            "/api/v1/performance/labor-rules/999999",
            Role::Manager,
            Some(longer.clone()),
        )
        .await;
    assert_eq!(st, 404, "{v}");

    let (st, v) = s
        .call(Method::PUT, &path, Role::Manager, Some(longer))
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        (
            v["defaults"].clone(),
            v["rules"]["max_shift_minutes"].clone()
        ),
        (json!(false), json!(780))
    );
    let (_, audit) = s
        .call(
            Method::GET,
            "/api/v1/audit?entity=labor_rules",
            Role::Admin,
            None,
        )
        .await;
    let items = audit["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{audit}");
    assert_eq!(items[0]["after"]["rules"]["max_shift_minutes"], 780);

    // With 13 h allowed, neither extension of E is blocked; asked for group A alone, D
    // (on B's line work) cannot be lent, so overtime is bought: 30 and 60 minutes gain
    // the same per rouble, and the larger gain wins the tie.
    let (_, v) = suggest(
        &s,
        json!({"group_ids": [day.a], "from": day.from, "hourly_rates": {day.e.to_string(): 600.0}}),
    )
    .await;
    let e_ext: Vec<Value> = extensions(&v)
        .into_iter()
        .filter(|c| c["agent_id"] == day.e)
        .collect();
    assert_eq!(e_ext[1]["blocked_by"], json!([]));
    assert_eq!(e_ext[0]["cost"], 450.0, "600 RUB/h x 1.5 x 0.5 h");
    let plan = v["plan"]["moves"].as_array().unwrap();
    assert_eq!(plan.len(), 1, "{}", v["plan"]);
    assert_eq!(
        (plan[0]["kind"].clone(), plan[0]["agent_id"].clone()),
        (json!("extend_shift"), json!(day.e))
    );
    assert_eq!(plan[0]["cost"], 900.0, "600 RUB/h x 1.5 x 1 h");
    assert_eq!(v["plan"]["total_cost"], 900.0);
    assert_eq!(column(group(&v, day.a), "agents_after"), vec![json!(14); 4]);
}

#[tokio::test]
async fn bad_requests_name_the_field_and_roles_are_enforced() {
    let s = TestServer::start().await;
    let day = set_up(&s).await;
    for (body, field) in [
        (json!({"group_ids": []}), "group_ids"),
        (json!({"group_ids": [999999]}), "group_ids"),
        (
            json!({"group_ids": [day.a], "horizon_minutes": 721}),
            "horizon_minutes",
        ),
        (
            json!({"group_ids": [day.a], "horizon_minutes": 0}),
            "horizon_minutes",
        ),
        (
            json!({"group_ids": [day.a], "hourly_rate": -1}),
            "hourly_rate",
        ),
        (json!({"group_ids": [day.a], "budget": -5}), "budget"),
    ] {
        let (st, v) = suggest(&s, body.clone()).await;
        assert_eq!(st, 400, "{body}: {v}");
        assert_eq!(v["field"], field, "{body}: {v}");
    }
    let (st, v) = suggest(
        &s,
        json!({"group_ids": [day.a], "hourly_rates": {"999999": 100}}),
    )
    .await;
    assert_eq!(
        (st, v["field"].clone()),
        (400, json!("hourly_rates.999999"))
    );
    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/performance/optimization/suggest",
            Role::Viewer,
            Some(json!({"group_ids": [day.a]})),
        )
        .await;
    assert_eq!(st, 403);
    // The default horizon is the next two hours from now: 4 or 5 half-hour intervals.
    let (st, v) = suggest(&s, json!({"group_ids": [day.a, day.b]})).await;
    assert_eq!(st, 200, "{v}");
    let n = group(&v, day.a)["intervals"].as_array().unwrap().len();
    assert!(n == 4 || n == 5, "{n}");
}
