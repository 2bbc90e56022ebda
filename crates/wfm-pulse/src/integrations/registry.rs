//! The registry of integration systems (1C ZUP, the contact center): base URL, credentials,
//! timeouts, retry and circuit policy, endpoints, field mappings and workflow stages. It is
//! configuration, not documentation: the 1C ZUP client reads its settings from here.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wfm_store::model::FieldError;

use super::zup::contract;

mod defaults;
mod health;

pub use defaults::{default_contact_center, default_zup};
pub use health::HealthPolicy;

/// What the API shows instead of a stored password.
pub const MASK: &str = "********";

/// One integration system's configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemConfig {
    /// `zup` or `contact_center`.
    #[schema(pattern = "^(zup|contact_center)$")]
    pub system: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    /// Where the partner listens (for 1C: `http://server/instance/hs/api`).
    pub base_url: String,
    #[serde(default)]
    pub username: Option<String>,
    /// Shown masked; a PUT with the mask (or without a password) keeps the stored one.
    #[serde(default)]
    pub password: Option<String>,
    /// Per request.
    #[schema(minimum = 100, maximum = 120000)]
    pub timeout_ms: u64,
    pub retry: RetryPolicy,
    pub circuit: CircuitPolicy,
    pub endpoints: Vec<Endpoint>,
    pub field_mappings: Vec<FieldMapping>,
    pub workflow: Vec<WorkflowStage>,
    /// When the daily personnel sync runs (1C ZUP only).
    #[serde(default)]
    pub daily_sync: Option<DailySync>,
    /// When the system counts as degraded or down, and (1C ZUP) how often it is probed and
    /// when a consistency check halts automatic synchronization.
    #[serde(default)]
    pub health: HealthPolicy,
}

/// Retries of one call: transient failures only (no answer, timeout, 5xx), never a 4xx.
/// Default: 3 attempts, 200 ms doubling to at most 5 s; a sync job may spend 100 attempts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    #[schema(minimum = 1, maximum = 10)]
    pub max_attempts: u32,
    #[schema(minimum = 10, maximum = 60000)]
    pub base_delay_ms: u64,
    #[schema(minimum = 10, maximum = 300000)]
    pub max_delay_ms: u64,
    /// Attempts a sync job may spend before it is dead (taken when the job is triggered).
    /// Waiting out an outage of 1C ZUP spends none.
    #[serde(default = "default_job_max_attempts")]
    #[schema(minimum = 1, maximum = 1000)]
    pub job_max_attempts: u32,
}

/// A sync job's attempts when the registry entry names none.
pub const DEFAULT_JOB_MAX_ATTEMPTS: u32 = 100;

fn default_job_max_attempts() -> u32 {
    DEFAULT_JOB_MAX_ATTEMPTS
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay_ms: 200,
            max_delay_ms: 5_000,
            job_max_attempts: DEFAULT_JOB_MAX_ATTEMPTS,
        }
    }
}

/// When the client stops calling a failing partner. Default: open after 5 consecutive
/// failures, for 30 s.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CircuitPolicy {
    /// Consecutive transient failures that open the circuit.
    #[schema(minimum = 1, maximum = 100)]
    pub failure_threshold: u32,
    /// How long it stays open before one probe is let through.
    #[schema(minimum = 1000, maximum = 3600000)]
    pub open_ms: u64,
}

impl Default for CircuitPolicy {
    fn default() -> Self {
        CircuitPolicy {
            failure_threshold: 5,
            open_ms: 30_000,
        }
    }
}

/// One endpoint of the partner's contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// The contract's method name (`agents`, `sendSchedule`, `status`, ...).
    pub name: String,
    /// `GET` or `POST`; `FILE` for a file wfm-pulse follows (Asterisk's queue_log).
    #[schema(pattern = "^(GET|POST|FILE)$")]
    pub method: String,
    /// Appended to the base URL; `{startDate}`-style placeholders are filled per call.
    #[schema(pattern = r"^/\S*$")]
    pub path: String,
    /// `inbound` (data into WFM) or `outbound` (data out of WFM).
    #[schema(pattern = "^(inbound|outbound)$")]
    pub direction: String,
    /// How often it is used, in words (`daily at 03:00`, `on request`, `push, real time`).
    pub frequency: String,
    pub enabled: bool,
    #[serde(default)]
    pub description: String,
}

