//! Sync jobs with 1C ZUP: kept in the store's durable queue, run by workers one at a time per
//! queue key (FIFO), retried with backoff, waiting out any outage of 1C ZUP without spending
//! attempts, every attempt and step in the integration activity log under the trigger's
//! correlation id.

pub mod daily;
mod erasure;
pub mod guard;
mod norm;
mod personnel;
mod schedule;
pub mod scope;
mod timesheet;
mod worktime;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};
use tokio::sync::{Notify, watch};
use wfm_store::integration::{Job, JobKind, JobOutcome, NewJob, NewLogEntry, StoredEmployee};
use wfm_store::model::Actor;
use wfm_store::{Store, StoreError, StoreResult};

use crate::integrations::resilience::{CircuitState, backoff};
use crate::integrations::zup::client::{CallContext, ZupClient, ZupError};
use crate::live::Live;
use scope::Scope;

/// How long a claimed job is a worker's before another may take it over.
const LEASE: Duration = Duration::from_secs(60);
/// How often an idle worker looks for jobs other instances enqueued.
const POLL: Duration = Duration::from_secs(1);
/// Backoff of a job between attempts.
const JOB_BACKOFF_BASE: Duration = Duration::from_secs(2);
const JOB_BACKOFF_MAX: Duration = Duration::from_secs(30);

/// The sync jobs: the queue's front door and its workers.
pub struct Jobs {
    store: Arc<dyn Store>,
    pub zup: Arc<ZupClient>,
    live: Arc<Live>,
    wake: Notify,
    /// The last consistency check since start.
    last_check: parking_lot::Mutex<Option<guard::ConsistencyReport>>,
}

/// How 1C ZUP was unavailable to an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    /// The circuit was open: nothing was sent.
    CircuitOpen,
    /// Sent, and no usable answer came (no answer, a timeout, a 5xx) after the call's retries.
    NoAnswer,
}

/// Why an attempt failed; transient failures are tried again.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub transient: bool,
    pub retry_in: Option<Duration>,
    /// What was done before the failure (kept with the job, so a retry can skip it).
    pub partial: Option<Value>,
    /// Set when the failure is 1C ZUP being unavailable.
    pub unavailable: Option<Unavailable>,
}

impl Failure {
    pub fn fatal(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            transient: false,
            retry_in: None,
            partial: None,
            unavailable: None,
        }
    }
    fn with_partial(mut self, partial: Value) -> Self {
        self.partial = Some(partial);
        self
    }
}

impl From<ZupError> for Failure {
    fn from(e: ZupError) -> Self {
        let (retry_in, unavailable) = match &e {
            ZupError::Unavailable {
                retry_in,
                circuit_open,
                ..
            } => (
                *retry_in,
                Some(if *circuit_open {
                    Unavailable::CircuitOpen
                } else {
                    Unavailable::NoAnswer
                }),
            ),
            _ => (None, None),
        };
        Failure {
            message: format!("{e}. Action: {}", e.action()),
            transient: e.is_transient(),
            retry_in,
            partial: None,
            unavailable,
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure {
            transient: matches!(e, StoreError::Other { .. }),
            message: e.to_string(),
            retry_in: None,
            partial: None,
            unavailable: None,
        }
    }
}

/// One attempt at a job, as the job's code sees it.
pub struct Run<'a> {
    jobs: &'a Jobs,
    pub job: &'a Job,
    worker: &'a str,
    pub ctx: CallContext,
    /// The local day the job runs on, in the organization's zone.
    pub today: NaiveDate,
    pub tz: Tz,
    last_progress: parking_lot::Mutex<Option<Instant>>,
}

impl Run<'_> {
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.jobs.store
    }
    pub fn zup(&self) -> &ZupClient {
        &self.jobs.zup
    }
    pub fn live(&self) -> &Live {
        &self.jobs.live
    }
    pub fn actor(&self) -> Actor {
        Actor {
            name: self.job.initiator.clone(),
            correlation_id: self.job.correlation_id.clone(),
        }
    }

    /// Reports progress (written at most twice a second, and always at the end); extends
    /// the lease.
    pub async fn progress(&self, done: u64, total: u64) {
        let due = {
            let mut last = self.last_progress.lock();
            let due =
                done >= total || last.is_none_or(|t| t.elapsed() >= Duration::from_millis(500));
            if due {
                *last = Some(Instant::now());
            }
            due
        };
        if due {
            let lease = Utc::now() + LEASE;
            if let Err(e) = self
                .jobs
                .store
                .job_progress(self.job.id, self.worker, done, total, lease)
                .await
            {
                tracing::warn!(job = self.job.id, error = %e, "progress not recorded");
            }
        }
    }

    /// The synced 1C employees the job covers: those of `scope.agent_ids` (each must be
    /// linked to a 1C employee), else every one linked and active.
    pub async fn employees(&self, scope: &Scope) -> Result<Vec<StoredEmployee>, Failure> {
        let all = self.store().zup_employees().await?;
        if scope.agent_ids.is_empty() {
            return Ok(all.into_iter().filter(|e| e.active).collect());
        }
        let mut out = Vec::new();
        for id in &scope.agent_ids {
            match all.iter().find(|e| e.agent_id == *id) {
                Some(e) => out.push(e.clone()),
                None => {
                    return Err(Failure::fatal(format!(
                        "agent {id} is not linked to a 1C ZUP employee: run personnel_sync first"
                    )));
                }
            }
        }
        Ok(out)
    }
}

