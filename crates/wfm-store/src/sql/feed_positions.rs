//! Feed positions: one row per followed file, replaced in place. Not audited: it moves
//! with every read, as the event log does.

use async_trait::async_trait;
use sqlx::Row;

use super::{SqlStore, time};
use crate::error::{StoreError, StoreResult};
use crate::live::FeedPosition;
use crate::store::FeedPositions;

fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "feed position")
}

#[async_trait]
impl FeedPositions for SqlStore {
    async fn feed_position(&self, feed: &str) -> StoreResult<Option<FeedPosition>> {
        let mut conn = self.acquire().await?;
        let row =
            sqlx::query("SELECT file_id, byte_offset, line FROM feed_positions WHERE feed = $1")
                .bind(feed)
                .fetch_optional(&mut *conn)
                .await
                .map_err(err)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let number = |name: &str| -> StoreResult<u64> {
            let n: i64 = row.try_get(name).map_err(err)?;
            u64::try_from(n).map_err(|e| StoreError::caused_with("stored record cannot be read", e))
        };
        Ok(Some(FeedPosition {
            file_id: row.try_get("file_id").map_err(err)?,
            offset: number("byte_offset")?,
            line: number("line")?,
        }))
    }

    async fn save_feed_position(&self, feed: &str, position: &FeedPosition) -> StoreResult<()> {
        let mut conn = self.acquire().await?;
        let signed = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        sqlx::query(
            "INSERT INTO feed_positions (feed, file_id, byte_offset, line, updated_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (feed) DO UPDATE SET \
             file_id = excluded.file_id, byte_offset = excluded.byte_offset, \
             line = excluded.line, updated_at = excluded.updated_at",
        )
        .bind(feed)
        .bind(&position.file_id)
        .bind(signed(position.offset))
        .bind(signed(position.line))
        .bind(time::now_ms())
        .execute(&mut *conn)
        .await
        .map_err(err)?;
        Ok(())
    }
}
