//! Tests of the interval grid: ordinary days, clock-change days, Russian zones' offset
//! changes, midnight gaps, and tiling invariants.

use super::*;
use chrono_tz::Tz;
use proptest::prelude::*;

const RUSSIAN_ZONES: [&str; 26] = [
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Kirov",
    "Europe/Volgograd",
    "Europe/Astrakhan",
    "Europe/Saratov",
    "Europe/Ulyanovsk",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Barnaul",
    "Asia/Tomsk",
    "Asia/Novokuznetsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Chita",
    "Asia/Yakutsk",
    "Asia/Khandyga",
    "Asia/Vladivostok",
    "Asia/Ust-Nera",
    "Asia/Magadan",
    "Asia/Sakhalin",
    "Asia/Srednekolymsk",
    "Asia/Kamchatka",
    "Asia/Anadyr",
];

fn grid(zone: &str) -> IntervalGrid {
    IntervalGrid::new(IntervalGrid::parse_tz(zone).unwrap(), 15).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn assert_day(zone: &str, day: NaiveDate, starts: &str, hours: i64) {
    let grid = grid(zone);
    assert_eq!(grid.day_start(day), utc(starts), "{zone} {day}");
    assert_eq!(grid.day_length(day), Duration::hours(hours), "{zone} {day}");
    let intervals = grid.intervals(day);
    assert_eq!(intervals.len() as i64, hours * 4, "{zone} {day}");
    assert_tiles(&grid, day, &intervals);
}

/// The intervals start at the day's start, follow each other without gap or overlap,
/// are one length each except a short last one, and end at the next day's start.
fn assert_tiles(grid: &IntervalGrid, day: NaiveDate, intervals: &[Interval]) {
    let next_start = grid.day_start(day.succ_opt().unwrap());
    let mut expected_start = grid.day_start(day);
    for (index, interval) in intervals.iter().enumerate() {
        assert_eq!(interval.date, day);
        assert_eq!(interval.index as usize, index);
        assert_eq!(interval.start, expected_start);
        assert!(interval.end > interval.start);
        assert!(interval.end - interval.start <= Duration::minutes(15));
        if index + 1 < intervals.len() {
            assert_eq!(interval.end - interval.start, Duration::minutes(15));
        }
        expected_start = interval.end;
    }
    assert_eq!(expected_start, next_start);
}

#[test]
fn moscow_ordinary_day() {
    assert_day(
        "Europe/Moscow",
        date(2026, 6, 15),
        "2026-06-14T21:00:00Z",
        24,
    );
    let grid = grid("Europe/Moscow");
    let first = grid.interval(date(2026, 6, 15), 0).unwrap();
    assert_eq!(first.end, utc("2026-06-14T21:15:00Z"));
    let last = grid.interval(date(2026, 6, 15), 95).unwrap();
    assert_eq!(last.end, utc("2026-06-15T21:00:00Z"));
    assert_eq!(grid.interval(date(2026, 6, 15), 96), None);
}

#[test]
fn moscow_interval_at() {
    let grid = grid("Europe/Moscow");
    // 09:07 Moscow time is in interval 36 (09:00-09:15).
    let at = grid.interval_at(utc("2026-06-15T06:07:30Z"));
    assert_eq!(at.date, date(2026, 6, 15));
    assert_eq!(at.index, 36);
    assert_eq!(at.start, utc("2026-06-15T06:00:00Z"));
    assert_eq!(at.end, utc("2026-06-15T06:15:00Z"));
    // 23:59 UTC is already the next Moscow day.
    let late = grid.interval_at(utc("2026-06-15T23:59:00Z"));
    assert_eq!(late.date, date(2026, 6, 16));
    assert_eq!(late.index, 11);
}

#[test]
fn berlin_spring_forward_is_23_hours() {
    assert_day(
        "Europe/Berlin",
        date(2026, 3, 29),
        "2026-03-28T23:00:00Z",
        23,
    );
    // 03:00 CEST, just after the skipped hour, is 2 h after midnight: interval 8.
    let at = grid("Europe/Berlin").interval_at(utc("2026-03-29T01:00:00Z"));
    assert_eq!(at.index, 8);
}

#[test]
fn berlin_fall_back_is_25_hours_with_distinct_repeated_hour() {
    assert_day(
        "Europe/Berlin",
        date(2026, 10, 25),
        "2026-10-24T22:00:00Z",
        25,
    );
    let grid = grid("Europe/Berlin");
    // Both are 02:30 on the local clock: first in summer time, then in winter time.
    let first = grid.interval_at(utc("2026-10-25T00:30:00Z"));
    let second = grid.interval_at(utc("2026-10-25T01:30:00Z"));
    assert_eq!((first.date, first.index), (date(2026, 10, 25), 10));
    assert_eq!((second.date, second.index), (date(2026, 10, 25), 14));
}

#[test]
fn russian_offset_changes() {
    // Volgograd: +03 to +04 on 2018-10-28, back to +03 on 2020-12-27.
    assert_day(
        "Europe/Volgograd",
        date(2018, 10, 28),
        "2018-10-27T21:00:00Z",
        23,
    );
    assert_day(
        "Europe/Volgograd",
        date(2018, 10, 29),
        "2018-10-28T20:00:00Z",
        24,
    );
    assert_day(
        "Europe/Volgograd",
        date(2020, 12, 27),
        "2020-12-26T20:00:00Z",
        25,
    );
    // Moscow: +04 to +03 on 2014-10-26.
    assert_day(
        "Europe/Moscow",
        date(2014, 10, 26),
        "2014-10-25T20:00:00Z",
        25,
    );
    // Moscow: +03 to +04 for good on 2011-03-27.
    assert_day(
        "Europe/Moscow",
        date(2011, 3, 27),
        "2011-03-26T21:00:00Z",
        23,
    );
}

#[test]
fn midnight_in_a_gap_starts_the_day_when_the_gap_ends() {
    // Chile springs forward from 00:00 (-04) to 01:00 (-03) on the first Sunday of
    // September; Cuba from 00:00 (-05) to 01:00 (-04) on the second Sunday of March.
    for (zone, day, starts) in [
        ("America/Santiago", date(2026, 9, 6), "2026-09-06T04:00:00Z"),
        ("America/Havana", date(2026, 3, 8), "2026-03-08T05:00:00Z"),
    ] {
        let grid = grid(zone);
        let midnight = day.and_time(NaiveTime::MIN);
        assert_eq!(grid.tz().from_local_datetime(&midnight), LocalResult::None);
        assert_day(zone, day, starts, 23);
        let previous = day.pred_opt().unwrap();
        assert_eq!(grid.day_length(previous), Duration::hours(24));
        let first = grid.interval_at(utc(starts));
        assert_eq!((first.date, first.index), (day, 0));
        let just_before = grid.interval_at(utc(starts) - Duration::seconds(1));
        assert_eq!((just_before.date, just_before.index), (previous, 95));
    }
}

#[test]
fn a_skipped_day_has_no_intervals() {
    // Samoa moved across the date line: 29 December 2011 was followed by the 31st.
    let grid = grid("Pacific/Apia");
    let skipped = date(2011, 12, 30);
    assert_eq!(grid.day_start(skipped), utc("2011-12-30T10:00:00Z"));
    assert_eq!(grid.day_start(skipped), grid.day_start(date(2011, 12, 31)));
    assert_eq!(grid.day_length(skipped), Duration::zero());
    assert!(grid.intervals(skipped).is_empty());
    assert_eq!(grid.interval(skipped, 0), None);
    let at = grid.interval_at(utc("2011-12-30T10:00:00Z"));
    assert_eq!((at.date, at.index), (date(2011, 12, 31), 0));
}

#[test]
fn other_interval_lengths() {
    let tz = IntervalGrid::parse_tz("Europe/Berlin").unwrap();
    let spring = date(2026, 3, 29);
    for (minutes, count) in [(5, 276), (15, 92), (30, 46), (60, 23)] {
        let grid = IntervalGrid::new(tz, minutes).unwrap();
        assert_eq!(grid.minutes(), minutes);
        assert_eq!(grid.intervals(spring).len(), count);
    }
}

#[test]
fn last_interval_is_short_when_the_day_is_not_a_whole_number() {
    // Kathmandu moved from +05:30 to +05:45 at midnight starting 1986: the clocks skipped
    // 00:00-00:15, so that day began at 00:15 and lasted 23 h 45 min.
    let grid = IntervalGrid::new(IntervalGrid::parse_tz("Asia/Kathmandu").unwrap(), 60).unwrap();
    let day = date(1986, 1, 1);
    assert_eq!(grid.day_start(day), utc("1985-12-31T18:30:00Z"));
    assert_eq!(grid.day_length(day), Duration::minutes(23 * 60 + 45));
    let intervals = grid.intervals(day);
    assert_eq!(intervals.len(), 24);
    let last = intervals[23];
    assert_eq!(last.end - last.start, Duration::minutes(45));
    assert_eq!(last.end, grid.day_start(date(1986, 1, 2)));
}

#[test]
fn bad_settings_are_refused_with_their_field() {
    let err = IntervalGrid::parse_tz("Mars/Olympus_Mons").unwrap_err();
    assert_eq!(err.field(), "time_zone");
    assert!(err.to_string().starts_with("time_zone"));
    let tz = IntervalGrid::parse_tz("Europe/Moscow").unwrap();
    for minutes in [0, 1, 10, 20, 45, 120] {
        let err = IntervalGrid::new(tz, minutes).unwrap_err();
        assert_eq!(err, IntervalError::UnsupportedLength(minutes));
        assert_eq!(err.field(), "interval_minutes");
    }
}

#[test]
fn extreme_dates_do_not_panic() {
    let grid = grid("Europe/Moscow");
    for day in [NaiveDate::MIN, NaiveDate::MAX] {
        let _ = grid.intervals(day);
        let _ = grid.day_length(day);
    }
    for at in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
        let interval = grid.interval_at(at);
        assert!(interval.start <= at);
    }
}

