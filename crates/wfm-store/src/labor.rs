//! Labor rules per site: the limits and pay multipliers staffing suggestions are checked
//! and priced with. A site without stored rules uses `LaborRules::default()`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use wfm_core::labor::LaborRules;

/// A site's stored labor rules.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SiteLaborRules {
    pub site_id: i64,
    #[schema(value_type = Object)]
    pub rules: LaborRules,
    /// Who set them last.
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}
