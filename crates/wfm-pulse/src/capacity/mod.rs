//! Capacity of this instance: a sampler reads the machine, the process, the store and the
//! live pipeline every 5 s into a 15-minute ring; the analysis (`analysis`) turns the ring
//! and a reading at the moment of the call into figures, statuses, recommendations and
//! headroom. Every minute the sampler teaches the cost model what the minute's events cost.

pub mod analysis;
pub mod proc;
pub mod report;
pub mod requests;
pub mod system;

use parking_lot::Mutex;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::capacity::proc::{InterfaceBytes, MachineCpu, Memory, ProcessCpu};
use tokio::sync::watch;
use wfm_core::capacity::cost::CostModel;
use wfm_store::Store;
use wfm_store::integration::JobState;

use crate::live::Live;
use requests::Requests;

/// How often the sampler reads.
pub const SAMPLE_EVERY: Duration = Duration::from_secs(5);
/// Samples kept: 15 minutes and one more, so that the 15-minute window is full.
const KEPT: usize = 181;
/// The cost model learns from windows this long: long enough for many events and for the
/// process's CPU ticks (1/100 s) to be fine against them.
pub const LEARN_EVERY: Duration = Duration::from_secs(60);

/// One reading of everything the analysis measures.
#[derive(Debug, Clone)]
pub struct Sample {
    pub at: Instant,
    pub machine: Option<MachineCpu>,
    pub process: Option<ProcessCpu>,
    pub memory: Option<Memory>,
    pub rss_bytes: Option<u64>,
    pub interfaces: Vec<InterfaceBytes>,
    /// Time the store took to answer the probe query (sync jobs counted by state), ms.
    pub probe_ms: Option<f64>,
    /// The probe's answer.
    pub jobs: Option<Vec<(JobState, u64)>>,
    /// Events accepted since start.
    pub events_accepted: u64,
}

/// The capacity state: the request recorder, the ring of samples and what they read.
pub struct Capacity {
    /// Every request, recorded by the metrics middleware.
    pub requests: Requests,
    store: Arc<dyn Store>,
    live: Arc<Live>,
    data_dir: PathBuf,
    ticks_per_second: f64,
    ring: Mutex<VecDeque<Sample>>,
    /// The cost model, and the sample its current learning window began with.
    cost: Mutex<(CostModel, Option<Sample>)>,
}

/// The model after the window from `start` to `end`: the process's CPU seconds (ticks /
/// `hz`) over the events accepted in between. Unchanged when a reading is missing.
pub fn learn(model: &CostModel, start: &Sample, end: &Sample, hz: f64) -> CostModel {
    let (Some(a), Some(b)) = (start.process, end.process) else {
        return *model;
    };
    let Some(ticks) = b.ticks.checked_sub(a.ticks) else {
        return *model;
    };
    model.learn(
        end.at.saturating_duration_since(start.at).as_secs_f64(),
        ticks as f64 / hz,
        end.events_accepted.saturating_sub(start.events_accepted),
    )
}

impl Capacity {
    pub fn new(store: Arc<dyn Store>, live: Arc<Live>, data_dir: PathBuf) -> Arc<Self> {
        Arc::new(Capacity {
            requests: Requests::default(),
            store,
            live,
            data_dir,
            ticks_per_second: system::ticks_per_second(),
            ring: Mutex::new(VecDeque::with_capacity(KEPT)),
            cost: Mutex::new((CostModel::default(), None)),
        })
    }

    /// The cost model as learned so far.
    pub fn cost_model(&self) -> CostModel {
        self.cost.lock().0
    }

    /// Closes the learning window at `sample` once it is [`LEARN_EVERY`] long.
    fn learn_from(&self, sample: &Sample) {
        let mut cost = self.cost.lock();
        let (model, start) = &mut *cost;
        match start {
            Some(s) if sample.at.saturating_duration_since(s.at) < LEARN_EVERY => {}
            Some(s) => {
                *model = learn(model, s, sample, self.ticks_per_second);
                *start = Some(sample.clone());
            }
            None => *start = Some(sample.clone()),
        }
    }

    /// Clock ticks per second of the CPU counters.
    pub fn ticks_per_second(&self) -> f64 {
        self.ticks_per_second
    }

    /// Reads everything now.
    pub async fn sample(&self) -> Sample {
        let started = Instant::now();
        let jobs = self.store.job_counts().await;
        let probe_ms = jobs.is_ok().then(|| started.elapsed().as_secs_f64() * 1e3);
        if let Err(e) = &jobs {
            tracing::warn!(error = %e, "capacity: the store probe failed");
        }
        Sample {
            at: Instant::now(),
            machine: system::machine_cpu(),
            process: system::process_cpu(),
            memory: system::memory(),
            rss_bytes: system::rss_bytes(),
            interfaces: system::interfaces(),
            probe_ms,
            jobs: jobs.ok(),
            events_accepted: self.live.ingest_counts().0,
        }
    }

    /// The samples kept, oldest first.
    pub fn samples(&self) -> Vec<Sample> {
        self.ring.lock().iter().cloned().collect()
    }

    fn keep(&self, sample: Sample) {
        let mut ring = self.ring.lock();
        if ring.len() == KEPT {
            ring.pop_front();
        }
        ring.push_back(sample);
    }

    /// Samples every 5 s until `stop` turns true.
    pub async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        let mut tick = tokio::time::interval(SAMPLE_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.changed() => return,
            }
            if *stop.borrow() {
                return;
            }
            let sample = self.sample().await;
            self.learn_from(&sample);
            self.keep(sample);
        }
    }
}
