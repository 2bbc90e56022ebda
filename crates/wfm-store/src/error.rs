//! The store's errors, mapped from the database so callers never see driver details (the
//! driver's error stays reachable as the source, for the log).

use std::fmt;
use std::sync::Arc;

/// What went wrong in the store, in terms a caller can act on.
#[derive(Debug, Clone)]
pub enum StoreError {
    /// No such thing: `entity` with `id`.
    NotFound { entity: &'static str, id: String },
    /// A field points at something that does not exist.
    InvalidReference { field: String, entity: &'static str },
    /// The change clashes with what is stored (a duplicate, or a record still in use).
    Conflict(String),
    /// The database could not be reached or failed; details go to the log, not the client.
    Other {
        message: String,
        /// What failed underneath (the driver's or a codec's error), kept for whoever needs
        /// more than the message (`std::error::Error::source`). Shared, so that one failed
        /// commit can answer every batch in it.
        source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NotFound { entity, id } => write!(f, "{entity} {id} not found"),
            StoreError::InvalidReference { field, entity } => {
                write!(f, "{field} refers to a {entity} that does not exist")
            }
            StoreError::Conflict(why) => f.write_str(why),
            StoreError::Other { message, .. } => write!(f, "store failure: {message}"),
        }
    }
}

// Written out rather than derived: the source is the error itself, not the `Arc` around it,
// so that a caller can downcast it (to `sqlx::Error`, say).
impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Other {
                source: Some(cause),
                ..
            } => Some(cause.as_ref()),
            _ => None,
        }
    }
}

impl StoreError {
    /// A failure described by its message alone.
    pub fn other(message: impl Into<String>) -> Self {
        StoreError::Other {
            message: message.into(),
            source: None,
        }
    }

    /// A failure caused by `err`: its message, and `err` kept as the source.
    pub fn caused(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Other {
            message: err.to_string(),
            source: Some(Arc::new(err)),
        }
    }

    /// A failure caused by `err` while doing what `context` says.
    pub fn caused_with(context: &str, err: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Other {
            message: format!("{context}: {err}"),
            source: Some(Arc::new(err)),
        }
    }

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
        StoreError::caused(err)
    }
}

/// Whether the database refused a write for a duplicate of unique values, so the caller can
/// say which values clash.
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db)
        if db.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

pub type StoreResult<T> = Result<T, StoreError>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn a_driver_failure_keeps_the_driver_error_as_its_source() {
        let e = StoreError::from_sqlx(sqlx::Error::PoolTimedOut, "event");
        let source = e.source().expect("the driver's error is kept");
        assert!(matches!(
            source.downcast_ref::<sqlx::Error>(),
            Some(sqlx::Error::PoolTimedOut)
        ));
        assert_eq!(
            e.to_string(),
            format!("store failure: {}", sqlx::Error::PoolTimedOut)
        );
        assert!(StoreError::other("no key").source().is_none());
    }
}
