//! Queue statistics' health: key metrics missing, derived values implausible, or not being
//! updated because the call-event feed is not healthy.

use chrono::{DateTime, Utc};

use super::{Component, ComponentHealth, Status, health, listed, problem, seconds};

/// A group whose queue statistics lack a key figure, or show none although calls are
/// forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupGap {
    pub name: String,
    /// The figures missing, or `calls` when no call came although calls are forecast.
    pub missing: Vec<&'static str>,
}

/// The queue statistics as the snapshot has them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueueObservation {
    /// Groups with figures.
    pub groups: u32,
    pub gaps: Vec<GroupGap>,
    /// Derived values flagged implausible, as `scope field` texts.
    pub implausible: Vec<String>,
    /// When the newest call event happened.
    pub newest_call_at: Option<DateTime<Utc>>,
    /// The call-event feed's status: the statistics come from it.
    pub call_feed: Status,
}

/// Queue statistics' health: degraded when a group lacks key figures ("missing key
/// metrics"), when a derived value is implausible, or when the call-event feed they come
/// from is not healthy (they are not being updated).
pub fn assess_queue(o: &QueueObservation, now: DateTime<Utc>) -> ComponentHealth {
    let mut problems = Vec::new();
    if o.call_feed != Status::Healthy {
        problems.push(problem(
            "stale",
            Status::Degraded,
            None,
            format!(
                "not being updated: the call-event feed is {}",
                o.call_feed.as_str()
            ),
        ));
    }
    if !o.gaps.is_empty() {
        let gaps: Vec<String> = o
            .gaps
            .iter()
            .map(|g| format!("{}: {}", g.name, g.missing.join(", ")))
            .collect();
        problems.push(problem(
            "missing_metrics",
            Status::Degraded,
            None,
            format!(
                "key metrics missing in {} of {} groups ({})",
                o.gaps.len(),
                o.groups,
                listed(&gaps)
            ),
        ));
    }
    if !o.implausible.is_empty() {
        problems.push(problem(
            "implausible_values",
            Status::Degraded,
            None,
            format!(
                "{} derived values out of their possible range, shown as undefined ({})",
                o.implausible.len(),
                listed(&o.implausible)
            ),
        ));
    }
    let mut h = health(Component::QueueStatistics, problems);
    h.last_data_at = o.newest_call_at;
    h.freshness_seconds = o.newest_call_at.map(|at| seconds(now - at));
    h
}
