//! Group commit: the batches that arrive while one commit is under way are checked in
//! arrival order and share the next commit (one transaction, one fsync), then applied in
//! commit order. The engine is held to check and to apply, never across the commit's I/O.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;
use wfm_core::event::{Event, EventKind};
use wfm_store::StoreError;
use wfm_store::live::NewEvent;

use super::Live;
use super::engine::Engine;
use crate::ingest::Feed;
use crate::ingest::{self, Candidate, Checks, IngestReport, Rejection};

/// How ingest's batches shared commits since start (for `/metrics` and tests).
#[derive(Debug, Default)]
pub struct Commits {
    /// Batches committed (a batch whose events were all rejected counts too).
    pub batches: AtomicU64,
    /// Commits that stored them: fewer than the batches when batches shared a commit.
    pub groups: AtomicU64,
}

/// A resolved batch waiting for the next commit, and where its report goes.
pub(super) struct Queued {
    candidates: Vec<Candidate>,
    rejections: Vec<Rejection>,
    reply: oneshot::Sender<Result<IngestReport, StoreError>>,
}

/// What the batches checked earlier in a group add to the engine's state, so that a later
/// batch of the same group may answer a call an earlier one offered.
#[derive(Default)]
pub(super) struct Overlay {
    watermark: Option<DateTime<Utc>>,
    offered: HashMap<String, DateTime<Utc>>,
}

impl Overlay {
    fn add(&mut self, events: &[NewEvent]) {
        for e in events {
            if let EventKind::CallOffered { call_id, .. } = &e.kind {
                self.offered.insert(call_id.clone(), e.at);
            }
            self.watermark = Some(self.watermark.map_or(e.at, |w| w.max(e.at)));
        }
    }
}

/// A batch's report from the sequence numbers of its events (None: a duplicate) and the
/// events redelivered too late for the checks, which the log holds already.
pub(super) fn report(
    seqs: &[Option<i64>],
    mut rejections: Vec<Rejection>,
    redelivered: usize,
) -> IngestReport {
    rejections.sort_by_key(|r| r.index);
    let accepted = seqs.iter().filter(|s| s.is_some()).count();
    IngestReport {
        accepted,
        duplicate: seqs.len() - accepted + redelivered,
        ignored: 0,
        rejected: rejections.len(),
        rejections,
    }
}

impl Live {
    /// Queues a resolved batch for the next group commit; returns its report once its
    /// events are committed and applied.
    pub(super) async fn commit(
        self: &Arc<Self>,
        candidates: Vec<Candidate>,
        rejections: Vec<Rejection>,
    ) -> Result<IngestReport, StoreError> {
        let (reply, report) = oneshot::channel();
        self.queued.lock().push(Queued {
            candidates,
            rejections,
            reply,
        });
        // Committed by a task of its own: a caller who goes away (its client hung up)
        // abandons neither its own batch half-way nor the others of its group.
        let live = Arc::clone(self);
        tokio::spawn(async move { live.commit_queued().await });
        report.await.unwrap_or_else(|_| {
            Err(StoreError::other(
                "ingest stopped before the batch was committed",
            ))
        })
    }

