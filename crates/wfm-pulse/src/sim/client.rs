//! A small client of wfm-pulse's own API, for the simulators and the demo: JSON in and out,
//! errors as readable text.

use reqwest::{Client, Method};
use serde_json::Value;

/// A server and the token to call it with.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    token: String,
    client: Client,
}

impl Api {
    pub fn new(base: &str, token: String) -> Self {
        Api {
            base: base.trim_end_matches('/').to_string(),
            token,
            client: Client::new(),
        }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, String> {
        let mut req = self
            .client
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(b);
        }
        let r = req
            .send()
            .await
            .map_err(|e| format!("cannot reach {}: {e}", self.base))?;
        let status = r.status();
        let text = r.text().await.map_err(|e| e.to_string())?;
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
