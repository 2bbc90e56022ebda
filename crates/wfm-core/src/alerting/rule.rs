//! Alert rules: what is watched (an indicator or figure against a threshold, or a prediction
//! of one), for how long it must hold, how it clears, who hears of it, and how it escalates.

use serde::{Deserialize, Serialize};

mod defaults;

pub use defaults::{PREDICTIONS_ON_BY_DEFAULT, default_rules};

/// How serious an alert is, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
    Emergency,
}

/// A figure a threshold rule watches. Group figures unless said otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// An integration component's status: 0 healthy, 1 degraded, 2 down (a component
    /// figure).
    ComponentStatus,
    /// 1 while the component's automatic synchronization is halted after a failed
    /// consistency check, else 0 (a component figure).
    SyncHalted,
}

/// Which side of the threshold is a breach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    Below,
    Above,
}

/// How a notification travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    InApp,
    Email,
    Sms,
    Webhook,
}

/// What a predictive rule foresees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EscalationLevel {
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub level: u32,
    #[cfg_attr(feature = "openapi", schema(maximum = 10080))]
    pub after_minutes: u32,
    /// `team:<name>` (every user whose preferences name the team), `user:<subject>`,
    /// `email:<address>`, `sms:<number>`, `webhook:<url>`.
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleDefinition {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 200, pattern = r"\S")
    )]
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
    #[cfg_attr(feature = "openapi", schema(maximum = 86400))]
    pub for_seconds: u32,
    /// Hysteresis: how long the figure must have been clear, by `clear_margin` beyond the
    /// threshold, before the alert resolves by itself.
    #[serde(default = "a_minute")]
    #[cfg_attr(feature = "openapi", schema(maximum = 86400))]
    pub clear_seconds: u32,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000000))]
    pub clear_margin: f64,
    /// The ladder, level 1 first (at 0 minutes).
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub escalation: Vec<EscalationLevel>,
    #[serde(default)]
    pub suggested_actions: Vec<String>,
    #[serde(default)]
    pub description: String,
}

impl Severity {
    /// Every severity, least first.
    pub const ALL: [Severity; 4] = [
        Severity::Info,
        Severity::Warning,
        Severity::Critical,
        Severity::Emergency,
    ];

    /// The snake_case name used in the API and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
            Severity::Emergency => "emergency",
        }
    }

    /// The severity named `s` by [`Severity::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Severity::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl PredictionKind {
    /// Every kind, in order.
    pub const ALL: [PredictionKind; 4] = [
        PredictionKind::SlBreach,
        PredictionKind::StaffingShortfall,
        PredictionKind::CoverageGap,
        PredictionKind::PeakLoad,
    ];

    /// The snake_case name used in the API and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            PredictionKind::SlBreach => "sl_breach",
            PredictionKind::StaffingShortfall => "staffing_shortfall",
            PredictionKind::CoverageGap => "coverage_gap",
            PredictionKind::PeakLoad => "peak_load",
        }
    }

    /// The kind named `s` by [`PredictionKind::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        PredictionKind::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Which side of the threshold is a breach: a service level falls below it, the
    /// others (people short, load growth) rise above it.
    pub fn comparison(self) -> Comparison {
        match self {
            PredictionKind::SlBreach => Comparison::Below,
            _ => Comparison::Above,
        }
    }

    /// The lead times, in minutes, the kind is made for (inclusive bounds).
    pub fn lead_range(self) -> (u32, u32) {
        match self {
            PredictionKind::SlBreach => (15, 30),
            PredictionKind::StaffingShortfall => (60, 120),
            PredictionKind::CoverageGap => (30, 60),
            PredictionKind::PeakLoad => (120, 240),
        }
    }

    /// The unit of the predicted figure and its threshold: `"percent"` or `"people"`.
    pub fn unit(self) -> &'static str {
        match self {
            PredictionKind::SlBreach | PredictionKind::PeakLoad => "percent",
            PredictionKind::StaffingShortfall | PredictionKind::CoverageGap => "people",
        }
    }

    fn threshold_range(self) -> ThresholdRange {
        match self {
            PredictionKind::SlBreach => ThresholdRange::Percent,
            PredictionKind::PeakLoad => ThresholdRange::SignedPercent,
            PredictionKind::StaffingShortfall | PredictionKind::CoverageGap => {
                ThresholdRange::NonNegative
            }
        }
    }
}

