//! The capacity analysis: CPU, memory, disk, network, store latency, ingest lag, job queue
//! and requests over the last 1, 5 and 15 minutes, graded against the monitoring system's
//! thresholds, with the scaling recommendations and the headroom they give.

use std::time::Duration;

use crate::capacity::proc::{
    ASSUMED_LINK_MBPS, cpu_percent, is_loopback, link_utilization, process_percent, traffic,
};
use chrono::Utc;
use wfm_core::capacity::assess::{self, Measures, Statuses};
use wfm_core::capacity::cost::{self, CostModel, Headroom, Load};
use wfm_core::capacity::{self as core, Status, Threshold};
use wfm_store::Backend;
use wfm_store::integration::JobState;

use super::report::*;
use super::system;
use super::{Capacity, SAMPLE_EVERY, Sample};

/// The windows every figure is given over (s).
pub const WINDOWS: [u64; 3] = [60, 300, 900];
/// Pairs of samples closer than this are too short for a peak.
const SHORTEST_PEAK: Duration = Duration::from_secs(1);

/// The samples of the last `window` before `now`, oldest first, with `now` last.
fn within<'a>(samples: &'a [Sample], now: &'a Sample, window: u64) -> Vec<&'a Sample> {
    let window = Duration::from_secs(window);
    samples
        .iter()
        .filter(|s| now.at.duration_since(s.at) <= window)
        .chain(std::iter::once(now))
        .collect()
}

fn span(s: &[&Sample]) -> f64 {
    match (s.first(), s.last()) {
        (Some(a), Some(b)) => b.at.duration_since(a.at).as_secs_f64(),
        _ => 0.0,
    }
}

/// Machine busy % and this process's share of the machine %.
type Shares = (Option<f64>, Option<f64>);

/// [`Shares`] between two samples.
fn cpu_between(a: &Sample, b: &Sample) -> Shares {
    let (Some(ma), Some(mb)) = (a.machine, b.machine) else {
        return (None, None);
    };
    let machine = cpu_percent(ma.all, mb.all);
    let process = match (a.process, b.process) {
        (Some(pa), Some(pb)) => process_percent(
            pb.ticks.saturating_sub(pa.ticks),
            mb.all.total.saturating_sub(ma.all.total),
        ),
        _ => None,
    };
    (machine, process)
}

fn max(values: impl Iterator<Item = f64>) -> Option<f64> {
    values.fold(None, |m, v| Some(m.map_or(v, |m: f64| m.max(v))))
}

fn cpu_window(s: &[&Sample], window: u64, hz: f64) -> CpuWindow {
    let covered = span(s);
    let (machine, process) = match (s.first(), s.last()) {
        (Some(a), Some(b)) if s.len() > 1 => cpu_between(a, b),
        _ => (None, None),
    };
    let pairs: Vec<Shares> = s
        .windows(2)
        .filter(|p| p[1].at.duration_since(p[0].at) >= SHORTEST_PEAK)
        .map(|p| cpu_between(p[0], p[1]))
        .collect();
    let peak = |pick: fn(&Shares) -> Option<f64>, avg: Option<f64>| {
        max(pairs.iter().filter_map(pick)).or(avg)
    };
    let cores = match (
        s.first().and_then(|a| a.process),
        s.last().and_then(|b| b.process),
    ) {
        (Some(a), Some(b)) if covered > 0.0 => {
            Some(b.ticks.saturating_sub(a.ticks) as f64 / hz / covered)
        }
        _ => None,
    };
    CpuWindow {
        window_seconds: window,
        covered_seconds: covered,
        machine_average_percent: machine,
        machine_peak_percent: peak(|p| p.0, machine),
        process_average_percent: process,
        process_peak_percent: peak(|p| p.1, process),
        process_cores: cores,
    }
}

fn rate(s: &[&Sample], of: impl Fn(&Sample) -> Option<u64>) -> Option<f64> {
    let (a, b) = (s.first()?, s.last()?);
    let secs = b.at.duration_since(a.at).as_secs_f64();
    (s.len() > 1 && secs > 0.0).then_some(())?;
    Some(of(b)?.saturating_sub(of(a)?) as f64 / secs)
}

fn job_count(jobs: &Option<Vec<(JobState, u64)>>, state: JobState) -> Option<u64> {
    jobs.as_ref()
        .map(|j| j.iter().filter(|(s, _)| *s == state).map(|(_, n)| n).sum())
}

