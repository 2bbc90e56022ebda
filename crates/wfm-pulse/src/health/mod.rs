//! Integration health at run time: gathers what each component did (the feeds' histories
//! from the live pipeline, 1C ZUP's answers to a periodic probe and to the syncs' calls,
//! call outcomes, how jobs ended and halts from the store) and hands it to the pure rules of
//! `wfm_core::health`. A background task probes 1C ZUP and recomputes the report every
//! second; alert rules read its signals, the health endpoint computes it afresh.

pub mod freshness;

use parking_lot::{Mutex, RwLock};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::sync::watch;
use utoipa::ToSchema;
use wfm_core::health::{
    self, Availability, Component, ComponentHealth, ComponentSignal, GroupGap, Outcomes,
    QueueObservation, Status, SyncObservation,
};
use wfm_core::threshold::Indicator;
use wfm_store::health::SyncHalt;
use wfm_store::integration::{FinishedJobs, JobFilter, JobKind, JobState, NewLogEntry};
use wfm_store::{Store, StoreResult};

use crate::ingest::Feed;
use crate::integrations::registry::{HealthPolicy, SystemConfig};
use crate::integrations::resilience::CircuitState;
use crate::jobs::Jobs;
use crate::jobs::guard::SYSTEM;
use crate::live::Live;

/// How often the report is recomputed for the alert rules.
const REPORT_EVERY: Duration = Duration::from_secs(1);
/// How often the probe looks whether its period is over (the period may change).
const PROBE_TICK: Duration = Duration::from_millis(100);
/// Forecast calls in the window from which a group with no call at all lacks statistics.
const MIN_FORECAST_CALLS: f64 = 5.0;
/// The daily personnel sync's cycle, with an hour's slack.
const DAILY_CYCLE_HOURS: i64 = 25;

/// 1C ZUP's answers to the probe.
#[derive(Debug, Clone, Default)]
struct Probe {
    last_ok: Option<DateTime<Utc>>,
    failing_since: Option<DateTime<Utc>>,
    last_error: Option<String>,
}

/// A component as the health endpoint shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComponentView {
    /// The component's name in words.
    pub name: &'static str,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub health: ComponentHealth,
    /// The 1C ZUP client's circuit breaker (1C ZUP components).
    pub circuit_state: Option<CircuitState>,
}

/// The health of every integration component at one instant.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HealthReport {
    /// The worst component's status.
    #[schema(value_type = String)]
    pub status: Status,
    pub checked_at: DateTime<Utc>,
    pub components: Vec<ComponentView>,
    /// The halt of automatic synchronization with 1C ZUP in force, if any.
    pub sync_halt: Option<SyncHalt>,
}

impl HealthReport {
    /// What alert rules read of each component.
    pub fn signals(&self) -> Vec<ComponentSignal> {
        self.components
            .iter()
            .map(|c| ComponentSignal {
                component: c.health.component,
                status: c.health.status,
                sync_halted: c.health.component == Component::ZupPersonnel
                    && self.sync_halt.is_some(),
            })
            .collect()
    }
}

/// Integration health: the probe's state and the latest report.
pub struct Health {
    store: Arc<dyn Store>,
    live: Arc<Live>,
    jobs: Arc<Jobs>,
    probe: Mutex<Probe>,
    latest: RwLock<Option<Arc<HealthReport>>>,
}

/// The 1C calls and jobs of a 1C ZUP component.
fn operations(c: Component) -> (&'static [&'static str], &'static [JobKind]) {
    use crate::integrations::zup::contract::*;
    match c {
        Component::ZupPersonnel => (&[AGENTS], &[JobKind::PersonnelSync]),
        Component::ZupScheduleUpload => (&[SEND_SCHEDULE], &[JobKind::ScheduleUpload]),
        Component::ZupTimesheet => (
            &[GET_TIMETYPE_INFO, SEND_FACT_WORK_TIME],
            &[JobKind::TimetypeFetch, JobKind::FactWorktimeUpload],
        ),
        _ => (&[], &[]),
    }
}

