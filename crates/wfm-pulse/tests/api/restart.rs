//! Crash safety: the real binary is killed with SIGKILL while events stream in, or while
//! it follows a queue_log; after a restart every acknowledged event is there, the replayed
//! state matches what was live, and the queue_log counts each line once.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{Duration as Span, DurationRound, Utc};
use reqwest::Client;
use serde_json::{Value, json};

const SECRET: &str = "restart-secret-restart-secret-restart-1";

struct Server {
    child: Child,
    base: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(dir: &std::path::Path, port: u16) -> Server {
    start_with(dir, port, &[]).await
}

async fn start_with(dir: &std::path::Path, port: u16, env: &[(&str, String)]) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_wfm-pulse"))
        .arg("serve")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .env("WFM_DATA_DIR", dir)
        .env("WFM_BIND", format!("127.0.0.1:{port}"))
        .env("WFM_JWT_SECRET", SECRET)
        .env("WFM_RATE_LIMIT_INGEST", "100000")
        .env("WFM_RATE_LIMIT_WRITE", "100000")
        .env("WFM_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    let client = Client::new();
    while client.get(format!("{base}/readyz")).send().await.is_err() {
        assert!(Instant::now() < deadline, "the server did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Server { child, base }
}

fn token(role: &str) -> String {
    let keys = wfm_pulse::auth::token::TokenKeys::new(SECRET.as_bytes(), None).unwrap();
    keys.issue(
        "restart",
        wfm_store::model::Role::parse(role).unwrap(),
        Utc::now().timestamp(),
        3600,
    )
}

async fn call(
    c: &Client,
    s: &Server,
    method: reqwest::Method,
    path: &str,
    role: &str,
    body: Value,
) -> Value {
    let r = c
        .request(method, format!("{}{path}", s.base))
        .bearer_auth(token(role))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

async fn realtime(c: &Client, s: &Server) -> Value {
    c.get(format!("{}/api/v1/performance/metrics/realtime", s.base))
        .bearer_auth(token("viewer"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The figures that depend on events only, not on the moment they are read.
fn event_figures(rt: &Value) -> Vec<Value> {
    rt["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            json!([
                g["group_id"],
                g["offered_today"],
                g["answered_today"],
                g["answered_within_target_today"],
                g["abandoned_today"],
                g["online"],
                g["agents_by_state"]
            ])
        })
        .collect()
}

/// A UTC site with group "G" and operator "op".
async fn one_group_one_operator(c: &Client, server: &Server) {
    let post = reqwest::Method::POST;
    let site = call(
        c,
        server,
        post.clone(),
        "/api/v1/sites",
        "manager",
        json!({"name": "S", "time_zone": "UTC"}),
    )
    .await;
    let service = call(
        c,
        server,
        post.clone(),
        "/api/v1/services",
        "manager",
        json!({"site_id": site["id"], "name": "V"}),
    )
    .await;
    call(
        c,
        server,
        post.clone(),
        "/api/v1/groups",
        "manager",
        json!({"service_id": service["id"], "name": "G", "external_id": "G"}),
    )
    .await;
    call(
        c,
        server,
        post.clone(),
        "/api/v1/agents",
        "manager",
        json!({"external_id": "op", "full_name": "Op", "site_id": site["id"]}),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_event_survives_kill_9() {
    let dir = std::env::temp_dir().join(format!("wfm-restart-{}", uuid::Uuid::new_v4()));
    let port = free_port();
    let c = Client::new();
    let mut server = start(&dir, port).await;
    one_group_one_operator(&c, &server).await;

    // Stream batches of calls; each acknowledged batch is counted. The kill lands while a
    // batch may be in flight.
    // Today (UTC), so the replay counts them for the same day even just after midnight.
    let now = Utc::now().duration_trunc(Span::seconds(1)).unwrap();
    let start_at = (now - Span::minutes(5)).max(now.duration_trunc(Span::days(1)).unwrap());
    let sender = {
        let (c, base) = (c.clone(), server.base.clone());
        tokio::spawn(async move {
            let mut acknowledged = 0u64;
            for batch in 0..10_000u64 {
                let events: Vec<Value> = (0..20)
                    .map(|i| {
                        let n = batch * 20 + i;
                        json!({"type": "call_offered", "id": format!("o{n}"), "call_id": format!("c{n}"), "group": "G",
                               "at": start_at + Span::milliseconds(n as i64)})
                    })
                    .collect();
                let sent = c
                    .post(format!("{base}/api/v1/events"))
                    .bearer_auth(token("integration"))
                    .json(&events)
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status().is_success() => {
                        let report: Value = r.json().await.unwrap_or(Value::Null);
                        acknowledged += report["accepted"].as_u64().unwrap_or(0);
                    }
                    _ => return acknowledged,
                }
            }
            acknowledged
        })
    };
    // Let a few hundred batches through, then kill without warning.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let rt = realtime(&c, &server).await;
        if rt["groups"][0]["offered_today"].as_u64().unwrap_or(0) >= 2_000 {
            break;
        }
        assert!(Instant::now() < deadline, "ingest never got going");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let acknowledged = sender.await.unwrap();
    assert!(acknowledged >= 2_000);

    let server = start(&dir, port).await;
    let rt = realtime(&c, &server).await;
    let offered = rt["groups"][0]["offered_today"].as_u64().unwrap();
    assert!(
        offered >= acknowledged,
        "acknowledged {acknowledged}, replayed {offered}"
    );
    assert!(
        offered <= acknowledged + 20,
        "at most the batch in flight is extra: {offered}"
    );

    // A second restart replays the same log to the same figures.
    let before = event_figures(&rt);
    let mut server = server;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let mut again = start(&dir, port).await;
    assert_eq!(event_figures(&realtime(&c, &again).await), before);
    again.child.kill().unwrap();
    again.child.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_log_follower_killed_mid_file_loses_and_repeats_nothing() {
    let dir = std::env::temp_dir().join(format!("wfm-restart-ql-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("queue_log");
    std::fs::write(&log, "").unwrap();
    let env = [("WFM_QUEUE_LOG", log.display().to_string())];
    let port = free_port();
    let c = Client::new();
    let mut server = start_with(&dir, port, &env).await;
    one_group_one_operator(&c, &server).await;

    // 30,000 calls of 4 s talk, three lines each (about 6 MB: several reads).
    let now = Utc::now().timestamp();
    let first = (now - 600).max(
        Utc::now()
            .duration_trunc(Span::days(1))
            .unwrap()
            .timestamp(),
    );
    let calls = 30_000u64;
    let mut text = String::new();
    for n in 0..calls {
        let t = first + (n as i64 * 500 / calls as i64);
        text += &format!("{t}|c{n}|G|NONE|ENTERQUEUE||555{n}|1\n");
        text += &format!("{t}|c{n}|G|op|CONNECT|0|m{n}|0\n");
        text += &format!("{t}|c{n}|G|op|COMPLETECALLER|0|4|1\n");
    }
    std::fs::write(&log, &text).unwrap();

    // Kill once part of the file is in, before all of it is.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let offered = realtime(&c, &server).await["groups"][0]["offered_today"]
            .as_u64()
            .unwrap_or(0);
        if offered > 0 {
            assert!(
                offered < calls,
                "the whole file went in at once: kill mid-file impossible"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the follower never took the file"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    let mut server = start_with(&dir, port, &env).await;
    let deadline = Instant::now() + Duration::from_secs(120);
    let g = loop {
        let rt = realtime(&c, &server).await;
        let g = rt["groups"][0].clone();
        // The last call's wrap-up ends once the log has been quiet a moment.
        if g["counts"]["handled_today"].as_u64() == Some(calls) {
            break g;
        }
        assert!(
            Instant::now() < deadline,
            "the rest of the file never came: {g}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(g["offered_today"], calls, "each call once: {g}");
    assert_eq!(g["answered_today"], calls, "{g}");
    assert_eq!(
        g["counts"]["handle_seconds_today"],
        4.0 * calls as f64,
        "{g}"
    );
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
