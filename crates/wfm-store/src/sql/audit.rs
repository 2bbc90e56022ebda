//! The audit log: append-only records of every change, written in the change's transaction.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{SqlStore, time};
use crate::error::{StoreError, StoreResult};
use crate::model::{Actor, AuditEntry, AuditFilter};

/// One audit entry to append, its records already serialized.
pub(crate) struct Change {
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
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
        let json = |v: Option<&T>| -> StoreResult<Option<String>> {
            v.map(serde_json::to_string)
                .transpose()
                .map_err(|e| StoreError::Other(e.to_string()))
        };
        Ok(Self {
            action,
            entity,
            entity_id,
            before: json(before)?,
            after: json(after)?,
        })
    }
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
    let json = |v: Option<&T>| -> StoreResult<Option<String>> {
        v.map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Other(e.to_string()))
    };
    let (before, after) = (json(before)?, json(after)?);
    insert(
        conn,
        actor,
        &[(
            action,
            entity,
            entity_id,
            before.as_deref(),
            after.as_deref(),
        )],
    )
    .await
}

/// Appends many audit entries (all by `actor`) with multi-row inserts.
pub(crate) async fn record_all(
    conn: &mut AnyConnection,
    actor: &Actor,
    changes: &[Change],
) -> StoreResult<()> {
    for chunk in changes.chunks(BATCH) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|c| {
                (
                    c.action,
                    c.entity,
                    c.entity_id.as_str(),
                    c.before.as_deref(),
                    c.after.as_deref(),
                )
            })
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

impl SqlStore {
    pub(crate) async fn audit_entries(&self, f: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        // Each filter is `$n IS NULL OR column = $n`, so one statement serves every combination.
        let sql = "SELECT * FROM audit_log WHERE \
             ($1 IS NULL OR entity = $1) AND ($2 IS NULL OR entity_id = $2) \
             AND ($3 IS NULL OR correlation_id = $3) AND ($4 IS NULL OR actor = $4) \
             AND ($5 IS NULL OR id < $5) ORDER BY id DESC LIMIT $6";
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(sql)
            .bind(f.entity.as_deref())
            .bind(f.entity_id.as_deref())
            .bind(f.correlation_id.as_deref())
            .bind(f.actor.as_deref())
            .bind(f.before_id)
            .bind(i64::from(f.limit.clamp(1, 1000)))
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "audit entry"))?;
        rows.iter()
            .map(from_row)
            .collect::<Result<_, _>>()
            .map_err(|e| StoreError::Other(e.to_string()))
    }
}
