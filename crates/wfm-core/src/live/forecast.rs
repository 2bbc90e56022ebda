//! The load forecast as the engine reads it: each group's intervals in time order, with
//! the arrival rate constant within an interval, integrated exactly over any span.

use crate::event::GroupId;
use crate::plan::ForecastInterval;

use super::time::to_ms;

/// One forecast interval of a group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct PlannedLoad {
    pub(super) start_ms: i64,
    pub(super) end_ms: i64,
    pub(super) calls: f64,
    pub(super) aht_seconds: f64,
    /// Expected share of offered calls answered, 0..=1.
    pub(super) acd: f64,
    pub(super) operators: Option<f64>,
}

impl PlannedLoad {
    pub(super) fn length_seconds(&self) -> f64 {
        self.end_ms.saturating_sub(self.start_ms) as f64 / 1000.0
    }
}

/// Forecast totals over a span.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(super) struct ForecastSum {
    /// Calls offered.
    pub(super) calls: f64,
    /// Calls answered: calls x ACD.
    pub(super) answered: f64,
    /// Handle time of the answered calls, seconds: calls x ACD x AHT.
    pub(super) handle_seconds: f64,
}

impl ForecastSum {
    pub(super) fn add(&mut self, other: &ForecastSum) {
        self.calls += other.calls;
        self.answered += other.answered;
        self.handle_seconds += other.handle_seconds;
    }
}

/// One group's forecast: intervals in time order, none overlapping another.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct ForecastLine {
    loads: Vec<PlannedLoad>,
}

impl ForecastLine {
    /// Forecast totals over (from, to): each interval contributes in proportion to its
    /// overlap. `None` when no interval overlaps the span.
    pub(super) fn integrate(&self, from: i64, to: i64) -> Option<ForecastSum> {
        if to <= from {
            return None;
        }
        let first = self.loads.partition_point(|l| l.end_ms <= from);
        let mut sum: Option<ForecastSum> = None;
        for load in self.loads.get(first..).unwrap_or(&[]) {
            if load.start_ms >= to {
                break;
            }
            let overlap = to.min(load.end_ms).saturating_sub(from.max(load.start_ms));
            let share = overlap as f64 / load.end_ms.saturating_sub(load.start_ms) as f64;
            let calls = load.calls * share;
            let answered = calls * load.acd;
            sum.get_or_insert_with(ForecastSum::default)
                .add(&ForecastSum {
                    calls,
                    answered,
                    handle_seconds: answered * load.aht_seconds,
                });
        }
        sum
    }

    /// The interval holding `ms`.
    pub(super) fn at(&self, ms: i64) -> Option<&PlannedLoad> {
        let after = self.loads.partition_point(|l| l.start_ms <= ms);
        after
            .checked_sub(1)
            .and_then(|i| self.loads.get(i))
            .filter(|l| ms < l.end_ms)
    }
}

/// Each group's forecast line (by index in `group_ids`, ascending). Dropped: intervals
/// of unknown groups, empty ones, ones whose calls or AHT are negative or not numbers,
/// and ones starting before the group's previous interval ends. ACD is clamped to
/// 0..=100 %; operators that are not a number >= 0 are left out.
pub(super) fn forecast_lines(
    forecast: Vec<ForecastInterval>,
    group_ids: &[GroupId],
) -> Vec<ForecastLine> {
    let mut lines = vec![ForecastLine::default(); group_ids.len()];
    let mut sorted = forecast;
    sorted.sort_by_key(|f| (f.group_id, f.start, f.end));
    for interval in sorted {
        let Ok(group) = group_ids.binary_search(&interval.group_id) else {
            continue;
        };
        let valid = interval.end > interval.start
            && interval.calls.is_finite()
            && interval.calls >= 0.0
            && interval.aht_seconds.is_finite()
            && interval.aht_seconds >= 0.0
            && !interval.acd_percent.is_nan();
        let Some(line) = lines.get_mut(group) else {
            continue;
        };
        let start_ms = to_ms(interval.start);
        if !valid || line.loads.last().is_some_and(|l| start_ms < l.end_ms) {
            continue;
        }
        line.loads.push(PlannedLoad {
            start_ms,
            end_ms: to_ms(interval.end),
            calls: interval.calls,
            aht_seconds: interval.aht_seconds,
            acd: interval.acd_percent.clamp(0.0, 100.0) / 100.0,
            operators: interval.operators.filter(|o| o.is_finite() && *o >= 0.0),
        });
    }
    lines
}
