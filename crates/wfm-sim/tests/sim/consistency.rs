//! What the feed tells is consistent: calls go offered, then answered or abandoned,
//! ended, wrapped up; an operator handles one call at a time, only on line, follows the
//! timetable, and does nothing on a day of absence; callers abandon only when impatient.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use wfm_core::event::AgentState;
use wfm_core::plan::Activity;
use wfm_sim::{Behaviour, FeedEvent, Scenario};

use crate::common::{at, day, day_end, feed, punctual};

/// What happened to one call, in feed order.
#[derive(Debug, Default)]
struct CallStory {
    steps: Vec<(&'static str, DateTime<Utc>)>,
}

fn kind(e: &FeedEvent) -> &'static str {
    match e {
        FeedEvent::CallOffered { .. } => "offered",
        FeedEvent::CallAnswered { .. } => "answered",
        FeedEvent::CallAbandoned { .. } => "abandoned",
        FeedEvent::CallEnded { .. } => "ended",
        FeedEvent::WrapUpEnded { .. } => "wrapped",
        FeedEvent::AgentState { .. } => "state",
        FeedEvent::GroupLoad { .. } => "load",
    }
}

/// Checks the invariants of a whole feed; returns the number of abandoned calls.
fn check_feed(scenario: &Scenario, events: &[FeedEvent]) -> usize {
    assert!(
        events.windows(2).all(|w| w[0].at() <= w[1].at()),
        "time order"
    );

    let mut calls: BTreeMap<&str, CallStory> = BTreeMap::new();
    for e in events {
        if let Some(call) = e.call_id() {
            calls.entry(call).or_default().steps.push((kind(e), e.at()));
        }
    }
    let mut abandoned = 0;
    for (call, story) in &calls {
        let kinds: Vec<&str> = story.steps.iter().map(|s| s.0).collect();
        let complete = [
            &["offered"][..],
            &["offered", "abandoned"],
            &["offered", "answered"],
            &["offered", "answered", "ended"],
            &["offered", "answered", "ended", "wrapped"],
        ];
        assert!(complete.contains(&kinds.as_slice()), "{call}: {kinds:?}");
        assert!(story.steps.windows(2).all(|w| w[0].1 <= w[1].1), "{call}");
        abandoned += usize::from(kinds == ["offered", "abandoned"]);
    }

    // Per operator: states in a legal order, one call at a time, talk and hold adding up.
    let mut state: BTreeMap<&str, AgentState> = BTreeMap::new();
    let mut groups: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    let mut handling: BTreeMap<&str, (&str, DateTime<Utc>)> = BTreeMap::new();
    let mut answered_by: BTreeMap<&str, &str> = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        match e {
            FeedEvent::CallAnswered { call_id, agent, .. } => {
                assert_eq!(state.get(agent.as_str()), Some(&AgentState::Ready), "{e:?}");
                assert!(handling.insert(agent, (call_id, e.at())).is_none(), "{e:?}");
                answered_by.insert(call_id, agent);
                let next = &events[i + 1];
                assert!(
                    matches!(next, FeedEvent::AgentState { agent: a, state: AgentState::OnContact, .. } if a == agent),
                    "on contact after answering: {next:?}"
                );
                assert!(on_line_planned(scenario, agent, e.at()), "{e:?} off line");
            }
            FeedEvent::CallEnded {
                call_id,
                talk_seconds,
                hold_seconds,
                ..
            } => {
                let agent = answered_by[call_id.as_str()];
                let (current, answered_at) = handling[agent];
                assert_eq!(current, call_id);
                let seconds = (e.at() - answered_at).num_milliseconds() as f64 / 1000.0;
                assert!(
                    (talk_seconds + hold_seconds - seconds).abs() < 1e-6,
                    "{e:?}"
                );
                assert!(*talk_seconds >= 0.0 && *hold_seconds >= 0.0);
            }
            FeedEvent::WrapUpEnded { call_id, .. } => {
                let agent = answered_by[call_id.as_str()];
                assert_eq!(handling.remove(agent).map(|h| h.0), Some(call_id.as_str()));
            }
            FeedEvent::AgentState {
                agent,
                state: new,
                group,
                ..
            } => {
                let old = state.insert(agent, *new).unwrap_or(AgentState::LoggedOut);
                let old_group = groups.insert(agent, group.as_deref());
                assert!(
                    old != *new || old_group != Some(group.as_deref()),
                    "{e:?}: a state change changes the state or the group"
                );
                let busy = handling.contains_key(agent.as_str());
                match new {
                    AgentState::OnContact => assert!(busy && old == AgentState::Ready),
                    AgentState::WrapUp => assert!(busy && old == AgentState::OnContact),
                    _ => assert!(!busy, "{e:?} during a call"),
                }
                assert_eq!(group.is_some(), new.is_on_line(), "{e:?}");
            }
            FeedEvent::CallOffered { .. }
            | FeedEvent::CallAbandoned { .. }
            | FeedEvent::GroupLoad { .. } => {}
        }
    }
    abandoned
}

