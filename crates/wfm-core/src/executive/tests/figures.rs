//! Groups, aggregates, benchmarks and the dashboard order on the hand-built day.

use std::collections::BTreeMap;

use super::day::{center, date, now};
use crate::executive::{
    Aggregate, Importance, aggregate, attention_order, benchmarks, forecast_accuracy, ranks,
};
use crate::live::{Figures, Scope, Snapshot};
use crate::threshold::{Color, Indicator};

#[track_caller]
fn close(actual: Option<f64>, expected: f64) {
    let actual = actual.expect("a value");
    assert!(
        (actual - expected).abs() <= 1e-9 * expected.abs().max(1.0),
        "{actual} != {expected}"
    );
}

fn value(indicators: &[crate::live::IndicatorValue], which: Indicator) -> (Option<f64>, Color) {
    let i = indicators.iter().find(|i| i.indicator == which).unwrap();
    (i.value, i.color)
}

fn group(snapshot: &Snapshot, id: i64) -> &Figures {
    snapshot
        .groups
        .iter()
        .find(|g| g.scope == Scope::Group(id))
        .unwrap()
}

fn members<'a>(snapshot: &'a Snapshot, ids: &[i64]) -> Vec<&'a Figures> {
    ids.iter().map(|id| group(snapshot, *id)).collect()
}

#[test]
fn each_group_reads_as_worked_out() {
    let snapshot = center().snapshot(now());
    // Group 1: within 5 of 8 offered = 62.5; answered 7 of 8 = 87.5; window 5 calls
    // against 4 forecast = +25 %; A = 5 x 180 / 900 = 1 needs 3 (N = 2 gives SL 70.2,
    // N = 3 gives 92.7), 2 on line: +1; online 2 of 3; AHT (200 + 240) / 2 = 220 against
    // 180: +22.2 %. Every one rests on fewer than 10 calls (8 offered, 5 in the
    // window, 2 handled): values without a verdict, grey.
    let g1 = &group(&snapshot, 1).indicators;
    assert_eq!(
        value(g1, Indicator::ServiceLevel),
        (Some(62.5), Color::Grey)
    );
    assert_eq!(value(g1, Indicator::Acd), (Some(87.5), Color::Grey));
    assert_eq!(
        value(g1, Indicator::LoadDeviation),
        (Some(25.0), Color::Grey)
    );
    assert!(
        g1.iter()
            .filter(|i| i.sample_calls.is_some())
            .all(|i| i.too_few_calls)
    );
    assert_eq!(
        value(g1, Indicator::OperatorRequirement),
        (Some(1.0), Color::Green)
    );
    close(value(g1, Indicator::OperatorsOnline).0, 200.0 / 3.0);
    close(value(g1, Indicator::AhtTrend).0, 40.0 / 180.0 * 100.0);
    // Group 3: within 14 of 18 = 77.8; answered 15 of 18 = 83.3 (yellow against 90);
    // A = 10 x 180 / 900 = 2 needs 4 (N = 3: 60.2, N = 4: 86.1), 4 on line: 0.
    let g3 = &group(&snapshot, 3).indicators;
    close(value(g3, Indicator::ServiceLevel).0, 14.0 / 18.0 * 100.0);
    assert_eq!(value(g3, Indicator::Acd).1, Color::Yellow);
    assert_eq!(value(g3, Indicator::OperatorRequirement).0, Some(0.0));
    assert_eq!(value(g3, Indicator::OperatorsOnline).0, Some(80.0));
}

