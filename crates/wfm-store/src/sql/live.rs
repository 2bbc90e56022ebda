//! The event log's replay in commit order (the append is in `append`), the state-code map,
//! and the plan (forecast and timetable), each replaced as a whole range at a time.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;
use wfm_core::event::{AgentState, Event};
use wfm_core::plan::{Activity, ForecastInterval, Segment};

use super::table::AnyQuery;
use super::{SqlStore, audit, codec, time};
use crate::error::{StoreError, StoreResult};
use crate::store::LiveInputs;

/// The first event of a span, from the time index (covering on SQLite: `at` then the key).
const FIRST_SEQ: &str = "SELECT MIN(seq) FROM events WHERE at >= $1 AND at < $2";

/// One page of a span in commit order. It must walk the key from `$3`: with the time
/// index usable, the bundled SQLite plans the time range plus a sort of the whole span
/// for every page (quadratic: a 2 M-event replay took 25x a plain read), so `at + 0`
/// keeps the index out and the span is a filter on the key's walk.
const PAGE: &str = "SELECT seq, at, body FROM events \
     WHERE seq > $3 AND at + 0 >= $1 AND at + 0 < $2 ORDER BY seq LIMIT $4";
use crate::live::{StateCode, WorkplaceCall};
use crate::model::Actor;

fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "event")
}

fn decode(e: impl std::fmt::Display) -> StoreError {
    StoreError::other(format!("stored record cannot be read: {e}"))
}

/// A row of `PAGE`, its columns by position (`seq`, `at`, `body`); the body is read in place.
fn event_from_row<'r, R: Row>(row: &'r R) -> Result<Event, StoreError>
where
    usize: sqlx::ColumnIndex<R>,
    &'r str: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let body: &str = row.try_get(2).map_err(err)?;
    let kind = codec::event_kind(body).map_err(decode)?;
    Ok(Event {
        seq: row.try_get(0).map_err(err)?,
        at: time::from_ms(row.try_get(1).map_err(err)?).map_err(err)?,
        kind,
    })
}

fn activity_text(a: Activity) -> (&'static str, Option<i64>) {
    match a {
        Activity::Line(g) => ("line", Some(g)),
        Activity::Break => ("break", None),
        Activity::Lunch => ("lunch", None),
        Activity::Training => ("training", None),
        Activity::Meeting => ("meeting", None),
    }
}

fn activity_from(text: &str, group: Option<i64>) -> Result<Activity, StoreError> {
    Ok(match (text, group) {
        ("line", Some(g)) => Activity::Line(g),
        ("break", _) => Activity::Break,
        ("lunch", _) => Activity::Lunch,
        ("training", _) => Activity::Training,
        ("meeting", _) => Activity::Meeting,
        (other, _) => return Err(decode(format!("unknown activity {other}"))),
    })
}

#[async_trait]
impl LiveInputs for SqlStore {
    /// Events that happened in [from, until), with `seq` above `after_seq`, in commit order.
    /// A first page (`after_seq` 0) starts at the span's first event.
    async fn events_between(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        after_seq: i64,
        limit: u32,
    ) -> StoreResult<Vec<Event>> {
        let (from, until) = (from.timestamp_millis(), until.timestamp_millis());
        let after_seq = if after_seq <= 0 {
            let first: Option<i64> = sqlx::query(FIRST_SEQ)
                .bind(from)
                .bind(until)
                .fetch_one(&self.pool)
                .await
                .map_err(err)?
                .try_get(0)
                .map_err(err)?;
            first.map_or(after_seq, |seq| seq - 1)
        } else {
            after_seq
        };
        let mut events = Vec::with_capacity(limit.min(10_000) as usize);
        // The page whole, then decoded: a row at a time, the reader and the driver's thread
        // hand over each row (2x the time of a plain read when the machine is idle). Through
        // the native drivers: `Any` copies every row into its own form (2.4x).
        macro_rules! read_page {
            ($pool:expr) => {
                for row in sqlx::query(PAGE)
                    .bind(from)
                    .bind(until)
                    .bind(after_seq)
                    .bind(i64::from(limit))
                    .fetch_all($pool)
                    .await
                    .map_err(err)?
                    .iter()
                {
                    events.push(event_from_row(row)?);
                }
            };
        }
        match (&self.sqlite, &self.pg) {
            (Some(sqlite), _) => read_page!(sqlite),
            (_, Some(pg)) => read_page!(pg),
            _ => read_page!(&self.pool),
        }
        Ok(events)
    }

