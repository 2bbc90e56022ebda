//! The integration activity log, the registry of integration systems and the stored
//! production calendars.

use async_trait::async_trait;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{SqlStore, audit, codec, time};
use crate::error::{StoreError, StoreResult};
use crate::integration::{
    IntegrationSystem, LastSuccess, LogEntry, LogFilter, NewLogEntry, StoredCalendar,
};
use crate::model::Actor;
use crate::store::Integration;

/// Log rows per INSERT statement (12 parameters each): SQLite's cost of a statement grows
/// with the square of its `$n` parameters, so statements stay at a few hundred.
const LOG_CHUNK: usize = 40;

fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "integration log entry")
}

fn log_from_row(row: &AnyRow) -> Result<LogEntry, sqlx::Error> {
    let status: Option<i64> = row.try_get("http_status")?;
    Ok(LogEntry {
        id: row.try_get("id")?,
        at: time::from_ms(row.try_get("at")?)?,
        correlation_id: row.try_get("correlation_id")?,
        system: row.try_get("system")?,
        operation: row.try_get("operation")?,
        direction: row.try_get("direction")?,
        outcome: row.try_get("outcome")?,
        http_status: status
            .map(|s| {
                u16::try_from(s)
                    .map_err(|e| sqlx::Error::Decode(format!("http_status: {e}").into()))
            })
            .transpose()?,
        latency_ms: codec::opt_unsigned(row, "latency_ms")?,
        records: codec::opt_unsigned(row, "records")?,
        error: row.try_get("error")?,
        initiator: row.try_get("initiator")?,
        job_id: row.try_get("job_id")?,
    })
}

fn system_from_row(row: &AnyRow) -> Result<IntegrationSystem, sqlx::Error> {
    Ok(IntegrationSystem {
        system: row.try_get("system")?,
        config: codec::json(row, "config")?,
        updated_at: time::from_ms(row.try_get("updated_at")?)?,
    })
}

fn calendar_from_row(row: &AnyRow) -> Result<StoredCalendar, sqlx::Error> {
    let year: i64 = row.try_get("year")?;
    Ok(StoredCalendar {
        year: i32::try_from(year).map_err(|e| sqlx::Error::Decode(format!("year: {e}").into()))?,
        xml: row.try_get("xml")?,
        updated_at: time::from_ms(row.try_get("updated_at")?)?,
    })
}

/// What the audit log shows of a calendar: its size, not its text.
fn calendar_view(year: i32, xml: &str) -> serde_json::Value {
    json!({"year": year, "bytes": xml.len()})
}

