//! The platform's answers against a hand-counted morning, and its HTTP face.

use chrono::{DateTime, Duration, TimeZone, Utc};
use wfm_core::event::AgentState;
use wfm_core::feed::FeedEvent;

use super::Ledger;

fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, h, m, s).unwrap()
}

fn offered(call: &str, t: DateTime<Utc>, customer: Option<&str>) -> FeedEvent {
    FeedEvent::CallOffered {
        id: format!("o-{call}"),
        at: t,
        call_id: call.into(),
        group: "L1".into(),
        customer_id: customer.map(str::to_string),
    }
}

fn answered(call: &str, t: DateTime<Utc>) -> FeedEvent {
    FeedEvent::CallAnswered {
        id: format!("a-{call}"),
        at: t,
        call_id: call.into(),
        agent: "op-1".into(),
    }
}

fn ended(call: &str, t: DateTime<Utc>, talk: f64, hold: f64) -> FeedEvent {
    FeedEvent::CallEnded {
        id: format!("e-{call}"),
        at: t,
        call_id: call.into(),
        talk_seconds: talk,
        hold_seconds: hold,
    }
}

fn wrapped(call: &str, t: DateTime<Utc>) -> FeedEvent {
    FeedEvent::WrapUpEnded {
        id: format!("w-{call}"),
        at: t,
        call_id: call.into(),
    }
}

fn state(t: DateTime<Utc>, state: AgentState, group: Option<&str>) -> FeedEvent {
    FeedEvent::AgentState {
        id: format!("s-{t}"),
        at: t,
        agent: "op-1".into(),
        state,
        group: group.map(str::to_string),
    }
}

/// Four calls to L1 and op-1's statuses:
/// - c1 (customer A) waits 10 s, 120 s of talk and hold, 30 s wrap-up;
/// - c2 (customer A again: not unique) abandoned after 30 s;
/// - c3 (customer B) waits 5 s, 60 s talk, no wrap-up;
/// - c4 still waiting.
fn morning() -> Ledger {
    let mut l = Ledger::new(
        vec![
            ("L1".into(), "Line 1".into()),
            ("L2".into(), "Line 2".into()),
        ],
        vec![("op-1".into(), vec!["L1".into()]), ("op-2".into(), vec![])],
        20,
    );
    for e in [
        state(at(9, 0, 0), AgentState::Ready, Some("L1")),
        offered("c1", at(10, 1, 0), Some("A")),
        answered("c1", at(10, 1, 10)),
        offered("c2", at(10, 2, 0), Some("A")),
        abandoned("c2", at(10, 2, 30)),
        ended("c1", at(10, 3, 10), 110.0, 10.0),
        wrapped("c1", at(10, 3, 40)),
        offered("c3", at(10, 7, 0), Some("B")),
        answered("c3", at(10, 7, 5)),
        ended("c3", at(10, 8, 5), 60.0, 0.0),
        wrapped("c3", at(10, 8, 5)),
        state(at(10, 10, 0), AgentState::Break, None),
        offered("c4", at(10, 16, 0), None),
        state(at(10, 30, 0), AgentState::LoggedOut, None),
    ] {
        l.record(&e);
    }
    l
}

fn abandoned(call: &str, t: DateTime<Utc>) -> FeedEvent {
    FeedEvent::CallAbandoned {
        id: format!("x-{call}"),
        at: t,
        call_id: call.into(),
    }
}

