//! The event log's write: events appended in one transaction each batch, in commit order, a
//! duplicate event id skipped.

use async_trait::async_trait;

use crate::error::StoreResult;
use crate::live::*;

#[async_trait]
pub trait EventLog: Send + Sync {
    /// Appends events in one transaction: the sequence number of each, or None for a
    /// duplicate `event_id` (already stored; nothing written for it).
    async fn append_events(&self, events: &[NewEvent]) -> StoreResult<Vec<Option<i64>>>;
    /// Which of `ids` the log holds.
    async fn stored_event_ids(
        &self,
        ids: &[String],
    ) -> StoreResult<std::collections::HashSet<String>>;
}
