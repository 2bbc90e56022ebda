//! Load script for a running wfm-pulse (start it with high rate limits, release build):
//!
//!   WFM_RATE_LIMIT_WRITE=100000 WFM_RATE_LIMIT_INGEST=100000 WFM_RATE_LIMIT_READ=1000000 \
//!     cargo run --release -- serve
//!   cargo run --release --example load -- URL TOKEN setup [GROUPS AGENTS]
//!   cargo run --release --example load -- URL TOKEN ingest [EVENTS BATCH CONNECTIONS]
//!   cargo run --release --example load -- URL TOKEN calls [CALLS BATCH CONNECTIONS]
//!   cargo run --release --example load -- URL TOKEN latency [PROBES GAP_MS]
//!   cargo run --release --example load -- URL TOKEN alerts [COUNT]
//!
//! Defaults: 100 groups and 5,000 operators; ingest 200,000 events in batches of 1,000 over
//! 4 connections; calls 500,000 in batches of 250 over 2 connections; latency 200 probes
//! back to back; alerts 1,000. `--groups N` and `--agents N` (anywhere after the step) set
//! the site's size for every step: the events name groups `G0..` and operators `A0..` as
//! `setup` made them, so give the same figures to each step. `--rate N` paces `ingest` at
//! N events a second in all (default: as fast as the server answers).
//!
//! Events go with the token in `WFM_FEED_TOKEN` (ingest takes the integration role only:
//! `WFM_FEED_TOKEN=$(cargo run -q -- token --role integration | tail -n 1)`), everything else with TOKEN
//! (an admin's).
//!
//! `setup` makes a site with GROUPS groups and AGENTS operators planned on line all day;
//! `ingest` posts EVENTS call events stamped now (calls offered and abandoned) in batches
//! of BATCH over CONNECTIONS connections; `calls` posts CALLS whole calls (offered,
//! answered, ended, wrapped up: four events each, the call lasting 25 s) from the day's
//! start. Both report the events the
//! server accepted per second (its answer says how many), and what it did not accept
//! (duplicates, rejections, failed requests). The server rejects an event stamped more than
//! 30 s before the newest it has applied, so `calls` sends one ordered stream: in rounds, a
//! batch per connection, the next round when the round is answered; with one connection
//! the calls spread evenly over the day so far, with several they come closer together
//! where needed so that a round's calls lie within 4 s (with the 25 s calls, inside the
//! 30 s). `latency` measures event-to-snapshot latency: one call offered to the last group
//! `G{GROUPS-1}`, from the POST's acknowledgement (and from its start) until the realtime
//! endpoint counts it; under load, run `ingest --groups GROUPS-1 --rate N` beside it, which
//! leaves that group alone. `alerts` waits until COUNT alerts are open and reports
//! how long that took (run it as a storm of alerts begins).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DurationRound, TimeDelta, Utc};
use serde_json::{Value, json};
use wfm_pulse::sim::client::Api;

#[tokio::main]
async fn main() -> Result<(), String> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let site = Site {
        groups: take_option(&mut args, "--groups", 100)?,
        agents: take_option(&mut args, "--agents", 5000)?,
    };
    let rate = take_option(&mut args, "--rate", 0)?;
    let arg = |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (Some(url), Some(token), Some(what)) = (args.first(), args.get(1), args.get(2)) else {
        return Err("usage: load URL TOKEN setup|ingest|latency ...".into());
    };
    let api = Api::new(url, token.clone());
    let feed_token = std::env::var("WFM_FEED_TOKEN").unwrap_or_else(|_| token.clone());
    let feed = Api::new(url, feed_token.clone());
    match what.as_str() {
        "setup" => setup(&api, arg(3, site.groups), arg(4, site.agents)).await,
        "ingest" => {
            let (events, size, connections) = (arg(3, 200_000), arg(4, 1000), arg(5, 4));
            let load = Ingest {
                events,
                size,
                connections,
                rate,
            };
            ingest(url, &feed_token, site, load).await
        }
        "calls" => calls(&feed, site, arg(3, 500_000), arg(4, 250), arg(5, 2)).await,
        "latency" => latency(&api, &feed, site, arg(3, 200), arg(4, 0)).await,
        "alerts" => open_alerts(&api, arg(3, 1000)).await,
        other => Err(format!("unknown step {other}")),
    }
}

