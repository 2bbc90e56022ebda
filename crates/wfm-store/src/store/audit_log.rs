//! The audit log: entries read newest first, and the retention purge, which is the only
//! thing that ever removes one.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::StoreResult;
use crate::model::*;

#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Audit entries, newest first; a person's personal fields decrypted, or `"[erased]"`
    /// once the person's data was erased.
    async fn list_audit(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>>;
    /// The retention purge: deletes the audit entries recorded before `before`, and only
    /// those; returns how many. Nothing else ever changes or removes an audit entry.
    async fn purge_audit(&self, before: DateTime<Utc>) -> StoreResult<u64>;
}