impl Jobs {
    pub fn new(store: Arc<dyn Store>, zup: Arc<ZupClient>, live: Arc<Live>) -> Self {
        Jobs {
            store,
            zup,
            live,
            wake: Notify::new(),
            last_check: parking_lot::Mutex::new(None),
        }
    }

    /// The organization's time zone (that of the daily sync in the 1C ZUP registry entry).
    pub fn time_zone(&self) -> Tz {
        self.zup
            .settings()
            .daily_sync
            .and_then(|d| d.time_zone.parse().ok())
            .unwrap_or(chrono_tz::Europe::Moscow)
    }

    /// Wakes idle workers (a job became runnable).
    pub fn wake(&self) {
        self.wake.notify_waiters();
    }

    /// Enqueues a job (its scope already checked) and wakes a worker. A personnel sync is
    /// refused (Conflict) while automatic synchronization is halted.
    pub async fn enqueue(
        &self,
        kind: JobKind,
        scope: &Scope,
        idempotency_key: Option<String>,
        actor: &Actor,
    ) -> StoreResult<(Job, bool)> {
        if kind == JobKind::PersonnelSync {
            self.refuse_if_halted().await?;
        }
        let job = NewJob {
            kind,
            scope: serde_json::to_value(scope).unwrap_or(Value::Null),
            // One queue per kind: uploads of one kind reach 1C in the order they were asked.
            queue_key: format!("zup:{}", kind.as_str()),
            idempotency_key,
            max_attempts: self.zup.settings().retry.job_max_attempts,
            initiator: actor.name.clone(),
            correlation_id: actor.correlation_id.clone(),
        };
        let created = self.store.enqueue_job(&job, actor).await?;
        if created.1 {
            self.log_step(&created.0, "queued", None, None).await;
            self.wake.notify_waiters();
        }
        Ok(created)
    }

    /// Runs `workers` workers until `stop` turns true; a job under way is finished first.
    pub async fn run(self: Arc<Self>, workers: usize, stop: watch::Receiver<bool>) {
        let instance = uuid::Uuid::new_v4().simple().to_string();
        let handles: Vec<_> = (0..workers.max(1))
            .map(|i| {
                let jobs = self.clone();
                let name = format!("{}-{i}", &instance[..8]);
                tokio::spawn(jobs.work(name, stop.clone()))
            })
            .collect();
        for h in handles {
            let _ = h.await;
        }
    }

    async fn work(self: Arc<Self>, worker: String, mut stop: watch::Receiver<bool>) {
        while !*stop.borrow() {
            // While the circuit is open, wait for its probe time instead of spending attempts.
            let idle = match self.zup.circuit() {
                (CircuitState::Open, _) => Some(POLL),
                _ => match self
                    .store
                    .claim_job(&worker, Utc::now(), Utc::now() + LEASE)
                    .await
                {
                    Ok(Some(job)) => {
                        self.attempt(&job, &worker).await;
                        None
                    }
                    Ok(None) => Some(POLL),
                    Err(e) => {
                        tracing::error!(error = %e, "cannot claim jobs");
                        Some(POLL)
                    }
                },
            };
            if let Some(wait) = idle {
                tokio::select! {
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep(wait) => {}
                    _ = stop.changed() => {}
                }
            }
        }
    }

