//! Deviations and loginfo slices, checked against the contract's table and the day/night
//! boundaries, with property tests for the totals.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use proptest::prelude::*;

use super::*;

const HOUR: i64 = 3_600_000;

fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2019, 2, d)
        .unwrap()
        .and_hms_opt(h, m, 0)
        .unwrap()
}

fn span(from: NaiveDateTime, to: NaiveDateTime) -> Span {
    Span {
        start: from,
        end: to,
    }
}

/// A span within 1 February 2019 given in whole hours (24 = midnight after).
fn hours(from: u32, to: u32) -> Span {
    let t = |h: u32| at(1, 0, 0) + TimeDelta::hours(i64::from(h));
    span(t(from), t(to))
}

fn dev(kind: DeviationKind, night: bool, span: Span) -> Deviation {
    Deviation { kind, night, span }
}

use DeviationKind::*;

#[test]
fn codes_and_documents() {
    assert_eq!(
        [Overtime, Absence, WeekendDay, WeekendNight].map(DeviationKind::code),
        ["C", "NV", "RV", "RVN"]
    );
    assert_eq!(
        [Overtime, Absence, WeekendDay, WeekendNight].map(DeviationKind::document),
        [
            "Working Overtime",
            "Failure to appear",
            "Weekend Work",
            "Weekend Work"
        ]
    );
    assert_eq!(hours(9, 17).millis(), 8 * HOUR);
    assert_eq!(hours(17, 9).millis(), 0, "an inverted span is empty");
}

/// Planned, actual, the deviations expected and their summary.
type Case<'a> = (&'a [Span], &'a [Span], Vec<Deviation>, Vec<(&'a str, f64)>);

/// The contract's table (3.5.1.1) and the scenarios' precise-calculation table.
#[test]
fn the_contracts_table() {
    let plan = [hours(9, 17)];
    let cases: [Case; 6] = [
        (
            &[],
            &[hours(9, 17)],
            vec![dev(WeekendDay, false, hours(9, 17))],
            vec![("RV", 8.0)],
        ),
        (
            &[],
            &[hours(22, 26)],
            vec![dev(WeekendNight, true, hours(22, 26))],
            vec![("RVN", 4.0)],
        ),
        (
            &plan,
            &[],
            vec![dev(Absence, false, hours(9, 17))],
            vec![("NV", 8.0)],
        ),
        (
            &plan,
            &[hours(9, 13)],
            vec![dev(Absence, false, hours(13, 17))],
            vec![("NV", 4.0)],
        ),
        (
            &plan,
            &[hours(9, 19)],
            vec![dev(Overtime, false, hours(17, 19))],
            vec![("C", 2.0)],
        ),
        (
            &plan,
            &[hours(9, 15)],
            vec![dev(Absence, false, hours(15, 17))],
            vec![("NV", 2.0)],
        ),
    ];
    for (planned, actual, expected, summary) in cases {
        let got = deviations(planned, actual);
        assert_eq!(got, expected, "plan {planned:?}, actual {actual:?}");
        assert_eq!(hours_by_code(&got), summary);
    }
}

#[test]
fn a_span_crossing_22_00_is_split() {
    // Overtime after a day shift runs into the night: two documents.
    let got = deviations(&[hours(9, 17)], &[span(at(1, 9, 0), at(1, 23, 30))]);
    assert_eq!(
        got,
        [
            dev(Overtime, false, hours(17, 22)),
            dev(Overtime, true, span(at(1, 22, 0), at(1, 23, 30)))
        ]
    );
    assert_eq!(hours_by_code(&got), [("C", 6.5)]);
    // On a day off the same evening is RV, then RVN.
    assert_eq!(
        deviations(&[], &[hours(20, 24)]),
        [
            dev(WeekendDay, false, hours(20, 22)),
            dev(WeekendNight, true, hours(22, 24))
        ]
    );
}

#[test]
fn a_span_crossing_midnight_and_06_00_is_split_at_06_00_only() {
    let got = deviations(&[], &[span(at(1, 23, 0), at(2, 7, 0))]);
    assert_eq!(
        got,
        [
            dev(WeekendNight, true, span(at(1, 23, 0), at(2, 6, 0))),
            dev(WeekendDay, false, span(at(2, 6, 0), at(2, 7, 0)))
        ]
    );
    assert_eq!(hours_by_code(&got), [("RV", 1.0), ("RVN", 7.0)]);
    // A night shift worked 90 minutes past its 06:00 end: day overtime.
    assert_eq!(
        deviations(&[hours(22, 30)], &[span(at(1, 22, 0), at(2, 7, 30))]),
        [dev(Overtime, false, span(at(2, 6, 0), at(2, 7, 30)))]
    );
}

