//! Alerts and their timelines: opened (one open alert per rule and scope), acknowledged,
//! escalated, resolved.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::alerts::*;
use crate::error::StoreResult;
use crate::model::*;

#[async_trait]
pub trait Alerts: Send + Sync {
    /// Opens an alert with a `fired` timeline entry; Conflict while the rule has an open
    /// (firing or acknowledged) alert for the same scope.
    async fn open_alert(&self, alert: &NewAlert) -> StoreResult<Alert>;
    /// Opens several alerts in one transaction: `None` where the rule already has an open
    /// alert for the scope (as `open_alert` would refuse).
    async fn open_alerts(&self, alerts: &[NewAlert]) -> StoreResult<Vec<Option<Alert>>>;
    /// Adds timeline entries of several alerts in one transaction.
    async fn add_alert_events(&self, events: &[(i64, AlertEvent)]) -> StoreResult<()>;
    async fn get_alert(&self, id: i64) -> StoreResult<Alert>;
    /// Alerts, open ones first, then newest first.
    async fn list_alerts(&self, filter: &AlertFilter) -> StoreResult<Vec<Alert>>;
    /// Marks a firing alert acknowledged (audited, timeline); Conflict unless firing.
    async fn acknowledge_alert(
        &self,
        id: i64,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> StoreResult<Alert>;
    /// Resolves an open alert (audited when a person does it, timeline); Conflict when it
    /// is resolved already.
    async fn resolve_alert(&self, id: i64, actor: &Actor, at: DateTime<Utc>) -> StoreResult<Alert>;
    /// Raises an open alert's escalation level (never lowers it), with an `escalated`
    /// timeline entry carrying `details`; Conflict unless open.
    async fn escalate_alert(
        &self,
        id: i64,
        level: u32,
        at: DateTime<Utc>,
        details: &serde_json::Value,
    ) -> StoreResult<Alert>;
    /// Adds a timeline entry.
    async fn add_alert_event(&self, alert_id: i64, event: &AlertEvent) -> StoreResult<()>;
    /// An alert's timeline, oldest first.
    async fn alert_events(&self, alert_id: i64) -> StoreResult<Vec<AlertEvent>>;
}
