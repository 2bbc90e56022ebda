//! API keys of the systems that call wfm-pulse: made, listed, found by hash when live,
//! revoked (audited).

use async_trait::async_trait;

use crate::error::StoreResult;
use crate::model::*;

#[async_trait]
pub trait ApiKeys: Send + Sync {
    async fn create_api_key(&self, key: &NewApiKey, actor: &Actor) -> StoreResult<ApiKey>;
    async fn list_api_keys(&self) -> StoreResult<Vec<ApiKey>>;
    /// The live (not revoked) key with this hash, if any.
    async fn find_api_key(&self, key_hash: &str) -> StoreResult<Option<ApiKey>>;
    async fn revoke_api_key(&self, id: i64, actor: &Actor) -> StoreResult<ApiKey>;
}
