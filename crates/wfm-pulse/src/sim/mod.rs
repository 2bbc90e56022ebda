//! Simulators that ship in the binary, because integrators need them as much as tests do:
//! the contact-center feed (`sim contact-center`) and the live demo (`demo`). Both talk to
//! wfm-pulse over its public HTTP API.

pub mod client;
pub mod demo;
pub mod zup;

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use wfm_core::interval::IntervalGrid;
use wfm_core::plan::{ForecastInterval, Segment};
use wfm_sim::{Behaviour, Scenario, SimAgent, SimGroup, Simulator};

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

/// Feeds the simulated contact center's events to the server in real time, a batch a
/// second, until `stop` completes.
pub async fn feed(
    api: &Api,
    mut sim: Simulator,
    stop: impl Future<Output = ()>,
) -> Result<FeedStats, String> {
    let mut stats = FeedStats::default();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tokio::pin!(stop);
    let mut last_report = tokio::time::Instant::now();
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = &mut stop => return Ok(stats),
        }
        let events = sim.advance(Utc::now());
        if events.is_empty() {
            continue;
        }
        stats.sent += events.len() as u64;
        let body = serde_json::to_value(&events).map_err(|e| e.to_string())?;
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

/// `wfm-pulse demo`: the server with the demo contact center and the simulated feed, until
/// Ctrl-C or SIGTERM.
/// Starts the 1C ZUP simulator where a first start's registry looks for 1C ZUP, so the
/// integration side of the demo works too; its base URL, or None when the port is taken.
async fn start_zup_simulator(mut stopped: tokio::sync::watch::Receiver<bool>) -> Option<String> {
    let sim = zup::ZupSim::new(zup::ZupSimConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8090").await.ok()?;
    let url = format!("http://127.0.0.1:8090{}", sim.base_path());
    tokio::spawn(sim.serve(listener, async move {
        let _ = stopped.changed().await;
    }));
    Some(url)
}

pub async fn run_demo(
    config: std::sync::Arc<crate::config::Config>,
    seed: u64,
) -> Result<(), String> {
    let state = crate::server::prepare(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let server = {
        let mut stopped = stopped.clone();
        tokio::spawn(crate::http::serve(listener, state.clone(), async move {
            let _ = stopped.changed().await;
        }))
    };
    let zup = start_zup_simulator(stopped.clone()).await;
    let base = format!("http://{}", config.bind);
    let token =
        crate::cli::local_token(&config, "demo", wfm_store::model::Role::Admin, 7 * 86_400)?;
    // Ingest takes the integration role only: the feed has a token of its own.
    let feed_api = Api::new(
        &base,
        crate::cli::local_token(
            &config,
            "demo-feed",
            wfm_store::model::Role::Integration,
            7 * 86_400,
        )?,
    );
    let api = Api::new(&base, token.clone());
    let grid = IntervalGrid::new(chrono_tz::Europe::Moscow, 15).map_err(|e| e.to_string())?;
    let now = Utc::now();
    demo::set_up(&api, &grid, grid.local_date(now)).await?;
    let scenario = scenario(&api, &grid, now, seed).await?;
    println!(
        "wfm-pulse demo on {base}: {} groups, {} operators, live traffic",
        scenario.groups.len(),
        scenario.agents.len()
    );
    println!(
        "  curl -s -H \"Authorization: Bearer $TOKEN\" {base}/api/v1/performance/metrics/realtime"
    );
    match &zup {
        Some(url) => println!(
            "  1C ZUP simulator on {url}: POST {base}/api/v1/integration/sync/trigger {{\"kind\": \"personnel_sync\"}}"
        ),
        None => println!(
            "  (127.0.0.1:8090 is taken: no 1C ZUP simulator; integration health shows 1C ZUP down)"
        ),
    }
    println!("  (Ctrl-C stops; the token below is an admin's, valid 7 days)");
    println!("TOKEN={token}");
    let mut stopped_feed = stopped.clone();
    let feed_stop = async move {
        tokio::select! {
            _ = crate::server::shutdown_signal() => {}
            _ = stopped_feed.changed() => {}
        }
    };
    let stats = feed(&feed_api, Simulator::new(scenario), feed_stop).await;
    let _ = stop.send(true);
    let _ = server.await;
    state.store.close().await;
    let stats = stats?;
    println!(
        "demo stopped after {} events ({} accepted)",
        stats.sent, stats.accepted
    );
    Ok(())
}