/// The syncs of `kinds` that ended in `state`: (last day, last hour). Counted per job as it
/// ended last, not per step of the log: a sync that failed, was requeued and succeeded is one
/// success, so the failure it mended no longer holds the component degraded.
fn counted(finished: &[FinishedJobs], kinds: &[JobKind], state: JobState) -> (u64, u64) {
    finished
        .iter()
        .filter(|f| f.state == state && kinds.contains(&f.kind))
        .fold((0, 0), |(d, h), f| (d + f.day, h + f.hour))
}

impl Health {
    pub fn new(store: Arc<dyn Store>, live: Arc<Live>, jobs: Arc<Jobs>) -> Self {
        Health {
            store,
            live,
            jobs,
            probe: Mutex::new(Probe::default()),
            latest: RwLock::new(None),
        }
    }

    /// The report last computed by the background task, if any yet.
    pub fn latest(&self) -> Option<Arc<HealthReport>> {
        self.latest.read().clone()
    }

    /// Whether 1C ZUP does not answer now: its probe failing with no call answered since
    /// (`answered`: the newest successful call, as the report counts it too), or the
    /// circuit not closed.
    pub fn zup_unavailable(&self, answered: Option<DateTime<Utc>>) -> bool {
        let failing = {
            let p = self.probe.lock();
            p.failing_since
                .is_some_and(|f| p.last_ok.max(answered).is_none_or(|ok| ok < f))
        };
        failing || self.jobs.zup.circuit().0 != CircuitState::Closed
    }

    /// The contact center's health policy as the registry holds it.
    async fn contact_center_policy(&self) -> StoreResult<HealthPolicy> {
        Ok(self
            .store
            .integration_systems()
            .await?
            .into_iter()
            .find(|s| s.system == "contact_center")
            .and_then(|s| serde_json::from_value::<SystemConfig>(s.config).ok())
            .map(|c| c.health)
            .unwrap_or_default())
    }

