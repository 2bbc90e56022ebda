//! Integration health, pure: from what each integration component did (events received per
//! window, the newest data, 1C ZUP answering or not, call and job outcomes, a halted sync)
//! and the instant `now`, its status (healthy, degraded, down), its open problems with their
//! cause, its rates and its freshness. No clock: time is an input, so "degraded, then down
//! within 2 minutes" is tested in simulated time.
//!
//! The thresholds are the monitoring scenario's: a feed silent for a minute is degraded and
//! for two minutes down (an outage detected within 2 minutes); events arriving more than
//! 5 minutes after they happened are a feed delay; fewer than 50 % of the expected status
//! updates is degraded; a sync success rate under 95 % is degraded.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

mod feed;
mod queue;
mod sync;

pub use feed::{FeedObservation, assess_feed};
pub use queue::{GroupGap, QueueObservation, assess_queue};
pub use sync::{Availability, SyncObservation, assess_sync};

/// An integration component whose health is watched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    /// Operator status changes (the status push, and `agent_state` events).
    ContactCenterStatus,
    /// Call events (offered, answered, abandoned, ended, wrapped up).
    CallEvents,
    /// The queue figures derived from the call events, per group.
    QueueStatistics,
    /// 1C ZUP -> WFM personnel (`agents`), daily.
    ZupPersonnel,
    /// WFM -> 1C ZUP schedules (`sendSchedule`).
    ZupScheduleUpload,
    /// The timesheet with 1C ZUP: time types in (`getTimetypeInfo`), actual work time out
    /// (`sendFactWorkTime`).
    ZupTimesheet,
}

impl Component {
    /// Every component, in the order the health page lists them.
    pub const ALL: [Component; 6] = [
        Component::ContactCenterStatus,
        Component::CallEvents,
        Component::QueueStatistics,
        Component::ZupPersonnel,
        Component::ZupScheduleUpload,
        Component::ZupTimesheet,
    ];

    /// The snake_case id used in the API and in alert scopes.
    pub fn as_str(self) -> &'static str {
        match self {
            Component::ContactCenterStatus => "contact_center_status",
            Component::CallEvents => "call_events",
            Component::QueueStatistics => "queue_statistics",
            Component::ZupPersonnel => "zup_personnel",
            Component::ZupScheduleUpload => "zup_schedule_upload",
            Component::ZupTimesheet => "zup_timesheet",
        }
    }

    /// The component named `s` by [`Component::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Component::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Its name in words.
    pub fn name(self) -> &'static str {
        match self {
            Component::ContactCenterStatus => "Contact-center status feed",
            Component::CallEvents => "Contact-center call-event feed",
            Component::QueueStatistics => "Queue statistics",
            Component::ZupPersonnel => "1C ZUP personnel sync",
            Component::ZupScheduleUpload => "1C ZUP schedule upload",
            Component::ZupTimesheet => "1C ZUP timesheet",
        }
    }

    /// Whether it exchanges with 1C ZUP.
    pub fn is_zup(self) -> bool {
        matches!(
            self,
            Component::ZupPersonnel | Component::ZupScheduleUpload | Component::ZupTimesheet
        )
    }
}

/// How a component is, from best to worst.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Healthy,
    Degraded,
    Down,
}

impl Status {
    /// 0 healthy, 1 degraded, 2 down: the figure alert rules compare.
    pub fn level(self) -> f64 {
        match self {
            Status::Healthy => 0.0,
            Status::Degraded => 1.0,
            Status::Down => 2.0,
        }
    }

    /// The status of a [`Status::level`], rounded to the nearest.
    pub fn of_level(level: f64) -> Option<Status> {
        [Status::Healthy, Status::Degraded, Status::Down]
            .into_iter()
            .find(|s| (s.level() - level).abs() < 0.5)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Healthy => "healthy",
            Status::Degraded => "degraded",
            Status::Down => "down",
        }
    }
}

/// Something wrong with a component now, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// The cause as a code: `no_data`, `feed_delay`, `low_update_rate`, `rejected_input`,
    /// `missing_metrics`, `implausible_values`, `stale`, `unreachable`, `circuit_open`,
    /// `low_success_rate`, `dead_jobs`, `sync_halted`.
    pub cause: &'static str,
    /// What is wrong, since when, and the figures, in words.
    pub message: String,
    /// The status this problem alone gives the component.
    pub status: Status,
    /// When it started, where known.
    pub since: Option<DateTime<Utc>>,
}