    async fn state_codes(&self) -> StoreResult<Vec<StateCode>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query("SELECT code, name, state FROM state_codes ORDER BY code")
            .fetch_all(&mut *conn)
            .await
            .map_err(err)?;
        rows.iter()
            .map(|r| {
                let state: String = r.try_get("state").map_err(err)?;
                Ok(StateCode {
                    code: r.try_get("code").map_err(err)?,
                    name: r.try_get("name").map_err(err)?,
                    state: AgentState::parse(&state)
                        .ok_or_else(|| decode(format!("unknown state {state}")))?,
                })
            })
            .collect()
    }

    async fn replace_state_codes(&self, codes: &[StateCode], actor: &Actor) -> StoreResult<()> {
        let before = self.state_codes().await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM state_codes")
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        let now = time::now_ms();
        for c in codes {
            sqlx::query(
                "INSERT INTO state_codes (code, name, state, updated_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(&c.code)
            .bind(&c.name)
            .bind(c.state.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "state code"))?;
        }
        audit::record(
            &mut tx,
            actor,
            "replace",
            "state_map",
            "all",
            Some(&before[..]),
            Some(codes),
        )
        .await?;
        tx.commit().await.map_err(err)
    }

    /// Replaces, per group, the forecast intervals overlapping the new rows' span.
    async fn replace_forecast(&self, rows: &[ForecastInterval], actor: &Actor) -> StoreResult<()> {
        let owners = rows.iter().map(|r| (r.group_id, r.start, r.end));
        self.replace_plan("forecast", "group_id", owners, rows, actor, |r| {
            sqlx::query(
                "INSERT INTO forecast (group_id, start_at, end_at, calls, aht_seconds, acd_percent, operators) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(r.group_id)
            .bind(r.start.timestamp_millis())
            .bind(r.end.timestamp_millis())
            .bind(r.calls)
            .bind(r.aht_seconds)
            .bind(r.acd_percent)
            .bind(codec::NullableDouble(r.operators))
        })
        .await
    }

    async fn forecast(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<ForecastInterval>> {
        let rows = self.overlapping("forecast", "group_id", from, to).await?;
        rows.iter()
            .map(|r| -> Result<ForecastInterval, sqlx::Error> {
                Ok(ForecastInterval {
                    group_id: r.try_get("group_id")?,
                    start: time::from_ms(r.try_get("start_at")?)?,
                    end: time::from_ms(r.try_get("end_at")?)?,
                    calls: r.try_get("calls")?,
                    aht_seconds: r.try_get("aht_seconds")?,
                    acd_percent: r.try_get("acd_percent")?,
                    operators: r.try_get("operators")?,
                })
            })
            .collect::<Result<_, _>>()
            .map_err(err)
    }

    /// Replaces, per agent, the timetable segments overlapping the new rows' span.
    async fn replace_timetable(&self, rows: &[Segment], actor: &Actor) -> StoreResult<()> {
        let owners = rows.iter().map(|r| (r.agent_id, r.start, r.end));
        self.replace_plan("timetable", "agent_id", owners, rows, actor, |r| {
            let (activity, group) = activity_text(r.activity);
            sqlx::query(
                "INSERT INTO timetable (agent_id, start_at, end_at, activity, group_id) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(r.agent_id)
            .bind(r.start.timestamp_millis())
            .bind(r.end.timestamp_millis())
            .bind(activity)
            .bind(group)
        })
        .await
    }

    async fn timetable(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<Vec<Segment>> {
        let rows = self.overlapping("timetable", "agent_id", from, to).await?;
        rows.iter()
            .map(|r| {
                let activity: String = r.try_get("activity").map_err(err)?;
                let group: Option<i64> = r.try_get("group_id").map_err(err)?;
                Ok(Segment {
                    agent_id: r.try_get("agent_id").map_err(err)?,
                    start: time::from_ms(r.try_get("start_at").map_err(err)?).map_err(err)?,
                    end: time::from_ms(r.try_get("end_at").map_err(err)?).map_err(err)?,
                    activity: activity_from(&activity, group)?,
                })
            })
            .collect()
    }

    /// Records a call of an operator to the workplace, with its audit entry.
    async fn call_to_workplace(&self, agent_id: i64, actor: &Actor) -> StoreResult<WorkplaceCall> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO workplace_calls (agent_id, requested_by, requested_at, correlation_id) \
             VALUES ($1, $2, $3, $4) RETURNING *",
        )
        .bind(agent_id)
        .bind(&actor.name)
        .bind(time::now_ms())
        .bind(&actor.correlation_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "workplace call"))?;
        let call = workplace_call(&row).map_err(err)?;
        let id = call.id.to_string();
        audit::commit(
            tx,
            actor,
            "create",
            "workplace_call",
            &id,
            None,
            Some(&call),
        )
        .await?;
        Ok(call)
    }

    /// Calls requested since `from`, oldest first.
    async fn workplace_calls(&self, from: DateTime<Utc>) -> StoreResult<Vec<WorkplaceCall>> {
        let mut conn = self.acquire().await?;
        let rows =
            sqlx::query("SELECT * FROM workplace_calls WHERE requested_at >= $1 ORDER BY id")
                .bind(from.timestamp_millis())
                .fetch_all(&mut *conn)
                .await
                .map_err(err)?;
        rows.iter()
            .map(workplace_call)
            .collect::<Result<_, _>>()
            .map_err(err)
    }

    /// Notes when the called operator got on line (once).
    async fn workplace_call_answered(&self, id: i64, at: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE workplace_calls SET on_line_at = $1 WHERE id = $2 AND on_line_at IS NULL",
        )
        .bind(at.timestamp_millis())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(err)?;
        tx.commit().await.map_err(err)
    }
}

