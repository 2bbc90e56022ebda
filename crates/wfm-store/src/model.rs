//! Records the store keeps: the contact center's structure (sites, services, groups,
//! agents), system access (API keys) and the audit log, with the validation of their inputs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wfm_core::interval::IntervalGrid;
use wfm_core::threshold::Thresholds;

/// One field of an input that failed validation, named as the client sent it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Collects field errors; `finish` turns an empty list into `Ok`.
#[derive(Debug, Default)]
struct Checks(Vec<FieldError>);

impl Checks {
    fn check(&mut self, ok: bool, field: &str, message: impl Into<String>) {
        if !ok {
            self.0.push(FieldError::new(field, message));
        }
    }
    fn text(&mut self, value: &str, field: &str, max: usize) {
        self.check(!value.trim().is_empty(), field, "must not be empty");
        self.check(
            value.chars().count() <= max,
            field,
            format!("must be at most {max} characters"),
        );
    }
    fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
}

/// A physical or legal site: it fixes the time zone and interval length of its groups.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Site {
    pub id: i64,
    pub name: String,
    /// IANA time zone; the site's day starts at local midnight.
    pub time_zone: String,
    /// Interval length in minutes (5, 15, 30 or 60).
    pub interval_minutes: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a client sends to create or replace a site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteInput {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    #[serde(default = "default_interval_minutes")]
    pub interval_minutes: u32,
}

fn default_time_zone() -> String {
    "Europe/Moscow".into()
}
fn default_interval_minutes() -> u32 {
    15
}

impl SiteInput {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut c = Checks::default();
        c.text(&self.name, "name", 200);
        match IntervalGrid::parse_tz(&self.time_zone) {
            Ok(tz) => c.check(
                IntervalGrid::new(tz, self.interval_minutes).is_ok(),
                "interval_minutes",
                "must be 5, 15, 30 or 60",
            ),
            Err(_) => c.check(
                false,
                "time_zone",
                "must be an IANA time zone such as Europe/Moscow",
            ),
        }
        c.finish()
    }
}

/// A line of business (a service) at a site; it groups agent groups for aggregation.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Service {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a client sends to create or replace a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceInput {
    pub site_id: i64,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
}

impl ServiceInput {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut c = Checks::default();
        c.text(&self.name, "name", 200);
        c.finish()
    }
}

/// Whether a group handles calls (staffed by Erlang C) or other contacts (staffed by forecast).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    #[default]
    Voice,
    NonVoice,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Voice => "voice",
            Channel::NonVoice => "non_voice",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "voice" => Some(Channel::Voice),
            "non_voice" => Some(Channel::NonVoice),
            _ => None,
        }
    }
}

/// A group of agents serving one queue: its service-level settings and indicator thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Group {
    pub id: i64,
    pub service_id: i64,
    pub name: String,
    /// The group's id in the contact-center platform, if it differs from ours.
    pub external_id: Option<String>,
    pub channel: Channel,
    /// Service-level target: `sl_percent` % of calls answered within `sl_seconds`.
    pub sl_seconds: u32,
    pub sl_percent: f64,
    /// Highest occupancy (0-1] the staffing calculation may plan for.
    pub max_occupancy: f64,
    /// Abandons shorter than this are left out of the service level (0 = count all).
    pub short_abandon_seconds: u32,
    /// Grace period before an adherence state turns bad.
    pub grace_seconds: u32,
    #[schema(value_type = Object)]
    pub thresholds: Thresholds,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a client sends to create or replace a group; omitted settings take the defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupInput {
    pub service_id: i64,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    #[serde(default)]
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub external_id: Option<String>,
    #[serde(default)]
    pub channel: Channel,
    #[serde(default = "default_sl_seconds")]
    #[schema(maximum = 3600)]
    pub sl_seconds: u32,
    #[serde(default = "default_sl_percent")]
    #[schema(exclusive_minimum = 0, exclusive_maximum = 100)]
    pub sl_percent: f64,
    #[serde(default = "default_max_occupancy")]
    #[schema(exclusive_minimum = 0, maximum = 1)]
    pub max_occupancy: f64,
    #[serde(default)]
    #[schema(maximum = 600)]
    pub short_abandon_seconds: u32,
    #[serde(default = "default_grace_seconds")]
    #[schema(maximum = 3600)]
    pub grace_seconds: u32,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub thresholds: Thresholds,
}

fn default_sl_seconds() -> u32 {
    20
}
fn default_sl_percent() -> f64 {
    80.0
}
fn default_max_occupancy() -> f64 {
    0.85
}
fn default_grace_seconds() -> u32 {
    120
}

