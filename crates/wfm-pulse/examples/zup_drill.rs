//! Drills of the 1C ZUP integration against a running wfm-pulse and a running simulator
//! (release builds, separate processes, so the server's own memory is what is measured):
//!
//!   cargo run --release -- sim zup --employees 10000 --departments 500 &
//!   cargo run --release -- serve & SERVER=$!
//!   TOKEN=$(cargo run --release -q -- token --role admin | tail -n 1)
//!   cargo run --release --example zup_drill -- URL TOKEN SIM_URL sync [SERVER_PID]
//!   cargo run --release --example zup_drill -- URL TOKEN SIM_URL outage SECONDS UPLOADS
//!
//! `sync` points the 1C ZUP entry at the simulator, makes a site if there is none, triggers
//! a personnel sync and reports how long it took from trigger to done, the job's counts, and
//! the server's peak and current memory (from /proc/PID/status). `outage` plans a shift for
//! UPLOADS synced operators, takes the simulator down, triggers one schedule upload per
//! operator while it is down, keeps it down for SECONDS, brings it back, and checks that
//! every upload reached 1C in the order it was triggered, that the circuit opened and closed
//! (in the activity log), and how long the queue took to drain.

use std::time::{Duration, Instant};

use chrono::{Duration as Span, DurationRound, Utc};
use serde_json::{Value, json};
use wfm_pulse::sim::client::Api;

#[tokio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(url), Some(token), Some(sim), Some(what)) =
        (args.first(), args.get(1), args.get(2), args.get(3))
    else {
        return Err(
            "usage: zup_drill URL TOKEN SIM_URL sync [PID] | outage SECONDS UPLOADS".into(),
        );
    };
    let arg = |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let api = Api::new(url, token.clone());
    connect(&api, sim).await?;
    match what.as_str() {
        "sync" => sync(&api, args.get(4).cloned()).await,
        "outage" => outage(&api, sim, arg(4, 300), arg(5, 5)).await,
        other => Err(format!("unknown drill {other}")),
    }
}

/// Points the 1C ZUP entry at the simulator (its default credentials).
async fn connect(api: &Api, sim: &str) -> Result<(), String> {
    let map = api.get("/api/v1/integration/mapping/endpoints").await?;
    let mut zup = map["systems"]
        .as_array()
        .and_then(|s| s.iter().find(|x| x["system"] == "zup"))
        .cloned()
        .ok_or("no 1C ZUP entry in the endpoint map")?;
    let entry = zup.as_object_mut().ok_or("entry is not an object")?;
    entry.insert(
        "base_url".into(),
        json!(format!("{}/zup/hs/wfm", sim.trim_end_matches('/'))),
    );
    entry.insert("password".into(), json!("wfm-sim"));
    entry.insert("timeout_ms".into(), json!(60_000));
    api.put(
        "/api/v1/integration/mapping/endpoints",
        json!({ "systems": [zup] }),
    )
    .await?;
    if api
        .get("/api/v1/sites")
        .await?
        .as_array()
        .is_none_or(|s| s.is_empty())
    {
        api.post(
            "/api/v1/sites",
            json!({"name": "Moscow", "time_zone": "Europe/Moscow"}),
        )
        .await?;
    }
    Ok(())
}

async fn trigger(api: &Api, body: Value) -> Result<i64, String> {
    let r = api.post("/api/v1/integration/sync/trigger", body).await?;
    r["job"]["id"]
        .as_i64()
        .ok_or_else(|| format!("no job id in {r}"))
}

