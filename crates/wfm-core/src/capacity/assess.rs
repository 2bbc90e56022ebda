//! Scaling recommendations from the measured figures, each naming the rule that made it;
//! a busy machine is told apart from a busy process.

use serde::Serialize;

use super::{CPU, DISK, JOB_BACKLOG, MEMORY, NETWORK, PUBLISH_AGE_S, STORE_LATENCY_MS, Status};

/// The figures the rules read (percentages 0-100; `None` when not measured).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measures {
    /// Machine CPU, average over the longest window (up to 15 min) and over 5 min.
    pub cpu_average: Option<f64>,
    pub cpu_sustained: Option<f64>,
    /// This process's share of the machine over the same two windows.
    pub process_cpu_average: Option<f64>,
    pub process_cpu_sustained: Option<f64>,
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

/// Below this share of the machine's busy time the process is not what keeps the machine
/// busy: another instance would take at most its share away, and the other programs are
/// the larger part (the case: the machine at 99 %, this process at 0.4 %).
pub const PROCESS_SHARE_TO_SCALE: f64 = 0.5;

/// The CPU rule, its action and reason, when the machine's CPU is past its target: more
/// instances when this process is what keeps it busy (or its share is not known), the
/// other programs otherwise. Both figures are named either way.
fn cpu_advice(m: &Measures, status: Status) -> Option<(&'static str, &'static str, String)> {
    let (machine, process, window, limit) = match status {
        Status::Critical => (
            m.cpu_sustained,
            m.process_cpu_sustained,
            "over 5 min",
            "alert above 85%",
        ),
        Status::Warning => (
            m.cpu_average,
            m.process_cpu_average,
            "on average",
            "target below 70%",
        ),
        _ => return None,
    };
    let reason = format!(
        "machine CPU {} {window} ({limit}), this process {}",
        pct(machine),
        pct(process)
    );
    let others_busier = match (machine, process) {
        (Some(machine), Some(process)) => process < machine * PROCESS_SHARE_TO_SCALE,
        _ => false,
    };
    Some(match (others_busier, status) {
        (true, _) => (
            "cpu_other_programs",
            "another program is using the machine: find it (top, by CPU) and move it off or give this instance its own machine; another instance would not help",
            reason,
        ),
        (false, Status::Critical) => (
            "cpu_sustained",
            "add an instance (or CPU cores): this process keeps the machine above 85% for 5 minutes",
            reason,
        ),
        (false, _) => (
            "cpu_average",
            "plan another instance before the next peak",
            reason,
        ),
    })
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
    if let Some((rule, action, reason)) = cpu_advice(m, s.cpu) {
        add(rule, s.cpu, action, reason);
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
            process_cpu_average: None,
            process_cpu_sustained: None,
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
    fn a_busy_machine_is_not_a_busy_process() {
        // The case: the machine at 99 % for 5 minutes, this process at 0.4 % of it.
        // 0.4 < 99 x 0.5, so the other programs keep the machine busy, not this one.
        let m = Measures {
            cpu_average: Some(98.0),
            cpu_sustained: Some(99.0),
            process_cpu_average: Some(0.5),
            process_cpu_sustained: Some(0.4),
            ..Measures::default()
        };
        let s = grade(&m);
        assert_eq!(
            s.cpu,
            Status::Critical,
            "the machine is still graded as it is"
        );
        let r = recommend(&m, &s);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].rule, "cpu_other_programs");
        assert!(
            !r[0].action.starts_with("add an instance"),
            "{}",
            r[0].action
        );
        assert_eq!(
            r[0].reason,
            "machine CPU 99.0% over 5 min (alert above 85%), this process 0.4%"
        );
        // The process itself at 90 % of the 99 %: 90 >= 49.5, so another instance helps.
        let busy = Measures {
            process_cpu_sustained: Some(90.0),
            ..m.clone()
        };
        let r = recommend(&busy, &grade(&busy));
        assert_eq!(r[0].rule, "cpu_sustained");
        assert!(r[0].action.starts_with("add an instance"));
        assert_eq!(
            r[0].reason,
            "machine CPU 99.0% over 5 min (alert above 85%), this process 90.0%"
        );
        // A warning reads the 15-minute averages: 75 % machine, 20 % process (< 37.5).
        let warm = Measures {
            cpu_average: Some(75.0),
            cpu_sustained: Some(80.0),
            process_cpu_average: Some(20.0),
            process_cpu_sustained: Some(60.0),
            ..Measures::default()
        };
        let r = recommend(&warm, &grade(&warm));
        assert_eq!(
            (r[0].rule, r[0].severity),
            ("cpu_other_programs", Status::Warning)
        );
        assert_eq!(
            r[0].reason,
            "machine CPU 75.0% on average (target below 70%), this process 20.0%"
        );
    }
}
