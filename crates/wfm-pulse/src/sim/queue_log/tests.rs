//! A simulated morning written as queue_log and read back gives the live engine the same
//! figures as the same morning sent as events (in whole seconds, as Asterisk logs them).

use std::collections::HashMap;

use chrono::{DateTime, Duration, DurationRound, TimeZone, Utc};
use wfm_core::event::{AgentState, Event};
use wfm_core::interval::IntervalGrid;
use wfm_core::live::{AgentInfo, Center, GroupSettings};
use wfm_core::plan::{Activity, ForecastInterval, Segment};
use wfm_sim::{Behaviour, FeedEvent, Scenario, SimAgent, SimGroup, Simulator};

use super::QueueLogWriter;
use crate::ingest::queue_log::Translator;

fn at(hour: i64, minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap()
        + Duration::hours(hour)
        + Duration::minutes(minute)
}

/// Eight operators 08:00-12:00 on two groups, each with a break; a busy forecast.
fn morning(seed: u64) -> Scenario {
    let groups = vec![
        SimGroup {
            id: 1,
            code: "SALES".into(),
        },
        SimGroup {
            id: 2,
            code: "SUPPORT".into(),
        },
    ];
    let agents: Vec<SimAgent> = (1..=8)
        .map(|id| SimAgent {
            id,
            login: format!("op-{id}"),
            skills: if id <= 5 { vec![1, 2] } else { vec![2, 1] },
        })
        .collect();
    let mut timetable = Vec::new();
    for a in &agents {
        let line = Activity::Line(a.skills[0]);
        let pause = at(10, 0) + Duration::minutes(15 * (a.id % 3));
        for (start, end, activity) in [
            (at(8, 0), pause, line),
            (pause, pause + Duration::minutes(15), Activity::Break),
            (pause + Duration::minutes(15), at(12, 0), line),
        ] {
            timetable.push(Segment {
                agent_id: a.id,
                start,
                end,
                activity,
            });
        }
    }
    let forecast = (0..8)
        .flat_map(|half_hour| {
            let start = at(8, 0) + Duration::minutes(30 * half_hour);
            [(1, 40.0, 200.0), (2, 25.0, 300.0)].map(|(group, calls, aht)| ForecastInterval {
                group_id: group,
                start,
                end: start + Duration::minutes(30),
                calls,
                aht_seconds: aht,
                acd_percent: 90.0,
                operators: None,
            })
        })
        .collect();
    Scenario {
        groups,
        agents,
        forecast,
        timetable,
        behaviour: Behaviour::default(),
        seed,
        start: at(7, 30),
    }
}

fn center(s: &Scenario) -> Center {
    let grid = IntervalGrid::new(IntervalGrid::parse_tz("UTC").unwrap(), 15).unwrap();
    let groups = vec![GroupSettings::new(1, 1), GroupSettings::new(2, 1)];
    let agents = s
        .agents
        .iter()
        .map(|a| AgentInfo {
            id: a.id,
            primary_group_id: a.skills.first().copied(),
        })
        .collect();
    let mut c = Center::new(grid, groups, agents);
    c.set_plan(s.forecast.clone(), s.timetable.clone());
    c
}

fn apply(c: &mut Center, s: &Scenario, events: Vec<FeedEvent>) {
    for (seq, e) in events.into_iter().enumerate() {
        let login = |l: &str| s.agents.iter().find(|a| a.login == l).map(|a| a.id);
        let code = |g: &str| s.groups.iter().find(|x| x.code == g).map(|x| x.id);
        let event: Option<Event> = e.resolve(seq as i64 + 1, login, code);
        c.apply(&event.expect("every name is known"));
    }
}

/// The event with its time cut to the whole second, as queue_log keeps it.
fn in_seconds(e: FeedEvent) -> FeedEvent {
    let mut v = serde_json::to_value(&e).unwrap();
    v["at"] = serde_json::json!(e.at().duration_trunc(Duration::seconds(1)).unwrap());
    serde_json::from_value(v).unwrap()
}

#[test]
fn a_simulated_morning_through_queue_log_equals_the_same_morning_as_events() {
    for seed in [1, 7] {
        let scenario = morning(seed);
        let mut sim = Simulator::new(scenario.clone());
        let mut events = sim.advance(at(12, 0));
        events.extend(sim.close(at(12, 5)));
        let mut writer = QueueLogWriter::default();
        let log: String = events.iter().map(|e| writer.lines(e)).collect();
        let reasons = HashMap::from([
            ("WrapUp".to_string(), AgentState::WrapUp),
            ("Break".to_string(), AgentState::Break),
        ]);
        let mut translator = Translator::new(HashMap::new(), reasons);
        let mut read = Vec::new();
        for line in log.lines() {
            read.extend(translator.read(line).unwrap());
        }
        read.extend(translator.flush());

        let mut direct = center(&scenario);
        apply(
            &mut direct,
            &scenario,
            events.into_iter().map(in_seconds).collect(),
        );
        let mut through_log = center(&scenario);
        apply(&mut through_log, &scenario, read);

        let now = at(12, 10);
        let (a, b) = (direct.snapshot(now), through_log.snapshot(now));
        for (x, y) in a.groups.iter().zip(&b.groups) {
            let counts = |f: &wfm_core::live::Figures| {
                (
                    f.offered_today,
                    f.answered_today,
                    f.answered_within_target_today,
                    f.abandoned_today,
                    f.short_abandoned_today,
                    f.counts.handled_today,
                )
            };
            assert_eq!(counts(x), counts(y), "seed {seed}, {:?}", x.scope);
            assert!(x.offered_today > 100, "a busy morning: {}", x.offered_today);
            // Talk is logged in whole seconds: less than one second apart per call.
            let apart = (x.counts.handle_seconds_today - y.counts.handle_seconds_today).abs();
            assert!(
                apart < f64::from(x.counts.handled_today),
                "seed {seed}: handle time {} and {}",
                x.counts.handle_seconds_today,
                y.counts.handle_seconds_today
            );
        }
        let states = |c: &Center| -> Vec<(i64, AgentState)> {
            c.operators(now)
                .iter()
                .map(|o| (o.agent_id, o.state))
                .collect()
        };
        assert_eq!(states(&direct), states(&through_log));
    }
}