#[test]
fn the_operation_sums_counts_and_weights_sl_acd_and_aht() {
    let snapshot = center().snapshot(now());
    let all = aggregate(&members(&snapshot, &[1, 2, 3]), now());
    let i = &all.indicators;
    // Within 5 + 9 + 14 = 28 of 8 + 9 + 18 = 35 offered: 80 %, the target (80 for every
    // group): deviation 0. The mean of the groups' 62.5, 100 and 77.8 would be 80.1.
    assert_eq!(
        (all.offered_today, all.answered_within_target_today),
        (35, 28)
    );
    assert_eq!(
        value(i, Indicator::ServiceLevel),
        (Some(80.0), Color::Green)
    );
    // ACD: answered 7 + 9 + 15 = 31 of 35 = 88.571 %, against the forecast's 90 %.
    close(value(i, Indicator::Acd).0, 31.0 / 35.0 * 100.0);
    // Online 2 + 5 + 4 = 11 of planned 3 + 5 + 5 = 13.
    assert_eq!((all.online, all.planned), (11, 13));
    close(value(i, Indicator::OperatorsOnline).0, 11.0 / 13.0 * 100.0);
    // Required 3 + 3 + 4 = 10 against 11 on line: -1 (a surplus of one).
    assert_eq!(all.required, Some(10.0));
    assert_eq!(value(i, Indicator::OperatorRequirement).0, Some(-1.0));
    // Window: 5 + 5 + 10 = 20 offered against 4 + 5 + 10 = 19 forecast: +5.263 %.
    close(value(i, Indicator::LoadDeviation).0, 100.0 / 19.0);
    // AHT: (200 + 240 + 180 + 3 x 150) / 6 = 178.33 against 180: -0.926 %.
    assert_eq!(all.counts.handled_today, 6);
    close(
        value(i, Indicator::AhtTrend).0,
        (1070.0 / 6.0 - 180.0) / 180.0 * 100.0,
    );
}

#[test]
fn a_service_sums_its_groups() {
    let snapshot = center().snapshot(now());
    let service = aggregate(&members(&snapshot, &[1, 2]), now());
    let i = &service.indicators;
    assert_eq!(service.groups, vec![1, 2]);
    // Within 5 + 9 = 14 of 17; answered 16 of 17; online 7 of 8; required 6 - 7 = -1;
    // window 10 against 9: +11.1 %; AHT (440 + 180) / 3 = 206.7 against 180: +14.8 %.
    close(value(i, Indicator::ServiceLevel).0, 14.0 / 17.0 * 100.0);
    close(value(i, Indicator::Acd).0, 16.0 / 17.0 * 100.0);
    assert_eq!(value(i, Indicator::OperatorsOnline).0, Some(87.5));
    assert_eq!(value(i, Indicator::OperatorRequirement).0, Some(-1.0));
    close(value(i, Indicator::LoadDeviation).0, 100.0 / 9.0);
    close(
        value(i, Indicator::AhtTrend).0,
        (620.0 / 3.0 - 180.0) / 180.0 * 100.0,
    );
}

/// What an aggregate and the engine's own figures of the same scope share.
fn essentials_of_aggregate(a: &Aggregate) -> impl PartialEq + std::fmt::Debug {
    let indicators: Vec<_> = a
        .indicators
        .iter()
        .map(|i| (i.indicator, i.value, i.plan, i.deviation, i.color, i.unit))
        .collect();
    (
        indicators,
        a.online,
        a.planned,
        a.required,
        a.offered_today,
        a.answered_today,
        a.answered_within_target_today,
        a.abandoned_today,
        a.counts,
    )
}

fn essentials_of_figures(f: &Figures) -> impl PartialEq + std::fmt::Debug {
    let indicators: Vec<_> = f
        .indicators
        .iter()
        .map(|i| (i.indicator, i.value, i.plan, i.deviation, i.color, i.unit))
        .collect();
    (
        indicators,
        f.online,
        f.planned,
        f.required,
        f.offered_today,
        f.answered_today,
        f.answered_within_target_today,
        f.abandoned_today,
        f.counts,
    )
}

#[test]
fn one_site_gives_the_sites_own_figures() {
    let snapshot = center().snapshot(now());
    let all = aggregate(&members(&snapshot, &[1, 2, 3]), now());
    assert_eq!(
        format!("{:?}", essentials_of_aggregate(&all)),
        format!("{:?}", essentials_of_figures(&snapshot.all))
    );
    for (service, ids) in [(10, vec![1, 2]), (20, vec![3])] {
        let mine = aggregate(&members(&snapshot, &ids), now());
        let engine = snapshot
            .services
            .iter()
            .find(|s| s.scope == Scope::Service(service))
            .unwrap();
        assert_eq!(
            format!("{:?}", essentials_of_aggregate(&mine)),
            format!("{:?}", essentials_of_figures(engine)),
            "service {service}"
        );
    }
}

