//! Append rate of the event log, side by side in one run: the store's `append_events`
//! against the raw baseline, the plainest bulk insert of the same rows into the same table
//! by the same driver (SQLite: prepared positional INSERTs of up to 1,000 rows, one
//! transaction per batch, `synchronous = FULL` like the store; PostgreSQL: `COPY ... FROM
//! STDIN`, one transaction per batch), at batches of 10, 1,000 and 5,000.
//!
//! Run: `cargo run --release -p wfm-store --example append_rate [-- postgres://...]`.
//! SQLite by default, two databases in the temporary directory; with a PostgreSQL URL, two
//! scratch databases are made on that server and dropped afterwards. Both sides encode the
//! event bodies in the timed part; the store also checks for duplicates and reads back each
//! event's number, which the ingest needs. Each size runs in four rounds, raw and store
//! taking turns to go first, so load from elsewhere on the machine falls on both.

use std::str::FromStr;
use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, Executor};
use wfm_core::event::EventKind;
use wfm_store::live::NewEvent;
use wfm_store::{EventLog, SqlStore, Store};

/// Batch sizes and the rows each is measured over.
const RUNS: [(usize, usize); 3] = [(10, 20_000), (1_000, 160_000), (5_000, 160_000)];
const ROUNDS: usize = 4;
/// Rows per raw SQLite statement (5 parameters each, far below SQLite's 32,766).
const RAW_CHUNK: usize = 1_000;

/// The raw side: one open connection of the same driver.
enum Raw {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl Raw {
    /// Inserts one batch in one transaction, the plainest way the driver offers.
    async fn insert(&mut self, rows: &[NewEvent]) -> Result<(), sqlx::Error> {
        let received = Utc::now().timestamp_millis();
        match self {
            Raw::Sqlite(conn) => {
                let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
                for chunk in rows.chunks(RAW_CHUNK) {
                    let sql = format!(
                        "INSERT INTO events (event_id, source, at, received_at, body) VALUES {}",
                        vec!["(?, ?, ?, ?, ?)"; chunk.len()].join(", ")
                    );
                    let mut insert = sqlx::query(&sql);
                    for e in chunk {
                        insert = insert
                            .bind(&e.event_id)
                            .bind(e.source)
                            .bind(e.at.timestamp_millis())
                            .bind(received)
                            .bind(body(e));
                    }
                    insert.execute(&mut *tx).await?;
                }
                tx.commit().await
            }
            Raw::Postgres(conn) => {
                let mut data = String::new();
                for e in rows {
                    let line = [
                        e.event_id.clone(),
                        e.source.to_string(),
                        e.at.timestamp_millis().to_string(),
                        received.to_string(),
                        body(e),
                    ]
                    .map(|field| copy_escape(&field))
                    .join("\t");
                    data.push_str(&line);
                    data.push('\n');
                }
                let mut tx = conn.begin().await?;
                let mut copy = tx
                    .copy_in_raw("COPY events (event_id, source, at, received_at, body) FROM STDIN")
                    .await?;
                copy.send(data.into_bytes()).await?;
                copy.finish().await?;
                tx.commit().await
            }
        }
    }
}

/// The stored body, as the store writes it.
fn body(e: &NewEvent) -> String {
    serde_json::to_string(&e.kind).unwrap_or_default()
}

/// A field of COPY's text format.
fn copy_escape(field: &str) -> String {
    field
        .replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn events(prefix: &str, first: usize, count: usize) -> Vec<NewEvent> {
    let day = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
    (first..first + count)
        .map(|k| NewEvent {
            event_id: format!("{prefix}-{k}"),
            source: "native",
            at: day + Duration::milliseconds(k as i64 * 40),
            kind: EventKind::CallOffered {
                call_id: format!("call-{prefix}-{k}"),
                group_id: 1 + k as i64 % 100,
                customer_id: None,
            },
        })
        .collect()
}

/// The scratch databases' names (SQLite: files in `scratch_dir`).
fn scratch_names() -> [String; 2] {
    ["store", "raw"].map(|n| format!("wfm_append_{n}_{}", std::process::id()))
}

fn scratch_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("wfm-append-{}", std::process::id()))
}

