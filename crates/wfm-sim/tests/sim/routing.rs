//! Routing: calls go to the longest-idle operator, preferring those on line for the
//! call's group; a freed operator takes the oldest call of their highest-priority skill;
//! operators switch lines as the timetable says.

use wfm_core::event::AgentState;
use wfm_core::plan::Activity;
use wfm_sim::{Behaviour, FeedEvent, Scenario, SimAgent};

use crate::common::{SALES, SUPPORT, at, day_end, feed, groups, interval, punctual, segment};

fn operator(id: i64, login: &str, skills: Vec<i64>) -> SimAgent {
    SimAgent {
        id,
        login: login.into(),
        skills,
    }
}

fn first_answer(events: &[FeedEvent]) -> (&str, &str) {
    events
        .iter()
        .find_map(|e| match e {
            FeedEvent::CallAnswered { call_id, agent, .. } => {
                Some((call_id.as_str(), agent.as_str()))
            }
            _ => None,
        })
        .unwrap()
}

fn group_of<'a>(events: &'a [FeedEvent], call: &str) -> &'a str {
    events
        .iter()
        .find_map(|e| match e {
            FeedEvent::CallOffered { call_id, group, .. } if call_id == call => {
                Some(group.as_str())
            }
            _ => None,
        })
        .unwrap()
}

#[test]
fn calls_prefer_operators_on_their_line_then_the_longest_idle() {
    for seed in 0..5 {
        // Both serve both groups; "ann" is ready first, on sales; "bob" is on support.
        let scenario = Scenario {
            groups: groups(),
            agents: vec![
                operator(1, "ann", vec![SALES, SUPPORT]),
                operator(2, "bob", vec![SALES, SUPPORT]),
            ],
            forecast: vec![interval(SUPPORT, at(9, 0), 60, 20.0)],
            timetable: vec![
                segment(1, at(8, 0), at(10, 0), Activity::Line(SALES)),
                segment(2, at(8, 30), at(10, 0), Activity::Line(SUPPORT)),
            ],
            behaviour: punctual(),
            seed,
            start: at(7, 0),
        };
        let events = feed(scenario.clone(), day_end());
        assert_eq!(
            first_answer(&events).1,
            "bob",
            "seed {seed}: the support line first"
        );

        // Without a support line, the longest idle: ann.
        let mut both_sales = scenario;
        both_sales.timetable[1].activity = Activity::Line(SALES);
        let events = feed(both_sales, day_end());
        assert_eq!(
            first_answer(&events).1,
            "ann",
            "seed {seed}: the longest idle first"
        );
    }
}

#[test]
fn a_freed_operator_takes_the_oldest_call_of_the_first_skill() {
    for seed in 0..5 {
        // Calls wait in both queues from 08:00; "cid" gets on line at 09:00.
        let scenario = Scenario {
            groups: groups(),
            agents: vec![operator(1, "cid", vec![SUPPORT, SALES])],
            forecast: vec![
                interval(SALES, at(8, 0), 60, 30.0),
                interval(SUPPORT, at(8, 30), 30, 10.0),
            ],
            timetable: vec![segment(1, at(9, 0), at(10, 0), Activity::Line(SALES))],
            behaviour: Behaviour {
                mean_patience_seconds: f64::INFINITY,
                ..punctual()
            },
            seed,
            start: at(7, 0),
        };
        let events = feed(scenario, day_end());
        let (call, agent) = first_answer(&events);
        assert_eq!(agent, "cid");
        assert_eq!(group_of(&events, call), "SUPPORT", "seed {seed}");
        let oldest_support = events
            .iter()
            .find_map(|e| match e {
                FeedEvent::CallOffered { call_id, group, .. } if group == "SUPPORT" => {
                    Some(call_id)
                }
                _ => None,
            })
            .unwrap();
        assert_eq!(call, oldest_support);
    }
}

#[test]
fn a_ready_operator_switches_lines_with_the_timetable() {
    let scenario = Scenario {
        groups: groups(),
        agents: vec![operator(1, "dan", vec![SALES])],
        forecast: Vec::new(),
        timetable: vec![
            segment(1, at(8, 0), at(9, 0), Activity::Line(SALES)),
            segment(1, at(9, 0), at(10, 0), Activity::Line(SUPPORT)),
            segment(1, at(11, 0), at(12, 0), Activity::Training),
        ],
        behaviour: punctual(),
        seed: 1,
        start: at(7, 0),
    };
    let states: Vec<_> = feed(scenario, day_end())
        .into_iter()
        .map(|e| match e {
            FeedEvent::AgentState {
                at, state, group, ..
            } => (at, state, group),
            other => panic!("no calls: {other:?}"),
        })
        .collect();
    assert_eq!(
        states,
        vec![
            (at(8, 0), AgentState::Ready, Some("SALES".to_string())),
            (at(9, 0), AgentState::Ready, Some("SUPPORT".to_string())),
            (at(10, 0), AgentState::LoggedOut, None),
            (at(11, 0), AgentState::Training, None),
            (at(12, 0), AgentState::LoggedOut, None),
        ]
    );
}