fn view(
    measure: &'static str,
    unit: &'static str,
    t: Threshold,
    typical: Option<f64>,
    extreme: Option<f64>,
    status: Status,
) -> ThresholdView {
    ThresholdView {
        measure,
        unit,
        target_below: t.target_below,
        alert_above: t.alert_above,
        typical,
        extreme,
        status,
    }
}

/// What the samples alone say: CPU per window, the network, the CPU and network measures
/// (the other measures left empty) and the headroom. Pure but for `link_speed` (the
/// sampler's reader of /sys), so a scripted sequence of samples can be checked by hand.
pub struct SampledFigures {
    pub cpu_windows: Vec<CpuWindow>,
    /// The network with its status still `unknown` (it is graded with the rest).
    pub network: Network,
    pub measures: Measures,
    pub headroom: Headroom,
    pub cost_model: CostModel,
    /// The span of the longest window (s).
    pub covered_seconds: f64,
}

/// [`SampledFigures`] from the ring `samples` and the reading `now`, with `hz` clock ticks a
/// second, the cost `model` and the operators followed now.
pub fn sampled_figures(
    samples: &[Sample],
    now: &Sample,
    hz: f64,
    model: &CostModel,
    operators: u64,
    link_speed: impl Fn(&str) -> Option<u64>,
) -> SampledFigures {
    let windows: Vec<Vec<&Sample>> = WINDOWS.iter().map(|w| within(samples, now, *w)).collect();
    let longest = windows.last().cloned().unwrap_or_default();
    let cpu_windows: Vec<CpuWindow> = WINDOWS
        .iter()
        .zip(&windows)
        .map(|(w, s)| cpu_window(s, *w, hz))
        .collect();
    let network = network(now, &windows, link_speed);
    let utilization = |w: usize| {
        let links = network
            .interfaces
            .iter()
            .filter_map(|i| i.windows[w].utilization_percent);
        // The whole machine's traffic, or one saturated link when that is worse.
        max(links.chain(network.windows[w].utilization_percent))
    };
    let measures = Measures {
        cpu_average: cpu_windows[2].machine_average_percent,
        cpu_sustained: cpu_windows[1].machine_average_percent,
        process_cpu_average: cpu_windows[2].process_average_percent,
        process_cpu_sustained: cpu_windows[1].process_average_percent,
        network_average: utilization(2),
        network_sustained: utilization(1),
        ..Measures::default()
    };
    let covered = span(&longest);
    let events = match (longest.first(), longest.last()) {
        (Some(a), Some(b)) => b.events_accepted.saturating_sub(a.events_accepted),
        _ => 0,
    };
    // Without both CPU readings there is nothing to grade the headroom against.
    let read = cpu_windows[2].machine_average_percent.is_some();
    let headroom = cost::headroom(&Load {
        window_seconds: if read { covered } else { 0.0 },
        cpus: now.machine.map_or(0, |m| m.cpus),
        machine_cpu_percent: cpu_windows[2].machine_average_percent.unwrap_or(0.0),
        process_cpu_percent: cpu_windows[2].process_average_percent.unwrap_or(0.0),
        process_cpu_seconds: match (longest.first().and_then(|a| a.process), now.process) {
            (Some(a), Some(b)) => b.ticks.saturating_sub(a.ticks) as f64 / hz,
            _ => 0.0,
        },
        events,
        operators,
        cost_cpu_seconds_per_event: model.cpu_seconds_per_event,
    });
    SampledFigures {
        cpu_windows,
        network,
        measures,
        headroom,
        cost_model: *model,
        covered_seconds: covered,
    }
}

