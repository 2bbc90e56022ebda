//! The records a closed interval leaves for the history, counted by hand.

use chrono::Duration;

use super::support::*;
use crate::erlang::{Load, ServiceTarget, StaffingRequest, required_agents};
use crate::event::AgentState;
use crate::history::IntervalRecord;
use crate::plan::Activity;

/// Groups 1 and 2; agent 1 on line work for group 1 09:00-10:00; agent 2 on line work for
/// group 2 09:00-09:30, then a break to 09:45. Group 1's forecast: 10 calls per interval
/// from 09:00 to 09:30, AHT 180 s, ACD 90 %.
fn fresh() -> Feed {
    Feed::new(
        vec![group(1, 1), group(2, 1)],
        vec![agent(1, Some(1)), agent(2, Some(2))],
    )
}

fn forecasts() -> Vec<crate::plan::ForecastInterval> {
    vec![
        forecast(1, at(9, 0, 0), at(9, 15, 0), 10.0, 180.0, 90.0),
        forecast(1, at(9, 15, 0), at(9, 30, 0), 10.0, 180.0, 90.0),
    ]
}

fn timetable() -> Vec<crate::plan::Segment> {
    vec![
        line(1, 1, at(9, 0, 0), at(10, 0, 0)),
        line(2, 2, at(9, 0, 0), at(9, 30, 0)),
        segment(2, Activity::Break, at(9, 30, 0), at(9, 45, 0)),
    ]
}

fn feed() -> Feed {
    let mut feed = fresh();
    feed.center.set_plan(forecasts(), timetable());
    feed.state(at(8, 59, 0), 1, AgentState::Ready, None)
        .offer(at(9, 1, 0), "c1", 1)
        .answer(at(9, 1, 10), "c1", 1)
        .offer(at(9, 2, 0), "c2", 1)
        .answer(at(9, 2, 40), "c2", 1)
        .end(at(9, 3, 0), "c1", 100.0, 10.0)
        .wrap_up(at(9, 3, 30), "c1")
        .offer(at(9, 4, 0), "c3", 1)
        .abandon(at(9, 4, 5), "c3")
        .state(at(9, 5, 0), 2, AgentState::Ready, None)
        .offer(at(9, 14, 50), "c4", 1)
        .state(at(9, 20, 0), 2, AgentState::LoggedOut, None)
        .state(at(9, 40, 0), 1, AgentState::Ready, None);
    feed
}

fn group_record(
    feed: &Feed,
    index: u32,
    now: chrono::DateTime<chrono::Utc>,
    g: usize,
) -> IntervalRecord {
    feed.center
        .interval_records(day(), index, now)
        .unwrap()
        .groups[g]
}

