//! Aggregates of any set of groups (a service, the whole operation across sites) from
//! their summed counts, as DESIGN.md says: counts add up, SL, ACD and AHT are the
//! weighted averages the summed counts give, never means of the groups' percentages.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::event::GroupId;
use crate::live::{Counts, Figures, IndicatorValue, Scope};
use crate::sample::{self, CallCounts};
use crate::threshold::{Indicator, Thresholds};

/// The figures of a set of groups.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aggregate {
    /// The groups summed, by id.
    pub groups: Vec<GroupId>,
    /// The six indicators, in [`Indicator::ALL`] order, colored by the default
    /// thresholds. No trend or sparkline: the groups' earlier counts are not at hand.
    pub indicators: Vec<IndicatorValue>,
    /// Operators on line.
    pub online: u32,
    /// Operators planned on line.
    pub planned: u32,
    /// Operators required, summed over the groups where known.
    pub required: Option<f64>,
    /// Calls waiting now.
    pub queue_now: u32,
    /// Calls offered today as the service level counts them.
    pub offered_today: u32,
    /// Calls answered today.
    pub answered_today: u32,
    /// Calls answered within the target time today.
    pub answered_within_target_today: u32,
    /// Calls abandoned today.
    pub abandoned_today: u32,
    /// The summed counts behind the indicators.
    pub counts: Counts,
}

/// Sums of a set of groups.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    online: u32,
    planned: u32,
    required: Option<f64>,
    queue: u32,
    offered: u32,
    answered: u32,
    within: u32,
    abandoned: u32,
    counts: Counts,
    /// Service-level targets x the calls offered, the calls, and the plain sum.
    target_weighted: f64,
    target_weight: f64,
    target_sum: f64,
    targets: u32,
    freshness: Option<f64>,
}

fn add(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a + b),
        (a, b) => a.or(b),
    }
}

impl Sums {
    fn add(&mut self, f: &Figures) {
        self.online += f.online;
        self.planned += f.planned;
        self.required = add(self.required, f.required);
        self.queue += f.queue_now;
        self.offered += f.offered_today;
        self.answered += f.answered_today;
        self.within += f.answered_within_target_today;
        self.abandoned += f.abandoned_today;
        let (c, more) = (&mut self.counts, &f.counts);
        c.window_seconds = c.window_seconds.max(more.window_seconds);
        c.window_offered += more.window_offered;
        c.window_forecast_calls = add(c.window_forecast_calls, more.window_forecast_calls);
        c.acd_offered_today += more.acd_offered_today;
        c.handled_today += more.handled_today;
        c.handle_seconds_today += more.handle_seconds_today;
        c.forecast_calls_today = add(c.forecast_calls_today, more.forecast_calls_today);
        c.forecast_answered_today = add(c.forecast_answered_today, more.forecast_answered_today);
        c.forecast_handle_seconds_today = add(
            c.forecast_handle_seconds_today,
            more.forecast_handle_seconds_today,
        );
        if let Some(target) = indicator(f, Indicator::ServiceLevel).and_then(|i| i.plan) {
            self.target_weighted += target * f64::from(f.offered_today);
            self.target_weight += f64::from(f.offered_today);
            self.target_sum += target;
            self.targets += 1;
        }
        let fresh = indicator(f, Indicator::ServiceLevel).and_then(|i| i.freshness_seconds);
        self.freshness = match (self.freshness, fresh) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }

    fn call_counts(&self) -> CallCounts {
        CallCounts {
            sl_offered: f64::from(self.offered),
            acd_offered: f64::from(self.counts.acd_offered_today),
            handled: f64::from(self.counts.handled_today),
            window_offered: self.counts.window_offered as f64,
            window_forecast: self.counts.window_forecast_calls,
        }
    }

    /// The offered-weighted target; the plain mean when nothing was offered.
    fn target(&self) -> Option<f64> {
        if self.target_weight > 0.0 {
            Some(self.target_weighted / self.target_weight)
        } else {
            (self.targets > 0).then(|| self.target_sum / f64::from(self.targets))
        }
    }
}

