//! Load script for a running wfm-pulse (start it with high rate limits, release build):
//!
//!   WFM_RATE_LIMIT_WRITE=100000 WFM_RATE_LIMIT_INGEST=100000 WFM_RATE_LIMIT_READ=1000000 \
//!     cargo run --release -- serve
//!   cargo run --release --example load -- URL TOKEN setup 100 5000
//!   cargo run --release --example load -- URL TOKEN ingest 200000 1000 4
//!   cargo run --release --example load -- URL TOKEN calls 500000 250 2
//!   cargo run --release --example load -- URL TOKEN latency 200 [GAP_MS]
//!   cargo run --release --example load -- URL TOKEN alerts 1000
//!
//! Events go with the token in `WFM_FEED_TOKEN` (ingest takes the integration role only:
//! `WFM_FEED_TOKEN=$(cargo run -q -- token --role integration | tail -n 1)`), everything else with TOKEN
//! (an admin's).
//!
//! `setup` makes a site with GROUPS groups and AGENTS operators planned on line all day;
//! `ingest` posts EVENTS call events in batches of BATCH over CONNECTIONS connections and
//! reports accepted events per second; `calls` posts CALLS whole calls (offered, answered,
//! ended, wrapped up: four events each) spread over the day so far, as a day of traffic
//! would leave them (each call lasts 25 s, inside the 30 s re-ordering tolerance, so that a
//! batch never lands behind the previous one); `latency` measures event-to-snapshot latency: from
//! posting one call to the realtime endpoint counting it; `alerts` waits until COUNT alerts
//! are open and reports how long that took (run it as a storm of alerts begins).

use std::time::{Duration, Instant};

use chrono::{DurationRound, TimeDelta, Utc};
use serde_json::{Value, json};
use wfm_pulse::sim::client::Api;

#[tokio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (Some(url), Some(token), Some(what)) = (args.first(), args.get(1), args.get(2)) else {
        return Err("usage: load URL TOKEN setup|ingest|latency ...".into());
    };
    let api = Api::new(url, token.clone());
    let feed_token = std::env::var("WFM_FEED_TOKEN").unwrap_or_else(|_| token.clone());
    let feed = Api::new(url, feed_token.clone());
    match what.as_str() {
        "setup" => setup(&api, arg(3, 100), arg(4, 5000)).await,
        "ingest" => ingest(url, &feed_token, arg(3, 200_000), arg(4, 1000), arg(5, 4)).await,
        "calls" => calls(&feed, arg(3, 500_000), arg(4, 250), arg(5, 2)).await,
        "latency" => latency(&api, &feed, arg(3, 200), arg(4, 0)).await,
        "alerts" => open_alerts(&api, arg(3, 1000)).await,
        other => Err(format!("unknown step {other}")),
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

fn batch(start: u64, size: u64, groups: u64) -> Value {
    let now = Utc::now();
    let events: Vec<Value> = (start..start + size)
        .map(|n| {
            json!({"type": "call_offered", "id": format!("load-{n}"), "at": now,
                   "call_id": format!("load-{n}"), "group": format!("G{}", n % groups)})
        })
        .collect();
    Value::Array(events)
}

/// Posts prepared batches (serialized before the clock starts, so the figure is the
/// server's, not the client's JSON encoder's).
async fn ingest(
    url: &str,
    token: &str,
    events: u64,
    size: u64,
    connections: u64,
) -> Result<(), String> {
    let run = Utc::now().timestamp_millis() as u64 * 1000;
    let per = events / connections;
    let bodies: Vec<Vec<Vec<u8>>> = (0..connections)
        .map(|c| {
            (0..per)
                .step_by(size as usize)
                .map(|n| {
                    serde_json::to_vec(&batch(run + c * per + n, size, 100)).unwrap_or_default()
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
            let mut accepted = 0;
            for body in batches {
                let r = client
                    .post(format!("{url}/api/v1/events"))
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let report: Value = r.json().await.map_err(|e| e.to_string())?;
                accepted += report["accepted"].as_u64().unwrap_or(0);
            }
            Ok::<u64, String>(accepted)
        }));
    }
    let mut accepted = 0;
    for t in tasks {
        accepted += t.await.map_err(|e| e.to_string())??;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{accepted} events accepted in {secs:.2} s: {:.0} events/s (batches of {size}, {connections} connections)",
        accepted as f64 / secs
    );
    Ok(())
}

/// Whole calls, `size` per batch, spread evenly from the day's start to now.
async fn calls(api: &Api, calls: u64, size: u64, connections: u64) -> Result<(), String> {
    let now = Utc::now();
    let day = now
        .duration_trunc(TimeDelta::days(1))
        .map_err(|e| e.to_string())?;
    let span_ms = ((now - day).num_milliseconds() - 120_000).max(1) as u64;
    let run = now.timestamp_millis() as u64;
    let started = Instant::now();
    let per = calls / connections;
    let mut tasks = Vec::new();
    for c in 0..connections {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            let mut accepted = 0;
            let mut n = c * per;
            while n < (c + 1) * per {
                let mut events = Vec::new();
                for k in n..(n + size).min((c + 1) * per) {
                    let at = day + TimeDelta::milliseconds((k * span_ms / calls) as i64);
                    let (id, g, a) = (format!("{run}-{k}"), format!("G{}", k % 100), format!("A{}", k % 5000));
                    events.push(json!({"type": "call_offered", "id": format!("{id}-o"), "at": at, "call_id": id, "group": g}));
                    events.push(json!({"type": "call_answered", "id": format!("{id}-a"), "at": at + TimeDelta::seconds(2), "call_id": id, "agent": a}));
                    events.push(json!({"type": "call_ended", "id": format!("{id}-e"), "at": at + TimeDelta::seconds(20), "call_id": id, "talk_seconds": 15, "hold_seconds": 3}));
                    events.push(json!({"type": "wrap_up_ended", "id": format!("{id}-w"), "at": at + TimeDelta::seconds(25), "call_id": id}));
                }
                let report = api.post("/api/v1/events", Value::Array(events)).await?;
                accepted += report["accepted"].as_u64().unwrap_or(0);
                n += size;
            }
            Ok::<u64, String>(accepted)
        }));
    }
    let mut accepted = 0;
    for t in tasks {
        accepted += t.await.map_err(|e| e.to_string())??;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{accepted} events of {calls} calls accepted in {secs:.1} s: {:.0} events/s",
        accepted as f64 / secs
    );
    Ok(())
}

async fn offered(api: &Api) -> Result<u64, String> {
    let rt = api.get("/api/v1/performance/metrics/realtime").await?;
    Ok(rt["all"]["offered_today"].as_u64().unwrap_or(0)
        + rt["all"]["queue_now"].as_u64().unwrap_or(0))
}

async fn latency(api: &Api, feed: &Api, probes: u64, gap_ms: u64) -> Result<(), String> {
    let run = Utc::now().timestamp_millis() as u64 * 1000;
    let mut samples = Vec::new();
    for p in 0..probes {
        tokio::time::sleep(Duration::from_millis(gap_ms)).await;
        let before = offered(api).await?;
        let sent = Instant::now();
        feed.post("/api/v1/events", batch(run + p, 1, 100)).await?;
        loop {
            if offered(api).await? > before {
                break;
            }
            if sent.elapsed() > Duration::from_secs(5) {
                return Err("an event did not reach the snapshot within 5 s".into());
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        samples.push(sent.elapsed().as_secs_f64() * 1000.0);
    }
    samples.sort_by(f64::total_cmp);
    let pct = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "event-to-snapshot latency over {probes} probes: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    Ok(())
}
