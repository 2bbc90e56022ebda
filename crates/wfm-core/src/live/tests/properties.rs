//! Properties of any valid event sequence: two centers fed the same events are equal
//! and give equal figures; figures are finite numbers; service levels stay in 0..=100.

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use super::support::*;
use crate::event::{AgentState, Event, EventKind};
use crate::live::{Center, Figures, GroupSettings, Snapshot};
use crate::plan::{Activity, ForecastInterval, Segment};

#[derive(Debug, Clone)]
enum Step {
    Offer(u8, i64),
    Answer(u8, i64),
    Abandon(u8),
    End(u8, f64, f64),
    WrapUp(u8),
    State(i64, usize, Option<i64>),
}

fn step() -> impl Strategy<Value = Step> {
    // Group 99 and agent 9 are unknown.
    let group = prop_oneof![Just(1), Just(2), Just(3), Just(99)];
    prop_oneof![
        3 => (0..12u8, group.clone()).prop_map(|(c, g)| Step::Offer(c, g)),
        2 => (0..12u8, 1..10i64).prop_map(|(c, a)| Step::Answer(c, a)),
        1 => (0..12u8).prop_map(Step::Abandon),
        1 => (0..12u8, -5.0..400.0f64, 0.0..60.0f64).prop_map(|(c, t, h)| Step::End(c, t, h)),
        1 => (0..12u8).prop_map(Step::WrapUp),
        2 => (1..10i64, 0..8usize, proptest::option::of(group)).prop_map(|(a, s, g)| Step::State(a, s, g)),
    ]
}

/// Steps with the seconds since the previous one (time may step back a little).
fn events(start: DateTime<Utc>, steps: Vec<(Step, i64)>) -> Vec<Event> {
    let mut at = start;
    steps
        .into_iter()
        .enumerate()
        .map(|(i, (step, delta))| {
            at += Duration::seconds(delta);
            let call = |c: u8| format!("call-{c}");
            let kind = match step {
                Step::Offer(c, group_id) => EventKind::CallOffered {
                    call_id: call(c),
                    group_id,
                    customer_id: None,
                },
                Step::Answer(c, agent_id) => EventKind::CallAnswered {
                    call_id: call(c),
                    agent_id,
                },
                Step::Abandon(c) => EventKind::CallAbandoned { call_id: call(c) },
                Step::End(c, talk_seconds, hold_seconds) => EventKind::CallEnded {
                    call_id: call(c),
                    talk_seconds,
                    hold_seconds,
                },
                Step::WrapUp(c) => EventKind::WrapUpEnded { call_id: call(c) },
                Step::State(agent_id, state, group_id) => EventKind::AgentStateChanged {
                    agent_id,
                    state: AgentState::ALL[state],
                    group_id,
                },
            };
            Event {
                seq: i as i64 + 1,
                at,
                kind,
            }
        })
        .collect()
}

fn center(start: DateTime<Utc>) -> Center {
    let groups = vec![
        GroupSettings {
            short_abandon_seconds: 5,
            max_occupancy: 0.85,
            ..group(1, 10)
        },
        GroupSettings {
            voice: false,
            ..group(2, 10)
        },
        GroupSettings {
            sl_seconds: 10,
            short_abandon_seconds: 30,
            ..group(3, 20)
        },
    ];
    let agents = (1..=8).map(|id| agent(id, Some(id % 3 + 1))).collect();
    let mut center = Center::new(utc_grid(), groups, agents);
    let mut forecast = Vec::new();
    let mut timetable = Vec::new();
    for k in -8..24 {
        let from = start + Duration::minutes(15 * k);
        let to = from + Duration::minutes(15);
        for group_id in 1..=3 {
            let calls = f64::from((k + 8) as i32 % 5) * 3.0;
            forecast.push(ForecastInterval {
                group_id,
                start: from,
                end: to,
                calls,
                aht_seconds: 120.0 + 10.0 * group_id as f64,
                acd_percent: 90.0,
                operators: Some(2.0),
            });
        }
    }
    for id in 1..=8 {
        let activities = [
            Activity::Line(id % 3 + 1),
            Activity::Break,
            Activity::Line(1),
            Activity::Lunch,
        ];
        for (k, activity) in activities.into_iter().enumerate() {
            let from = start + Duration::minutes(20 * k as i64 + id);
            timetable.push(Segment {
                agent_id: id,
                start: from,
                end: from + Duration::minutes(20),
                activity,
            });
        }
    }
    center.set_plan(forecast, timetable);
    center
}

