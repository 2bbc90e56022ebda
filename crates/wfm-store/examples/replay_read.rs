//! Replay read speed on SQLite, side by side in one run: a day's events read a page at a
//! time through the store (what a restart replays), against the raw baseline (a paged read
//! of the same rows by key) and the page query as it was before (time index plus a sort).
//!
//! Run: `cargo run --release -p wfm-store --example replay_read -- [EVENTS]` (default
//! 500,000; the database is made in the temporary directory and removed).

use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use sqlx::Row;
use wfm_core::event::EventKind;
use wfm_store::live::NewEvent;
use wfm_store::{EventLog, LiveInputs, SqlStore, Store};

const PAGE: i64 = 10_000;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let events: i64 = std::env::args().nth(1).map_or(Ok(500_000), |s| s.parse())?;
    let dir = std::env::temp_dir().join(format!("wfm-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("replay.db");
    let url = format!("sqlite://{}", file.display());
    let store = SqlStore::connect(&url).await?;
    store.migrate().await?;
    // A day: events spread evenly from midnight, appended in batches of 5,000.
    let day = Utc
        .with_ymd_and_hms(2026, 3, 2, 0, 0, 0)
        .single()
        .ok_or("day")?;
    let step = 86_400_000 / events.max(1);
    let started = Instant::now();
    for first in (0..events).step_by(5_000) {
        let batch: Vec<NewEvent> = (first..(first + 5_000).min(events))
            .map(|k| NewEvent {
                event_id: format!("e{k}"),
                source: "native",
                at: day + Duration::milliseconds(k * step),
                kind: EventKind::CallOffered {
                    call_id: format!("c{k}"),
                    group_id: 1 + k % 100,
                    customer_id: None,
                },
            })
            .collect();
        store.append_events(&batch).await?;
    }
    println!(
        "{events} events written in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let (from, until) = (day, day + Duration::days(1));

    // Through the store, as the replay reads.
    let started = Instant::now();
    let (mut after, mut read) = (0, 0);
    loop {
        let page = store
            .events_between(from, until, after, PAGE as u32)
            .await?;
        read += page.len();
        match page.last() {
            Some(e) if page.len() == PAGE as usize => after = e.seq,
            _ => break,
        }
    }
    let ours = started.elapsed().as_secs_f64();

    let pool = sqlx::sqlite::SqlitePool::connect(&url).await?;
    let paged = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            let started = Instant::now();
            let (mut after, mut read) = (0i64, 0usize);
            loop {
                let rows = sqlx::query(sql)
                    .bind(from.timestamp_millis())
                    .bind(until.timestamp_millis())
                    .bind(after)
                    .bind(PAGE)
                    .fetch_all(&pool)
                    .await?;
                read += rows.len();
                match rows.last() {
                    Some(r) if rows.len() == PAGE as usize => after = r.try_get("seq")?,
                    _ => break,
                }
            }
            Ok::<_, sqlx::Error>((started.elapsed().as_secs_f64(), read))
        }
    };
    // The raw baseline: the same rows by key, nothing else.
    let (raw, raw_read) = paged(
        "SELECT seq, at, body FROM events WHERE $1 = $1 AND $2 = $2 AND seq > $3 \
         ORDER BY seq LIMIT $4",
    )
    .await?;
    // The page query before the fix (the time index and a sort of the whole span).
    let (old, old_read) = paged(
        "SELECT seq, at, body FROM events WHERE at >= $1 AND at < $2 AND seq > $3 \
         ORDER BY seq LIMIT $4",
    )
    .await?;
    println!("rows read: store {read}, raw {raw_read}, old query {old_read}");
    println!(
        "store (decoding each event) {ours:.2} s; raw paged read {raw:.2} s; old page query {old:.2} s"
    );
    println!(
        "store / raw {:.2}x; old / raw {:.1}x",
        ours / raw.max(1e-9),
        old / raw.max(1e-9)
    );
    pool.close().await;
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}