#[test]
fn benchmarks_rank_attainment_adherence_and_accuracy() {
    let center = center();
    let snapshot = center.snapshot(now());
    let intervals: BTreeMap<i64, _> = [1, 2, 3]
        .into_iter()
        .map(|g| (g, center.intervals(g, date(), now())))
        .collect();
    let rows = benchmarks(
        &members(&snapshot, &[1, 2, 3]),
        &center.operators(now()),
        &intervals,
        now(),
    );
    let got: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.group_id,
                r.sl_rank,
                r.scheduled_operators,
                r.adherence_rank,
                r.intervals_compared,
                r.forecast_accuracy_percent,
                r.forecast_accuracy_rank,
            )
        })
        .collect();
    // Attainment: 62.5 - 80 = -17.5, 100 - 80 = +20, 77.8 - 80 = -2.2: ranks 3, 1, 2.
    // Adherence: group 1 has 2 of 3 on schedule (13 is late), group 2 5 of 5, group 3
    // 4 of 5 (35 is on an unplanned break): ranks 3, 1, 2.
    // Accuracy over the two closed intervals: group 1 |3 - 4| / 4 and |5 - 4| / 4, MAPE
    // 25, 75; group 2 |4 - 5| / 5 and 0, MAPE 10, 90; group 3 |8 - 10| / 10 and 0, 90:
    // groups 2 and 3 share rank 1, group 1 is 3rd.
    assert_eq!(
        got,
        vec![
            (1, Some(3), 3, Some(3), 2, Some(75.0), Some(3)),
            (2, Some(1), 5, Some(1), 2, Some(90.0), Some(1)),
            (3, Some(2), 5, Some(2), 2, Some(90.0), Some(1)),
        ]
    );
    assert_eq!(rows[0].sl_attainment_points, Some(-17.5));
    close(rows[0].adherence_percent, 200.0 / 3.0);
    assert_eq!(rows[2].adherence_percent, Some(80.0));
    // Before any interval has closed nothing is compared: unranked.
    let (accuracy, compared) = forecast_accuracy(
        &center.intervals(1, date(), now()),
        super::day::at(10, 10, 0),
    );
    assert_eq!((accuracy, compared), (None, 0));
}

#[test]
fn ranks_share_ties_and_skip_the_unranked() {
    assert_eq!(
        ranks(&[Some(1.0), None, Some(3.0), Some(3.0), Some(-2.0)]),
        vec![Some(3), None, Some(1), Some(1), Some(4)]
    );
    assert_eq!(ranks(&[]), Vec::<Option<u32>>::new());
}

#[test]
fn groups_are_ordered_by_importance_then_worst_color() {
    let snapshot = center().snapshot(now());
    // Group 1 is red (online, load, SL, AHT); groups 2 and 3 are yellow twice each
    // (2: requirement -2 and ACD +10; 3: ACD -6.7 and AHT -16.7), so by id.
    let order = |importance: &BTreeMap<i64, Importance>| {
        let mut ids = vec![3, 2, 1];
        ids.sort_by(|a, b| {
            let of = |id: &i64| {
                (
                    importance.get(id).copied().unwrap_or_default(),
                    *id,
                    group(&snapshot, *id),
                )
            };
            attention_order(of(a), of(b))
        });
        ids
    };
    assert_eq!(order(&BTreeMap::new()), vec![1, 2, 3]);
    assert_eq!(
        order(&BTreeMap::from([(3, Importance::Critical)])),
        vec![3, 1, 2]
    );
    assert_eq!(
        order(&BTreeMap::from([
            (1, Importance::Low),
            (2, Importance::High)
        ])),
        vec![2, 3, 1]
    );
    assert_eq!(Importance::parse("high"), Some(Importance::High));
    assert_eq!(Importance::parse("urgent"), None);
}

#[test]
fn forecast_accuracy_starts_at_the_groups_first_call() {
    use crate::interval::IntervalGrid;
    use crate::live::IntervalFigures;
    let grid = IntervalGrid::new(chrono_tz::Europe::Moscow, 15).unwrap();
    // Forecast 10 calls in each of four intervals; the feed reached us in the third.
    let figures: Vec<IntervalFigures> = grid
        .intervals(date())
        .into_iter()
        .take(4)
        .zip([0, 0, 8, 12])
        .map(|(interval, offered)| IntervalFigures {
            interval,
            offered,
            answered: offered,
            answered_within_target: offered,
            abandoned: 0,
            short_abandoned: 0,
            sl_percent: None,
            target_percent: 80.0,
            breached: false,
            forecast_calls: Some(10.0),
        })
        .collect();
    let end = figures[3].interval.end;
    // |8 - 10| / 10 = 20 %, |12 - 10| / 10 = 20 %: MAPE 20, accuracy 80 over 2 intervals.
    let (accuracy, compared) = forecast_accuracy(&figures, end);
    close(accuracy, 80.0);
    assert_eq!(compared, 2);
}
