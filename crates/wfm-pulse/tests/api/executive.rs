//! The executive dashboard over HTTP on a hand-built three-group day: every group's
//! indicators, the weighted aggregates per service and for the operation, benchmark ranks,
//! a reallocation suggestion, priorities that reorder the groups, and bad input refused.
//!
//! The day, in a site whose local time is near midday (so every instant below is today
//! there). S is the start of the current 15-minute interval, Q = [S - 30 min, S - 15 min)
//! a closed interval outside the window W = (now - 15 min, now]. Only Q has a forecast:
//! group 1: 4 calls, group 2: 5, group 3: 10; AHT 200 s, ACD 90 % each. With no forecast
//! now, the requirement takes today's actual AHT, and the load deviation is undefined.
//!
//! | group (service) | calls in Q | calls in W | operators |
//! |---|---|---|---|
//! | 1 (A) | 3 answered: waits 5 (handled 200 s), 5 (160 s), 30 | 5: waits 5, 5, 5, 25; one abandoned after 40 | 11, 12 ready; 13 never logs in |
//! | 2 (A) | 4 answered within 5 s (one handled 180 s) | 5 answered within 5 s | 21-25 ready |
//! | 3 (B) | 8: 6 answered within 10 s (three handled 90 s), 2 abandoned after 30 | 10: 8 answered within 10 s, 1 after 60, 1 abandoned after 50 | 31-34 ready; 35 on a break |
//!
//! Worked out:
//! - group 1: SL 5/8 = 62.5 (target 80: red), ACD 7/8 = 87.5, AHT (200 + 160) / 2 = 180
//!   against 200: -10 %; A = 5 x 180 / 900 = 1 Erlang needs 3 (N = 2: SL 70.17, N = 3:
//!   92.72), 2 on line: requirement +1; online 2/3 = 66.7 (red).
//! - group 2: SL 9/9 = 100, ACD 100, AHT 180: -10 %; A = 1, needs 3, 5 on line: -2.
//! - group 3: SL 14/18 = 77.8, ACD 15/18 = 83.3, AHT 90: -55 % (red); A = 10 x 90 / 900
//!   = 1 needs 3 (N = 2: 73.31, N = 3: 94.17), 4 on line: -1; online 4/5 = 80.
//! - service A: SL 14/17 = 82.35, ACD 16/17 = 94.12, AHT (360 + 180) / 3 = 180: -10 %.
//! - operation: SL 28/35 = 80.0, ACD 31/35 = 88.57, AHT 810 / 6 = 135: -32.5 %, online
//!   11/13 = 84.6, required 9 - 11 = -2.
//! - ranks: SL attainment -17.5, +20, -2.2: 3, 1, 2; adherence 2/3, 5/5, 4/5: 3, 1, 2;
//!   forecast accuracy over Q: 100 - |3-4|/4 = 75, 100 - |4-5|/5 = 80, 100 - |8-10|/10
//!   = 80: 3, 1, 1.
//! - reallocation: operator 22 (group 2, also skilled for group 1) to group 1. Before:
//!   what the windows show, group 1 3/5 = 60 (waits 5, 5, 5 within 20 s; 25 and the
//!   abandon after 40 not), group 2 5/5 = 100. After, by Erlang C on the window's load:
//!   group 1 (N = 2 -> 3 on A = 1) 92.72, group 2 (N = 5 -> 4) 98.54. Nobody waits and
//!   every operator is ready, so group 2 may give.

use crate::common;
mod day;

use common::{TestServer, eventually};
use day::set_up;
use reqwest::Method;
use serde_json::{Value, json};
use wfm_store::model::Role;

const DASHBOARD: &str = "/api/v1/performance/dashboard/executive";
const PRIORITIES: &str = "/api/v1/performance/dashboard/executive/priorities";

fn group(board: &Value, id: i64) -> &Value {
    board["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group_id"] == id)
        .unwrap()
}

/// (value rounded to 2 decimals, color) of an indicator.
fn reading(indicators: &Value, name: &str) -> (Option<f64>, String) {
    let i = indicators
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["indicator"] == name)
        .unwrap();
    (
        i["value"].as_f64().map(|v| (v * 100.0).round() / 100.0),
        i["color"].as_str().unwrap().to_string(),
    )
}

fn values(indicators: &Value) -> Vec<Option<f64>> {
    [
        "operators_online",
        "load_deviation",
        "operator_requirement",
        "service_level",
        "acd",
        "aht_trend",
    ]
    .iter()
    .map(|n| reading(indicators, n).0)
    .collect()
}

async fn dashboard(s: &TestServer) -> Value {
    let (st, board) = s.call(Method::GET, DASHBOARD, Role::Viewer, None).await;
    assert_eq!(st, 200, "{board}");
    board
}

