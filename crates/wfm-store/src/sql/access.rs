//! API keys of systems: stored as SHA-256 hashes, revoked rather than deleted.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{SqlStore, audit, time};
use crate::error::{StoreError, StoreResult};
use crate::model::{Actor, ApiKey, NewApiKey, Role};
use crate::store::ApiKeys;

fn from_row(row: &AnyRow) -> Result<ApiKey, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(ApiKey {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: Role::parse(&role)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown role {role}").into()))?,
        prefix: row.try_get("prefix")?,
        key_hash: row.try_get("key_hash")?,
        created_at: time::from_ms(row.try_get("created_at")?)?,
        revoked_at: time::opt_from_ms(row.try_get("revoked_at")?)?,
    })
}

fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "api key")
}

#[async_trait]
impl ApiKeys for SqlStore {
    async fn create_api_key(&self, key: &NewApiKey, actor: &Actor) -> StoreResult<ApiKey> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO api_keys (name, role, prefix, key_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING *",
        )
        .bind(&key.name)
        .bind(key.role.as_str())
        .bind(&key.prefix)
        .bind(&key.key_hash)
        .bind(time::now_ms())
        .fetch_one(&mut *tx)
        .await
        .map_err(err)?;
        let created = from_row(&row).map_err(err)?;
        audit::commit(
            tx,
            actor,
            "create",
            "api_key",
            &created.id.to_string(),
            None,
            Some(&created),
        )
        .await?;
        Ok(created)
    }

    async fn revoke_api_key(&self, id: i64, actor: &Actor) -> StoreResult<ApiKey> {
        let mut tx = self.begin_write().await?;
        let fetch = |id: i64| sqlx::query("SELECT * FROM api_keys WHERE id = $1").bind(id);
        let before = match fetch(id).fetch_optional(&mut *tx).await.map_err(err)? {
            Some(row) => from_row(&row).map_err(err)?,
            None => {
                return Err(StoreError::NotFound {
                    entity: "api key",
                    id: id.to_string(),
                });
            }
        };
        if before.revoked_at.is_some() {
            return Ok(before);
        }
        sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2")
            .bind(time::now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        let row = fetch(id).fetch_one(&mut *tx).await.map_err(err)?;
        let after = from_row(&row).map_err(err)?;
        audit::commit(
            tx,
            actor,
            "revoke",
            "api_key",
            &id.to_string(),
            Some(&before),
            Some(&after),
        )
        .await?;
        Ok(after)
    }

    async fn list_api_keys(&self) -> StoreResult<Vec<ApiKey>> {
        self.api_keys(None).await
    }

    async fn find_api_key(&self, key_hash: &str) -> StoreResult<Option<ApiKey>> {
        Ok(self.api_keys(Some(key_hash)).await?.into_iter().next())
    }
}

impl SqlStore {
    /// Keys ordered by id: all of them, or the live one with this hash.
    async fn api_keys(&self, live_hash: Option<&str>) -> StoreResult<Vec<ApiKey>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(
            "SELECT * FROM api_keys WHERE $1 IS NULL OR (key_hash = $1 AND revoked_at IS NULL) \
             ORDER BY id",
        )
        .bind(live_hash)
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?;
        rows.iter()
            .map(from_row)
            .collect::<Result<_, _>>()
            .map_err(err)
    }
}
