//! The 1C employees and departments as last synced, with the agents, services and groups
//! they map to.

use async_trait::async_trait;

use crate::error::StoreResult;
use crate::integration::*;

#[async_trait]
pub trait ZupPersonnel: Send + Sync {
    /// The 1C employees as last synced, with their agents.
    async fn zup_employees(&self) -> StoreResult<Vec<StoredEmployee>>;
    /// The 1C departments as last synced, with their services and groups.
    async fn zup_departments(&self) -> StoreResult<Vec<StoredDepartment>>;
}
