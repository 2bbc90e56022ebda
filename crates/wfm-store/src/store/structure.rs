//! The contact center's structure: sites, their services, the agent groups of each service,
//! and the agents. Every change is audited in its own transaction.

use async_trait::async_trait;

use crate::error::StoreResult;
use crate::model::*;

#[async_trait]
pub trait Structure: Send + Sync {
    async fn create_site(&self, input: &SiteInput, actor: &Actor) -> StoreResult<Site>;
    async fn get_site(&self, id: i64) -> StoreResult<Site>;
    async fn list_sites(&self) -> StoreResult<Vec<Site>>;
    async fn update_site(&self, id: i64, input: &SiteInput, actor: &Actor) -> StoreResult<Site>;
    async fn delete_site(&self, id: i64, actor: &Actor) -> StoreResult<()>;

    async fn create_service(&self, input: &ServiceInput, actor: &Actor) -> StoreResult<Service>;
    async fn get_service(&self, id: i64) -> StoreResult<Service>;
    async fn list_services(&self) -> StoreResult<Vec<Service>>;
    async fn update_service(
        &self,
        id: i64,
        input: &ServiceInput,
        actor: &Actor,
    ) -> StoreResult<Service>;
    async fn delete_service(&self, id: i64, actor: &Actor) -> StoreResult<()>;

    async fn create_group(&self, input: &GroupInput, actor: &Actor) -> StoreResult<Group>;
    async fn get_group(&self, id: i64) -> StoreResult<Group>;
    async fn list_groups(&self) -> StoreResult<Vec<Group>>;
    async fn update_group(&self, id: i64, input: &GroupInput, actor: &Actor) -> StoreResult<Group>;
    async fn delete_group(&self, id: i64, actor: &Actor) -> StoreResult<()>;

    async fn create_agent(&self, input: &AgentInput, actor: &Actor) -> StoreResult<Agent>;
    async fn get_agent(&self, id: i64) -> StoreResult<Agent>;
    async fn list_agents(&self) -> StoreResult<Vec<Agent>>;
    async fn update_agent(&self, id: i64, input: &AgentInput, actor: &Actor) -> StoreResult<Agent>;
    async fn delete_agent(&self, id: i64, actor: &Actor) -> StoreResult<()>;
}
