//! The live pipeline at run time: ingest commits events, then applies them to the engine in
//! commit order; a background task publishes an immutable snapshot as soon as events
//! arrive (coalescing them under load), which readers take without waiting on writers;
//! another rebuilds the engine off to the side when structure or plan change, and swaps it
//! in without stopping ingest.

pub mod activity;
pub mod commit;
pub mod engine;
pub mod feed_log;
pub mod newcomers;
pub mod rebuild;
pub mod recorder;
pub mod view;

use parking_lot::RwLock;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Mutex, Notify, watch};
use wfm_core::event::Event;
use wfm_store::live::WorkplaceCall;
use wfm_store::model::Actor;
use wfm_store::{Store, StoreError};

use crate::ingest::{
    Batch, Directory, Feed, IngestReport, Reason, RejectedInput, Rejection, RejectionSample, Source,
};
use activity::Activity;
pub use commit::Commits;
use engine::Engine;
use newcomers::Creatable;
use newcomers::Newcomers;
pub use rebuild::Rebuilds;
use view::Published;

/// Rejected items kept as samples, per source and reason: the newest.
pub const SAMPLES_KEPT: usize = 20;
/// How old the contact center's data may be before responses warn, until health says.
const DEFAULT_FRESHNESS_CYCLE_MS: i64 = 60_000;

/// Least pause between two publications while events arrive (at most 100 a second),
/// beside the pause as long as the last publication took. A publication holds the engine
/// while it reads it, and ingest waits for that to apply: with 2 ms, under saturating
/// ingest, publications ran back to back and halved ingest (95,000 against 150,000 events/s
/// in batches of 1,000), for no gain a person could see.
const PUBLISH_PAUSE: Duration = Duration::from_millis(10);
/// How often it is recomputed anyway: waits grow and windows slide with time alone.
const REFRESH_EVERY: Duration = Duration::from_secs(1);

/// Ingest limits (from the configuration).
#[derive(Debug, Clone, Copy)]
pub struct IngestLimits {
    /// Create agents and groups the feeds name but wfm-pulse does not know.
    pub create_unknown: bool,
    pub max_ahead: chrono::Duration,
    pub max_behind: chrono::Duration,
    pub tolerance: chrono::Duration,
}

impl Default for IngestLimits {
    fn default() -> Self {
        IngestLimits {
            create_unknown: false,
            max_ahead: chrono::Duration::seconds(60),
            max_behind: chrono::Duration::hours(24),
            tolerance: chrono::Duration::seconds(30),
        }
    }
}

/// The live pipeline: shared by the handlers and the publishing task.
pub struct Live {
    store: Arc<dyn Store>,
    limits: IngestLimits,
    /// The earliest event applied since the history writer last looked.
    touched: recorder::Touched,
    /// Held to check a batch and to apply it (not across its commit).
    engine: Mutex<Engine>,
    /// Resolved batches waiting for the next group commit, in arrival order.
    queued: parking_lot::Mutex<Vec<commit::Queued>>,
    /// Held from a group's check to its apply: groups are committed and applied one at a
    /// time, so the engine sees events in commit order.
    committing: Mutex<()>,
    /// How batches shared commits since start.
    commits: commit::Commits,
    /// The names ingest resolves, as the store has them (changed before the engine is
    /// rebuilt, so that a feed may name a new operator at once).
    directory: RwLock<Arc<Directory>>,
    /// Set when names changed in the store: the next ingest reloads the directory.
    renamed: AtomicBool,
    /// Held through a reload of the directory, so that an older one never replaces a newer.
    naming: Mutex<()>,
    /// Held through a rebuild: one at a time.
    rebuilding: Mutex<()>,
    /// Events applied while a rebuild runs off to the side, for the rebuilt engine to apply
    /// those its replay did not read. Touched only with the engine lock held.
    meanwhile: parking_lot::Mutex<Option<Vec<Event>>>,
    /// Wakes the rebuilder.
    restructure: Notify,
    /// What the rebuilds did since start.
    rebuilds: Rebuilds,
    published: RwLock<Arc<Published>>,
    /// Wakes the publisher when events were applied or the structure changed.
    wake: Notify,
    /// Set when structure or plan changed: the rebuilder rebuilds the engine.
    stale: AtomicBool,
    /// Bumped at every publication (SSE subscribers wait on it).
    version: watch::Sender<u64>,
    /// Held through a publication, so that one built earlier never replaces one built later
    /// (after an erasure, the older would name the person again).
    publishing: Mutex<()>,
    /// Set when the server shuts down: long-lived streams end so that shutdown completes.
    closing: watch::Sender<bool>,
    /// Calls to the workplace whose operator is not on line yet: (call id, agent id).
    waiting_calls: parking_lot::Mutex<Vec<(i64, i64)>>,
    /// Calls to the workplace as they are made, for the live stream.
    notices: tokio::sync::broadcast::Sender<WorkplaceCall>,
    /// Rejected items since start, per source and reason.
    rejections: parking_lot::Mutex<BTreeMap<(Source, Reason), u64>>,
    /// The newest rejected items, per source and reason.
    samples: parking_lot::Mutex<BTreeMap<(Source, Reason), VecDeque<RejectionSample>>>,
    /// What each feed delivered lately, for its health.
    activity: parking_lot::Mutex<Activity>,
    /// What each source delivered since its last activity log entry.
    feed_log: feed_log::FeedLog,
    /// How old the contact center's data may be before the snapshot warns (ms).
    freshness_cycle_ms: AtomicI64,
    /// Events committed and applied since start, and redeliveries turned away as duplicates.
    ingested: [AtomicU64; 2],
}

