//! The durable sync-job queue: enqueue with idempotency keys, claim by lease (FIFO per queue
//! key, safe with several workers on either backend), progress, finish (a wait for the
//! partner gives its attempt back), requeue, and counts of jobs by state and by how they ended.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{SqlStore, audit, codec, time};
use crate::error::{StoreError, StoreResult};
use crate::integration::{FinishedJobs, Job, JobFilter, JobKind, JobOutcome, JobState, NewJob};
use crate::model::Actor;
use crate::store::JobQueue;

/// Whether a `sync_jobs` row may be claimed at `$1` (ms): due, or held by a lease that ran
/// out; and its queue key has no older job still to finish nor another job running under a
/// live lease (a requeued old job must not run beside a newer one).
const RUNNABLE: &str = "((sync_jobs.state IN ('queued', 'retrying') AND sync_jobs.run_after <= $1) \
     OR (sync_jobs.state = 'running' AND sync_jobs.lease_until < $1)) \
     AND NOT EXISTS (SELECT 1 FROM sync_jobs older WHERE older.queue_key = sync_jobs.queue_key \
         AND older.id < sync_jobs.id AND older.state NOT IN ('succeeded', 'dead')) \
     AND NOT EXISTS (SELECT 1 FROM sync_jobs other WHERE other.queue_key = sync_jobs.queue_key \
         AND other.id > sync_jobs.id AND other.state = 'running' AND other.lease_until >= $1)";

/// How many runnable jobs one claim round tries, oldest first, before looking again: with
/// several workers racing for the oldest, the losers move on to the next instead of failing.
const CANDIDATES: i64 = 16;
/// Claim rounds before giving up (each round lost means other workers took every candidate).
const ROUNDS: usize = 5;

fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "job")
}

fn not_found(id: i64) -> StoreError {
    StoreError::NotFound {
        entity: "job",
        id: id.to_string(),
    }
}

fn not_held(id: i64, worker: &str) -> StoreError {
    StoreError::Conflict(format!("job {id} is not running under worker {worker}"))
}

fn from_row(row: &AnyRow) -> Result<Job, sqlx::Error> {
    let decode = |e: String| sqlx::Error::Decode(e.into());
    let kind: String = row.try_get("kind")?;
    let state: String = row.try_get("state")?;
    let small = |col: &str| -> Result<u32, sqlx::Error> {
        let v: i64 = row.try_get(col)?;
        u32::try_from(v).map_err(|e| decode(format!("{col}: {e}")))
    };
    Ok(Job {
        id: row.try_get("id")?,
        kind: JobKind::parse(&kind).ok_or_else(|| decode(format!("unknown job kind {kind}")))?,
        scope: codec::json(row, "scope")?,
        queue_key: row.try_get("queue_key")?,
        idempotency_key: row.try_get("idempotency_key")?,
        state: JobState::parse(&state)
            .ok_or_else(|| decode(format!("unknown job state {state}")))?,
        attempts: small("attempts")?,
        max_attempts: small("max_attempts")?,
        progress_done: codec::unsigned(row, "progress_done")?,
        progress_total: codec::unsigned(row, "progress_total")?,
        result: codec::opt_json(row, "result")?,
        last_error: row.try_get("last_error")?,
        run_after: time::from_ms(row.try_get("run_after")?)?,
        lease_owner: row.try_get("lease_owner")?,
        lease_until: time::opt_from_ms(row.try_get("lease_until")?)?,
        initiator: row.try_get("initiator")?,
        correlation_id: row.try_get("correlation_id")?,
        created_at: time::from_ms(row.try_get("created_at")?)?,
        updated_at: time::from_ms(row.try_get("updated_at")?)?,
        started_at: time::opt_from_ms(row.try_get("started_at")?)?,
        finished_at: time::opt_from_ms(row.try_get("finished_at")?)?,
    })
}

