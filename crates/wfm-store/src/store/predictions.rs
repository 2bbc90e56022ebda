//! Predictive alerts' forecasts per kind, group and target instant, kept for the accuracy
//! report.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::alerts::*;
use crate::error::StoreResult;

#[async_trait]
pub trait Predictions: Send + Sync {
    /// Stores predictions, replacing those with the same kind, group and target instant.
    async fn put_predictions(&self, rows: &[Prediction]) -> StoreResult<()>;
    /// Predictions whose target instant is in [from, to), by target, kind and group.
    async fn predictions(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<Prediction>>;
}
