//! Production calendar and norm hours, checked against the published figures and the
//! examples of the 1C ZUP integration scenarios.

use chrono::NaiveDate;

use super::calendar::{DayKind, ProductionCalendar};
use super::norm::*;

fn calendar(year: i32) -> ProductionCalendar {
    ProductionCalendar::parse_xml(super::calendar::bundled(year).unwrap()).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn calendars() -> Calendars {
    [2018, 2023, 2024, 2025]
        .into_iter()
        .map(|y| (y, calendar(y)))
        .collect()
}

fn employee(weekly: f64, rate: f64) -> Employment {
    Employment {
        hired: None,
        terminated: None,
        rate,
        norms: vec![NormChange {
            from: d(2000, 1, 1),
            weekly_hours: weekly,
        }],
    }
}

fn year_norm(year: i32, weekly: f64, rate: f64) -> f64 {
    norm_hours(
        &calendars(),
        &employee(weekly, rate),
        d(year, 1, 1),
        d(year, 12, 31),
    )
    .unwrap()
    .hours
}

#[test]
fn the_2018_calendar_has_247_working_and_6_shortened_days() {
    let c = calendar(2018);
    assert_eq!(c.year, 2018);
    assert_eq!(c.count(d(2018, 1, 1), d(2018, 12, 31)), (247, 6));
    assert_eq!(c.day(d(2018, 1, 1)), DayKind::DayOff);
    assert_eq!(c.day(d(2018, 2, 22)), DayKind::Shortened);
    // A Saturday worked in place of a moved day off.
    assert_eq!(c.day(d(2018, 4, 28)), DayKind::Shortened);
    // Saturday 9 June 2018 was worked, one hour short, before Russia Day.
    assert_eq!(c.day(d(2018, 6, 9)), DayKind::Shortened);
    assert_eq!(
        c.day(d(2018, 6, 16)),
        DayKind::DayOff,
        "an ordinary Saturday"
    );
    assert_eq!(
        c.day(d(2018, 6, 13)),
        DayKind::Working,
        "an ordinary Wednesday"
    );
}

/// The scenario's examples table. Its row "36 h, rate 0.25 -> 886.2" contradicts its own
/// formula: ((36 / 5) x 247 - 6) x 0.25 = 443.1. We follow the formula.
#[test]
fn the_examples_table_of_the_integration_scenarios() {
    for (weekly, rate, expected) in [
        (40.0, 1.0, 1970.0),
        (40.0, 0.5, 985.0),
        (36.0, 1.0, 1772.4),
        (36.0, 0.25, 443.1),
        (30.0, 1.0, 1476.0),
        (30.0, 0.75, 1107.0),
    ] {
        assert_eq!(
            year_norm(2018, weekly, rate),
            expected,
            "{weekly} h at rate {rate}"
        );
    }
}

#[test]
fn published_yearly_norms_for_a_40_hour_week() {
    assert_eq!(year_norm(2023, 40.0, 1.0), 1973.0);
    assert_eq!(year_norm(2024, 40.0, 1.0), 1979.0);
    assert_eq!(year_norm(2025, 40.0, 1.0), 1972.0);
}

#[test]
fn hire_termination_and_norm_changes_cut_the_period() {
    let c = calendar(2018);
    let mut e = employee(40.0, 1.0);
    e.hired = Some(d(2018, 7, 1));
    e.terminated = Some(d(2018, 10, 15));
    let n = norm_hours(&calendars(), &e, d(2018, 1, 1), d(2018, 12, 31)).unwrap();
    assert_eq!((n.from, n.to), (d(2018, 7, 1), d(2018, 10, 15)));
    let (w, s) = c.count(d(2018, 7, 1), d(2018, 10, 15));
    assert_eq!(n.hours, 8.0 * f64::from(w) - f64::from(s));

    // 40 h until June, 36 h from July.
    let mut e = employee(40.0, 1.0);
    e.norms.push(NormChange {
        from: d(2018, 7, 1),
        weekly_hours: 36.0,
    });
    let n = norm_hours(&calendars(), &e, d(2018, 1, 1), d(2018, 12, 31)).unwrap();
    let (w1, s1) = c.count(d(2018, 1, 1), d(2018, 6, 30));
    let (w2, s2) = c.count(d(2018, 7, 1), d(2018, 12, 31));
    let expected = 8.0 * f64::from(w1) - f64::from(s1) + 7.2 * f64::from(w2) - f64::from(s2);
    assert!(
        (n.hours - expected).abs() < 0.005,
        "{} vs {expected}",
        n.hours
    );

    // Employed after the period: nothing.
    let mut late = employee(40.0, 1.0);
    late.hired = Some(d(2019, 2, 1));
    assert_eq!(
        norm_hours(&calendars(), &late, d(2018, 1, 1), d(2018, 12, 31))
            .unwrap()
            .hours,
        0.0
    );
}

#[test]
fn periods_follow_the_mode() {
    assert_eq!(
        periods(PeriodMode::Quarter, d(2018, 2, 15), d(2018, 8, 10)),
        [
            (d(2018, 2, 15), d(2018, 3, 31)),
            (d(2018, 4, 1), d(2018, 6, 30)),
            (d(2018, 7, 1), d(2018, 8, 10))
        ]
    );
    assert_eq!(
        periods(PeriodMode::Month, d(2018, 12, 1), d(2018, 12, 31)),
        [(d(2018, 12, 1), d(2018, 12, 31))]
    );
    assert_eq!(
        periods(PeriodMode::Year, d(2018, 3, 1), d(2019, 2, 1)).len(),
        2
    );
    // Monthly norms add up to the year's.
    let months: f64 = periods(PeriodMode::Month, d(2018, 1, 1), d(2018, 12, 31))
        .into_iter()
        .map(|(f, t)| {
            norm_hours(&calendars(), &employee(40.0, 1.0), f, t)
                .unwrap()
                .hours
        })
        .sum();
    assert_eq!(months, 1970.0);
}

#[test]
fn missing_calendars_norms_and_bad_files_are_named() {
    let e = employee(40.0, 1.0);
    assert_eq!(
        norm_hours(&calendars(), &e, d(2019, 1, 1), d(2019, 1, 31)),
        Err(NormError::MissingCalendar(2019))
    );
    let mut none = e.clone();
    none.norms = vec![NormChange {
        from: d(2018, 3, 1),
        weekly_hours: 40.0,
    }];
    assert_eq!(
        norm_hours(&calendars(), &none, d(2018, 1, 1), d(2018, 3, 31)),
        Err(NormError::NoNorm(d(2018, 1, 1)))
    );
    assert!(ProductionCalendar::parse_xml("<calendar><days/></calendar>").is_err());
    assert!(
        ProductionCalendar::parse_xml(r#"<calendar year="2018"><day d="02.30" t="1"/></calendar>"#)
            .is_err()
    );
    assert!(
        ProductionCalendar::parse_xml(r#"<calendar year="2018"><day d="02.03" t="7"/></calendar>"#)
            .is_err()
    );
    assert!(ProductionCalendar::parse_xml("not xml <<<").is_err());
}
