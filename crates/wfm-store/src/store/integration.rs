//! The integration registry and its activity: the log of every call to a partner system,
//! the newest success per operation, each system's configuration, and the production
//! calendars.

use async_trait::async_trait;

use crate::error::StoreResult;
use crate::integration::*;
use crate::model::*;

#[async_trait]
pub trait Integration: Send + Sync {
    /// Appends rows to the integration activity log in one transaction.
    async fn append_integration_log(&self, entries: &[NewLogEntry]) -> StoreResult<()>;
    /// Integration log rows, newest first.
    async fn integration_log(&self, filter: &LogFilter) -> StoreResult<Vec<LogEntry>>;
    /// The newest successful row per system and operation.
    async fn last_successes(&self) -> StoreResult<Vec<LastSuccess>>;
    /// The registry of integration systems, by name.
    async fn integration_systems(&self) -> StoreResult<Vec<IntegrationSystem>>;
    /// Creates or replaces a system's configuration; the audit entry shows `audit_view`
    /// (the configuration with secrets masked), never `config` itself.
    async fn put_integration_system(
        &self,
        system: &str,
        config: &serde_json::Value,
        audit_view: &serde_json::Value,
        actor: &Actor,
    ) -> StoreResult<IntegrationSystem>;
    /// Creates or replaces one year's production calendar (audited).
    async fn put_calendar(
        &self,
        year: i32,
        xml: &str,
        actor: &Actor,
    ) -> StoreResult<StoredCalendar>;
    /// Every stored production calendar, by year.
    async fn calendars(&self) -> StoreResult<Vec<StoredCalendar>>;
    async fn delete_calendar(&self, year: i32, actor: &Actor) -> StoreResult<()>;
}