    /// Every component's health at `now`.
    pub async fn report(&self, now: DateTime<Utc>) -> StoreResult<HealthReport> {
        let cc = self.contact_center_policy().await?.thresholds();
        let zup_settings = self.jobs.zup.settings();
        let zt = zup_settings.health.thresholds();
        let published = self.live.snapshot();
        let realtime = &published.realtime;
        let expected = realtime
            .sites
            .iter()
            .any(|s| s.all.planned > 0 || s.all.online > 0);
        let status = self.live.feed_observation(Feed::Status, now, &cc, expected);
        let calls = self.live.feed_observation(Feed::Calls, now, &cc, expected);
        let status = health::assess_feed(Component::ContactCenterStatus, &status, true, now, &cc);
        let call_feed = health::assess_feed(Component::CallEvents, &calls, false, now, &cc);
        let queue = health::assess_queue(
            &QueueObservation {
                groups: u32::try_from(realtime.groups.len()).unwrap_or(u32::MAX),
                gaps: gaps(realtime),
                implausible: realtime
                    .data_quality
                    .iter()
                    .map(|f| format!("{} {}", f.scope, f.flag.field))
                    .collect(),
                newest_call_at: calls.newest_at,
                call_feed: call_feed.status,
            },
            now,
        );
        let mut components = vec![
            ComponentView {
                name: Component::ContactCenterStatus.name(),
                health: status,
                circuit_state: None,
            },
            ComponentView {
                name: Component::CallEvents.name(),
                health: call_feed,
                circuit_state: None,
            },
            ComponentView {
                name: Component::QueueStatistics.name(),
                health: queue,
                circuit_state: None,
            },
        ];

        let outcomes = self
            .store
            .integration_outcomes(
                now - chrono::Duration::days(1),
                now - chrono::Duration::hours(1),
            )
            .await?;
        let finished = self
            .store
            .finished_jobs(
                now - chrono::Duration::days(1),
                now - chrono::Duration::hours(1),
            )
            .await?;
        let successes = self.store.last_successes().await?;
        let halt = self.store.sync_halt(SYSTEM).await?;
        let dead = self
            .store
            .list_jobs(&JobFilter {
                state: Some(JobState::Dead),
                limit: 100,
                ..JobFilter::default()
            })
            .await?;
        let (circuit, _) = self.jobs.zup.circuit();
        let answered = outcomes
            .iter()
            .filter(|r| r.system == SYSTEM && r.outcome == "success")
            .map(|r| r.newest_at)
            .max();
        let probe = self.probe.lock().clone();
        let availability = Availability {
            last_ok: probe.last_ok.max(answered),
            failing_since: probe.failing_since,
            last_error: probe.last_error.clone(),
            circuit_open: circuit == CircuitState::Open,
        };
        let daily = zup_settings.daily_sync.as_ref().is_some_and(|d| d.enabled);
        for c in [
            Component::ZupPersonnel,
            Component::ZupScheduleUpload,
            Component::ZupTimesheet,
        ] {
            let (calls, kinds) = operations(c);
            let calls: Vec<String> = calls.iter().map(|s| s.to_string()).collect();
            let (ok_day, ok_hour) = counted(&finished, kinds, JobState::Succeeded);
            let (failed_day, failed_hour) = counted(&finished, kinds, JobState::Dead);
            let last_success_at = successes
                .iter()
                .filter(|l| l.system == SYSTEM && calls.contains(&l.operation))
                .map(|l| l.at)
                .max();
            let o = SyncObservation {
                last_success_at,
                expected_cycle: (c == Component::ZupPersonnel
                    && daily
                    && last_success_at.is_some())
                .then(|| chrono::Duration::hours(DAILY_CYCLE_HOURS)),
                syncs_hour: Outcomes {
                    ok: ok_hour,
                    failed: failed_hour,
                },
                syncs_day: Outcomes {
                    ok: ok_day,
                    failed: failed_day,
                },
                dead_jobs: dead
                    .iter()
                    .filter(|j| kinds.contains(&j.kind))
                    .map(|j| (j.id, j.last_error.clone().unwrap_or_default()))
                    .collect(),
                halted: halt
                    .as_ref()
                    .filter(|_| c == Component::ZupPersonnel)
                    .map(|h| (h.halted_at, h.reason.clone())),
            };
            components.push(ComponentView {
                name: c.name(),
                health: health::assess_sync(c, &o, &availability, now, &zt),
                circuit_state: Some(circuit),
            });
        }
        let all: Vec<ComponentHealth> = components.iter().map(|c| c.health.clone()).collect();
        Ok(HealthReport {
            status: health::overall(&all),
            checked_at: now,
            components,
            sync_halt: halt,
        })
    }

    /// Asks 1C ZUP once and notes the answer; a change of state is a row of the activity log.
    async fn probe_once(&self) {
        let outcome = self.jobs.zup.probe().await;
        let now = Utc::now();
        let changed = {
            let mut p = self.probe.lock();
            let was_failing = p.failing_since.is_some();
            match &outcome {
                Ok(()) => {
                    p.last_ok = Some(now);
                    p.failing_since = None;
                    p.last_error = None;
                }
                Err(why) => {
                    p.failing_since.get_or_insert(now);
                    p.last_error = Some(why.clone());
                }
            }
            // The first probe's answer is news only when it fails.
            was_failing != p.failing_since.is_some()
        };
        if changed {
            let (level, text) = match &outcome {
                Ok(()) => ("reachable", None),
                Err(why) => ("unreachable", Some(why.clone())),
            };
            // Unreachable is a problem; reachable again is its all-clear.
            match &text {
                Some(error) => tracing::warn!(outcome = level, %error, "1C ZUP health probe"),
                None => tracing::info!(outcome = level, "1C ZUP health probe"),
            }
            let row = NewLogEntry {
                at: now,
                correlation_id: "health-probe".into(),
                system: SYSTEM.into(),
                operation: "probe".into(),
                direction: "internal".into(),
                outcome: level.into(),
                error: text,
                initiator: "health".into(),
                ..NewLogEntry::default()
            };
            if let Err(e) = self.store.append_integration_log(&[row]).await {
                tracing::error!(error = %e, "integration log not written");
            }
        }
    }

