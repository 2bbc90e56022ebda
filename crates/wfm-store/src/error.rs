//! The store's errors, mapped from the database so callers never see driver details.

use thiserror::Error;

/// What went wrong in the store, in terms a caller can act on.
#[derive(Debug, Clone, Error)]
pub enum StoreError {
    /// No such thing: `entity` with `id`.
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: String },
    /// A field points at something that does not exist.
    #[error("{field} refers to a {entity} that does not exist")]
    InvalidReference { field: String, entity: &'static str },
    /// The change clashes with what is stored (a duplicate, or a record still in use).
    #[error("{0}")]
    Conflict(String),
    /// The database could not be reached or failed; details go to the log, not the client.
    #[error("store failure: {0}")]
    Other(String),
}

impl StoreError {
    /// Maps a driver error; `entity` names what was being written, for conflicts.
    pub(crate) fn from_sqlx(err: sqlx::Error, entity: &str) -> Self {
        if let sqlx::Error::Database(db) = &err {
            match db.kind() {
                sqlx::error::ErrorKind::UniqueViolation => {
                    return StoreError::Conflict(format!(
                        "a {entity} with the same unique values already exists"
                    ));
                }
                sqlx::error::ErrorKind::ForeignKeyViolation => {
                    return StoreError::Conflict(format!(
                        "the {entity} is still referenced by other records, or refers to a missing one"
                    ));
                }
                _ => {}
            }
        }
        StoreError::Other(err.to_string())
    }
}

/// Whether the database refused a write for a duplicate of unique values, so the caller can
/// say which values clash.
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db)
        if db.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

pub type StoreResult<T> = Result<T, StoreError>;