fn russian_grid() -> impl Strategy<Value = IntervalGrid> {
    prop::sample::select(RUSSIAN_ZONES.to_vec()).prop_map(grid)
}

fn any_grid() -> impl Strategy<Value = IntervalGrid> {
    let zones: Vec<Tz> = chrono_tz::TZ_VARIANTS.to_vec();
    (
        prop::sample::select(zones),
        prop::sample::select(ALLOWED_MINUTES.to_vec()),
    )
        .prop_map(|(tz, minutes)| IntervalGrid { tz, minutes })
}

/// Instants from 2010-01-01 to 2030-12-31 UTC, to the second.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (1_262_304_000i64..1_924_991_999).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

proptest! {
    #[test]
    fn russian_instants_fall_in_their_interval(grid in russian_grid(), at in instant()) {
        let interval = grid.interval_at(at);
        prop_assert!(interval.start <= at && at < interval.end);
        prop_assert_eq!(interval.date, grid.local_date(at));
        prop_assert_eq!(grid.interval(interval.date, interval.index), Some(interval));
    }

    #[test]
    fn russian_days_are_tiled(grid in russian_grid(), at in instant()) {
        let day = grid.local_date(at);
        let intervals = grid.intervals(day);
        let next_start = grid.day_start(day.succ_opt().unwrap());
        prop_assert_eq!(intervals.first().map(|i| i.start), Some(grid.day_start(day)));
        prop_assert_eq!(intervals.last().map(|i| i.end), Some(next_start));
        for pair in intervals.windows(2) {
            prop_assert_eq!(pair[0].end, pair[1].start);
        }
        let hours = grid.day_length(day).num_hours();
        prop_assert!((23..=25).contains(&hours));
    }

    #[test]
    fn a_days_intervals_are_the_intervals_their_starts_fall_in(grid in any_grid(), at in instant()) {
        let day = grid.interval_at(at).date;
        let intervals = grid.intervals(day);
        prop_assert_eq!(intervals.len(), grid.interval_count(day) as usize);
        for interval in &intervals {
            prop_assert_eq!(grid.interval_at(interval.start), *interval);
            prop_assert_eq!(grid.interval(day, interval.index), Some(*interval));
        }
        prop_assert_eq!(grid.interval(day, grid.interval_count(day)), None);
    }

    #[test]
    fn any_zone_instants_fall_in_an_interval_of_their_day(grid in any_grid(), at in instant()) {
        let interval = grid.interval_at(at);
        prop_assert!(interval.start <= at && at < interval.end);
        prop_assert!(grid.day_start(interval.date) <= at);
        prop_assert!(at < grid.day_start(interval.date.succ_opt().unwrap()));
        prop_assert_eq!(grid.interval(interval.date, interval.index), Some(interval));
    }
}