#[test]
fn intervals_count_contacts_by_their_start_and_leave_empty_ones_out() {
    let l = morning();
    let groups = ["L1".to_string(), "L2".to_string()];
    let data = l.service_group_data(
        at(10, 0, 0),
        at(11, 0, 0),
        Duration::minutes(5),
        at(0, 0, 0),
        &groups,
    );
    assert_eq!(data.len(), 1, "L2 had no contacts");
    let rows: Vec<_> = data[0]
        .historic_data
        .iter()
        .map(|r| {
            (
                r.start_interval.format("%H:%M").to_string(),
                [
                    r.not_unique_received,
                    r.not_unique_treated,
                    r.not_unique_missed,
                ],
                [r.received_calls, r.treated_calls, r.miss_calls],
                r.aht,
                r.post_processing,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("10:00".into(), [2, 1, 1], [1, 1, 0], 120_000, 30_000),
            ("10:05".into(), [1, 1, 0], [1, 1, 0], 60_000, 0),
            ("10:15".into(), [1, 0, 0], [1, 0, 0], 0, 0),
        ]
    );
    assert_eq!(data[0].historic_data[0].end_interval, at(10, 5, 0));
    assert_eq!(
        (data[0].service_id.as_str(), data[0].group_id.as_str()),
        ("1", "L1")
    );
}

#[test]
fn the_online_load_is_the_day_so_far_and_the_queue_now() {
    let l = morning();
    let load = l.groups_online_load(at(0, 0, 0), at(10, 20, 0), &["L1".to_string()]);
    let g = &load[0];
    assert_eq!(
        (g.call_number, g.operator_number),
        (1, 0),
        "c4 waits; op-1 is on a break"
    );
    assert_eq!(g.call_received, Some(4));
    assert_eq!((g.call_answered, g.call_answered_tst), (Some(2), Some(2)));
    assert_eq!(g.acd, Some(50.0));
    assert_eq!(g.aht, Some(90_000), "(120 + 60) / 2 s");
    assert_eq!(g.awt, Some(7_500), "(10 + 5) / 2 s");
    assert_eq!(g.call_processing, Some(0));
    // Earlier, with c1 in conversation and op-1 on line for L1.
    let mut early = Ledger::new(vec![("L1".into(), "L1".into())], vec![], 20);
    for e in [
        state(at(9, 0, 0), AgentState::Ready, Some("L1")),
        offered("c1", at(10, 1, 0), Some("A")),
        answered("c1", at(10, 1, 10)),
    ] {
        early.record(&e);
    }
    let g = &early.groups_online_load(at(0, 0, 0), at(10, 1, 30), &["L1".to_string()])[0];
    assert_eq!(
        (g.call_processing, g.operator_number, g.aht),
        (Some(1), 1, Some(0))
    );
}

#[test]
fn statuses_log_ins_and_handled_contacts_by_agent() {
    let l = morning();
    let me = ["op-1".to_string()];
    let states = l.agent_status_data(at(9, 30, 0), at(10, 20, 0), at(10, 40, 0), &me);
    let got: Vec<_> = states
        .iter()
        .map(|s| {
            (
                s.group_id.clone(),
                s.states
                    .iter()
                    .map(|x| (x.state_code.clone(), x.start_date, x.end_date))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                None,
                vec![("Break".to_string(), at(10, 10, 0), at(10, 30, 0))]
            ),
            (
                Some("L1".to_string()),
                vec![("Available".to_string(), at(9, 0, 0), at(10, 10, 0))]
            ),
        ]
    );
    let logins = l.agent_login_data(at(10, 0, 0), at(11, 0, 0), at(11, 0, 0), &me);
    assert_eq!(
        (logins[0].logins[0].login_date, logins[0].logins[0].duration),
        (at(9, 0, 0), 5_400_000)
    );
    assert!(
        l.agent_login_data(at(9, 30, 0), at(10, 20, 0), at(11, 0, 0), &me)
            .is_empty()
    );
    let calls = l.agent_calls_data(at(10, 0, 0), at(11, 0, 0), &me);
    let durations: Vec<u64> = calls[0].agent_calls.iter().map(|c| c.duration).collect();
    assert_eq!(durations, [150_000, 60_000], "answer to the end of wrap-up");
    assert!(l.agent_status().is_empty(), "logged out: not active");
    let p = l.personnel("Platform");
    assert_eq!(p.services[0].service_groups.len(), 2);
    assert_eq!(p.agents.len(), 1, "an agent without groups is not returned");
}

#[tokio::test]
async fn errors_name_the_field_and_drills_answer_as_set() {
    use crate::sim::zup::Behaviour;
    let l = morning();
    let grid = wfm_core::interval::IntervalGrid::new(chrono_tz::UTC, 15).unwrap();
    let sim = super::PlatformSim {
        ledger: std::sync::Arc::new(parking_lot::Mutex::new(l)),
        behaviour: Default::default(),
        requests: Default::default(),
        grid: std::sync::Arc::new(grid),
        name: "Platform".into(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = sim.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let get = |path: String| async move {
        let r = reqwest::get(path).await.unwrap();
        let status = r.status().as_u16();
        (
            status,
            r.json::<serde_json::Value>().await.unwrap_or_default(),
        )
    };
    let period = "startDate=2026-03-02T10:00:00Z&endDate=2026-03-02T11:00:00Z";
    let (st, body) = get(format!(
        "{base}/historic/serviceGroupData?{period}&groupId=L1"
    ))
    .await;
    assert_eq!(
        (st, &body["field"]),
        (400, &serde_json::json!("step")),
        "{body}"
    );
    let (st, body) = get(format!("{base}/historic/serviceGroupData?startDate=yesterday&endDate=2026-03-02T11:00:00Z&step=300000&groupId=L1")).await;
    assert_eq!((st, &body["field"]), (400, &serde_json::json!("startDate")));
    let (st, _) = get(format!(
        "{base}/historic/serviceGroupData?{period}&step=300000&groupId=Nope"
    ))
    .await;
    assert_eq!(st, 404);
    let (st, body) = get(format!(
        "{base}/historic/serviceGroupData?{period}&step=300000&groupId=L1,L2"
    ))
    .await;
    assert_eq!(
        (st, body[0]["historicData"][0]["notUniqueReceived"].as_u64()),
        (200, Some(2))
    );
    sim.set_behaviour(Behaviour {
        down: true,
        ..Behaviour::default()
    });
    let (st, _) = get(format!("{base}/online/agentStatus")).await;
    assert_eq!(st, 503);
    sim.set_behaviour(Behaviour::default());
    let (st, _) = get(format!("{base}/online/agentStatus")).await;
    assert_eq!(st, 200);
    assert_eq!(sim.requests().get("/online/agentStatus"), Some(&2));
}
