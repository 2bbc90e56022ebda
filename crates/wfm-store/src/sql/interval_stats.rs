//! The indicator history's tables: interval records per group and adherence records per
//! operator, upserted in batches (one transaction, so a batch lands whole) and read by
//! range for a set of groups or operators.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{SqlStore, codec, time};
use crate::error::{StoreError, StoreResult};
use crate::history::{AdherenceRecord, IntervalRecord};
use crate::store::IntervalHistory;

/// Ids per `IN (...)` list: well under either backend's limit on bound parameters.
const IDS_PER_QUERY: usize = 500;

fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "interval statistics")
}

const INTERVAL_COLUMNS: &str = "group_id, interval_start, interval_seconds, arrivals, offered, \
     answered, answered_within_target, abandoned, short_abandoned, handled, handle_seconds, \
     wait_seconds, forecast_calls, forecast_answered, forecast_handle_seconds, planned_minutes, \
     online_minutes, required_minutes, sl_target_percent";

fn interval_from_row(r: &AnyRow) -> Result<IntervalRecord, sqlx::Error> {
    Ok(IntervalRecord {
        group_id: r.try_get("group_id")?,
        interval_start: time::from_ms(r.try_get("interval_start")?)?,
        interval_seconds: r.try_get("interval_seconds")?,
        arrivals: r.try_get("arrivals")?,
        offered: r.try_get("offered")?,
        answered: r.try_get("answered")?,
        answered_within_target: r.try_get("answered_within_target")?,
        abandoned: r.try_get("abandoned")?,
        short_abandoned: r.try_get("short_abandoned")?,
        handled: r.try_get("handled")?,
        handle_seconds: r.try_get("handle_seconds")?,
        wait_seconds: r.try_get("wait_seconds")?,
        forecast_calls: r.try_get("forecast_calls")?,
        forecast_answered: r.try_get("forecast_answered")?,
        forecast_handle_seconds: r.try_get("forecast_handle_seconds")?,
        planned_minutes: r.try_get("planned_minutes")?,
        online_minutes: r.try_get("online_minutes")?,
        required_minutes: r.try_get("required_minutes")?,
        sl_target_percent: r.try_get("sl_target_percent")?,
    })
}

fn adherence_from_row(r: &AnyRow) -> Result<AdherenceRecord, sqlx::Error> {
    Ok(AdherenceRecord {
        agent_id: r.try_get("agent_id")?,
        interval_start: time::from_ms(r.try_get("interval_start")?)?,
        interval_seconds: r.try_get("interval_seconds")?,
        scheduled_minutes: r.try_get("scheduled_minutes")?,
        adherent_minutes: r.try_get("adherent_minutes")?,
    })
}

/// `$first, $first+1, ...` for `n` parameters.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[async_trait]
impl IntervalHistory for SqlStore {
    /// Inserts or replaces the records of a batch, in one transaction.
    async fn upsert_interval_stats(
        &self,
        groups: &[IntervalRecord],
        operators: &[AdherenceRecord],
    ) -> StoreResult<()> {
        if groups.is_empty() && operators.is_empty() {
            return Ok(());
        }
        let interval_sql = format!(
            "INSERT INTO interval_stats ({INTERVAL_COLUMNS}) VALUES ({}) \
             ON CONFLICT (group_id, interval_start) DO UPDATE SET {}",
            placeholders(1, 19),
            INTERVAL_COLUMNS
                .split(", ")
                .map(str::trim)
                .filter(|c| *c != "group_id" && *c != "interval_start")
                .map(|c| format!("{c} = excluded.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut tx = self.begin_write().await?;
        for r in groups {
            sqlx::query(&interval_sql)
                .bind(r.group_id)
                .bind(r.interval_start.timestamp_millis())
                .bind(r.interval_seconds)
                .bind(r.arrivals)
                .bind(r.offered)
                .bind(r.answered)
                .bind(r.answered_within_target)
                .bind(r.abandoned)
                .bind(r.short_abandoned)
                .bind(r.handled)
                .bind(r.handle_seconds)
                .bind(r.wait_seconds)
                .bind(r.forecast_calls)
                .bind(r.forecast_answered)
                .bind(r.forecast_handle_seconds)
                .bind(r.planned_minutes)
                .bind(r.online_minutes)
                .bind(codec::NullableDouble(r.required_minutes))
                .bind(r.sl_target_percent)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
        }
        for r in operators {
            sqlx::query(
                "INSERT INTO adherence_stats (agent_id, interval_start, interval_seconds, \
                 scheduled_minutes, adherent_minutes) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (agent_id, interval_start) DO UPDATE SET \
                 interval_seconds = excluded.interval_seconds, \
                 scheduled_minutes = excluded.scheduled_minutes, \
                 adherent_minutes = excluded.adherent_minutes",
            )
            .bind(r.agent_id)
            .bind(r.interval_start.timestamp_millis())
            .bind(r.interval_seconds)
            .bind(r.scheduled_minutes)
            .bind(r.adherent_minutes)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        }
        tx.commit().await.map_err(err)
    }

    /// Interval records of `group_ids` starting in [from, to), by group and start.
    async fn interval_stats(
        &self,
        group_ids: &[i64],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<IntervalRecord>> {
        let mut ids = group_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut conn = self.acquire().await?;
        let mut records = Vec::new();
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let sql = format!(
                "SELECT {INTERVAL_COLUMNS} FROM interval_stats WHERE interval_start >= $1 \
                 AND interval_start < $2 AND group_id IN ({}) ORDER BY group_id, interval_start",
                placeholders(3, chunk.len())
            );
            let mut query = sqlx::query(&sql)
                .bind(from.timestamp_millis())
                .bind(to.timestamp_millis());
            for id in chunk {
                query = query.bind(*id);
            }
            let rows = query.fetch_all(&mut *conn).await.map_err(err)?;
            for row in &rows {
                records.push(interval_from_row(row).map_err(err)?);
            }
        }
        Ok(records)
    }

    /// Adherence records starting in [from, to), of `agent_ids` (of everyone when empty),
    /// by operator and start.
    async fn adherence_stats(
        &self,
        agent_ids: &[i64],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<AdherenceRecord>> {
        const COLUMNS: &str =
            "agent_id, interval_start, interval_seconds, scheduled_minutes, adherent_minutes";
        let mut conn = self.acquire().await?;
        let mut ids = agent_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let chunks: Vec<&[i64]> = if ids.is_empty() {
            vec![&[]]
        } else {
            ids.chunks(IDS_PER_QUERY).collect()
        };
        let mut records = Vec::new();
        for chunk in chunks {
            let only = if chunk.is_empty() {
                String::new()
            } else {
                format!(" AND agent_id IN ({})", placeholders(3, chunk.len()))
            };
            let sql = format!(
                "SELECT {COLUMNS} FROM adherence_stats WHERE interval_start >= $1 \
                 AND interval_start < $2{only} ORDER BY agent_id, interval_start"
            );
            let mut query = sqlx::query(&sql)
                .bind(from.timestamp_millis())
                .bind(to.timestamp_millis());
            for id in chunk {
                query = query.bind(*id);
            }
            let rows = query.fetch_all(&mut *conn).await.map_err(err)?;
            for row in &rows {
                records.push(adherence_from_row(row).map_err(err)?);
            }
        }
        Ok(records)
    }
}