impl Live {
    /// Builds today's state from the store (replaying the day's events) and publishes it.
    pub async fn start(
        store: Arc<dyn Store>,
        limits: IngestLimits,
    ) -> Result<Arc<Live>, StoreError> {
        let now = Utc::now();
        // Read side by side: the replay is mostly decoding, the feeds' activity (a scan of
        // the day's log on SQLite) mostly the database's own work.
        let (engine, directory, waiting, last_hour, last_day) = tokio::try_join!(
            Engine::load(&store, now),
            Directory::load(&*store),
            store.workplace_calls(now - chrono::Duration::hours(24)),
            store.event_activity(now - chrono::Duration::hours(1), 1_000),
            store.event_activity(now - chrono::Duration::days(1), 60_000),
        )?;
        let waiting = waiting
            .into_iter()
            .filter(|c| c.on_line_at.is_none())
            .map(|c| (c.id, c.agent_id))
            .collect();
        let activity = Activity::seeded(&last_hour, &last_day).watching_from(now);
        let published = Arc::new(Published::build(&engine, Utc::now(), 0));
        let live = Arc::new(Live {
            store,
            limits,
            touched: recorder::Touched::default(),
            engine: Mutex::new(engine),
            queued: Default::default(),
            committing: Mutex::new(()),
            commits: Default::default(),
            directory: RwLock::new(Arc::new(directory)),
            renamed: AtomicBool::new(false),
            naming: Mutex::new(()),
            rebuilding: Mutex::new(()),
            meanwhile: parking_lot::Mutex::new(None),
            restructure: Notify::new(),
            rebuilds: Rebuilds::default(),
            published: RwLock::new(published),
            wake: Notify::new(),
            stale: AtomicBool::new(false),
            version: watch::channel(0).0,
            publishing: Mutex::new(()),
            closing: watch::channel(false).0,
            waiting_calls: parking_lot::Mutex::new(waiting),
            notices: tokio::sync::broadcast::channel(64).0,
            rejections: Default::default(),
            samples: Default::default(),
            feed_log: Default::default(),
            activity: parking_lot::Mutex::new(activity),
            freshness_cycle_ms: AtomicI64::new(DEFAULT_FRESHNESS_CYCLE_MS),
            ingested: Default::default(),
        });
        Ok(live)
    }

    /// The current snapshot; never waits on ingest.
    pub fn snapshot(&self) -> Arc<Published> {
        self.published.read().clone()
    }

