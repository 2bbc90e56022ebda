//! People of the console: accounts, wrong passwords and lockout, sessions, and each
//! person's settings.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::StoreResult;
use crate::model::*;

#[async_trait]
pub trait People: Send + Sync {
    /// Creates a console account, audited; `Conflict` when the name is taken.
    async fn create_user(
        &self,
        user: &crate::people::NewUser,
        actor: &Actor,
    ) -> StoreResult<crate::people::User>;
    /// Every account, by name.
    async fn list_users(&self) -> StoreResult<Vec<crate::people::User>>;
    /// The account named `name`, if any.
    async fn find_user(&self, name: &str) -> StoreResult<Option<crate::people::User>>;
    /// Changes an account, audited; a new role or password ends the person's sessions.
    async fn change_user(
        &self,
        id: i64,
        change: &crate::people::UserChange,
        actor: &Actor,
    ) -> StoreResult<crate::people::User>;
    /// Counts a wrong password, audited; the `lock_after`th in a row locks the account
    /// until `lock_until` and ends its sessions.
    async fn fail_sign_in(
        &self,
        user_id: i64,
        lock_after: i64,
        lock_until: DateTime<Utc>,
        actor: &Actor,
    ) -> StoreResult<crate::people::Failure>;
    /// Opens a session (kept by the SHA-256 of its cookie) after a right password, audited;
    /// resets the count of wrong passwords; drops the person's sessions idle since before
    /// `idle_cutoff`.
    async fn open_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf_token: &str,
        idle_cutoff: DateTime<Utc>,
        actor: &Actor,
    ) -> StoreResult<()>;
    /// The session with this hash, unless idle since before `idle_cutoff`; marks it used.
    async fn find_session(
        &self,
        token_hash: &str,
        idle_cutoff: DateTime<Utc>,
    ) -> StoreResult<Option<crate::people::Session>>;
    /// Ends a session (sign-out), audited; false when there was none.
    async fn close_session(
        &self,
        token_hash: &str,
        user_id: i64,
        actor: &Actor,
    ) -> StoreResult<bool>;
    /// A person's saved console settings (`{}` when none).
    async fn user_settings(&self, user_id: i64) -> StoreResult<serde_json::Value>;
    /// Replaces a person's console settings, audited.
    async fn put_user_settings(
        &self,
        user_id: i64,
        settings: &serde_json::Value,
        actor: &Actor,
    ) -> StoreResult<serde_json::Value>;
}
