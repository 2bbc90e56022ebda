//! Patterns in the history: the weekday and time-of-day cells where a group's service
//! level keeps missing its target, how far the forecast was from the calls that came
//! (MAPE and bias), and each operator's schedule adherence.

use std::collections::BTreeMap;

use chrono::{NaiveTime, Timelike, Weekday};
use serde::Serialize;

use crate::event::{AgentId, GroupId};
use crate::interval::IntervalGrid;

use super::{AdherenceRecord, IntervalRecord};

/// A weekday and interval of the day in which a group's service level missed its target
/// on at least half of the days observed, and at least twice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreachPattern {
    pub group_id: GroupId,
    pub weekday: Weekday,
    /// Local start of the interval, `HH:MM`.
    pub interval_of_day: String,
    /// Days on which the interval had calls offered.
    pub observed_days: u32,
    /// Of those, days on which its service level fell short of the target.
    pub breached_days: u32,
    /// Mean of target - service level over the breached days, percentage points.
    pub mean_shortfall: f64,
}

/// How well a group's forecast matched the calls offered, over the intervals with a
/// forecast above zero.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastAccuracy {
    pub group_id: GroupId,
    /// Intervals compared.
    pub intervals: u32,
    /// Mean of |offered - forecast| / forecast x 100.
    pub mape_percent: f64,
    /// (offered - forecast) / forecast x 100 over the summed intervals: positive when
    /// more calls came than forecast.
    pub bias_percent: f64,
    pub offered: i64,
    pub forecast_calls: f64,
}

/// One operator's schedule adherence over a span.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OperatorAdherence {
    pub agent_id: AgentId,
    pub scheduled_minutes: i64,
    pub adherent_minutes: i64,
    /// adherent / scheduled x 100.
    pub adherence_percent: f64,
}

/// The breach patterns of `records`, worst first: highest share of breached days, then
/// most breached days, then largest mean shortfall. An interval counts as observed when
/// calls were offered in it.
pub fn breach_patterns(records: &[IntervalRecord], grid: &IntervalGrid) -> Vec<BreachPattern> {
    // (group, weekday from Monday, local start) -> (observed, breached, shortfall sum)
    let mut cells: BTreeMap<(GroupId, u32, NaiveTime), (u32, u32, f64)> = BTreeMap::new();
    for r in records.iter().filter(|r| r.offered > 0) {
        let local = r.interval_start.with_timezone(&grid.tz());
        let date = grid.local_date(r.interval_start);
        let weekday = chrono::Datelike::weekday(&date);
        let time = NaiveTime::from_hms_opt(local.hour(), local.minute(), 0).unwrap_or_default();
        let sl = r.answered_within_target as f64 / r.offered as f64 * 100.0;
        let cell = cells
            .entry((r.group_id, weekday.num_days_from_monday(), time))
            .or_default();
        cell.0 += 1;
        if sl < r.sl_target_percent {
            cell.1 += 1;
            cell.2 += r.sl_target_percent - sl;
        }
    }
    let mut patterns: Vec<BreachPattern> = cells
        .into_iter()
        .filter(|(_, (observed, breached, _))| *breached >= 2 && breached * 2 >= *observed)
        .map(
            |((group_id, weekday, time), (observed, breached, shortfall))| BreachPattern {
                group_id,
                weekday: weekday_from_monday(weekday),
                interval_of_day: time.format("%H:%M").to_string(),
                observed_days: observed,
                breached_days: breached,
                mean_shortfall: shortfall / f64::from(breached),
            },
        )
        .collect();
    patterns.sort_by(|a, b| {
        let share = |p: &BreachPattern| f64::from(p.breached_days) / f64::from(p.observed_days);
        share(b)
            .total_cmp(&share(a))
            .then(b.breached_days.cmp(&a.breached_days))
            .then(b.mean_shortfall.total_cmp(&a.mean_shortfall))
    });
    patterns
}

fn weekday_from_monday(days: u32) -> Weekday {
    [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ]
    .get(days as usize)
    .copied()
    .unwrap_or(Weekday::Mon)
}

/// Forecast accuracy per group (by group id) over the records with a forecast above
/// zero; a group without such records is left out.
pub fn forecast_accuracy(records: &[IntervalRecord]) -> Vec<ForecastAccuracy> {
    // group -> (intervals, sum of absolute percentage errors, offered, forecast)
    let mut groups: BTreeMap<GroupId, (u32, f64, i64, f64)> = BTreeMap::new();
    for r in records.iter().filter(|r| r.forecast_calls > 0.0) {
        let g = groups.entry(r.group_id).or_default();
        g.0 += 1;
        g.1 += (r.arrivals as f64 - r.forecast_calls).abs() / r.forecast_calls;
        g.2 += r.arrivals;
        g.3 += r.forecast_calls;
    }
    groups
        .into_iter()
        .map(
            |(group_id, (intervals, errors, offered, forecast))| ForecastAccuracy {
                group_id,
                intervals,
                mape_percent: errors / f64::from(intervals) * 100.0,
                bias_percent: (offered as f64 - forecast) / forecast * 100.0,
                offered,
                forecast_calls: forecast,
            },
        )
        .collect()
}

/// Adherence per operator with scheduled minutes, lowest first (then by operator id).
pub fn adherence_by_operator(records: &[AdherenceRecord]) -> Vec<OperatorAdherence> {
    let mut operators: BTreeMap<AgentId, (i64, i64)> = BTreeMap::new();
    for r in records {
        let o = operators.entry(r.agent_id).or_default();
        o.0 += r.scheduled_minutes;
        o.1 += r.adherent_minutes;
    }
    let mut list: Vec<OperatorAdherence> = operators
        .into_iter()
        .filter(|(_, (scheduled, _))| *scheduled > 0)
        .map(|(agent_id, (scheduled, adherent))| OperatorAdherence {
            agent_id,
            scheduled_minutes: scheduled,
            adherent_minutes: adherent,
            adherence_percent: adherent as f64 / scheduled as f64 * 100.0,
        })
        .collect();
    list.sort_by(|a, b| {
        a.adherence_percent
            .total_cmp(&b.adherence_percent)
            .then(a.agent_id.cmp(&b.agent_id))
    });
    list
}