#[test]
fn an_absence_over_day_and_night_makes_two_documents() {
    let got = deviations(&[hours(18, 26)], &[]);
    assert_eq!(
        got,
        [
            dev(Absence, false, hours(18, 22)),
            dev(Absence, true, hours(22, 26))
        ]
    );
    assert!(got.iter().all(|d| d.kind.document() == "Failure to appear"));
    assert_eq!(hours_by_code(&got), [("NV", 8.0)]);
}

#[test]
fn overlapping_unsorted_presence_is_merged_before_comparing() {
    let actual = [hours(13, 17), hours(9, 12), hours(11, 13)];
    assert_eq!(deviations(&[hours(9, 17)], &actual), []);
    // Late by an hour and staying an hour longer: both documents.
    let got = deviations(&[hours(9, 17)], &[hours(10, 18)]);
    assert_eq!(
        got,
        [
            dev(Absence, false, hours(9, 10)),
            dev(Overtime, false, hours(17, 18))
        ]
    );
    assert_eq!(hours_by_code(&got), [("C", 1.0), ("NV", 1.0)]);
    assert_eq!(deviations(&[], &[hours(10, 12), hours(12, 14)]).len(), 1);
    assert_eq!(hours_by_code(&[]), []);
}

#[test]
fn slices_follow_the_quarter_hours_of_the_clock() {
    assert_eq!(
        slices(&[span(at(1, 10, 7), at(1, 10, 52))]),
        [
            span(at(1, 10, 7), at(1, 10, 15)),
            span(at(1, 10, 15), at(1, 10, 30)),
            span(at(1, 10, 30), at(1, 10, 45)),
            span(at(1, 10, 45), at(1, 10, 52)),
        ]
    );
    assert_eq!(
        slices(&[
            span(at(1, 10, 10), at(1, 10, 40)),
            span(at(1, 10, 0), at(1, 10, 20)),
            span(at(1, 11, 0), at(1, 10, 0)),
        ]),
        [
            span(at(1, 10, 0), at(1, 10, 15)),
            span(at(1, 10, 15), at(1, 10, 30)),
            span(at(1, 10, 30), at(1, 10, 40)),
        ]
    );
    // Across midnight the quarters continue on the next date.
    assert_eq!(
        slices(&[span(at(1, 23, 50), at(2, 0, 10))]),
        [
            span(at(1, 23, 50), at(2, 0, 0)),
            span(at(2, 0, 0), at(2, 0, 10)),
        ]
    );
}

/// Up to five spans over two days, to the second.
fn spans(min: usize) -> impl Strategy<Value = Vec<Span>> {
    proptest::collection::vec((0..172_800i64, 0..43_200i64), min..6).prop_map(|v| {
        v.into_iter()
            .map(|(from, len)| {
                let start = at(1, 0, 0) + TimeDelta::seconds(from);
                span(start, start + TimeDelta::seconds(len.max(1)))
            })
            .collect()
    })
}

fn total(spans: &[Span]) -> i64 {
    spans.iter().map(Span::millis).sum()
}

proptest! {
    #[test]
    fn slices_add_up_to_the_merged_presence(actual in spans(0)) {
        let cut = slices(&actual);
        prop_assert_eq!(total(&cut), total(&merge(&actual)));
        for s in &cut {
            prop_assert!(s.millis() > 0 && s.millis() <= 900_000);
            prop_assert!(next_quarter(s.start).is_some_and(|q| s.end <= q));
        }
        for pair in cut.windows(2) {
            prop_assert!(pair[0].end <= pair[1].start);
        }
    }

    #[test]
    fn overtime_less_absence_is_worked_less_planned(planned in spans(1), actual in spans(0)) {
        let got = deviations(&planned, &actual);
        let of = |kind| got.iter().filter(|d| d.kind == kind).map(|d| d.span.millis()).sum::<i64>();
        prop_assert_eq!(
            total(&merge(&actual)) - total(&merge(&planned)),
            of(Overtime) - of(Absence)
        );
        prop_assert_eq!(of(WeekendDay) + of(WeekendNight), 0);
        for d in &got {
            prop_assert_eq!(split_day_night(d.span), vec![(d.span, d.night)]);
        }
        for pair in got.windows(2) {
            prop_assert!(pair[0].span.start <= pair[1].span.start);
        }
    }

    #[test]
    fn a_day_off_is_all_weekend_work(actual in spans(0)) {
        let got = deviations(&[], &actual);
        prop_assert_eq!(got.iter().map(|d| d.span.millis()).sum::<i64>(), total(&merge(&actual)));
        for d in &got {
            prop_assert_eq!(d.kind, if d.night { WeekendNight } else { WeekendDay });
            prop_assert_eq!(split_day_night(d.span), vec![(d.span, d.night)]);
        }
    }
}
