//! `wfm-pulse import queue-log FILE`: a past Asterisk queue_log (or the part of today's
//! before the follower started) read through the same translation as the follower and
//! posted to the event API in batches. The events get the follower's ids, so a file
//! imported twice, or imported and followed, counts once.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::Value;
use wfm_core::event::AgentState;

use super::{Target, get, progress};
use crate::ingest::native::NativeEvent;
use crate::ingest::queue_log::Translator;

/// Events per request.
const BATCH: usize = 2_000;

/// What the server made of the file.
#[derive(Debug, Default)]
struct Tally {
    lines: u64,
    malformed: Vec<String>,
    malformed_count: u64,
    sent: u64,
    accepted: u64,
    duplicate: u64,
    rejected: u64,
    /// The first rejections, as the server gave them.
    rejections: Vec<String>,
}

/// Imports `path`; `reader` reads the state map, `feeder` posts the events (the
/// integration role).
pub async fn queue_log(
    path: &Path,
    reader: &Target,
    feeder: &Target,
    members: HashMap<String, String>,
) -> Result<String, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let client = reqwest::Client::new();
    let map = get(&client, reader, "/api/v1/ingest/state-map").await?;
    let reasons: HashMap<String, AgentState> = map["codes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            Some((
                c["code"].as_str()?.to_string(),
                AgentState::parse(c["state"].as_str()?)?,
            ))
        })
        .collect();
    let mut translator = Translator::new(members, reasons);
    let mut tally = Tally::default();
    let mut pending: Vec<NativeEvent> = Vec::new();
    let mut read_bytes = 0u64;
    for (number, line) in BufReader::new(file).split(b'\n').enumerate() {
        let line = line.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        read_bytes += line.len() as u64 + 1;
        let text = String::from_utf8_lossy(&line);
        if text.trim().is_empty() {
            continue;
        }
        tally.lines += 1;
        match translator.read(&text) {
            Ok(events) => pending.extend(events),
            Err(bad) => {
                tally.malformed_count += 1;
                if tally.malformed.len() < 10 {
                    tally
                        .malformed
                        .push(format!("line {}: {}", number + 1, bad.message));
                }
            }
        }
        if pending.len() >= BATCH {
            post(&client, feeder, std::mem::take(&mut pending), &mut tally).await?;
            progress("importing", read_bytes.min(size) as usize, size as usize);
        }
    }
    pending.extend(translator.flush());
    post(&client, feeder, pending, &mut tally).await?;
    progress("importing", size as usize, size as usize);
    Ok(summary(&tally))
}

async fn post(
    client: &reqwest::Client,
    t: &Target,
    events: Vec<NativeEvent>,
    tally: &mut Tally,
) -> Result<(), String> {
    if events.is_empty() {
        return Ok(());
    }
    tally.sent += events.len() as u64;
    let r = client
        .post(format!("{}/api/v1/events", t.url))
        .bearer_auth(&t.token)
        .json(&events)
        .send()
        .await
        .map_err(|e| format!("cannot reach the server at {}: {e}", t.url))?;
    let status = r.status();
    let report: Value = r.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        return Err(format!(
            "the server refused the events ({status}): {report}"
        ));
    }
    let count = |k: &str| report[k].as_u64().unwrap_or(0);
    tally.accepted += count("accepted");
    tally.duplicate += count("duplicate");
    tally.rejected += count("rejected");
    for r in report["rejections"].as_array().into_iter().flatten() {
        if tally.rejections.len() < 10 {
            tally.rejections.push(format!(
                "{}: {} {}",
                r["event_id"].as_str().unwrap_or("?"),
                r["reason"].as_str().unwrap_or(""),
                r["message"].as_str().unwrap_or("")
            ));
        }
    }
    Ok(())
}

fn summary(t: &Tally) -> String {
    let mut out = format!(
        "{} lines read: {} events, {} accepted, {} already there, {} refused; {} lines unreadable",
        t.lines, t.sent, t.accepted, t.duplicate, t.rejected, t.malformed_count
    );
    for m in &t.malformed {
        out += &format!("\n  unreadable {m}");
    }
    for r in &t.rejections {
        out += &format!("\n  refused {r}");
    }
    if t.rejected > 0 {
        out += "\n  (the live view takes the last 24 hours: older lines belong to the interval history)";
    }
    out
}
