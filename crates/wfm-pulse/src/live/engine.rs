//! Today's live state of every site: a `Center` per site and which events go where. Built
//! from the store; fed in commit order.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use wfm_core::event::{Event, EventKind, GroupId};
use wfm_core::interval::IntervalGrid;
use wfm_core::live::{AgentInfo, Center, GroupSettings};
use wfm_store::model::{Agent, Channel, Group, Service, Site};
use wfm_store::{Store, StoreError};

mod offered;

/// Replay reads the log in pages of this many events.
const REPLAY_PAGE: u32 = 10_000;

/// One site's live state for its current local day.
#[derive(Clone)]
pub struct SiteDay {
    pub site_id: i64,
    pub time_zone: String,
    pub grid: IntervalGrid,
    pub day: NaiveDate,
    pub center: Center,
}

/// All sites' live state plus what routing and checks need.
#[derive(Clone)]
pub struct Engine {
    pub sites: Vec<SiteDay>,
    group_site: HashMap<GroupId, usize>,
    agent_site: HashMap<i64, usize>,
    /// Calls applied today: the site that has them and when they were offered. A call to a
    /// group created after this engine was built is kept under the index past the last
    /// site: its offer time is known, so that ingest accepts its answer until the rebuilt
    /// engine is swapped in.
    calls: offered::OfferedCalls,
    /// Counts the rebuilds swapped in since start (the history writer tells builds apart).
    pub build: u64,
    /// The last event applied.
    pub last_seq: i64,
    pub watermark: Option<DateTime<Utc>>,
    /// The structure the engine was built from, for the endpoints.
    pub groups: Arc<Vec<Group>>,
    pub agents: Arc<Vec<Agent>>,
}

fn settings(g: &Group) -> GroupSettings {
    GroupSettings {
        id: g.id,
        service_id: g.service_id,
        voice: g.channel == Channel::Voice,
        sl_seconds: g.sl_seconds,
        sl_percent: g.sl_percent,
        max_occupancy: g.max_occupancy,
        short_abandon_seconds: g.short_abandon_seconds,
        grace_seconds: g.grace_seconds,
        thresholds: g.thresholds,
    }
}

/// Hands the allocator's free pages back to the system. glibc keeps what is freed in its
/// per-thread arenas: the pages of events a replay decoded, and on a rebuild (after a
/// sync, say) the whole engine it replaces, which it then did not reuse for the next one.
/// Measured over 2,000,000 events: 41 MB in use, yet 91-113 MB resident after one to
/// three rebuilds with 40-67 MB free in the arenas (`examples/publication.rs`).
pub(super) fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers; it only returns free pages to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

impl Drop for Engine {
    /// Frees the live state, then returns the pages it took to the system.
    fn drop(&mut self) {
        drop(std::mem::take(&mut self.sites));
        drop(std::mem::take(&mut self.calls));
        release_free_memory();
    }
}

impl Engine {
    /// Builds today's state from the store: structure, plan, and the day's events replayed.
    pub async fn load(store: &Arc<dyn Store>, now: DateTime<Utc>) -> Result<Engine, StoreError> {
        Engine::load_days(store, |grid| grid.local_date(now), None).await
    }

    /// The state of a finished local day, rebuilt from the log (for reports on past days).
    pub async fn load_date(store: &Arc<dyn Store>, date: NaiveDate) -> Result<Engine, StoreError> {
        let next = date.succ_opt().unwrap_or(date);
        let sites = store.list_sites().await?;
        let until = sites
            .iter()
            .filter_map(|s| IntervalGrid::parse_tz(&s.time_zone).ok())
            .filter_map(|tz| IntervalGrid::new(tz, 15).ok())
            .map(|grid| grid.day_start(next))
            .max();
        Engine::load_days(store, |_| date, until).await
    }

