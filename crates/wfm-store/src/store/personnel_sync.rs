//! A full 1C personnel answer applied in one transaction: departments to services and
//! groups, employees to agents, every change audited.

use async_trait::async_trait;

use crate::error::StoreResult;
use crate::integration::*;
use crate::model::*;

#[async_trait]
pub trait PersonnelSync: Send + Sync {
    /// Applies a full 1C personnel answer in one transaction: departments become services
    /// (top level) and groups (below), employees become agents (created, updated, or
    /// deactivated the day after termination; never deleted). Every change to a service,
    /// group or agent is audited.
    async fn apply_personnel(
        &self,
        import: &PersonnelImport,
        actor: &Actor,
    ) -> StoreResult<PersonnelResult>;
}
