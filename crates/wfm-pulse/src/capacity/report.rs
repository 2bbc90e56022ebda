//! The capacity analysis as the API returns it: every figure over the last 1, 5 and 15
//! minutes, with its status.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use wfm_core::capacity::Status;
use wfm_core::capacity::assess::{Headroom, Recommendation};

use super::system::DiskSpace;
use crate::metrics::RecentRequests;

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
    #[schema(value_type = Vec<Object>)]
    pub recommendations: Vec<Recommendation>,
    #[schema(value_type = Object)]
    pub headroom: Headroom,
    /// The window the headroom was measured over (s).
    pub headroom_window_seconds: f64,
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

#[derive(Debug, Serialize, ToSchema)]
pub struct Network {
    pub interfaces: Vec<Interface>,
    #[schema(value_type = String)]
    pub status: Status,
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
