//! The present judged by the wall clock: with no event arriving, waiting calls cross
//! their target, late logins grow and timetable boundaries take effect, and the interval
//! rows agree with the day figure at every instant.

use super::support::*;
use crate::event::AgentState;
use crate::live::{Adherence, Scope};
use crate::plan::Activity;

/// Group 1 (T = 20 s, target 80 %); operator 1 planned on line 10:00-10:30 and on line
/// from 10:00; operator 2 planned 10:15-10:30 and never logs in. One call offered at
/// 10:10:00 that nobody answers; then the feed is silent.
fn quiet_queue() -> Feed {
    let mut feed = Feed::new(
        vec![group(1, 10)],
        vec![agent(1, Some(1)), agent(2, Some(1))],
    );
    feed.center.set_plan(
        vec![],
        vec![
            line(1, 1, at(10, 0, 0), at(10, 30, 0)),
            line(2, 1, at(10, 15, 0), at(10, 30, 0)),
        ],
    );
    feed.state(at(10, 0, 0), 1, AgentState::Ready, None)
        .offer(at(10, 10, 0), "q", 1);
    feed
}

/// Calls the interval rows count as offered, over the day.
fn rows_offered(feed: &Feed, now: chrono::DateTime<chrono::Utc>) -> u32 {
    feed.center
        .intervals(1, day(), now)
        .iter()
        .map(|row| row.offered)
        .sum()
}

#[test]
fn a_quiet_queue_breaches_by_the_clock_and_the_rows_add_up_to_the_day() {
    let feed = quiet_queue();
    // 10:10:15: q has waited 15 s, under T: not yet offered anywhere.
    let early = feed.snapshot(at(10, 10, 15));
    assert_eq!(of(&early, Scope::Group(1)).offered_today, 0);
    assert_eq!(rows_offered(&feed, at(10, 10, 15)), 0);
    // 10:10:30, still no event: q has waited 30 s > T, so it is missed, in the day
    // figure and in the 10:00-10:15 row alike (the row judged at the newest event,
    // 10:10:00, said nothing was offered).
    let late = feed.snapshot(at(10, 10, 30));
    let g = of(&late, Scope::Group(1));
    assert_eq!((g.offered_today, g.answered_within_target_today), (1, 0));
    let rows = feed.center.intervals(1, day(), at(10, 10, 30));
    let row = &rows[40];
    assert_eq!(row.interval.start, at(10, 0, 0));
    assert_eq!(
        (row.offered, row.sl_percent, row.breached),
        (1, Some(0.0), true)
    );
    assert_eq!(rows_offered(&feed, at(10, 10, 30)), g.offered_today);
    // The closed interval's record for the history says the same, and operator 1's 15
    // minutes on line (samples 10:00 ... 10:14) count though no event closed them.
    let records = feed
        .center
        .interval_records(day(), 40, at(10, 16, 0))
        .unwrap();
    let record = &records.groups[0];
    assert_eq!(
        (record.arrivals, record.offered, record.answered),
        (1, 1, 0)
    );
    assert_eq!((record.planned_minutes, record.online_minutes), (15, 15));
}

#[test]
fn timetable_boundaries_and_absences_move_with_the_clock() {
    let feed = quiet_queue();
    // 10:14: only operator 1 is planned; operator 2's line work has not begun.
    let before = feed.snapshot(at(10, 14, 0));
    assert_eq!(of(&before, Scope::Group(1)).planned, 1);
    // 10:20, no event since 10:10: operator 2's segment began at 10:15, so two are
    // planned, and operator 2 is a late login by 300 s (past the 120 s grace).
    let after = feed.snapshot(at(10, 20, 0));
    assert_eq!(of(&after, Scope::Group(1)).planned, 2);
    let operators = feed.center.operators(at(10, 20, 0));
    let second = operators.iter().find(|o| o.agent_id == 2).unwrap();
    assert_eq!(second.adherence, Adherence::LateLogin);
    assert_eq!(second.late_seconds, Some(300.0));
    assert_eq!(second.planned, Some(Activity::Line(1)));
    // 10:25: five minutes later, the delay has grown with the clock alone.
    let later = feed.center.operators(at(10, 25, 0));
    let second = later.iter().find(|o| o.agent_id == 2).unwrap();
    assert_eq!(second.late_seconds, Some(600.0));
}

#[test]
fn a_replay_of_the_same_events_reads_the_same_at_the_same_instant() {
    let feed = quiet_queue();
    let mut replayed = Feed::new(
        vec![group(1, 10)],
        vec![agent(1, Some(1)), agent(2, Some(1))],
    );
    replayed.center.set_plan(
        vec![],
        vec![
            line(1, 1, at(10, 0, 0), at(10, 30, 0)),
            line(2, 1, at(10, 15, 0), at(10, 30, 0)),
        ],
    );
    for event in &feed.events {
        replayed.center.apply(event);
    }
    for now in [at(10, 10, 30), at(10, 16, 0), at(10, 29, 59)] {
        assert_eq!(feed.snapshot(now), replayed.snapshot(now));
        assert_eq!(
            feed.center.intervals(1, day(), now),
            replayed.center.intervals(1, day(), now)
        );
        assert_eq!(feed.center.operators(now), replayed.center.operators(now));
    }
}
