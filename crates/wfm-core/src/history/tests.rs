use chrono::{DateTime, Duration, TimeZone, Utc, Weekday};
use proptest::prelude::*;

use super::*;
use crate::interval::IntervalGrid;

fn grid() -> IntervalGrid {
    IntervalGrid::new(IntervalGrid::parse_tz("Europe/Moscow").unwrap(), 15).unwrap()
}

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn record(group_id: i64, start: DateTime<Utc>) -> IntervalRecord {
    IntervalRecord {
        group_id,
        interval_start: start,
        interval_seconds: 900,
        arrivals: 0,
        offered: 0,
        answered: 0,
        answered_within_target: 0,
        abandoned: 0,
        short_abandoned: 0,
        handled: 0,
        handle_seconds: 0.0,
        wait_seconds: 0.0,
        forecast_calls: 0.0,
        forecast_answered: 0.0,
        forecast_handle_seconds: 0.0,
        planned_minutes: 0,
        online_minutes: 0,
        required_minutes: None,
        sl_target_percent: 80.0,
    }
}

#[test]
fn indicators_come_from_summed_components() {
    let mut a = record(1, at(2026, 3, 2, 9, 0));
    a.arrivals = 12;
    a.offered = 10;
    a.answered = 9;
    a.answered_within_target = 7;
    a.abandoned = 2;
    a.short_abandoned = 1;
    a.handled = 8;
    a.handle_seconds = 1_600.0;
    a.forecast_calls = 10.0;
    a.forecast_answered = 9.0;
    a.forecast_handle_seconds = 1_440.0;
    a.planned_minutes = 45;
    a.online_minutes = 36;
    a.required_minutes = Some(60.0);
    let mut b = record(1, at(2026, 3, 2, 9, 15));
    b.arrivals = 6;
    b.offered = 6;
    b.answered = 6;
    b.answered_within_target = 6;
    b.handled = 2;
    b.handle_seconds = 400.0;
    b.forecast_calls = 10.0;
    b.forecast_answered = 10.0;
    b.forecast_handle_seconds = 1_600.0;
    b.planned_minutes = 15;
    b.online_minutes = 15;
    b.sl_target_percent = 90.0;
    let mut sum = Components::of(&a);
    sum.add_record(&b);
    // SL 13 / 16; ACD 15 / (16 + 1); online 51 / 60; load (18 - 20) / 20.
    assert_eq!(
        sum.value(Indicator::ServiceLevel),
        Some(13.0 / 16.0 * 100.0)
    );
    assert_eq!(sum.value(Indicator::Acd), Some(15.0 / 17.0 * 100.0));
    assert_eq!(sum.value(Indicator::OperatorsOnline), Some(85.0));
    assert_eq!(sum.value(Indicator::LoadDeviation), Some(-10.0));
    // AHT 2000 / 10 = 200 against 3040 / 19 = 160: +25 %.
    assert_eq!(sum.value(Indicator::AhtTrend), Some(25.0));
    // Only the first interval knows its requirement: (60 - 36) / 15 minutes.
    assert_eq!(sum.value(Indicator::OperatorRequirement), Some(1.6));
    assert_eq!(sum.plan(Indicator::OperatorRequirement), Some(4.0));
    // Target weighted by offered: (80 x 10 + 90 x 6) / 16.
    assert_eq!(sum.sl_target_percent(), Some(1_340.0 / 16.0));
    assert_eq!(sum.plan(Indicator::Acd), Some(95.0));
    assert_eq!(sum.plan(Indicator::AhtTrend), Some(160.0));
}

#[test]
fn undefined_indicators_are_none() {
    let sum = Components::of(&record(1, at(2026, 3, 2, 9, 0)));
    for indicator in Indicator::ALL {
        assert_eq!(sum.value(indicator), None, "{indicator:?}");
    }
    assert_eq!(sum.sl_target_percent(), Some(80.0));
    assert!(record(1, at(2026, 3, 2, 9, 0)).is_empty());
}

