//! A small client of wfm-pulse's own API, for the simulators and the demo: JSON in and out,
//! errors as readable text, rate limits honoured.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::{Client, Method, StatusCode, header};
use serde_json::Value;

/// How often a rate-limited request is tried in all.
const MAX_ATTEMPTS: u32 = 10;

/// A server and the token to call it with.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    token: String,
    client: Client,
    /// Sent as `X-Correlation-ID`, so that the changes made are found in the audit log.
    correlation_id: Option<String>,
    /// 429 answers waited out, by this client and its clones.
    rate_limited: Arc<AtomicU64>,
}

impl Api {
    pub fn new(base: &str, token: String) -> Self {
        Api {
            base: base.trim_end_matches('/').to_string(),
            token,
            client: Client::new(),
            correlation_id: None,
            rate_limited: Arc::default(),
        }
    }

    /// The same client, sending `id` as the correlation id of every request.
    pub fn with_correlation_id(&self, id: &str) -> Api {
        Api {
            correlation_id: Some(id.to_string()),
            ..self.clone()
        }
    }

    /// How many times the server answered 429 (each waited out and tried again).
    pub fn rate_limited(&self) -> u64 {
        self.rate_limited.load(Ordering::Relaxed)
    }

    /// Sends a request; a 429 is tried again after the Retry-After the server gave.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, String> {
        let mut attempts = 0;
        let response = loop {
            let mut req = self
                .client
                .request(method.clone(), format!("{}{path}", self.base))
                .bearer_auth(&self.token);
            if let Some(b) = body {
                req = req.json(b);
            }
            if let Some(id) = &self.correlation_id {
                req = req.header("x-correlation-id", id);
            }
            let r = req
                .send()
                .await
                .map_err(|e| format!("cannot reach {}: {e}", self.base))?;
            attempts += 1;
            if r.status() != StatusCode::TOO_MANY_REQUESTS || attempts >= MAX_ATTEMPTS {
                break r;
            }
            self.rate_limited.fetch_add(1, Ordering::Relaxed);
            let wait = r
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(1)
                .min(30);
            tokio::time::sleep(Duration::from_secs(wait)).await;
        };
        let status = response.status();
        let text = response.text().await.map_err(|e| e.to_string())?;
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        if status.is_success() {
            Ok(value)
        } else {
            Err(format!("{method} {path}: {status}: {value}"))
        }
    }

    pub async fn get(&self, path: &str) -> Result<Value, String> {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        self.send(Method::POST, path, Some(&body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Result<Value, String> {
        self.send(Method::PUT, path, Some(&body)).await
    }
}
