//! A 1C ZUP sync component's health: 1C ZUP answering or not (the probe and the calls), the
//! circuit breaker, the syncs' success rate, jobs failed for good, staleness against the
//! expected cycle, and a halt of automatic synchronization.

use chrono::{DateTime, TimeDelta, Utc};

use super::{
    Component, ComponentHealth, Outcomes, Problem, Rate, Status, Thresholds, health, listed,
    problem, seconds,
};
use crate::freshness::span;

/// Whether 1C ZUP answers: the health probe and the calls together.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Availability {
    /// The last time 1C ZUP answered (a probe or a call).
    pub last_ok: Option<DateTime<Utc>>,
    /// The first failure of the current run of failed probes; `None` while it answers.
    pub failing_since: Option<DateTime<Utc>>,
    /// Why the last probe failed.
    pub last_error: Option<String>,
    /// The client's circuit breaker is open: calls wait.
    pub circuit_open: bool,
}

impl Availability {
    /// The status availability alone gives, and the problem: failing for `down_after`
    /// since it last answered (or since the first failure, if it never did) is down; any
    /// shorter failure degraded; an open circuit degraded.
    pub fn assess(&self, now: DateTime<Utc>, t: &Thresholds) -> Vec<Problem> {
        let mut problems = Vec::new();
        let failing = self
            .failing_since
            .filter(|f| self.last_ok.is_none_or(|ok| ok < *f));
        if let Some(first) = failing {
            let from = self.last_ok.unwrap_or(first);
            let out = now - from;
            let why = self.last_error.as_deref().unwrap_or("no answer");
            let down = out >= t.down_after;
            let since = match self.last_ok {
                Some(ok) => format!("last answered {}", ok.to_rfc3339()),
                None => format!("not answered since {}", first.to_rfc3339()),
            };
            problems.push(problem(
                "unreachable",
                if down { Status::Down } else { Status::Degraded },
                Some(from),
                format!(
                    "1C ZUP is unavailable ({since}): {why}{}",
                    if down {
                        String::new()
                    } else {
                        format!("; down if it stays so for {}", span(t.down_after - out))
                    }
                ),
            ));
        }
        if self.circuit_open {
            problems.push(problem(
                "circuit_open",
                Status::Degraded,
                None,
                "the circuit breaker is open after consecutive failures: calls wait for its probe"
                    .into(),
            ));
        }
        problems
    }
}

/// What a 1C ZUP sync component did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncObservation {
    /// The last successful exchange of its data.
    pub last_success_at: Option<DateTime<Utc>>,
    /// How often it is expected to run (the daily personnel sync); `None` on request only.
    pub expected_cycle: Option<TimeDelta>,
    /// Its syncs (jobs) that succeeded and that failed for good, the last hour and day, each
    /// as it ended last: one that rode out an outage, or died, was requeued and then
    /// succeeded, is a success.
    pub syncs_hour: Outcomes,
    pub syncs_day: Outcomes,
    /// Jobs that failed for good: (id, error).
    pub dead_jobs: Vec<(i64, String)>,
    /// Automatic synchronization halted: since when, and why.
    pub halted: Option<(DateTime<Utc>, String)>,
}

/// A sync component's health: 1C ZUP's availability (down when unavailable for
/// `down_after`); degraded when the circuit is open, when under `min_success_ratio` of the
/// last hour's syncs succeeded, when jobs failed for good, when the data is older than its
/// expected cycle, or when automatic synchronization is halted.
pub fn assess_sync(
    component: Component,
    o: &SyncObservation,
    availability: &Availability,
    now: DateTime<Utc>,
    t: &Thresholds,
) -> ComponentHealth {
    let mut problems = availability.assess(now, t);
    if let Some(p) = o
        .syncs_hour
        .percent()
        .filter(|p| *p < t.min_success_ratio * 100.0)
    {
        problems.push(problem(
            "low_success_rate",
            Status::Degraded,
            None,
            format!(
                "{} of {} syncs failed in the last hour: {p:.1} % succeeded, under {:.0} %",
                o.syncs_hour.failed,
                o.syncs_hour.ok + o.syncs_hour.failed,
                t.min_success_ratio * 100.0
            ),
        ));
    }
    if !o.dead_jobs.is_empty() {
        let jobs: Vec<String> = o
            .dead_jobs
            .iter()
            .map(|(id, e)| format!("job {id}: {e}"))
            .collect();
        problems.push(problem(
            "dead_jobs",
            Status::Degraded,
            None,
            format!(
                "{} jobs failed for good; requeue them once the cause is mended ({})",
                jobs.len(),
                listed(&jobs)
            ),
        ));
    }
    if let (Some(cycle), Some(at)) = (o.expected_cycle, o.last_success_at)
        && now - at > cycle
    {
        problems.push(problem(
            "stale",
            Status::Degraded,
            Some(at + cycle),
            format!(
                "last synced {} ago ({}), longer than the expected cycle of {}",
                span(now - at),
                at.to_rfc3339(),
                span(cycle)
            ),
        ));
    }
    if let Some((since, why)) = &o.halted {
        problems.push(problem(
            "sync_halted",
            Status::Degraded,
            Some(*since),
            format!(
                "automatic synchronization halted: {why}. An admin approves resumption \
                 (POST /api/v1/integration/sync/resume)"
            ),
        ));
    }
    let mut h = health(component, problems);
    h.last_data_at = o.last_success_at;
    h.freshness_seconds = o.last_success_at.map(|at| seconds(now - at));
    h.expected_cycle_seconds = o.expected_cycle.map(seconds);
    h.rate = Some(Rate {
        per: "day",
        expected: o.expected_cycle.map(|c| 86_400.0 / seconds(c).max(1.0)),
        actual: o.syncs_day.ok as f64,
    });
    h.success_percent_hour = o.syncs_hour.percent();
    h.success_percent_day = o.syncs_day.percent();
    h
}
