//! Each group's importance on the executive dashboard (audited).

use async_trait::async_trait;

use crate::error::StoreResult;
use crate::model::*;

#[async_trait]
pub trait Priorities: Send + Sync {
    /// Sets a group's importance on the executive dashboard, audited; `NotFound` when the
    /// group does not exist.
    async fn set_group_priority(
        &self,
        group_id: i64,
        importance: wfm_core::executive::Importance,
        actor: &Actor,
    ) -> StoreResult<crate::priorities::GroupPriority>;
    /// Every group's stored importance, by group id (a group without one is normal).
    async fn group_priorities(&self) -> StoreResult<Vec<crate::priorities::GroupPriority>>;
}