/// The size of the site the events refer to: groups `G0..`, operators `A0..`.
#[derive(Debug, Clone, Copy)]
struct Site {
    groups: u64,
    agents: u64,
}

/// Removes `--name N` from the arguments and returns N (or the default).
fn take_option(args: &mut Vec<String>, name: &str, default: u64) -> Result<u64, String> {
    let Some(i) = args.iter().position(|a| a == name) else {
        return Ok(default);
    };
    let value = args.get(i + 1).and_then(|v| v.parse().ok());
    let value = value
        .filter(|&v| v > 0)
        .ok_or(format!("{name} takes a positive number"))?;
    args.drain(i..i + 2);
    Ok(value)
}

/// What the server made of the events posted: its ingest answers, summed.
#[derive(Debug, Default, Clone, Copy)]
struct Outcome {
    accepted: u64,
    duplicate: u64,
    rejected: u64,
    /// Requests answered with an error (nothing in them counted).
    failed: u64,
}

impl Outcome {
    fn add(&mut self, report: &Value) {
        let n = |k: &str| report[k].as_u64().unwrap_or(0);
        self.accepted += n("accepted");
        self.duplicate += n("duplicate");
        self.rejected += n("rejected");
    }

    fn merge(&mut self, o: Outcome) {
        self.accepted += o.accepted;
        self.duplicate += o.duplicate;
        self.rejected += o.rejected;
        self.failed += o.failed;
    }

    /// `N events accepted in S s: R events/s (not accepted: ...)`.
    fn line(&self, secs: f64) -> String {
        format!(
            "{} events accepted in {secs:.2} s: {:.0} events/s (not accepted: {} duplicate, {} rejected, {} failed requests)",
            self.accepted,
            self.accepted as f64 / secs,
            self.duplicate,
            self.rejected,
            self.failed
        )
    }
}