    /// Commits every batch queued so far as one group. The first task to get its turn
    /// after a batch was queued commits it; the tasks after it find nothing left.
    async fn commit_queued(&self) {
        let turn = self.committing.lock().await;
        let group = std::mem::take(&mut *self.queued.lock());
        if group.is_empty() {
            return;
        }
        let mut checked = Vec::with_capacity(group.len());
        let mut events = Vec::new();
        {
            let engine = self.engine.lock().await;
            let mut overlay = Overlay::default();
            for q in group {
                let (accepted, late) = self.check(&engine, &overlay, q.candidates);
                overlay.add(&accepted);
                let mut rejections = q.rejections;
                rejections.extend(late);
                checked.push((accepted.len(), rejections, q.reply));
                events.extend(accepted);
            }
        }
        let c = &self.commits;
        c.batches.fetch_add(checked.len() as u64, Ordering::Relaxed);
        c.groups.fetch_add(1, Ordering::Relaxed);
        let stored = self.store_and_apply(events).await;
        // Committed and applied: the next group may go while these reports are written
        // (a late redelivery is looked up in the log).
        drop(turn);
        match stored {
            Ok(seqs) => {
                let mut rest = &seqs[..];
                for (n, rejections, reply) in checked {
                    let (mine, after) = rest.split_at(n);
                    rest = after;
                    let answer = self
                        .redelivered(rejections)
                        .await
                        .map(|(rejections, again)| report(mine, rejections, again));
                    let _ = reply.send(answer);
                }
            }
            Err(e) => {
                for (_, _, reply) in checked {
                    let _ = reply.send(Err(e.clone()));
                }
            }
        }
    }

    /// Sets apart the events the checks turned away as late or too old whose ids the log
    /// holds already: a sender's redelivery after the re-ordering tolerance is a
    /// duplicate, not a rejection. The rest, and how many were set apart.
    pub(super) async fn redelivered(
        &self,
        rejections: Vec<Rejection>,
    ) -> Result<(Vec<Rejection>, usize), StoreError> {
        let late = |r: &Rejection| {
            matches!(
                r.reason,
                ingest::Reason::OutOfOrder | ingest::Reason::Unreasonable
            )
        };
        let ids: Vec<String> = rejections
            .iter()
            .filter(|r| late(r))
            .filter_map(|r| r.event_id.clone())
            .collect();
        if ids.is_empty() {
            return Ok((rejections, 0));
        }
        let stored = self.store.stored_event_ids(&ids).await?;
        let before = rejections.len();
        let rest: Vec<Rejection> = rejections
            .into_iter()
            .filter(|r| !(late(r) && r.event_id.as_ref().is_some_and(|id| stored.contains(id))))
            .collect();
        let again = before - rest.len();
        Ok((rest, again))
    }

    /// How ingest's batches shared commits since start.
    pub fn commits(&self) -> &Commits {
        &self.commits
    }

    /// Orders and checks a batch against the engine and what the group added before it.
    pub(super) fn check(
        &self,
        engine: &Engine,
        overlay: &Overlay,
        candidates: Vec<Candidate>,
    ) -> (Vec<NewEvent>, Vec<Rejection>) {
        let offered_at = |call: &str| {
            overlay
                .offered
                .get(call)
                .copied()
                .or_else(|| engine.offered_at(call))
        };
        let checks = Checks {
            now: Utc::now(),
            max_ahead: self.limits.max_ahead,
            max_behind: self.limits.max_behind,
            watermark: engine.watermark.max(overlay.watermark),
            tolerance: self.limits.tolerance,
            offered_at: &offered_at,
        };
        ingest::order_and_check(candidates, &checks)
    }

    /// Appends checked events in one commit, then applies those stored in commit order;
    /// returns each one's sequence number (None: stored before, a duplicate). The caller
    /// holds the turn to commit, so commits and applies keep one order.
    pub(super) async fn store_and_apply(
        &self,
        events: Vec<NewEvent>,
    ) -> Result<Vec<Option<i64>>, StoreError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let seqs = self.store.append_events(&events).await?;
        let received = Utc::now();
        let mut stored: Vec<Event> = events
            .into_iter()
            .zip(&seqs)
            .filter_map(|(e, seq)| {
                seq.map(|seq| Event {
                    seq,
                    // The log keeps milliseconds: apply exactly what a replay reads back.
                    at: DateTime::from_timestamp_millis(e.at.timestamp_millis()).unwrap_or(e.at),
                    kind: e.kind,
                })
            })
            .collect();
        {
            let mut activity = self.activity.lock();
            for e in &stored {
                activity.accepted(Feed::of(&e.kind), received, e.at);
            }
        }
        self.touched.note(stored.iter().map(|e| e.at).min());
        // Replay reads the log by sequence number: apply in that order too.
        stored.sort_by_key(|e| e.seq);
        {
            let mut engine = self.engine.lock().await;
            // An engine rebuilt and swapped in during the commit may have read these
            // events from the log already.
            let read = engine.last_seq;
            for e in stored.iter().filter(|e| e.seq > read) {
                engine.apply(e);
            }
            if let Some(meanwhile) = self.meanwhile().as_mut() {
                meanwhile.extend(stored.iter().cloned());
            }
        }
        let accepted = stored.len() as u64;
        self.ingested[0].fetch_add(accepted, Ordering::Relaxed);
        self.ingested[1].fetch_add(seqs.len() as u64 - accepted, Ordering::Relaxed);
        if accepted > 0 {
            self.wake.notify_one();
        }
        Ok(seqs)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use wfm_store::model::{Actor, GroupInput, ServiceInput, SiteInput};

