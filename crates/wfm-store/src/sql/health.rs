//! Integration health: accepted events per kind and receipt bucket (read by receipt time,
//! indexed), integration log outcomes per operation over a day and its last hour, and the
//! halts of automatic synchronization (one in force per system, held by a partial unique
//! index; halting and resuming audited).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{SqlStore, audit, codec, time};
use crate::error::{StoreError, StoreResult, is_unique_violation};
use crate::health::{EventActivity, NewSyncHalt, OperationOutcome, SyncHalt};
use crate::model::Actor;
use crate::store::IntegrationHealth;

/// How an operator state change starts in the log (the event kind's tag comes first).
const STATUS_BODY: &str = "{\"type\":\"agent_state_changed\"%";

fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "sync halt")
}

fn count(row: &AnyRow, col: &str) -> Result<u64, sqlx::Error> {
    let v: i64 = row.try_get(col)?;
    u64::try_from(v).map_err(|e| sqlx::Error::Decode(format!("{col}: {e}").into()))
}

fn halt_from_row(row: &AnyRow) -> Result<SyncHalt, sqlx::Error> {
    Ok(SyncHalt {
        id: row.try_get("id")?,
        system: row.try_get("system")?,
        halted_at: time::from_ms(row.try_get("halted_at")?)?,
        reason: row.try_get("reason")?,
        details: codec::json(row, "details")?,
        halted_by: row.try_get("halted_by")?,
        resumed_at: time::opt_from_ms(row.try_get("resumed_at")?)?,
        resumed_by: row.try_get("resumed_by")?,
        resume_note: row.try_get("resume_note")?,
        accept_next: row.try_get::<i64, _>("accept_next")? != 0,
        accept_used_at: time::opt_from_ms(row.try_get("accept_used_at")?)?,
    })
}

/// What the audit log shows of a halt: everything but the check's details.
fn audit_view(h: &SyncHalt) -> serde_json::Value {
    json!({
        "system": h.system,
        "halted_at": h.halted_at,
        "reason": h.reason,
        "halted_by": h.halted_by,
        "resumed_at": h.resumed_at,
        "resumed_by": h.resumed_by,
        "resume_note": h.resume_note,
        "accept_next": h.accept_next,
    })
}

#[async_trait]
impl IntegrationHealth for SqlStore {
    /// Accepted events received at or after `since`, per kind class (`status`, `call`)
    /// and bucket of `bucket_ms` of receipt time, by class and bucket.
    async fn event_activity(
        &self,
        since: DateTime<Utc>,
        bucket_ms: i64,
    ) -> StoreResult<Vec<EventActivity>> {
        let bucket_ms = bucket_ms.max(1);
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(
            "SELECT class, bucket, COUNT(*) AS events, MAX(at) AS newest_at, \
             MAX(received_at) AS newest_received_at, MAX(received_at - at) AS max_delay_ms \
             FROM (SELECT CASE WHEN body LIKE $3 THEN 'status' ELSE 'call' END AS class, \
             (received_at / $2) * $2 AS bucket, at, received_at FROM events \
             WHERE received_at >= $1) AS e GROUP BY class, bucket ORDER BY class, bucket",
        )
        .bind(since.timestamp_millis())
        .bind(bucket_ms)
        .bind(STATUS_BODY)
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?;
        rows.iter()
            .map(|r| -> Result<EventActivity, sqlx::Error> {
                Ok(EventActivity {
                    class: r.try_get("class")?,
                    bucket_start: time::from_ms(r.try_get("bucket")?)?,
                    events: count(r, "events")?,
                    newest_at: time::from_ms(r.try_get("newest_at")?)?,
                    newest_received_at: time::from_ms(r.try_get("newest_received_at")?)?,
                    max_delay_ms: r.try_get("max_delay_ms")?,
                })
            })
            .collect::<Result<_, _>>()
            .map_err(err)
    }

