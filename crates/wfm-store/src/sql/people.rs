//! Accounts, sessions and personal settings of the people who sign in to the console.
//! Every change to an account is audited; a session is audited when it opens and closes,
//! not each time it is used.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{SqlStore, audit, time};
use crate::error::{StoreError, StoreResult};
use crate::model::{Actor, Role};
use crate::people::{Failure, NewUser, Session, User, UserChange};
use crate::store::People;

fn err(e: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(e, "user")
}

const USER_COLUMNS: &str = "users.id, users.name, users.role, users.password_hash, users.locale, \
     users.failed_attempts, users.locked_until, users.created_at";

fn user_from(row: &AnyRow) -> Result<User, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: Role::parse(&role)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown role {role}").into()))?,
        password_hash: row.try_get("password_hash")?,
        locale: row.try_get("locale")?,
        failed_attempts: row.try_get("failed_attempts")?,
        locked_until: time::opt_from_ms(row.try_get("locked_until")?)?,
        created_at: time::from_ms(row.try_get("created_at")?)?,
    })
}

async fn user(conn: &mut AnyConnection, id: i64) -> StoreResult<User> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(err)?;
    match row {
        Some(row) => user_from(&row).map_err(err),
        None => Err(StoreError::NotFound {
            entity: "user",
            id: id.to_string(),
        }),
    }
}

