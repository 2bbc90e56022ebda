//! Capacity analysis: percentiles, latency histograms, the monitoring system's resource
//! thresholds with each measure's status, scaling recommendations, and headroom from a
//! learned cost per event. Pure: the service's sampler feeds it readings.

pub mod assess;
pub mod cost;

use serde::Serialize;

/// How a measure stands against its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not measurable here (e.g. a link with no known speed, too few samples).
    Unknown,
    Ok,
    Warning,
    Critical,
}

/// A resource threshold: the target the typical value stays below, and the alert level
/// the extreme value (sustained or peak) must not pass.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Threshold {
    /// Typical value at or above this: warning.
    pub target_below: f64,
    /// Extreme value above this: critical.
    pub alert_above: f64,
}

impl Threshold {
    /// The status of a measure from its typical and extreme values.
    pub fn grade(&self, typical: Option<f64>, extreme: Option<f64>) -> Status {
        match (typical, extreme) {
            (None, None) => Status::Unknown,
            (_, Some(x)) if x > self.alert_above => Status::Critical,
            (Some(t), _) if t >= self.target_below => Status::Warning,
            (None, Some(x)) if x >= self.target_below => Status::Warning,
            _ => Status::Ok,
        }
    }
}

/// CPU utilization (%): <70 average, >85 sustained (over 5 minutes).
pub const CPU: Threshold = Threshold {
    target_below: 70.0,
    alert_above: 85.0,
};
/// Memory used (%): <80 of the available, >90 at peak.
pub const MEMORY: Threshold = Threshold {
    target_below: 80.0,
    alert_above: 90.0,
};
/// Network bandwidth (% of the link's capacity): <50, >75 sustained.
pub const NETWORK: Threshold = Threshold {
    target_below: 50.0,
    alert_above: 75.0,
};
/// Database response time (ms, p95 of the probe queries): <2 s, >5 s.
pub const STORE_LATENCY_MS: Threshold = Threshold {
    target_below: 2_000.0,
    alert_above: 5_000.0,
};
/// Disk used on the data directory's filesystem (%): ours, not the scenario's.
pub const DISK: Threshold = Threshold {
    target_below: 80.0,
    alert_above: 90.0,
};
/// Sync jobs waiting (queued + retrying): ours.
pub const JOB_BACKLOG: Threshold = Threshold {
    target_below: 100.0,
    alert_above: 1_000.0,
};
/// Age of the published live snapshot (s): it is republished every second, so a few
/// seconds mean the engine does not keep up. Ours.
pub const PUBLISH_AGE_S: Threshold = Threshold {
    target_below: 3.0,
    alert_above: 10.0,
};

/// The `q` quantile (0-1) of `values` by nearest rank: the least value with at least
/// q x n values at or below it. `None` when empty.
pub fn percentile(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() || !(0.0..=1.0).contains(&q) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// Upper bounds (µs) of the fine latency buckets: 10 µs x 1.1^i, up to past 120 s;
/// slower requests fall in one more, open, bucket.
pub fn latency_bounds_us() -> Vec<u64> {
    let mut bounds = Vec::new();
    let mut b = 10.0_f64;
    while b < 120e6 {
        bounds.push(b.ceil() as u64);
        b *= 1.1;
    }
    bounds.push(b.ceil() as u64);
    bounds
}

/// The bucket of a duration among `bounds` (the first bound at or above it; `bounds.len()`
/// for the open bucket).
pub fn bucket_of(bounds: &[u64], micros: u64) -> usize {
    bounds.partition_point(|b| *b < micros)
}

/// The `q` quantile of a histogram (`counts[i]` values in (bounds[i-1], bounds[i]], the last
/// count open above), interpolated linearly inside its bucket as Prometheus'
/// `histogram_quantile` does. Values in the open bucket read as the last bound.
pub fn histogram_quantile(bounds: &[u64], counts: &[u64], q: f64) -> Option<f64> {
    let n: u64 = counts.iter().sum();
    if n == 0 || !(0.0..=1.0).contains(&q) {
        return None;
    }
    let rank = q * n as f64;
    let mut below = 0u64;
    for (i, c) in counts.iter().enumerate() {
        if *c > 0 && (below + c) as f64 >= rank {
            let Some(&upper) = bounds.get(i) else {
                return bounds.last().map(|b| *b as f64);
            };
            let lower = if i == 0 { 0 } else { bounds[i - 1] };
            let within = (rank - below as f64).max(0.0) / *c as f64;
            return Some(lower as f64 + (upper - lower) as f64 * within);
        }
        below += c;
    }
    bounds.last().map(|b| *b as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=20).rev().map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), Some(10.0));
        assert_eq!(percentile(&v, 0.95), Some(19.0));
        assert_eq!(percentile(&v, 0.99), Some(20.0));
        assert_eq!(percentile(&v, 0.0), Some(1.0));
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&v, 1.5), None);
    }

    #[test]
    fn grades_against_target_and_alert() {
        assert_eq!(CPU.grade(Some(69.9), Some(84.0)), Status::Ok);
        assert_eq!(CPU.grade(Some(70.0), Some(80.0)), Status::Warning);
        assert_eq!(CPU.grade(Some(50.0), Some(85.1)), Status::Critical);
        assert_eq!(CPU.grade(None, None), Status::Unknown);
        assert_eq!(STORE_LATENCY_MS.grade(None, Some(2_500.0)), Status::Warning);
    }

    #[test]
    fn latency_buckets() {
        let b = latency_bounds_us();
        assert_eq!(&b[..4], &[10, 11, 13, 14]);
        assert_eq!(b.len(), 173);
        assert!(*b.last().unwrap() >= 120_000_000);
        assert_eq!(bucket_of(&b, 0), 0);
        assert_eq!(bucket_of(&b, 10), 0);
        assert_eq!(bucket_of(&b, 11), 1);
        assert_eq!(bucket_of(&b, 12), 2);
        assert_eq!(bucket_of(&b, u64::MAX), b.len());
    }

    #[test]
    fn histogram_quantiles_interpolate_within_the_bucket() {
        let bounds = [100, 200, 400];
        // 10 in (0,100], 10 in (100,200], none in (200,400], 0 open.
        let counts = [10, 10, 0, 0];
        assert_eq!(histogram_quantile(&bounds, &counts, 0.5), Some(100.0));
        assert_eq!(histogram_quantile(&bounds, &counts, 0.75), Some(150.0));
        assert_eq!(histogram_quantile(&bounds, &counts, 1.0), Some(200.0));
        assert_eq!(histogram_quantile(&bounds, &[0, 0, 0, 3], 0.5), Some(400.0));
        assert_eq!(histogram_quantile(&bounds, &[0; 4], 0.5), None);
    }
}
