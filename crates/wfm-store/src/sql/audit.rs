//! The audit log: append-only records of every change, written in the change's transaction.
//! Nothing updates or deletes an entry but the retention purge (`purge`), which removes only
//! entries older than the retention; the database refuses updates outright (0006_privacy).
//! A person's personal fields are stored encrypted with the person's key (`person_keys`).

use async_trait::async_trait;
use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row, Transaction};

use super::{SqlStore, person_keys, time};
use crate::error::{StoreError, StoreResult};
use crate::model::{Actor, AuditEntry, AuditFilter};
use crate::store::AuditLog;

/// One audit entry to append, its records as the API shows them.
pub(crate) struct Change {
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

fn to_value<T: Serialize + ?Sized>(v: Option<&T>) -> StoreResult<Option<Value>> {
    v.map(serde_json::to_value)
        .transpose()
        .map_err(StoreError::caused)
}

impl Change {
    /// An entry with `before` and `after` as the API shows them.
    pub(crate) fn of<T: Serialize + ?Sized>(
        action: &'static str,
        entity: &'static str,
        entity_id: String,
        before: Option<&T>,
        after: Option<&T>,
    ) -> StoreResult<Self> {
        Ok(Self {
            action,
            entity,
            entity_id,
            before: to_value(before)?,
            after: to_value(after)?,
        })
    }
}

/// The person whose fields an entry of `entity` carries, with those fields.
fn person_of(entity: &str, entity_id: &str) -> Option<(i64, &'static [&'static str])> {
    let fields = person_keys::personal_fields(entity)?;
    Some((entity_id.parse().ok()?, fields))
}

/// Entries per INSERT statement: 8 parameters each, well under both databases' limits.
const BATCH: usize = 40;

/// Appends one audit entry; `before` and `after` are the record as the API shows it.
pub(crate) async fn record<T: Serialize + ?Sized>(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<&T>,
    after: Option<&T>,
) -> StoreResult<()> {
    let (before, after) = (to_value(before)?, to_value(after)?);
    append(conn, actor, &[(action, entity, entity_id, &before, &after)]).await
}

/// Ends a change: its audit entry ([`record`]), then the commit, so that no change lands
/// without one.
pub(crate) async fn commit<T: Serialize + ?Sized>(
    mut tx: Transaction<'static, Any>,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<&T>,
    after: Option<&T>,
) -> StoreResult<()> {
    record(&mut tx, actor, action, entity, entity_id, before, after).await?;
    tx.commit()
        .await
        .map_err(|e| StoreError::from_sqlx(e, entity))
}

/// Appends many audit entries (all by `actor`) with multi-row inserts.
pub(crate) async fn record_all(
    conn: &mut AnyConnection,
    actor: &Actor,
    changes: &[Change],
) -> StoreResult<()> {
    let entries: Vec<Pending<'_>> = changes
        .iter()
        .map(|c| {
            (
                c.action,
                c.entity,
                c.entity_id.as_str(),
                &c.before,
                &c.after,
            )
        })
        .collect();
    append(conn, actor, &entries).await
}

/// action, entity, entity_id, before, after, as the API shows them.
type Pending<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a Option<Value>,
    &'a Option<Value>,
);

