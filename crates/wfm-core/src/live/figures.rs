//! What the live engine reports: the figures of a group, a service or the whole site at
//! one instant, the dashboard value of each indicator, and a day's service level per
//! interval.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::event::{AgentState, GroupId};
use crate::interval::Interval;
use crate::threshold::{Color, Indicator};
use crate::trend::Trend;

/// What a set of figures covers. Serialized as `{"kind": "group", "id": 3}`,
/// `{"kind": "service", "id": 7}` or `{"kind": "all"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    /// One group.
    Group(GroupId),
    /// Every group of a service.
    Service(i64),
    /// Every group of the site.
    All,
}

/// Figures of every group, every service and the whole site at one instant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    /// The instant the figures are for.
    pub at: DateTime<Utc>,
    /// One per group, by group id.
    pub groups: Vec<Figures>,
    /// One per service that has groups, by service id.
    pub services: Vec<Figures>,
    /// The whole site.
    pub all: Figures,
}

/// The operational-control figures of one scope. "Today" is the local day of the
/// snapshot's instant, counted from its start; the window W is the interval length
/// ending at that instant. Percentages are 0-100; `None` where undefined.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// What the figures cover.
    pub scope: Scope,
    /// The six indicators, in [`Indicator::ALL`] order.
    pub indicators: Vec<IndicatorValue>,
    /// Operators on line for the scope, each counted once.
    pub online: u32,
    /// Operators whose timetable has them on line work for the scope now.
    pub planned: u32,
    /// Operators the current load requires (the sum over groups for an aggregate).
    pub required: Option<f64>,
    /// Calls waiting now.
    pub queue_now: u32,
    /// Longest current wait, 0 when nobody waits.
    pub longest_wait_seconds: f64,
    /// Operators counting for the scope by state; every state is present.
    pub agents_by_state: BTreeMap<AgentState, u32>,
    /// Calls offered today as the service level counts them: answered, abandoned
    /// (short abandons left out) and still waiting longer than the target time.
    pub offered_today: u32,
    /// Calls offered today and answered.
    pub answered_today: u32,
    /// Calls offered today and answered within the target time.
    pub answered_within_target_today: u32,
    /// Calls offered today and abandoned, short abandons included.
    pub abandoned_today: u32,
    /// Of those, abandoned after a wait shorter than the short-abandon time.
    pub short_abandoned_today: u32,
    /// Service level of the calls offered in the window.
    pub sl_window_percent: Option<f64>,
    /// Service level Erlang C predicts for the planned operators and the current
    /// interval's forecast.
    pub sl_predicted_percent: Option<f64>,
    /// Mean wait of the calls answered today.
    pub asa_seconds: Option<f64>,
    /// Abandoned / (answered + abandoned) today.
    pub abandonment_percent: Option<f64>,
    /// The same with short abandons left out of both.
    pub abandonment_excluding_short_percent: Option<f64>,
    /// Operators on a contact or in wrap-up / operators on line, now.
    pub occupancy_percent: Option<f64>,
    /// The counts behind the indicators, so that scopes add up exactly.
    pub counts: Counts,
}

/// The counts the indicators of a scope are computed from, beyond those [`Figures`]
/// shows itself: summing them over groups gives an aggregate's indicators exactly.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Counts {
    /// Length of the window W, seconds.
    pub window_seconds: f64,
    /// Calls offered in the window.
    pub window_offered: u64,
    /// Calls the forecast expects in the window; `None` without a forecast.
    pub window_forecast_calls: Option<f64>,
    /// Calls offered today as ACD % counts them: every abandon included.
    pub acd_offered_today: u32,
    /// Calls handled today: those whose handle time is known.
    pub handled_today: u32,
    /// Handle time of those calls (talk + hold + wrap-up), seconds.
    pub handle_seconds_today: f64,
    /// Calls the forecast expects from the day's start to now.
    pub forecast_calls_today: Option<f64>,
    /// Of those, answered (calls x ACD).
    pub forecast_answered_today: Option<f64>,
    /// Handle time of the answered ones (calls x ACD x AHT), seconds.
    pub forecast_handle_seconds_today: Option<f64>,
    /// The group's service-level answer time T, seconds; `None` for an aggregate.
    pub sl_seconds: Option<u32>,
    /// The current interval's forecast AHT, which the operator requirement takes below
    /// 10 handled calls; `None` for an aggregate or without a forecast now.
    pub forecast_aht_now_seconds: Option<f64>,
}

/// One indicator as a dashboard shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorValue {
    /// Which indicator.
    pub indicator: Indicator,
    /// Its value; `None` when undefined (shown grey).
    pub value: Option<f64>,
    /// `"percent"` or `"people"`.
    pub unit: &'static str,
    /// What the value is held against: 100 % of planned operators, forecast calls in
    /// the window, required operators, the target service level, forecast ACD %,
    /// forecast AHT in seconds.
    pub plan: Option<f64>,
    /// The value's distance from plan, in the value's unit.
    pub deviation: Option<f64>,
    /// Color by the scope's thresholds; grey when the value rests on too few calls.
    pub color: Color,
    /// The calls the value rests on (SL and ACD: offered today; AHT: handled today;
    /// load deviation: the larger of offered and forecast in the window); `None` for
    /// the indicators counted in people.
    pub sample_calls: Option<f64>,
    /// The sample is below [`crate::sample::MIN_CALLS`]: the value is no verdict yet
    /// ("too few calls") and its color is grey.
    pub too_few_calls: bool,
    /// Direction against the value 15 minutes earlier.
    pub trend: Option<Trend>,
    /// Values at the ends of today's last 24 ended intervals, oldest first, padded at
    /// the front with `None`.
    pub sparkline: Vec<Option<f64>>,
    /// The instant of the snapshot.
    pub updated_at: DateTime<Utc>,
    /// Age of the newest event behind the scope's figures; `None` before any.
    pub freshness_seconds: Option<f64>,
}

/// The service level of the calls offered in one interval of a day, for SLA
/// compliance. Calls still waiting count as missed once they have waited longer than
/// the target time at the newest event seen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntervalFigures {
    /// The interval.
    pub interval: Interval,
    /// Calls offered in it as the service level counts them.
    pub offered: u32,
    /// Of the calls offered in it, answered.
    pub answered: u32,
    /// Of the calls offered in it, answered within the target time.
    pub answered_within_target: u32,
    /// Of the calls offered in it, abandoned (short abandons included).
    pub abandoned: u32,
    /// Of those, abandoned after a wait shorter than the short-abandon time.
    pub short_abandoned: u32,
    /// answered_within_target / offered x 100.
    pub sl_percent: Option<f64>,
    /// The group's target, percent.
    pub target_percent: f64,
    /// The service level fell short of the target.
    pub breached: bool,
    /// Calls the forecast expects in the interval.
    pub forecast_calls: Option<f64>,
}

/// `part / whole x 100`, `None` when the whole is 0.
pub(super) fn percent(part: f64, whole: f64) -> Option<f64> {
    finite((whole > 0.0).then(|| part / whole * 100.0))
}

/// The value when it is a finite number.
pub(super) fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite())
}

/// A count as reported, within 0..=u32::MAX.
pub(super) fn count(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}
