//! Group priorities: one row per group whose importance was set, replaced in place and
//! audited with the value before and after.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use wfm_core::executive::Importance;

use super::{SqlStore, audit, table, time};
use crate::error::{StoreError, StoreResult};
use crate::model::Actor;
use crate::priorities::GroupPriority;
use crate::store::Priorities;

fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "group priority")
}

fn from_row(row: &AnyRow) -> Result<GroupPriority, sqlx::Error> {
    let importance: String = row.try_get("importance")?;
    Ok(GroupPriority {
        group_id: row.try_get("group_id")?,
        importance: Importance::parse(&importance).ok_or_else(|| {
            sqlx::Error::Decode(format!("importance: unknown level {importance:?}").into())
        })?,
        updated_by: row.try_get("updated_by")?,
        updated_at: time::from_ms(row.try_get("updated_at")?)?,
    })
}

async fn stored(conn: &mut AnyConnection, group_id: i64) -> StoreResult<Option<GroupPriority>> {
    let row = sqlx::query(
        "SELECT group_id, importance, updated_by, updated_at FROM group_priorities \
         WHERE group_id = $1",
    )
    .bind(group_id)
    .fetch_optional(conn)
    .await
    .map_err(err)?;
    row.as_ref().map(from_row).transpose().map_err(err)
}

#[async_trait]
impl Priorities for SqlStore {
    /// Sets a group's importance; `NotFound` when the group does not exist.
    async fn set_group_priority(
        &self,
        group_id: i64,
        importance: Importance,
        actor: &Actor,
    ) -> StoreResult<GroupPriority> {
        let mut tx = self.begin_write().await?;
        table::require(&mut tx, "agent_groups", "group", group_id).await?;
        let before = stored(&mut tx, group_id).await?;
        let now = time::now_ms();
        sqlx::query(
            "INSERT INTO group_priorities (group_id, importance, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (group_id) DO UPDATE SET \
             importance = excluded.importance, updated_by = excluded.updated_by, \
             updated_at = excluded.updated_at",
        )
        .bind(group_id)
        .bind(importance.as_str())
        .bind(&actor.name)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(err)?;
        let after = GroupPriority {
            group_id,
            importance,
            updated_by: actor.name.clone(),
            updated_at: time::from_ms(now).map_err(err)?,
        };
        let action = if before.is_some() { "update" } else { "create" };
        audit::commit(
            tx,
            actor,
            action,
            "group_priority",
            &group_id.to_string(),
            before.as_ref(),
            Some(&after),
        )
        .await?;
        Ok(after)
    }

    /// Every stored priority, by group id.
    async fn group_priorities(&self) -> StoreResult<Vec<GroupPriority>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(
            "SELECT group_id, importance, updated_by, updated_at FROM group_priorities \
             ORDER BY group_id",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?;
        rows.iter()
            .map(from_row)
            .collect::<Result<_, _>>()
            .map_err(err)
    }
}
