//! Operators online, load deviation, operator requirement, ACD and AHT against the
//! plan; trends over 15 minutes and sparklines; agents by state and occupancy.

use chrono::Duration;

use super::support::*;
use crate::erlang::{Load, ServiceTarget, StaffingRequest, performance, required_agents};
use crate::event::AgentState;
use crate::live::{GroupSettings, Scope};
use crate::plan::{Activity, ForecastInterval};
use crate::threshold::{Color, Indicator};
use crate::trend::Trend;

/// Groups 1 and 2; operators 101-104 on line work for group 1 from 10:00 to 11:00, 105
/// (primary group 2) on a break then. At 09:58: 101 ready, 102 on a contact, 103 in
/// wrap-up, 104 not ready, 105 ready.
fn staffed(forecast: Vec<ForecastInterval>) -> Feed {
    let agents = vec![
        agent(1, Some(1)),
        agent(101, Some(1)),
        agent(102, Some(1)),
        agent(103, Some(1)),
        agent(104, Some(1)),
        agent(105, Some(2)),
    ];
    let mut feed = Feed::new(vec![group(1, 10), group(2, 10)], agents);
    let (from, to) = (at(10, 0, 0), at(11, 0, 0));
    let timetable = vec![
        line(101, 1, from, to),
        line(102, 1, from, to),
        line(103, 1, from, to),
        line(104, 1, from, to),
        segment(105, Activity::Break, from, to),
    ];
    feed.center.set_plan(forecast, timetable);
    feed.state(at(9, 58, 0), 101, AgentState::Ready, None)
        .state(at(9, 58, 0), 102, AgentState::OnContact, None)
        .state(at(9, 58, 0), 103, AgentState::WrapUp, None)
        .state(at(9, 58, 0), 104, AgentState::NotReady, None)
        .state(at(9, 58, 0), 105, AgentState::Ready, None);
    feed
}

#[test]
fn nothing_planned_is_grey() {
    let feed = Feed::new(vec![group(1, 10)], vec![agent(1, Some(1))]);
    let snapshot = feed.snapshot(at(10, 0, 0));
    let online = indicator(of(&snapshot, Scope::Group(1)), Indicator::OperatorsOnline);
    assert_eq!(
        (online.value, online.plan, online.color),
        (None, None, Color::Grey)
    );
}

#[test]
fn operators_online_occupancy_and_states() {
    let feed = staffed(vec![]);
    let snapshot = feed.snapshot(at(10, 5, 0));
    let g1 = of(&snapshot, Scope::Group(1));
    // Planned 101-104; on line 101-103 (104 is not ready).
    assert_eq!((g1.planned, g1.online), (4, 3));
    let online = indicator(g1, Indicator::OperatorsOnline);
    assert_eq!(
        (online.value, online.plan, online.deviation),
        (Some(75.0), Some(100.0), Some(-25.0))
    );
    // Below the acceptable 80, not below the critical 70.
    assert_eq!(online.color, Color::Yellow);
    // 102 on a contact and 103 in wrap-up of 3 on line.
    assert_close(g1.occupancy_percent, 200.0 / 3.0);
    let states: Vec<u32> = g1.agents_by_state.values().copied().collect();
    // ready, on_contact, wrap_up, break, lunch, training, not_ready, logged_out: operator
    // 1 is logged out with no line work today and counts nowhere.
    assert_eq!(states, vec![1, 1, 1, 0, 0, 0, 1, 0]);
    // 105: on line during a planned break, no group in its status: its primary group.
    let g2 = of(&snapshot, Scope::Group(2));
    assert_eq!((g2.planned, g2.online), (0, 1));
    assert_eq!(indicator(g2, Indicator::OperatorsOnline).color, Color::Grey);
    assert_eq!(g2.occupancy_percent, Some(0.0));
    assert_eq!(g2.agents_by_state[&AgentState::Ready], 1);
}

