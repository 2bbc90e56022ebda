//! No data is not zero: before the feed is connected, and in an interval it delivered
//! nothing in, the figures of the moment are gaps and the history records nothing.

use super::support::*;
use crate::event::AgentState;
use crate::live::Scope;
use crate::threshold::Indicator;

/// Group 1 with a forecast of 15 calls per interval and operator 1 planned on line from
/// 07:00; the feed is connected at 10:00 (operator 1 logs in, and its status repeats
/// every 30 s to 10:29:30), a call at 10:20, then nothing until a status at 10:50: a
/// 20-minute silence of a feed whose usual gap is under 30 s, down past 2 minutes.
fn late_feed() -> Feed {
    let mut feed = Feed::new(vec![group(1, 10)], vec![agent(1, Some(1))]);
    let forecasts = (28..48)
        .map(|k| {
            let start = at(7, 0, 0) + chrono::Duration::minutes(15 * (k - 28));
            forecast(
                1,
                start,
                start + chrono::Duration::minutes(15),
                15.0,
                180.0,
                90.0,
            )
        })
        .collect();
    feed.center
        .set_plan(forecasts, vec![line(1, 1, at(7, 0, 0), at(12, 0, 0))]);
    for k in 0..60 {
        let heartbeat = at(10, 0, 0) + chrono::Duration::seconds(30 * k);
        feed.state(heartbeat, 1, AgentState::Ready, None);
        if heartbeat == at(10, 20, 0) {
            feed.answered_call("c1", 1, at(10, 20, 0), 5);
        }
    }
    feed.state(at(10, 50, 0), 1, AgentState::NotReady, None);
    feed
}

#[test]
fn before_the_feed_and_while_it_is_down_the_moment_is_a_gap() {
    let feed = late_feed();
    let snapshot = feed.snapshot(at(11, 0, 0));
    let g = of(&snapshot, Scope::Group(1));
    // 24 interval ends: 05:15 ... 11:00. Ends 07:15 ... 10:00 (interval 28-39) were
    // before the feed: online and load deviation there would read 0 % and -100 %.
    let online = &indicator(g, Indicator::OperatorsOnline).sparkline;
    let ends: Vec<String> = (0..24)
        .map(|k| {
            let end = at(5, 15, 0) + chrono::Duration::minutes(15 * k);
            end.format("%H:%M").to_string()
        })
        .collect();
    let shown: Vec<&str> = ends
        .iter()
        .zip(online)
        .filter(|(_, v)| v.is_some())
        .map(|(end, _)| end.as_str())
        .collect();
    // 10:15 (the login at 10:00), 10:30 (the call), 11:00 (10:50's status); 10:45 ends
    // an interval the feed said nothing in.
    assert_eq!(shown, ["10:15", "10:30", "11:00"]);
    let load = &indicator(g, Indicator::LoadDeviation).sparkline;
    assert!(load[..20].iter().all(Option::is_none), "{load:?}");
    // The day's running SL still stands at 10:45: the call answered in 5 s, 100 %.
    let sl = &indicator(g, Indicator::ServiceLevel).sparkline;
    assert_eq!(sl[22], Some(100.0));
    assert_eq!(sl[19], None, "10:00, before the feed: a gap");
}

#[test]
fn the_history_records_nothing_where_the_feed_was_absent() {
    let feed = late_feed();
    // 08:00-08:15 (interval 32): 15 calls forecast, operator 1 planned: recorded, it
    // would say 100 % forecast error and 0 % online.
    assert!(
        feed.center
            .interval_records(day(), 32, at(11, 0, 0))
            .is_none()
    );
    // 10:30-10:45 (interval 42): the feed down.
    assert!(
        feed.center
            .interval_records(day(), 42, at(11, 0, 0))
            .is_none()
    );
    // 10:15-10:30 (interval 41): the call; 15 minutes planned and on line.
    let fed = feed
        .center
        .interval_records(day(), 41, at(11, 0, 0))
        .unwrap();
    let record = &fed.groups[0];
    assert_eq!(
        (
            record.arrivals,
            record.planned_minutes,
            record.online_minutes
        ),
        (1, 15, 15)
    );
}

#[test]
fn a_feed_connected_a_minute_ago_is_held_to_a_minute_of_forecast() {
    use crate::erlang::{Load, ServiceTarget, StaffingRequest, required_agents};
    let feed = late_feed();
    // 10:01: the window (09:46, 10:01] reaches back before the feed (10:00). Held to the
    // whole window, 15 forecast calls against 0 offered would read -100 % (red) and a
    // requirement of nobody. The feed covered one minute: 1 call forecast, none offered
    // (too few either way: grey), and the requirement is Erlang C on the forecast's
    // rate for that minute, 1 call in 60 s at 180 s.
    let snapshot = feed.snapshot(at(10, 1, 0));
    let g = of(&snapshot, Scope::Group(1));
    let load = indicator(g, Indicator::LoadDeviation);
    assert_eq!((load.value, load.plan), (Some(-100.0), Some(1.0)));
    assert_eq!(
        (load.color, load.too_few_calls),
        (crate::threshold::Color::Grey, true)
    );
    let expected = required_agents(&StaffingRequest {
        load: Load {
            calls: 1.0,
            interval_seconds: 60.0,
            aht_seconds: 180.0,
        },
        target: ServiceTarget {
            answer_within_seconds: 20.0,
            percent: 80.0,
        },
        max_occupancy: 1.0,
        shrinkage: 0.0,
    })
    .unwrap()
    .agents;
    assert_eq!(g.required, Some(f64::from(expected)));
    assert!(
        expected >= 3,
        "15 calls a quarter hour at 180 s need people: {expected}"
    );
}

#[test]
fn lateness_counts_from_when_the_feed_began() {
    // Operators 1 and 2 planned on line from 07:00; the feed begins at 10:00 with
    // operator 1's login. Operator 2 is late, but by what the feed can tell: 5 minutes
    // at 10:05, not 3 hours 5 minutes (before 10:00 nothing is known).
    let mut feed = Feed::new(
        vec![group(1, 10)],
        vec![agent(1, Some(1)), agent(2, Some(1))],
    );
    feed.center.set_plan(
        vec![],
        vec![
            line(1, 1, at(7, 0, 0), at(12, 0, 0)),
            line(2, 1, at(7, 0, 0), at(12, 0, 0)),
        ],
    );
    feed.state(at(10, 0, 0), 1, AgentState::Ready, None);
    let operators = feed.center.operators(at(10, 5, 0));
    let second = operators.iter().find(|o| o.agent_id == 2).unwrap();
    assert_eq!(second.adherence, crate::live::Adherence::LateLogin);
    assert_eq!(second.late_seconds, Some(300.0));
}