impl Metric {
    /// Every metric, in declaration order.
    pub const ALL: [Metric; 13] = [
        Metric::OperatorsOnline,
        Metric::ServiceLevel,
        Metric::ServiceLevelToday,
        Metric::LoadDeviation,
        Metric::OperatorRequirement,
        Metric::Acd,
        Metric::AhtTrend,
        Metric::QueueLength,
        Metric::LongestWait,
        Metric::Abandonment,
        Metric::DataAge,
        Metric::ComponentStatus,
        Metric::SyncHalted,
    ];

    /// Whether the metric is a figure of the whole site rather than of each group.
    pub fn is_site_figure(self) -> bool {
        matches!(self, Metric::DataAge)
    }

    /// Whether the metric is a figure of an integration component.
    pub fn is_component_figure(self) -> bool {
        matches!(self, Metric::ComponentStatus | Metric::SyncHalted)
    }

    /// The unit of the figure and its threshold: `"percent"`, `"people"`, `"calls"`,
    /// `"seconds"`, `"status"` (0 healthy, 1 degraded, 2 down) or `"flag"` (0 or 1).
    pub fn unit(self) -> &'static str {
        match self {
            Metric::OperatorsOnline
            | Metric::ServiceLevel
            | Metric::ServiceLevelToday
            | Metric::LoadDeviation
            | Metric::Acd
            | Metric::AhtTrend
            | Metric::Abandonment => "percent",
            Metric::OperatorRequirement => "people",
            Metric::QueueLength => "calls",
            Metric::LongestWait | Metric::DataAge => "seconds",
            Metric::ComponentStatus => "status",
            Metric::SyncHalted => "flag",
        }
    }

    fn threshold_range(self) -> ThresholdRange {
        match self {
            Metric::LoadDeviation | Metric::AhtTrend => ThresholdRange::SignedPercent,
            _ if self.unit() == "percent" => ThresholdRange::Percent,
            _ => ThresholdRange::NonNegative,
        }
    }
}

/// Where a threshold may lie, by what it measures.
#[derive(Clone, Copy)]
enum ThresholdRange {
    /// A share, 0..=100.
    Percent,
    /// A change against plan: it can fall to -100 % and grow well past +100 %.
    SignedPercent,
    /// A count or a duration.
    NonNegative,
}

impl ThresholdRange {
    fn check(self, value: f64) -> Result<(), &'static str> {
        let (ok, message) = match self {
            ThresholdRange::Percent => ((0.0..=100.0).contains(&value), "must be within 0..=100"),
            ThresholdRange::SignedPercent => (
                (-100.0..=1000.0).contains(&value),
                "must be within -100..=1000",
            ),
            ThresholdRange::NonNegative => (
                (0.0..=1_000_000.0).contains(&value),
                "must be a number from 0 to 1000000",
            ),
        };
        if ok { Ok(()) } else { Err(message) }
    }
}

impl Trigger {
    /// The comparison and the threshold value.
    pub fn breach(&self) -> (Comparison, f64) {
        match self {
            Trigger::Threshold {
                comparison, value, ..
            } => (*comparison, *value),
            Trigger::Predictive {
                prediction, value, ..
            } => (prediction.comparison(), *value),
        }
    }
}

/// Latest escalation step: a week.
const MAX_ESCALATION_MINUTES: u32 = 7 * 24 * 60;

/// Longest `for_seconds` and `clear_seconds`: a day.
pub const MAX_HOLD_SECONDS: u32 = 86_400;
/// Longest rule name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Most suggested actions of a rule.
pub const MAX_SUGGESTED_ACTIONS: usize = 20;
/// Longest suggested action, in characters.
pub const MAX_ACTION_CHARS: usize = 500;

