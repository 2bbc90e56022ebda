//! What integration health reads from the store: the feeds' event activity, the outcomes of
//! integration calls, and the halt of automatic sync with its resumption.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::StoreResult;
use crate::model::*;

#[async_trait]
pub trait IntegrationHealth: Send + Sync {
    /// Accepted events received at or after `since`, per kind class (`status` for operator
    /// state changes, `call` for call events) and bucket of `bucket_ms` of receipt time.
    async fn event_activity(
        &self,
        since: DateTime<Utc>,
        bucket_ms: i64,
    ) -> StoreResult<Vec<crate::health::EventActivity>>;
    /// Integration log rows at or after `day_since` per system, operation and outcome, with
    /// those at or after `hour_since` counted apart.
    async fn integration_outcomes(
        &self,
        day_since: DateTime<Utc>,
        hour_since: DateTime<Utc>,
    ) -> StoreResult<Vec<crate::health::OperationOutcome>>;
    /// The halt of `system`'s automatic synchronization in force, if any.
    async fn sync_halt(&self, system: &str) -> StoreResult<Option<crate::health::SyncHalt>>;
    /// Halts `system`'s automatic synchronization (audited); when a halt is in force
    /// already, that one and `false`, nothing written.
    async fn halt_sync(
        &self,
        halt: &crate::health::NewSyncHalt,
        actor: &Actor,
    ) -> StoreResult<(crate::health::SyncHalt, bool)>;
    /// Lifts the halt in force (audited, with what the admin verified); `accept_next` lets
    /// the next sync apply once even beyond the threshold. Conflict when not halted.
    async fn resume_sync(
        &self,
        system: &str,
        note: &str,
        accept_next: bool,
        actor: &Actor,
    ) -> StoreResult<crate::health::SyncHalt>;
    /// Takes the one-time acceptance the latest resumption of `system` gave: true once.
    async fn take_sync_acceptance(&self, system: &str) -> StoreResult<bool>;
    /// `system`'s halts, newest first.
    async fn sync_halts(
        &self,
        system: &str,
        limit: u32,
    ) -> StoreResult<Vec<crate::health::SyncHalt>>;
}