/// Whether the timetable has the operator with this login on line at `t`.
fn on_line_planned(scenario: &Scenario, login: &str, t: DateTime<Utc>) -> bool {
    let Some(agent) = scenario.agents.iter().find(|a| a.login == login) else {
        return false;
    };
    scenario.timetable.iter().any(|s| {
        s.agent_id == agent.id
            && matches!(s.activity, Activity::Line(_))
            && s.start <= t
            && t < s.end
    })
}

#[test]
fn every_day_is_consistent() {
    for seed in 0..8 {
        let scenario = day(seed, Behaviour::default());
        let events = feed(scenario.clone(), day_end());
        check_feed(&scenario, &events);
    }
}

#[test]
fn punctual_operators_follow_the_timetable() {
    let scenario = day(9, punctual());
    let events = feed(scenario.clone(), day_end());
    check_feed(&scenario, &events);
    for agent in &scenario.agents {
        let states: Vec<(DateTime<Utc>, AgentState, Option<&str>)> = events
            .iter()
            .filter_map(|e| match e {
                FeedEvent::AgentState {
                    agent: a,
                    state,
                    group,
                    ..
                } if *a == agent.login => Some((e.at(), *state, group.as_deref())),
                _ => None,
            })
            .collect();
        let expected_group = if agent.id <= 6 { "SALES" } else { "SUPPORT" };
        assert_eq!(
            states[0],
            (at(8, 0), AgentState::Ready, Some(expected_group))
        );
        for s in scenario.timetable.iter().filter(|s| s.agent_id == agent.id) {
            let away = match s.activity {
                Activity::Break => AgentState::Break,
                Activity::Lunch => AgentState::Lunch,
                Activity::Training => AgentState::Training,
                Activity::Meeting => AgentState::NotReady,
                Activity::Line(_) => continue,
            };
            // Away from the segment's start, or once the call in hand is wrapped up.
            let went = states
                .iter()
                .find(|(t, st, _)| *t >= s.start && *st == away);
            let went = went.unwrap_or_else(|| panic!("{}: no {away:?} in {s:?}", agent.login));
            assert!(
                went.0 < s.start + Duration::minutes(30),
                "{went:?} for {s:?}"
            );
        }
        if agent.id == 5 {
            // Lunch 13:00-13:45, then support.
            let ready_after_lunch: Vec<_> = states
                .iter()
                .filter(|s| s.0 >= at(13, 45) && s.1 == AgentState::Ready)
                .collect();
            assert!(!ready_after_lunch.is_empty());
            assert!(ready_after_lunch.iter().all(|s| s.2 == Some("SUPPORT")));
        }
        let last = states.last().unwrap();
        assert_eq!(last.1, AgentState::LoggedOut);
        assert!(last.0 >= at(17, 0) && last.0 < at(17, 45), "{last:?}");
    }
}

