//! Gherkin scenarios (tests/features) run against a real server per scenario.

mod access;
mod alerts;
mod calculator;
#[path = "../api/common/mod.rs"]
mod common;
mod structure;

use std::collections::HashMap;
use std::fmt;

use common::TestServer;
use cucumber::World;
use reqwest::Method;
use serde_json::Value;
use wfm_store::model::Role;

/// One scenario's world: its own server, who I am, and the last answer.
#[derive(World)]
#[world(init = Self::new)]
pub struct Pulse {
    server: TestServer,
    /// The bearer token I send; `None` when not signed in.
    token: Option<String>,
    /// Status and body of the last request.
    last: (u16, Value),
    /// Ids of things created by name ("site Moscow", "group Line 1").
    ids: HashMap<String, i64>,
    /// API keys made in the scenario, by name.
    keys: HashMap<String, (i64, String)>,
}

impl fmt::Debug for Pulse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pulse")
            .field("server", &self.server.base)
            .field("last", &self.last)
            .field("ids", &self.ids)
            .finish()
    }
}

impl Pulse {
    async fn new() -> Self {
        Pulse {
            server: TestServer::start().await,
            token: None,
            last: (0, Value::Null),
            ids: HashMap::new(),
            keys: HashMap::new(),
        }
    }

    /// Sends a request as me and keeps the answer.
    async fn send(&mut self, method: Method, path: &str, body: Option<Value>) -> &(u16, Value) {
        let mut req = self.server.request(method, path);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        self.last = common::read(req.send().await.unwrap()).await;
        &self.last
    }

    /// Sends a request as a manager behind the scenes (set-up steps), returning the body.
    async fn as_manager(&mut self, method: Method, path: &str, body: Value) -> Value {
        let (status, body) = self
            .server
            .call(method, path, Role::Manager, Some(body))
            .await;
        assert!(status < 300, "set-up failed with {status}: {body}");
        body
    }

    fn id(&self, name: &str) -> i64 {
        *self
            .ids
            .get(name)
            .unwrap_or_else(|| panic!("nothing named {name:?} in this scenario"))
    }
}

fn parse_role(word: &str) -> Role {
    Role::parse(word).unwrap_or_else(|| panic!("no role {word:?}"))
}

#[tokio::main]
async fn main() {
    Pulse::cucumber()
        .fail_on_skipped()
        .with_default_cli()
        .run_and_exit(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/features"))
        .await;
}