async fn open_alerts(api: &Api, count: u64) -> Result<(), String> {
    let started = Instant::now();
    loop {
        let mut open = 0u64;
        let mut cursor = String::new();
        loop {
            let page = api
                .get(&format!("/api/v1/alerts?open=true&limit=1000{cursor}"))
                .await?;
            open += page["items"].as_array().map_or(0, |a| a.len() as u64);
            match page["next_cursor"].as_i64() {
                Some(c) => cursor = format!("&cursor={c}"),
                None => break,
            }
        }
        if open >= count {
            println!(
                "{open} alerts open {:.2} s after the start",
                started.elapsed().as_secs_f64()
            );
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(600) {
            return Err(format!("only {open} alerts open after 10 minutes"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn setup(api: &Api, groups: u64, agents: u64) -> Result<(), String> {
    let site = api
        .post("/api/v1/sites", json!({"name": "Load", "time_zone": "UTC"}))
        .await?;
    let service = api
        .post(
            "/api/v1/services",
            json!({"site_id": site["id"], "name": "Load"}),
        )
        .await?;
    let mut ids = Vec::new();
    for g in 0..groups {
        let group = api
            .post("/api/v1/groups", json!({"service_id": service["id"], "name": format!("G{g}"), "external_id": format!("G{g}")}))
            .await?;
        ids.push(group["id"].clone());
    }
    let day = Utc::now()
        .duration_trunc(TimeDelta::days(1))
        .map_err(|e| e.to_string())?;
    let mut segments = Vec::new();
    for a in 0..agents {
        let g = &ids[(a % groups) as usize];
        let agent = api
            .post(
                "/api/v1/agents",
                json!({"external_id": format!("A{a}"), "full_name": "Load", "site_id": site["id"],
                                           "primary_group_id": g, "skills": [{"group_id": g}]}),
            )
            .await?;
        segments.push(
            json!({"agent_id": agent["id"], "start": day, "end": day + TimeDelta::days(1),
                             "activity": "line", "group_id": g}),
        );
    }
    api.put("/api/v1/plan/timetable", json!({"segments": segments}))
        .await?;
    println!("set up {groups} groups and {agents} operators");
    Ok(())
}

/// `size` events stamped now: calls offered and, as the next event, abandoned, so that the
/// queue does not grow without end (a day with every call still waiting makes every
/// snapshot read them all).
fn batch(start: u64, size: u64, groups: u64) -> Value {
    let now = Utc::now();
    let events: Vec<Value> = (start..start + size)
        .map(|n| {
            let call = format!("load-{}", n - n % 2);
            if n % 2 == 0 {
                json!({"type": "call_offered", "id": format!("load-{n}"), "at": now,
                       "call_id": call, "group": format!("G{}", n / 2 % groups)})
            } else {
                json!({"type": "call_abandoned", "id": format!("load-{n}"), "at": now, "call_id": call})
            }
        })
        .collect();
    Value::Array(events)
}

/// What `ingest` posts: `events` in batches of `size` over `connections`, at `rate` events
/// a second in all (0: as fast as the server answers).
struct Ingest {
    events: u64,
    size: u64,
    connections: u64,
    rate: u64,
}

/// Posts prepared batches (serialized before the clock starts, so the figure is the
/// server's, not the client's JSON encoder's).
async fn ingest(url: &str, token: &str, site: Site, load: Ingest) -> Result<(), String> {
    let Ingest {
        events,
        size,
        connections,
        rate,
    } = load;
    // Each connection posts a batch every `period` (none: back to back).
    let period =
        (rate > 0).then(|| Duration::from_secs_f64((size * connections) as f64 / rate as f64));
    let run = Utc::now().timestamp_millis() as u64 * 1000;
    let per = events / connections;
    let bodies: Vec<Vec<Vec<u8>>> = (0..connections)
        .map(|c| {
            (0..per)
                .step_by(size as usize)
                .map(|n| {
                    let events = batch(run + c * per + n, size.min(per - n), site.groups);
                    serde_json::to_vec(&events).unwrap_or_default()
                })
                .collect()
        })
        .collect();
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for batches in bodies {
        let (client, url, token) = (client.clone(), url.to_string(), token.to_string());
        tasks.push(tokio::spawn(async move {
            let mut outcome = Outcome::default();
            for (k, body) in batches.into_iter().enumerate() {
                if let Some(period) = period {
                    tokio::time::sleep_until((started + period * k as u32).into()).await;
                }
                let r = client
                    .post(format!("{url}/api/v1/events"))
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if !r.status().is_success() {
                    outcome.failed += 1;
                    continue;
                }
                outcome.add(&r.json().await.map_err(|e| e.to_string())?);
            }
            Ok::<Outcome, String>(outcome)
        }));
    }
    let mut outcome = Outcome::default();
    for t in tasks {
        outcome.merge(t.await.map_err(|e| e.to_string())??);
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} (batches of {size}, {connections} connections)",
        outcome.line(secs)
    );
    Ok(())
}

/// Whole calls, `size` per batch, from the day's start: one ordered stream posted in rounds
/// of one batch per connection (see the header for how close together they come).
async fn calls(
    api: &Api,
    site: Site,
    calls: u64,
    size: u64,
    connections: u64,
) -> Result<(), String> {
    let now = Utc::now();
    let day = now
        .duration_trunc(TimeDelta::days(1))
        .map_err(|e| e.to_string())?;
    let span_ms = ((now - day).num_milliseconds() - 120_000).max(1) as u64;
    // A round's calls within 4 s of each other when rounds run concurrently.
    let round_calls = connections * size;
    let mut step_us = span_ms * 1000 / calls.max(1);
    if connections > 1 {
        step_us = step_us.min(4_000_000 / round_calls);
    }
    println!(
        "calls {:.1} s apart, from {} to {}",
        step_us as f64 / 1e6,
        day.format("%H:%M"),
        (day + TimeDelta::microseconds((calls * step_us) as i64)).format("%H:%M")
    );
    let run = now.timestamp_millis() as u64;
    let barrier = Arc::new(tokio::sync::Barrier::new(connections as usize));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..connections {
        let (api, barrier) = (api.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            let mut outcome = Outcome::default();
            for round in 0..calls.div_ceil(round_calls) {
                let first = round * round_calls + c * size;
                let mut events = Vec::new();
                for k in first..(first + size).min(calls) {
                    let at = day + TimeDelta::microseconds((k * step_us) as i64);
                    let (id, g, a) = (
                        format!("{run}-{k}"),
                        format!("G{}", k % site.groups),
                        format!("A{}", k % site.agents),
                    );
                    events.push(json!({"type": "call_offered", "id": format!("{id}-o"), "at": at, "call_id": id, "group": g}));
                    events.push(json!({"type": "call_answered", "id": format!("{id}-a"), "at": at + TimeDelta::seconds(2), "call_id": id, "agent": a}));
                    events.push(json!({"type": "call_ended", "id": format!("{id}-e"), "at": at + TimeDelta::seconds(20), "call_id": id, "talk_seconds": 15, "hold_seconds": 3}));
                    events.push(json!({"type": "wrap_up_ended", "id": format!("{id}-w"), "at": at + TimeDelta::seconds(25), "call_id": id}));
                }
                if !events.is_empty() {
                    match api.post("/api/v1/events", Value::Array(events)).await {
                        Ok(report) => outcome.add(&report),
                        Err(_) => outcome.failed += 1,
                    }
                }
                // Every connection takes part in every round, so none waits for ever.
                barrier.wait().await;
            }
            Ok::<Outcome, String>(outcome)
        }));
    }
    let mut outcome = Outcome::default();
    for t in tasks {
        outcome.merge(t.await.map_err(|e| e.to_string())??);
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} ({calls} calls, {} events posted, batches of {size} calls, {connections} connections)",
        outcome.line(secs),
        calls * 4
    );
    Ok(())
}

/// The calls offered today and waiting now in group `id`.
async fn offered(api: &Api, id: i64) -> Result<u64, String> {
    let rt = api
        .get(&format!("/api/v1/performance/metrics/realtime?groups={id}"))
        .await?;
    let group = &rt["groups"][0];
    Ok(group["offered_today"].as_u64().unwrap_or(0) + group["queue_now"].as_u64().unwrap_or(0))
}

/// Each probe is one call offered to the last group (`G{GROUPS-1}`), timed from its POST's
/// acknowledgement until the realtime endpoint counts it (and from the POST's start).
async fn latency(
    api: &Api,
    feed: &Api,
    site: Site,
    probes: u64,
    gap_ms: u64,
) -> Result<(), String> {
    let code = format!("G{}", site.groups.saturating_sub(1));
    let rt = api.get("/api/v1/performance/metrics/realtime").await?;
    let id = rt["groups"]
        .as_array()
        .and_then(|gs| gs.iter().find(|g| g["name"] == code.as_str()))
        .and_then(|g| g["group_id"].as_i64())
        .ok_or(format!("no group {code} (run setup with as many groups)"))?;
    let run = Utc::now().timestamp_millis();
    let (mut samples, mut round_trips) = (Vec::new(), Vec::new());
    for p in 0..probes {
        tokio::time::sleep(Duration::from_millis(gap_ms)).await;
        let before = offered(api, id).await?;
        let sent = Instant::now();
        let call = format!("probe-{run}-{p}");
        feed.post(
            "/api/v1/events",
            json!([{"type": "call_offered", "id": call, "at": Utc::now(), "call_id": call, "group": code}]),
        )
        .await?;
        let acked = Instant::now();
        loop {
            if offered(api, id).await? > before {
                break;
            }
            if sent.elapsed() > Duration::from_secs(5) {
                return Err("an event did not reach the snapshot within 5 s".into());
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        round_trips.push(sent.elapsed().as_secs_f64() * 1000.0);
        samples.push(acked.elapsed().as_secs_f64() * 1000.0);
    }
    for (what, mut t) in [
        ("ack-to-snapshot", samples),
        ("post-to-snapshot", round_trips),
    ] {
        t.sort_by(f64::total_cmp);
        let pct = |q: f64| t[((t.len() - 1) as f64 * q).round() as usize];
        println!(
            "{what} latency over {probes} probes: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            pct(0.5),
            pct(0.99),
            pct(1.0)
        );
    }
    Ok(())
}