    use super::*;
    use crate::live::IngestLimits;

    /// An event `ago` seconds ago.
    fn event(id: &str, ago: i64, kind: EventKind) -> Candidate {
        Candidate {
            index: 0,
            event: NewEvent {
                event_id: id.into(),
                source: "native",
                at: Utc::now() - chrono::Duration::seconds(ago),
                kind,
            },
        }
    }

    async fn until_queued(live: &Live, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while live.queued.lock().len() < n {
            assert!(Instant::now() < deadline, "{n} batches never queued");
            tokio::task::yield_now().await;
        }
    }

    /// Batches that share a commit are checked in arrival order, each against what the
    /// ones before it add: an answer queued behind its call's offer is accepted, and a
    /// redelivery in the same group is a duplicate.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_is_checked_against_the_batches_before_it_in_its_commit() {
        let dir = std::env::temp_dir().join(format!("wfm-commit-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = wfm_store::open(&format!("sqlite://{}/t.db", dir.display()))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let actor = Actor::system("test");
        let site = SiteInput {
            name: "Main".into(),
            time_zone: "UTC".into(),
            interval_minutes: 15,
        };
        let site = store.create_site(&site, &actor).await.unwrap();
        let service = ServiceInput {
            site_id: site.id,
            name: "Sales".into(),
        };
        let service = store.create_service(&service, &actor).await.unwrap();
        let group: GroupInput = serde_json::from_value(serde_json::json!({
            "service_id": service.id, "name": "L1", "external_id": "L1"
        }))
        .unwrap();
        let group = store.create_group(&group, &actor).await.unwrap();
        let live = Live::start(store, IngestLimits::default()).await.unwrap();
        let offer = || {
            vec![event(
                "o1",
                10,
                EventKind::CallOffered {
                    call_id: "c1".into(),
                    group_id: group.id,
                    customer_id: None,
                },
            )]
        };
        let answer = vec![event(
            "a1",
            5,
            EventKind::CallAnswered {
                call_id: "c1".into(),
                agent_id: 1,
            },
        )];
        // Commits held back: the three batches queue, then share one commit.
        let turn = live.committing.lock().await;
        let mut sent = Vec::new();
        for (n, batch) in [offer(), answer, offer()].into_iter().enumerate() {
            let feed = Arc::clone(&live);
            sent.push(tokio::spawn(
                async move { feed.commit(batch, Vec::new()).await },
            ));
            until_queued(&live, n + 1).await;
        }
        drop(turn);
        let mut reports = Vec::new();
        for s in sent {
            reports.push(s.await.unwrap().unwrap());
        }
        let counts: Vec<_> = reports
            .iter()
            .map(|r| (r.accepted, r.duplicate, r.rejected))
            .collect();
        assert_eq!(counts, [(1, 0, 0), (1, 0, 0), (0, 1, 0)], "{reports:?}");
        assert_eq!(live.commits().groups.load(Ordering::Relaxed), 1);
        assert_eq!(live.commits().batches.load(Ordering::Relaxed), 3);
        let _ = std::fs::remove_dir_all(dir);
    }
}