impl RuleDefinition {
    /// Every problem, named by field path as a client sent it ("trigger.value",
    /// "escalation[1].after_minutes", "groups[0]", ...): name 1-200 chars; percent
    /// metrics' thresholds within 0..=100 (load deviation and AHT trend: -100..=1000),
    /// people/calls/seconds >= 0, all finite; predictive lead_minutes within the kind's
    /// lead_range; for_seconds <= 86400, clear_seconds <= 86400, clear_margin 0-1000000; escalation non-empty, levels strictly increasing starting at 1,
    /// after_minutes non-decreasing with level 1 at 0, each level with at least one
    /// recipient and one channel, recipients of the form team:/user:/email:/sms:/webhook:
    /// with a non-empty rest (email must contain '@', webhook must start with http:// or
    /// https://, sms must be '+' and 7-15 digits), groups without duplicates, at most 20
    /// suggested actions of at most 500 chars.
    ///
    /// Predictions' thresholds: sl_breach 0..=100, peak_load -100..=1000, the people
    /// short >= 0. A duplicate group is named at its second occurrence.
    pub fn validate(&self) -> Result<(), Vec<(String, String)>> {
        let mut problems = Vec::new();
        let mut fail = |field: String, message: &str| problems.push((field, message.to_owned()));

        let name_chars = self.name.chars().count();
        if self.name.trim().is_empty() || name_chars > MAX_NAME_CHARS {
            fail("name".into(), "must be 1-200 characters, not blank");
        }

        match &self.trigger {
            Trigger::Threshold { metric, value, .. } => {
                if let Err(message) = metric.threshold_range().check(*value) {
                    fail("trigger.value".into(), message);
                }
            }
            Trigger::Predictive {
                prediction,
                lead_minutes,
                value,
            } => {
                if let Err(message) = prediction.threshold_range().check(*value) {
                    fail("trigger.value".into(), message);
                }
                let (low, high) = prediction.lead_range();
                if !(low..=high).contains(lead_minutes) {
                    fail(
                        "trigger.lead_minutes".into(),
                        &format!("must be within {low}..={high} for {}", prediction.as_str()),
                    );
                }
            }
        }

        for (index, group) in self.groups.iter().enumerate() {
            if self.groups[..index].contains(group) {
                fail(format!("groups[{index}]"), "is listed twice");
            }
        }
        if self.for_seconds > MAX_HOLD_SECONDS {
            fail("for_seconds".into(), "must be <= 86400");
        }
        if self.clear_seconds > MAX_HOLD_SECONDS {
            fail("clear_seconds".into(), "must be <= 86400");
        }
        if !(0.0..=1_000_000.0).contains(&self.clear_margin) {
            fail("clear_margin".into(), "must be a number from 0 to 1000000");
        }

        if self.escalation.is_empty() {
            fail("escalation".into(), "must have at least one level");
        }
        let mut previous: Option<&EscalationLevel> = None;
        for (index, rung) in self.escalation.iter().enumerate() {
            let field = |name: &str| format!("escalation[{index}].{name}");
            match previous {
                None if rung.level != 1 => fail(field("level"), "the first level must be 1"),
                Some(before) if rung.level <= before.level => {
                    fail(field("level"), "must be greater than the level before")
                }
                _ => {}
            }
            match previous {
                None if rung.after_minutes != 0 => fail(
                    field("after_minutes"),
                    "the first level must be at 0 minutes",
                ),
                Some(before) if rung.after_minutes < before.after_minutes => fail(
                    field("after_minutes"),
                    "must be >= the minutes of the level before",
                ),
                _ if rung.after_minutes > MAX_ESCALATION_MINUTES => {
                    fail(field("after_minutes"), "must be at most 10080 (a week)")
                }
                _ => {}
            }
            if rung.recipients.is_empty() {
                fail(field("recipients"), "must name at least one recipient");
            }
            for (at, recipient) in rung.recipients.iter().enumerate() {
                if let Err(message) = check_recipient(recipient) {
                    fail(format!("escalation[{index}].recipients[{at}]"), message);
                }
            }
            if rung.channels.is_empty() {
                fail(field("channels"), "must name at least one channel");
            }
            previous = Some(rung);
        }

        if self.suggested_actions.len() > MAX_SUGGESTED_ACTIONS {
            fail("suggested_actions".into(), "must have at most 20 entries");
        }
        for (index, action) in self.suggested_actions.iter().enumerate() {
            if action.chars().count() > MAX_ACTION_CHARS {
                fail(
                    format!("suggested_actions[{index}]"),
                    "must be at most 500 characters",
                );
            }
        }

        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

/// Checks one `kind:rest` recipient.
fn check_recipient(recipient: &str) -> Result<(), &'static str> {
    const FORM: &str = "must be team:, user:, email:, sms: or webhook: followed by the recipient";
    let Some((kind, rest)) = recipient.split_once(':') else {
        return Err(FORM);
    };
    if rest.is_empty() {
        return Err(FORM);
    }
    match kind {
        "team" | "user" => Ok(()),
        "email" if rest.contains('@') => Ok(()),
        "email" => Err("an e-mail address must contain '@'"),
        "sms" => match rest.strip_prefix('+') {
            Some(digits)
                if (7..=15).contains(&digits.len())
                    && digits.bytes().all(|b| b.is_ascii_digit()) =>
            {
                Ok(())
            }
            _ => Err("an SMS number must be '+' and 7-15 digits"),
        },
        "webhook" => {
            let after_scheme = rest
                .strip_prefix("https://")
                .or_else(|| rest.strip_prefix("http://"));
            match after_scheme {
                Some(host) if !host.is_empty() => Ok(()),
                _ => Err("a webhook must be an http:// or https:// URL"),
            }
        }
        _ => Err(FORM),
    }
}

#[cfg(test)]
mod tests;
