//! Norm hours and timesheet days from 1C ZUP: stored in bulk (one audit entry a batch) and
//! read back by employee and date.

use async_trait::async_trait;
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde_json::json;
use sqlx::Row;

use super::zup::err;
use super::{SqlStore, audit, codec};
use crate::error::StoreResult;
use crate::integration::{NormHoursRow, TimesheetDay};
use crate::model::Actor;
use crate::store::ZupHours;

/// Rows per multi-row statement (5 parameters each; a few hundred parameters a statement,
/// as SQLite's cost grows with their square).
const CHUNK: usize = 100;
/// Employees per `IN` list when clearing a span.
const IDS_CHUNK: usize = 500;

#[async_trait]
impl ZupHours for SqlStore {
    /// Upserts norm hours by (employee, mode, start); a key repeated in the batch keeps its
    /// last row.
    async fn put_norm_hours(&self, rows: &[NormHoursRow], actor: &Actor) -> StoreResult<()> {
        // One statement may not touch a key twice (PostgreSQL refuses), so repeats go first.
        let mut unique: BTreeMap<(&str, &str, NaiveDate), &NormHoursRow> = BTreeMap::new();
        for r in rows {
            unique.insert((&r.employee_id, &r.mode, r.from), r);
        }
        let unique: Vec<&NormHoursRow> = unique.into_values().collect();
        let mut tx = self.begin_write().await?;
        for chunk in unique.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO zup_norm_hours (employee_id, mode, from_date, to_date, hours) \
                 VALUES {} ON CONFLICT (employee_id, mode, from_date) \
                 DO UPDATE SET to_date = excluded.to_date, hours = excluded.hours",
                codec::values(chunk.len(), 5)
            );
            let mut query = sqlx::query(&sql);
            for r in chunk {
                query = query
                    .bind(&r.employee_id)
                    .bind(&r.mode)
                    .bind(codec::date_text(r.from))
                    .bind(codec::date_text(r.to))
                    .bind(r.hours);
            }
            query.execute(&mut *tx).await.map_err(err)?;
        }
        let summary = json!({"rows": unique.len()});
        audit::record(
            &mut tx,
            actor,
            "replace",
            "norm_hours",
            "batch",
            None,
            Some(&summary),
        )
        .await?;
        tx.commit().await.map_err(err)
    }

    /// Norm hours of one employee or all, by employee, start and mode.
    async fn norm_hours(&self, employee_id: Option<&str>) -> StoreResult<Vec<NormHoursRow>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(
            "SELECT * FROM zup_norm_hours WHERE $1 IS NULL OR employee_id = $1 \
             ORDER BY employee_id, from_date, mode",
        )
        .bind(employee_id)
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?;
        rows.iter()
            .map(|r| -> Result<NormHoursRow, sqlx::Error> {
                Ok(NormHoursRow {
                    employee_id: r.try_get("employee_id")?,
                    mode: r.try_get("mode")?,
                    from: codec::date(r, "from_date")?,
                    to: codec::date(r, "to_date")?,
                    hours: r.try_get("hours")?,
                })
            })
            .collect::<Result<_, _>>()
            .map_err(err)
    }

    /// Replaces, per employee in `rows`, the days between its rows' first and last date,
    /// then stores the rows; a day and time type repeated in the batch keeps its last row.
    async fn put_timesheet(&self, rows: &[TimesheetDay], actor: &Actor) -> StoreResult<()> {
        let mut unique: BTreeMap<(&str, NaiveDate, &str), &TimesheetDay> = BTreeMap::new();
        let mut spans: HashMap<&str, (NaiveDate, NaiveDate)> = HashMap::new();
        for r in rows {
            unique.insert((&r.employee_id, r.date, &r.timetype), r);
            spans
                .entry(&r.employee_id)
                .and_modify(|s| *s = (s.0.min(r.date), s.1.max(r.date)))
                .or_insert((r.date, r.date));
        }
        // Employees usually share one span (a month): one delete per span and id chunk.
        let mut by_span: BTreeMap<(NaiveDate, NaiveDate), Vec<&str>> = BTreeMap::new();
        for (employee, span) in spans {
            by_span.entry(span).or_default().push(employee);
        }
        let mut tx = self.begin_write().await?;
        for ((from, to), employees) in &by_span {
            for ids in employees.chunks(IDS_CHUNK) {
                let sql = format!(
                    "DELETE FROM zup_timesheet WHERE day >= $1 AND day <= $2 AND employee_id IN ({})",
                    codec::list(3, ids.len())
                );
                let mut query = sqlx::query(&sql)
                    .bind(codec::date_text(*from))
                    .bind(codec::date_text(*to));
                for id in ids {
                    query = query.bind(*id);
                }
                query.execute(&mut *tx).await.map_err(err)?;
            }
        }
        let unique: Vec<&TimesheetDay> = unique.into_values().collect();
        for chunk in unique.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO zup_timesheet (employee_id, day, timetype, hours) VALUES {}",
                codec::values(chunk.len(), 4)
            );
            let mut query = sqlx::query(&sql);
            for r in chunk {
                query = query
                    .bind(&r.employee_id)
                    .bind(codec::date_text(r.date))
                    .bind(&r.timetype)
                    .bind(r.hours);
            }
            query.execute(&mut *tx).await.map_err(err)?;
        }
        let summary = json!({"rows": unique.len(), "employees": by_span.values().map(Vec::len).sum::<usize>()});
        audit::record(
            &mut tx,
            actor,
            "replace",
            "timesheet",
            "batch",
            None,
            Some(&summary),
        )
        .await?;
        tx.commit().await.map_err(err)
    }

    /// Timesheet days in [from, to], of one employee or all, by employee, day and time type.
    async fn timesheet(
        &self,
        employee_id: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<TimesheetDay>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(
            "SELECT * FROM zup_timesheet WHERE ($1 IS NULL OR employee_id = $1) \
             AND day >= $2 AND day <= $3 ORDER BY employee_id, day, timetype",
        )
        .bind(employee_id)
        .bind(codec::date_text(from))
        .bind(codec::date_text(to))
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?;
        rows.iter()
            .map(|r| -> Result<TimesheetDay, sqlx::Error> {
                Ok(TimesheetDay {
                    employee_id: r.try_get("employee_id")?,
                    date: codec::date(r, "day")?,
                    timetype: r.try_get("timetype")?,
                    hours: r.try_get("hours")?,
                })
            })
            .collect::<Result<_, _>>()
            .map_err(err)
    }
}
