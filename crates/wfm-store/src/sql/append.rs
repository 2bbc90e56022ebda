//! Appending events to the log: a batch in one transaction, committed before the caller
//! hears back, each event given its sequence number in batch order or skipped as a duplicate.
//!
//! What it avoids are the per-row costs that made the append a third of a raw insert: sqlx
//! looks up each `$N` placeholder by name on SQLite (linear in the statement's parameters,
//! so quadratic in the batch), and hands each `RETURNING` row over from its SQLite worker
//! thread on its own. So SQLite takes positional `?` rows and reads the numbers back in one
//! row; PostgreSQL takes the batch by COPY (through the native driver: `Any` has no COPY),
//! with numbers drawn beforehand, and falls back to one `INSERT ... ON CONFLICT` over
//! arrays when an id is stored already.

use async_trait::async_trait;
use std::collections::{HashMap, HashSet};

use sqlx::any::AnyArguments;
use sqlx::postgres::PgPool;
use sqlx::query::Query;
use sqlx::{Any, Row};

use super::{SqlStore, time};
use crate::error::{StoreError, StoreResult, is_unique_violation};
use crate::live::NewEvent;
use crate::store::Backend;
use crate::store::EventLog;

/// SQLite rows per INSERT: 5 anonymous `?` each (bound by position), far below SQLite's
/// 32,766. A batch is whole statements of this size and one of the rest; sqlx keeps each
/// statement prepared per connection, keyed by its text.
const SQLITE_CHUNK: usize = 1_000;

/// SQLite: the rows the batch added, as one JSON array of `[event_id, seq]`: the newest
/// `?1` rows, as the transaction holds the write lock and AUTOINCREMENT numbers every new
/// row above all rows before it.
const SQLITE_ADDED: &str = "SELECT json_group_array(json_array(event_id, seq)) \
     FROM (SELECT event_id, seq FROM events ORDER BY seq DESC LIMIT ?1)";

/// PostgreSQL, the common case: numbers drawn from the identity's sequence (as the
/// column's default would draw them, so no faster and no slower), then the batch by COPY
/// with its numbers (text format, one line per event), which needs nothing read back.
const POSTGRES_NUMBERS: &str = "SELECT nextval('events_seq_seq') FROM generate_series(1, $1)";
const POSTGRES_COPY: &str = "COPY events (seq, event_id, source, at, received_at, body) FROM STDIN";

/// PostgreSQL when COPY met an id already stored: the batch as one array per column,
/// duplicates skipped; `ORDER BY n` numbers the rows in batch order.
const POSTGRES_INSERT: &str = "INSERT INTO events (event_id, source, at, received_at, body) \
     SELECT i, s, a, $5, b FROM UNNEST($1::text[], $2::text[], $3::int8[], $4::text[]) \
     WITH ORDINALITY AS r(i, s, a, b, n) ORDER BY n \
     ON CONFLICT (event_id) DO NOTHING RETURNING event_id, seq";

fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "event")
}

fn unreadable(e: serde_json::Error) -> StoreError {
    StoreError::caused_with("stored record cannot be read", e)
}

/// An event's body as stored: its kind in JSON.
fn body(e: &NewEvent) -> StoreResult<String> {
    serde_json::to_string(&e.kind)
        .map_err(|e| StoreError::caused_with("event cannot be written", e))
}

#[async_trait]
impl EventLog for SqlStore {
    /// Looked up in chunks of a few hundred ids, one `IN` list each.
    async fn stored_event_ids(&self, ids: &[String]) -> StoreResult<HashSet<String>> {
        let mut found = HashSet::new();
        let mut conn = self.acquire().await?;
        for chunk in ids.chunks(500) {
            let list: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT event_id FROM events WHERE event_id IN ({})",
                list.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(id);
            }
            for row in query.fetch_all(&mut *conn).await.map_err(err)? {
                found.insert(row.try_get::<String, _>("event_id").map_err(err)?);
            }
        }
        Ok(found)
    }

    /// Appends in one transaction; a duplicate `event_id` (stored before, or earlier in the
    /// batch) is skipped (None), the others get their sequence number, in batch order.
    /// Nothing is visible before the commit.
    async fn append_events(&self, events: &[NewEvent]) -> StoreResult<Vec<Option<i64>>> {
        let mut first: HashMap<&str, usize> = HashMap::with_capacity(events.len());
        let fresh: Vec<&NewEvent> = (0..events.len())
            .filter(|&i| *first.entry(events[i].event_id.as_str()).or_insert(i) == i)
            .map(|i| &events[i])
            .collect();
        let mut seqs = vec![None; events.len()];
        if fresh.is_empty() {
            return Ok(seqs);
        }
        let received = time::now_ms();
        let added = match (self.backend, &self.pg) {
            (Backend::Postgres, Some(pg)) => match copy_postgres(pg, &fresh, received).await {
                Err(e) if is_unique_violation(&e) => insert_postgres(pg, &fresh, received).await,
                done => done,
            }
            .map_err(err)?,
            _ => self.append_sqlite(&fresh, received).await?,
        };
        for (id, seq) in added {
            if let Some(&i) = first.get(id.as_str()) {
                seqs[i] = Some(seq);
            }
        }
        Ok(seqs)
    }
}