/// Seals the personal fields of each entry with its person's key, then inserts.
async fn append(
    conn: &mut AnyConnection,
    actor: &Actor,
    entries: &[Pending<'_>],
) -> StoreResult<()> {
    let people: Vec<i64> = entries
        .iter()
        .filter_map(|e| person_of(e.1, e.2))
        .map(|p| p.0)
        .collect();
    let keys = if people.is_empty() {
        person_keys::Keys::default()
    } else {
        person_keys::for_agents(conn, &people).await?
    };
    let text = |v: &Option<Value>, person: Option<(i64, &[&str])>| -> StoreResult<Option<String>> {
        let Some(v) = v else { return Ok(None) };
        let mut v = v.clone();
        if let Some((agent_id, fields)) = person {
            person_keys::seal(&mut v, fields, agent_id, &keys)?;
        }
        serde_json::to_string(&v)
            .map(Some)
            .map_err(StoreError::caused)
    };
    for chunk in entries.chunks(BATCH) {
        let stored: Vec<(Option<String>, Option<String>)> = chunk
            .iter()
            .map(|e| {
                let person = person_of(e.1, e.2);
                Ok((text(e.3, person)?, text(e.4, person)?))
            })
            .collect::<StoreResult<_>>()?;
        let rows: Vec<Entry<'_>> = chunk
            .iter()
            .zip(&stored)
            .map(|(e, (before, after))| (e.0, e.1, e.2, before.as_deref(), after.as_deref()))
            .collect();
        insert(conn, actor, &rows).await?;
    }
    Ok(())
}

/// action, entity, entity_id, before, after.
type Entry<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, Option<&'a str>);

async fn insert(conn: &mut AnyConnection, actor: &Actor, rows: &[Entry<'_>]) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = (0..rows.len())
        .map(|r| {
            let p = r * 8;
            let list: Vec<String> = (p + 1..=p + 8).map(|i| format!("${i}")).collect();
            format!("({})", list.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, before_json, after_json, correlation_id) \
         VALUES {}",
        values.join(", ")
    );
    let at = time::now_ms();
    let mut query = sqlx::query(&sql);
    for (action, entity, entity_id, before, after) in rows {
        query = query
            .bind(at)
            .bind(&actor.name)
            .bind(*action)
            .bind(*entity)
            .bind(*entity_id)
            .bind(*before)
            .bind(*after)
            .bind(&actor.correlation_id);
    }
    query
        .execute(conn)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "audit entry"))?;
    Ok(())
}

fn from_row(row: &AnyRow) -> Result<AuditEntry, sqlx::Error> {
    let json = |col: &str| -> Result<Option<serde_json::Value>, sqlx::Error> {
        let text: Option<String> = row.try_get(col)?;
        text.map(|t| serde_json::from_str(&t).map_err(|e| sqlx::Error::Decode(e.into())))
            .transpose()
    };
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at: time::from_ms(row.try_get("at")?)?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        entity: row.try_get("entity")?,
        entity_id: row.try_get("entity_id")?,
        before: json("before_json")?,
        after: json("after_json")?,
        correlation_id: row.try_get("correlation_id")?,
    })
}

#[async_trait]
impl AuditLog for SqlStore {
    async fn list_audit(&self, f: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        // Each filter is `$n IS NULL OR column = $n`, so one statement serves every combination.
        let sql = "SELECT * FROM audit_log WHERE \
             ($1 IS NULL OR entity = $1) AND ($2 IS NULL OR entity_id = $2) \
             AND ($3 IS NULL OR correlation_id = $3) AND ($4 IS NULL OR actor = $4) \
             AND ($5 IS NULL OR action = $5) AND ($6 IS NULL OR at >= $6) \
             AND ($7 IS NULL OR at < $7) AND ($8 IS NULL OR id < $8) ORDER BY id DESC LIMIT $9";
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(sql)
            .bind(f.entity.as_deref())
            .bind(f.entity_id.as_deref())
            .bind(f.correlation_id.as_deref())
            .bind(f.actor.as_deref())
            .bind(f.action.as_deref())
            .bind(f.from.map(|t| t.timestamp_millis()))
            .bind(f.to.map(|t| t.timestamp_millis()))
            .bind(f.before_id)
            .bind(i64::from(f.limit.clamp(1, 1000)))
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "audit entry"))?;
        let mut entries: Vec<AuditEntry> = rows
            .iter()
            .map(from_row)
            .collect::<Result<_, _>>()
            .map_err(StoreError::caused)?;
        let mut people = HashSet::new();
        for e in &entries {
            for v in [&e.before, &e.after].into_iter().flatten() {
                person_keys::sealed_agents(v, &mut people);
            }
        }
        if !people.is_empty() {
            let people: Vec<i64> = people.into_iter().collect();
            let keys = person_keys::existing(&mut conn, &people).await?;
            for e in &mut entries {
                for v in [&mut e.before, &mut e.after].into_iter().flatten() {
                    person_keys::open(v, &keys);
                }
            }
        }
        Ok(entries)
    }

    /// The retention purge: deletes the entries recorded before `before`, and only those.
    /// The only statement anywhere that removes audit entries.
    async fn purge_audit(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let removed = sqlx::query("DELETE FROM audit_log WHERE at < $1")
            .bind(before.timestamp_millis())
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "audit entry"))?
            .rows_affected();
        tx.commit()
            .await
            .map_err(|e| StoreError::from_sqlx(e, "audit entry"))?;
        Ok(removed)
    }
}
