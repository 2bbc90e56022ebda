//! Records of integration health: accepted events per kind and receipt bucket (for feed
//! rates and freshness), integration log outcomes per operation (for success rates), and
//! halts of automatic synchronization after a failed consistency check.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// Accepted events of one kind received within one bucket of time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventActivity {
    /// `status` (operator state changes) or `call` (call events).
    pub class: String,
    /// The start of the bucket of receipt times.
    pub bucket_start: DateTime<Utc>,
    pub events: u64,
    /// When the newest of them happened.
    pub newest_at: DateTime<Utc>,
    /// When the newest of them was received.
    pub newest_received_at: DateTime<Utc>,
    /// The longest receipt-minus-event time among them, ms (negative for clock skew).
    pub max_delay_ms: i64,
}

/// Integration log rows of one system, operation and outcome in a day, and in its last hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationOutcome {
    pub system: String,
    pub operation: String,
    pub outcome: String,
    pub day: u64,
    pub hour: u64,
    pub newest_at: DateTime<Utc>,
}

/// A halt of a system's automatic synchronization, and its resumption once approved.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SyncHalt {
    pub id: i64,
    /// The system whose automatic sync halted (`zup`).
    pub system: String,
    pub halted_at: DateTime<Utc>,
    /// Why, in words.
    pub reason: String,
    /// What the check found (its verdict and discrepancies).
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// Who halted it (the job or check that found the corruption).
    pub halted_by: String,
    pub resumed_at: Option<DateTime<Utc>>,
    /// The admin who approved resumption.
    pub resumed_by: Option<String>,
    /// What the admin verified or corrected.
    pub resume_note: Option<String>,
    /// The admin accepted the next sync as it comes, beyond the threshold, once.
    pub accept_next: bool,
    /// When that next sync took the acceptance.
    pub accept_used_at: Option<DateTime<Utc>>,
}

/// A halt to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSyncHalt {
    pub system: String,
    pub reason: String,
    pub details: serde_json::Value,
}
