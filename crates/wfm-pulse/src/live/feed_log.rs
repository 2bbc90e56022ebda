//! The contact center's feeds in the integration activity log: per source, one entry for
//! each period with traffic, with what it delivered (a feed of hundreds of requests a
//! second would otherwise be as many rows). The log and the endpoint map's last success
//! then show the feeds as they show the calls to 1C ZUP.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use wfm_store::integration::NewLogEntry;
use wfm_store::model::Actor;

use super::Live;
use crate::ingest::{IngestReport, Source};

/// How often the feeds' entries are written.
pub const EVERY: Duration = Duration::from_secs(10);

/// What one source delivered since its last entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub requests: u64,
    pub accepted: u64,
    pub duplicate: u64,
    pub rejected: u64,
    /// When the newest request was taken, its correlation id and sender.
    pub last_at: Option<DateTime<Utc>>,
    pub correlation_id: String,
    pub initiator: String,
}

impl Tally {
    /// Adds one request's report, taken at `at` from `actor`.
    pub fn add(&mut self, report: &IngestReport, at: DateTime<Utc>, actor: &Actor) {
        self.requests += 1;
        self.accepted += report.accepted as u64;
        self.duplicate += report.duplicate as u64;
        self.rejected += report.rejected as u64;
        self.last_at = Some(at);
        self.correlation_id.clone_from(&actor.correlation_id);
        self.initiator.clone_from(&actor.name);
    }

    /// The activity log entry of `source` for this tally: a success when anything was
    /// taken (rejections, if any, named in `error`), a failure when everything was refused.
    pub fn entry(&self, source: Source) -> Option<NewLogEntry> {
        let at = self.last_at?;
        let items = self.accepted + self.duplicate + self.rejected;
        let taken = items > self.rejected || items == 0;
        let error = (self.rejected > 0).then(|| {
            let requests = match self.requests {
                1 => "1 request".to_string(),
                n => format!("{n} requests"),
            };
            format!(
                "{} of {items} items rejected in {requests} (GET /api/v1/ingest/rejections)",
                self.rejected
            )
        });
        Some(NewLogEntry {
            at,
            correlation_id: self.correlation_id.clone(),
            system: "contact_center".into(),
            operation: operation(source).into(),
            direction: "inbound".into(),
            outcome: if taken { "success" } else { "failure" }.into(),
            http_status: Some(200),
            latency_ms: None,
            records: Some(self.accepted),
            error,
            initiator: self.initiator.clone(),
            job_id: None,
        })
    }
}

/// The source's endpoint in the integration registry.
fn operation(source: Source) -> &'static str {
    match source {
        Source::ArgusStatus => "status",
        Source::Native => "events",
        Source::QueueLog => "queue_log",
        // Each poll is a row of its own (the poller writes it).
        Source::ArgusPull => "online",
    }
}

/// The feeds' tallies since their last entries.
#[derive(Debug, Default)]
pub struct FeedLog(parking_lot::Mutex<BTreeMap<Source, Tally>>);

impl FeedLog {
    pub fn add(&self, source: Source, report: &IngestReport, actor: &Actor) {
        if source == Source::ArgusPull {
            return;
        }
        self.0
            .lock()
            .entry(source)
            .or_default()
            .add(report, Utc::now(), actor);
    }

    /// The entries due, the tallies emptied.
    fn take(&self) -> Vec<NewLogEntry> {
        let tallies = std::mem::take(&mut *self.0.lock());
        tallies
            .into_iter()
            .filter_map(|(source, t)| t.entry(source))
            .collect()
    }
}

impl Live {
    /// Writes the feeds' entries every [`EVERY`], and once more when `closing` turns true.
    pub async fn run_feed_log(self: Arc<Self>, mut closing: watch::Receiver<bool>) {
        loop {
            let stop = tokio::select! {
                _ = tokio::time::sleep(EVERY) => false,
                _ = closing.changed() => true,
            };
            let entries = self.feed_log.take();
            if !entries.is_empty()
                && let Err(e) = self.store.append_integration_log(&entries).await
            {
                tracing::warn!(error = %e, "the feeds' activity log entries were not written");
            }
            if stop {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(accepted: usize, duplicate: usize, rejected: usize) -> IngestReport {
        IngestReport {
            accepted,
            duplicate,
            rejected,
            ..IngestReport::default()
        }
    }

    #[test]
    fn a_period_of_traffic_is_one_entry_naming_what_was_refused() {
        let log = FeedLog::default();
        let pbx = Actor {
            name: "key:pbx".into(),
            correlation_id: "c-1".into(),
        };
        log.add(Source::ArgusStatus, &report(10, 1, 0), &pbx);
        log.add(
            Source::ArgusStatus,
            &report(5, 0, 2),
            &Actor {
                correlation_id: "c-2".into(),
                ..pbx.clone()
            },
        );
        log.add(Source::Native, &report(0, 0, 3), &pbx);
        let entries = log.take();
        assert_eq!(entries.len(), 2);
        let status = &entries[0];
        assert_eq!(
            (
                status.operation.as_str(),
                status.outcome.as_str(),
                status.records
            ),
            ("status", "success", Some(15))
        );
        assert_eq!(
            (status.correlation_id.as_str(), status.initiator.as_str()),
            ("c-2", "key:pbx")
        );
        assert_eq!(
            status.error.as_deref(),
            Some("2 of 18 items rejected in 2 requests (GET /api/v1/ingest/rejections)")
        );
        let events = &entries[1];
        assert_eq!(
            (events.operation.as_str(), events.outcome.as_str()),
            ("events", "failure")
        );
        assert!(
            log.take().is_empty(),
            "a period without traffic writes nothing"
        );
    }
}
