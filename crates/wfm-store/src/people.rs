//! People who sign in to the console: their accounts, sessions and personal settings.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::model::Role;

/// A local account. The password hash never leaves the store's callers: it is not
/// serialized, so neither the API nor the audit log ever shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// The console's language for this person: `ru` or `en`.
    pub locale: String,
    /// Wrong passwords since the last sign-in or lockout.
    pub failed_attempts: i64,
    /// Sign-in is refused until then, whatever the password.
    pub locked_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    #[serde(skip)]
    pub password_hash: String,
}

impl User {
    /// Whether sign-in is refused at `now`.
    pub fn locked_at(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }
}

/// An account to create (the caller has hashed the password).
#[derive(Debug, Clone, PartialEq)]
pub struct NewUser {
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub locale: String,
}

/// One change an administrator (or the person) makes to an account.
#[derive(Debug, Clone, PartialEq)]
pub enum UserChange {
    Role(Role),
    /// A new argon2id hash; ends the person's sessions.
    Password(String),
    Locale(String),
    /// Clears the lockout and the count of wrong passwords.
    Unlock,
}

/// What a wrong password did to the account.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub user: User,
    /// True when this failure locked the account.
    pub locked_now: bool,
}

/// A signed-in session, found by the SHA-256 of its cookie.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}
