//! Capacity analysis and the Prometheus exposition over HTTP: the figures agree with what
//! /proc and statvfs say at the moment of the call (the test server runs in this process,
//! so /proc/self is the server), and /metrics counts exactly what was done.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use common::center::{ago, push, set_up};
use common::{TestServer, eventually};
use reqwest::Method;
use serde_json::{Value, json};
use wfm_store::model::Role;

const ANALYSIS: &str = "/api/v1/performance/capacity/analysis";

fn proc_file(path: &str) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// A `Name: n kB` line of /proc/meminfo or /proc/self/status, in bytes.
fn kb(text: &str, name: &str) -> u64 {
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{name}:")))
        .unwrap();
    line.split_whitespace()
        .nth(1)
        .unwrap()
        .parse::<u64>()
        .unwrap()
        * 1024
}

/// (busy, total) of the aggregate cpu line, and the number of CPUs.
fn machine_ticks() -> (u64, u64, usize) {
    let stat = proc_file("/proc/stat");
    let v: Vec<u64> = stat
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .skip(1)
        .take(8)
        .map(|f| f.parse().unwrap())
        .collect();
    let total: u64 = v.iter().sum();
    let cpus = stat
        .lines()
        .filter(|l| l.starts_with("cpu") && !l.starts_with("cpu "))
        .count();
    (total - v[3] - v[4], total, cpus)
}

fn process_ticks() -> u64 {
    let stat = proc_file("/proc/self/stat");
    let rest: Vec<&str> = stat[stat.rfind(')').unwrap() + 1..]
        .split_whitespace()
        .collect();
    rest[11].parse::<u64>().unwrap() + rest[12].parse::<u64>().unwrap()
}

/// Received bytes per interface.
fn received() -> BTreeMap<String, u64> {
    proc_file("/proc/net/dev")
        .lines()
        .skip(2)
        .map(|l| {
            let (name, rest) = l.split_once(':').unwrap();
            (
                name.trim().to_string(),
                rest.split_whitespace().next().unwrap().parse().unwrap(),
            )
        })
        .collect()
}

fn statvfs(path: &str) -> (u64, u64) {
    let c = std::ffi::CString::new(path).unwrap();
    // SAFETY: zeroed statvfs is valid; `c` is NUL-terminated and outlives the call.
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::statvfs(c.as_ptr(), &mut s) }, 0);
    (
        s.f_blocks as u64 * s.f_frsize as u64,
        s.f_bavail as u64 * s.f_frsize as u64,
    )
}

fn between(what: &str, v: &Value, low: f64, high: f64) {
    let x = v
        .as_f64()
        .unwrap_or_else(|| panic!("{what} is not a number: {v}"));
    assert!(
        low <= x && x <= high,
        "{what} = {x}, expected within [{low}, {high}]"
    );
}

