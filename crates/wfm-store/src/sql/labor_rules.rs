//! Labor rules: one row per site whose rules were set, the rules as JSON (fields added
//! later take their defaults when read), replaced in place and audited before and after.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use wfm_core::labor::LaborRules;

use super::{SqlStore, audit, table, time};
use crate::error::{StoreError, StoreResult};
use crate::labor::SiteLaborRules;
use crate::model::Actor;
use crate::store::Labor;

fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "labor rules")
}

fn from_row(row: &AnyRow) -> Result<SiteLaborRules, sqlx::Error> {
    let text: String = row.try_get("rules")?;
    Ok(SiteLaborRules {
        site_id: row.try_get("site_id")?,
        rules: serde_json::from_str(&text)
            .map_err(|e| sqlx::Error::Decode(format!("rules: {e}").into()))?,
        updated_by: row.try_get("updated_by")?,
        updated_at: time::from_ms(row.try_get("updated_at")?)?,
    })
}

async fn stored(conn: &mut AnyConnection, site_id: i64) -> StoreResult<Option<SiteLaborRules>> {
    let row = sqlx::query(
        "SELECT site_id, rules, updated_by, updated_at FROM labor_rules WHERE site_id = $1",
    )
    .bind(site_id)
    .fetch_optional(conn)
    .await
    .map_err(err)?;
    row.as_ref().map(from_row).transpose().map_err(err)
}

#[async_trait]
impl Labor for SqlStore {
    /// A site's stored rules; `None` when it uses the defaults.
    async fn labor_rules(&self, site_id: i64) -> StoreResult<Option<SiteLaborRules>> {
        let mut conn = self.acquire().await?;
        stored(&mut conn, site_id).await
    }

    /// Replaces a site's rules; `NotFound` when the site does not exist.
    async fn put_labor_rules(
        &self,
        site_id: i64,
        rules: &LaborRules,
        actor: &Actor,
    ) -> StoreResult<SiteLaborRules> {
        let text = serde_json::to_string(rules).map_err(StoreError::caused)?;
        let mut tx = self.begin_write().await?;
        table::require(&mut tx, "sites", "site", site_id).await?;
        let before = stored(&mut tx, site_id).await?;
        let now = time::now_ms();
        sqlx::query(
            "INSERT INTO labor_rules (site_id, rules, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (site_id) DO UPDATE SET \
             rules = excluded.rules, updated_by = excluded.updated_by, \
             updated_at = excluded.updated_at",
        )
        .bind(site_id)
        .bind(&text)
        .bind(&actor.name)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(err)?;
        let after = SiteLaborRules {
            site_id,
            rules: *rules,
            updated_by: actor.name.clone(),
            updated_at: time::from_ms(now).map_err(err)?,
        };
        let action = if before.is_some() { "update" } else { "create" };
        audit::commit(
            tx,
            actor,
            action,
            "labor_rules",
            &site_id.to_string(),
            before.as_ref(),
            Some(&after),
        )
        .await?;
        Ok(after)
    }
}
