use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};

use super::*;
use crate::live::{IndicatorValue, Scope};
use crate::trend::Trend;

fn figures(values: [Option<f64>; 6]) -> Figures {
    let indicators = Indicator::ALL
        .into_iter()
        .zip(values)
        .map(|(indicator, value)| IndicatorValue {
            indicator,
            value,
            unit: "percent",
            plan: Some(80.0),
            deviation: value.map(|v| v - 80.0),
            color: Color::Green,
            sample_calls: None,
            too_few_calls: false,
            trend: Some(Trend::Up),
            sparkline: vec![None, Some(50.0), Some(150.0)],
            updated_at: Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap(),
            freshness_seconds: Some(1.0),
        })
        .collect();
    Figures {
        scope: Scope::Group(3),
        indicators,
        online: 13,
        planned: 10,
        required: Some(16.0),
        queue_now: 0,
        longest_wait_seconds: 0.0,
        agents_by_state: BTreeMap::new(),
        offered_today: 10,
        answered_today: 8,
        answered_within_target_today: 7,
        abandoned_today: 2,
        short_abandoned_today: 0,
        sl_window_percent: Some(70.0),
        sl_predicted_percent: Some(90.0),
        asa_seconds: Some(4.0),
        abandonment_percent: Some(20.0),
        abandonment_excluding_short_percent: Some(20.0),
        occupancy_percent: Some(60.0),
        counts: Default::default(),
    }
}

fn flagged(flags: &[QualityFlag]) -> Vec<(&'static str, &'static str, Option<f64>)> {
    flags.iter().map(|f| (f.field, f.check, f.value)).collect()
}

#[test]
fn values_that_cannot_be_are_undefined_and_flagged() {
    // Online 130 % (more on line than planned) and a load deviation of -100 % (no call)
    // can be; an SL of 120, an ACD of -5 and an AHT trend of -100 (AHT 0) cannot.
    let mut f = figures([
        Some(130.0),
        Some(-100.0),
        Some(-2.0),
        Some(120.0),
        Some(-5.0),
        Some(-100.0),
    ]);
    f.asa_seconds = Some(-1.0);
    f.required = Some(f64::NAN);
    f.occupancy_percent = Some(100.5);
    let flags = check_figures(&mut f);
    assert_eq!(
        flagged(&flags),
        [
            ("service_level", "above_100", Some(120.0)),
            ("acd", "negative", Some(-5.0)),
            ("aht_trend", "aht_not_positive", Some(-100.0)),
            ("occupancy_percent", "above_100", Some(100.5)),
            ("asa_seconds", "negative", Some(-1.0)),
            ("required", "not_finite", None),
        ]
    );
    assert_eq!(
        flags[0].message,
        "service_level is 120, above 100 %: shown as undefined"
    );
    assert_eq!(
        flags[5].message,
        "required is not a number: shown as undefined"
    );
    let by = |i: Indicator| f.indicators.iter().find(|v| v.indicator == i).unwrap();
    for i in [Indicator::ServiceLevel, Indicator::Acd, Indicator::AhtTrend] {
        let v = by(i);
        assert_eq!(
            (v.value, v.color, v.deviation, v.trend),
            (None, Color::Grey, None, None),
            "{i:?}"
        );
    }
    assert_eq!(by(Indicator::OperatorsOnline).value, Some(130.0));
    assert_eq!(by(Indicator::LoadDeviation).value, Some(-100.0));
    assert_eq!(by(Indicator::OperatorRequirement).color, Color::Green);
    assert_eq!(
        (f.asa_seconds, f.required, f.occupancy_percent),
        (None, None, None)
    );
    assert_eq!(f.sl_window_percent, Some(70.0));
    // Sparkline points out of range become gaps; the in-range ones stay.
    assert_eq!(
        by(Indicator::ServiceLevel).sparkline,
        [None, Some(50.0), None]
    );
    assert_eq!(
        by(Indicator::OperatorsOnline).sparkline,
        [None, Some(50.0), Some(150.0)]
    );
}

