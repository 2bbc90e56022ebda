//! The queue of sync jobs: enqueue (idempotent), claim with a lease, progress, finish,
//! requeue, and the counts health reads. A job's queue key keeps its jobs in order.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::StoreResult;
use crate::integration::*;
use crate::model::*;

#[async_trait]
pub trait JobQueue: Send + Sync {
    /// Enqueues a sync job (audited); when `idempotency_key` was used before, returns that
    /// job and `false`, creating nothing.
    async fn enqueue_job(&self, job: &NewJob, actor: &Actor) -> StoreResult<(Job, bool)>;
    /// Claims the oldest runnable job for `worker` until `lease_until`: queued, or retrying
    /// with `run_after <= now`, or running with a lease expired before `now` (a crashed
    /// worker). Never a job whose queue key has an older job that is not final. The job
    /// becomes running, its attempts grow by one.
    async fn claim_job(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<Option<Job>>;
    /// Records progress and extends the lease; Conflict if `worker` no longer holds the job.
    async fn job_progress(
        &self,
        id: i64,
        worker: &str,
        done: u64,
        total: u64,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Ends `worker`'s attempt; a retry with no attempts left makes the job dead, a wait gives
    /// the attempt back and never does. Conflict if `worker` does not hold the job.
    async fn finish_job(&self, id: i64, worker: &str, outcome: &JobOutcome) -> StoreResult<Job>;
    async fn get_job(&self, id: i64) -> StoreResult<Job>;
    /// Jobs, newest first.
    async fn list_jobs(&self, filter: &JobFilter) -> StoreResult<Vec<Job>>;
    /// Puts a dead job back in the queue with its attempts reset (audited); Conflict unless
    /// the job is dead.
    async fn requeue_job(&self, id: i64, actor: &Actor) -> StoreResult<Job>;
    /// How many jobs are in each state (states with none are left out).
    async fn job_counts(&self) -> StoreResult<Vec<(JobState, u64)>>;
    /// Jobs that ended (succeeded or dead) at or after `day_since`, per kind and state, with
    /// those that ended at or after `hour_since` counted apart; each job once, as it ended
    /// last.
    async fn finished_jobs(
        &self,
        day_since: DateTime<Utc>,
        hour_since: DateTime<Utc>,
    ) -> StoreResult<Vec<FinishedJobs>>;
}
