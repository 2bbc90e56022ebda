//! Alert rules: what is watched (an indicator or figure against a threshold, or a prediction
//! of one), for how long it must hold, how it clears, who hears of it, and how it escalates.

use serde::{Deserialize, Serialize};

/// How serious an alert is, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
    Emergency,
}

/// A figure a threshold rule watches. Group figures unless said otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Operators online % (the indicator's value).
    OperatorsOnline,
    /// Service level of the calls offered in the window W, %.
    ServiceLevel,
    /// Service level today, % (the indicator's value).
    ServiceLevelToday,
    /// Load deviation %, over W.
    LoadDeviation,
    /// Operator requirement: required - online, people.
    OperatorRequirement,
    /// ACD % today.
    Acd,
    /// AHT trend %, today.
    AhtTrend,
    /// Calls waiting now.
    QueueLength,
    /// Longest current wait, seconds.
    LongestWait,
    /// Abandoned / (answered + abandoned) today, %.
    Abandonment,
    /// Seconds since the newest event of the site (a site figure: "no data for 10 minutes").
    DataAge,
}

/// Which side of the threshold is a breach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    Below,
    Above,
}

/// How a notification travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    InApp,
    Email,
    Sms,
    Webhook,
}

/// What a predictive rule foresees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PredictionKind {
    /// Service level below the threshold (%) 15-30 minutes ahead: the arrival trend and the
    /// staffing then, through Erlang C.
    SlBreach,
    /// Scheduled operators short of the requirement (people) 1-2 hours ahead: the forecast
    /// corrected by today's load deviation.
    StaffingShortfall,
    /// Line staff, thinned by overlapping breaks and lunches, short of the requirement
    /// (people) 30-60 minutes ahead.
    CoverageGap,
    /// Forecast calls rising by more than the threshold (%) 2-4 hours ahead.
    PeakLoad,
}

/// When a rule breaches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Trigger {
    /// `metric` below or above `value`.
    Threshold {
        metric: Metric,
        comparison: Comparison,
        value: f64,
    },
    /// `prediction` for `lead_minutes` ahead crosses `value` (below for sl_breach, above
    /// for the others).
    Predictive {
        prediction: PredictionKind,
        lead_minutes: u32,
        value: f64,
    },
}

/// One rung of the escalation ladder: after `after_minutes` unacknowledged, `recipients`
/// hear of it over `channels`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationLevel {
    pub level: u32,
    pub after_minutes: u32,
    /// `team:<name>` (every user whose preferences name the team), `user:<subject>`,
    /// `email:<address>`, `sms:<number>`, `webhook:<url>`.
    pub recipients: Vec<String>,
    pub channels: Vec<Channel>,
}

fn yes() -> bool {
    true
}

fn a_minute() -> u32 {
    60
}

/// An alert rule as configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDefinition {
    pub name: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    pub severity: Severity,
    pub trigger: Trigger,
    /// The groups watched; empty means every group (site figures ignore it).
    #[serde(default)]
    pub groups: Vec<i64>,
    /// How long the breach must hold before the alert fires (0: at once).
    #[serde(default)]
    pub for_seconds: u32,
    /// Hysteresis: how long the figure must have been clear, by `clear_margin` beyond the
    /// threshold, before the alert resolves by itself.
    #[serde(default = "a_minute")]
    pub clear_seconds: u32,
    #[serde(default)]
    pub clear_margin: f64,
    /// The ladder, level 1 first (at 0 minutes).
    pub escalation: Vec<EscalationLevel>,
    #[serde(default)]
    pub suggested_actions: Vec<String>,
    #[serde(default)]
    pub description: String,
}