    /// Builds each site's state for the day `day_of` picks, replaying events before `until`.
    async fn load_days(
        store: &Arc<dyn Store>,
        day_of: impl Fn(&IntervalGrid) -> NaiveDate,
        until: Option<DateTime<Utc>>,
    ) -> Result<Engine, StoreError> {
        let sites: Vec<Site> = store.list_sites().await?;
        let services: Vec<Service> = store.list_services().await?;
        let groups = store.list_groups().await?;
        let agents = store.list_agents().await?;
        let service_site: HashMap<i64, i64> = services.iter().map(|s| (s.id, s.site_id)).collect();

        let mut engine = Engine {
            sites: Vec::new(),
            group_site: HashMap::new(),
            agent_site: HashMap::new(),
            calls: offered::OfferedCalls::default(),
            build: 0,
            last_seq: 0,
            watermark: None,
            groups: Arc::new(groups.clone()),
            agents: Arc::new(agents.clone()),
        };
        for site in &sites {
            let Ok(tz) = IntervalGrid::parse_tz(&site.time_zone) else {
                continue;
            };
            let Ok(grid) = IntervalGrid::new(tz, site.interval_minutes) else {
                continue;
            };
            let index = engine.sites.len();
            let site_groups: Vec<GroupSettings> = groups
                .iter()
                .filter(|g| service_site.get(&g.service_id) == Some(&site.id))
                .map(settings)
                .collect();
            for g in &site_groups {
                engine.group_site.insert(g.id, index);
            }
            let site_agents: Vec<AgentInfo> = agents
                .iter()
                .filter(|a| a.site_id == site.id)
                .map(|a| AgentInfo {
                    id: a.id,
                    primary_group_id: a.primary_group_id,
                })
                .collect();
            for a in &site_agents {
                engine.agent_site.insert(a.id, index);
            }
            let day = day_of(&grid);
            let mut center = Center::new(grid, site_groups, site_agents);
            let (from, to) = (
                grid.day_start(day),
                grid.day_start(day.succ_opt().unwrap_or(day)),
            );
            center.set_plan(
                store.forecast(from, to).await?,
                store.timetable(from, to).await?,
            );
            engine.sites.push(SiteDay {
                site_id: site.id,
                time_zone: site.time_zone.clone(),
                grid,
                day,
                center,
            });
        }
        engine
            .replay(store, until.unwrap_or(DateTime::<Utc>::MAX_UTC))
            .await?;
        Ok(engine)
    }

    /// Applies the events of each site's day from the log, in commit order.
    async fn replay(
        &mut self,
        store: &Arc<dyn Store>,
        until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let Some(from) = self.sites.iter().map(|s| s.grid.day_start(s.day)).min() else {
            return Ok(());
        };
        // Each page is read (by the driver's thread) while the one before is applied.
        let read = |after: i64| {
            let store = Arc::clone(store);
            tokio::spawn(async move { store.events_between(from, until, after, REPLAY_PAGE).await })
        };
        let mut next = Some(read(self.last_seq));
        while let Some(reading) = next.take() {
            let page = reading
                .await
                .map_err(|e| StoreError::caused_with("the replay's read stopped", e))??;
            if page.len() == REPLAY_PAGE as usize
                && let Some(last) = page.last()
            {
                next = Some(read(last.seq));
            }
            for e in &page {
                self.apply(e);
            }
        }
        self.calls.shrink_to_fit();
        release_free_memory();
        Ok(())
    }

    fn site_of(&self, kind: &EventKind) -> Option<usize> {
        match kind {
            EventKind::CallOffered { group_id, .. } | EventKind::GroupLoad { group_id, .. } => {
                self.group_site.get(group_id).copied()
            }
            EventKind::CallAnswered { call_id, .. }
            | EventKind::CallAbandoned { call_id }
            | EventKind::CallEnded { call_id, .. }
            | EventKind::WrapUpEnded { call_id } => self
                .calls
                .get(call_id)
                .map(|c| c.0)
                .filter(|&site| site < self.sites.len()),
            EventKind::AgentStateChanged { agent_id, .. } => self.agent_site.get(agent_id).copied(),
        }
    }

    /// Applies one committed event to the site it concerns.
    pub fn apply(&mut self, event: &Event) {
        self.last_seq = self.last_seq.max(event.seq);
        self.watermark = Some(self.watermark.map_or(event.at, |w| w.max(event.at)));
        let site = self.site_of(&event.kind);
        if let EventKind::CallOffered { call_id, .. } = &event.kind {
            let unplaced = self.sites.len();
            self.calls
                .insert(call_id, site.unwrap_or(unplaced), event.at);
        }
        if let Some(site) = site {
            self.sites[site].center.apply(event);
        }
    }

    /// When a call applied today was offered.
    pub fn offered_at(&self, call_id: &str) -> Option<DateTime<Utc>> {
        self.calls.get(call_id).map(|c| c.1)
    }

    /// Whether a site's local day has changed since the engine was built.
    pub fn day_changed(&self, now: DateTime<Utc>) -> bool {
        self.sites.iter().any(|s| s.grid.local_date(now) != s.day)
    }
}
