//! Structure and plan changes reach the live state without stopping ingest: names reload
//! at the next ingest, and the engine is rebuilt from the log off to the side, catches up
//! with the events committed meanwhile, and is swapped in.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::Utc;
use tokio::sync::watch;
use wfm_store::StoreError;

use super::Live;
use super::REFRESH_EVERY;
use super::engine::Engine;
use crate::ingest::Directory;
use wfm_core::event::Event;

/// What the engine's rebuilds did since start (for `/metrics` and tests).
#[derive(Debug, Default)]
pub struct Rebuilds {
    /// Rebuilds swapped in.
    pub count: AtomicU64,
    /// Events committed during a rebuild and applied to the rebuilt engine before its swap.
    pub caught_up: AtomicU64,
    /// The last rebuild: its whole time, and how long it held the engine (ingest waited at
    /// most this), in microseconds.
    pub last_us: AtomicU64,
    pub last_held_us: AtomicU64,
}

impl Live {
    /// Structure, names or plan changed in the store: the next ingest resolves the new
    /// names, and the engine is rebuilt off to the side and swapped in (within seconds).
    /// Changes in a row (a thousand operators created one by one) share one reload.
    pub fn changed(&self) {
        self.renamed.store(true, Ordering::SeqCst);
        self.stale.store(true, Ordering::SeqCst);
        self.restructure.notify_one();
    }

    /// The plan changed: returns once the live state has it, so that the planner who saved
    /// it reads it back (a full day: seconds; ingest goes on meanwhile). A rebuild that
    /// fails is left to the rebuilder, which tries again.
    pub async fn replanned(&self) {
        self.changed();
        if let Err(e) = self.settle().await {
            tracing::warn!(error = %e, "live state not rebuilt after a plan change; trying again");
            self.stale.store(true, Ordering::SeqCst);
        }
    }

    /// The names ingest resolves, reloaded first if they changed.
    pub(super) async fn directory(&self) -> Result<Arc<Directory>, StoreError> {
        // Held even when nothing changed: an ingest that starts while another reloads
        // waits for the reload, so that it resolves every name created before it began.
        let _naming = self.naming.lock().await;
        if self.renamed.swap(false, Ordering::SeqCst) {
            let loaded = Directory::load(&*self.store).await;
            let Ok(loaded) = loaded else {
                self.renamed.store(true, Ordering::SeqCst);
                return loaded.map(Arc::new);
            };
            *self.directory.write() = Arc::new(loaded);
        }
        Ok(self.directory.read().clone())
    }

    /// How far in the past an event may be stamped (the live window).
    pub fn max_behind(&self) -> chrono::Duration {
        self.limits.max_behind
    }

    /// The contact center's status codes and what they mean (the state map), as ingest
    /// reads them now.
    pub async fn state_map(
        &self,
    ) -> Result<std::collections::HashMap<String, wfm_core::event::AgentState>, StoreError> {
        Ok(self.directory().await?.state_codes.clone())
    }

    pub(super) fn meanwhile(&self) -> parking_lot::MutexGuard<'_, Option<Vec<Event>>> {
        self.meanwhile.lock()
    }

    /// Rebuilds the engine from the store off to the side and swaps it in. Ingest goes on
    /// against the old engine meanwhile; before the swap, the new engine applies the events
    /// committed since its replay read the log, so ingest waits only for those.
    pub async fn rebuild(&self) -> Result<(), StoreError> {
        let _one = self.rebuilding.lock().await;
        // Cleared first: a change during the rebuild asks for the next one.
        self.stale.store(false, Ordering::SeqCst);
        {
            // Every event applied before this point is in the log the replay reads; those
            // applied after it are kept for the catch-up.
            let _engine = self.engine.lock().await;
            *self.meanwhile() = Some(Vec::new());
        }
        let started = std::time::Instant::now();
        let built = Engine::load(&self.store, Utc::now()).await;
        let mut engine = self.engine.lock().await;
        let held = std::time::Instant::now();
        let meanwhile = self.meanwhile().take().unwrap_or_default();
        let mut built = built?;
        // Commits take turns, so the replay read a prefix of the log: the events after it
        // are those with a higher sequence number (a commit applied after the swap skips
        // those the replay read).
        let read = built.last_seq;
        let mut caught_up = 0;
        for e in meanwhile.iter().filter(|e| e.seq > read) {
            built.apply(e);
            caught_up += 1;
        }
        built.build = engine.build + 1;
        let old = std::mem::replace(&mut *engine, built);
        drop(engine);
        // Freed after the engine lock is let go: ingest does not wait for it.
        drop(old);
        let r = &self.rebuilds;
        r.last_held_us
            .store(held.elapsed().as_micros() as u64, Ordering::Relaxed);
        r.last_us
            .store(started.elapsed().as_micros() as u64, Ordering::Relaxed);
        r.caught_up.fetch_add(caught_up, Ordering::Relaxed);
        r.count.fetch_add(1, Ordering::Relaxed);
        self.wake.notify_one();
        Ok(())
    }

    /// Rebuilds now if a change is waiting for it (after the rebuild under way, if any).
    pub(super) async fn settle(&self) -> Result<(), StoreError> {
        if self.stale.load(Ordering::SeqCst) {
            self.rebuild().await?;
        }
        let _wait = self.rebuilding.lock().await;
        Ok(())
    }

    /// Rebuilds the engine whenever structure or plan changed or a site's day turned, until
    /// `shutdown` fires. A rebuild that failed is tried again a second later.
    pub async fn run_rebuilder(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                _ = self.restructure.notified() => {}
                _ = tokio::time::sleep(REFRESH_EVERY) => {}
                _ = shutdown.changed() => return,
            }
            let due = self.stale.load(Ordering::SeqCst)
                || self.engine.lock().await.day_changed(Utc::now());
            if !due {
                continue;
            }
            tokio::select! {
                result = self.rebuild() => if let Err(e) = result {
                    tracing::warn!(error = %e, "live state not rebuilt; trying again");
                    self.stale.store(true, Ordering::SeqCst);
                },
                _ = shutdown.changed() => return,
            }
        }
    }
}