/// The indicator `which` of `figures`.
pub(super) fn indicator(figures: &Figures, which: Indicator) -> Option<&IndicatorValue> {
    figures.indicators.iter().find(|i| i.indicator == which)
}

fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite())
}

fn percent(part: f64, whole: f64) -> Option<f64> {
    finite((whole > 0.0).then(|| part / whole * 100.0))
}

/// The aggregate of `members` (group figures) at `at`.
pub fn aggregate(members: &[&Figures], at: DateTime<Utc>) -> Aggregate {
    let mut sums = Sums::default();
    let mut groups = Vec::new();
    for f in members {
        sums.add(f);
        if let Scope::Group(id) = f.scope {
            groups.push(id);
        }
    }
    groups.sort_unstable();
    let thresholds = Thresholds::default();
    let indicators = Indicator::ALL
        .into_iter()
        .map(|which| {
            let (value, plan, deviation, against) = evaluate(which, &sums);
            let value = finite(value);
            let calls = sample::calls(which, &sums.call_counts());
            IndicatorValue {
                indicator: which,
                value,
                unit: if which == Indicator::OperatorRequirement {
                    "people"
                } else {
                    "percent"
                },
                plan: finite(plan),
                deviation: finite(deviation),
                color: sample::verdict(thresholds.get(which).color(value, finite(against)), calls),
                sample_calls: calls,
                too_few_calls: sample::too_few(calls),
                trend: None,
                sparkline: Vec::new(),
                updated_at: at,
                freshness_seconds: sums.freshness,
            }
        })
        .collect();
    Aggregate {
        groups,
        indicators,
        online: sums.online,
        planned: sums.planned,
        required: finite(sums.required),
        queue_now: sums.queue,
        offered_today: sums.offered,
        answered_today: sums.answered,
        answered_within_target_today: sums.within,
        abandoned_today: sums.abandoned,
        counts: sums.counts,
    }
}

/// (value, plan, deviation, what the threshold compares the value with), by the same
/// definitions as a group's (DESIGN.md, indicator definitions).
fn evaluate(which: Indicator, s: &Sums) -> (Option<f64>, Option<f64>, Option<f64>, Option<f64>) {
    let c = &s.counts;
    match which {
        Indicator::OperatorsOnline => {
            let value = percent(f64::from(s.online), f64::from(s.planned));
            (value, value.map(|_| 100.0), value.map(|v| v - 100.0), None)
        }
        Indicator::LoadDeviation => {
            let forecast = c.window_forecast_calls;
            let value = forecast
                .filter(|f| *f > 0.0)
                .map(|f| (c.window_offered as f64 - f) / f * 100.0);
            (value, forecast, value, Some(0.0))
        }
        Indicator::OperatorRequirement => {
            let value = s.required.map(|r| r - f64::from(s.online));
            (value, s.required, value, Some(0.0))
        }
        Indicator::ServiceLevel => {
            let value =
                percent(f64::from(s.within), f64::from(s.offered)).map(|v| v.clamp(0.0, 100.0));
            let plan = s.target();
            (value, plan, difference(value, plan), plan)
        }
        Indicator::Acd => {
            let value = percent(f64::from(s.answered), f64::from(c.acd_offered_today))
                .map(|v| v.clamp(0.0, 100.0));
            let plan = match (c.forecast_answered_today, c.forecast_calls_today) {
                (Some(answered), Some(calls)) => percent(answered, calls),
                _ => None,
            };
            (value, plan, difference(value, plan), plan)
        }
        Indicator::AhtTrend => {
            let forecast = match (c.forecast_handle_seconds_today, c.forecast_answered_today) {
                (Some(handle), Some(answered)) if answered > 0.0 => Some(handle / answered),
                _ => None,
            };
            let actual =
                (c.handled_today > 0).then(|| c.handle_seconds_today / f64::from(c.handled_today));
            let value = match (actual, forecast) {
                (Some(actual), Some(forecast)) if forecast > 0.0 => {
                    Some((actual - forecast) / forecast * 100.0)
                }
                _ => None,
            };
            (value, forecast, value, Some(0.0))
        }
    }
}

fn difference(value: Option<f64>, plan: Option<f64>) -> Option<f64> {
    Some(value? - plan?)
}
