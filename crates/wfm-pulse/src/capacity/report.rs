//! The capacity analysis as the API returns it: every figure over the last 1, 5 and 15
//! minutes, with its status.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use wfm_core::capacity::Status;
use wfm_core::capacity::assess::Recommendation;
use wfm_core::capacity::cost::{CostModel, Headroom};

use super::requests::RecentRequests;
use super::system::DiskSpace;

/// The whole analysis.
#[derive(Debug, Serialize, ToSchema)]
pub struct CapacityAnalysis {
    pub at: DateTime<Utc>,
    /// Seconds between samples, samples kept, and the span they cover (s).
    pub sample_interval_seconds: u64,
    pub samples: usize,
    pub covered_seconds: f64,
    /// The worst status of all measures.
    #[schema(value_type = String)]
    pub status: Status,
    pub cpu: Cpu,
    pub memory: MemoryFigures,
    pub disk: Option<Disk>,
    pub network: Network,
    pub store: StoreFigures,
    pub ingest: Ingest,
    pub jobs: Jobs,
    pub requests: Vec<RecentRequests>,
    pub thresholds: Vec<ThresholdView>,
    /// Each with `rule`, `severity`, `action` and `reason`. CPU rules: `cpu_sustained` and
    /// `cpu_average` (this process keeps the machine busy: add or plan an instance) or
    /// `cpu_other_programs` (the machine is busy but this process has less than half of
    /// its busy time); the reason names the machine's and this process's CPU.
    #[schema(value_type = Vec<Object>)]
    pub recommendations: Vec<Recommendation>,
    /// More events per second (and operators) this process can take at the cost model's
    /// CPU per event: `events_per_second_left` before this process uses 70 % of the
    /// machine, `events_per_second_left_beside_other_programs` before the whole machine
    /// does with the other programs as busy as now (`other_programs_cpu_percent`);
    /// `cost_method` is `model` and `cost_cpu_seconds_per_event` the cost divided by;
    /// `cpu_seconds_per_event` is the window's own average (all CPU / events),
    /// informative; also `events_per_second`, `events_per_operator_per_second`,
    /// `operator_rate_source` (`measured` or `default`) and `operators_left`.
    #[schema(value_type = Object)]
    pub headroom: Headroom,
    /// The window the headroom was measured over (s).
    pub headroom_window_seconds: f64,
    /// CPU seconds per event: `cpu_seconds_per_event` (now), `prior_cpu_seconds_per_event`
    /// (the ingest benchmark's), `windows_learned` and `seconds_learned` (one-minute
    /// windows with at least `min_events_per_window` events), `time_constant_seconds` (of
    /// the exponentially weighted update). Starts from the prior at every start.
    #[schema(value_type = Object)]
    pub cost_model: CostModel,
}

/// CPU of the machine and of this process.
#[derive(Debug, Serialize, ToSchema)]
pub struct Cpu {
    pub cpus: Option<usize>,
    pub ticks_per_second: f64,
    /// The raw counters at the moment of the call (/proc/stat, /proc/self/stat).
    pub machine_busy_ticks: Option<u64>,
    pub machine_total_ticks: Option<u64>,
    pub process_ticks: Option<u64>,
    pub windows: Vec<CpuWindow>,
    #[schema(value_type = String)]
    pub status: Status,
}

/// CPU over one window: machine busy %, and this process's share of the whole machine.
#[derive(Debug, Serialize, ToSchema)]
pub struct CpuWindow {
    pub window_seconds: u64,
    /// The span the samples cover (shorter than the window after a start).
    pub covered_seconds: f64,
    pub machine_average_percent: Option<f64>,
    pub machine_peak_percent: Option<f64>,
    pub process_average_percent: Option<f64>,
    pub process_peak_percent: Option<f64>,
    /// CPU seconds per second: 1.0 is one core busy.
    pub process_cores: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemoryFigures {
    pub total_bytes: Option<u64>,
    pub available_bytes: Option<u64>,
    pub used_percent: Option<f64>,
    /// Highest used share over 15 minutes.
    pub peak_used_percent: Option<f64>,
    pub process_rss_bytes: Option<u64>,
    pub process_rss_peak_bytes: Option<u64>,
    #[schema(value_type = String)]
    pub status: Status,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Disk {
    /// The data directory the filesystem holds.
    pub path: String,
    #[serde(flatten)]
    pub space: DiskSpace,
    #[schema(value_type = String)]
    pub status: Status,
}

/// The network: every interface of /proc/net/dev, and all but loopback summed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Network {
    pub interfaces: Vec<Interface>,
    /// All interfaces but loopback summed, over 1, 5 and 15 minutes (empty rates where the
    /// OS offers no counters).
    pub windows: Vec<TrafficWindow>,
    /// The capacity the sum is graded against (Mbit/s): the sum of the speeds the links
    /// report, or 1,000 when none does.
    pub capacity_mbps: u64,
    /// `link_speed` (from /sys/class/net/<if>/speed) or `assumed` (no link reports one).
    pub capacity_source: &'static str,
    /// Graded on the busier of the summed traffic and the busiest link with a known speed;
    /// `unknown` only where no counters can be read.
    #[schema(value_type = String)]
    pub status: Status,
}

/// Traffic over all interfaces but loopback in one window.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrafficWindow {
    pub window_seconds: u64,
    pub received_bytes_per_second: Option<f64>,
    pub sent_bytes_per_second: Option<f64>,
    /// Interfaces summed.
    pub interfaces: usize,
    /// The busier direction over `capacity_mbps` (full duplex).
    pub utilization_percent: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Interface {
    pub name: String,
    pub received_bytes_total: u64,
    pub sent_bytes_total: u64,
    /// Link speed from /sys/class/net/<if>/speed; absent for virtual links.
    pub speed_mbps: Option<u64>,
    pub windows: Vec<InterfaceWindow>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InterfaceWindow {
    pub window_seconds: u64,
    pub received_bytes_per_second: Option<f64>,
    pub sent_bytes_per_second: Option<f64>,
    /// The busier direction over the link's capacity (full duplex), when it is known.
    pub utilization_percent: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StoreFigures {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// The probe query timed at every sample.
    pub probe: &'static str,
    /// The probe at the moment of the call (ms).
    pub latest_ms: Option<f64>,
    pub windows: Vec<LatencyWindow>,
    #[schema(value_type = String)]
    pub status: Status,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LatencyWindow {
    pub window_seconds: u64,
    pub samples: usize,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub max_ms: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Ingest {
    pub events_accepted_total: u64,
    pub duplicates_total: u64,
    /// Time of the newest applied event, and now minus it.
    pub newest_event_at: Option<DateTime<Utc>>,
    pub event_age_seconds: Option<f64>,
    /// When the live snapshot was computed, and now minus it.
    pub snapshot_at: DateTime<Utc>,
    pub publish_age_seconds: f64,
    pub windows: Vec<EventRate>,
    #[schema(value_type = String)]
    pub status: Status,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventRate {
    pub window_seconds: u64,
    pub events: u64,
    pub per_second: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Jobs {
    pub queued: Option<u64>,
    pub running: Option<u64>,
    pub retrying: Option<u64>,
    #[schema(value_type = String)]
    pub status: Status,
}

/// A measure against its threshold.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThresholdView {
    pub measure: &'static str,
    pub unit: &'static str,
    /// The typical value must stay below this.
    pub target_below: f64,
    /// The sustained or peak value must not pass this.
    pub alert_above: f64,
    pub typical: Option<f64>,
    pub extreme: Option<f64>,
    #[schema(value_type = String)]
    pub status: Status,
}
