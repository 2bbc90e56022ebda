//! Scaling recommendations from the measured figures, each naming the rule that made it,
//! and the headroom left at the measured cost per event.

use serde::Serialize;

use super::{CPU, DISK, JOB_BACKLOG, MEMORY, NETWORK, PUBLISH_AGE_S, STORE_LATENCY_MS, Status};

/// The figures the rules read (percentages 0-100; `None` when not measured).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measures {
    /// Machine CPU, average over the longest window (up to 15 min) and over 5 min.
    pub cpu_average: Option<f64>,
    pub cpu_sustained: Option<f64>,
    /// Memory used now and at its peak over the window.
    pub memory_used: Option<f64>,
    pub memory_peak: Option<f64>,
    pub disk_used: Option<f64>,
    /// The busiest interface with a known capacity: average and 5-min utilization.
    pub network_average: Option<f64>,
    pub network_sustained: Option<f64>,
    /// p95 of the store probe queries (ms).
    pub store_p95_ms: Option<f64>,
    /// Whether the store is the embedded SQLite.
    pub sqlite: bool,
    /// Sync jobs queued or retrying.
    pub job_backlog: Option<u64>,
    /// Age of the published live snapshot (s).
    pub publish_age_s: Option<f64>,
}

/// Each measure's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Statuses {
    pub cpu: Status,
    pub memory: Status,
    pub disk: Status,
    pub network: Status,
    pub store_latency: Status,
    pub job_backlog: Status,
    pub publish_age: Status,
}

impl Statuses {
    /// The worst of them.
    pub fn overall(&self) -> Status {
        [
            self.cpu,
            self.memory,
            self.disk,
            self.network,
            self.store_latency,
            self.job_backlog,
            self.publish_age,
        ]
        .into_iter()
        .max()
        .unwrap_or(Status::Unknown)
    }
}

/// Grades every measure against its threshold.
pub fn grade(m: &Measures) -> Statuses {
    let backlog = m.job_backlog.map(|b| b as f64);
    Statuses {
        cpu: CPU.grade(m.cpu_average, m.cpu_sustained),
        memory: MEMORY.grade(m.memory_used, m.memory_peak),
        disk: DISK.grade(m.disk_used, m.disk_used),
        network: NETWORK.grade(m.network_average, m.network_sustained),
        store_latency: STORE_LATENCY_MS.grade(m.store_p95_ms, m.store_p95_ms),
        job_backlog: JOB_BACKLOG.grade(backlog, backlog),
        publish_age: PUBLISH_AGE_S.grade(m.publish_age_s, m.publish_age_s),
    }
}

/// A scaling step to take, and the rule that called for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    /// The rule's id, e.g. `cpu_sustained`.
    pub rule: &'static str,
    /// Warning or critical.
    pub severity: Status,
    /// What to do.
    pub action: &'static str,
    /// The measurement behind it, in words.
    pub reason: String,
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".into(), |v| format!("{v:.1}%"))
}