#[test]
fn the_status_group_comes_before_the_timetable_and_the_primary_group() {
    let mut feed = staffed(vec![]);
    // 101 says it serves group 2 although the timetable has it on group 1.
    feed.state(at(10, 1, 0), 101, AgentState::Ready, Some(2));
    let snapshot = feed.snapshot(at(10, 5, 0));
    assert_eq!(of(&snapshot, Scope::Group(1)).online, 2);
    assert_eq!(of(&snapshot, Scope::Group(2)).online, 2);
    // A later status without a group hands it back to the timetable's group.
    feed.state(at(10, 6, 0), 101, AgentState::OnContact, None);
    let snapshot = feed.snapshot(at(10, 7, 0));
    assert_eq!(of(&snapshot, Scope::Group(1)).online, 3);
    // Past 11:00 no line work: 101-104 count for their primary group again.
    let snapshot = feed.snapshot(at(11, 5, 0));
    assert_eq!(
        (
            of(&snapshot, Scope::Group(1)).online,
            of(&snapshot, Scope::Group(1)).planned
        ),
        (3, 0)
    );
}

#[test]
fn load_deviation_over_a_window_straddling_two_forecast_intervals() {
    let mut feed = Feed::new(vec![group(1, 10)], vec![agent(1, Some(1))]);
    feed.center.set_plan(
        vec![
            forecast(1, at(9, 45, 0), at(10, 0, 0), 30.0, 180.0, 90.0),
            forecast(1, at(10, 0, 0), at(10, 15, 0), 60.0, 180.0, 90.0),
        ],
        vec![],
    );
    // Outside (09:50, 10:05]: a call at exactly 09:50.
    feed.offer(at(9, 50, 0), "early", 1);
    for i in 0..45 {
        feed.offer(at(9, 55, i), &format!("c{i}"), 1);
    }
    feed.offer(at(10, 5, 0), "last", 1);
    let snapshot = feed.snapshot(at(10, 5, 0));
    let load = indicator(of(&snapshot, Scope::Group(1)), Indicator::LoadDeviation);
    // Forecast over the window: 30 x 10/15 + 60 x 5/15 = 40; actual 46: +15 %.
    assert_close(load.plan, 40.0);
    assert_close(load.value, 15.0);
    assert_close(load.deviation, 15.0);
    assert_eq!(load.color, Color::Yellow);
    // No forecast at all overlaps the window at 12:00.
    let later = feed.snapshot(at(12, 0, 0));
    let load = indicator(of(&later, Scope::Group(1)), Indicator::LoadDeviation);
    assert_eq!(
        (load.value, load.plan, load.color),
        (None, None, Color::Grey)
    );
}

/// Erlang C agents for `calls` over `seconds` (the part of the window the feed covered).
fn staffing_over(calls: f64, seconds: f64, aht: f64) -> f64 {
    let request = StaffingRequest {
        load: Load {
            calls,
            interval_seconds: seconds,
            aht_seconds: aht,
        },
        target: ServiceTarget {
            answer_within_seconds: 20.0,
            percent: 80.0,
        },
        max_occupancy: 0.85,
        shrinkage: 0.0,
    };
    f64::from(required_agents(&request).unwrap().agents)
}

