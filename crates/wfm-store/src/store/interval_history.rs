//! Indicator history: the closed intervals' statistics per group, written as intervals
//! close and read back for any span, and the operators' adherence per interval.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::StoreResult;

#[async_trait]
pub trait IntervalHistory: Send + Sync {
    /// Inserts or replaces interval records (per group and interval start) and adherence
    /// records (per operator and interval start), all in one transaction. Writing the
    /// same records twice leaves the same rows.
    async fn upsert_interval_stats(
        &self,
        groups: &[crate::history::IntervalRecord],
        operators: &[crate::history::AdherenceRecord],
    ) -> StoreResult<()>;
    /// Interval records of `group_ids` starting in [from, to), by group and start.
    async fn interval_stats(
        &self,
        group_ids: &[i64],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<crate::history::IntervalRecord>>;
    /// Adherence records starting in [from, to) of `agent_ids` (everyone's when empty),
    /// by operator and start.
    async fn adherence_stats(
        &self,
        agent_ids: &[i64],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<crate::history::AdherenceRecord>>;
}