impl SqlStore {
    /// Inserts new events on SQLite, skipping those stored already, and commits; returns
    /// the numbers of those added.
    async fn append_sqlite(
        &self,
        fresh: &[&NewEvent],
        received: i64,
    ) -> StoreResult<Vec<(String, i64)>> {
        let mut tx = self.begin_write().await?;
        let mut added = 0;
        for chunk in fresh.chunks(SQLITE_CHUNK) {
            let sql = format!(
                "INSERT INTO events (event_id, source, at, received_at, body) VALUES {} \
                 ON CONFLICT (event_id) DO NOTHING",
                vec!["(?, ?, ?, ?, ?)"; chunk.len()].join(", ")
            );
            let mut insert: Query<'_, Any, AnyArguments<'_>> = sqlx::query(&sql);
            for e in chunk {
                insert = insert
                    .bind(&e.event_id)
                    .bind(e.source)
                    .bind(e.at.timestamp_millis())
                    .bind(received)
                    .bind(body(e)?);
            }
            added += insert.execute(&mut *tx).await.map_err(err)?.rows_affected();
        }
        let added: String = sqlx::query(SQLITE_ADDED)
            .bind(added as i64)
            .fetch_one(&mut *tx)
            .await
            .and_then(|row| row.try_get(0))
            .map_err(err)?;
        tx.commit().await.map_err(err)?;
        serde_json::from_str(&added).map_err(unreadable)
    }
}

/// Copies new events into PostgreSQL with numbers drawn for them, and commits; returns
/// their numbers. Fails with a unique violation if any was stored already (or is being
/// stored concurrently); the numbers drawn are then left unused, as a rollback leaves them.
async fn copy_postgres(
    pg: &PgPool,
    fresh: &[&NewEvent],
    received: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let mut tx = pg.begin().await?;
    let mut seqs: Vec<i64> = sqlx::query_scalar(POSTGRES_NUMBERS)
        .bind(fresh.len() as i64)
        .fetch_all(&mut *tx)
        .await?;
    seqs.sort_unstable();
    let received = received.to_string();
    let mut data = String::new();
    for (e, seq) in fresh.iter().zip(&seqs) {
        let body = body(e).map_err(|e| sqlx::Error::Encode(e.to_string().into()))?;
        let at = e.at.timestamp_millis().to_string();
        let fields = [
            &seq.to_string(),
            &e.event_id,
            e.source,
            &at,
            &received,
            &body,
        ];
        for (k, field) in fields.into_iter().enumerate() {
            if k > 0 {
                data.push('\t');
            }
            copy_escape(&mut data, field);
        }
        data.push('\n');
    }
    let mut copy = tx.copy_in_raw(POSTGRES_COPY).await?;
    copy.send(data.into_bytes()).await?;
    copy.finish().await?;
    tx.commit().await?;
    Ok(fresh.iter().map(|e| e.event_id.clone()).zip(seqs).collect())
}

/// Inserts new events into PostgreSQL, skipping those stored already, and commits;
/// returns the numbers of those added.
async fn insert_postgres(
    pg: &PgPool,
    fresh: &[&NewEvent],
    received: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let ids: Vec<&str> = fresh.iter().map(|e| e.event_id.as_str()).collect();
    let sources: Vec<&str> = fresh.iter().map(|e| e.source).collect();
    let ats: Vec<i64> = fresh.iter().map(|e| e.at.timestamp_millis()).collect();
    let bodies = fresh
        .iter()
        .map(|e| body(e))
        .collect::<StoreResult<Vec<String>>>()
        .map_err(|e| sqlx::Error::Encode(e.to_string().into()))?;
    let mut tx = pg.begin().await?;
    let rows = sqlx::query_as(POSTGRES_INSERT)
        .bind(&ids)
        .bind(&sources)
        .bind(&ats)
        .bind(&bodies)
        .bind(received)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Appends `field` in COPY's text format (backslash, tab, newline, return escaped).
fn copy_escape(out: &mut String, field: &str) {
    for ch in field.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ => out.push(ch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_fields_are_escaped() {
        let mut out = String::new();
        copy_escape(&mut out, "a\\b\tc\nd\re \"f\"");
        assert_eq!(out, r#"a\\b\tc\nd\re "f""#);
    }
}
