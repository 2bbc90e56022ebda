//! Benchmarking of groups against each other: service-level attainment (points above or
//! below target today), schedule adherence (share of scheduled operators doing what the
//! timetable says) and forecast accuracy (100 - MAPE of offered against forecast calls
//! over today's closed intervals), each ranked 1..n, ties sharing a rank.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::event::GroupId;
use crate::live::{Adherence, Figures, IntervalFigures, OperatorStatus, Scope};
use crate::threshold::Indicator;

use super::aggregate::indicator;

/// Values this close count as tied.
const TIE: f64 = 1e-9;

/// One group's standing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Benchmark {
    /// The group.
    pub group_id: GroupId,
    /// Service level today minus its target, points; `None` before any call.
    pub sl_attainment_points: Option<f64>,
    /// Rank by attainment, 1 = best; `None` when unranked (no value).
    pub sl_rank: Option<u32>,
    /// Operators with a timetable segment now who count for the group.
    pub scheduled_operators: u32,
    /// Of them, the share on schedule, in break or at lunch as planned, percent.
    pub adherence_percent: Option<f64>,
    /// Rank by adherence.
    pub adherence_rank: Option<u32>,
    /// Today's closed intervals with a forecast of more than 0 calls.
    pub intervals_compared: u32,
    /// 100 - MAPE of offered against forecast calls over those, at least 0.
    pub forecast_accuracy_percent: Option<f64>,
    /// Rank by forecast accuracy.
    pub forecast_accuracy_rank: Option<u32>,
}

/// Ranks of `values`, higher is better: 1 for the best, ties share the rank and the next
/// rank skips (1, 1, 3); `None` stays unranked.
pub fn ranks(values: &[Option<f64>]) -> Vec<Option<u32>> {
    values
        .iter()
        .map(|v| {
            let v = (*v)?;
            let better = values.iter().flatten().filter(|o| **o > v + TIE).count();
            Some(u32::try_from(better).unwrap_or(u32::MAX).saturating_add(1))
        })
        .collect()
}

/// 100 - MAPE of offered against forecast calls over the intervals ended by `now` with
/// a forecast of more than 0 calls, at least 0 (a forecast off by more than 100 % on
/// average is no better than none), and the number of intervals compared. Intervals
/// before the group's first call of the day are left out: a service started (or a feed
/// connected) mid-day has no actuals for them, which is not a forecast miss.
pub fn forecast_accuracy(intervals: &[IntervalFigures], now: DateTime<Utc>) -> (Option<f64>, u32) {
    let errors: Vec<f64> = intervals
        .iter()
        .skip_while(|i| i.offered == 0)
        .filter(|i| i.interval.end <= now)
        .filter_map(|i| {
            let forecast = i.forecast_calls.filter(|f| f.is_finite() && *f > 0.0)?;
            Some((f64::from(i.offered) - forecast).abs() / forecast * 100.0)
        })
        .collect();
    let compared = u32::try_from(errors.len()).unwrap_or(u32::MAX);
    if errors.is_empty() {
        return (None, 0);
    }
    let mape = errors.iter().sum::<f64>() / errors.len() as f64;
    (Some((100.0 - mape).max(0.0)), compared)
}

/// Adherence of the operators counting for `group`: (scheduled, share adhering).
fn adherence(group: GroupId, operators: &[OperatorStatus]) -> (u32, Option<f64>) {
    let scheduled: Vec<&OperatorStatus> = operators
        .iter()
        .filter(|o| o.group_id == Some(group) && o.adherence != Adherence::NotScheduled)
        .collect();
    let good = scheduled
        .iter()
        .filter(|o| {
            matches!(
                o.adherence,
                Adherence::OnSchedule | Adherence::InBreak | Adherence::Lunch
            )
        })
        .count();
    let n = u32::try_from(scheduled.len()).unwrap_or(u32::MAX);
    let share = (n > 0).then(|| good as f64 / scheduled.len() as f64 * 100.0);
    (n, share)
}

/// The standing of every group in `groups` (group figures), in their order.
pub fn benchmarks(
    groups: &[&Figures],
    operators: &[OperatorStatus],
    intervals: &BTreeMap<GroupId, Vec<IntervalFigures>>,
    now: DateTime<Utc>,
) -> Vec<Benchmark> {
    let mut rows: Vec<Benchmark> = groups
        .iter()
        .filter_map(|f| {
            let Scope::Group(id) = f.scope else {
                return None;
            };
            let sl = indicator(f, Indicator::ServiceLevel);
            let attainment = sl
                .and_then(|i| Some(i.value? - i.plan?))
                .filter(|v| v.is_finite());
            let (scheduled, adhering) = adherence(id, operators);
            let (accuracy, compared) = intervals
                .get(&id)
                .map_or((None, 0), |i| forecast_accuracy(i, now));
            Some(Benchmark {
                group_id: id,
                sl_attainment_points: attainment,
                sl_rank: None,
                scheduled_operators: scheduled,
                adherence_percent: adhering,
                adherence_rank: None,
                intervals_compared: compared,
                forecast_accuracy_percent: accuracy,
                forecast_accuracy_rank: None,
            })
        })
        .collect();
    let sl = ranks(
        &rows
            .iter()
            .map(|r| r.sl_attainment_points)
            .collect::<Vec<_>>(),
    );
    let adh = ranks(&rows.iter().map(|r| r.adherence_percent).collect::<Vec<_>>());
    let acc = ranks(
        &rows
            .iter()
            .map(|r| r.forecast_accuracy_percent)
            .collect::<Vec<_>>(),
    );
    for (i, row) in rows.iter_mut().enumerate() {
        row.sl_rank = sl.get(i).copied().flatten();
        row.adherence_rank = adh.get(i).copied().flatten();
        row.forecast_accuracy_rank = acc.get(i).copied().flatten();
    }
    rows
}