#[test]
fn a_closed_interval_leaves_its_components() {
    let feed = feed();
    // 09:00 is interval 36 of the UTC day.
    let one = group_record(&feed, 36, at(9, 50, 0), 0);
    // c1 answered in 10 s, c2 in 40 s, c3 abandoned in 5 s (offered, missed), c4 still
    // waiting past 20 s (missed).
    assert_eq!(one.interval_start, at(9, 0, 0));
    assert_eq!(one.interval_seconds, 900);
    assert_eq!(one.arrivals, 4);
    assert_eq!(one.offered, 4);
    assert_eq!(one.answered, 2);
    assert_eq!(one.answered_within_target, 1);
    assert_eq!((one.abandoned, one.short_abandoned), (1, 0));
    // c1: talk 100 + hold 10 + wrap-up 30.
    assert_eq!((one.handled, one.handle_seconds), (1, 140.0));
    assert_eq!(one.wait_seconds, 50.0);
    assert_eq!(one.forecast_calls, 10.0);
    assert_eq!(one.forecast_answered, 9.0);
    assert_eq!(one.forecast_handle_seconds, 1_620.0);
    // Agent 1 planned and on line at every minute start 09:00..09:14.
    assert_eq!((one.planned_minutes, one.online_minutes), (15, 15));
    assert_eq!(one.sl_target_percent, 80.0);
    // 4 calls in the window are under the 10 a rate needs: Erlang C on the forecast's 10
    // calls for those 15 minutes at its AHT of 09:15.
    let required = required_agents(&StaffingRequest {
        load: Load {
            calls: 10.0,
            interval_seconds: 900.0,
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
    assert_eq!(one.required_minutes, Some(f64::from(required) * 15.0));

    let two = group_record(&feed, 36, at(9, 50, 0), 1);
    // Agent 2 planned all 15 minutes, on line from 09:05: 10 of them.
    assert_eq!((two.planned_minutes, two.online_minutes), (15, 10));
    assert_eq!((two.arrivals, two.forecast_calls), (0, 0.0));
    assert_eq!(two.required_minutes, None);
    assert!(!two.is_empty());
}

#[test]
fn an_interval_the_feed_said_nothing_in_is_no_data_not_zeros() {
    let feed = feed();
    // 05:00, before the feed's first event (08:59): nothing to record.
    assert!(
        feed.center
            .interval_records(day(), 20, at(9, 50, 0))
            .is_none()
    );
    // 09:45-10:00 (interval 39): agent 1 planned on line work, no event at all in it.
    // The feed's usual gap is 41 min / 11 gaps = 3.7 min, so it is down after 37 min of
    // silence: at 10:05 (25 min since 09:40) merely quiet, at 10:30 (50 min) down.
    assert!(
        feed.center
            .interval_records(day(), 39, at(10, 5, 0))
            .is_some()
    );
    assert!(
        feed.center
            .interval_records(day(), 39, at(10, 30, 0))
            .is_none()
    );
    // 09:30-09:45 had one (agent 1's status at 09:40): recorded.
    let fed = group_record(&feed, 38, at(9, 50, 0), 0);
    assert_eq!(fed.planned_minutes, 15);
    assert!(
        feed.center
            .interval_records(day(), 96, at(9, 50, 0))
            .is_none()
    );
}

#[test]
fn adherence_minutes_are_sampled_as_minutes_close() {
    let feed = feed();
    let records = |index| {
        feed.center
            .interval_records(day(), index, at(9, 50, 0))
            .unwrap()
            .operators
            .into_iter()
            .map(|r| (r.agent_id, r.scheduled_minutes, r.adherent_minutes))
            .collect::<Vec<_>>()
    };
    // 09:00: agent 2 late from 09:02 (grace 2 min) until on line at 09:05.
    assert_eq!(records(36), vec![(1, 15, 15), (2, 15, 12)]);
    // 09:15: agent 2 left at 09:20, absent from 09:22 to the end of line work.
    assert_eq!(records(37), vec![(1, 15, 15), (2, 15, 7)]);
    // 09:30: agent 2 on the planned break; minutes from 09:40 on are judged as the
    // operators are now (nothing has happened since the last event).
    assert_eq!(records(38), vec![(1, 15, 15), (2, 15, 15)]);
    // Before any segment nobody is scheduled.
    assert_eq!(records(35), vec![]);
}

#[test]
fn later_events_leave_a_closed_interval_as_it_was() {
    let mut feed = feed();
    let before = feed
        .center
        .interval_records(day(), 38, at(9, 50, 0))
        .unwrap();
    feed.state(at(9, 46, 0), 1, AgentState::Break, None);
    feed.state(at(9, 55, 0), 2, AgentState::Ready, None);
    let after = feed
        .center
        .interval_records(day(), 38, at(9, 56, 0))
        .unwrap();
    assert_eq!(before, after);
    // And a replay of the same events gives the same records.
    let mut replay = fresh();
    replay.center.set_plan(forecasts(), timetable());
    for e in &feed.events {
        replay.center.apply(e);
    }
    let now = at(9, 56, 0) + Duration::minutes(1);
    for index in 34..40 {
        assert_eq!(
            replay.center.interval_records(day(), index, now),
            feed.center.interval_records(day(), index, now)
        );
    }
}
