//! Each labor rule at its boundary: the limit itself passes, one minute more is blocked.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;

/// 2026-12-01 (a Tuesday) at `h:m` Moscow time (UTC+3).
fn at(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Moscow
        .with_ymd_and_hms(2026, 12, day, h, m, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn shift(day: u32, from: (u32, u32), to: (u32, u32)) -> Shift {
    Shift::new(at(day, from.0, from.1), at(day, to.0, to.1))
}

fn with_breaks(mut s: Shift, breaks: &[((u32, u32), u32)]) -> Shift {
    let day = s.start;
    for &((h, m), len) in breaks {
        let start = chrono_tz::Europe::Moscow
            .from_utc_datetime(&day.naive_utc())
            .date_naive()
            .and_hms_opt(h, m, 0)
            .unwrap();
        let start = chrono_tz::Europe::Moscow
            .from_local_datetime(&start)
            .unwrap()
            .with_timezone(&Utc);
        s.breaks
            .push((start, start + Duration::minutes(len.into())));
    }
    s
}

fn history(shifts: Vec<Shift>) -> WorkHistory {
    WorkHistory {
        shifts,
        overtime_year_minutes: 0,
        tz: chrono_tz::Europe::Moscow,
    }
}

fn rules_of(v: &[Violation]) -> Vec<&str> {
    v.iter().map(|v| v.rule.as_str()).collect()
}

/// A shift 08:00-18:00 with breaks every <= 4 h, alone in its week.
fn day_shift() -> Shift {
    with_breaks(
        shift(1, (8, 0), (18, 0)),
        &[((11, 0), 15), ((13, 0), 45), ((16, 0), 15)],
    )
}

#[test]
fn a_twelve_hour_shift_passes_and_one_minute_more_is_blocked() {
    let h = history(vec![day_shift()]);
    let rules = LaborRules {
        max_overtime_two_days_minutes: 600,
        ..LaborRules::default()
    };
    // 08:00-18:00 extended by 2 h = 12 h; the last break ends 16:15, so 3 h 45 min of work.
    assert!(
        check(
            &rules,
            &h,
            &Change::Extend {
                shift: 0,
                minutes: 120
            }
        )
        .is_empty()
    );
    let v = check(
        &rules,
        &h,
        &Change::Extend {
            shift: 0,
            minutes: 121,
        },
    );
    assert_eq!(rules_of(&v), ["max_shift_length"]);
    assert_eq!(
        v[0].message,
        "the shift would last 12 h 1 min (2026-12-01 08:00 to 2026-12-01 20:01), more than the 12 h allowed"
    );
}

#[test]
fn four_hours_of_work_without_a_break_pass_and_one_minute_more_is_blocked() {
    let h = history(vec![day_shift()]);
    // Last break ends 16:15: 16:15 + 4 h = 20:15, an extension of 135 min (but 12 h 15 min).
    let rules = LaborRules {
        max_shift_minutes: 900,
        max_overtime_two_days_minutes: 600,
        ..LaborRules::default()
    };
    assert!(
        check(
            &rules,
            &h,
            &Change::Extend {
                shift: 0,
                minutes: 135
            }
        )
        .is_empty()
    );
    let v = check(
        &rules,
        &h,
        &Change::Extend {
            shift: 0,
            minutes: 136,
        },
    );
    assert_eq!(rules_of(&v), ["max_work_without_break"]);
    assert_eq!(
        v[0].message,
        "4 h 1 min of work without a break of at least 15 min, more than the 4 h allowed"
    );
}

#[test]
fn moving_a_break_later_can_leave_too_long_a_stretch() {
    let h = history(vec![day_shift()]);
    // Break at 11:00 to 12:00: work 08:00-12:00 = 4 h, passes.
    let ok = Change::MoveBreak {
        shift: 0,
        from: at(1, 11, 0),
        to: at(1, 12, 0),
    };
    assert!(check(&LaborRules::default(), &h, &ok).is_empty());
    let late = Change::MoveBreak {
        shift: 0,
        from: at(1, 11, 0),
        to: at(1, 12, 1),
    };
    assert_eq!(
        rules_of(&check(&LaborRules::default(), &h, &late)),
        ["max_work_without_break"]
    );
    // A break shorter than the minimum does not count as one.
    let short = LaborRules {
        min_break_minutes: 16,
        ..LaborRules::default()
    };
    assert_eq!(
        rules_of(&check(&short, &h, &ok)),
        ["max_work_without_break"]
    );
}

#[test]
fn rest_between_shifts_of_twelve_hours_passes_and_less_is_blocked() {
    // Next day starts at 08:00; today ends 18:00 + extension: 20:00 leaves exactly 12 h.
    let next = with_breaks(shift(2, (8, 0), (17, 0)), &[((11, 0), 30), ((14, 0), 30)]);
    let h = history(vec![day_shift(), next]);
    assert!(
        check(
            &LaborRules::default(),
            &h,
            &Change::Extend {
                shift: 0,
                minutes: 120
            }
        )
        .is_empty()
    );
    let rules = LaborRules {
        max_shift_minutes: 900,
        max_work_without_break_minutes: 600,
        max_overtime_two_days_minutes: 600,
        ..LaborRules::default()
    };
    let v = check(
        &rules,
        &h,
        &Change::Extend {
            shift: 0,
            minutes: 121,
        },
    );
    assert_eq!(rules_of(&v), ["min_rest_between_shifts"]);
    assert_eq!(
        v[0].message,
        "only 11 h 59 min of rest between the shift ending 2026-12-01 20:01 and the one starting \
         2026-12-02 08:00, less than the 12 h required"
    );
}

#[test]
fn a_day_off_call_in_that_leaves_less_than_42_hours_of_weekly_rest_is_blocked() {
    // Week of Monday 30 Nov: shifts Mon-Fri 09:00-18:00; Sat and Sun free.
    let mut shifts: Vec<Shift> = (0..5)
        .map(|d| {
            with_breaks(
                Shift::new(
                    at(1, 9, 0) - Duration::days(1) + Duration::days(d),
                    at(1, 18, 0) - Duration::days(1) + Duration::days(d),
                ),
                &[],
            )
        })
        .collect();
    for s in &mut shifts {
        let s0 = s.start;
        s.breaks = vec![(s0 + Duration::hours(3), s0 + Duration::hours(4))];
    }
    let h = history(shifts);
    // Saturday 5 Dec: rest from Fri 18:00 to the call-in, and from its end to Mon 00:00.
    // A Saturday shift 10:00-18:00 leaves Sat 18:00 - Mon 00:00 = 30 h: blocked.
    let mut sat = with_breaks(shift(5, (10, 0), (18, 0)), &[((13, 0), 30), ((16, 0), 15)]);
    let v = check(&LaborRules::default(), &h, &Change::AddShift(sat.clone()));
    assert_eq!(rules_of(&v), ["min_weekly_rest"]);
    assert_eq!(
        v[0].message,
        "the longest rest in the week from 2026-11-30 00:00 would be 30 h, less than the 42 h required"
    );
    // Saturday 00:00-06:00 (after 6 h of rest, allowed here) leaves exactly 42 h to
    // Monday 00:00: passes; ending at 06:01 is blocked.
    let rules = LaborRules {
        min_rest_between_shifts_minutes: 360,
        ..LaborRules::default()
    };
    sat = Shift::new(at(5, 0, 0), at(5, 6, 0));
    sat.breaks = vec![(at(5, 3, 0), at(5, 3, 30))];
    assert!(check(&rules, &h, &Change::AddShift(sat.clone())).is_empty());
    sat.end = at(5, 6, 1);
    assert_eq!(
        rules_of(&check(&rules, &h, &Change::AddShift(sat))),
        ["min_weekly_rest"]
    );
}

#[test]
fn overtime_over_two_days_is_capped_at_four_hours() {
    let mut yesterday = with_breaks(
        shift(1, (8, 0), (19, 0)),
        &[((11, 0), 30), ((14, 0), 30), ((17, 0), 15)],
    );
    yesterday.overtime_minutes = 60;
    let today = with_breaks(shift(2, (8, 0), (17, 0)), &[((11, 0), 30), ((14, 0), 30)]);
    let h = history(vec![yesterday, today]);
    let rules = LaborRules {
        min_rest_between_shifts_minutes: 0,
        max_work_without_break_minutes: 600,
        max_shift_minutes: 900,
        ..LaborRules::default()
    };
    // 60 + 180 = 240 passes; 60 + 181 is blocked.
    assert!(
        check(
            &rules,
            &h,
            &Change::Extend {
                shift: 1,
                minutes: 180
            }
        )
        .is_empty()
    );
    let v = check(
        &rules,
        &h,
        &Change::Extend {
            shift: 1,
            minutes: 181,
        },
    );
    assert_eq!(rules_of(&v), ["max_overtime_two_days"]);
    assert_eq!(
        v[0].message,
        "4 h 1 min of overtime on 2026-12-01 and 2026-12-02, more than the 4 h allowed"
    );
}

#[test]
fn overtime_per_week_and_per_year_are_capped() {
    let h = history(vec![day_shift()]);
    let weekly = LaborRules {
        max_overtime_week_minutes: 60,
        ..LaborRules::default()
    };
    assert!(
        check(
            &weekly,
            &h,
            &Change::Extend {
                shift: 0,
                minutes: 60
            }
        )
        .is_empty()
    );
    assert_eq!(
        rules_of(&check(
            &weekly,
            &h,
            &Change::Extend {
                shift: 0,
                minutes: 61
            }
        )),
        ["max_overtime_week"]
    );
    let mut used = h.clone();
    used.overtime_year_minutes = 7200 - 60;
    assert!(
        check(
            &LaborRules::default(),
            &used,
            &Change::Extend {
                shift: 0,
                minutes: 60
            }
        )
        .is_empty()
    );
    let v = check(
        &LaborRules::default(),
        &used,
        &Change::Extend {
            shift: 0,
            minutes: 61,
        },
    );
    assert_eq!(rules_of(&v), ["max_overtime_year"]);
    assert_eq!(
        v[0].message,
        "120 h 1 min of overtime this year, more than the 120 h allowed"
    );
}

#[test]
fn a_change_naming_no_shift_is_invalid() {
    let h = history(vec![day_shift()]);
    assert_eq!(
        rules_of(&check(
            &LaborRules::default(),
            &h,
            &Change::Extend {
                shift: 3,
                minutes: 15
            }
        )),
        ["invalid_change"]
    );
    let none = Change::MoveBreak {
        shift: 0,
        from: at(1, 9, 0),
        to: at(1, 10, 0),
    };
    assert_eq!(
        rules_of(&check(&LaborRules::default(), &h, &none)),
        ["invalid_change"]
    );
}

#[test]
fn overtime_is_paid_one_and_a_half_for_two_hours_then_double() {
    let r = LaborRules::default();
    assert_eq!(overtime_pay(&r, 400.0, 0, 60), 600.0);
    assert_eq!(
        overtime_pay(&r, 400.0, 0, 180),
        400.0 * 1.5 * 2.0 + 400.0 * 2.0
    );
    assert_eq!(overtime_pay(&r, 400.0, 90, 60), 200.0 * 1.5 + 200.0 * 2.0);
    assert_eq!(day_off_pay(&r, 400.0, 480), 6400.0);
}

#[test]
fn defaults_validate_and_bad_values_are_named() {
    assert!(LaborRules::default().validate().is_empty());
    let bad = LaborRules {
        max_shift_minutes: 0,
        day_off_multiplier: 0.5,
        ..LaborRules::default()
    };
    let fields: Vec<&str> = bad.validate().iter().map(|e| e.0).collect();
    assert_eq!(fields, ["max_shift_minutes", "day_off_multiplier"]);
}