fn order(board: &Value) -> Vec<i64> {
    board["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group_id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn the_executive_dashboard_of_a_hand_built_day() {
    let s = TestServer::start().await;
    let day = set_up(&s).await;
    let [g1, g2, g3] = day.groups;
    let board = eventually("every call in the dashboard", 10, async || {
        let board = dashboard(&s).await;
        (board["operation"]["offered_today"] == 35
            && board["alerts"]["total"] == 1
            && board["operation"]["counts"]["handled_today"] == 6
            // The plan, uploaded after the events, is applied too.
            && board["operation"]["counts"]["forecast_calls_today"].is_number())
        .then_some(board)
    })
    .await;

    // Groups: online, load deviation (no forecast now), requirement, SL, ACD, AHT trend.
    assert_eq!(
        values(&group(&board, g1)["indicators"]),
        vec![
            Some(66.67),
            None,
            Some(1.0),
            Some(62.5),
            Some(87.5),
            Some(-10.0)
        ]
    );
    assert_eq!(
        values(&group(&board, g2)["indicators"]),
        vec![
            Some(100.0),
            None,
            Some(-2.0),
            Some(100.0),
            Some(100.0),
            Some(-10.0)
        ]
    );
    assert_eq!(
        values(&group(&board, g3)["indicators"]),
        vec![
            Some(80.0),
            None,
            Some(-1.0),
            Some(77.78),
            Some(83.33),
            Some(-55.0)
        ]
    );
    // 62.5 % from 8 calls: shown, but too few calls for a verdict.
    assert_eq!(
        reading(&group(&board, g1)["indicators"], "service_level").1,
        "grey"
    );
    assert_eq!(group(&board, g1)["worst_color"], "red");
    assert!(group(&board, g1)["indicators"][0].get("trend").is_some());

    // Aggregates from summed counts.
    let operation = &board["operation"];
    assert_eq!(
        values(&operation["indicators"]),
        vec![
            Some(84.62),
            None,
            Some(-2.0),
            Some(80.0),
            Some(88.57),
            Some(-32.5)
        ]
    );
    assert_eq!(
        (operation["online"].as_u64(), operation["planned"].as_u64()),
        (Some(11), Some(13))
    );
    // One site: the operation is the site's own aggregate.
    let (_, realtime) = s
        .call(
            Method::GET,
            "/api/v1/performance/metrics/realtime",
            Role::Viewer,
            None,
        )
        .await;
    assert_eq!(
        values(&realtime["all"]["indicators"]),
        values(&operation["indicators"])
    );
    let services = board["services"].as_array().unwrap();
    assert_eq!(services.len(), 2);
    let a = services
        .iter()
        .find(|x| x["service_id"] == day.services[0])
        .unwrap();
    assert_eq!(a["name"], "A");
    assert_eq!(a["groups"], json!([g1, g2]));
    assert_eq!(
        values(&a["indicators"]),
        vec![
            Some(87.5),
            None,
            Some(-1.0),
            Some(82.35),
            Some(94.12),
            Some(-10.0)
        ]
    );
    let b = services
        .iter()
        .find(|x| x["service_id"] == day.services[1])
        .unwrap();
    assert_eq!(
        values(&b["indicators"]),
        values(&group(&board, g3)["indicators"])
    );

    // Ranks: (SL attainment, adherence, forecast accuracy) per group.
    let ranks: Vec<(Value, Value, Value, Value)> = board["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["group_id"].clone(),
                r["sl_rank"].clone(),
                r["adherence_rank"].clone(),
                r["forecast_accuracy_rank"].clone(),
            )
        })
        .collect();
    assert_eq!(
        ranks,
        vec![
            (json!(g1), json!(3), json!(3), json!(3)),
            (json!(g2), json!(1), json!(1), json!(1)),
            (json!(g3), json!(2), json!(2), json!(1)),
        ]
    );
    assert_eq!(board["benchmarks"][0]["forecast_accuracy_percent"], 75.0);
    assert_eq!(board["benchmarks"][2]["adherence_percent"], 80.0);

    // The one move: operator 22 from group 2 to group 1.
    let moves = board["reallocations"].as_array().unwrap();
    assert_eq!(moves.len(), 1, "{moves:?}");
    let m = &moves[0];
    assert_eq!(
        (
            m["agent_id"].as_i64(),
            m["from_group_id"].as_i64(),
            m["to_group_id"].as_i64()
        ),
        (Some(day.agent_22), Some(g2), Some(g1))
    );
    let two = |v: &Value| (v.as_f64().unwrap() * 100.0).round() / 100.0;
    assert_eq!(
        (
            two(&m["to_sl_before_percent"]),
            two(&m["to_sl_after_percent"]),
            two(&m["from_sl_before_percent"]),
            two(&m["from_sl_after_percent"])
        ),
        (60.0, 92.72, 100.0, 98.54)
    );
    every_before_is_the_window_sl_of_its_snapshot(&s).await;

    // Group 1's 66.7 % online fires the default "Critical understaffing" (below 70, at
    // once); the SL breach rule waits 5 minutes, longer than this test.
    assert_eq!(board["alerts"]["total"], 1, "{}", board["alerts"]);
    let alert = &board["alerts"]["items"][0];
    assert_eq!(
        (
            alert["group_id"].as_i64(),
            alert["severity"].as_str(),
            alert["details"]["rule"].as_str()
        ),
        (Some(g1), Some("critical"), Some("Critical understaffing"))
    );
    assert!(board["freshness"].is_object());

    // Order: importance (all normal), then the worst color: group 1 red; groups 2 and 3
    // yellow at worst (group 3's AHT -55 % from 3 handled calls is no verdict, grey), so
    // by how many show it, then by id.
    assert_eq!(
        [g1, g2, g3].map(|g| group(&board, g)["worst_color"].as_str().unwrap().to_owned()),
        ["red", "yellow", "yellow"]
    );
    assert_eq!(order(&board), vec![g1, g2, g3]);
    s.stop().await;
}