#[test]
fn voice_requirement_is_erlang_c_on_the_window() {
    let settings = GroupSettings {
        max_occupancy: 0.85,
        ..group(1, 10)
    };
    let agents = vec![agent(1, Some(1)), agent(2, Some(1)), agent(3, Some(1))];
    let mut feed = Feed::new(vec![settings], agents);
    feed.center.set_plan(
        vec![forecast(1, at(10, 0, 0), at(10, 15, 0), 60.0, 200.0, 90.0)],
        vec![],
    );
    for agent_id in 1..=3 {
        feed.state(at(9, 59, 0), agent_id, AgentState::Ready, None);
    }
    // 30 calls from 10:00:00 every 10 s, answered at once.
    for i in 0..30 {
        let offered = at(10, 0, 0) + chrono::Duration::seconds(10 * i);
        feed.answered_call(&format!("c{i}"), 1, offered, 0);
    }
    // Fewer than 10 calls handled: the forecast's AHT of 200 s. The feed began at 09:59,
    // so the window covers 6 minutes: 30 calls in 360 s.
    let expected = staffing_over(30.0, 360.0, 200.0);
    let snapshot = feed.snapshot(at(10, 5, 0));
    let g = of(&snapshot, Scope::Group(1));
    let requirement = indicator(g, Indicator::OperatorRequirement);
    assert_eq!(g.required, Some(expected));
    assert_eq!(requirement.plan, Some(expected));
    assert_eq!(requirement.value, Some(expected - 3.0));
    assert_eq!(requirement.unit, "people");
    assert!(expected - 3.0 > 3.0, "a shortage past critical: {expected}");
    assert_eq!(requirement.color, Color::Red);
    // Ten calls handled in 100 + 20 + 30 = 150 s each: the actual AHT takes over, but
    // censoring-aware. At 10:06 (360 s) the other 20 calls, answered at 100, 110, ...,
    // 290 s, have been in conversation 260, 250, ..., 70 s: 20 x 360 - 10 x (10 + ... +
    // 29) = 7200 - 3900 = 3300 s. Time spent over calls completed: (10 x 150 + 3300) /
    // 10 = 480 s. The completed calls alone (150 s) are the short ones, biased low.
    for i in 0..10 {
        let call = format!("c{i}");
        feed.end(at(10, 5, 10), &call, 100.0, 20.0)
            .wrap_up(at(10, 5, 40), &call);
    }
    let snapshot = feed.snapshot(at(10, 6, 0));
    let expected = staffing_over(30.0, 420.0, 480.0);
    assert_ne!(expected, staffing_over(30.0, 420.0, 150.0));
    assert_eq!(of(&snapshot, Scope::Group(1)).required, Some(expected));
    // As the open calls end the estimate tends to the plain mean: all 30 handled in
    // 150 s each by 10:09:40, nothing open: 150 s.
    for i in 10..30 {
        let call = format!("c{i}");
        feed.end(at(10, 9, 10), &call, 100.0, 20.0)
            .wrap_up(at(10, 9, 40), &call);
    }
    let snapshot = feed.snapshot(at(10, 10, 0));
    assert_eq!(
        of(&snapshot, Scope::Group(1)).required,
        Some(staffing_over(30.0, 660.0, 150.0))
    );
}

#[test]
fn long_calls_still_open_keep_the_early_requirement_honest() {
    // The observed case: forecast AHT 270 s; by 09:10 ten 60 s calls have ended while
    // ten 600 s calls answered at 09:00 are still open (600 s each so far). Completed
    // calls alone say 60 s and a surplus; time spent over completions says
    // (10 x 60 + 10 x 600) / 10 = 660 s.
    let agents: Vec<_> = (1..=20).map(|id| agent(id, Some(1))).collect();
    let mut feed = Feed::new(vec![group(1, 10)], agents);
    feed.center.set_plan(
        vec![forecast(1, at(9, 0, 0), at(9, 15, 0), 20.0, 270.0, 100.0)],
        vec![],
    );
    for k in 0..10i64 {
        let (short, long) = (format!("s{k}"), format!("l{k}"));
        let offered = at(9, 0, 0);
        feed.offer(offered, &long, 1).answer(offered, &long, k + 11);
        feed.offer(offered, &short, 1)
            .answer(offered, &short, k + 1)
            .end(offered + Duration::seconds(50), &short, 50.0, 0.0)
            .wrap_up(offered + Duration::seconds(60), &short);
    }
    let snapshot = feed.snapshot(at(9, 10, 0));
    // 20 calls offered in the 10 minutes the feed covered (since 09:00).
    assert_eq!(
        of(&snapshot, Scope::Group(1)).required,
        Some(staffing_over(20.0, 600.0, 660.0))
    );
    assert!(staffing_over(20.0, 600.0, 660.0) > staffing_over(20.0, 600.0, 60.0));
}

#[test]
fn non_voice_requirement_is_the_forecast_operators() {
    let settings = GroupSettings {
        voice: false,
        ..group(3, 20)
    };
    let mut feed = Feed::new(
        vec![settings],
        vec![agent(111, Some(3)), agent(112, Some(3))],
    );
    let mut interval = forecast(3, at(10, 0, 0), at(10, 15, 0), 40.0, 300.0, 95.0);
    interval.operators = Some(7.5);
    feed.center.set_plan(vec![interval], vec![]);
    feed.state(at(9, 0, 0), 111, AgentState::Ready, None).state(
        at(9, 0, 0),
        112,
        AgentState::OnContact,
        None,
    );
    let snapshot = feed.snapshot(at(10, 5, 0));
    let requirement = indicator(
        of(&snapshot, Scope::Group(3)),
        Indicator::OperatorRequirement,
    );
    // 7.5 asked for, 2 on line: short of 5.5, past the critical 3.
    assert_eq!(
        (requirement.plan, requirement.value),
        (Some(7.5), Some(5.5))
    );
    assert_eq!(requirement.color, Color::Red);
    let snapshot = feed.snapshot(at(10, 20, 0));
    let requirement = indicator(
        of(&snapshot, Scope::Group(3)),
        Indicator::OperatorRequirement,
    );
    assert_eq!((requirement.value, requirement.color), (None, Color::Grey));
}

