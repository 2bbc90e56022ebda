//! The labor-law rules each site's staffing suggestions keep to (audited).

use async_trait::async_trait;

use crate::error::StoreResult;
use crate::model::*;

#[async_trait]
pub trait Labor: Send + Sync {
    /// A site's stored labor rules; `None` when the site uses the defaults.
    async fn labor_rules(&self, site_id: i64) -> StoreResult<Option<crate::labor::SiteLaborRules>>;
    /// Replaces a site's labor rules, audited; `NotFound` when the site does not exist.
    async fn put_labor_rules(
        &self,
        site_id: i64,
        rules: &wfm_core::labor::LaborRules,
        actor: &Actor,
    ) -> StoreResult<crate::labor::SiteLaborRules>;
}