/// How a partner's field maps onto WFM's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldMapping {
    #[schema(pattern = r"\S")]
    pub source: String,
    #[schema(pattern = r"\S")]
    pub target: String,
    #[serde(default)]
    pub note: String,
}

/// One stage of the exchange's workflow, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowStage {
    pub stage: u32,
    pub name: String,
    /// The endpoint or job it runs.
    pub operation: String,
    #[serde(default)]
    pub description: String,
}

/// The daily personnel sync: local time and zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DailySync {
    pub enabled: bool,
    /// `HH:MM`.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub at: String,
    pub time_zone: String,
}

impl DailySync {
    pub fn time(&self) -> Option<chrono::NaiveTime> {
        chrono::NaiveTime::parse_from_str(&self.at, "%H:%M").ok()
    }
}

impl SystemConfig {
    /// The endpoint called `name`.
    pub fn endpoint(&self, name: &str) -> Option<&Endpoint> {
        self.endpoints.iter().find(|e| e.name == name)
    }

    /// The same configuration with the password masked, for reading and auditing.
    pub fn masked(&self) -> SystemConfig {
        SystemConfig {
            password: self.password.as_ref().map(|_| MASK.to_string()),
            ..self.clone()
        }
    }

    /// Every rule a configuration must meet; the fields are named as the client sent them.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut e = Vec::new();
        let mut check = |ok: bool, field: String, message: &str| {
            if !ok {
                e.push(FieldError::new(field, message));
            }
        };
        check(
            self.system == "zup" || self.system == "contact_center",
            "system".into(),
            "must be zup or contact_center",
        );
        check(
            !self.name.trim().is_empty() && self.name.len() <= 200,
            "name".into(),
            "must be 1-200 characters",
        );
        let url = reqwest::Url::parse(&self.base_url);
        check(
            url.as_ref()
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some()),
            "base_url".into(),
            "must be an http or https URL with a host",
        );
        check(
            (100..=120_000).contains(&self.timeout_ms),
            "timeout_ms".into(),
            "must be from 100 to 120000",
        );
        let r = self.retry;
        check(
            (1..=10).contains(&r.max_attempts),
            "retry.max_attempts".into(),
            "must be from 1 to 10",
        );
        check(
            (10..=60_000).contains(&r.base_delay_ms),
            "retry.base_delay_ms".into(),
            "must be from 10 to 60000",
        );
        check(
            r.max_delay_ms >= r.base_delay_ms && r.max_delay_ms <= 300_000,
            "retry.max_delay_ms".into(),
            "must be at least base_delay_ms and at most 300000",
        );
        check(
            (1..=1_000).contains(&r.job_max_attempts),
            "retry.job_max_attempts".into(),
            "must be from 1 to 1000",
        );
        check(
            (1..=100).contains(&self.circuit.failure_threshold),
            "circuit.failure_threshold".into(),
            "must be from 1 to 100",
        );
        check(
            (1_000..=3_600_000).contains(&self.circuit.open_ms),
            "circuit.open_ms".into(),
            "must be from 1000 to 3600000",
        );
        for (i, ep) in self.endpoints.iter().enumerate() {
            let f = |name: &str| format!("endpoints[{i}].{name}");
            check(
                self.endpoints.iter().position(|o| o.name == ep.name) == Some(i),
                f("name"),
                "is listed twice",
            );
            check(
                matches!(ep.method.as_str(), "GET" | "POST" | "FILE"),
                f("method"),
                "must be GET, POST or FILE",
            );
            check(
                ep.path.starts_with('/') && !ep.path.contains(char::is_whitespace),
                f("path"),
                "must start with / and hold no spaces",
            );
            check(
                ep.direction == "inbound" || ep.direction == "outbound",
                f("direction"),
                "must be inbound or outbound",
            );
            if self.system == "zup" {
                check(
                    contract::METHODS.contains(&ep.name.as_str()),
                    f("name"),
                    "must be one of agents, getNormHours, sendSchedule, getTimetypeInfo, sendFactWorkTime",
                );
                if ep.name == contract::AGENTS {
                    check(
                        ep.path.contains("{startDate}") && ep.path.contains("{endDate}"),
                        f("path"),
                        "must hold {startDate} and {endDate}",
                    );
                }
            }
        }
        if self.system == "zup" {
            for m in contract::METHODS {
                check(
                    self.endpoint(m).is_some(),
                    "endpoints".into(),
                    &format!("must include the {m} method"),
                );
            }
        }
        for (i, m) in self.field_mappings.iter().enumerate() {
            check(
                !m.source.trim().is_empty() && !m.target.trim().is_empty(),
                format!("field_mappings[{i}]"),
                "needs a source and a target",
            );
        }
        for (i, s) in self.workflow.iter().enumerate() {
            check(
                i == 0 || self.workflow[i - 1].stage < s.stage,
                format!("workflow[{i}].stage"),
                "stages must increase",
            );
        }
        self.health.validate(&mut check);
        if let Some(d) = &self.daily_sync {
            check(d.time().is_some(), "daily_sync.at".into(), "must be HH:MM");
            check(
                d.time_zone.parse::<chrono_tz::Tz>().is_ok(),
                "daily_sync.time_zone".into(),
                "must be an IANA time zone",
            );
        }
        if e.is_empty() { Ok(()) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_masking_hides_the_password() {
        assert_eq!(default_zup().validate(), Ok(()));
        assert_eq!(default_contact_center().validate(), Ok(()));
        let masked = default_zup().masked();
        assert_eq!(masked.password.as_deref(), Some(MASK));
        assert_eq!(default_contact_center().masked().password, None);
    }

    #[test]
    fn a_stored_entry_without_health_or_job_attempts_takes_the_defaults_a_partial_one_completes() {
        let mut value = serde_json::to_value(default_zup()).unwrap();
        value.as_object_mut().unwrap().remove("health");
        let c: SystemConfig = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(c.health, HealthPolicy::default());
        value["retry"]
            .as_object_mut()
            .unwrap()
            .remove("job_max_attempts");
        let c: SystemConfig = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(c.retry.job_max_attempts, DEFAULT_JOB_MAX_ATTEMPTS);
        value["health"] = serde_json::json!({"down_after_ms": 90000});
        let c: SystemConfig = serde_json::from_value(value).unwrap();
        assert_eq!(c.health.down_after_ms, 90_000);
        assert_eq!(c.health.degraded_after_ms, 60_000);
        let t = c.health.thresholds();
        assert_eq!(t.down_after, chrono::TimeDelta::seconds(90));
        assert_eq!(t.min_update_ratio, 0.5);
        assert_eq!(t.baseline_windows, 15);
    }

    #[test]
    fn every_rule_names_its_field() {
        let mut c = default_zup();
        c.base_url = "ftp://x".into();
        c.timeout_ms = 5;
        c.retry.max_delay_ms = 1;
        c.retry.job_max_attempts = 0;
        c.endpoints[0].path = "/agents".into();
        c.endpoints.remove(4);
        c.workflow[1].stage = 1;
        c.daily_sync.as_mut().unwrap().at = "25:00".into();
        c.health.down_after_ms = 1_000;
        c.health.min_success_percent = 101.0;
        let fields: Vec<String> = c
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(
            fields,
            [
                "base_url",
                "timeout_ms",
                "retry.max_delay_ms",
                "retry.job_max_attempts",
                "endpoints[0].path",
                "endpoints",
                "workflow[1].stage",
                "health.down_after_ms",
                "health.min_success_percent",
                "daily_sync.at"
            ]
        );
    }
}
