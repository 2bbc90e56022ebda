//! The `Store` trait: everything the service persists, behind one interface for both backends.
//! It is made of one trait per area, each declared in its own file here and implemented once,
//! in the `sql/` module of the same area: the structure, the event log and what the live
//! engine reads, access (API keys, people, audit, erasure), sync jobs and integration, 1C
//! ZUP's records, alerting, and history. `Store` itself adds the connection's own methods.
//! Calls through `dyn Store` reach every area's methods without importing its trait.

mod alert_rules;
mod alerts;
mod api_keys;
mod audit_log;
mod erasures;
mod event_log;
mod feed_positions;
mod integration;
mod integration_health;
mod interval_history;
mod jobs;
mod labor;
mod live_inputs;
mod notifications;
mod people;
mod personnel_sync;
mod predictions;
mod priorities;
mod structure;
mod zup_hours;
mod zup_personnel;

use async_trait::async_trait;

use crate::error::StoreResult;
pub use alert_rules::AlertRules;
pub use alerts::Alerts;
pub use api_keys::ApiKeys;
pub use audit_log::AuditLog;
pub use erasures::Erasures;
pub use event_log::EventLog;
pub use feed_positions::FeedPositions;
pub use integration::Integration;
pub use integration_health::IntegrationHealth;
pub use interval_history::IntervalHistory;
pub use jobs::JobQueue;
pub use labor::Labor;
pub use live_inputs::LiveInputs;
pub use notifications::Notifications;
pub use people::People;
pub use personnel_sync::PersonnelSync;
pub use predictions::Predictions;
pub use priorities::Priorities;
pub use structure::Structure;
pub use zup_hours::ZupHours;
pub use zup_personnel::ZupPersonnel;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Persistence of wfm-pulse. Every change takes the `Actor` and writes an audit entry in the
/// same transaction, so a change and its audit record land together or not at all.
#[async_trait]
pub trait Store:
    Structure
    + EventLog
    + FeedPositions
    + LiveInputs
    + ApiKeys
    + People
    + AuditLog
    + Erasures
    + JobQueue
    + Integration
    + IntegrationHealth
    + PersonnelSync
    + ZupPersonnel
    + ZupHours
    + AlertRules
    + Alerts
    + Predictions
    + Notifications
    + IntervalHistory
    + Priorities
    + Labor
    + Send
    + Sync
{
    fn backend(&self) -> Backend;
    /// Whether the database answers (a cheap round trip).
    async fn ping(&self) -> StoreResult<()>;
    /// Applies pending migrations; returns the names of those applied now.
    async fn migrate(&self) -> StoreResult<Vec<String>>;
    /// Closes the connections (waits for running queries).
    async fn close(&self);
}
