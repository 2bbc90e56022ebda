//! sendSchedule: day and night milliseconds of shifts, and the Individual schedules 1C
//! creates or refuses, with the contract's exact messages.

use chrono::{NaiveDate, NaiveDateTime};

use super::*;

const HOUR: i64 = 3_600_000;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
    d(y, m, day).and_hms_opt(h, min, 0).unwrap()
}

fn span(start: NaiveDateTime, end: NaiveDateTime) -> Span {
    Span { start, end }
}

fn shift(start: NaiveDateTime, day_ms: i64, night_ms: i64) -> ReceivedShift {
    ReceivedShift {
        start,
        day_ms,
        night_ms,
    }
}

fn always(_: i32) -> bool {
    true
}

fn never(_: i32, _: u32) -> bool {
    false
}

/// An employee hired long ago, asked on 10 September 2019, with every calendar loaded.
fn context<'a>() -> ScheduleContext<'a> {
    ScheduleContext {
        today: d(2019, 9, 10),
        hired: d(2016, 9, 1),
        terminated: None,
        has_calendar: &always,
        part_month_schedule: &never,
    }
}

fn months(schedules: &[MonthSchedule]) -> Vec<(i32, u32)> {
    schedules.iter().map(|s| (s.year, s.month)).collect()
}

fn day(schedules: &[MonthSchedule], date: NaiveDate) -> &ScheduleDay {
    schedules
        .iter()
        .flat_map(|s| &s.days)
        .find(|x| x.date == date)
        .unwrap()
}

fn blank(date: NaiveDate) -> ScheduleDay {
    ScheduleDay {
        date,
        time_type: None,
        hours: 0.0,
    }
}

fn one_shift() -> Vec<ReceivedShift> {
    vec![shift(at(2019, 9, 12, 9, 0), 8 * HOUR, 0)]
}

#[test]
fn shift_millis_split_day_and_night_less_unpaid_breaks() {
    // 19:00-07:00 less lunch 01:00-02:00: day 19-22 and 06-07, night 22-06 less the hour.
    let night_shift = span(at(2018, 2, 1, 19, 0), at(2018, 2, 2, 7, 0));
    let lunch = span(at(2018, 2, 2, 1, 0), at(2018, 2, 2, 2, 0));
    assert_eq!(shift_millis(night_shift, &[lunch]), (4 * HOUR, 7 * HOUR));
    assert_eq!(shift_millis(night_shift, &[]), (4 * HOUR, 8 * HOUR));
    // The contract's example values, 12600000 day and 27000000 night: half-hour unpaid
    // breaks just before 22:00 and just before 06:00.
    let breaks = [
        span(at(2018, 2, 2, 5, 30), at(2018, 2, 2, 6, 0)),
        span(at(2018, 2, 1, 21, 30), at(2018, 2, 1, 22, 0)),
    ];
    assert_eq!(shift_millis(night_shift, &breaks), (12_600_000, 27_000_000));
    // Overlapping breaks count once; breaks outside the shift not at all.
    let day_shift = span(at(2018, 2, 1, 9, 0), at(2018, 2, 1, 18, 0));
    let overlapping = [
        span(at(2018, 2, 1, 13, 0), at(2018, 2, 1, 14, 0)),
        span(at(2018, 2, 1, 13, 30), at(2018, 2, 1, 14, 0)),
        span(at(2018, 2, 1, 20, 0), at(2018, 2, 1, 21, 0)),
    ];
    assert_eq!(shift_millis(day_shift, &overlapping), (8 * HOUR, 0));
    assert_eq!(
        shift_millis(span(day_shift.end, day_shift.start), &[]),
        (0, 0)
    );
}

#[test]
fn refusals_carry_1c_messages_and_actions() {
    let cases = [
        (
            ScheduleRefusal::PastPeriod,
            "It is forbidden to modify schedules for past periods. Individual schedules have not been created.",
            "Use current month or later",
        ),
        (
            ScheduleRefusal::MissingCalendar { year: 2021 },
            "For 2021, the RF production calendar has not been filled in! Individual schedules have not been created.",
            "Load production calendar",
        ),
        (
            ScheduleRefusal::PartMonth {
                year: 2019,
                month: 9,
            },
            "For September 2019, there is a part-month schedule for an employee. Delete this schedule in 1C:ZUP and re-upload the schedules from WFM.",
            "Delete existing schedule",
        ),
        (
            ScheduleRefusal::NoData,
            "There is no data for the employee. Individual schedules have not been created.",
            "Provide shift data",
        ),
    ];
    for (refusal, message, action) in cases {
        assert_eq!(refusal.to_string(), message);
        assert_eq!(refusal.action(), action);
    }
}

