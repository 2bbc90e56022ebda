//! Alert rules: named, switchable definitions (the service's JSON), created, replaced and
//! deleted with audit entries like the generic records.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{SqlStore, audit, codec, time};
use crate::alerts::StoredRule;
use crate::error::{StoreError, StoreResult, is_unique_violation};
use crate::model::Actor;
use crate::store::AlertRules;

const ENTITY: &str = "alert_rule";

fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "alert rule")
}

fn not_found(id: i64) -> StoreError {
    StoreError::NotFound {
        entity: "alert rule",
        id: id.to_string(),
    }
}

/// A write's error, with a taken name said in words.
fn write_err(e: sqlx::Error, name: &str) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::Conflict(format!("an alert rule named {name:?} already exists"))
    } else {
        err(e)
    }
}

fn from_row(row: &AnyRow) -> Result<StoredRule, sqlx::Error> {
    Ok(StoredRule {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        enabled: row.try_get::<i64, _>("enabled")? != 0,
        definition: codec::json(row, "definition")?,
        created_at: time::from_ms(row.try_get("created_at")?)?,
        updated_at: time::from_ms(row.try_get("updated_at")?)?,
    })
}

async fn fetch(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<StoredRule>> {
    sqlx::query("SELECT * FROM alert_rules WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(err)?
        .map(|r| from_row(&r).map_err(err))
        .transpose()
}

/// Whether a rule with this id exists, inside the caller's transaction.
pub(crate) async fn exists(conn: &mut AnyConnection, id: i64) -> StoreResult<bool> {
    Ok(sqlx::query("SELECT 1 FROM alert_rules WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(err)?
        .is_some())
}

#[async_trait]
impl AlertRules for SqlStore {
    async fn create_rule(
        &self,
        name: &str,
        enabled: bool,
        definition: &serde_json::Value,
        actor: &Actor,
    ) -> StoreResult<StoredRule> {
        let mut tx = self.begin_write().await?;
        let now = time::now_ms();
        let row = sqlx::query(
            "INSERT INTO alert_rules (name, enabled, definition, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) RETURNING *",
        )
        .bind(name)
        .bind(i64::from(enabled))
        .bind(codec::json_text(definition)?)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| write_err(e, name))?;
        let created = from_row(&row).map_err(err)?;
        let id = created.id.to_string();
        audit::commit(tx, actor, "create", ENTITY, &id, None, Some(&created)).await?;
        Ok(created)
    }

    async fn update_rule(
        &self,
        id: i64,
        name: &str,
        enabled: bool,
        definition: &serde_json::Value,
        actor: &Actor,
    ) -> StoreResult<StoredRule> {
        let mut tx = self.begin_write().await?;
        let before = fetch(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
        let row = sqlx::query(
            "UPDATE alert_rules SET name = $1, enabled = $2, definition = $3, updated_at = $4 \
             WHERE id = $5 RETURNING *",
        )
        .bind(name)
        .bind(i64::from(enabled))
        .bind(codec::json_text(definition)?)
        .bind(time::now_ms())
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| write_err(e, name))?
        .ok_or_else(|| not_found(id))?;
        let after = from_row(&row).map_err(err)?;
        audit::commit(
            tx,
            actor,
            "update",
            ENTITY,
            &id.to_string(),
            Some(&before),
            Some(&after),
        )
        .await?;
        Ok(after)
    }

    /// Deletes a rule; its alerts keep their `rule_id`, for history.
    async fn delete_rule(&self, id: i64, actor: &Actor) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("DELETE FROM alert_rules WHERE id = $1 RETURNING *")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(err)?
            .ok_or_else(|| not_found(id))?;
        let removed = from_row(&row).map_err(err)?;
        audit::record(
            &mut tx,
            actor,
            "delete",
            ENTITY,
            &id.to_string(),
            Some(&removed),
            None,
        )
        .await?;
        tx.commit().await.map_err(err)
    }

    /// Every rule, by id.
    async fn list_rules(&self) -> StoreResult<Vec<StoredRule>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query("SELECT * FROM alert_rules ORDER BY id")
            .fetch_all(&mut *conn)
            .await
            .map_err(err)?;
        rows.iter()
            .map(from_row)
            .collect::<Result<_, _>>()
            .map_err(err)
    }
}
