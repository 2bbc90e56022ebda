//! A day with a clock change: Europe/Berlin on 2026-10-25 is 25 hours long, 02:00-03:00
//! local happening twice.

use chrono::{DateTime, NaiveDate, Utc};

use super::support::*;
use crate::interval::IntervalGrid;
use crate::live::Scope;
use crate::threshold::Indicator;

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn berlin() -> Feed {
    let grid = IntervalGrid::new(IntervalGrid::parse_tz("Europe/Berlin").unwrap(), 15).unwrap();
    let mut feed = Feed::on(grid, vec![group(1, 10)], vec![agent(1, Some(1))]);
    // 23:59 on the 24th (CEST): the day before.
    feed.answered_call("before", 1, utc("2026-10-24T21:59:00Z"), 5);
    // 02:30 CEST, the first pass: 2 h 30 min into the day, interval 10.
    feed.answered_call("first", 1, utc("2026-10-25T00:30:00Z"), 5);
    // 02:30 CET, the second pass: 3 h 30 min into the day, interval 14.
    feed.abandoned_call("second", 1, utc("2026-10-25T01:30:00Z"), 60);
    // 23:50 CET: 24 h 50 min into the day, the last interval, 99.
    feed.answered_call("late", 1, utc("2026-10-25T22:50:00Z"), 30);
    feed
}

#[test]
fn calls_land_in_the_intervals_of_the_long_day() {
    let feed = berlin();
    let day = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
    let intervals = feed.center.intervals(1, day, utc("2026-10-26T00:00:00Z"));
    assert_eq!(intervals.len(), 100);
    assert_eq!(intervals[0].interval.start, utc("2026-10-24T22:00:00Z"));
    let busy: Vec<usize> = (0..100).filter(|&i| intervals[i].offered > 0).collect();
    assert_eq!(busy, vec![10, 14, 99]);
    assert_eq!(intervals[10].interval.start, utc("2026-10-25T00:30:00Z"));
    assert_eq!(
        (
            intervals[10].answered_within_target,
            intervals[10].sl_percent
        ),
        (1, Some(100.0))
    );
    assert_eq!(intervals[14].interval.start, utc("2026-10-25T01:30:00Z"));
    assert_eq!(
        (intervals[14].abandoned, intervals[14].sl_percent),
        (1, Some(0.0))
    );
    assert_eq!(
        (intervals[99].answered, intervals[99].answered_within_target),
        (1, 0)
    );
    let previous = feed.center.intervals(
        1,
        NaiveDate::from_ymd_opt(2026, 10, 24).unwrap(),
        utc("2026-10-26T00:00:00Z"),
    );
    assert_eq!(previous.len(), 96);
    assert_eq!(previous[95].answered, 1);
}

#[test]
fn today_starts_at_local_midnight_and_lasts_25_hours() {
    let feed = berlin();
    // 02:40 CEST: only the first pass's call is today's.
    let snapshot = feed.snapshot(utc("2026-10-25T00:40:00Z"));
    assert_eq!(of(&snapshot, Scope::Group(1)).offered_today, 1);
    // 23:59 CET: three calls today, one hit.
    let snapshot = feed.snapshot(utc("2026-10-25T22:59:00Z"));
    let g = of(&snapshot, Scope::Group(1));
    assert_eq!((g.offered_today, g.answered_within_target_today), (3, 1));
    let sl = indicator(g, Indicator::ServiceLevel);
    assert_close(sl.value, 100.0 / 3.0);
    // 99 intervals have ended; the last of them at 23:45 CET saw 1 hit of 2.
    assert_eq!(sl.sparkline.len(), 24);
    assert_eq!(sl.sparkline[23], Some(50.0));
    assert!(sl.sparkline.iter().all(Option::is_some));
}
