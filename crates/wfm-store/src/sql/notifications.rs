//! Notification deliveries (one per recipient and channel, with the outcome of its attempts)
//! and each user's notification preferences.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{SqlStore, audit, time};
use crate::alerts::{Delivery, NotificationPrefs};
use crate::error::{StoreError, StoreResult};
use crate::model::Actor;
use crate::store::Notifications;

fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "notification delivery")
}

fn prefs_err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "notification preferences")
}

fn delivery_from_row(row: &AnyRow) -> Result<Delivery, sqlx::Error> {
    let attempts: i64 = row.try_get("attempts")?;
    Ok(Delivery {
        id: row.try_get("id")?,
        alert_id: row.try_get("alert_id")?,
        channel: row.try_get("channel")?,
        recipient: row.try_get("recipient")?,
        status: row.try_get("status")?,
        attempts: u32::try_from(attempts)
            .map_err(|e| sqlx::Error::Decode(format!("attempts: {e}").into()))?,
        last_error: row.try_get("last_error")?,
        created_at: time::from_ms(row.try_get("created_at")?)?,
        updated_at: time::from_ms(row.try_get("updated_at")?)?,
    })
}

fn prefs_from_text(text: &str) -> StoreResult<NotificationPrefs> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::caused_with("stored notification preferences", e))
}

async fn stored_prefs(
    conn: &mut AnyConnection,
    user: &str,
) -> StoreResult<Option<NotificationPrefs>> {
    let row = sqlx::query("SELECT prefs FROM notification_prefs WHERE user_name = $1")
        .bind(user)
        .fetch_optional(conn)
        .await
        .map_err(prefs_err)?;
    row.map(|r| {
        let text: String = r.try_get("prefs").map_err(prefs_err)?;
        prefs_from_text(&text)
    })
    .transpose()
}

#[async_trait]
impl Notifications for SqlStore {
    /// Records a pending delivery; the alert, when given, must exist.
    async fn create_delivery(
        &self,
        alert_id: Option<i64>,
        channel: &str,
        recipient: &str,
    ) -> StoreResult<Delivery> {
        let mut tx = self.begin_write().await?;
        if let Some(id) = alert_id {
            let found = sqlx::query("SELECT 1 FROM alerts WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(err)?;
            if found.is_none() {
                return Err(StoreError::InvalidReference {
                    field: "alert_id".into(),
                    entity: "alert",
                });
            }
        }
        let row = sqlx::query(
            "INSERT INTO notification_deliveries (alert_id, channel, recipient, status, attempts, \
             created_at, updated_at) VALUES ($1, $2, $3, 'pending', 0, $4, $4) RETURNING *",
        )
        .bind(alert_id)
        .bind(channel)
        .bind(recipient)
        .bind(time::now_ms())
        .fetch_one(&mut *tx)
        .await
        .map_err(err)?;
        let delivery = delivery_from_row(&row).map_err(err)?;
        tx.commit().await.map_err(err)?;
        Ok(delivery)
    }

    async fn update_delivery(
        &self,
        id: i64,
        status: &str,
        attempts: u32,
        last_error: Option<&str>,
    ) -> StoreResult<()> {
        let mut conn = self.acquire().await?;
        let updated = sqlx::query(
            "UPDATE notification_deliveries SET status = $1, attempts = $2, last_error = $3, \
             updated_at = $4 WHERE id = $5",
        )
        .bind(status)
        .bind(i64::from(attempts))
        .bind(last_error)
        .bind(time::now_ms())
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(err)?
        .rows_affected();
        if updated == 0 {
            return Err(StoreError::NotFound {
                entity: "notification delivery",
                id: id.to_string(),
            });
        }
        Ok(())
    }

    /// Deliveries of one alert or all, newest first.
    async fn list_deliveries(
        &self,
        alert_id: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<Delivery>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(
            "SELECT * FROM notification_deliveries WHERE ($1 IS NULL OR alert_id = $1) \
             ORDER BY id DESC LIMIT $2",
        )
        .bind(alert_id)
        .bind(i64::from(limit.clamp(1, 1000)))
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?;
        rows.iter()
            .map(delivery_from_row)
            .collect::<Result<_, _>>()
            .map_err(err)
    }

    async fn notification_prefs(&self, user: &str) -> StoreResult<Option<NotificationPrefs>> {
        let mut conn = self.acquire().await?;
        stored_prefs(&mut conn, user).await
    }

    /// Creates or replaces a user's preferences; the audit entry shows them before and after.
    async fn put_notification_prefs(
        &self,
        user: &str,
        prefs: &NotificationPrefs,
        actor: &Actor,
    ) -> StoreResult<()> {
        let text = serde_json::to_string(prefs).map_err(StoreError::caused)?;
        let mut tx = self.begin_write().await?;
        let before = stored_prefs(&mut tx, user).await?;
        sqlx::query(
            "INSERT INTO notification_prefs (user_name, prefs, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_name) DO UPDATE SET prefs = excluded.prefs, \
             updated_at = excluded.updated_at",
        )
        .bind(user)
        .bind(text)
        .bind(time::now_ms())
        .execute(&mut *tx)
        .await
        .map_err(prefs_err)?;
        let action = if before.is_some() { "update" } else { "create" };
        audit::record(
            &mut tx,
            actor,
            action,
            "notification_prefs",
            user,
            before.as_ref(),
            Some(prefs),
        )
        .await?;
        tx.commit().await.map_err(prefs_err)
    }

    /// Every user's preferences, by user.
    async fn all_notification_prefs(&self) -> StoreResult<Vec<(String, NotificationPrefs)>> {
        let mut conn = self.acquire().await?;
        let rows =
            sqlx::query("SELECT user_name, prefs FROM notification_prefs ORDER BY user_name")
                .fetch_all(&mut *conn)
                .await
                .map_err(prefs_err)?;
        let mut all = rows
            .iter()
            .map(|r| {
                let user: String = r.try_get("user_name").map_err(prefs_err)?;
                let text: String = r.try_get("prefs").map_err(prefs_err)?;
                Ok((user, prefs_from_text(&text)?))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        // Byte order on both backends, whatever the PostgreSQL database's collation.
        all.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(all)
    }
}