#[test]
fn acd_and_aht_against_the_forecast_so_far() {
    let mut feed = Feed::new(vec![group(1, 10)], vec![agent(1, Some(1))]);
    feed.center.set_plan(
        vec![
            forecast(1, at(9, 0, 0), at(9, 15, 0), 10.0, 200.0, 90.0),
            forecast(1, at(9, 15, 0), at(9, 30, 0), 30.0, 100.0, 80.0),
        ],
        vec![],
    );
    // Three answered calls handled in 130, 150 and 170 s; one abandoned.
    for (call, talk) in [("a", 100.0), ("b", 120.0), ("c", 140.0)] {
        feed.answered_call(call, 1, at(9, 10, 0), 5)
            .end(at(9, 10, 5), call, talk, 0.0)
            .wrap_up(at(9, 10, 35), call);
    }
    feed.abandoned_call("d", 1, at(9, 10, 0), 30);
    // Forecast to 09:30: 40 calls, 9 + 24 = 33 answered, 33 answered taking
    // 9 x 200 + 24 x 100 = 4200 s.
    let snapshot = feed.snapshot(at(9, 30, 0));
    let g = of(&snapshot, Scope::Group(1));
    let acd = indicator(g, Indicator::Acd);
    assert_eq!(acd.value, Some(75.0));
    assert_close(acd.plan, 82.5);
    assert_close(acd.deviation, -7.5);
    // 4 calls and 3 handled: values, no verdicts.
    assert_eq!(acd.color, Color::Grey);
    let aht = indicator(g, Indicator::AhtTrend);
    assert_close(aht.plan, 4200.0 / 33.0);
    // (150 - 4200/33) / (4200/33) = 150 x 33 / 4200 - 1.
    assert_close(aht.value, (150.0 * 33.0 / 4200.0 - 1.0) * 100.0);
    assert_eq!(aht.color, Color::Grey);
    // Forecast to 09:22:30: 10 + 15 = 25 calls, 9 + 12 = 21 answered in 1800 + 1200 s.
    let snapshot = feed.snapshot(at(9, 22, 30));
    let g = of(&snapshot, Scope::Group(1));
    assert_close(indicator(g, Indicator::Acd).plan, 84.0);
    assert_eq!(indicator(g, Indicator::Acd).color, Color::Grey);
    assert_close(indicator(g, Indicator::AhtTrend).plan, 3000.0 / 21.0);
    assert_close(indicator(g, Indicator::AhtTrend).value, 5.0);
    assert_eq!(indicator(g, Indicator::AhtTrend).color, Color::Grey);
}

#[test]
fn predicted_service_level_is_erlang_c_with_the_planned_operators() {
    let feed = staffed(vec![forecast(
        1,
        at(10, 0, 0),
        at(10, 15, 0),
        20.0,
        90.0,
        90.0,
    )]);
    let snapshot = feed.snapshot(at(10, 5, 0));
    let load = Load {
        calls: 20.0,
        interval_seconds: 900.0,
        aht_seconds: 90.0,
    };
    let expected = performance(&load, 4, 20.0).unwrap().service_level * 100.0;
    assert_close(
        of(&snapshot, Scope::Group(1)).sl_predicted_percent,
        expected,
    );
    assert_eq!(of(&snapshot, Scope::Group(2)).sl_predicted_percent, None);
}