#[tokio::test]
async fn capacity_figures_agree_with_proc_at_the_moment_of_the_call() {
    let s = TestServer::start().await;
    set_up(&s).await;
    let report = push(
        &s,
        json!([
            {"type": "agent_state", "id": "e1", "at": ago(30), "agent": "op-1", "state": "ready"},
            {"type": "call_offered", "id": "e2", "at": ago(20), "call_id": "c1", "group": "L1"},
            {"type": "call_answered", "id": "e3", "at": ago(10), "call_id": "c1", "agent": "op-1"},
        ]),
    )
    .await;
    assert_eq!(report["accepted"], 3, "{report}");
    let (st, _) = s.call(Method::GET, ANALYSIS, Role::Integration, None).await;
    assert_eq!(st, 403, "the integration role reads no analysis");
    let (st, _) = common::read(s.request(Method::GET, ANALYSIS).send().await.unwrap()).await;
    assert_eq!(st, 401);

    // The snapshot follows the ingest within the publishing period.
    eventually("the events in the snapshot", 10, async || {
        let (_, a) = s.call(Method::GET, ANALYSIS, Role::Viewer, None).await;
        a["ingest"]["newest_event_at"].as_str().map(str::to_string)
    })
    .await;
    let meminfo_before = proc_file("/proc/meminfo");
    let rss_before = kb(&proc_file("/proc/self/status"), "VmRSS");
    let (busy_before, total_before, cpus) = machine_ticks();
    let ticks_before = process_ticks();
    let rx_before = received();
    let (st, a) = s.call(Method::GET, ANALYSIS, Role::Viewer, None).await;
    let rx_after = received();
    let ticks_after = process_ticks();
    let (busy_after, total_after, _) = machine_ticks();
    let rss_after = kb(&proc_file("/proc/self/status"), "VmRSS");
    let meminfo_after = proc_file("/proc/meminfo");
    assert_eq!(st, 200, "{a}");

    // Memory: the total exactly; available and RSS within 5% of what /proc said around it.
    assert_eq!(a["memory"]["total_bytes"], kb(&meminfo_before, "MemTotal"));
    let (av1, av2) = (
        kb(&meminfo_before, "MemAvailable"),
        kb(&meminfo_after, "MemAvailable"),
    );
    between(
        "available",
        &a["memory"]["available_bytes"],
        av1.min(av2) as f64 * 0.95,
        av1.max(av2) as f64 * 1.05,
    );
    let total = kb(&meminfo_before, "MemTotal") as f64;
    let used = |av: u64| (total - av as f64) / total * 100.0;
    between(
        "used %",
        &a["memory"]["used_percent"],
        used(av1.max(av2)) - 2.0,
        used(av1.min(av2)) + 2.0,
    );
    between(
        "rss",
        &a["memory"]["process_rss_bytes"],
        rss_before.min(rss_after) as f64 * 0.95,
        rss_before.max(rss_after) as f64 * 1.05,
    );

    // CPU: the counters were read between our two readings; shares are percentages, and
    // the process is part of the machine.
    let cpu = &a["cpu"];
    assert_eq!(cpu["cpus"], cpus);
    between(
        "machine busy",
        &cpu["machine_busy_ticks"],
        busy_before as f64,
        busy_after as f64,
    );
    between(
        "machine total",
        &cpu["machine_total_ticks"],
        total_before as f64,
        total_after as f64,
    );
    between(
        "process ticks",
        &cpu["process_ticks"],
        ticks_before as f64,
        ticks_after as f64,
    );
    let windows = cpu["windows"].as_array().unwrap();
    assert_eq!(
        windows
            .iter()
            .map(|w| w["window_seconds"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [60, 300, 900]
    );
    for w in windows {
        for k in [
            "machine_average_percent",
            "machine_peak_percent",
            "process_average_percent",
            "process_peak_percent",
        ] {
            between(k, &w[k], 0.0, 100.0);
        }
        let (m, p) = (
            w["machine_average_percent"].as_f64().unwrap(),
            w["process_average_percent"].as_f64().unwrap(),
        );
        // The kernel accounts a process's time precisely but the machine's in ticks, so
        // over a short window the two differ by a few ticks: allow 10 of them.
        let window_ticks = w["covered_seconds"].as_f64().unwrap()
            * cpu["ticks_per_second"].as_f64().unwrap()
            * cpus as f64;
        let slack = 5.0 + 100.0 * 10.0 / window_ticks.max(1.0);
        assert!(
            p <= m + slack,
            "the process ({p}%) is part of the machine ({m}%, slack {slack})"
        );
        assert!(w["machine_peak_percent"].as_f64().unwrap() >= m - 1e-9);
        between("cores", &w["process_cores"], 0.0, cpus as f64);
    }

    // Disk: the data directory's filesystem as statvfs gives it.
    let disk = &a["disk"];
    let path = disk["path"].as_str().unwrap();
    assert!(path.contains("wfm-pulse-test-"), "{path}");
    let (size, free) = statvfs(path);
    assert_eq!(disk["size_bytes"], size);
    between(
        "disk free",
        &disk["free_bytes"],
        free as f64 * 0.99,
        free as f64 * 1.01,
    );
    between("disk used %", &disk["used_percent"], 0.0, 100.0);

    // Network: the interfaces of /proc/net/dev, with their counters in between.
    let interfaces = a["network"]["interfaces"].as_array().unwrap();
    let names: BTreeSet<&str> = interfaces
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, rx_before.keys().map(String::as_str).collect());
    for i in interfaces {
        let name = i["name"].as_str().unwrap();
        between(
            name,
            &i["received_bytes_total"],
            rx_before[name] as f64,
            rx_after[name] as f64,
        );
        let speed = std::fs::read_to_string(format!("/sys/class/net/{name}/speed"))
            .ok()
            .and_then(|t| t.trim().parse::<i64>().ok())
            .filter(|s| *s > 0);
        assert_eq!(i["speed_mbps"].as_i64(), speed, "{name}");
        if speed.is_none() {
            assert_eq!(i["windows"][0]["utilization_percent"], Value::Null);
        }
    }
    // Where the OS offers counters for a link other than loopback, the network is graded.
    let network = &a["network"];
    assert_eq!(network["windows"].as_array().map(Vec::len), Some(3));
    if rx_before.keys().any(|name| name != "lo") {
        assert_ne!(network["status"], "unknown", "{network}");
        assert!(network["windows"][2]["received_bytes_per_second"].is_number());
    }

    // Store, ingest and jobs.
    assert_eq!(a["store"]["backend"], "sqlite");
    assert!(a["store"]["latest_ms"].as_f64().unwrap() >= 0.0);
    assert!(
        a["store"]["windows"][2]["samples"].as_u64().unwrap() >= 1,
        "the sampler probed at start"
    );
    assert_eq!(a["ingest"]["events_accepted_total"], 3);
    assert_eq!(a["ingest"]["duplicates_total"], 0);
    between("event age", &a["ingest"]["event_age_seconds"], 9.0, 600.0);
    between(
        "publish age",
        &a["ingest"]["publish_age_seconds"],
        -1.0,
        5.0,
    );
    assert_eq!(
        a["jobs"],
        json!({"queued": 0, "running": 0, "retrying": 0, "status": "ok"})
    );
    assert!(
        a["requests"][0]["requests"].as_u64().unwrap() >= 8,
        "{}",
        a["requests"]
    );

    // Thresholds as the scenario sets them, and every measure graded.
    let thresholds: BTreeMap<&str, (f64, f64)> = a["thresholds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["measure"].as_str().unwrap(),
                (
                    t["target_below"].as_f64().unwrap(),
                    t["alert_above"].as_f64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(thresholds["cpu"], (70.0, 85.0));
    assert_eq!(thresholds["memory"], (80.0, 90.0));
    assert_eq!(thresholds["network"], (50.0, 75.0));
    assert_eq!(thresholds["store_latency"], (2000.0, 5000.0));
    for t in a["thresholds"].as_array().unwrap() {
        assert!(
            ["ok", "warning", "critical", "unknown"].contains(&t["status"].as_str().unwrap()),
            "{t}"
        );
    }
    assert_eq!(a["store"]["status"], "ok");
    for r in a["recommendations"].as_array().unwrap() {
        assert!(r["rule"].is_string() && r["action"].is_string(), "{r}");
    }
    // Three events are too few to measure a rate per operator, or to teach the cost model:
    // the headroom is at the benchmark's cost.
    let headroom = &a["headroom"];
    assert_eq!(headroom["operator_rate_source"], "default");
    assert_eq!(headroom["cost_method"], "model");
    assert_eq!(headroom["cost_cpu_seconds_per_event"], 78e-6);
    assert!(
        headroom["events_per_second_left"]
            .as_f64()
            .is_some_and(|l| l >= 0.0),
        "{headroom}"
    );
    assert_eq!(a["cost_model"]["prior_cpu_seconds_per_event"], 78e-6);
    assert_eq!(a["cost_model"]["windows_learned"], 0);
    assert_eq!(a["cost_model"]["time_constant_seconds"], 3600.0);
    s.stop().await;
}

/// A parsed exposition: samples by their full `name{labels}` key, and HELP/TYPE per family.
struct Scrape {
    samples: BTreeMap<String, f64>,
}

impl Scrape {
    fn get(&self, key: &str) -> Option<f64> {
        self.samples.get(key).copied()
    }
}

/// Parses text format 0.0.4 strictly enough to fail on a malformed line.
fn parse(text: &str) -> Scrape {
    let mut help = BTreeSet::new();
    let mut types = BTreeMap::new();
    let mut samples = BTreeMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, h) = rest.split_once(' ').unwrap();
            assert!(!h.is_empty(), "{line}");
            assert!(help.insert(name.to_string()), "HELP twice: {line}");
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, t) = rest.split_once(' ').unwrap();
            assert!(["counter", "gauge", "histogram"].contains(&t), "{line}");
            assert!(help.contains(name), "TYPE before HELP: {line}");
            types.insert(name.to_string(), t.to_string());
            continue;
        }
        assert!(
            !line.starts_with('#') && !line.is_empty(),
            "stray line: {line:?}"
        );
        let (key, value) = line.rsplit_once(' ').unwrap();
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            v => v.parse().unwrap_or_else(|_| panic!("bad value: {line}")),
        };
        let name = key.split('{').next().unwrap();
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{line}"
        );
        if let Some(labels) = key.strip_prefix(name).filter(|l| !l.is_empty()) {
            let inner = labels
                .strip_prefix('{')
                .and_then(|l| l.strip_suffix('}'))
                .unwrap();
            for pair in inner.split("\",") {
                let (k, v) = pair.split_once("=\"").unwrap_or_else(|| panic!("{line}"));
                assert!(
                    k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    "{line}"
                );
                assert!(!v.trim_end_matches('"').contains('"'), "{line}");
            }
            assert!(inner.ends_with('"'), "{line}");
        }
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| {
                name.strip_suffix(s)
                    .filter(|f| types.get(*f).is_some_and(|t| t == "histogram"))
            })
            .unwrap_or(name);
        assert!(types.contains_key(family), "no TYPE for {family}: {line}");
        assert!(
            samples.insert(key.to_string(), value).is_none(),
            "sample twice: {line}"
        );
    }
    Scrape { samples }
}

