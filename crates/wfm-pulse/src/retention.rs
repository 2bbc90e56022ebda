//! Audit log retention: entries older than the configured days are purged at start and
//! then daily, each purge logged with its count.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use wfm_store::Store;

/// How often the retention purge runs.
const PURGE_EVERY: Duration = Duration::from_secs(24 * 3600);

/// The instant before which audit entries are past a retention of `days` at `now`.
pub fn retention_cutoff(now: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    now - chrono::Duration::days(i64::from(days))
}

/// Purges the audit entries past the retention of `days`, at start and then daily, until
/// `stop`; each purge is logged with its count.
pub async fn run(store: Arc<dyn Store>, days: u32, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        let cutoff = retention_cutoff(Utc::now(), days);
        match store.purge_audit(cutoff).await {
            Ok(removed) => tracing::info!(
                removed,
                retention_days = days,
                before = %cutoff,
                "audit log retention purge"
            ),
            Err(e) => tracing::error!(error = %e, "audit log retention purge failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(PURGE_EVERY) => {}
            _ = stop.changed() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_cutoff_is_the_retention_before_now() {
        let now = Utc.with_ymd_and_hms(2033, 1, 1, 12, 0, 0).unwrap();
        assert_eq!(
            retention_cutoff(now, 2557),
            Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap()
        );
        assert_eq!(retention_cutoff(now, 1), now - chrono::Duration::hours(24));
    }
}