#[test]
fn absent_operators_say_nothing() {
    let behaviour = Behaviour {
        absence_probability: 1.0,
        ..Behaviour::default()
    };
    let scenario = day(4, behaviour);
    let events = feed(scenario.clone(), day_end());
    assert!(events.iter().all(|e| e.agent().is_none()));
    let abandoned = check_feed(&scenario, &events);
    let offered = events
        .iter()
        .filter(|e| matches!(e, FeedEvent::CallOffered { .. }))
        .count();
    assert_eq!(abandoned, offered, "nobody answers");

    // With a usual absence rate, some operator days are missed over several days.
    let mut silent = 0;
    for seed in 0..30 {
        let scenario = day(seed, Behaviour::default());
        let events = feed(scenario.clone(), day_end());
        silent += scenario
            .agents
            .iter()
            .filter(|a| events.iter().all(|e| e.agent() != Some(a.login.as_str())))
            .count();
    }
    assert!(
        (1..=30).contains(&silent),
        "{silent} of 300 operator days missed"
    );
}

#[test]
fn callers_abandon_only_when_impatient() {
    let impatient = day(2, punctual());
    let abandoned = check_feed(&impatient, &feed(impatient.clone(), day_end()));
    assert!(abandoned > 20, "{abandoned} abandons in a tight day");

    let patient = day(
        2,
        Behaviour {
            mean_patience_seconds: f64::INFINITY,
            ..punctual()
        },
    );
    let events = feed(patient.clone(), day_end());
    assert_eq!(check_feed(&patient, &events), 0);
}

#[test]
fn late_operators_get_on_line_late() {
    let behaviour = Behaviour {
        late_probability: 1.0,
        absence_probability: 0.0,
        ..Behaviour::default()
    };
    let mut delays = Vec::new();
    for seed in 0..10 {
        let scenario = day(seed, behaviour.clone());
        let events = feed(scenario.clone(), day_end());
        check_feed(&scenario, &events);
        for agent in &scenario.agents {
            let first = events
                .iter()
                .find(|e| e.agent() == Some(agent.login.as_str()))
                .unwrap();
            assert!(matches!(
                first,
                FeedEvent::AgentState {
                    state: AgentState::Ready,
                    ..
                }
            ));
            delays.push((first.at() - at(8, 0)).num_milliseconds() as f64 / 1000.0);
        }
    }
    assert!(delays.iter().all(|&d| d > 0.0), "{delays:?}");
    // Exponential with mean 240 s, bar those later than the first segment.
    let mean = delays.iter().sum::<f64>() / delays.len() as f64;
    assert!((150.0..=330.0).contains(&mean), "mean lateness {mean} s");
}

#[test]
fn a_closed_center_leaves_no_call_open_and_nobody_logged_in() {
    for (seed, hour) in [(1, 10), (2, 12), (3, 16)] {
        let scenario = day(seed, Behaviour::default());
        let mut sim = wfm_sim::Simulator::new(scenario.clone());
        let mut events = sim.advance(at(hour, 0));
        let closed_at = at(hour, 7) + Duration::milliseconds(333);
        events.extend(sim.close(closed_at));
        check_feed(&scenario, &events);
        assert!(events.iter().all(|e| e.at() <= closed_at));

        let mut last_step: BTreeMap<&str, &'static str> = BTreeMap::new();
        let mut last_state: BTreeMap<&str, AgentState> = BTreeMap::new();
        for e in &events {
            if let Some(call) = e.call_id() {
                last_step.insert(call, kind(e));
            }
            if let FeedEvent::AgentState { agent, state, .. } = e {
                last_state.insert(agent, *state);
            }
        }
        assert!(last_step.len() > 20, "a busy morning: {}", last_step.len());
        assert!(
            last_step
                .values()
                .all(|k| ["abandoned", "wrapped"].contains(k)),
            "every call over: {last_step:?}"
        );
        assert!(
            last_state.values().all(|s| *s == AgentState::LoggedOut),
            "everyone logged out: {last_state:?}"
        );
        assert!(sim.advance(at(23, 0)).is_empty(), "nothing after closing");
    }
}