async fn scrape(s: &TestServer) -> (String, Scrape) {
    let r = s.request(Method::GET, "/metrics").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let content_type = r.headers()["content-type"].to_str().unwrap().to_string();
    assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");
    let text = r.text().await.unwrap();
    let parsed = parse(&text);
    (text, parsed)
}

#[tokio::test]
async fn metrics_count_exactly_what_was_done() {
    let s = TestServer::start().await;
    set_up(&s).await;
    let (_, sites) = s
        .call(Method::GET, "/api/v1/sites", Role::Viewer, None)
        .await;
    let site = sites
        .as_array()
        .map_or_else(|| sites["items"][0]["id"].clone(), |a| a[0]["id"].clone());
    for _ in 0..7 {
        let (st, _) = s
            .call(
                Method::GET,
                &format!("/api/v1/sites/{site}"),
                Role::Viewer,
                None,
            )
            .await;
        assert_eq!(st, 200);
    }
    let (st, _) = s
        .call(Method::GET, "/api/v1/sites/999999", Role::Viewer, None)
        .await;
    assert_eq!(st, 404);
    let (st, _) = common::read(
        s.request(Method::GET, "/api/v1/sites/1")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 401);
    let (st, _) = s
        .call(Method::GET, "/no/such/path/42", Role::Viewer, None)
        .await;
    assert_eq!(st, 404);
    let batch = json!([
        {"type": "call_offered", "id": "m1", "at": ago(60), "call_id": "k1", "group": "L1"},
        {"type": "call_offered", "id": "m2", "at": ago(50), "call_id": "k2", "group": "L1"},
        {"type": "call_answered", "id": "m3", "at": ago(40), "call_id": "k1", "agent": "nobody"},
        {"type": "call_offered", "id": "m4", "at": ago(40), "call_id": "k4", "group": "no-such-group"},
        {"type": "call_offered", "id": "m5", "call_id": "k5", "group": "L1"},
    ]);
    let first = push(&s, batch.clone()).await;
    assert_eq!(
        (first["accepted"].as_u64(), first["rejected"].as_u64()),
        (Some(2), Some(3)),
        "{first}"
    );
    let again = push(&s, batch).await;
    assert_eq!(again["duplicate"], 2, "{again}");

    let (text, m) = eventually("the integration health report", 20, async || {
        let (text, m) = scrape(&s).await;
        (text.contains("wfm_integration_health{")
            && text.contains("\nwfm_engine_event_age_seconds "))
        .then_some((text, m))
    })
    .await;
    let key = |name: &str, labels: &str| format!("{name}{{{labels}}}");
    let requests = |labels: &str| m.get(&key("wfm_http_requests_total", labels));
    assert_eq!(
        requests(r#"route="/api/v1/sites/{id}",method="GET",status="2xx""#),
        Some(7.0),
        "{text}"
    );
    assert_eq!(
        requests(r#"route="/api/v1/sites/{id}",method="GET",status="4xx""#),
        Some(2.0),
        "a 404 and a 401"
    );
    assert_eq!(
        requests(r#"route="/api/v1/sites",method="GET",status="2xx""#),
        Some(1.0)
    );
    assert_eq!(
        requests(r#"route="/api/v1/sites",method="POST",status="2xx""#),
        Some(1.0)
    );
    assert_eq!(
        requests(r#"route="/api/v1/agents",method="POST",status="2xx""#),
        Some(2.0)
    );
    assert_eq!(
        requests(r#"route="/api/v1/events",method="POST",status="2xx""#),
        Some(2.0)
    );
    assert!(
        !text.contains("/no/such/path") && !text.contains("sites/999999"),
        "raw paths are never labels: {text}"
    );
    assert!(requests(r#"route="unmatched",method="GET",status="4xx""#).is_some_and(|n| n >= 1.0));
    let hist = |suffix: &str, extra: &str| {
        m.get(&key(
            &format!("wfm_http_request_duration_seconds_{suffix}"),
            &format!(r#"route="/api/v1/sites/{{id}}",method="GET",status="2xx"{extra}"#),
        ))
    };
    assert_eq!(hist("count", ""), Some(7.0));
    assert_eq!(hist("bucket", r#",le="+Inf""#), Some(7.0));
    assert!(hist("sum", "").is_some_and(|s| s > 0.0));
    assert!(hist("bucket", r#",le="0.001""#).unwrap() <= hist("bucket", r#",le="10""#).unwrap());

    assert_eq!(
        m.get(r#"wfm_ingest_events_total{outcome="accepted"}"#),
        Some(2.0)
    );
    assert_eq!(
        m.get(r#"wfm_ingest_events_total{outcome="duplicate"}"#),
        Some(2.0)
    );
    assert_eq!(
        m.get(r#"wfm_ingest_rejected_total{source="native",reason="unknown_reference"}"#),
        Some(4.0),
        "{text}"
    );
    assert_eq!(
        m.get(r#"wfm_ingest_rejected_total{source="native",reason="incomplete"}"#),
        Some(2.0)
    );
    for state in ["queued", "running", "succeeded", "retrying", "dead"] {
        assert_eq!(
            m.get(&key("wfm_sync_jobs", &format!(r#"state="{state}""#))),
            Some(0.0),
            "{state}"
        );
    }
    let healthy: Vec<&String> = m
        .samples
        .keys()
        .filter(|k| k.starts_with("wfm_integration_health{"))
        .collect();
    assert_eq!(
        healthy.len(),
        18,
        "six components, three statuses each: {healthy:?}"
    );
    assert_eq!(
        m.samples
            .iter()
            .filter(|(k, v)| k.starts_with("wfm_integration_health{") && **v == 1.0)
            .count(),
        6
    );
    assert!(
        m.get("wfm_engine_publish_age_seconds")
            .is_some_and(|a| (-1.0..5.0).contains(&a))
    );
    assert!(
        m.get("wfm_engine_event_age_seconds")
            .is_some_and(|a| a >= 49.0)
    );
    let cpu = m.get("process_cpu_seconds_total").unwrap();
    assert!(cpu > 0.0);
    let rss = m.get("process_resident_memory_bytes").unwrap();
    let rss_now = kb(&proc_file("/proc/self/status"), "VmRSS") as f64;
    assert!((rss - rss_now).abs() <= rss_now * 0.1, "{rss} vs {rss_now}");
    s.stop().await;
}

/// A scripted reading: 2 CPUs counted at 100 ticks/s, so 5 s are 1,000 machine ticks.
struct Script {
    start: std::time::Instant,
    samples: Vec<wfm_pulse::capacity::Sample>,
    model: wfm_core::capacity::cost::CostModel,
    /// Where the cost model's current one-minute window began (an index into `samples`).
    learning_from: usize,
}

const HZ: f64 = 100.0;

impl Script {
    fn new() -> Self {
        let mut s = Script {
            start: std::time::Instant::now(),
            samples: Vec::new(),
            model: Default::default(),
            learning_from: 0,
        };
        s.push(0, 0, 0, 0, 0);
        s
    }

    /// One reading at (busy, total, process ticks, events, eth0 bytes received) so far.
    fn push(&mut self, busy: u64, total: u64, process: u64, events: u64, rx: u64) {
        use wfm_pulse::capacity::proc::{CpuTimes, InterfaceBytes, MachineCpu, ProcessCpu};
        let interface = |name: &str, received| InterfaceBytes {
            name: name.into(),
            received,
            sent: received / 10,
        };
        let at = self.start + wfm_pulse::capacity::SAMPLE_EVERY * self.samples.len() as u32;
        self.samples.push(wfm_pulse::capacity::Sample {
            at,
            machine: Some(MachineCpu {
                all: CpuTimes { busy, total },
                cpus: 2,
            }),
            process: Some(ProcessCpu {
                ticks: process,
                threads: 9,
            }),
            memory: None,
            rss_bytes: None,
            // Loopback moves 100 times more than eth0: it must not count.
            interfaces: vec![interface("lo", rx * 100), interface("eth0", rx)],
            probe_ms: None,
            jobs: None,
            events_accepted: events,
        });
    }

    /// `n` more 5-second steps with the machine `busy` and the process `process` ticks of
    /// every 1,000, `events` events and `rx` bytes into eth0 each; the cost model learns
    /// every minute as the sampler has it learn.
    fn run(&mut self, n: usize, busy: u64, process: u64, events: u64, rx: u64) {
        for _ in 0..n {
            let last = self.samples.last().unwrap();
            let (b, t) = (
                last.machine.unwrap().all.busy,
                last.machine.unwrap().all.total,
            );
            let (p, e) = (last.process.unwrap().ticks, last.events_accepted);
            let r = last.interfaces[1].received;
            self.push(b + busy, t + 1_000, p + process, e + events, r + rx);
            let (start, end) = (
                &self.samples[self.learning_from],
                self.samples.last().unwrap(),
            );
            if end.at.duration_since(start.at) >= wfm_pulse::capacity::LEARN_EVERY {
                self.model = wfm_pulse::capacity::learn(&self.model, start, end, HZ);
                self.learning_from = self.samples.len() - 1;
            }
        }
    }

    /// The analysis's sampled figures now (the last reading is the call's own).
    fn figures(&self) -> wfm_pulse::capacity::analysis::SampledFigures {
        let (now, ring) = self.samples.split_last().unwrap();
        wfm_pulse::capacity::analysis::sampled_figures(ring, now, HZ, &self.model, 100, |_| None)
    }
}

#[test]
fn a_busy_machine_is_not_a_reason_to_add_an_instance_unless_this_process_is_busy() {
    use wfm_core::capacity::{Status, assess};
    // The issue's 15 minutes: every 5 s the machine is busy 990 of its 1,000 ticks (99 %),
    // this process 4 (0.4 %); 50 events (10/s). 4 < 990 x 0.5: another program is busy.
    let mut quiet = Script::new();
    quiet.run(180, 990, 4, 50, 625_000);
    let f = quiet.figures();
    assert_eq!(f.measures.cpu_sustained, Some(99.0));
    assert_eq!(f.measures.process_cpu_sustained, Some(0.4));
    let r = assess::recommend(&f.measures, &assess::grade(&f.measures));
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(
        (r[0].rule, r[0].severity),
        ("cpu_other_programs", Status::Critical)
    );
    assert!(
        r[0].action
            .starts_with("another program is using the machine"),
        "{r:?}"
    );
    assert_eq!(
        r[0].reason,
        "machine CPU 99.0% over 5 min (alert above 85%), this process 0.4%"
    );
    // Headroom is this process's: one event/s at the benchmark's 78 µs costs
    // 78e-6 / 2 CPUs x 100 = 0.0039 % of the machine, so (70 - 0.4) / 0.0039 = 17,846.2
    // events/s; beside the other programs (98.6 %) nothing is left.
    let h = f.headroom;
    assert!(
        (h.events_per_second_left.unwrap() - 17_846.154).abs() < 1e-3,
        "{h:?}"
    );
    assert_eq!(h.events_per_second_left_beside_other_programs, Some(0.0));
    assert!((h.other_programs_cpu_percent.unwrap() - 98.6).abs() < 1e-9);

    // The same machine, but this process takes 900 of the 990 ticks (90 %): add an instance.
    let mut busy = Script::new();
    busy.run(180, 990, 900, 50, 625_000);
    let f = busy.figures();
    let r = assess::recommend(&f.measures, &assess::grade(&f.measures));
    assert_eq!(r[0].rule, "cpu_sustained");
    assert!(r[0].action.starts_with("add an instance"), "{r:?}");
    assert_eq!(
        r[0].reason,
        "machine CPU 99.0% over 5 min (alert above 85%), this process 90.0%"
    );
}

#[test]
fn headroom_from_the_cost_model_does_not_swing_with_the_machine() {
    // Four 5-minute phases; per 5 s (1,000 machine ticks): machine busy / process ticks /
    // events. The old headroom, (70 - machine %) / (process % / events per s), swung
    // 0 -> 9 -> 70 -> 3,500 over them:
    //   1. another program busy: 990 / 4 / 10 (2/s):   (70 - 99) -> 0
    //   2. it eases:             610 / 20 / 10 (2/s):  (70 - 61) / (2 / 2)   = 9
    //   3. quiet:                350 / 10 / 10 (2/s):  (70 - 35) / (1 / 2)   = 70
    //   4. a busy hour begins:   350 / 10 / 500 (100/s): (70 - 35) / (1 / 100) = 3,500
    // Now: 120 events a minute in phases 1-3 teach the model nothing (under 3,000), so it
    // stays at 78 µs = 78e-6 / 2 CPUs x 100 = 0.0039 % of the machine per event/s; the
    // headroom is (70 - this process's 15-min share) / 0.0039:
    //   1. share 0.4 %:                   69.6 / 0.0039 = 17,846.2
    //   2. share (0.4 + 2) / 2 = 1.2 %:   68.8 / 0.0039 = 17,641.0
    //   3. share (0.4 + 2 + 1) / 3:       68.867 / 0.0039 = 17,658.1
    // Phase 4's minutes have 6,000 events for 120 ticks (1.2 s): 200 µs each (the fixed
    // work counted too). Five minutes at tau = 1 h move the model 1 - e^(-5/60) = 8.0 % of
    // the way: 78 + 0.07996 x 122 = 87.755 µs = 0.0043877 %; the share over phases 2-4 is
    // (2 + 1 + 1) / 3 = 1.333 %:
    //   4. 68.667 / 0.0043877 = 15,649.7
    // Largest over smallest: 17,846.2 / 15,649.7 = 1.14, not an order of magnitude.
    let mut s = Script::new();
    let mut left = Vec::new();
    for (busy, process, events) in [(990, 4, 10), (610, 20, 10), (350, 10, 10), (350, 10, 500)] {
        s.run(60, busy, process, events, 0);
        let h = s.figures().headroom;
        assert_eq!(h.cost_method, "model");
        left.push(h.events_per_second_left.unwrap());
    }
    let expected = [17_846.154, 17_641.026, 17_658.120, 15_649.705];
    for (l, e) in left.iter().zip(expected) {
        assert!((l - e).abs() < 1e-2, "{left:?} against {expected:?}");
    }
    assert_eq!(s.model.windows_learned, 5);
    assert!(
        (s.model.cpu_seconds_per_event - 87.7546e-6).abs() < 1e-9,
        "{:?}",
        s.model
    );
    let (lo, hi) = left
        .iter()
        .fold((f64::MAX, 0.0_f64), |(lo, hi), l| (lo.min(*l), hi.max(*l)));
    assert!(hi / lo < 1.2, "{left:?}");
}

#[test]
fn network_is_summed_over_interfaces_but_loopback_and_graded() {
    use wfm_core::capacity::{Status, assess};
    // eth0 receives 625,000 B every 5 s = 125,000 B/s = 1 Mbit/s (sends a tenth); loopback
    // moves 100 times as much and is left out. No link reports a speed, so 1 Gbit/s is
    // assumed: 1 / 1,000 = 0.1 %, graded ok (not unknown).
    let mut s = Script::new();
    s.run(12, 100, 10, 50, 625_000);
    let f = s.figures();
    let total = &f.network.windows[0];
    assert_eq!(total.received_bytes_per_second, Some(125_000.0));
    assert_eq!(total.sent_bytes_per_second, Some(12_500.0));
    assert_eq!(total.interfaces, 1);
    assert_eq!(
        (f.network.capacity_mbps, f.network.capacity_source),
        (1_000, "assumed")
    );
    assert!((total.utilization_percent.unwrap() - 0.1).abs() < 1e-12);
    assert_eq!(assess::grade(&f.measures).network, Status::Ok);
    // Where eth0 reports 10 Mbit/s, that is the capacity: 1 / 10 = 10 %.
    let (now, ring) = s.samples.split_last().unwrap();
    let f = wfm_pulse::capacity::analysis::sampled_figures(ring, now, HZ, &s.model, 1, |i| {
        (i == "eth0").then_some(10)
    });
    assert_eq!(
        (f.network.capacity_mbps, f.network.capacity_source),
        (10, "link_speed")
    );
    assert!((f.measures.network_average.unwrap() - 10.0).abs() < 1e-9);
    // Nothing readable (another OS): no rates, unknown.
    let mut blind = Script::new();
    blind.run(2, 100, 10, 50, 0);
    for x in &mut blind.samples {
        x.interfaces.clear();
    }
    let f = blind.figures();
    assert_eq!(f.network.windows[0].received_bytes_per_second, None);
    assert_eq!(assess::grade(&f.measures).network, Status::Unknown);
}
