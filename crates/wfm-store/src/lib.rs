//! Persistence of wfm-pulse: the `Store` trait and its SQL implementation for SQLite (the
//! embedded default) and PostgreSQL (production), chosen by the database URL.

pub mod alerts;
pub mod error;
pub mod health;
pub mod history;
pub mod integration;
pub mod labor;
pub mod live;
pub mod model;
pub mod people;
pub mod priorities;
pub mod privacy;
mod sql;
pub mod store;

use std::sync::Arc;

pub use error::{StoreError, StoreResult};
pub use sql::{SqlStore, sqlite_file};
pub use store::{
    AlertRules, Alerts, ApiKeys, AuditLog, Backend, Erasures, EventLog, Integration,
    IntegrationHealth, IntervalHistory, JobQueue, Labor, LiveInputs, Notifications, People,
    PersonnelSync, Predictions, Priorities, Store, Structure, ZupHours, ZupPersonnel,
};

/// Opens the store at `url` (`sqlite://PATH` or `postgres://...`). Does not migrate.
pub async fn open(url: &str) -> StoreResult<Arc<dyn Store>> {
    Ok(Arc::new(SqlStore::connect(url).await?))
}