pub(crate) fn problem(
    cause: &'static str,
    status: Status,
    since: Option<DateTime<Utc>>,
    message: String,
) -> Problem {
    Problem {
        cause,
        message,
        status,
        since,
    }
}

/// The thresholds of the rules (the scenario's by default).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// No data (a feed) or no answer (1C ZUP) for this long: degraded.
    pub degraded_after: TimeDelta,
    /// No data or no answer for this long: down. The outage is detected by then.
    pub down_after: TimeDelta,
    /// Events arriving longer than this after they happened: a feed delay.
    pub max_delay: TimeDelta,
    /// Fewer status updates in the rate window than this share of the expected: degraded.
    pub min_update_ratio: f64,
    /// A success rate (accepted input, 1C calls) under this share in the last hour: degraded.
    pub min_success_ratio: f64,
    /// The window actual rates are counted over.
    pub rate_window: TimeDelta,
    /// How many windows before it give the expected rate.
    pub baseline_windows: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            degraded_after: TimeDelta::seconds(60),
            down_after: TimeDelta::seconds(120),
            max_delay: TimeDelta::seconds(300),
            min_update_ratio: 0.5,
            min_success_ratio: 0.95,
            rate_window: TimeDelta::seconds(60),
            baseline_windows: 15,
        }
    }
}

/// Accepted against failed (or rejected) in a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Outcomes {
    pub ok: u64,
    pub failed: u64,
}

impl Outcomes {
    /// ok / (ok + failed) x 100; `None` with nothing in the period.
    pub fn percent(self) -> Option<f64> {
        let total = self.ok + self.failed;
        (total > 0).then(|| self.ok as f64 * 100.0 / total as f64)
    }
}

/// An update rate: how many were expected and how many came, per `per`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    /// `minute` for feeds (per rate window, scaled to a minute), `day` for syncs.
    pub per: &'static str,
    /// `None` when nothing gives an expectation (no history, a sync on request only).
    pub expected: Option<f64>,
    pub actual: f64,
}

/// A component's health at one instant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentHealth {
    pub component: Component,
    pub status: Status,
    /// When the newest data is from: the newest event's time, the last successful sync.
    pub last_data_at: Option<DateTime<Utc>>,
    /// Age of that data at `now`.
    pub freshness_seconds: Option<f64>,
    /// How often data is expected: the silence a feed may keep, a sync's cycle.
    pub expected_cycle_seconds: Option<f64>,
    pub rate: Option<Rate>,
    /// Accepted input (feeds) or successful syncs (1C ZUP), % of the last hour and day.
    pub success_percent_hour: Option<f64>,
    pub success_percent_day: Option<f64>,
    /// Worst first.
    pub problems: Vec<Problem>,
}

/// What the rules did not judge yet: the status is the worst problem's.
pub(crate) fn health(component: Component, mut problems: Vec<Problem>) -> ComponentHealth {
    problems.sort_by_key(|p| std::cmp::Reverse(p.status));
    ComponentHealth {
        component,
        status: problems.first().map_or(Status::Healthy, |p| p.status),
        last_data_at: None,
        freshness_seconds: None,
        expected_cycle_seconds: None,
        rate: None,
        success_percent_hour: None,
        success_percent_day: None,
        problems,
    }
}

pub(crate) fn seconds(d: TimeDelta) -> f64 {
    d.num_milliseconds() as f64 / 1000.0
}

/// A list in words, the first five and how many more.
pub(crate) fn listed(items: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if items.len() > SHOWN {
        text.push_str(&format!("; and {} more", items.len() - SHOWN));
    }
    text
}

/// The overall status: the worst component's (healthy with none).
pub fn overall(components: &[ComponentHealth]) -> Status {
    components
        .iter()
        .map(|c| c.status)
        .max()
        .unwrap_or(Status::Healthy)
}

/// What alert rules read of a component: its status, and whether its automatic sync is
/// halted (the personnel sync after a failed consistency check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComponentSignal {
    pub component: Component,
    pub status: Status,
    pub sync_halted: bool,
}

#[cfg(test)]
mod tests;
