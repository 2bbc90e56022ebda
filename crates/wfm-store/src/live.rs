//! Records of the live pipeline: events as ingested, the contact center's state codes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wfm_core::event::{AgentState, EventKind};

/// An event to append to the log; `event_id` makes a replayed delivery a no-op.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub event_id: String,
    /// Where it came from: `argus_status` or `native`.
    pub source: &'static str,
    pub at: DateTime<Utc>,
    pub kind: EventKind,
}

/// A supervisor's call of an operator to the workplace, and when the operator got on line.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct WorkplaceCall {
    pub id: i64,
    pub agent_id: i64,
    /// Who asked (`user:<subject>`).
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub correlation_id: String,
    /// When the operator was first seen on line after the call; absent while waiting.
    pub on_line_at: Option<DateTime<Utc>>,
}

/// What a contact center's status code means: the platform's code, its display name and
/// the state it maps to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StateCode {
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub code: String,
    pub name: String,
    #[schema(value_type = String, example = "ready", pattern = "^(ready|on_contact|wrap_up|break|lunch|training|not_ready|logged_out)$")]
    pub state: AgentState,
}

/// How far a followed file has been read: resumed from on restart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPosition {
    /// The file as the operating system knows it (`device:inode`), so a rotated file is
    /// told from its successor under the same name.
    pub file_id: String,
    /// The byte after the last whole line taken.
    pub offset: u64,
    /// That line's number (from 1).
    pub line: u64,
}
