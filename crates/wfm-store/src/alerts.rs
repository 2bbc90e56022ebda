//! Records of alerting: alert rules (their definition is the service's JSON), alerts with
//! their timeline, predictions and what became of them, notification deliveries, and each
//! user's notification preferences.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A stored alert rule: the definition is checked by the service, kept as JSON here.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StoredRule {
    pub id: i64,
    pub name: String,
    pub enabled: bool,
    #[schema(value_type = Object)]
    pub definition: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Where an alert is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    Firing,
    Acknowledged,
    Resolved,
}

impl AlertState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Firing => "firing",
            AlertState::Acknowledged => "acknowledged",
            AlertState::Resolved => "resolved",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            AlertState::Firing,
            AlertState::Acknowledged,
            AlertState::Resolved,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

/// An alert to open.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAlert {
    pub rule_id: i64,
    /// `group:<id>`, `site:<id>` or `all`: one open alert per rule and scope.
    pub scope: String,
    pub group_id: Option<i64>,
    /// `info`, `warning`, `critical`, `emergency`.
    pub severity: String,
    /// `threshold` or `predictive`.
    pub kind: String,
    pub fired_at: DateTime<Utc>,
    /// The value that breached, and what it was held against.
    pub value: Option<f64>,
    pub threshold: Option<f64>,
    /// What was breached, in words.
    pub description: String,
    /// Everything else the alert shows (suggested actions, impact, escalation timeline),
    /// as the service builds it.
    pub details: serde_json::Value,
}

/// An alert as stored.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Alert {
    pub id: i64,
    pub rule_id: i64,
    pub scope: String,
    pub group_id: Option<i64>,
    pub severity: String,
    pub kind: String,
    pub state: AlertState,
    pub fired_at: DateTime<Utc>,
    pub value: Option<f64>,
    pub threshold: Option<f64>,
    pub description: String,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// The highest escalation level notified so far (1 at firing).
    pub level: u32,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Who resolved it; `system` when the condition cleared by itself.
    pub resolved_by: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// One entry of an alert's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AlertEvent {
    pub at: DateTime<Utc>,
    /// `fired`, `escalated`, `acknowledged`, `resolved`, `notified`, `notification_failed`,
    /// `value` (a later reading).
    pub event: String,
    /// Who: `system`, `user:<subject>`.
    pub actor: String,
    pub level: Option<u32>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

/// Which alerts to list; open ones first, then by severity and age (the store orders by
/// state, then `fired_at`; the service sorts by severity).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertFilter {
    pub state: Option<AlertState>,
    /// Open means firing or acknowledged.
    pub open_only: bool,
    pub group_id: Option<i64>,
    pub rule_id: Option<i64>,
    pub kind: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// A prediction made, for later scoring against what happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Prediction {
    /// `sl_breach`, `staffing_shortfall`, `coverage_gap`, `peak_load`.
    pub kind: String,
    pub group_id: i64,
    pub made_at: DateTime<Utc>,
    /// The instant (interval start) the prediction is about.
    pub target_at: DateTime<Utc>,
    pub predicted: f64,
    pub threshold: f64,
    /// Whether it predicted a breach (and so raised an alert).
    pub breach: bool,
    /// What happened, filled in once `target_at` has passed.
    pub actual: Option<f64>,
    pub actual_breach: Option<bool>,
}

/// A notification to one recipient over one channel, and how its delivery went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Delivery {
    pub id: i64,
    pub alert_id: Option<i64>,
    /// `webhook`, `email`, `sms`, `in_app`.
    pub channel: String,
    /// URL, e-mail address, phone number or user.
    pub recipient: String,
    /// `pending`, `delivered`, `failed` (after its last attempt).
    pub status: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A person's notification preferences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationPrefs {
    /// `in_app`, `email`, `sms`.
    pub channels: Vec<String>,
    /// Alerts below it are not sent (in-app still shows them).
    pub min_severity: String,
    /// Local `HH:MM`-`HH:MM` without e-mail or SMS (critical and emergency still go through).
    #[serde(default)]
    pub quiet_hours: Option<QuietHours>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default = "default_zone")]
    pub time_zone: String,
    /// Teams the person answers for (`team:<name>` recipients of escalation levels).
    #[serde(default)]
    pub teams: Vec<String>,
}

fn default_zone() -> String {
    "Europe/Moscow".into()
}

/// A daily span of local time, possibly across midnight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    pub from: String,
    pub to: String,
}