impl GroupInput {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut c = Checks::default();
        c.text(&self.name, "name", 200);
        if let Some(ext) = &self.external_id {
            c.text(ext, "external_id", 100);
        }
        c.check(
            self.sl_seconds <= 3600,
            "sl_seconds",
            "must be at most 3600",
        );
        c.check(
            self.sl_percent > 0.0 && self.sl_percent < 100.0,
            "sl_percent",
            "must be above 0 and below 100",
        );
        c.check(
            self.max_occupancy > 0.0 && self.max_occupancy <= 1.0,
            "max_occupancy",
            "must be above 0 and at most 1",
        );
        c.check(
            self.short_abandon_seconds <= 600,
            "short_abandon_seconds",
            "must be at most 600",
        );
        c.check(
            self.grace_seconds <= 3600,
            "grace_seconds",
            "must be at most 3600",
        );
        if let Err(e) = self.thresholds.validate() {
            c.check(false, &format!("thresholds.{}", e.field), e.reason);
        }
        c.finish()
    }
}

/// A skill: the agent may serve this group; priority 1 is served first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Skill {
    pub group_id: i64,
    #[serde(default = "default_priority")]
    pub priority: u32,
}

fn default_priority() -> u32 {
    1
}

/// An operator (agent): identity in the contact center, home group and skills.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Agent {
    pub id: i64,
    /// The operator's login in the contact-center platform (`workerId` in its API).
    pub external_id: String,
    pub full_name: String,
    pub personnel_number: Option<String>,
    pub site_id: i64,
    pub primary_group_id: Option<i64>,
    pub active: bool,
    pub skills: Vec<Skill>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a client sends to create or replace an agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentInput {
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub external_id: String,
    #[schema(min_length = 1, max_length = 300, pattern = r"\S")]
    pub full_name: String,
    #[serde(default)]
    #[schema(min_length = 1, max_length = 50, pattern = r"\S")]
    pub personnel_number: Option<String>,
    pub site_id: i64,
    #[serde(default)]
    pub primary_group_id: Option<i64>,
    #[serde(default = "default_active")]
    pub active: bool,
    #[serde(default)]
    pub skills: Vec<Skill>,
}

fn default_active() -> bool {
    true
}

impl AgentInput {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut c = Checks::default();
        c.text(&self.external_id, "external_id", 100);
        c.text(&self.full_name, "full_name", 300);
        if let Some(p) = &self.personnel_number {
            c.text(p, "personnel_number", 50);
        }
        for (i, s) in self.skills.iter().enumerate() {
            c.check(
                (1..=100).contains(&s.priority),
                &format!("skills[{i}].priority"),
                "must be from 1 to 100",
            );
            let first = self.skills.iter().position(|o| o.group_id == s.group_id);
            c.check(
                first == Some(i),
                &format!("skills[{i}].group_id"),
                "is listed twice",
            );
        }
        c.finish()
    }
}

/// A role, from least to most trusted; `Integration` may only push data.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Integration,
    Viewer,
    Supervisor,
    Manager,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Integration,
        Role::Viewer,
        Role::Supervisor,
        Role::Manager,
        Role::Admin,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Integration => "integration",
            Role::Viewer => "viewer",
            Role::Supervisor => "supervisor",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
    /// Whether this role may do what `needed` may. Integration ranks apart both ways: it
    /// reaches ingest only, and ingest takes integration only, admin included, so live data
    /// always comes from a system's credential and a person's token cannot forge it.
    pub fn allows(self, needed: Role) -> bool {
        match (self, needed) {
            (have, Role::Integration) | (have @ Role::Integration, _) => have == needed,
            (have, n) => have >= n,
        }
    }
}

/// An API key of a system (the secret itself is never stored, only its SHA-256).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// The first characters of the key, to tell keys apart in lists and logs.
    pub prefix: String,
    #[serde(skip)]
    pub key_hash: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A key to store: made by the caller, who shows the secret once and keeps only the hash.
#[derive(Debug, Clone, PartialEq)]
pub struct NewApiKey {
    pub name: String,
    pub role: Role,
    pub prefix: String,
    pub key_hash: String,
}

/// Who is changing something and under which correlation id: written with every change.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    /// `user:<subject>` for people, `key:<name>` for systems, `system` for the service itself.
    pub name: String,
    pub correlation_id: String,
}

impl Actor {
    pub fn system(correlation_id: impl Into<String>) -> Self {
        Self {
            name: "system".into(),
            correlation_id: correlation_id.into(),
        }
    }
}

/// One change in the audit log: who, what, before and after, under which correlation id.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    /// `create`, `update`, `delete`, `erase`, ...
    pub action: String,
    /// The kind of thing changed: `site`, `service`, `group`, `agent`, `api_key`, ...
    pub entity: String,
    pub entity_id: String,
    /// The record before and after, as the API showed it. A person's personal fields
    /// (an agent's login, name and personnel number) read `"[erased]"` once the person's
    /// data was erased.
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub correlation_id: String,
}

/// Which audit entries to list, newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub correlation_id: Option<String>,
    pub actor: Option<String>,
    /// `create`, `update`, `delete`, `erase`, ...
    pub action: Option<String>,
    /// [from, to) on `at`.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Only entries with an id below this (the cursor of the previous page).
    pub before_id: Option<i64>,
    pub limit: u32,
}
