//! The hand-built day of the executive tests (see `executive.rs` for the numbers): a site
//! whose local time is near midday, two services, three groups, thirteen operators, a
//! forecast for one closed interval, and the calls and statuses of the day.

use chrono::{DateTime, Duration as Span, DurationRound, Utc};
use serde_json::{Value, json};

use crate::common::TestServer;
use crate::common::center::push;
use crate::common::setup::{created, midday_zone, put_plan};

/// The ids of groups 1..3 and of operators by login.
pub struct Day {
    pub groups: [i64; 3],
    pub services: [i64; 2],
    pub agent_22: i64,
}

pub async fn set_up(s: &TestServer) -> Day {
    let now = Utc::now();
    let site = created(
        s,
        "/api/v1/sites",
        json!({"name": "Exec", "time_zone": midday_zone(now).0}),
    )
    .await;
    let a = created(s, "/api/v1/services", json!({"site_id": site, "name": "A"})).await;
    let b = created(s, "/api/v1/services", json!({"site_id": site, "name": "B"})).await;
    let mut groups = [0; 3];
    for (i, service) in [a, a, b].into_iter().enumerate() {
        let n = i + 1;
        groups[i] = created(
            s,
            "/api/v1/groups",
            json!({"service_id": service, "name": format!("Group {n}"), "external_id": format!("G{n}")}),
        )
        .await;
    }
    let s0 = now.duration_trunc(Span::minutes(15)).unwrap();
    let mut segments = Vec::new();
    let mut agent_22 = 0;
    for (g, logins) in [(0, 11..=13), (1, 21..=25), (2, 31..=35)] {
        for login in logins {
            let mut skills = vec![json!({"group_id": groups[g]})];
            if login == 22 {
                skills.push(json!({"group_id": groups[0]}));
            }
            let id = created(
                s,
                "/api/v1/agents",
                json!({"external_id": format!("op-{login}"), "full_name": format!("Operator {login}"),
                       "site_id": site, "primary_group_id": groups[g], "skills": skills}),
            )
            .await;
            if login == 22 {
                agent_22 = id;
            }
            segments.push(
                json!({"agent_id": id, "start": s0 - Span::hours(2), "end": s0 + Span::hours(2),
                                 "activity": "line", "group_id": groups[g]}),
            );
        }
    }
    // The day's events go in before the plan: with the timetable first, a snapshot taken
    // before the events would find everyone planned and nobody on line, and open alerts
    // that take their hysteresis to resolve.
    let q = s0 - Span::minutes(30);
    push(s, events(q + Span::minutes(1), now - Span::seconds(170))).await;
    put_plan(s, "timetable", json!({"segments": segments})).await;
    let intervals: Vec<Value> = [(0, 4), (1, 5), (2, 10)]
        .iter()
        .map(|&(g, calls)| json!({"group_id": groups[g], "start": q, "calls": calls, "aht_seconds": 200, "acd_percent": 90}))
        .collect();
    put_plan(s, "forecast", json!({"intervals": intervals})).await;
    Day {
        groups,
        services: [a, b],
        agent_22,
    }
}

/// What becomes of a call: answered after a wait (handled in so many seconds, if
/// given), or abandoned after a wait.
#[derive(Clone, Copy)]
enum End {
    Answered(i64, Option<i64>),
    Abandoned(i64),
}

/// The day's events in time order: Q's calls a minute apart from `q`, W's ten seconds
/// apart from `w`.
fn events(q: DateTime<Utc>, w: DateTime<Utc>) -> Value {
    use End::{Abandoned as Ab, Answered as An};
    let mut list: Vec<(DateTime<Utc>, Value)> = Vec::new();
    let start = q - Span::minutes(10);
    for login in [11, 12, 21, 22, 23, 24, 25, 31, 32, 33, 34, 35] {
        let state = if login == 35 { "break" } else { "ready" };
        list.push((
            start,
            json!({"type": "agent_state", "agent": format!("op-{login}"), "state": state}),
        ));
    }
    let mut calls = |group: u32, first: DateTime<Utc>, step: Span, ends: &[End]| {
        for (k, end) in ends.iter().enumerate() {
            let id = format!("g{group}-{}-{k}", first.timestamp());
            let offered = first + step * k as i32;
            list.push((
                offered,
                json!({"type": "call_offered", "call_id": id, "group": format!("G{group}")}),
            ));
            match *end {
                End::Answered(wait, handle) => {
                    let answered = offered + Span::seconds(wait);
                    list.push((answered, json!({"type": "call_answered", "call_id": id, "agent": format!("op-{group}1")})));
                    if let Some(handle) = handle {
                        let ended = answered + Span::seconds(handle - 10);
                        list.push((ended, json!({"type": "call_ended", "call_id": id, "talk_seconds": handle - 10})));
                        list.push((
                            ended + Span::seconds(10),
                            json!({"type": "wrap_up_ended", "call_id": id}),
                        ));
                    }
                }
                End::Abandoned(wait) => {
                    list.push((
                        offered + Span::seconds(wait),
                        json!({"type": "call_abandoned", "call_id": id}),
                    ));
                }
            }
        }
    };
    let minute = Span::minutes(1);
    let ten = Span::seconds(10);
    calls(
        1,
        q,
        minute,
        &[An(5, Some(200)), An(5, Some(160)), An(30, None)],
    );
    calls(
        1,
        w,
        ten,
        &[An(5, None), An(5, None), An(5, None), An(25, None), Ab(40)],
    );
    calls(
        2,
        q,
        minute,
        &[An(5, Some(180)), An(5, None), An(5, None), An(5, None)],
    );
    calls(2, w, ten, &[An(5, None); 5]);
    let mut early = [An(10, None); 8];
    early[0] = An(10, Some(90));
    early[1] = An(10, Some(90));
    early[2] = An(10, Some(90));
    early[6] = Ab(30);
    early[7] = Ab(30);
    calls(3, q, minute, &early);
    let mut late = [An(10, None); 10];
    late[8] = An(60, None);
    late[9] = Ab(50);
    calls(3, w, ten, &late);
    list.sort_by_key(|(at, _)| *at);
    Value::Array(
        list.into_iter()
            .enumerate()
            .map(|(n, (at, mut event))| {
                event["id"] = json!(format!("x{n}"));
                event["at"] = json!(at);
                event
            })
            .collect(),
    )
}
