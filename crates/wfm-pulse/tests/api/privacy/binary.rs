//! The real wfm-pulse binary as a subprocess, its log (stderr, at debug) appended to a file,
//! and a small HTTP client for it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use reqwest::{Client, Method};
use serde_json::Value;
use wfm_store::model::Role;

pub const SECRET: &str = "privacy-secret-privacy-secret-privacy-1";

pub struct Binary {
    child: Child,
    pub base: String,
    client: Client,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Binary {
    /// Starts `wfm-pulse serve` on `dir` and `port`, logging at debug to `log` (appended).
    pub async fn start(dir: &Path, port: u16, log: &Path) -> Binary {
        Self::launch(dir, port, log, Some(SECRET)).await
    }

    /// Starts it with no JWT secret configured: it generates one into `dir`. Only the
    /// unauthenticated endpoints answer this test's tokens.
    pub async fn start_generating_secret(dir: &Path, port: u16, log: &Path) -> Binary {
        Self::launch(dir, port, log, None).await
    }

    async fn launch(dir: &Path, port: u16, log: &Path, secret: Option<&str>) -> Binary {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_wfm-pulse"));
        // Not inherited: without one configured, the server generates its own.
        command.env_remove("WFM_JWT_SECRET");
        if let Some(secret) = secret {
            command.env("WFM_JWT_SECRET", secret);
        }
        let child = command
            .arg("serve")
            .env("WFM_DATA_DIR", dir)
            .env("WFM_BIND", format!("127.0.0.1:{port}"))
            .env("WFM_RATE_LIMIT_READ", "100000")
            .env("WFM_RATE_LIMIT_WRITE", "100000")
            .env("WFM_RATE_LIMIT_INGEST", "100000")
            .env("WFM_LOG", "debug")
            .env("WFM_LOG_FORMAT", "text")
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let client = Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while client.get(format!("{base}/readyz")).send().await.is_err() {
            assert!(Instant::now() < deadline, "the server did not come up");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Binary {
            child,
            base,
            client,
        }
    }

    pub fn token(role: Role) -> String {
        let keys = wfm_pulse::auth::token::TokenKeys::new(SECRET.as_bytes(), None).unwrap();
        keys.issue("privacy-test", role, Utc::now().timestamp(), 3600)
    }

    /// Sends `body` (if any) as `role`; status and JSON (the text as a string if not JSON).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        role: Role,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(Self::token(role));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }

    /// Asks the server to stop (SIGTERM) and waits until it has; kills it after 30 s.
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the server did not stop within 30 s of SIGTERM");
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A fresh data directory.
pub fn data_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wfm-privacy-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