async fn settle(api: &Api, id: i64, limit: Duration) -> Result<Value, String> {
    let deadline = Instant::now() + limit;
    loop {
        let job = api
            .get(&format!("/api/v1/integration/sync/jobs/{id}"))
            .await?;
        if job["state"] == "succeeded" || job["state"] == "dead" {
            return Ok(job);
        }
        if Instant::now() > deadline {
            return Err(format!("job {id} not done after {limit:?}: {job}"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn memory(pid: &str) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .map(|l| l[name.len()..].trim().to_string())
            .unwrap_or_else(|| "?".into())
    };
    format!(
        "peak {} (VmHWM), now {} (VmRSS)",
        field("VmHWM:"),
        field("VmRSS:")
    )
}

async fn sync(api: &Api, pid: Option<String>) -> Result<(), String> {
    let started = Instant::now();
    let id = trigger(api, json!({"kind": "personnel_sync"})).await?;
    let job = settle(api, id, Duration::from_secs(1800)).await?;
    let took = started.elapsed();
    let r = &job["result"];
    println!(
        "personnel sync {}: {:.2} s from trigger to done; received {} employees, {} departments; \
         created {}, updated {}, deactivated {}, unchanged {}; {} services, {} groups created; {} discrepancies",
        job["state"],
        took.as_secs_f64(),
        r["received"]["employees"],
        r["received"]["departments"],
        r["created"],
        r["updated"],
        r["deactivated"],
        r["unchanged"],
        r["services_created"],
        r["groups_created"],
        r["consistency"]["discrepancies"],
    );
    if let Some(pid) = pid {
        println!("server memory: {}", memory(&pid));
    }
    Ok(())
}

async fn behaviour(sim: &str, down: bool) -> Result<(), String> {
    reqwest::Client::new()
        .put(format!("{}/sim/behaviour", sim.trim_end_matches('/')))
        .json(&json!({"down": down}))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map(|_| ())
        .map_err(|e| format!("cannot steer the simulator: {e}"))
}

async fn outage(api: &Api, sim: &str, seconds: u64, uploads: u64) -> Result<(), String> {
    if api.get("/api/v1/integration/zup/employees").await?["items"]
        .as_array()
        .is_none_or(|i| i.is_empty())
    {
        settle(
            api,
            trigger(api, json!({"kind": "personnel_sync"})).await?,
            Duration::from_secs(600),
        )
        .await?;
    }
    let staff = api.get("/api/v1/integration/zup/employees").await?;
    let chosen: Vec<(i64, String)> = staff["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["active"] == true)
        .take(uploads as usize)
        .filter_map(|e| {
            Some((
                e["agent_id"].as_i64()?,
                e["employee"]["id"].as_str()?.to_string(),
            ))
        })
        .collect();
    let start = Utc::now()
        .duration_trunc(Span::minutes(15))
        .map_err(|e| e.to_string())?
        + Span::hours(1);
    let segments: Vec<Value> = chosen
        .iter()
        .map(|(a, _)| json!({"agent_id": a, "start": start, "end": start + Span::hours(8), "activity": "training"}))
        .collect();
    api.put("/api/v1/plan/timetable", json!({"segments": segments}))
        .await?;
    let since = Utc::now();
    behaviour(sim, true).await?;
    println!(
        "simulator down for {seconds} s; triggering {} schedule uploads",
        chosen.len()
    );
    let mut jobs = Vec::new();
    for (agent, _) in &chosen {
        jobs.push(
            trigger(
                api,
                json!({"kind": "schedule_upload", "scope": {"agent_ids": [agent]}}),
            )
            .await?,
        );
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    behaviour(sim, false).await?;
    let back = Instant::now();
    println!("simulator up again");
    for id in &jobs {
        let job = settle(api, *id, Duration::from_secs(600)).await?;
        if job["state"] != "succeeded" {
            return Err(format!(
                "upload job {id} ended {}: {}",
                job["state"], job["last_error"]
            ));
        }
    }
    println!(
        "all {} uploads done {:.1} s after 1C came back",
        jobs.len(),
        back.elapsed().as_secs_f64()
    );
    let requests = reqwest::get(format!("{}/sim/requests", sim.trim_end_matches('/')))
        .await
        .map_err(|e| e.to_string())?
        .json::<Value>()
        .await
        .map_err(|e| e.to_string())?;
    let taken: Vec<String> = requests
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["method"] == "sendSchedule" && r["status"] == 200)
        .filter_map(|r| r["agent_id"].as_str().map(str::to_string))
        .collect();
    let expected: Vec<String> = chosen.iter().map(|(_, e)| e.clone()).collect();
    println!(
        "1C took the schedules in trigger order: {}",
        taken.ends_with(&expected)
    );
    let log = api
        .get(&format!(
            "/api/v1/integration/logs/activity?operation=circuit&from={}&limit=1000",
            since.to_rfc3339().replace('+', "%2B")
        ))
        .await?;
    let mut outcomes: Vec<String> = log["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| Some(format!("{} {}", r["at"].as_str()?, r["outcome"].as_str()?)))
        .collect();
    outcomes.reverse();
    println!("circuit changes: {}", outcomes.join(", "));
    Ok(())
}