#[async_trait]
impl Integration for SqlStore {
    /// Appends log rows in one transaction, several rows per statement.
    async fn append_integration_log(&self, entries: &[NewLogEntry]) -> StoreResult<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        for chunk in entries.chunks(LOG_CHUNK) {
            let sql = format!(
                "INSERT INTO integration_log (at, correlation_id, system, operation, direction, \
                 outcome, http_status, latency_ms, records, error, initiator, job_id) VALUES {}",
                codec::values(chunk.len(), 12)
            );
            let mut query = sqlx::query(&sql);
            for e in chunk {
                query = query
                    .bind(e.at.timestamp_millis())
                    .bind(&e.correlation_id)
                    .bind(&e.system)
                    .bind(&e.operation)
                    .bind(&e.direction)
                    .bind(&e.outcome)
                    .bind(e.http_status.map(i64::from))
                    .bind(codec::opt_count(e.latency_ms))
                    .bind(codec::opt_count(e.records))
                    .bind(e.error.as_deref())
                    .bind(&e.initiator)
                    .bind(e.job_id);
            }
            query.execute(&mut *tx).await.map_err(err)?;
        }
        tx.commit().await.map_err(err)
    }

    /// Log rows matching every given filter, newest first.
    async fn integration_log(&self, f: &LogFilter) -> StoreResult<Vec<LogEntry>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(
            "SELECT * FROM integration_log WHERE ($1 IS NULL OR system = $1) \
             AND ($2 IS NULL OR operation = $2) AND ($3 IS NULL OR outcome = $3) \
             AND ($4 IS NULL OR correlation_id = $4) AND ($5 IS NULL OR job_id = $5) \
             AND ($6 IS NULL OR at >= $6) AND ($7 IS NULL OR at < $7) \
             AND ($8 IS NULL OR id < $8) ORDER BY id DESC LIMIT $9",
        )
        .bind(f.system.as_deref())
        .bind(f.operation.as_deref())
        .bind(f.outcome.as_deref())
        .bind(f.correlation_id.as_deref())
        .bind(f.job_id)
        .bind(f.from.map(|t| t.timestamp_millis()))
        .bind(f.to.map(|t| t.timestamp_millis()))
        .bind(f.before_id)
        .bind(i64::from(f.limit.clamp(1, 1000)))
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?;
        rows.iter()
            .map(log_from_row)
            .collect::<Result<_, _>>()
            .map_err(err)
    }

    /// The newest success per system and operation, by system and operation.
    async fn last_successes(&self) -> StoreResult<Vec<LastSuccess>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(
            "SELECT system, operation, MAX(at) AS at FROM integration_log \
             WHERE outcome = 'success' GROUP BY system, operation ORDER BY system, operation",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?;
        rows.iter()
            .map(|r| -> Result<LastSuccess, sqlx::Error> {
                Ok(LastSuccess {
                    system: r.try_get("system")?,
                    operation: r.try_get("operation")?,
                    at: time::from_ms(r.try_get("at")?)?,
                })
            })
            .collect::<Result<_, _>>()
            .map_err(err)
    }

    async fn integration_systems(&self) -> StoreResult<Vec<IntegrationSystem>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query("SELECT * FROM integration_systems ORDER BY system")
            .fetch_all(&mut *conn)
            .await
            .map_err(err)?;
        rows.iter()
            .map(system_from_row)
            .collect::<Result<_, _>>()
            .map_err(err)
    }

    /// Creates or replaces a system's configuration; the audit entry carries the masked
    /// views (the previous one as `before`), never the configuration itself.
    async fn put_integration_system(
        &self,
        system: &str,
        config: &serde_json::Value,
        audit_view: &serde_json::Value,
        actor: &Actor,
    ) -> StoreResult<IntegrationSystem> {
        let err = |e| StoreError::from_sqlx(e, "integration system");
        let text = |v: &serde_json::Value| serde_json::to_string(v).map_err(StoreError::caused);
        let mut tx = self.begin_write().await?;
        let before: Option<serde_json::Value> =
            sqlx::query("SELECT audit_view FROM integration_systems WHERE system = $1")
                .bind(system)
                .fetch_optional(&mut *tx)
                .await
                .map_err(err)?
                .map(|r| codec::json(&r, "audit_view"))
                .transpose()
                .map_err(err)?;
        let row = sqlx::query(
            "INSERT INTO integration_systems (system, config, audit_view, updated_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (system) DO UPDATE SET config = excluded.config, \
             audit_view = excluded.audit_view, updated_at = excluded.updated_at RETURNING *",
        )
        .bind(system)
        .bind(text(config)?)
        .bind(text(audit_view)?)
        .bind(time::now_ms())
        .fetch_one(&mut *tx)
        .await
        .map_err(err)?;
        let stored = system_from_row(&row).map_err(err)?;
        let action = if before.is_some() { "update" } else { "create" };
        audit::commit(
            tx,
            actor,
            action,
            "integration_system",
            system,
            before.as_ref(),
            Some(audit_view),
        )
        .await?;
        Ok(stored)
    }

    /// Creates or replaces one year's calendar; the audit entry shows its size, not its text.
    async fn put_calendar(
        &self,
        year: i32,
        xml: &str,
        actor: &Actor,
    ) -> StoreResult<StoredCalendar> {
        let err = |e| StoreError::from_sqlx(e, "production calendar");
        let mut tx = self.begin_write().await?;
        let before = sqlx::query("SELECT * FROM production_calendars WHERE year = $1")
            .bind(i64::from(year))
            .fetch_optional(&mut *tx)
            .await
            .map_err(err)?
            .map(|r| calendar_from_row(&r))
            .transpose()
            .map_err(err)?;
        let row = sqlx::query(
            "INSERT INTO production_calendars (year, xml, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (year) DO UPDATE SET xml = excluded.xml, updated_at = excluded.updated_at \
             RETURNING *",
        )
        .bind(i64::from(year))
        .bind(xml)
        .bind(time::now_ms())
        .fetch_one(&mut *tx)
        .await
        .map_err(err)?;
        let stored = calendar_from_row(&row).map_err(err)?;
        let before = before.map(|c| calendar_view(c.year, &c.xml));
        let action = if before.is_some() { "update" } else { "create" };
        audit::commit(
            tx,
            actor,
            action,
            "production_calendar",
            &year.to_string(),
            before.as_ref(),
            Some(&calendar_view(year, xml)),
        )
        .await?;
        Ok(stored)
    }

    async fn calendars(&self) -> StoreResult<Vec<StoredCalendar>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query("SELECT * FROM production_calendars ORDER BY year")
            .fetch_all(&mut *conn)
            .await
            .map_err(err)?;
        rows.iter()
            .map(calendar_from_row)
            .collect::<Result<_, _>>()
            .map_err(err)
    }

    async fn delete_calendar(&self, year: i32, actor: &Actor) -> StoreResult<()> {
        let err = |e| StoreError::from_sqlx(e, "production calendar");
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("DELETE FROM production_calendars WHERE year = $1 RETURNING *")
            .bind(i64::from(year))
            .fetch_optional(&mut *tx)
            .await
            .map_err(err)?
            .ok_or(StoreError::NotFound {
                entity: "production calendar",
                id: year.to_string(),
            })?;
        let removed = calendar_from_row(&row).map_err(err)?;
        audit::record(
            &mut tx,
            actor,
            "delete",
            "production_calendar",
            &year.to_string(),
            Some(&calendar_view(removed.year, &removed.xml)),
            None,
        )
        .await?;
        tx.commit().await.map_err(err)
    }
}
