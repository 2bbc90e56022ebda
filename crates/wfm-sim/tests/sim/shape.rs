//! The feed has the shape wfm-pulse's native feed expects, and its calls follow the
//! forecast.

use chrono::{DateTime, Duration, TimeZone, Utc};
use wfm_core::event::AgentState;
use wfm_core::plan::Activity;
use wfm_sim::{Behaviour, FeedEvent, Scenario, SimAgent};

use crate::common::{SALES, at, day, day_end, feed, groups, interval, punctual, segment};

fn json(e: &FeedEvent) -> String {
    serde_json::to_string(e).unwrap()
}

#[test]
fn each_kind_serializes_as_the_native_feed() {
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 15, 7).unwrap() + Duration::milliseconds(250);
    let cases = [
        (
            FeedEvent::CallOffered {
                id: "sim-1-1".into(),
                at,
                call_id: "sim-1-call-1".into(),
                group: "SALES".into(),
                customer_id: None,
            },
            r#"{"type":"call_offered","id":"sim-1-1","at":"2026-03-02T09:15:07.250Z","call_id":"sim-1-call-1","group":"SALES"}"#,
        ),
        (
            FeedEvent::CallEnded {
                id: "sim-1-4".into(),
                at,
                call_id: "sim-1-call-1".into(),
                talk_seconds: 95.5,
                hold_seconds: 6.0,
            },
            r#"{"type":"call_ended","id":"sim-1-4","at":"2026-03-02T09:15:07.250Z","call_id":"sim-1-call-1","talk_seconds":95.5,"hold_seconds":6.0}"#,
        ),
        (
            FeedEvent::AgentState {
                id: "sim-1-5".into(),
                at,
                agent: "op-01".into(),
                state: AgentState::NotReady,
                group: None,
            },
            r#"{"type":"agent_state","id":"sim-1-5","at":"2026-03-02T09:15:07.250Z","agent":"op-01","state":"not_ready"}"#,
        ),
    ];
    for (event, expected) in cases {
        assert_eq!(json(&event), expected);
        assert_eq!(serde_json::from_str::<FeedEvent>(expected).unwrap(), event);
    }
}

/// One operator on sales from 08:00 to 09:00 and calls from 08:00 to 09:00.
fn one_operator(seed: u64) -> Scenario {
    Scenario {
        groups: groups(),
        agents: vec![SimAgent {
            id: 1,
            login: "anna".into(),
            skills: vec![SALES],
        }],
        forecast: vec![interval(SALES, at(8, 0), 60, 12.0)],
        timetable: vec![segment(1, at(8, 0), at(9, 0), Activity::Line(SALES))],
        behaviour: punctual(),
        seed,
        start: at(7, 59),
    }
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        .replace(".000Z", "Z")
}

#[test]
fn the_simulated_feed_serializes_as_the_native_feed() {
    let events = feed(one_operator(3), at(10, 0));
    assert_eq!(
        json(&events[0]),
        r#"{"type":"agent_state","id":"sim-3-1","at":"2026-03-02T08:00:00Z","agent":"anna","state":"ready","group":"SALES"}"#
    );
    let offered = &events[1];
    let FeedEvent::CallOffered { call_id, .. } = offered else {
        panic!("a call comes next: {offered:?}");
    };
    assert_eq!(
        json(offered),
        format!(
            r#"{{"type":"call_offered","id":"sim-3-2","at":"{}","call_id":"{call_id}","group":"SALES"}}"#,
            stamp(offered.at())
        )
    );
    let last = events
        .iter()
        .rev()
        .find(|e| matches!(e, FeedEvent::AgentState { .. }))
        .unwrap();
    assert_eq!(
        json(last),
        format!(
            r#"{{"type":"agent_state","id":"{}","at":"{}","agent":"anna","state":"logged_out"}}"#,
            last.id(),
            stamp(last.at())
        )
    );
    let ended = events
        .iter()
        .find(|e| matches!(e, FeedEvent::CallEnded { .. }))
        .unwrap();
    let value: serde_json::Value = serde_json::to_value(ended).unwrap();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 6, "{keys:?}");
    for key in [
        "type",
        "id",
        "at",
        "call_id",
        "talk_seconds",
        "hold_seconds",
    ] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
}

#[test]
fn stamps_survive_a_json_round_trip() {
    let events = feed(day(5, Behaviour::default()), day_end());
    assert!(events.iter().any(|e| e.at().timestamp_subsec_millis() != 0));
    for e in &events {
        assert_eq!(e.at().timestamp_subsec_nanos() % 1_000_000, 0);
        let back: FeedEvent = serde_json::from_str(&json(e)).unwrap();
        assert_eq!(back.at(), e.at());
        assert_eq!(back.id(), e.id());
    }
}

#[test]
fn offered_calls_follow_the_forecast() {
    // 100 calls in 09:00-09:30, 10 in 11:00-11:30, none otherwise; nobody answers.
    for seed in 0..5 {
        let scenario = Scenario {
            groups: groups(),
            agents: Vec::new(),
            forecast: vec![
                interval(SALES, at(9, 0), 30, 100.0),
                interval(SALES, at(11, 0), 30, 10.0),
            ],
            timetable: Vec::new(),
            behaviour: Behaviour::default(),
            seed,
            start: at(0, 0),
        };
        let offered: Vec<DateTime<Utc>> = feed(scenario, day_end())
            .iter()
            .filter(|e| matches!(e, FeedEvent::CallOffered { .. }))
            .map(FeedEvent::at)
            .collect();
        let within = |from: DateTime<Utc>| {
            offered
                .iter()
                .filter(|&&t| t >= from && t < from + Duration::minutes(30))
                .count() as f64
        };
        let (busy, quiet) = (within(at(9, 0)), within(at(11, 0)));
        assert_eq!(
            busy + quiet,
            offered.len() as f64,
            "calls outside the forecast"
        );
        for (count, mean) in [(busy, 100.0_f64), (quiet, 10.0)] {
            // Poisson: the count stays within 4 standard deviations of the mean.
            assert!(
                (count - mean).abs() <= 4.0 * mean.sqrt(),
                "seed {seed}: {count} calls where {mean} are forecast"
            );
        }
    }
}

#[test]
fn the_day_follows_the_forecast_shape() {
    // Offered calls over many days of the tight day scenario track the forecast total.
    let mut offered = 0.0;
    let days = 20;
    for seed in 0..days {
        offered += feed(day(seed, Behaviour::default()), day_end())
            .iter()
            .filter(|e| matches!(e, FeedEvent::CallOffered { .. }))
            .count() as f64;
    }
    let forecast: f64 = day(0, Behaviour::default())
        .forecast
        .iter()
        .map(|f| f.calls)
        .sum();
    let mean = forecast * days as f64;
    assert!(
        (offered - mean).abs() <= 4.0 * mean.sqrt(),
        "{offered} vs {mean}"
    );
}