#[test]
fn trends_compare_with_fifteen_minutes_earlier() {
    let groups = vec![group(1, 10), group(2, 10), group(3, 10)];
    let mut feed = Feed::new(groups, vec![agent(1, Some(1))]);
    // Group 1: a hit at 10:00, then a miss at 10:10: 100 % at 10:05, 50 % at 10:20.
    feed.answered_call("a", 1, at(10, 0, 0), 5)
        .abandoned_call("b", 1, at(10, 10, 0), 60);
    // Group 2: a miss, then a hit: 0 % then 50 %.
    feed.abandoned_call("c", 2, at(10, 0, 0), 30)
        .answered_call("d", 2, at(10, 10, 0), 5);
    // Group 3: one hit: 100 % both times.
    feed.answered_call("e", 3, at(10, 0, 0), 5);
    let snapshot = feed.snapshot(at(10, 20, 0));
    let trend_of = |id| indicator(of(&snapshot, Scope::Group(id)), Indicator::ServiceLevel).trend;
    assert_eq!(trend_of(1), Some(Trend::Down));
    assert_eq!(trend_of(2), Some(Trend::Up));
    assert_eq!(trend_of(3), Some(Trend::Flat));
    // Sparkline: the ends of 04:30 ... 10:15; only 10:15 has calls answered or missed
    // (a's offer at 10:00:00 is in, its answer at 10:00:05 is not, at 10:00).
    let line = &indicator(of(&snapshot, Scope::Group(1)), Indicator::ServiceLevel).sparkline;
    assert_eq!(line.len(), 24);
    assert!(line[..23].iter().all(Option::is_none), "{line:?}");
    assert_eq!(line[23], Some(50.0));
}

#[test]
fn online_trend_and_sparkline_come_from_the_minute_history() {
    let mut feed = staffed(vec![]);
    feed.state(at(10, 10, 0), 104, AgentState::Ready, None);
    let snapshot = feed.snapshot(at(10, 20, 0));
    let online = indicator(of(&snapshot, Scope::Group(1)), Indicator::OperatorsOnline);
    // 3 of 4 at 10:05, 4 of 4 now.
    assert_eq!(online.value, Some(100.0));
    assert_eq!(online.trend, Some(Trend::Up));
    // 09:45: nothing planned; 10:00: 3 of 4; 10:15: 4 of 4.
    assert_eq!(online.sparkline[21..], [None, Some(75.0), Some(100.0)]);
}

#[test]
fn early_in_the_day_the_sparkline_is_padded() {
    let feed = staffed(vec![]);
    let snapshot = feed.snapshot(at(1, 10, 0));
    for value in &of(&snapshot, Scope::Group(1)).indicators {
        // 00:15, 00:30, 00:45, 01:00 have ended: 20 points before the day start.
        assert_eq!(value.sparkline.len(), 24);
        assert!(value.sparkline.iter().all(Option::is_none));
        assert_eq!(value.updated_at, at(1, 10, 0));
    }
}

#[test]
fn the_tenth_call_turns_a_value_into_a_verdict() {
    let mut feed = Feed::new(vec![group(1, 10)], vec![agent(1, Some(1))]);
    feed.center.set_plan(
        vec![forecast(1, at(9, 0, 0), at(10, 0, 0), 40.0, 100.0, 100.0)],
        vec![],
    );
    // Calls a minute apart from 09:00, each answered after 5 s and handled in
    // 120 talk + 30 wrap-up = 150 s: AHT +50 % against the forecast 100 s (red past
    // the 20 % band) - once there are 10 of them.
    let call = |feed: &mut Feed, k: u32| {
        let name = format!("c{k}");
        let offered = at(9, k, 0);
        feed.answered_call(&name, 1, offered, 5)
            .end(offered + Duration::seconds(125), &name, 120.0, 0.0)
            .wrap_up(offered + Duration::seconds(155), &name);
    };
    for k in 0..9 {
        call(&mut feed, k);
    }
    let nine = feed.snapshot(at(9, 11, 0));
    let aht = indicator(of(&nine, Scope::Group(1)), Indicator::AhtTrend);
    assert_close(aht.value, 50.0);
    assert_eq!(
        (aht.color, aht.sample_calls, aht.too_few_calls),
        (Color::Grey, Some(9.0), true)
    );
    call(&mut feed, 9);
    let ten = feed.snapshot(at(9, 12, 0));
    let g = of(&ten, Scope::Group(1));
    let aht = indicator(g, Indicator::AhtTrend);
    assert_eq!(
        (aht.color, aht.sample_calls, aht.too_few_calls),
        (Color::Red, Some(10.0), false)
    );
    // Ten answered within T of ten offered: SL 100 %, green.
    let sl = indicator(g, Indicator::ServiceLevel);
    assert_eq!((sl.value, sl.color), (Some(100.0), Color::Green));
}