#[async_trait]
impl People for SqlStore {
    async fn create_user(&self, new: &NewUser, actor: &Actor) -> StoreResult<User> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&format!(
            "INSERT INTO users (name, role, password_hash, locale, settings, failed_attempts, \
             created_at) VALUES ($1, $2, $3, $4, '{{}}', 0, $5) RETURNING {USER_COLUMNS}"
        ))
        .bind(&new.name)
        .bind(new.role.as_str())
        .bind(&new.password_hash)
        .bind(&new.locale)
        .bind(time::now_ms())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            if crate::error::is_unique_violation(&e) {
                StoreError::Conflict(format!("a user named {:?} already exists", new.name))
            } else {
                err(e)
            }
        })?;
        let created = user_from(&row).map_err(err)?;
        let id = created.id.to_string();
        audit::commit(tx, actor, "create", "user", &id, None, Some(&created)).await?;
        Ok(created)
    }

    /// Applies `change`; a new password or role ends the person's sessions, so whoever
    /// held one signs in again under the new terms.
    async fn change_user(&self, id: i64, change: &UserChange, actor: &Actor) -> StoreResult<User> {
        let mut tx = self.begin_write().await?;
        let before = user(&mut tx, id).await?;
        let (statement, value, action): (&str, Option<String>, &str) = match change {
            UserChange::Role(role) => (
                "UPDATE users SET role = $2 WHERE id = $1",
                Some(role.as_str().into()),
                "update",
            ),
            UserChange::Password(hash) => (
                "UPDATE users SET password_hash = $2, failed_attempts = 0, locked_until = NULL \
                 WHERE id = $1",
                Some(hash.clone()),
                "set_password",
            ),
            UserChange::Locale(locale) => (
                "UPDATE users SET locale = $2 WHERE id = $1",
                Some(locale.clone()),
                "update",
            ),
            UserChange::Unlock => (
                "UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = $1",
                None,
                "unlock",
            ),
        };
        let query = sqlx::query(statement).bind(id);
        let query = match value {
            Some(v) => query.bind(v),
            None => query,
        };
        query.execute(&mut *tx).await.map_err(err)?;
        if matches!(change, UserChange::Role(_) | UserChange::Password(_)) {
            end_sessions(&mut tx, id).await?;
        }
        let after = audited(&mut tx, actor, action, &before).await?;
        tx.commit().await.map_err(err)?;
        Ok(after)
    }

    /// Counts a wrong password; the `lock_after`th in a row locks the account until
    /// `lock_until` and starts the count again.
    async fn fail_sign_in(
        &self,
        id: i64,
        lock_after: i64,
        lock_until: DateTime<Utc>,
        actor: &Actor,
    ) -> StoreResult<Failure> {
        let mut tx = self.begin_write().await?;
        let before = user(&mut tx, id).await?;
        let locked_now = before.failed_attempts + 1 >= lock_after;
        if locked_now {
            sqlx::query("UPDATE users SET failed_attempts = 0, locked_until = $2 WHERE id = $1")
                .bind(id)
                .bind(lock_until.timestamp_millis())
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            end_sessions(&mut tx, id).await?;
        } else {
            sqlx::query("UPDATE users SET failed_attempts = failed_attempts + 1 WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
        }
        let action = if locked_now { "lock" } else { "sign_in_failed" };
        let after = audited(&mut tx, actor, action, &before).await?;
        tx.commit().await.map_err(err)?;
        Ok(Failure {
            user: after,
            locked_now,
        })
    }

    /// Opens a session for a person whose password was right: the count of wrong passwords
    /// starts again, and the person's sessions idle since before `idle_cutoff` go.
    async fn open_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf_token: &str,
        idle_cutoff: DateTime<Utc>,
        actor: &Actor,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        user(&mut tx, user_id).await?;
        let now = time::now_ms();
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND last_seen_at < $2")
            .bind(user_id)
            .bind(idle_cutoff.timestamp_millis())
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        sqlx::query("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(err)?;
        let key = user_id.to_string();
        audit::record::<Value>(&mut tx, actor, "sign_in", "session", &key, None, None).await?;
        tx.commit().await.map_err(err)?;
        Ok(())
    }

    /// The session with this hash unless it has been idle since before `idle_cutoff` (an
    /// idle session is deleted when found). Marks it used when it was last used more than
    /// a minute ago: often enough for an idle timeout, rarely enough not to write per request.
    async fn find_session(
        &self,
        token_hash: &str,
        idle_cutoff: DateTime<Utc>,
    ) -> StoreResult<Option<Session>> {
        let mut conn = self.acquire().await?;
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, sessions.csrf_token, sessions.created_at AS opened_at, \
             sessions.last_seen_at FROM sessions JOIN users ON users.id = sessions.user_id \
             WHERE sessions.token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(&mut *conn)
        .await
        .map_err(err)?;
        let Some(row) = row else { return Ok(None) };
        let last_seen: i64 = row.try_get("last_seen_at").map_err(err)?;
        drop(conn);
        if last_seen < idle_cutoff.timestamp_millis() {
            self.delete_session(token_hash).await?;
            return Ok(None);
        }
        let now = time::now_ms();
        if now - last_seen > 60_000 {
            let mut conn = self.acquire().await?;
            sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
                .bind(token_hash)
                .bind(now)
                .execute(&mut *conn)
                .await
                .map_err(err)?;
        }
        Ok(Some(Session {
            user: user_from(&row).map_err(err)?,
            csrf_token: row.try_get("csrf_token").map_err(err)?,
            created_at: time::from_ms(row.try_get("opened_at").map_err(err)?).map_err(err)?,
            last_seen_at: time::from_ms(last_seen).map_err(err)?,
        }))
    }

    /// Ends a session (signing out); false when there was none.
    async fn close_session(
        &self,
        token_hash: &str,
        user_id: i64,
        actor: &Actor,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        let closed = done.rows_affected() > 0;
        if closed {
            let key = user_id.to_string();
            audit::record::<Value>(&mut tx, actor, "sign_out", "session", &key, None, None).await?;
        }
        tx.commit().await.map_err(err)?;
        Ok(closed)
    }

    /// A person's saved settings (`{}` when none).
    async fn user_settings(&self, user_id: i64) -> StoreResult<Value> {
        let mut conn = self.acquire().await?;
        let text: Option<String> = sqlx::query_scalar("SELECT settings FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(err)?;
        let text = text.ok_or_else(|| StoreError::NotFound {
            entity: "user",
            id: user_id.to_string(),
        })?;
        serde_json::from_str(&text).map_err(|e| StoreError::caused_with("settings", e))
    }

    /// Replaces a person's settings, audited.
    async fn put_user_settings(
        &self,
        user_id: i64,
        settings: &Value,
        actor: &Actor,
    ) -> StoreResult<Value> {
        let text = settings.to_string();
        let mut tx = self.begin_write().await?;
        let before: Option<String> = sqlx::query_scalar("SELECT settings FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(err)?;
        let Some(before) = before else {
            return Err(StoreError::NotFound {
                entity: "user",
                id: user_id.to_string(),
            });
        };
        let before: Value = serde_json::from_str(&before).unwrap_or(Value::Null);
        sqlx::query("UPDATE users SET settings = $2 WHERE id = $1")
            .bind(user_id)
            .bind(&text)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        let key = user_id.to_string();
        audit::commit(
            tx,
            actor,
            "update",
            "user_settings",
            &key,
            Some(&before),
            Some(settings),
        )
        .await?;
        Ok(settings.clone())
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        self.users(None).await
    }

    async fn find_user(&self, name: &str) -> StoreResult<Option<User>> {
        Ok(self.users(Some(name)).await?.into_iter().next())
    }
}

impl SqlStore {
    /// Accounts by name: all of them, or the one named `name`.
    async fn users(&self, name: Option<&str>) -> StoreResult<Vec<User>> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE $1 IS NULL OR name = $1 ORDER BY name"
        ))
        .bind(name)
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?;
        rows.iter()
            .map(user_from)
            .collect::<Result<_, _>>()
            .map_err(err)
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<u64> {
        let mut conn = self.acquire().await?;
        let done = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *conn)
            .await
            .map_err(err)?;
        Ok(done.rows_affected())
    }
}

/// The account as a change in this transaction left it, audited against `before`.
async fn audited(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    before: &User,
) -> StoreResult<User> {
    let after = user(conn, before.id).await?;
    let key = before.id.to_string();
    audit::record(
        conn,
        actor,
        action,
        "user",
        &key,
        Some(before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

async fn end_sessions(conn: &mut AnyConnection, user_id: i64) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await
        .map_err(err)?;
    Ok(())
}