/// Issue 15: every reallocation quotes as "before" the window SL each group shows on the
/// same snapshot (the board and the realtime figures read until both are of one `at`).
async fn every_before_is_the_window_sl_of_its_snapshot(s: &TestServer) {
    let (board, realtime) = eventually(
        "a board and realtime figures of one snapshot",
        10,
        async || {
            let board = dashboard(s).await;
            let (st, realtime) = s
                .call(
                    Method::GET,
                    "/api/v1/performance/metrics/realtime",
                    Role::Viewer,
                    None,
                )
                .await;
            assert_eq!(st, 200, "{realtime}");
            (board["at"] == realtime["at"]).then_some((board, realtime))
        },
    )
    .await;
    let window = |id: &Value| {
        realtime["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| &g["group_id"] == id)
            .map(|g| g["sl_window_percent"].clone())
            .unwrap()
    };
    let moves = board["reallocations"].as_array().unwrap();
    assert!(!moves.is_empty(), "{board}");
    for m in moves {
        assert_eq!(
            m["from_sl_before_percent"],
            window(&m["from_group_id"]),
            "{m}"
        );
        assert_eq!(m["to_sl_before_percent"], window(&m["to_group_id"]), "{m}");
    }
}

#[tokio::test]
async fn priorities_reorder_the_groups_are_audited_and_checked() {
    let s = TestServer::start().await;
    let day = set_up(&s).await;
    let [g1, g2, g3] = day.groups;
    let (st, listed) = s.call(Method::GET, PRIORITIES, Role::Viewer, None).await;
    assert_eq!(st, 200, "{listed}");
    let levels: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["importance"].as_str().unwrap())
        .collect();
    assert_eq!(levels, vec!["normal"; 3]);

    let put = |body: Value, role: Role| s.call(Method::PUT, PRIORITIES, role, Some(body));
    let (st, set) = put(
        json!({"group_id": g2, "importance": "critical"}),
        Role::Manager,
    )
    .await;
    assert_eq!(st, 200, "{set}");
    assert_eq!(
        (set["group_id"].as_i64(), set["updated_by"].as_str()),
        (Some(g2), Some("user:tester"))
    );
    let board = eventually("the calls in the dashboard", 10, async || {
        let board = dashboard(&s).await;
        (board["operation"]["offered_today"] == 35).then_some(board)
    })
    .await;
    assert_eq!(order(&board), vec![g2, g1, g3]);
    assert_eq!(group(&board, g2)["importance"], "critical");
    let (st, _) = put(json!({"group_id": g1, "importance": "low"}), Role::Manager).await;
    assert_eq!(st, 200);
    assert_eq!(order(&dashboard(&s).await), vec![g2, g3, g1]);

    let (_, audit) = s
        .call(
            Method::GET,
            "/api/v1/audit?entity=group_priority",
            Role::Manager,
            None,
        )
        .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 2, "{audit}");

    for (body, field) in [
        (
            json!({"group_id": g1, "importance": "urgent"}),
            "importance",
        ),
        (
            json!({"group_id": 987_654, "importance": "high"}),
            "group_id",
        ),
        (json!({"group_id": "one", "importance": "high"}), "group_id"),
        (json!({"importance": "high"}), "group_id"),
    ] {
        let (st, err) = put(body.clone(), Role::Manager).await;
        assert_eq!(
            (st, err["field"].as_str()),
            (400, Some(field)),
            "{body}: {err}"
        );
    }
    let (st, _) = put(
        json!({"group_id": g3, "importance": "high"}),
        Role::Supervisor,
    )
    .await;
    assert_eq!(st, 403, "managers set priorities");
    let (_, listed) = s.call(Method::GET, PRIORITIES, Role::Viewer, None).await;
    let levels: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["importance"].as_str().unwrap())
        .collect();
    assert_eq!(
        levels,
        vec!["low", "critical", "normal"],
        "nothing refused was written"
    );
    s.stop().await;
}