impl SqlStore {
    /// Deletes, per owner (group or agent), the rows of `table` overlapping the span the
    /// new rows cover, inserts the new rows, and records the replacement in the audit log.
    async fn replace_plan<R: Sync>(
        &self,
        table: &str,
        owner_column: &str,
        owners: impl Iterator<Item = (i64, DateTime<Utc>, DateTime<Utc>)>,
        rows: &[R],
        actor: &Actor,
        insert: impl for<'r> Fn(&'r R) -> AnyQuery<'r> + Sync,
    ) -> StoreResult<()> {
        let spans = spans(owners);
        let mut tx = self.begin_write().await?;
        let delete = format!(
            "DELETE FROM {table} WHERE {owner_column} = $1 AND start_at < $2 AND end_at > $3"
        );
        for &(owner, from, to) in &spans {
            sqlx::query(&delete)
                .bind(owner)
                .bind(to)
                .bind(from)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
        }
        for r in rows {
            insert(r)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, table))?;
        }
        let spans: Vec<_> = spans
            .iter()
            .map(|(owner, from, to)| json!({"id": owner, "from_ms": from, "to_ms": to}))
            .collect();
        let summary = json!({"rows": rows.len(), "spans": spans});
        audit::record(
            &mut tx,
            actor,
            "replace",
            table,
            "all",
            None,
            Some(&summary),
        )
        .await?;
        tx.commit().await.map_err(err)
    }

    /// Rows of a plan table overlapping [from, to), by owner and start.
    async fn overlapping(
        &self,
        table: &str,
        owner_column: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<AnyRow>> {
        let mut conn = self.acquire().await?;
        let sql = format!(
            "SELECT * FROM {table} WHERE start_at < $1 AND end_at > $2 ORDER BY {owner_column}, start_at"
        );
        sqlx::query(&sql)
            .bind(to.timestamp_millis())
            .bind(from.timestamp_millis())
            .fetch_all(&mut *conn)
            .await
            .map_err(err)
    }
}

/// Per owner (group or agent): the earliest start and latest end, in ms.
fn spans(rows: impl Iterator<Item = (i64, DateTime<Utc>, DateTime<Utc>)>) -> Vec<(i64, i64, i64)> {
    let mut out: std::collections::BTreeMap<i64, (i64, i64)> = Default::default();
    for (owner, start, end) in rows {
        let (s, e) = (start.timestamp_millis(), end.timestamp_millis());
        out.entry(owner)
            .and_modify(|span| *span = (span.0.min(s), span.1.max(e)))
            .or_insert((s, e));
    }
    out.into_iter().map(|(o, (s, e))| (o, s, e)).collect()
}

fn workplace_call(r: &AnyRow) -> Result<WorkplaceCall, sqlx::Error> {
    Ok(WorkplaceCall {
        id: r.try_get("id")?,
        agent_id: r.try_get("agent_id")?,
        requested_by: r.try_get("requested_by")?,
        requested_at: time::from_ms(r.try_get("requested_at")?)?,
        correlation_id: r.try_get("correlation_id")?,
        on_line_at: time::opt_from_ms(r.try_get("on_line_at")?)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    /// What the bundled SQLite plans for `sql` with `binds`, its steps joined.
    async fn plan(store: &SqlStore, sql: &str, binds: &[i64]) -> String {
        let explain = format!("EXPLAIN QUERY PLAN {sql}");
        let mut query = sqlx::query(&explain);
        for b in binds {
            query = query.bind(*b);
        }
        let rows = query.fetch_all(&store.pool).await.unwrap();
        rows.iter()
            .map(|r| r.try_get::<String, _>("detail").unwrap())
            .collect::<Vec<_>>()
            .join("; ")
    }

    #[tokio::test]
    async fn a_replay_page_walks_the_key_and_sorts_nothing() {
        let dir = std::env::temp_dir().join(format!("wfm-plan-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("plan.db").display());
        let store = SqlStore::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        sqlx::query("ANALYZE").execute(&store.pool).await.unwrap();
        let page = plan(&store, PAGE, &[0, 1, 0, 10_000]).await;
        assert!(page.contains("INTEGER PRIMARY KEY"), "{page}");
        assert!(!page.contains("TEMP B-TREE"), "{page}");
        assert!(!page.contains("events_at"), "{page}");
        // The old query, for the record: the time index and a sort of the span.
        let old = "SELECT seq, at, body FROM events WHERE at >= $1 AND at < $2 AND seq > $3 \
                   ORDER BY seq LIMIT $4";
        let before = plan(&store, old, &[0, 1, 0, 10_000]).await;
        eprintln!("old plan: {before}; new plan: {page}");
        let first = plan(&store, FIRST_SEQ, &[0, 1]).await;
        assert!(first.contains("COVERING INDEX events_at"), "{first}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