async fn fetch(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<Job>> {
    sqlx::query("SELECT * FROM sync_jobs WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(err)?
        .map(|r| from_row(&r).map_err(err))
        .transpose()
}

async fn by_idempotency_key(conn: &mut AnyConnection, key: &str) -> StoreResult<Option<Job>> {
    sqlx::query("SELECT * FROM sync_jobs WHERE idempotency_key = $1")
        .bind(key)
        .fetch_optional(conn)
        .await
        .map_err(err)?
        .map(|r| from_row(&r).map_err(err))
        .transpose()
}

/// A job as its audit entry shows it: without its result and last error, which may name
/// 1C employees (report lines, refusals); the audit log is append-only and would keep them
/// past an erasure. The job itself shows them, and an erasure scrubs them there.
fn audited(job: &Job) -> Job {
    Job {
        result: None,
        last_error: None,
        ..job.clone()
    }
}

fn json_text(v: &serde_json::Value) -> StoreResult<String> {
    serde_json::to_string(v).map_err(StoreError::caused)
}

#[async_trait]
impl JobQueue for SqlStore {
    /// Inserts a queued job (audited), or returns the job an earlier enqueue with the same
    /// idempotency key made.
    async fn enqueue_job(&self, job: &NewJob, actor: &Actor) -> StoreResult<(Job, bool)> {
        let mut tx = self.begin_write().await?;
        if let Some(key) = &job.idempotency_key {
            if let Some(existing) = by_idempotency_key(&mut tx, key).await? {
                tx.commit().await.map_err(err)?;
                return Ok((existing, false));
            }
        }
        let now = time::now_ms();
        // DO NOTHING covers the race with a concurrent enqueue of the same key: PostgreSQL
        // waits for the other transaction, then the lookup below reads its job.
        let row = sqlx::query(
            "INSERT INTO sync_jobs (kind, scope, queue_key, idempotency_key, state, attempts, \
             max_attempts, progress_done, progress_total, run_after, initiator, correlation_id, \
             created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'queued', 0, $5, 0, 0, $6, $7, $8, $6, $6) \
             ON CONFLICT (idempotency_key) DO NOTHING RETURNING *",
        )
        .bind(job.kind.as_str())
        .bind(json_text(&job.scope)?)
        .bind(&job.queue_key)
        .bind(job.idempotency_key.as_deref())
        .bind(i64::from(job.max_attempts))
        .bind(now)
        .bind(&job.initiator)
        .bind(&job.correlation_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(err)?;
        let Some(row) = row else {
            let key = job.idempotency_key.as_deref().unwrap_or_default();
            let existing = by_idempotency_key(&mut tx, key)
                .await?
                .ok_or_else(|| StoreError::other("a job insert was skipped without a clash"))?;
            tx.commit().await.map_err(err)?;
            return Ok((existing, false));
        };
        let created = from_row(&row).map_err(err)?;
        let id = created.id.to_string();
        audit::commit(
            tx,
            actor,
            "create",
            "sync_job",
            &id,
            None,
            Some(&audited(&created)),
        )
        .await?;
        Ok((created, true))
    }

    /// Claims the oldest runnable job: selects candidates, then takes one with a
    /// compare-and-set update that re-checks the same condition, so of several workers
    /// racing for a job exactly one wins.
    async fn claim_job(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<Option<Job>> {
        let now_ms = now.timestamp_millis();
        let select = format!("SELECT id FROM sync_jobs WHERE {RUNNABLE} ORDER BY id LIMIT $2");
        let update = format!(
            "UPDATE sync_jobs SET state = 'running', attempts = attempts + 1, lease_owner = $2, \
             lease_until = $3, started_at = COALESCE(started_at, $1), updated_at = $4 \
             WHERE id = $5 AND {RUNNABLE} RETURNING *"
        );
        for _ in 0..ROUNDS {
            let mut tx = self.begin_write().await?;
            let ids: Vec<i64> = sqlx::query(&select)
                .bind(now_ms)
                .bind(CANDIDATES)
                .fetch_all(&mut *tx)
                .await
                .map_err(err)?
                .iter()
                .map(|r| r.try_get("id"))
                .collect::<Result<_, _>>()
                .map_err(err)?;
            if ids.is_empty() {
                tx.commit().await.map_err(err)?;
                return Ok(None);
            }
            for id in ids {
                let row = sqlx::query(&update)
                    .bind(now_ms)
                    .bind(worker)
                    .bind(lease_until.timestamp_millis())
                    .bind(time::now_ms())
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(err)?;
                if let Some(row) = row {
                    let job = from_row(&row).map_err(err)?;
                    tx.commit().await.map_err(err)?;
                    return Ok(Some(job));
                }
            }
            tx.commit().await.map_err(err)?;
        }
        Ok(None)
    }

    /// Records progress and extends the lease of a job `worker` holds.
    async fn job_progress(
        &self,
        id: i64,
        worker: &str,
        done: u64,
        total: u64,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE sync_jobs SET progress_done = $1, progress_total = $2, lease_until = $3, \
             updated_at = $4 WHERE id = $5 AND state = 'running' AND lease_owner = $6",
        )
        .bind(codec::count(done))
        .bind(codec::count(total))
        .bind(lease_until.timestamp_millis())
        .bind(time::now_ms())
        .bind(id)
        .bind(worker)
        .execute(&mut *tx)
        .await
        .map_err(err)?
        .rows_affected();
        if updated == 0 {
            return Err(match fetch(&mut tx, id).await? {
                None => not_found(id),
                Some(_) => not_held(id, worker),
            });
        }
        tx.commit().await.map_err(err)
    }

    /// Ends `worker`'s attempt with its outcome; the lease is released either way. The claim
    /// counted the attempt; a wait gives it back (the read above holds while the update
    /// below finds the job still `worker`'s).
    async fn finish_job(&self, id: i64, worker: &str, outcome: &JobOutcome) -> StoreResult<Job> {
        let mut tx = self.begin_write().await?;
        let current = fetch(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
        if current.state != JobState::Running || current.lease_owner.as_deref() != Some(worker) {
            return Err(not_held(id, worker));
        }
        let now = time::now_ms();
        let attempts = match outcome {
            JobOutcome::Wait { .. } => current.attempts.saturating_sub(1),
            _ => current.attempts,
        };
        let (state, result, error, run_after) = match outcome {
            JobOutcome::Succeeded { result } => (JobState::Succeeded, Some(result), None, None),
            JobOutcome::Wait {
                error,
                run_after,
                result,
            } => (
                JobState::Retrying,
                result.as_ref(),
                Some(error),
                Some(run_after.timestamp_millis()),
            ),
            JobOutcome::Retry {
                error,
                run_after,
                result,
            } => {
                let state = if current.attempts >= current.max_attempts {
                    JobState::Dead
                } else {
                    JobState::Retrying
                };
                (
                    state,
                    result.as_ref(),
                    Some(error),
                    Some(run_after.timestamp_millis()),
                )
            }
            JobOutcome::Dead { error, result } => {
                (JobState::Dead, result.as_ref(), Some(error), None)
            }
        };
        let finished_at = state.is_final().then_some(now);
        let result = result.map(json_text).transpose()?;
        // The holder is checked again in the update: a lease that ran out may have been
        // claimed by another worker since the read (PostgreSQL does not serialize them).
        let row = sqlx::query(
            "UPDATE sync_jobs SET state = $1, result = COALESCE($2, result), \
             last_error = COALESCE($3, last_error), run_after = COALESCE($4, run_after), \
             finished_at = $5, lease_owner = NULL, lease_until = NULL, updated_at = $6, \
             attempts = $9 WHERE id = $7 AND state = 'running' AND lease_owner = $8 RETURNING *",
        )
        .bind(state.as_str())
        .bind(result)
        .bind(error.map(String::as_str))
        .bind(run_after)
        .bind(finished_at)
        .bind(now)
        .bind(id)
        .bind(worker)
        .bind(i64::from(attempts))
        .fetch_optional(&mut *tx)
        .await
        .map_err(err)?
        .ok_or_else(|| not_held(id, worker))?;
        let job = from_row(&row).map_err(err)?;
        tx.commit().await.map_err(err)?;
        Ok(job)
    }

    async fn get_job(&self, id: i64) -> StoreResult<Job> {
        let mut conn = self.acquire().await?;
        fetch(&mut conn, id).await?.ok_or_else(|| not_found(id))
    }

    /// Jobs matching the filter, newest first.
    async fn list_jobs(&self, f: &JobFilter) -> StoreResult<Vec<Job>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(
            "SELECT * FROM sync_jobs WHERE ($1 IS NULL OR state = $1) AND ($2 IS NULL OR kind = $2) \
             AND ($3 IS NULL OR correlation_id = $3) AND ($4 IS NULL OR id < $4) \
             ORDER BY id DESC LIMIT $5",
        )
        .bind(f.state.map(JobState::as_str))
        .bind(f.kind.map(JobKind::as_str))
        .bind(f.correlation_id.as_deref())
        .bind(f.before_id)
        .bind(i64::from(f.limit.clamp(1, 1000)))
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?;
        rows.iter()
            .map(from_row)
            .collect::<Result<_, _>>()
            .map_err(err)
    }

    /// Puts a dead job back in the queue, attempts reset, last error kept (audited).
    async fn requeue_job(&self, id: i64, actor: &Actor) -> StoreResult<Job> {
        let mut tx = self.begin_write().await?;
        let before = fetch(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
        if before.state != JobState::Dead {
            return Err(StoreError::Conflict(format!(
                "job {id} is {}: only a dead job can be requeued",
                before.state.as_str()
            )));
        }
        let now = time::now_ms();
        let row = sqlx::query(
            "UPDATE sync_jobs SET state = 'queued', attempts = 0, progress_done = 0, \
             progress_total = 0, run_after = $1, lease_owner = NULL, lease_until = NULL, \
             finished_at = NULL, updated_at = $1 WHERE id = $2 AND state = 'dead' RETURNING *",
        )
        .bind(now)
        .bind(id)
        .fetch_one(&mut *tx)
        .await
        .map_err(err)?;
        let after = from_row(&row).map_err(err)?;
        let entity_id = id.to_string();
        audit::commit(
            tx,
            actor,
            "requeue",
            "sync_job",
            &entity_id,
            Some(&audited(&before)),
            Some(&audited(&after)),
        )
        .await?;
        Ok(after)
    }

    /// Jobs per state, in the order of `JobState::ALL`; states with none left out.
    async fn job_counts(&self) -> StoreResult<Vec<(JobState, u64)>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM sync_jobs GROUP BY state")
            .fetch_all(&mut *conn)
            .await
            .map_err(err)?;
        let mut counts = Vec::new();
        for row in &rows {
            let state: String = row.try_get("state").map_err(err)?;
            let state = JobState::parse(&state)
                .ok_or_else(|| StoreError::other(format!("unknown job state {state}")))?;
            counts.push((state, codec::unsigned(row, "n").map_err(err)?));
        }
        counts.sort_by_key(|(s, _)| JobState::ALL.iter().position(|a| a == s));
        Ok(counts)
    }

    /// Jobs ended at or after `day_since` per kind and final state, those ended at or after
    /// `hour_since` counted apart. The job row holds how a job ended last (a requeue clears
    /// `finished_at`), so each job counts once, unlike the log's steps.
    async fn finished_jobs(
        &self,
        day_since: DateTime<Utc>,
        hour_since: DateTime<Utc>,
    ) -> StoreResult<Vec<FinishedJobs>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(
            "SELECT kind, state, COUNT(*) AS day, \
             SUM(CASE WHEN finished_at >= $2 THEN 1 ELSE 0 END) AS hour FROM sync_jobs \
             WHERE state IN ('succeeded', 'dead') AND finished_at >= $1 \
             GROUP BY kind, state ORDER BY kind, state",
        )
        .bind(day_since.timestamp_millis())
        .bind(hour_since.timestamp_millis())
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?;
        let mut out = Vec::new();
        for row in &rows {
            let kind: String = row.try_get("kind").map_err(err)?;
            let state: String = row.try_get("state").map_err(err)?;
            out.push(FinishedJobs {
                kind: JobKind::parse(&kind)
                    .ok_or_else(|| StoreError::other(format!("unknown job kind {kind}")))?,
                state: JobState::parse(&state)
                    .ok_or_else(|| StoreError::other(format!("unknown job state {state}")))?,
                day: codec::unsigned(row, "day").map_err(err)?,
                hour: codec::unsigned(row, "hour").map_err(err)?,
            });
        }
        Ok(out)
    }
}