/// The recommendations the statuses call for, most severe first (then in rule order).
pub fn recommend(m: &Measures, s: &Statuses) -> Vec<Recommendation> {
    let mut out = Vec::new();
    let mut add = |rule, severity, action, reason: String| {
        out.push(Recommendation {
            rule,
            severity,
            action,
            reason,
        })
    };
    match s.cpu {
        Status::Critical => add(
            "cpu_sustained",
            Status::Critical,
            "add an instance (or CPU cores): the machine has been above 85% for 5 minutes",
            format!("CPU {} over 5 min, alert above 85%", pct(m.cpu_sustained)),
        ),
        Status::Warning => add(
            "cpu_average",
            Status::Warning,
            "plan another instance before the next peak",
            format!("CPU {} on average, target below 70%", pct(m.cpu_average)),
        ),
        _ => {}
    }
    match s.memory {
        Status::Critical => add(
            "memory_peak",
            Status::Critical,
            "add memory or move other workloads off this machine",
            format!("memory peaked at {}, alert above 90%", pct(m.memory_peak)),
        ),
        Status::Warning => add(
            "memory_high",
            Status::Warning,
            "add memory before the peak reaches 90%",
            format!("memory {} used, target below 80%", pct(m.memory_used)),
        ),
        _ => {}
    }
    if matches!(s.disk, Status::Warning | Status::Critical) {
        add(
            "disk_low",
            s.disk,
            "grow the data volume or shorten the retention of events and audit entries",
            format!("data filesystem {} used", pct(m.disk_used)),
        );
    }
    if matches!(s.network, Status::Warning | Status::Critical) {
        add(
            "network_saturated",
            s.network,
            "give the instance a faster link or spread the feeds over instances",
            format!(
                "busiest link at {} (5 min), {} on average",
                pct(m.network_sustained),
                pct(m.network_average)
            ),
        );
    }
    if matches!(s.store_latency, Status::Warning | Status::Critical) {
        let ms = m
            .store_p95_ms
            .map_or_else(|| "n/a".into(), |v| format!("{v:.0} ms"));
        if m.sqlite {
            add(
                "store_latency_high_on_sqlite",
                s.store_latency,
                "move from SQLite to PostgreSQL (set WFM_DATABASE_URL to a postgres:// URL)",
                format!("store probe p95 {ms} on SQLite, target below 2 s"),
            );
        } else {
            add(
                "store_latency_high",
                s.store_latency,
                "give PostgreSQL more resources, or check its indexes and connection limit",
                format!("store probe p95 {ms}, target below 2 s"),
            );
        }
    }
    if matches!(s.job_backlog, Status::Warning | Status::Critical) {
        add(
            "job_backlog",
            s.job_backlog,
            "check that 1C ZUP answers (integration health), then add sync workers",
            format!("{} sync jobs waiting", m.job_backlog.unwrap_or_default()),
        );
    }
    if matches!(s.publish_age, Status::Warning | Status::Critical) {
        add(
            "publish_lagging",
            s.publish_age,
            "the live engine does not keep up: split the sites over instances",
            format!(
                "live snapshot {:.1} s old, republished every second when current",
                m.publish_age_s.unwrap_or_default()
            ),
        );
    }
    out.sort_by_key(|r| std::cmp::Reverse(r.severity));
    out
}

/// Events per operator per second when too few were seen to measure: an operator taking
/// 12 calls an hour with 5 events each (offered, answered, ended, wrap-up, ready).
pub const DEFAULT_EVENTS_PER_OPERATOR_PER_SECOND: f64 = 60.0 / 3600.0;
/// Fewest events over the window for the cost per event to count as measured.
pub const MIN_EVENTS_MEASURED: u64 = 100;

/// What the headroom is computed from, over one window.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Load {
    pub window_seconds: f64,
    /// Machine CPU % over the window.
    pub machine_cpu_percent: f64,
    /// This process's share of the machine (%) over the window.
    pub process_cpu_percent: f64,
    /// This process's CPU time over the window (s).
    pub process_cpu_seconds: f64,
    /// Events ingested (accepted) over the window.
    pub events: u64,
    /// Operators the live state follows now.
    pub operators: u64,
    /// Least-squares slope of this process's CPU share (%) against the event rate
    /// (events/s) over the window's samples: the marginal cost of one more event per
    /// second; `None` when the rate did not vary enough to tell (see [`marginal_cost`]).
    pub marginal_percent_per_event: Option<f64>,
}

/// Least-squares slope of `y` (process CPU %) on `x` (events/s) over `(x, y)` pairs:
/// what one more event per second costs, with the process's fixed work (publishing,
/// probes, a demo's own simulator) left out. `None` with fewer than 3 pairs, when the
/// rate barely varied (its spread under 10 events/s) or when the slope is not positive.
pub fn marginal_cost(pairs: &[(f64, f64)]) -> Option<f64> {
    if pairs.len() < 3 {
        return None;
    }
    let n = pairs.len() as f64;
    let (mx, my) = pairs
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
    let sxx: f64 = pairs.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
    let sxy: f64 = pairs.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let spread = (sxx / n).sqrt();
    (spread >= 10.0)
        .then(|| sxy / sxx)
        .filter(|s| s.is_finite() && *s > 0.0)
}