#[test]
fn buckets_follow_the_local_clock() {
    let grid = grid();
    // 2026-03-04 is a Wednesday; Moscow is UTC+3.
    let t = at(2026, 3, 4, 10, 50);
    assert_eq!(
        bucket_start(Granularity::QuarterHour, t, &grid),
        at(2026, 3, 4, 10, 45)
    );
    assert_eq!(
        bucket_start(Granularity::Hour, t, &grid),
        at(2026, 3, 4, 10, 0)
    );
    assert_eq!(
        bucket_start(Granularity::Day, t, &grid),
        at(2026, 3, 3, 21, 0)
    );
    assert_eq!(
        bucket_start(Granularity::Week, t, &grid),
        at(2026, 3, 1, 21, 0)
    );
    // 23:30 UTC on Sunday is 02:30 Monday in Moscow: a new week.
    let monday = at(2026, 3, 8, 23, 30);
    assert_eq!(
        bucket_start(Granularity::Week, monday, &grid),
        at(2026, 3, 8, 21, 0)
    );
    let india = IntervalGrid::new(IntervalGrid::parse_tz("Asia/Kolkata").unwrap(), 15).unwrap();
    // 10:50 UTC is 16:20 in Kolkata (UTC+5:30): its hour began at 10:30 UTC.
    assert_eq!(
        bucket_start(Granularity::Hour, t, &india),
        at(2026, 3, 4, 10, 30)
    );
    assert_eq!(Granularity::parse("15min"), Some(Granularity::QuarterHour));
    assert_eq!(Granularity::parse("month"), None);
}

#[test]
fn buckets_sum_their_records_and_skip_empty_ones() {
    let grid = grid();
    let mut first = record(1, at(2026, 3, 4, 6, 0));
    first.offered = 4;
    first.answered_within_target = 3;
    let mut second = record(1, at(2026, 3, 4, 6, 45));
    second.offered = 6;
    second.answered_within_target = 6;
    let mut third = record(1, at(2026, 3, 4, 8, 0));
    third.offered = 10;
    third.answered_within_target = 1;
    let hours = buckets([&first, &second, &third], Granularity::Hour, &grid);
    assert_eq!(hours.len(), 2);
    assert_eq!(hours[0].start, at(2026, 3, 4, 6, 0));
    assert_eq!(hours[0].components.offered, 10);
    assert_eq!(hours[0].components.intervals, 2);
    assert_eq!(
        hours[0].components.value(Indicator::ServiceLevel),
        Some(90.0)
    );
    assert_eq!(hours[1].start, at(2026, 3, 4, 8, 0));
    let days = buckets([&first, &second, &third], Granularity::Day, &grid);
    assert_eq!(days.len(), 1);
    assert_eq!(
        days[0].components.value(Indicator::ServiceLevel),
        Some(50.0)
    );
}

#[test]
fn recurring_breaches_need_half_the_days_and_two_of_them() {
    let grid = grid();
    let mut records = Vec::new();
    // Four Mondays at 09:00 Moscow (06:00 UTC): SL 50, 60, 90, 40 against 80 -> 3 of 4.
    // Mondays at 10:00: one breach of two days -> half, but only once: left out.
    // Tuesdays at 09:00: 2 of 2 breached, the worst share.
    let mondays = [2, 9, 16, 23];
    for (day, within) in mondays.iter().zip([5, 6, 9, 4]) {
        let mut r = record(7, at(2026, 3, *day, 6, 0));
        r.offered = 10;
        r.answered_within_target = within;
        records.push(r);
    }
    for (day, within) in [(2, 5), (9, 9)] {
        let mut r = record(7, at(2026, 3, day, 7, 0));
        r.offered = 10;
        r.answered_within_target = within;
        records.push(r);
    }
    for day in [3, 10] {
        let mut r = record(7, at(2026, 3, day, 6, 0));
        r.offered = 4;
        r.answered_within_target = 2;
        records.push(r);
    }
    // No calls: not observed.
    records.push(record(7, at(2026, 3, 17, 6, 0)));
    let patterns = breach_patterns(&records, &grid);
    assert_eq!(patterns.len(), 2, "{patterns:?}");
    assert_eq!(patterns[0].weekday, Weekday::Tue);
    assert_eq!(patterns[0].interval_of_day, "09:00");
    assert_eq!(
        (patterns[0].observed_days, patterns[0].breached_days),
        (2, 2)
    );
    assert_eq!(patterns[0].mean_shortfall, 30.0);
    assert_eq!(patterns[1].weekday, Weekday::Mon);
    assert_eq!(
        (patterns[1].observed_days, patterns[1].breached_days),
        (4, 3)
    );
    assert_eq!(patterns[1].mean_shortfall, 30.0);
}

