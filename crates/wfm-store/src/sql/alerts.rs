//! PLACEHOLDER until the alerting tables land: every method fails.

use chrono::{DateTime, Utc};

use super::SqlStore;
use crate::alerts::*;
use crate::error::{StoreError, StoreResult};
use crate::model::Actor;

fn missing<T>() -> StoreResult<T> {
    Err(StoreError::Other("alerting tables not implemented yet".into()))
}

impl SqlStore {
    pub(crate) async fn insert_rule(&self, _: &str, _: bool, _: &serde_json::Value, _: &Actor) -> StoreResult<StoredRule> { missing() }
    pub(crate) async fn replace_rule(&self, _: i64, _: &str, _: bool, _: &serde_json::Value, _: &Actor) -> StoreResult<StoredRule> { missing() }
    pub(crate) async fn remove_rule(&self, _: i64, _: &Actor) -> StoreResult<()> { missing() }
    pub(crate) async fn rules(&self) -> StoreResult<Vec<StoredRule>> { missing() }
    pub(crate) async fn insert_alert(&self, _: &NewAlert) -> StoreResult<Alert> { missing() }
    pub(crate) async fn alert(&self, _: i64) -> StoreResult<Alert> { missing() }
    pub(crate) async fn alerts(&self, _: &AlertFilter) -> StoreResult<Vec<Alert>> { missing() }
    pub(crate) async fn acknowledge(&self, _: i64, _: &Actor, _: DateTime<Utc>) -> StoreResult<Alert> { missing() }
    pub(crate) async fn resolve(&self, _: i64, _: &Actor, _: DateTime<Utc>) -> StoreResult<Alert> { missing() }
    pub(crate) async fn escalate(&self, _: i64, _: u32, _: DateTime<Utc>, _: &serde_json::Value) -> StoreResult<Alert> { missing() }
    pub(crate) async fn insert_alert_event(&self, _: i64, _: &AlertEvent) -> StoreResult<()> { missing() }
    pub(crate) async fn timeline(&self, _: i64) -> StoreResult<Vec<AlertEvent>> { missing() }
    pub(crate) async fn upsert_predictions(&self, _: &[Prediction]) -> StoreResult<()> { missing() }
    pub(crate) async fn predictions_between(&self, _: DateTime<Utc>, _: DateTime<Utc>) -> StoreResult<Vec<Prediction>> { missing() }
    pub(crate) async fn insert_delivery(&self, _: Option<i64>, _: &str, _: &str) -> StoreResult<Delivery> { missing() }
    pub(crate) async fn record_delivery(&self, _: i64, _: &str, _: u32, _: Option<&str>) -> StoreResult<()> { missing() }
    pub(crate) async fn deliveries(&self, _: Option<i64>, _: u32) -> StoreResult<Vec<Delivery>> { missing() }
    pub(crate) async fn prefs(&self, _: &str) -> StoreResult<Option<NotificationPrefs>> { missing() }
    pub(crate) async fn store_prefs(&self, _: &str, _: &NotificationPrefs, _: &Actor) -> StoreResult<()> { missing() }
    pub(crate) async fn every_prefs(&self) -> StoreResult<Vec<(String, NotificationPrefs)>> { missing() }
}