fn assert_finite(figures: &Figures) {
    let mut numbers = vec![
        figures.required,
        Some(figures.longest_wait_seconds),
        figures.sl_window_percent,
        figures.sl_predicted_percent,
        figures.asa_seconds,
        figures.abandonment_percent,
        figures.abandonment_excluding_short_percent,
        figures.occupancy_percent,
    ];
    for indicator in &figures.indicators {
        numbers.extend([
            indicator.value,
            indicator.plan,
            indicator.deviation,
            indicator.freshness_seconds,
        ]);
        numbers.extend(indicator.sparkline.iter().copied());
        assert_eq!(indicator.sparkline.len(), 24);
    }
    assert_eq!(figures.indicators.len(), 6);
    assert_eq!(figures.agents_by_state.len(), 8);
    for number in numbers.into_iter().flatten() {
        assert!(number.is_finite(), "{figures:?}");
    }
    for sl in [figures.indicators[3].value, figures.sl_window_percent] {
        assert!(sl.is_none_or(|sl| (0.0..=100.0).contains(&sl)), "{sl:?}");
    }
    assert!(figures.answered_within_target_today <= figures.offered_today);
    assert!(figures.short_abandoned_today <= figures.abandoned_today);
}

fn assert_sound(snapshot: &Snapshot) {
    for figures in snapshot
        .groups
        .iter()
        .chain(&snapshot.services)
        .chain([&snapshot.all])
    {
        assert_finite(figures);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn same_events_same_center_and_sound_figures(
        late_evening in any::<bool>(),
        steps in proptest::collection::vec((step(), -10..150i64), 0..150),
        after in 0..1800i64,
    ) {
        let start = if late_evening { at(23, 20, 0) } else { at(8, 0, 0) };
        let events = events(start, steps);
        let mut one = center(start);
        let mut two = center(start);
        for event in &events {
            one.apply(event);
            // The online counts kept operator by operator match counting everyone.
            prop_assert!(one.online_counts_are_exact());
        }
        for event in &events {
            two.apply(event);
        }
        prop_assert_eq!(&one, &two);
        let now = events.last().map_or(start, |e| e.at) + Duration::seconds(after);
        let snapshot = one.snapshot(now);
        prop_assert_eq!(&snapshot, &two.snapshot(now));
        assert_sound(&snapshot);
        assert_sound(&one.snapshot(start - Duration::hours(30)));
        for status in one.operators(now) {
            for number in [status.late_seconds, status.absent_seconds, status.break_left_seconds] {
                prop_assert!(number.is_none_or(|n| n.is_finite() && n >= 0.0));
            }
        }
        for date in [start.date_naive(), now.date_naive()] {
            for interval in one.intervals(1, date, now) {
                prop_assert!(interval.sl_percent.is_none_or(|sl| (0.0..=100.0).contains(&sl)));
                prop_assert!(interval.forecast_calls.is_none_or(f64::is_finite));
            }
            // All groups at once (the day's grid worked out once) give what each group gives.
            let all = one.intervals_of_groups(date, now);
            prop_assert_eq!(all.iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![1, 2, 3]);
            for (id, intervals) in all {
                prop_assert_eq!(intervals, one.intervals(id, date, now));
            }
        }
    }
}
