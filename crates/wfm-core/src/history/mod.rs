//! Indicator history: the summable components persisted per group and grid interval (and
//! per operator and interval for adherence), their sums over 15-minute, hourly, daily and
//! weekly buckets, the six indicators computed from summed components, and the patterns
//! an analyst looks for (recurring service-level breaches, forecast accuracy, adherence).
//!
//! Every indicator of a bucket comes from the bucket's summed components, never from
//! averaging the intervals' values, so a bucket sums back to its intervals exactly.

mod bucket;
mod insights;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::event::{AgentId, GroupId};
use crate::threshold::Indicator;

pub use bucket::{Bucket, Granularity, bucket_start, buckets};
pub use insights::{
    BreachPattern, ForecastAccuracy, OperatorAdherence, adherence_by_operator, breach_patterns,
    forecast_accuracy,
};

/// What one group's closed grid interval left: the counts and sums every indicator of any
/// bucket is computed from. Calls count in the interval they were offered in; handle and
/// wait times in the interval their handling completed or their wait ended in; operator
/// minutes are sampled once a minute (at each minute's start within the interval).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IntervalRecord {
    pub group_id: GroupId,
    /// First instant of the interval.
    pub interval_start: DateTime<Utc>,
    /// Its length (the last interval of a day may be short).
    pub interval_seconds: i64,
    /// Every call offered in the interval (short abandons and calls still waiting
    /// included): what load deviation and forecast accuracy compare with the forecast.
    pub arrivals: i64,
    /// Calls offered as the service level counts them: answered, abandoned (short
    /// abandons left out) and still waiting longer than the target time.
    pub offered: i64,
    pub answered: i64,
    pub answered_within_target: i64,
    /// Abandoned, short abandons included.
    pub abandoned: i64,
    pub short_abandoned: i64,
    /// Calls whose handling (talk, hold, wrap-up) completed in the interval.
    pub handled: i64,
    /// Their handle time, seconds.
    pub handle_seconds: f64,
    /// Waits of the calls answered in the interval, seconds.
    pub wait_seconds: f64,
    /// Calls the forecast expects in the interval (0 without a forecast).
    pub forecast_calls: f64,
    /// Of those, answered by the forecast ACD.
    pub forecast_answered: f64,
    /// Forecast handle time: forecast answered calls x forecast AHT, seconds.
    pub forecast_handle_seconds: f64,
    /// Operator-minutes the timetable planned on line work for the group.
    pub planned_minutes: i64,
    /// Operator-minutes on line for the group.
    pub online_minutes: i64,
    /// Operators required (Erlang C on the interval's arrivals, or the forecast's
    /// operators for a non-voice group) x the interval's minutes; `None` when unknown.
    pub required_minutes: Option<f64>,
    /// The group's service-level target in force, percent.
    pub sl_target_percent: f64,
}

impl IntervalRecord {
    /// Whether the interval holds nothing at all: no calls, no forecast, no plan, nobody
    /// on line. Such an interval is not persisted (absent, not zero).
    pub fn is_empty(&self) -> bool {
        self.arrivals == 0
            && self.offered == 0
            && self.answered == 0
            && self.abandoned == 0
            && self.handled == 0
            && self.forecast_calls == 0.0
            && self.planned_minutes == 0
            && self.online_minutes == 0
    }
}

/// One operator's schedule adherence in one grid interval, sampled once a minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdherenceRecord {
    pub agent_id: AgentId,
    pub interval_start: DateTime<Utc>,
    pub interval_seconds: i64,
    /// Minutes the timetable had a segment for the operator.
    pub scheduled_minutes: i64,
    /// Of those, minutes the operator did what it said (or deviated within the grace
    /// period, or was on a planned break or lunch).
    pub adherent_minutes: i64,
}

/// Components summed over a set of interval records (a bucket, a group, the groups
/// combined), with what the indicators need to weigh them.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Components {
    /// Interval records summed.
    pub intervals: i64,
    pub interval_seconds: i64,
    pub arrivals: i64,
    pub offered: i64,
    pub answered: i64,
    pub answered_within_target: i64,
    pub abandoned: i64,
    pub short_abandoned: i64,
    pub handled: i64,
    pub handle_seconds: f64,
    pub wait_seconds: f64,
    pub forecast_calls: f64,
    pub forecast_answered: f64,
    pub forecast_handle_seconds: f64,
    pub planned_minutes: i64,
    pub online_minutes: i64,
    /// Required operator-minutes of the records whose requirement is known.
    pub required_minutes: f64,
    /// Online operator-minutes of those records.
    pub required_online_minutes: i64,
    /// Length of those records, seconds.
    pub required_seconds: i64,
    /// Service-level target x offered calls, summed.
    pub target_weighted: f64,
    /// Service-level targets summed (for the plain mean when nothing was offered).
    pub target_sum: f64,
}

impl Components {
    /// The components of one record.
    pub fn of(record: &IntervalRecord) -> Self {
        let mut sum = Components::default();
        sum.add_record(record);
        sum
    }

