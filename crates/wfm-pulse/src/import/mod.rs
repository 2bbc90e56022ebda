//! `wfm-pulse import forecast|timetable FILE.csv`: reads a plan from CSV, names groups and
//! agents as people know them (codes and logins), and uploads it all or nothing through
//! the API, so it is checked exactly like any other upload. `import queue-log` is in
//! `queue_log`.

mod queue_log;

pub use queue_log::queue_log;

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use crate::plan::{ActivityKind, ForecastRow, ForecastUpload, SegmentRow, TimetableUpload};

/// Where and as whom to upload.
pub struct Target {
    pub url: String,
    pub token: String,
}

#[derive(Debug, Deserialize)]
struct ForecastLine {
    group: String,
    start: DateTime<Utc>,
    calls: f64,
    aht_seconds: f64,
    #[serde(default)]
    acd_percent: Option<f64>,
    #[serde(default)]
    operators: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct SegmentLine {
    agent: String,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    activity: ActivityKind,
    #[serde(default)]
    group: Option<String>,
}

/// A one-line progress bar on stderr.
fn progress(label: &str, done: usize, total: usize) {
    let width = 30;
    let filled = (done * width).checked_div(total).unwrap_or(width);
    eprint!(
        "\r{label:<10} [{}{}] {done}/{total}",
        "#".repeat(filled),
        ".".repeat(width - filled)
    );
    if done == total {
        eprintln!();
    }
    let _ = std::io::stderr().flush();
}

/// Reads every record, naming the line of the first bad one.
fn read_csv<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let total = text.lines().count().saturating_sub(1);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rows = Vec::with_capacity(total);
    for (i, record) in reader.deserialize().enumerate() {
        let row: T = record.map_err(|e| format!("{}: line {}: {e}", path.display(), i + 2))?;
        rows.push(row);
        if rows.len() % 500 == 0 || rows.len() == total {
            progress("reading", rows.len(), total.max(rows.len()));
        }
    }
    Ok(rows)
}

async fn get(client: &reqwest::Client, t: &Target, path: &str) -> Result<Value, String> {
    let r = client
        .get(format!("{}{path}", t.url))
        .bearer_auth(&t.token)
        .send()
        .await
        .map_err(|e| format!("cannot reach the server at {}: {e}", t.url))?;
    let status = r.status();
    let body: Value = r.json().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{path}: {status}: {body}"));
    }
    Ok(body)
}

/// Codes (or logins) and ids of what the server knows, as a lookup.
async fn names(
    client: &reqwest::Client,
    t: &Target,
    path: &str,
    code: &str,
) -> Result<HashMap<String, i64>, String> {
    let list = get(client, t, path).await?;
    let mut map = HashMap::new();
    for item in list.as_array().into_iter().flatten() {
        let Some(id) = item["id"].as_i64() else {
            continue;
        };
        map.insert(id.to_string(), id);
        if let Some(c) = item[code].as_str() {
            map.insert(c.to_string(), id);
        }
    }
    Ok(map)
}

fn lookup(map: &HashMap<String, i64>, name: &str, what: &str, line: usize) -> Result<i64, String> {
    map.get(name)
        .copied()
        .ok_or_else(|| format!("line {}: no {what} {name:?}", line + 2))
}

async fn upload(
    client: &reqwest::Client,
    t: &Target,
    path: &str,
    body: &impl serde::Serialize,
) -> Result<String, String> {
    let r = client
        .put(format!("{}{path}", t.url))
        .bearer_auth(&t.token)
        .json(body)
        .send()
        .await
        .map_err(|e| format!("cannot reach the server at {}: {e}", t.url))?;
    let status = r.status();
    let answer: Value = r.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        return Ok(format!("stored {} rows", answer["stored"]));
    }
    let mut message = format!(
        "refused ({status}): {}",
        answer["description"].as_str().unwrap_or("")
    );
    for e in answer["errors"].as_array().into_iter().flatten() {
        message += &format!("\n  {}", e["description"].as_str().unwrap_or(""));
    }
    Err(message + "\nnothing was stored")
}

/// Imports a forecast file: `group,start,calls,aht_seconds[,acd_percent][,operators]`.
pub async fn forecast(path: &Path, t: &Target) -> Result<String, String> {
    let lines: Vec<ForecastLine> = read_csv(path)?;
    let client = reqwest::Client::new();
    let groups = names(&client, t, "/api/v1/groups", "external_id").await?;
    let mut intervals = Vec::with_capacity(lines.len());
    for (i, l) in lines.into_iter().enumerate() {
        intervals.push(ForecastRow {
            group_id: lookup(&groups, &l.group, "group", i)?,
            start: l.start,
            calls: l.calls,
            aht_seconds: l.aht_seconds,
            acd_percent: l.acd_percent.unwrap_or(100.0),
            operators: l.operators,
        });
    }
    let n = intervals.len();
    eprintln!("uploading {n} forecast intervals");
    upload(
        &client,
        t,
        "/api/v1/plan/forecast",
        &ForecastUpload { intervals },
    )
    .await
}

/// Imports a timetable file: `agent,start,end,activity[,group]` (agent = login).
pub async fn timetable(path: &Path, t: &Target) -> Result<String, String> {
    let lines: Vec<SegmentLine> = read_csv(path)?;
    let client = reqwest::Client::new();
    let groups = names(&client, t, "/api/v1/groups", "external_id").await?;
    let agents = names(&client, t, "/api/v1/agents", "external_id").await?;
    let mut segments = Vec::with_capacity(lines.len());
    for (i, l) in lines.into_iter().enumerate() {
        segments.push(SegmentRow {
            agent_id: lookup(&agents, &l.agent, "agent", i)?,
            start: l.start,
            end: l.end,
            activity: l.activity,
            group_id: l
                .group
                .filter(|g| !g.is_empty())
                .map(|g| lookup(&groups, &g, "group", i))
                .transpose()?,
        });
    }
    let n = segments.len();
    eprintln!("uploading {n} timetable segments");
    upload(
        &client,
        t,
        "/api/v1/plan/timetable",
        &TimetableUpload { segments },
    )
    .await
}