/// How much more this instance can take before the machine reaches 70% CPU.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Headroom {
    pub events_per_second: f64,
    /// Process CPU seconds per ingested event (all the process's work counted against
    /// ingest, so an upper bound); `None` below [`MIN_EVENTS_MEASURED`] events.
    pub cpu_seconds_per_event: Option<f64>,
    /// How the cost of one more event was measured: `marginal` (the slope of CPU on
    /// the event rate over the window), `average` (all CPU / events: an upper bound, so a
    /// lower bound on what is left) or `unmeasured`.
    pub cost_method: &'static str,
    /// More events per second before 70% CPU; `None` when the cost is not measured.
    pub events_per_second_left: Option<f64>,
    pub events_per_operator_per_second: f64,
    /// `measured` or `default` ([`DEFAULT_EVENTS_PER_OPERATOR_PER_SECOND`]).
    pub operator_rate_source: &'static str,
    /// More operators before 70% CPU, at that rate.
    pub operators_left: Option<u64>,
}

/// Headroom at the measured cost per event: the CPU left below the 70% target divided by
/// the machine share one event per second costs.
pub fn headroom(load: &Load) -> Headroom {
    let measured = load.events >= MIN_EVENTS_MEASURED && load.window_seconds > 0.0;
    let rate = if load.window_seconds > 0.0 {
        load.events as f64 / load.window_seconds
    } else {
        0.0
    };
    let (per_operator, source) = if measured && load.operators > 0 {
        (rate / load.operators as f64, "measured")
    } else {
        (DEFAULT_EVENTS_PER_OPERATOR_PER_SECOND, "default")
    };
    // The marginal cost when the window shows it, else the average (every bit of the
    // process's work charged to its events: an upper bound on the cost).
    let average =
        (measured && load.process_cpu_percent > 0.0).then(|| load.process_cpu_percent / rate);
    let (cost, cost_method) = match (load.marginal_percent_per_event, average) {
        (Some(m), _) if measured => (Some(m), "marginal"),
        (_, Some(a)) => (Some(a), "average"),
        _ => (None, "unmeasured"),
    };
    let left = cost.map(|cost| ((CPU.target_below - load.machine_cpu_percent).max(0.0)) / cost);
    Headroom {
        events_per_second: rate,
        cpu_seconds_per_event: measured.then(|| load.process_cpu_seconds / load.events as f64),
        cost_method,
        events_per_second_left: left,
        events_per_operator_per_second: per_operator,
        operator_rate_source: source,
        operators_left: left.map(|l| (l / per_operator).floor() as u64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_sqlite_under_sustained_cpu() {
        let m = Measures {
            cpu_average: Some(72.0),
            cpu_sustained: Some(90.0),
            memory_used: Some(50.0),
            memory_peak: Some(60.0),
            store_p95_ms: Some(2_500.0),
            sqlite: true,
            job_backlog: Some(3),
            publish_age_s: Some(0.4),
            ..Measures::default()
        };
        let s = grade(&m);
        assert_eq!(s.cpu, Status::Critical);
        assert_eq!(s.memory, Status::Ok);
        assert_eq!(s.network, Status::Unknown);
        assert_eq!(s.store_latency, Status::Warning);
        assert_eq!(s.overall(), Status::Critical);
        let rules: Vec<_> = recommend(&m, &s).iter().map(|r| r.rule).collect();
        assert_eq!(rules, ["cpu_sustained", "store_latency_high_on_sqlite"]);
    }

    #[test]
    fn every_rule_can_fire() {
        let m = Measures {
            cpu_average: Some(75.0),
            cpu_sustained: Some(80.0),
            memory_used: Some(85.0),
            memory_peak: Some(95.0),
            disk_used: Some(85.0),
            network_average: Some(55.0),
            network_sustained: Some(60.0),
            store_p95_ms: Some(6_000.0),
            sqlite: false,
            job_backlog: Some(150),
            publish_age_s: Some(12.0),
        };
        let r = recommend(&m, &grade(&m));
        let rules: Vec<_> = r.iter().map(|r| (r.rule, r.severity)).collect();
        assert_eq!(
            rules,
            [
                ("memory_peak", Status::Critical),
                ("store_latency_high", Status::Critical),
                ("publish_lagging", Status::Critical),
                ("cpu_average", Status::Warning),
                ("disk_low", Status::Warning),
                ("network_saturated", Status::Warning),
                ("job_backlog", Status::Warning),
            ]
        );
        assert_eq!(r[1].reason, "store probe p95 6000 ms, target below 2 s");
        assert!(recommend(&Measures::default(), &grade(&Measures::default())).is_empty());
    }

    #[test]
    fn headroom_at_the_measured_cost() {
        // 600 events in 60 s = 10/s cost 5% of the machine: 0.5% per event/s; the machine is
        // at 40%, so 30 points are left = 60 events/s; 20 operators give 0.5 events/s each.
        let h = headroom(&Load {
            window_seconds: 60.0,
            machine_cpu_percent: 40.0,
            process_cpu_percent: 5.0,
            process_cpu_seconds: 6.0,
            events: 600,
            operators: 20,
            marginal_percent_per_event: None,
        });
        assert_eq!(h.events_per_second, 10.0);
        assert_eq!(h.cpu_seconds_per_event, Some(0.01));
        assert_eq!(h.events_per_second_left, Some(60.0));
        assert_eq!(h.cost_method, "average");
        assert_eq!(h.events_per_operator_per_second, 0.5);
        assert_eq!(h.operator_rate_source, "measured");
        assert_eq!(h.operators_left, Some(120));
    }

    #[test]
    fn headroom_with_too_few_events_uses_the_default_rate() {
        let h = headroom(&Load {
            window_seconds: 60.0,
            machine_cpu_percent: 80.0,
            process_cpu_percent: 1.0,
            process_cpu_seconds: 1.2,
            events: 10,
            operators: 5,
            marginal_percent_per_event: None,
        });
        assert_eq!(h.operator_rate_source, "default");
        assert_eq!(
            h.events_per_operator_per_second,
            DEFAULT_EVENTS_PER_OPERATOR_PER_SECOND
        );
        assert_eq!(h.events_per_second_left, None);
        assert_eq!(h.cpu_seconds_per_event, None);
        let full = headroom(&Load {
            events: 1_000,
            ..Load {
                window_seconds: 100.0,
                machine_cpu_percent: 80.0,
                process_cpu_percent: 10.0,
                process_cpu_seconds: 10.0,
                events: 0,
                operators: 0,
                marginal_percent_per_event: None,
            }
        });
        assert_eq!(full.events_per_second_left, Some(0.0), "already past 70%");
        assert_eq!(full.operators_left, Some(0));
        assert_eq!(full.operator_rate_source, "default");
    }

    #[test]
    fn headroom_uses_the_marginal_cost_when_the_rate_varied() {
        // A fixed 20% (publishing, a demo's simulator) plus 0.01% per event/s: at rates
        // 0, 100, 200, 300 the process uses 20, 21, 22, 23%. The slope is 0.01.
        let pairs = [(0.0, 20.0), (100.0, 21.0), (200.0, 22.0), (300.0, 23.0)];
        let slope = marginal_cost(&pairs).unwrap();
        assert!((slope - 0.01).abs() < 1e-12, "{slope}");
        // The average would charge the 20% to the events: 23% / 300 = 0.0767% each.
        let h = headroom(&Load {
            window_seconds: 60.0,
            machine_cpu_percent: 30.0,
            process_cpu_percent: 23.0,
            process_cpu_seconds: 27.6,
            events: 18_000,
            operators: 1_000,
            marginal_percent_per_event: Some(slope),
        });
        assert_eq!(h.cost_method, "marginal");
        // (70 - 30) / 0.01 = 4,000 more events/s; 0.3 events/s per operator: 13,333.
        assert!((h.events_per_second_left.unwrap() - 4_000.0).abs() < 1e-6);
        assert_eq!(h.operators_left, Some(13_333));
        // A steady rate tells nothing about the margin; nor do two pairs, or a falling slope.
        assert_eq!(
            marginal_cost(&[(50.0, 20.0), (52.0, 25.0), (51.0, 21.0)]),
            None
        );
        assert_eq!(marginal_cost(&pairs[..2]), None);
        assert_eq!(
            marginal_cost(&[(0.0, 23.0), (100.0, 22.0), (200.0, 21.0)]),
            None
        );
    }
}