/// Every interface with its own rates, and all but loopback summed, over each window.
fn network(
    now: &Sample,
    windows: &[Vec<&Sample>],
    link_speed: impl Fn(&str) -> Option<u64>,
) -> Network {
    let interfaces: Vec<Interface> = now
        .interfaces
        .iter()
        .map(|i| {
            let speed = link_speed(&i.name);
            let of = |s: &Sample, sent: bool| {
                s.interfaces
                    .iter()
                    .find(|x| x.name == i.name)
                    .map(|x| if sent { x.sent } else { x.received })
            };
            Interface {
                name: i.name.clone(),
                received_bytes_total: i.received,
                sent_bytes_total: i.sent,
                speed_mbps: speed,
                windows: WINDOWS
                    .iter()
                    .zip(windows)
                    .map(|(w, s)| {
                        let rx = rate(s, |x| of(x, false));
                        let tx = rate(s, |x| of(x, true));
                        let busier = max(rx.into_iter().chain(tx));
                        InterfaceWindow {
                            window_seconds: *w,
                            received_bytes_per_second: rx,
                            sent_bytes_per_second: tx,
                            utilization_percent: speed
                                .zip(busier)
                                .map(|(mbps, bytes)| bytes * 8.0 / (mbps as f64 * 1e6) * 100.0),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    // The capacity: the links that report a speed, else an assumed one (said so).
    let speeds: Vec<u64> = interfaces
        .iter()
        .filter(|i| !is_loopback(&i.name))
        .filter_map(|i| i.speed_mbps)
        .collect();
    let (capacity_mbps, capacity_source) = if !speeds.is_empty() {
        (
            speeds.iter().fold(0, |a: u64, s| a.saturating_add(*s)),
            "link_speed",
        )
    } else {
        (ASSUMED_LINK_MBPS, "assumed")
    };
    let totals = WINDOWS
        .iter()
        .zip(windows)
        .map(|(w, s)| {
            let t = match (s.first(), s.last()) {
                (Some(a), Some(b)) if s.len() > 1 => traffic(&a.interfaces, &b.interfaces, span(s)),
                _ => None,
            };
            TrafficWindow {
                window_seconds: *w,
                received_bytes_per_second: t.map(|t| t.received_bytes_per_second),
                sent_bytes_per_second: t.map(|t| t.sent_bytes_per_second),
                interfaces: t.map_or(0, |t| t.interfaces),
                utilization_percent: t.and_then(|t| link_utilization(&t, capacity_mbps)),
            }
        })
        .collect();
    Network {
        interfaces,
        windows: totals,
        capacity_mbps,
        capacity_source,
        status: Status::Unknown,
    }
}

impl Capacity {
    /// The analysis at the moment of the call (a fresh reading on top of the ring).
    pub async fn analysis(&self) -> CapacityAnalysis {
        let now = self.sample().await;
        let samples = self.samples();
        let at = Utc::now();
        let hz = self.ticks_per_second;
        let snapshot = self.live.snapshot();
        let sampled = sampled_figures(
            &samples,
            &now,
            hz,
            &self.cost_model(),
            snapshot.operators.len() as u64,
            system::link_speed_mbps,
        );
        let windows: Vec<Vec<&Sample>> =
            WINDOWS.iter().map(|w| within(&samples, &now, *w)).collect();
        let longest = windows.last().cloned().unwrap_or_default();

        let used = |s: &Sample| s.memory.and_then(|m| m.used_percent());
        let memory_used = used(&now);
        let memory_peak = max(longest.iter().filter_map(|s| used(s)));

        let disk_space = system::disk_space(&self.data_dir);
        let disk_used = disk_space.map(|d| d.used_percent);

        let latency: Vec<LatencyWindow> = WINDOWS
            .iter()
            .map(|w| {
                let window = Duration::from_secs(*w);
                let probes: Vec<f64> = samples
                    .iter()
                    .filter(|s| now.at.duration_since(s.at) <= window)
                    .filter_map(|s| s.probe_ms)
                    .collect();
                LatencyWindow {
                    window_seconds: *w,
                    samples: probes.len(),
                    p50_ms: core::percentile(&probes, 0.5),
                    p95_ms: core::percentile(&probes, 0.95),
                    max_ms: max(probes.iter().copied()),
                }
            })
            .collect();
        let store_p95_ms = latency[2].p95_ms.or(now.probe_ms);
        let sqlite = self.store.backend() == Backend::Sqlite;

        let (accepted, duplicates) = self.live.ingest_counts();
        let newest = snapshot.realtime.freshness.as_of;
        let seconds = |d: chrono::TimeDelta| d.num_milliseconds() as f64 / 1e3;
        let publish_age = seconds(at - snapshot.realtime.at);
        let event_rates: Vec<EventRate> = WINDOWS
            .iter()
            .zip(&windows)
            .map(|(w, s)| EventRate {
                window_seconds: *w,
                events: match (s.first(), s.last()) {
                    (Some(a), Some(b)) => b.events_accepted.saturating_sub(a.events_accepted),
                    _ => 0,
                },
                per_second: rate(s, |x| Some(x.events_accepted)),
            })
            .collect();

        let queued = job_count(&now.jobs, JobState::Queued);
        let retrying = job_count(&now.jobs, JobState::Retrying);
        let backlog = queued.zip(retrying).map(|(q, r)| q + r);

        let measures = Measures {
            memory_used,
            memory_peak,
            disk_used,
            store_p95_ms,
            sqlite,
            job_backlog: backlog,
            publish_age_s: Some(publish_age),
            ..sampled.measures.clone()
        };
        let (cpu_average, cpu_sustained) = (measures.cpu_average, measures.cpu_sustained);
        let (network_average, network_sustained) =
            (measures.network_average, measures.network_sustained);
        let statuses: Statuses = assess::grade(&measures);
        let recommendations = assess::recommend(&measures, &statuses);
        let covered = sampled.covered_seconds;

        let backlog_f = backlog.map(|b| b as f64);
        let thresholds = vec![
            view(
                "cpu",
                "percent",
                core::CPU,
                cpu_average,
                cpu_sustained,
                statuses.cpu,
            ),
            view(
                "memory",
                "percent",
                core::MEMORY,
                memory_used,
                memory_peak,
                statuses.memory,
            ),
            view(
                "network",
                "percent",
                core::NETWORK,
                network_average,
                network_sustained,
                statuses.network,
            ),
            view(
                "store_latency",
                "ms",
                core::STORE_LATENCY_MS,
                store_p95_ms,
                store_p95_ms,
                statuses.store_latency,
            ),
            view(
                "disk",
                "percent",
                core::DISK,
                disk_used,
                disk_used,
                statuses.disk,
            ),
            view(
                "job_backlog",
                "jobs",
                core::JOB_BACKLOG,
                backlog_f,
                backlog_f,
                statuses.job_backlog,
            ),
            view(
                "publish_age",
                "s",
                core::PUBLISH_AGE_S,
                Some(publish_age),
                Some(publish_age),
                statuses.publish_age,
            ),
        ];

        CapacityAnalysis {
            at,
            sample_interval_seconds: SAMPLE_EVERY.as_secs(),
            samples: samples.len(),
            covered_seconds: covered,
            status: statuses.overall(),
            cpu: Cpu {
                cpus: now.machine.map(|m| m.cpus),
                ticks_per_second: hz,
                machine_busy_ticks: now.machine.map(|m| m.all.busy),
                machine_total_ticks: now.machine.map(|m| m.all.total),
                process_ticks: now.process.map(|p| p.ticks),
                windows: sampled.cpu_windows,
                status: statuses.cpu,
            },
            memory: MemoryFigures {
                total_bytes: now.memory.map(|m| m.total),
                available_bytes: now.memory.map(|m| m.available),
                used_percent: memory_used,
                peak_used_percent: memory_peak,
                process_rss_bytes: now.rss_bytes,
                process_rss_peak_bytes: longest.iter().filter_map(|s| s.rss_bytes).max(),
                status: statuses.memory,
            },
            disk: disk_space.map(|space| Disk {
                path: self.data_dir.display().to_string(),
                space,
                status: statuses.disk,
            }),
            network: Network {
                status: statuses.network,
                ..sampled.network
            },
            store: StoreFigures {
                backend: if sqlite { "sqlite" } else { "postgres" },
                probe: "sync jobs counted by state",
                latest_ms: now.probe_ms,
                windows: latency,
                status: statuses.store_latency,
            },
            ingest: Ingest {
                events_accepted_total: accepted,
                duplicates_total: duplicates,
                newest_event_at: newest,
                event_age_seconds: newest.map(|n| seconds(at - n)),
                snapshot_at: snapshot.realtime.at,
                publish_age_seconds: publish_age,
                windows: event_rates,
                status: statuses.publish_age,
            },
            jobs: Jobs {
                queued,
                running: job_count(&now.jobs, JobState::Running),
                retrying,
                status: statuses.job_backlog,
            },
            requests: WINDOWS
                .iter()
                .map(|w| self.requests.recent(Duration::from_secs(*w)))
                .collect(),
            thresholds,
            recommendations,
            headroom: sampled.headroom,
            headroom_window_seconds: covered,
            cost_model: sampled.cost_model,
        }
    }
}