    /// A receiver that changes at every publication.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.version.subscribe()
    }

    /// Whether ingest creates the agents and groups it does not know.
    pub fn creates_unknown(&self) -> bool {
        self.limits.create_unknown
    }

    /// Records a call of an operator to the workplace, tells the live stream, and tracks
    /// the operator until on line.
    pub async fn call_to_workplace(
        &self,
        agent_id: i64,
        actor: &Actor,
    ) -> Result<WorkplaceCall, StoreError> {
        let call = self.store.call_to_workplace(agent_id, actor).await?;
        self.waiting_calls.lock().push((call.id, agent_id));
        let _ = self.notices.send(call.clone());
        self.wake.notify_one();
        Ok(call)
    }

    /// Calls to the workplace as they are made.
    pub fn notices(&self) -> tokio::sync::broadcast::Receiver<WorkplaceCall> {
        self.notices.subscribe()
    }

    /// Notes the calls to the workplace whose operator is now on line.
    async fn track_workplace_calls(&self, published: &Published) -> Result<(), StoreError> {
        let on_line = |agent: i64| {
            published
                .operators
                .binary_search_by_key(&agent, |o| o.agent_id)
                .is_ok_and(|i| published.operators[i].state.is_on_line())
        };
        let answered: Vec<i64> = {
            let mut waiting = self.waiting_calls.lock();
            let answered = waiting
                .iter()
                .filter(|(_, a)| on_line(*a))
                .map(|(id, _)| *id)
                .collect();
            waiting.retain(|(_, a)| !on_line(*a));
            answered
        };
        for id in answered {
            self.store
                .workplace_call_answered(id, published.realtime.at)
                .await?;
        }
        Ok(())
    }

    /// A receiver that turns true when the server shuts down.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Tells long-lived streams to end (the server is shutting down).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Takes a batch from any source: creates the unknown names it holds (when so
    /// configured), resolves, checks, stores and applies it, and counts what it turned
    /// away. Returns after the events are committed and applied (batches that arrive
    /// meanwhile share one commit); the snapshot follows as soon as it is rebuilt.
    pub async fn take(
        self: &Arc<Self>,
        batch: Batch,
        actor: &Actor,
    ) -> Result<IngestReport, StoreError> {
        let source = batch.source;
        let feeds = batch.feeds();
        let directory = self.directory().await?;
        let creatable = if self.limits.create_unknown {
            let (logins, codes) = batch.names();
            let newcomers = Newcomers {
                logins,
                codes,
                actor: actor.clone(),
            };
            Creatable::find(&*self.store, &directory, newcomers).await?
        } else {
            None
        };
        let (mut report, ignored) = match creatable {
            Some(creatable) => self.take_creating(directory, creatable, batch).await?,
            None => {
                let resolved = batch.resolve(&directory);
                let report = self
                    .commit(resolved.candidates, resolved.rejections)
                    .await?;
                (report, resolved.ignored)
            }
        };
        report.ignored = ignored;
        self.count_rejections(source, &report.rejections, &feeds);
        self.feed_log.add(source, &report, actor);
        Ok(report)
    }

    /// Takes a batch that names agents or groups to create: on a turn of its own, as only
    /// the events that pass the checks create them. The report, and the items ignored.
    async fn take_creating(
        &self,
        directory: Arc<Directory>,
        creatable: Creatable,
        batch: Batch,
    ) -> Result<(IngestReport, usize), StoreError> {
        let _turn = self.committing.lock().await;
        let resolved = batch.resolve(&creatable.provisional(&directory));
        let (candidates, mut rejections) = (resolved.candidates, resolved.rejections);
        let index_of: HashMap<String, usize> = candidates
            .iter()
            .map(|c| (c.event.event_id.clone(), c.index))
            .collect();
        let (events, late) = {
            let engine = self.engine.lock().await;
            self.check(&engine, &commit::Overlay::default(), candidates)
        };
        rejections.extend(late);
        let mut directory = directory;
        if creatable.create_used(&*self.store, &events).await? {
            // The old engine skips the newcomers' events; the rebuild replays them.
            self.changed();
            directory = self.directory().await?;
        }
        let (events, unknown) = creatable.assign(events, &directory, &index_of);
        rejections.extend(unknown);
        let seqs = self.store_and_apply(events).await?;
        let (rejections, again) = self.redelivered(rejections).await?;
        Ok((commit::report(&seqs, rejections, again), resolved.ignored))
    }

    /// Each site's live state as it is now (a copy), e.g. to compare with a replay.
    /// Changes waiting for a rebuild are applied first.
    pub async fn centers(&self) -> Result<Vec<wfm_core::live::Center>, StoreError> {
        self.settle().await?;
        Ok(self
            .engine
            .lock()
            .await
            .sites
            .iter()
            .map(|s| s.center.clone())
            .collect())
    }

    /// Counts rejected items per source and reason, keeps the newest as samples, and
    /// notes them in the history of each item's feed (`feeds`, by its place in the request).
    fn count_rejections(&self, source: Source, rejected: &[Rejection], feeds: &[Feed]) {
        if rejected.is_empty() {
            return;
        }
        let now = Utc::now();
        {
            let mut counts = self.rejections.lock();
            for r in rejected {
                *counts.entry((source, r.reason)).or_default() += 1;
            }
        }
        {
            let mut samples = self.samples.lock();
            for r in rejected {
                let kept = samples.entry((source, r.reason)).or_default();
                if kept.len() == SAMPLES_KEPT {
                    kept.pop_front();
                }
                kept.push_back(RejectionSample {
                    at: now,
                    event_id: r.event_id.clone(),
                    index: r.index,
                    field: r.field.clone(),
                    message: r.message.clone(),
                });
            }
        }
        let mut activity = self.activity.lock();
        for r in rejected {
            activity.rejected(feeds.get(r.index).copied().unwrap_or(Feed::Calls), now);
        }
    }

    /// Forgets an erased person: scrubs them out of the rejection samples, and rebuilds the
    /// engine and the snapshot from the store (which no longer names them) before returning,
    /// so that no read after the erasure shows them.
    pub async fn forget(&self, person: &wfm_store::privacy::ErasedPerson) {
        {
            let mut samples = self.samples.lock();
            for s in samples.values_mut().flat_map(|kept| kept.iter_mut()) {
                if let Some(scrubbed) = s.scrubbed(person) {
                    *s = scrubbed;
                }
            }
        }
        self.changed();
        if let Err(e) = self.settle().await {
            tracing::warn!(error = %e, "live state not rebuilt after an erasure");
        }
        if let Err(e) = self.publish().await {
            // The publisher retries within a second.
            tracing::warn!(error = %e, "snapshot not rebuilt after an erasure");
        }
    }

    /// Rejected items since start per source and reason, each with the newest of them.
    pub fn rejected_input(&self) -> Vec<RejectedInput> {
        let mut samples = self.samples.lock().clone();
        self.rejection_counts()
            .into_iter()
            .map(|((source, reason), count)| RejectedInput {
                source,
                reason,
                count,
                samples: samples
                    .remove(&(source, reason))
                    .map(Vec::from)
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// What `feed` delivered lately, for the health rules.
    pub fn feed_observation(
        &self,
        feed: Feed,
        now: DateTime<Utc>,
        thresholds: &wfm_core::health::Thresholds,
        expected: bool,
    ) -> wfm_core::health::FeedObservation {
        self.activity
            .lock()
            .observe(feed, now, thresholds, expected)
    }

    /// How old the contact center's data may be before the snapshot warns.
    pub fn set_freshness_cycle(&self, cycle: chrono::Duration) {
        self.freshness_cycle_ms
            .store(cycle.num_milliseconds().max(1), Ordering::Relaxed);
    }

    /// Rejected items since start, per source and reason.
    pub fn rejection_counts(&self) -> BTreeMap<(Source, Reason), u64> {
        self.rejections.lock().clone()
    }

    /// What the engine's rebuilds did since start.
    pub fn rebuilds(&self) -> &Rebuilds {
        &self.rebuilds
    }

    /// Events accepted and duplicates turned away since start: (accepted, duplicate).
    pub fn ingest_counts(&self) -> (u64, u64) {
        (
            self.ingested[0].load(Ordering::Relaxed),
            self.ingested[1].load(Ordering::Relaxed),
        )
    }

    /// Recomputes and publishes the snapshot now.
    pub async fn publish(&self) -> Result<(), StoreError> {
        let _publishing = self.publishing.lock().await;
        let engine = self.engine.lock().await;
        let version = *self.version.borrow() + 1;
        let cycle = chrono::Duration::milliseconds(self.freshness_cycle_ms.load(Ordering::Relaxed));
        let reading = view::Reading::of(&engine, Utc::now(), cycle);
        drop(engine);
        let published = Arc::new(reading.publish(version));
        self.track_workplace_calls(&published).await?;
        *self.published.write() = published;
        self.version.send_replace(version);
        Ok(())
    }

    /// Publishes as soon as events arrive, and every second anyway, until `shutdown`
    /// fires. After each publication it pauses as long as that one took (and at least
    /// 10 ms): an isolated event is visible within a publication's time, and under load the
    /// events arriving meanwhile are coalesced into the next one, the publisher taking at
    /// most about half of a core.
    pub async fn run_publisher(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        let mut last = tokio::time::Instant::now();
        let mut cost = Duration::ZERO;
        loop {
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep_until(last + REFRESH_EVERY) => {}
                _ = shutdown.changed() => return,
            }
            tokio::select! {
                _ = tokio::time::sleep_until(last + cost.max(PUBLISH_PAUSE)) => {}
                _ = shutdown.changed() => return,
            }
            let started = tokio::time::Instant::now();
            if let Err(e) = self.publish().await {
                tracing::warn!(error = %e, "snapshot not published");
            }
            last = tokio::time::Instant::now();
            cost = last - started;
        }
    }
}
