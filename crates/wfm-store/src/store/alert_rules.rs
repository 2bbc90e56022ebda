//! Alert rules: created, replaced and deleted by admins (audited); their alerts stay for
//! history.

use async_trait::async_trait;

use crate::alerts::*;
use crate::error::StoreResult;
use crate::model::*;

#[async_trait]
pub trait AlertRules: Send + Sync {
    /// Creates an alert rule (audited); Conflict when the name is taken.
    async fn create_rule(
        &self,
        name: &str,
        enabled: bool,
        definition: &serde_json::Value,
        actor: &Actor,
    ) -> StoreResult<StoredRule>;
    /// Replaces an alert rule (audited).
    async fn update_rule(
        &self,
        id: i64,
        name: &str,
        enabled: bool,
        definition: &serde_json::Value,
        actor: &Actor,
    ) -> StoreResult<StoredRule>;
    /// Deletes an alert rule (audited); its alerts stay, for history.
    async fn delete_rule(&self, id: i64, actor: &Actor) -> StoreResult<()>;
    /// Every alert rule, by id.
    async fn list_rules(&self) -> StoreResult<Vec<StoredRule>>;
}
