//! Simulators that ship in the binary, because integrators need them as much as tests do:
//! the contact-center feed (`sim contact-center`) and the live demo (`demo`). Both talk to
//! wfm-pulse over its public HTTP API.

pub mod client;
pub mod demo;
pub mod platform;
pub mod queue_log;
pub mod zup;

pub use demo::run_demo;

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use wfm_core::interval::IntervalGrid;
use wfm_core::plan::{ForecastInterval, Segment};
use wfm_sim::{Behaviour, FeedEvent, Scenario, SimAgent, SimGroup, Simulator};

use client::Api;

/// What the feed has sent so far.
#[derive(Debug, Default, Clone, Copy)]
pub struct FeedStats {
    pub sent: u64,
    pub accepted: u64,
    pub rejected: u64,
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn parse<T: serde::de::DeserializeOwned>(v: Value, what: &str) -> Result<T, String> {
    serde_json::from_value(v).map_err(|e| format!("unexpected {what} from the server: {e}"))
}

/// Reads groups, agents and the plan of the day around `now` from the server.
pub async fn scenario(
    api: &Api,
    grid: &IntervalGrid,
    now: DateTime<Utc>,
    seed: u64,
) -> Result<Scenario, String> {
    let day = grid.local_date(now);
    let (from, to) = (
        grid.day_start(day),
        grid.day_start(day.succ_opt().unwrap_or(day)),
    );
    let range = format!("from={}&to={}", stamp(from), stamp(to));
    let groups = api.get("/api/v1/groups").await?;
    let agents = api.get("/api/v1/agents").await?;
    let forecast: Vec<ForecastInterval> = parse(
        api.get(&format!("/api/v1/plan/forecast?{range}")).await?,
        "forecast",
    )?;
    let timetable: Vec<Segment> = parse(
        api.get(&format!("/api/v1/plan/timetable?{range}")).await?,
        "timetable",
    )?;
    let groups = groups
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| {
            let id = g["id"].as_i64()?;
            let code = g["external_id"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| id.to_string());
            Some(SimGroup { id, code })
        })
        .collect();
    let agents = agents
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["active"] != false)
        .filter_map(|a| {
            let mut skills: Vec<(i64, i64)> = a["skills"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| Some((s["priority"].as_i64()?, s["group_id"].as_i64()?)))
                .collect();
            skills.sort();
            Some(SimAgent {
                id: a["id"].as_i64()?,
                login: a["external_id"].as_str()?.to_string(),
                skills: skills.into_iter().map(|(_, g)| g).collect(),
            })
        })
        .collect();
    Ok(Scenario {
        groups,
        agents,
        forecast,
        timetable,
        behaviour: Behaviour::default(),
        seed,
        start: now,
    })
}

/// Where the simulated center's events go.
pub enum Sink<'a> {
    /// wfm-pulse's event API.
    Api(&'a Api),
    /// An Asterisk queue_log, appended to (a follower takes it from there).
    QueueLog {
        file: std::fs::File,
        writer: queue_log::QueueLogWriter,
    },
}

impl Sink<'_> {
    /// Appends to the queue_log at `path`, creating it if need be.
    pub fn queue_log(path: &std::path::Path) -> Result<Sink<'static>, String> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        Ok(Sink::QueueLog {
            file,
            writer: queue_log::QueueLogWriter::default(),
        })
    }
}

/// Feeds the simulated contact center's events to `sink` in real time, a batch a second,
/// until `stop` completes; then closes the center (see [`Simulator::close`]) so that the
/// server is left with no call open and nobody on line.
pub async fn feed(
    sink: &mut Sink<'_>,
    mut sim: Simulator,
    stop: impl Future<Output = ()>,
) -> Result<FeedStats, String> {
    let run = run_tag(Utc::now());
    let mut stats = FeedStats::default();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tokio::pin!(stop);
    let mut last_report = tokio::time::Instant::now();
    loop {
        let closing = tokio::select! {
            _ = tick.tick() => false,
            _ = &mut stop => true,
        };
        let mut events = if closing {
            sim.close(Utc::now())
        } else {
            sim.advance(Utc::now())
        };
        tag_run(&mut events, &run);
        if !events.is_empty() {
            deliver(sink, &events, &mut stats).await?;
        }
        if closing {
            return Ok(stats);
        }
        if last_report.elapsed() >= Duration::from_secs(10) {
            tracing::info!(
                sent = stats.sent,
                accepted = stats.accepted,
                rejected = stats.rejected,
                "feed"
            );
            last_report = tokio::time::Instant::now();
        }
    }
}

async fn deliver(
    sink: &mut Sink<'_>,
    events: &[FeedEvent],
    stats: &mut FeedStats,
) -> Result<(), String> {
    match sink {
        Sink::Api(api) => send(api, events, stats).await,
        Sink::QueueLog { file, writer } => {
            use std::io::Write;
            let text: String = events.iter().map(|e| writer.lines(e)).collect();
            file.write_all(text.as_bytes())
                .map_err(|e| format!("cannot write the queue_log: {e}"))?;
            stats.sent += events.len() as u64;
            stats.accepted += events.len() as u64;
            Ok(())
        }
    }
}

