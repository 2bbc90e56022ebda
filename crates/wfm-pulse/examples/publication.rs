//! Times the snapshot publication (`Reading::of` then `publish`: the engine's figures, every
//! group's intervals, the JSON body, its gzip and ETag, the stream's card hashes), and the part that holds the engine, over the
//! live state a store holds, and reports the process's memory for it: resident, and what
//! the allocator holds in use and free. With REBUILDS, it then rebuilds the engine that
//! many times as a structure change does (the new one loaded while the old one lives) and
//! reports the memory after each. Reading a server's database while it runs is fine (WAL):
//!
//!   cargo run --release -p wfm-pulse --example publication -- sqlite://data/wfm-pulse.db [ROUNDS] [REBUILDS]
//!
//! The state is today's as `serve` would load it (`Engine::load` at the current time), so
//! the events must be of today (`load ... calls` posts them over the day so far).

use std::time::Instant;

use chrono::Utc;
use wfm_pulse::live::engine::Engine;
use wfm_pulse::live::view::Reading;

#[tokio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(url) = args.first() else {
        return Err("usage: publication DATABASE_URL [ROUNDS]".into());
    };
    let rounds: u32 = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(50);
    let store = wfm_store::open(url).await.map_err(|e| e.to_string())?;
    let loading = Instant::now();
    let engine = Engine::load(&store, Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "engine loaded in {:.2} s: {} groups, {} operators, last seq {}",
        loading.elapsed().as_secs_f64(),
        engine.groups.len(),
        engine.agents.len(),
        engine.last_seq
    );
    let (mut times, mut held) = (Vec::new(), Vec::new());
    let mut body = (0, 0);
    let cycle = chrono::Duration::seconds(60);
    for version in 0..rounds {
        let started = Instant::now();
        let reading = Reading::of(&engine, Utc::now(), cycle);
        held.push(started.elapsed().as_secs_f64() * 1000.0);
        let published = reading.publish(u64::from(version));
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        body = (published.body.len(), published.body_gzip.len());
    }
    let summary = |mut t: Vec<f64>| {
        t.sort_by(f64::total_cmp);
        let at = |q: f64| t[((t.len() - 1) as f64 * q).round() as usize];
        format!(
            "median {:.2} ms, min {:.2}, p90 {:.2}",
            at(0.5),
            at(0.0),
            at(0.9)
        )
    };
    println!(
        "publication over {rounds} rounds: {}; body {} B, gzip {} B",
        summary(times),
        body.0,
        body.1
    );
    println!(
        "of it, reading the engine (ingest waits for this): {}",
        summary(held)
    );
    println!("after loading: {}", memory());
    let rebuilds: u32 = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(0);
    let mut engine = engine;
    for rebuild in 1..=rebuilds {
        engine = Engine::load(&store, Utc::now())
            .await
            .map_err(|e| e.to_string())?;
        println!("after rebuild {rebuild}: {}", memory());
    }
    drop(engine);
    Ok(())
}

/// Resident memory, and the allocator's bytes in use and free (glibc's `mallinfo2`).
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let rss = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .unwrap_or("VmRSS: ?")
        .split_whitespace()
        .nth(1)
        .unwrap_or("?")
        .to_string();
    let rss_mb = rss.parse::<f64>().map_or(f64::NAN, |kb| kb / 1024.0);
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallinfo2 only reads the allocator's counters.
        let info = unsafe { libc::mallinfo2() };
        let mb = |b: usize| b as f64 / 1_048_576.0;
        format!(
            "RSS {rss_mb:.1} MB; allocator: {:.1} MB in use ({:.1} MB of it mapped alone), {:.1} MB free in its arenas",
            mb(info.uordblks + info.hblkhd),
            mb(info.hblkhd),
            mb(info.fordblks)
        )
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    format!("RSS {rss_mb:.1} MB")
}