    async fn attempt(&self, job: &Job, worker: &str) {
        let tz = self.time_zone();
        let run = Run {
            jobs: self,
            job,
            worker,
            ctx: CallContext {
                correlation_id: job.correlation_id.clone(),
                initiator: job.initiator.clone(),
                job_id: Some(job.id),
            },
            today: Utc::now().with_timezone(&tz).date_naive(),
            tz,
            last_progress: parking_lot::Mutex::new(None),
        };
        self.log_step(job, "started", None, None).await;
        let outcome = match serde_json::from_value::<Scope>(job.scope.clone()) {
            Err(e) => Err(Failure::fatal(format!(
                "the job's scope is unreadable: {e}"
            ))),
            Ok(scope) => match job.kind {
                JobKind::PersonnelSync => match self.refuse_if_halted().await {
                    // Queued before the halt: it waits for no one, it ends.
                    Err(StoreError::Conflict(why)) => Err(Failure::fatal(why)),
                    Err(e) => Err(e.into()),
                    Ok(()) => personnel::run(&run, &scope).await,
                },
                JobKind::NormHours => norm::run(&run, &scope).await,
                JobKind::ScheduleUpload => schedule::run(&run, &scope).await,
                JobKind::FactWorktimeUpload => worktime::run(&run, &scope).await,
                JobKind::TimetypeFetch => timesheet::run(&run, &scope).await,
            },
        };
        let spent = match &outcome {
            Err(f) if f.transient => self.spends_attempt(f).await,
            _ => true,
        };
        let run_after = |f: &Failure| {
            let wait = backoff(
                job.attempts,
                JOB_BACKOFF_BASE,
                JOB_BACKOFF_MAX,
                rand::random(),
            );
            Utc::now() + wait.max(f.retry_in.unwrap_or_default())
        };
        let (outcome, step, records, error) = match outcome {
            Ok(result) => {
                let records = result.get("records").and_then(Value::as_u64);
                (JobOutcome::Succeeded { result }, "succeeded", records, None)
            }
            Err(f) if f.transient && !spent => {
                let error = f.message.clone();
                (
                    JobOutcome::Wait {
                        run_after: run_after(&f),
                        error: f.message,
                        result: f.partial,
                    },
                    "waiting",
                    None,
                    Some(error),
                )
            }
            Err(f) if f.transient && job.attempts < job.max_attempts => {
                let error = f.message.clone();
                (
                    JobOutcome::Retry {
                        run_after: run_after(&f),
                        error: f.message,
                        result: f.partial,
                    },
                    "retrying",
                    None,
                    Some(error),
                )
            }
            Err(f) => {
                let error = f.message.clone();
                (
                    JobOutcome::Dead {
                        error: f.message,
                        result: f.partial,
                    },
                    "dead",
                    None,
                    Some(error),
                )
            }
        };
        match self.store.finish_job(job.id, worker, &outcome).await {
            Ok(_) => self.log_step(job, step, records, error).await,
            Err(e) => tracing::error!(job = job.id, error = %e, "job outcome not recorded"),
        }
    }

    /// Whether a transiently failed attempt spends one of the job's attempts. Attempts are
    /// there to give up on a job that cannot succeed; waiting for 1C ZUP to come back is no
    /// try at the job, so an outage of any length spends none and the job stays at the head
    /// of its queue until 1C answers. Not spent: refused by the open circuit (nothing was
    /// sent), or no usable answer while 1C does not answer a probe of its address either (it
    /// is down; the circuit's half-open probe failing is this). Spent: no usable answer while
    /// 1C answers its address (this request fails on its own, and a job that keeps failing
    /// so ends dead after its attempts instead of holding its queue for ever), and every
    /// other transient failure (the store's).
    async fn spends_attempt(&self, f: &Failure) -> bool {
        match f.unavailable {
            None => true,
            Some(Unavailable::CircuitOpen) => false,
            Some(Unavailable::NoAnswer) => self.zup.probe().await.is_ok(),
        }
    }

    /// A job step in the activity log (`job.<kind>`, outcome = the step).
    async fn log_step(&self, job: &Job, step: &str, records: Option<u64>, error: Option<String>) {
        let row = NewLogEntry {
            at: Utc::now(),
            correlation_id: job.correlation_id.clone(),
            system: "zup".into(),
            operation: format!("job.{}", job.kind.as_str()),
            direction: "internal".into(),
            outcome: step.into(),
            records,
            error,
            initiator: job.initiator.clone(),
            job_id: Some(job.id),
            ..NewLogEntry::default()
        };
        if let Err(e) = self.store.append_integration_log(&[row]).await {
            tracing::error!(error = %e, "integration log not written");
        }
    }
}

/// A per-item refusal in a job's result: who, 1C's exact message, and what to do.
pub fn refusal(agent_id: i64, employee_id: &str, e: &ZupError) -> Value {
    json!({
        "agent_id": agent_id,
        "employee_id": employee_id,
        "message": match e {
            ZupError::Refused { message, .. } | ZupError::Invalid { message, .. } => message.clone(),
            other => other.to_string(),
        },
        "action": e.action(),
    })
}