    /// Probes 1C ZUP at its policy's period until `stop`; a period changed in the
    /// registry counts from the last probe.
    async fn run_probe(&self, mut stop: watch::Receiver<bool>) {
        while !*stop.borrow() {
            self.probe_once().await;
            let probed = tokio::time::Instant::now();
            loop {
                let every = Duration::from_millis(self.jobs.zup.settings().health.probe_every_ms);
                if probed.elapsed() >= every || *stop.borrow() {
                    break;
                }
                tokio::select! {
                    _ = tokio::time::sleep(PROBE_TICK.min(every)) => {}
                    _ = stop.changed() => {}
                }
            }
        }
    }

    /// Recomputes the report every second until `stop`, and tells the live pipeline the
    /// contact center's expected cycle.
    async fn run_reports(&self, mut stop: watch::Receiver<bool>) {
        while !*stop.borrow() {
            match self.contact_center_policy().await {
                Ok(p) => self.live.set_freshness_cycle(p.thresholds().degraded_after),
                Err(e) => tracing::warn!(error = %e, "health policy not read"),
            }
            match self.report(Utc::now()).await {
                Ok(r) => {
                    *self.latest.write() = Some(Arc::new(r));
                }
                Err(e) => tracing::warn!(error = %e, "integration health not computed"),
            }
            tokio::select! {
                _ = tokio::time::sleep(REPORT_EVERY) => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// Probes 1C ZUP and keeps the report current until `stop`.
    pub async fn run(self: Arc<Self>, stop: watch::Receiver<bool>) {
        tokio::join!(self.run_probe(stop.clone()), self.run_reports(stop));
    }
}

/// Groups whose queue statistics lack key figures: with calls today but no service level,
/// ACD or abandonment (flagged values aside), or with no call in the window although at
/// least 5 are forecast.
fn gaps(realtime: &crate::live::view::Realtime) -> Vec<GroupGap> {
    let flagged: BTreeMap<String, Vec<&str>> =
        realtime
            .data_quality
            .iter()
            .fold(BTreeMap::new(), |mut m, f| {
                m.entry(f.scope.clone())
                    .or_insert_with(Vec::new)
                    .push(f.flag.field);
                m
            });
    let mut out = Vec::new();
    for g in &realtime.groups {
        let f = &g.figures;
        let key = format!("group:{}", g.group_id);
        let skip = flagged.get(&key).cloned().unwrap_or_default();
        let value = |i: Indicator| f.indicators.iter().find(|v| v.indicator == i);
        let ended = f.answered_today + f.abandoned_today;
        let mut missing = Vec::new();
        let mut lacks = |present: bool, field: &'static str| {
            if !present && !skip.contains(&field) {
                missing.push(field);
            }
        };
        if f.offered_today > 0 {
            lacks(
                value(Indicator::ServiceLevel).is_some_and(|v| v.value.is_some()),
                "service_level",
            );
            lacks(
                value(Indicator::Acd).is_some_and(|v| v.value.is_some()),
                "acd",
            );
        }
        if ended > 0 {
            lacks(f.abandonment_percent.is_some(), "abandonment_percent");
        }
        let load = value(Indicator::LoadDeviation);
        let forecast = load.and_then(|v| v.plan).unwrap_or(0.0);
        if forecast >= MIN_FORECAST_CALLS
            && load.and_then(|v| v.value) == Some(-100.0)
            && f.queue_now == 0
        {
            missing.push("calls");
        }
        if !missing.is_empty() {
            out.push(GroupGap {
                name: g.name.clone(),
                missing,
            });
        }
    }
    out
}
