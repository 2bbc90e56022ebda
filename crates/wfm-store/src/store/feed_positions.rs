//! Where each followed file was read to, kept so that a restart resumes there.

use async_trait::async_trait;

use crate::error::StoreResult;
use crate::live::FeedPosition;

#[async_trait]
pub trait FeedPositions: Send + Sync {
    /// The position of `feed` (e.g. `queue_log`), None before its first read.
    async fn feed_position(&self, feed: &str) -> StoreResult<Option<FeedPosition>>;
    /// Replaces the position of `feed`.
    async fn save_feed_position(&self, feed: &str, position: &FeedPosition) -> StoreResult<()>;
}