    /// Adds one record.
    pub fn add_record(&mut self, r: &IntervalRecord) {
        self.add(&Components {
            intervals: 1,
            interval_seconds: r.interval_seconds,
            arrivals: r.arrivals,
            offered: r.offered,
            answered: r.answered,
            answered_within_target: r.answered_within_target,
            abandoned: r.abandoned,
            short_abandoned: r.short_abandoned,
            handled: r.handled,
            handle_seconds: r.handle_seconds,
            wait_seconds: r.wait_seconds,
            forecast_calls: r.forecast_calls,
            forecast_answered: r.forecast_answered,
            forecast_handle_seconds: r.forecast_handle_seconds,
            planned_minutes: r.planned_minutes,
            online_minutes: r.online_minutes,
            required_minutes: r.required_minutes.unwrap_or(0.0),
            required_online_minutes: if r.required_minutes.is_some() {
                r.online_minutes
            } else {
                0
            },
            required_seconds: if r.required_minutes.is_some() {
                r.interval_seconds
            } else {
                0
            },
            target_weighted: r.sl_target_percent * r.offered.max(0) as f64,
            target_sum: r.sl_target_percent,
        });
    }

    /// Adds another sum.
    pub fn add(&mut self, o: &Components) {
        self.intervals += o.intervals;
        self.interval_seconds += o.interval_seconds;
        self.arrivals += o.arrivals;
        self.offered += o.offered;
        self.answered += o.answered;
        self.answered_within_target += o.answered_within_target;
        self.abandoned += o.abandoned;
        self.short_abandoned += o.short_abandoned;
        self.handled += o.handled;
        self.handle_seconds += o.handle_seconds;
        self.wait_seconds += o.wait_seconds;
        self.forecast_calls += o.forecast_calls;
        self.forecast_answered += o.forecast_answered;
        self.forecast_handle_seconds += o.forecast_handle_seconds;
        self.planned_minutes += o.planned_minutes;
        self.online_minutes += o.online_minutes;
        self.required_minutes += o.required_minutes;
        self.required_online_minutes += o.required_online_minutes;
        self.required_seconds += o.required_seconds;
        self.target_weighted += o.target_weighted;
        self.target_sum += o.target_sum;
    }

    /// The offered-weighted service-level target; the plain mean when nothing was
    /// offered.
    pub fn sl_target_percent(&self) -> Option<f64> {
        if self.offered > 0 {
            finite(self.target_weighted / self.offered as f64)
        } else {
            (self.intervals > 0).then(|| self.target_sum / self.intervals as f64)
        }
    }

    /// `indicator` from these components (DESIGN.md's formulas); `None` when undefined.
    pub fn value(&self, indicator: Indicator) -> Option<f64> {
        match indicator {
            Indicator::ServiceLevel => {
                percent(self.answered_within_target, self.offered).map(|v| v.clamp(0.0, 100.0))
            }
            // The ACD denominator keeps short abandons, as the live figure does.
            Indicator::Acd => percent(self.answered, self.offered + self.short_abandoned)
                .map(|v| v.clamp(0.0, 100.0)),
            Indicator::OperatorsOnline => percent(self.online_minutes, self.planned_minutes),
            Indicator::LoadDeviation => (self.forecast_calls > 0.0)
                .then(|| (self.arrivals as f64 - self.forecast_calls) / self.forecast_calls * 100.0)
                .and_then(finite),
            Indicator::OperatorRequirement => (self.required_seconds > 0)
                .then(|| {
                    let minutes = self.required_seconds as f64 / 60.0;
                    (self.required_minutes - self.required_online_minutes as f64) / minutes
                })
                .and_then(finite),
            Indicator::AhtTrend => {
                let actual = (self.handled > 0).then(|| self.handle_seconds / self.handled as f64);
                let forecast = (self.forecast_answered > 0.0)
                    .then(|| self.forecast_handle_seconds / self.forecast_answered)
                    .filter(|f| *f > 0.0);
                match (actual, forecast) {
                    (Some(a), Some(f)) => finite((a - f) / f * 100.0),
                    _ => None,
                }
            }
        }
    }

    /// What the indicator is held against: the service-level target, the forecast ACD,
    /// the forecast calls, the forecast AHT, 100 % of planned, the average requirement.
    pub fn plan(&self, indicator: Indicator) -> Option<f64> {
        match indicator {
            Indicator::ServiceLevel => self.sl_target_percent(),
            Indicator::Acd => (self.forecast_calls > 0.0)
                .then(|| self.forecast_answered / self.forecast_calls * 100.0)
                .and_then(finite),
            Indicator::LoadDeviation => (self.forecast_calls > 0.0).then_some(self.forecast_calls),
            Indicator::AhtTrend => (self.forecast_answered > 0.0)
                .then(|| self.forecast_handle_seconds / self.forecast_answered)
                .and_then(finite),
            Indicator::OperatorsOnline => (self.planned_minutes > 0).then_some(100.0),
            Indicator::OperatorRequirement => (self.required_seconds > 0)
                .then(|| self.required_minutes / (self.required_seconds as f64 / 60.0))
                .and_then(finite),
        }
    }
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0)
        .then(|| part as f64 / whole as f64 * 100.0)
        .and_then(finite)
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}
