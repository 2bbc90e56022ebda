//! A real wfm-pulse server on an ephemeral port with its own SQLite database, for tests.

#![allow(dead_code)]

pub mod backend;
pub mod browser;
pub mod center;
pub mod registry;
pub mod setup;
pub mod smtp_sink;

use std::collections::HashMap;
use std::path::PathBuf;

use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use wfm_pulse::auth::token::TokenKeys;
use wfm_pulse::config::Config;
use wfm_store::model::Role;

pub const SECRET: &str = "test-secret-test-secret-test-secret-0123";

pub struct TestServer {
    pub base: String,
    pub state: wfm_pulse::state::AppState,
    pub client: reqwest::Client,
    database_url: String,
    keys: TokenKeys,
    dir: PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    /// A server with generous rate limits.
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// A server with extra `WFM_*` settings.
    pub async fn start_with(settings: &[(&str, &str)]) -> Self {
        let dir = std::env::temp_dir().join(format!("wfm-pulse-test-{}", uuid::Uuid::new_v4()));
        let mut env: HashMap<String, String> = [
            ("WFM_DATA_DIR", dir.to_str().unwrap()),
            ("WFM_JWT_SECRET", SECRET),
            ("WFM_RATE_LIMIT_READ", "10000"),
            ("WFM_RATE_LIMIT_WRITE", "10000"),
            ("WFM_LOG", "warn"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (k, v) in settings {
            env.insert(k.to_string(), v.to_string());
        }
        let config = Config::resolve(None, &|k| env.get(k).cloned()).unwrap();
        let state = wfm_pulse::app::prepare(&config).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(wfm_pulse::app::serve(listener, state.clone(), async {
            let _ = rx.await;
        }));
        TestServer {
            base,
            state,
            client: reqwest::Client::new(),
            database_url: config.database_url.clone(),
            keys: TokenKeys::new(SECRET.as_bytes(), None).unwrap(),
            dir,
            shutdown: Some(tx),
            handle: Some(handle),
        }
    }

    /// The database the server keeps its data in.
    pub fn database_url(&self) -> String {
        self.database_url.clone()
    }

    pub fn token(&self, role: Role) -> String {
        self.token_for("tester", role, 3600)
    }

    pub fn token_for(&self, subject: &str, role: Role, ttl: i64) -> String {
        self.keys
            .issue(subject, role, chrono::Utc::now().timestamp(), ttl)
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base))
    }

    /// Sends `body` (if any) as `role`; returns status and parsed JSON (Null when empty).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        role: Role,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self.request(method, path).bearer_auth(self.token(role));
        if let Some(b) = body {
            req = req.json(&b);
        }
        read(req.send().await.unwrap()).await
    }

    /// Stops the server gracefully and waits until it has stopped.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            h.await.unwrap().unwrap();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Status and JSON body (Null when the body is empty).
pub async fn read(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

/// Polls `probe` every 50 ms until it gives a value; fails naming `what` after `secs`.
pub async fn eventually<T>(what: &str, secs: u64, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{what} did not happen within {secs} s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