/// Makes the two scratch databases (store, raw) and returns their URLs.
async fn make_scratch(url: Option<&str>) -> Result<[String; 2], Box<dyn std::error::Error>> {
    let Some(url) = url else {
        std::fs::create_dir_all(scratch_dir())?;
        return Ok(scratch_names().map(|n| {
            format!(
                "sqlite://{}",
                scratch_dir().join(format!("{n}.db")).display()
            )
        }));
    };
    let base = &url[..url.rfind('/').ok_or("a PostgreSQL URL names a database")? + 1];
    let mut admin = sqlx::PgConnection::connect(url).await?;
    for name in scratch_names() {
        admin
            .execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
            .await?;
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await?;
    }
    Ok(scratch_names().map(|n| format!("{base}{n}")))
}

async fn remove_scratch(url: Option<&str>) -> Result<(), Box<dyn std::error::Error>> {
    let Some(url) = url else {
        std::fs::remove_dir_all(scratch_dir())?;
        return Ok(());
    };
    let mut admin = sqlx::PgConnection::connect(url).await?;
    for name in scratch_names() {
        admin
            .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1);
    let [store_url, raw_url] = make_scratch(url.as_deref()).await?;
    let store = SqlStore::connect(&store_url).await?;
    store.migrate().await?;
    // The same schema on the raw side: the store's migrations, then the driver's own connection.
    let migrated = SqlStore::connect(&raw_url).await?;
    migrated.migrate().await?;
    migrated.close().await;
    let mut raw = if url.is_some() {
        Raw::Postgres(sqlx::PgConnection::connect(&raw_url).await?)
    } else {
        let options = SqliteConnectOptions::from_str(&raw_url)?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full);
        let mut conn = sqlx::SqliteConnection::connect_with(&options).await?;
        let (journal, synchronous): (String, i64) =
            sqlx::query_as("SELECT * FROM pragma_journal_mode, pragma_synchronous")
                .fetch_one(&mut conn)
                .await?;
        assert_eq!((journal.as_str(), synchronous), ("wal", 2), "WAL, FULL");
        Raw::Sqlite(conn)
    };
    let backend = if url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "{backend}: rows/s, store append_events vs raw ({})",
        if url.is_some() {
            "COPY FROM STDIN"
        } else {
            "prepared positional INSERT"
        }
    );
    println!(
        "{:>6} {:>8} {:>12} {:>12} {:>6}",
        "batch", "rows", "store", "raw", "ratio"
    );
    let mut first = 0;
    for (size, rows) in RUNS {
        let (mut store_s, mut raw_s) = (0.0, 0.0);
        let per_round = rows / ROUNDS;
        for round in 0..ROUNDS {
            let ours = events("s", first, per_round);
            let theirs = events("r", first, per_round);
            first += per_round;
            // Who goes first alternates, so neither always follows the other's checkpoint.
            for side in [round % 2, 1 - round % 2] {
                let started = Instant::now();
                if side == 0 {
                    for batch in theirs.chunks(size) {
                        raw.insert(batch).await?;
                    }
                    raw_s += started.elapsed().as_secs_f64();
                } else {
                    for batch in ours.chunks(size) {
                        let seqs = store.append_events(batch).await?;
                        assert!(seqs.iter().all(Option::is_some), "every event is new");
                    }
                    store_s += started.elapsed().as_secs_f64();
                }
            }
        }
        let done = (per_round * ROUNDS) as f64;
        let (ours, theirs) = (done / store_s, done / raw_s);
        println!(
            "{size:>6} {:>8} {ours:>12.0} {theirs:>12.0} {:>6.2}",
            done,
            ours / theirs
        );
    }
    store.close().await;
    drop(raw);
    remove_scratch(url.as_deref()).await?;
    Ok(())
}