async fn send(api: &Api, events: &[FeedEvent], stats: &mut FeedStats) -> Result<(), String> {
    stats.sent += events.len() as u64;
    let body = serde_json::to_value(events).map_err(|e| e.to_string())?;
    match api.post("/api/v1/events", body).await {
        Ok(report) => {
            stats.accepted += report["accepted"].as_u64().unwrap_or(0);
            stats.rejected += report["rejected"].as_u64().unwrap_or(0);
            if let Some(first) = report["rejections"].get(0) {
                tracing::warn!(rejection = %first, "the server rejected simulated events");
            }
        }
        Err(e) => tracing::warn!(error = %e, "events not delivered"),
    }
    Ok(())
}

/// The suffix that makes a feed's ids its own: the instant the feed started, in ms.
fn run_tag(start: DateTime<Utc>) -> String {
    format!(".r{:x}", start.timestamp_millis())
}

/// Appends the run's tag to every event and call id. The simulator's ids follow from its
/// seed alone, so a second run on the same day would repeat the first one's, and the server
/// would drop its events as duplicates (ingest is idempotent by event id).
fn tag_run(events: &mut [FeedEvent], run: &str) {
    for e in events {
        match e {
            FeedEvent::CallOffered { id, call_id, .. }
            | FeedEvent::CallAnswered { id, call_id, .. }
            | FeedEvent::CallAbandoned { id, call_id, .. }
            | FeedEvent::CallEnded { id, call_id, .. }
            | FeedEvent::WrapUpEnded { id, call_id, .. } => {
                id.push_str(run);
                call_id.push_str(run);
            }
            FeedEvent::AgentState { id, .. } | FeedEvent::GroupLoad { id, .. } => id.push_str(run),
        }
    }
}

/// The grid of the first site the server knows (the simulator runs one site's day).
pub async fn first_site_grid(api: &Api) -> Result<IntervalGrid, String> {
    let sites = api.get("/api/v1/sites").await?;
    let site = sites
        .get(0)
        .ok_or("the server has no site yet: set one up first")?;
    let tz = IntervalGrid::parse_tz(site["time_zone"].as_str().unwrap_or("UTC"))
        .map_err(|e| e.to_string())?;
    IntervalGrid::new(tz, site["interval_minutes"].as_u64().unwrap_or(15) as u32)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::collections::BTreeSet;
    use wfm_core::plan::{Activity, Segment};

    fn morning() -> Scenario {
        let start = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let hour = chrono::Duration::hours(1);
        Scenario {
            groups: vec![SimGroup {
                id: 1,
                code: "SALES".into(),
            }],
            agents: (1..=3)
                .map(|id| SimAgent {
                    id,
                    login: format!("op{id}"),
                    skills: vec![1],
                })
                .collect(),
            forecast: vec![ForecastInterval {
                group_id: 1,
                start,
                end: start + hour,
                calls: 120.0,
                aht_seconds: 60.0,
                acd_percent: 90.0,
                operators: None,
            }],
            timetable: (1..=3)
                .map(|agent_id| Segment {
                    agent_id,
                    start,
                    end: start + hour,
                    activity: Activity::Line(1),
                })
                .collect(),
            behaviour: Behaviour::default(),
            seed: 1,
            start,
        }
    }

    #[test]
    fn two_runs_of_one_seed_share_no_id_and_keep_each_call_whole() {
        let run = |tag: &str| {
            let scenario = morning();
            let until = scenario.start + chrono::Duration::minutes(10);
            let mut events = Simulator::new(scenario).advance(until);
            tag_run(&mut events, tag);
            events
        };
        let (first, second) = (run(&run_tag(Utc::now())), run(".r2"));
        assert!(first.len() > 20, "{}", first.len());
        let ids = |events: &[FeedEvent]| -> BTreeSet<String> {
            events.iter().map(|e| e.id().to_string()).collect()
        };
        assert_eq!(ids(&first).len(), first.len(), "unique within a run");
        assert!(ids(&first).is_disjoint(&ids(&second)), "and across runs");
        let calls = |events: &[FeedEvent]| -> BTreeSet<String> {
            events
                .iter()
                .filter_map(|e| e.call_id())
                .map(str::to_string)
                .collect()
        };
        assert!(calls(&first).is_disjoint(&calls(&second)));
        // Every event of a call names the call its offer named.
        let offered: BTreeSet<String> = first
            .iter()
            .filter(|e| matches!(e, FeedEvent::CallOffered { .. }))
            .filter_map(|e| e.call_id())
            .map(str::to_string)
            .collect();
        assert_eq!(calls(&first), offered);
    }
}