#[test]
fn forecast_accuracy_is_mape_and_bias_over_forecast_intervals() {
    let mut a = record(1, at(2026, 3, 2, 6, 0));
    a.arrivals = 12;
    a.forecast_calls = 10.0;
    let mut b = record(1, at(2026, 3, 2, 6, 15));
    b.arrivals = 15;
    b.forecast_calls = 20.0;
    let mut c = record(1, at(2026, 3, 2, 6, 30));
    c.arrivals = 9;
    let accuracy = forecast_accuracy(&[a, b, c]);
    assert_eq!(accuracy.len(), 1);
    // (0.2 + 0.25) / 2; (27 - 30) / 30.
    assert_eq!(accuracy[0].intervals, 2);
    assert!((accuracy[0].mape_percent - 22.5).abs() < 1e-12);
    assert!((accuracy[0].bias_percent + 10.0).abs() < 1e-12);
    assert_eq!(accuracy[0].offered, 27);
}

#[test]
fn adherence_is_ranked_lowest_first() {
    let start = at(2026, 3, 2, 6, 0);
    let row = |agent_id, scheduled, adherent| AdherenceRecord {
        agent_id,
        interval_start: start,
        interval_seconds: 900,
        scheduled_minutes: scheduled,
        adherent_minutes: adherent,
    };
    let ranked =
        adherence_by_operator(&[row(1, 15, 15), row(2, 15, 9), row(1, 15, 12), row(3, 0, 0)]);
    assert_eq!(ranked.len(), 2);
    assert_eq!((ranked[0].agent_id, ranked[0].adherence_percent), (2, 60.0));
    assert_eq!((ranked[1].agent_id, ranked[1].scheduled_minutes), (1, 30));
    assert_eq!(ranked[1].adherence_percent, 90.0);
}

proptest! {
    /// Hour, day and week buckets hold exactly the sums of their 15-minute buckets.
    #[test]
    fn coarser_buckets_sum_their_quarter_hours(
        rows in proptest::collection::vec((0i64..2_000, 0i64..50, 0i64..50, 0i64..900, 0u32..400), 1..60)
    ) {
        let grid = grid();
        let base = at(2026, 3, 1, 0, 0);
        let records: Vec<IntervalRecord> = rows
            .iter()
            .enumerate()
            .map(|(i, &(slot, offered, within, minutes, seconds))| {
                let mut r = record(1 + (i as i64 % 2), base + Duration::minutes(15 * slot));
                r.offered = offered;
                r.answered_within_target = within.min(offered);
                r.online_minutes = minutes;
                r.planned_minutes = minutes + 1;
                r.handle_seconds = f64::from(seconds);
                r.handled = i64::from(seconds % 7);
                r.forecast_calls = f64::from(seconds % 11);
                r
            })
            .collect();
        let quarters = buckets(&records, Granularity::QuarterHour, &grid);
        for granularity in [Granularity::Hour, Granularity::Day, Granularity::Week] {
            let coarse = buckets(&records, granularity, &grid);
            let mut from_quarters: std::collections::BTreeMap<_, Components> = Default::default();
            for q in &quarters {
                from_quarters
                    .entry(bucket_start(granularity, q.start, &grid))
                    .or_default()
                    .add(&q.components);
            }
            prop_assert_eq!(coarse.len(), from_quarters.len());
            for bucket in &coarse {
                let summed = from_quarters[&bucket.start];
                prop_assert_eq!(bucket.components, summed);
                for indicator in Indicator::ALL {
                    prop_assert_eq!(bucket.components.value(indicator), summed.value(indicator));
                }
            }
        }
    }
}