    /// Log rows at or after `day_since` per system, operation and outcome, with those at or
    /// after `hour_since` counted apart.
    async fn integration_outcomes(
        &self,
        day_since: DateTime<Utc>,
        hour_since: DateTime<Utc>,
    ) -> StoreResult<Vec<OperationOutcome>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(
            "SELECT system, operation, outcome, COUNT(*) AS day, \
             SUM(CASE WHEN at >= $2 THEN 1 ELSE 0 END) AS hour, MAX(at) AS newest_at \
             FROM integration_log WHERE at >= $1 GROUP BY system, operation, outcome \
             ORDER BY system, operation, outcome",
        )
        .bind(day_since.timestamp_millis())
        .bind(hour_since.timestamp_millis())
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?;
        rows.iter()
            .map(|r| -> Result<OperationOutcome, sqlx::Error> {
                Ok(OperationOutcome {
                    system: r.try_get("system")?,
                    operation: r.try_get("operation")?,
                    outcome: r.try_get("outcome")?,
                    day: count(r, "day")?,
                    hour: count(r, "hour")?,
                    newest_at: time::from_ms(r.try_get("newest_at")?)?,
                })
            })
            .collect::<Result<_, _>>()
            .map_err(err)
    }

    /// The halt in force for `system`.
    async fn sync_halt(&self, system: &str) -> StoreResult<Option<SyncHalt>> {
        let mut conn = self.acquire().await?;
        sqlx::query("SELECT * FROM sync_halts WHERE system = $1 AND resumed_at IS NULL")
            .bind(system)
            .fetch_optional(&mut *conn)
            .await
            .map_err(err)?
            .map(|r| halt_from_row(&r))
            .transpose()
            .map_err(err)
    }

    /// Halts `system`'s automatic sync (audited); the halt already in force and `false`
    /// when there is one.
    async fn halt_sync(&self, h: &NewSyncHalt, actor: &Actor) -> StoreResult<(SyncHalt, bool)> {
        let mut tx = self.begin_write().await?;
        let existing =
            sqlx::query("SELECT * FROM sync_halts WHERE system = $1 AND resumed_at IS NULL")
                .bind(&h.system)
                .fetch_optional(&mut *tx)
                .await
                .map_err(err)?
                .map(|r| halt_from_row(&r))
                .transpose()
                .map_err(err)?;
        if let Some(existing) = existing {
            return Ok((existing, false));
        }
        let inserted = sqlx::query(
            "INSERT INTO sync_halts (system, halted_at, reason, details, halted_by, accept_next) \
             VALUES ($1, $2, $3, $4, $5, 0) RETURNING *",
        )
        .bind(&h.system)
        .bind(time::now_ms())
        .bind(&h.reason)
        .bind(codec::json_text(&h.details)?)
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await;
        let row = match inserted {
            Ok(row) => row,
            // Another instance halted it between the read and the write.
            Err(e) if is_unique_violation(&e) => {
                drop(tx);
                return match self.sync_halt(&h.system).await? {
                    Some(existing) => Ok((existing, false)),
                    None => Err(StoreError::Conflict(format!(
                        "the halt of {} changed meanwhile: try again",
                        h.system
                    ))),
                };
            }
            Err(e) => return Err(err(e)),
        };
        let halt = halt_from_row(&row).map_err(err)?;
        audit::commit(
            tx,
            actor,
            "halt",
            "sync_halt",
            &halt.id.to_string(),
            None,
            Some(&audit_view(&halt)),
        )
        .await?;
        Ok((halt, true))
    }

    /// Lifts the halt in force (audited, with the admin's note); Conflict when none is.
    async fn resume_sync(
        &self,
        system: &str,
        note: &str,
        accept_next: bool,
        actor: &Actor,
    ) -> StoreResult<SyncHalt> {
        let mut tx = self.begin_write().await?;
        let before =
            sqlx::query("SELECT * FROM sync_halts WHERE system = $1 AND resumed_at IS NULL")
                .bind(system)
                .fetch_optional(&mut *tx)
                .await
                .map_err(err)?
                .map(|r| halt_from_row(&r))
                .transpose()
                .map_err(err)?
                .ok_or_else(|| {
                    StoreError::Conflict(format!(
                        "automatic synchronization with {system} is not halted"
                    ))
                })?;
        let row = sqlx::query(
            "UPDATE sync_halts SET resumed_at = $2, resumed_by = $3, resume_note = $4, \
             accept_next = $5 WHERE id = $1 AND resumed_at IS NULL RETURNING *",
        )
        .bind(before.id)
        .bind(time::now_ms())
        .bind(&actor.name)
        .bind(note)
        .bind(i64::from(accept_next))
        .fetch_optional(&mut *tx)
        .await
        .map_err(err)?
        .ok_or_else(|| {
            StoreError::Conflict(format!("the halt of {system} was lifted meanwhile"))
        })?;
        let after = halt_from_row(&row).map_err(err)?;
        audit::commit(
            tx,
            actor,
            "resume",
            "sync_halt",
            &after.id.to_string(),
            Some(&audit_view(&before)),
            Some(&audit_view(&after)),
        )
        .await?;
        Ok(after)
    }

    /// Takes the acceptance of the latest halt, if its resumption gave one not taken yet.
    async fn take_sync_acceptance(&self, system: &str) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query(
            "UPDATE sync_halts SET accept_used_at = $2 WHERE id = \
             (SELECT MAX(id) FROM sync_halts WHERE system = $1) \
             AND resumed_at IS NOT NULL AND accept_next = 1 AND accept_used_at IS NULL \
             RETURNING id",
        )
        .bind(system)
        .bind(time::now_ms())
        .fetch_optional(&mut *tx)
        .await
        .map_err(err)?
        .is_some();
        tx.commit().await.map_err(err)?;
        Ok(taken)
    }

    /// `system`'s halts, newest first.
    async fn sync_halts(&self, system: &str, limit: u32) -> StoreResult<Vec<SyncHalt>> {
        let mut conn = self.acquire().await?;
        let rows =
            sqlx::query("SELECT * FROM sync_halts WHERE system = $1 ORDER BY id DESC LIMIT $2")
                .bind(system)
                .bind(i64::from(limit.clamp(1, 1000)))
                .fetch_all(&mut *conn)
                .await
                .map_err(err)?;
        rows.iter()
            .map(halt_from_row)
            .collect::<Result<_, _>>()
            .map_err(err)
    }
}
