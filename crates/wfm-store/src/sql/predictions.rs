//! Predictions, kept by kind, group and target instant so that the outcome can be written
//! onto the prediction once the target has passed.

use async_trait::async_trait;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{SqlStore, codec, time};
use crate::alerts::Prediction;
use crate::error::{StoreError, StoreResult};
use crate::store::Predictions;

/// Rows per INSERT statement: 9 parameters each.
const CHUNK: usize = 40;

fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "prediction")
}

fn from_row(row: &AnyRow) -> Result<Prediction, sqlx::Error> {
    let actual_breach: Option<i64> = row.try_get("actual_breach")?;
    Ok(Prediction {
        kind: row.try_get("kind")?,
        group_id: row.try_get("group_id")?,
        made_at: time::from_ms(row.try_get("made_at")?)?,
        target_at: time::from_ms(row.try_get("target_at")?)?,
        predicted: row.try_get("predicted")?,
        threshold: row.try_get("threshold")?,
        breach: row.try_get::<i64, _>("breach")? != 0,
        actual: row.try_get("actual")?,
        actual_breach: actual_breach.map(|b| b != 0),
    })
}

#[async_trait]
impl Predictions for SqlStore {
    /// Creates or replaces predictions in one transaction; of rows with the same key in one
    /// call the last wins (PostgreSQL refuses to update a row twice in one statement).
    async fn put_predictions(&self, rows: &[Prediction]) -> StoreResult<()> {
        let mut last: HashMap<(&str, i64, i64), usize> = HashMap::new();
        for (i, p) in rows.iter().enumerate() {
            last.insert((&p.kind, p.group_id, p.target_at.timestamp_millis()), i);
        }
        let mut keep: Vec<usize> = last.into_values().collect();
        if keep.is_empty() {
            return Ok(());
        }
        keep.sort_unstable();
        let mut tx = self.begin_write().await?;
        for chunk in keep.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO predictions (kind, group_id, made_at, target_at, predicted, \
                 threshold, breach, actual, actual_breach) VALUES {} \
                 ON CONFLICT (kind, group_id, target_at) DO UPDATE SET \
                 made_at = excluded.made_at, predicted = excluded.predicted, \
                 threshold = excluded.threshold, breach = excluded.breach, \
                 actual = excluded.actual, actual_breach = excluded.actual_breach",
                codec::values(chunk.len(), 9)
            );
            let mut query = sqlx::query(&sql);
            for &i in chunk {
                let p = &rows[i];
                query = query
                    .bind(&p.kind)
                    .bind(p.group_id)
                    .bind(p.made_at.timestamp_millis())
                    .bind(p.target_at.timestamp_millis())
                    .bind(p.predicted)
                    .bind(p.threshold)
                    .bind(i64::from(p.breach))
                    .bind(codec::NullableDouble(p.actual))
                    .bind(p.actual_breach.map(i64::from));
            }
            query.execute(&mut *tx).await.map_err(err)?;
        }
        tx.commit().await.map_err(err)
    }

    /// Predictions whose target is in [from, to), by target, kind and group.
    async fn predictions(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<Prediction>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(
            "SELECT * FROM predictions WHERE target_at >= $1 AND target_at < $2 \
             ORDER BY target_at, kind, group_id",
        )
        .bind(from.timestamp_millis())
        .bind(to.timestamp_millis())
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?;
        let mut found: Vec<Prediction> = rows
            .iter()
            .map(from_row)
            .collect::<Result<_, _>>()
            .map_err(err)?;
        // Kinds in byte order on both backends, whatever the PostgreSQL database's collation.
        found.sort_by(|a, b| {
            (a.target_at, a.kind.as_str(), a.group_id).cmp(&(
                b.target_at,
                b.kind.as_str(),
                b.group_id,
            ))
        });
        Ok(found)
    }
}
