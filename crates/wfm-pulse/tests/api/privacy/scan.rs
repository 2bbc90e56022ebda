//! Looking for a person's strings: in every table of a SQLite database (from its own
//! catalog), in the raw bytes of its files, and in every read the API offers.

use std::path::Path;

use reqwest::Method;
use serde_json::Value;
use sqlx::{Connection, Row, SqliteConnection};
use wfm_store::model::Role;

use super::binary::Binary;

/// (table, needle) for every row of every table holding a needle.
pub async fn tables(db: &Path, needles: &[&str]) -> Vec<(String, String)> {
    let url = format!("sqlite://{}?mode=ro", db.display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let tables: Vec<String> = sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table'")
        .fetch_all(&mut conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("name"))
        .collect();
    assert!(
        tables.iter().any(|t| t == "audit_log") && tables.len() > 25,
        "{tables:?}"
    );
    let mut hits = Vec::new();
    for table in &tables {
        let columns: Vec<String> = sqlx::query(&format!("PRAGMA table_info(\"{table}\")"))
            .fetch_all(&mut conn)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<String, _>("name"))
            .collect();
        let text: Vec<String> = columns
            .iter()
            .map(|c| format!("COALESCE(CAST(\"{c}\" AS TEXT), '')"))
            .collect();
        let sql = format!(
            "SELECT {} AS row_text FROM \"{table}\"",
            text.join(" || '|' || ")
        );
        for row in sqlx::query(&sql).fetch_all(&mut conn).await.unwrap() {
            let row: String = row.get("row_text");
            for n in needles {
                if row.contains(n) {
                    hits.push((table.clone(), n.to_string()));
                }
            }
        }
    }
    conn.close().await.unwrap();
    hits
}

/// The needles found in the raw bytes of the database file and its write-ahead log.
pub fn files(db: &Path, needles: &[&str]) -> Vec<String> {
    let mut hits = Vec::new();
    for suffix in ["", "-wal"] {
        let path = format!("{}{suffix}", db.display());
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        for n in needles {
            if bytes.windows(n.len()).any(|w| w == n.as_bytes()) {
                hits.push(format!("{path}: {n}"));
            }
        }
    }
    hits
}

/// Every read of the API, as an admin: each GET of the OpenAPI document (the stream and
/// the session left out), with the ids and ranges it needs. Returns (path, body) of each.
pub async fn api(server: &Binary, ids: &Ids) -> Vec<(String, String)> {
    let (st, doc) = server
        .call(Method::GET, "/api/v1/openapi.json", Role::Viewer, None)
        .await;
    assert_eq!(st, 200);
    let mut reads = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        // The session answers for a cookie, not a token: a person's own, not stored data.
        if item.get("get").is_none() || path.ends_with("/stream") || path == "/api/v1/session" {
            continue;
        }
        for concrete in ids.fill(path) {
            let (st, body) = server.call(Method::GET, &concrete, Role::Admin, None).await;
            // 404: nothing of the kind yet (no notification preferences set).
            assert!(st == 200 || st == 404, "{concrete}: {st} {body}");
            reads.push((concrete, body.to_string()));
        }
    }
    assert!(reads.len() > 30, "{} reads", reads.len());
    reads
}

/// What the API's paths and queries need.
pub struct Ids {
    pub agent: i64,
    pub jobs: Vec<i64>,
    pub deletion: Option<i64>,
    /// `from=...&to=...` of today (instants) and the local date.
    pub range: String,
    pub date: String,
}

impl Ids {
    fn fill(&self, path: &str) -> Vec<String> {
        let with = |p: &str, q: &str| vec![format!("{p}?{q}")];
        match path {
            "/api/v1/plan/forecast" | "/api/v1/plan/timetable" => with(path, &self.range),
            "/api/v1/integration/zup/timesheet" => {
                with(path, &format!("from={0}&to={0}", self.date))
            }
            "/api/v1/integration/logs/activity" | "/api/v1/audit" => with(path, "limit=1000"),
            "/api/v1/integration/sync/jobs" => with(path, "limit=1000"),
            "/api/v1/agents/{id}" => vec![format!("/api/v1/agents/{}", self.agent)],
            "/api/v1/integration/sync/jobs/{id}" => self
                .jobs
                .iter()
                .map(|j| format!("/api/v1/integration/sync/jobs/{j}"))
                .collect(),
            "/api/v1/privacy/deletions/{id}" => self
                .deletion
                .map(|d| vec![format!("/api/v1/privacy/deletions/{d}")])
                .unwrap_or_default(),
            p if p.contains('{') => Vec::new(),
            p => vec![p.to_string()],
        }
    }
}

/// The needles in any of the reads, with where.
pub fn hits(reads: &[(String, String)], needles: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for (path, body) in reads {
        for n in needles {
            if body.contains(n) {
                out.push(format!("{path}: {n}"));
            }
        }
    }
    out
}

/// The group's statistics that depend on the events and the plan, not on when they are
/// read: today's counts, who is on line, and the service level of each interval with calls.
pub fn figures(realtime: &Value, compliance: &Value, group: i64) -> Value {
    let of = |doc: &Value| -> Value {
        doc["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["group_id"] == group)
            .unwrap_or_else(|| panic!("group {group} in {doc}"))
            .clone()
    };
    let (g, c) = (of(realtime), of(compliance));
    let indicator = |name: &str| -> Value {
        g["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["indicator"] == name)
            .map(|i| i["value"].clone())
            .unwrap_or(Value::Null)
    };
    let intervals: Vec<Value> = c["intervals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["offered"].as_u64().unwrap_or(0) > 0)
        .map(|i| {
            serde_json::json!([
                i["interval"],
                i["offered"],
                i["answered"],
                i["answered_within_target"],
                i["abandoned"],
                i["sl_percent"]
            ])
        })
        .collect();
    serde_json::json!({
        "offered_today": g["offered_today"],
        "answered_today": g["answered_today"],
        "answered_within_target_today": g["answered_within_target_today"],
        "abandoned_today": g["abandoned_today"],
        "online": g["online"],
        "planned": g["planned"],
        "agents_by_state": g["agents_by_state"],
        "acd": indicator("acd"),
        "aht_trend": indicator("aht_trend"),
        "sl_today_percent": c["sl_today_percent"],
        "abandonment_percent": c["abandonment_percent"],
        "intervals": intervals,
    })
}