#[test]
fn edges_of_the_ranges_and_inconsistent_counts() {
    let mut f = figures([
        Some(0.0),
        Some(-100.0),
        Some(0.0),
        Some(100.0),
        Some(0.0),
        Some(-99.9),
    ]);
    f.sparkline_clear();
    assert_eq!(check_figures(&mut f), []);
    let mut f = figures([
        Some(0.0),
        Some(-100.01),
        Some(f64::INFINITY),
        Some(80.0),
        None,
        None,
    ]);
    f.answered_within_target_today = 9;
    let flags = check_figures(&mut f);
    assert_eq!(
        flagged(&flags),
        [
            ("load_deviation", "below_minus_100", Some(-100.01)),
            ("operator_requirement", "not_finite", None),
            ("service_level", "counts_inconsistent", Some(80.0)),
        ]
    );
    assert_eq!(
        flags[2].message,
        "service_level is 80, but more calls were answered within target than answered: shown as undefined"
    );
}

trait ClearSparkline {
    fn sparkline_clear(&mut self);
}

impl ClearSparkline for Figures {
    fn sparkline_clear(&mut self) {
        for i in &mut self.indicators {
            i.sparkline.clear();
        }
    }
}

fn employee(id: &str, tab_n: &str) -> Employee {
    let d = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    Employee {
        id: id.into(),
        tab_n: tab_n.into(),
        lastname: "L".into(),
        firstname: "F".into(),
        secondname: "S".into(),
        startwork: d,
        finishwork: None,
        position_id: "p".into(),
        position: "Operator".into(),
        position_change_date: None,
        department_id: "d".into(),
        rate: 1.0,
        login: None,
        norm_week: 40.0,
        norm_week_change_date: d,
        sn: None,
        db_id: None,
        area: None,
        vacation: Vec::new(),
    }
}

fn diff(id: &str, field: &'static str) -> Discrepancy {
    Discrepancy {
        employee_id: id.into(),
        field,
        wfm: Some("a".into()),
        zup: Some("b".into()),
    }
}

#[test]
fn duplicate_personnel_numbers_are_those_two_employees_hold() {
    let staff = [
        employee("a", "1-16"),
        employee("b", "2-16"),
        employee("c", " 1-16"),
        employee("a", "2-16"),
        employee("d", ""),
        employee("e", ""),
    ];
    // "a" listed twice with 2-16 is still a second holder of 2-16 with "b".
    assert_eq!(duplicate_tab_ns(&staff), ["1-16", "2-16"]);
    assert_eq!(duplicate_tab_ns(&staff[..2]), Vec::<String>::new());
}

#[test]
fn more_than_five_percent_differing_or_a_duplicate_is_corruption() {
    let policy = ConsistencyPolicy::default();
    // 5 of 100 employees differ (one of them in two fields): exactly 5 %, not more.
    let mut found: Vec<Discrepancy> = (0..5)
        .map(|i| diff(&format!("e{i}"), "full_name"))
        .collect();
    found.push(diff("e0", "position"));
    let v = judge(100, &found, Vec::new(), &policy);
    assert_eq!(
        v,
        ConsistencyVerdict {
            employees_compared: 100,
            employees_differing: 5,
            differing_percent: 5.0,
            duplicate_tab_ns: Vec::new(),
            corrupted: false,
            reason: None,
        }
    );
    found.push(diff("e5", "tabN"));
    let v = judge(100, &found, vec!["7-16".into()], &policy);
    assert!(v.corrupted);
    assert_eq!(
        v.reason.as_deref(),
        Some(
            "6 of 100 employees (6.0 %) differ between WFM and 1C ZUP, more than 5 %; \
             1 personnel number is held by more than one employee in 1C ZUP"
        )
    );
    let lenient = ConsistencyPolicy {
        max_discrepancy_percent: 10.0,
        halt_on_duplicate_tab_n: false,
    };
    assert!(!judge(100, &found, vec!["7-16".into()], &lenient).corrupted);
    // The first sync compares nobody.
    let first = judge(0, &[], Vec::new(), &policy);
    assert_eq!((first.differing_percent, first.corrupted), (0.0, false));
}
