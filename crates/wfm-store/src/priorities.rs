//! Group priorities: how much each group matters on the executive dashboard (the order it
//! is shown in, and which shortage gets operators first). Groups without one are normal.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use wfm_core::executive::Importance;

/// A group's stored importance.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct GroupPriority {
    pub group_id: i64,
    /// `critical`, `high`, `normal` or `low`.
    #[schema(value_type = String)]
    pub importance: Importance,
    /// Who set it last.
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}