#[test]
fn refusals_are_checked_in_order() {
    let ctx = context();
    // A past period is refused before its content is looked at.
    assert_eq!(
        plan_schedules(d(2019, 1, 1), d(2019, 8, 31), &[], &ctx),
        Err(ScheduleRefusal::PastPeriod)
    );
    assert_eq!(
        plan_schedules(d(2019, 9, 1), d(2019, 9, 30), &[], &ctx),
        Err(ScheduleRefusal::NoData)
    );
    assert_eq!(
        plan_schedules(d(2019, 1, 1), d(2019, 8, 31), &one_shift(), &ctx),
        Err(ScheduleRefusal::PastPeriod)
    );
    // Ending on the first of the current month is not past.
    assert_eq!(
        months(&plan_schedules(d(2019, 1, 1), d(2019, 9, 1), &one_shift(), &ctx).unwrap()),
        [(2019, 9)]
    );

    let no_2020 = |y: i32| y != 2020;
    let part_dec = |y: i32, m: u32| (y, m) == (2019, 12);
    let part_nov = |y: i32, m: u32| (y, m) == (2019, 11);
    let ctx = ScheduleContext {
        has_calendar: &no_2020,
        part_month_schedule: &part_dec,
        ..context()
    };
    // December's part-month schedule is met before 2020's missing calendar.
    assert_eq!(
        plan_schedules(d(2019, 9, 1), d(2020, 3, 31), &one_shift(), &ctx),
        Err(ScheduleRefusal::PartMonth {
            year: 2019,
            month: 12
        })
    );
    let ctx = ScheduleContext {
        part_month_schedule: &never,
        ..ctx
    };
    assert_eq!(
        plan_schedules(d(2019, 9, 1), d(2020, 3, 31), &one_shift(), &ctx),
        Err(ScheduleRefusal::MissingCalendar { year: 2020 })
    );
    // Past months are skipped before any check, so November's part-month schedule counts
    // only when November is uploaded.
    let ctx = ScheduleContext {
        today: d(2019, 12, 2),
        part_month_schedule: &part_nov,
        ..context()
    };
    assert!(plan_schedules(d(2019, 9, 1), d(2019, 12, 31), &one_shift(), &ctx).is_ok());
}

#[test]
fn closed_months_are_trimmed() {
    let got = plan_schedules(d(2019, 1, 1), d(2019, 12, 31), &one_shift(), &context()).unwrap();
    assert_eq!(
        months(&got),
        [(2019, 9), (2019, 10), (2019, 11), (2019, 12)]
    );
    assert_eq!(got[0].days.len(), 30);
    assert_eq!(got[3].days.len(), 31);
    assert_eq!(
        day(&got, d(2019, 9, 12)),
        &ScheduleDay {
            date: d(2019, 9, 12),
            time_type: Some(TimeType::Day),
            hours: 8.0
        }
    );
    assert_eq!(
        day(&got, d(2019, 9, 13)),
        &ScheduleDay {
            date: d(2019, 9, 13),
            time_type: Some(TimeType::DayOff),
            hours: 0.0
        }
    );
    assert_eq!(
        plan_schedules(d(2019, 12, 31), d(2019, 10, 1), &one_shift(), &context()),
        Ok(Vec::new())
    );
}

#[test]
fn hire_mid_period_skips_earlier_months_and_blanks_earlier_days() {
    let ctx = ScheduleContext {
        hired: d(2019, 10, 15),
        ..context()
    };
    let shifts = [shift(at(2019, 10, 15, 9, 0), 8 * HOUR, 0)];
    let got = plan_schedules(d(2019, 9, 1), d(2019, 12, 31), &shifts, &ctx).unwrap();
    assert_eq!(months(&got), [(2019, 10), (2019, 11), (2019, 12)]);
    let october = &got[0].days;
    assert_eq!(october.len(), 31);
    assert!((1..=14).all(|x| october[x - 1] == blank(d(2019, 10, x as u32))));
    assert_eq!(october[14].time_type, Some(TimeType::Day));
    assert_eq!(october[15].time_type, Some(TimeType::DayOff));
}

#[test]
fn termination_mid_period_drops_later_months_and_blanks_later_days() {
    let ctx = ScheduleContext {
        terminated: Some(d(2019, 11, 15)),
        ..context()
    };
    let got = plan_schedules(d(2019, 9, 1), d(2019, 12, 31), &one_shift(), &ctx).unwrap();
    assert_eq!(months(&got), [(2019, 9), (2019, 10), (2019, 11)]);
    let november = &got[2].days;
    assert_eq!(november.len(), 30);
    assert_eq!(november[14].time_type, Some(TimeType::DayOff));
    assert!((16..=30).all(|x| november[x - 1] == blank(d(2019, 11, x as u32))));
    // Terminated before the current month: nothing left to create.
    let gone = ScheduleContext {
        terminated: Some(d(2019, 8, 31)),
        ..context()
    };
    assert_eq!(
        plan_schedules(d(2019, 9, 1), d(2019, 12, 31), &one_shift(), &gone),
        Ok(Vec::new())
    );
}

#[test]
fn shifts_are_typed_by_their_start_and_booked_whole_to_it() {
    let shifts = [
        // 19:00-07:00 less an hour: the contract's example figures, 11 h, day work.
        shift(at(2019, 9, 12, 19, 0), 12_600_000, 27_000_000),
        // 22:30-06:30: night work, all on the 13th.
        shift(at(2019, 9, 13, 22, 30), 30 * 60_000, 7 * HOUR + 30 * 60_000),
        // Two shifts on the 20th, given out of order: hours add up, the earlier one types it.
        shift(at(2019, 9, 20, 23, 0), 0, HOUR),
        shift(at(2019, 9, 20, 9, 0), 4 * HOUR, 0),
    ];
    let got = plan_schedules(d(2019, 9, 1), d(2019, 9, 30), &shifts, &context()).unwrap();
    let typed = |date| {
        let x = day(&got, date);
        (x.time_type, x.hours)
    };
    assert_eq!(typed(d(2019, 9, 12)), (Some(TimeType::Day), 11.0));
    assert_eq!(typed(d(2019, 9, 13)), (Some(TimeType::Night), 8.0));
    assert_eq!(typed(d(2019, 9, 14)), (Some(TimeType::DayOff), 0.0));
    assert_eq!(typed(d(2019, 9, 20)), (Some(TimeType::Day), 5.0));
    let worked = got[0]
        .days
        .iter()
        .filter(|x| x.time_type != Some(TimeType::DayOff))
        .count();
    assert_eq!(worked, 3);
}
