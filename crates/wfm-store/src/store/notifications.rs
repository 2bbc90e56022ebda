//! Alert notifications: each delivery and its attempts, and each person's notification
//! preferences.

use async_trait::async_trait;

use crate::alerts::*;
use crate::error::StoreResult;
use crate::model::*;

#[async_trait]
pub trait Notifications: Send + Sync {
    /// Records a notification about to be sent (status `pending`).
    async fn create_delivery(
        &self,
        alert_id: Option<i64>,
        channel: &str,
        recipient: &str,
    ) -> StoreResult<Delivery>;
    /// Records an attempt's outcome.
    async fn update_delivery(
        &self,
        id: i64,
        status: &str,
        attempts: u32,
        last_error: Option<&str>,
    ) -> StoreResult<()>;
    /// Deliveries, newest first, of one alert or all.
    async fn list_deliveries(
        &self,
        alert_id: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<Delivery>>;
    /// A user's notification preferences (`user` is the token subject).
    async fn notification_prefs(&self, user: &str) -> StoreResult<Option<NotificationPrefs>>;
    /// Creates or replaces a user's preferences (audited).
    async fn put_notification_prefs(
        &self,
        user: &str,
        prefs: &NotificationPrefs,
        actor: &Actor,
    ) -> StoreResult<()>;
    /// Every user's preferences, by user.
    async fn all_notification_prefs(&self) -> StoreResult<Vec<(String, NotificationPrefs)>>;
}
