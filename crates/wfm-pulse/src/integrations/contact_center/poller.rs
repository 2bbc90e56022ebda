//! The pull connector: polls a platform that speaks the incumbent's contract, at the
//! contact-center entry of the integration registry (base URL, credentials, timeout), every
//! poll period: `/online/agentStatus` becomes operator status changes (the push's ids, so
//! push and pull of one change count once; an agent gone from the list logged out), and
//! `/online/groupsOnlineLoad` becomes each group's counts (`group_load`). Each poll of an
//! endpoint the registry has enabled is one row of the activity log with its correlation id.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use tokio::sync::watch;
use wfm_core::event::{AgentState, GroupLoad};
use wfm_store::Store;
use wfm_store::integration::NewLogEntry;
use wfm_store::model::Actor;

use super::contract::{
    AGENT_STATUS, AgentOnlineStatus, GROUPS_ONLINE_LOAD, GroupOnlineLoad, PERSONNEL, Personnel,
};
use super::personnel;
use crate::ingest::argus::StatusChange;
use crate::ingest::native::NativeEvent;
use crate::ingest::{Batch, Item, Source};
use crate::integrations::registry::SystemConfig;
use crate::live::Live;

/// The registry's names of the polled endpoints.
pub const AGENT_STATUS_ENDPOINT: &str = "agentStatus";
pub const GROUPS_ONLINE_LOAD_ENDPOINT: &str = "groupsOnlineLoad";
pub const PERSONNEL_ENDPOINT: &str = "personnel";

/// How often `/personnel` is read while enabled.
const PERSONNEL_EVERY: Duration = Duration::from_secs(3600);

/// What the last poll saw of each agent: status code and since when.
type Seen = HashMap<String, (String, DateTime<Utc>)>;

/// Polls until `stop`, every `period`.
pub async fn run(
    live: Arc<Live>,
    store: Arc<dyn Store>,
    period: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let http = reqwest::Client::new();
    let mut seen: Option<Seen> = None;
    let mut personnel_read: Option<Instant> = None;
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
        let Some(config) = contact_center(&*store).await else {
            continue;
        };
        let poll = Poll {
            http: &http,
            store: &*store,
            config: &config,
            correlation_id: uuid::Uuid::new_v4().to_string(),
        };
        let due = personnel_read.is_none_or(|t| t.elapsed() >= PERSONNEL_EVERY);
        if enabled(&config, PERSONNEL_ENDPOINT) && due && poll.personnel(&live).await {
            personnel_read = Some(Instant::now());
        }
        let mut items = Vec::new();
        if enabled(&config, AGENT_STATUS_ENDPOINT) {
            if let Some(now) = poll
                .get::<AgentOnlineStatus>(AGENT_STATUS_ENDPOINT, AGENT_STATUS)
                .await
            {
                items.extend(status_changes(
                    &config.system,
                    seen.as_ref(),
                    &now,
                    Utc::now(),
                ));
                seen = Some(
                    now.into_iter()
                        .map(|a| (a.agent_id, (a.state_code, a.start_date)))
                        .collect(),
                );
            }
        }
        if enabled(&config, GROUPS_ONLINE_LOAD_ENDPOINT) {
            let codes = group_codes(&*store).await;
            if !codes.is_empty() {
                let path = format!("{GROUPS_ONLINE_LOAD}?groupId={}", codes.join(","));
                if let Some(loads) = poll
                    .get::<GroupOnlineLoad>(GROUPS_ONLINE_LOAD_ENDPOINT, &path)
                    .await
                {
                    let at = Utc::now();
                    items.extend(loads.iter().map(|l| Item::Event(group_load(l, at))));
                }
            }
        }
        if items.is_empty() {
            continue;
        }
        let batch = Batch {
            source: Source::ArgusPull,
            items: items.into_iter().enumerate().collect(),
            unreadable: Vec::new(),
        };
        let actor = Actor {
            name: "contact_center".into(),
            correlation_id: poll.correlation_id.clone(),
        };
        if let Err(e) = live.take(batch, &actor).await {
            tracing::warn!(error = %e, "contact-center poll not stored");
        }
    }
}

/// The registry's contact-center entry, if readable.
async fn contact_center(store: &dyn Store) -> Option<SystemConfig> {
    let systems = store.integration_systems().await.ok()?;
    let stored = systems.into_iter().find(|s| s.system == "contact_center")?;
    serde_json::from_value(stored.config).ok()
}

fn enabled(config: &SystemConfig, endpoint: &str) -> bool {
    config.endpoint(endpoint).is_some_and(|e| e.enabled)
}

/// The codes of the groups wfm-pulse knows (the platform's group ids).
async fn group_codes(store: &dyn Store) -> Vec<String> {
    let groups = store.list_groups().await.unwrap_or_default();
    groups.into_iter().filter_map(|g| g.external_id).collect()
}

/// The status changes between two polls: each agent whose status (or its start) changed,
/// as the push would have sent the entry; each agent gone from the list, logged out now.
/// The first poll takes every agent's status as it is.
pub fn status_changes(
    system: &str,
    before: Option<&Seen>,
    now: &[AgentOnlineStatus],
    at: DateTime<Utc>,
) -> Vec<Item> {
    let empty = Seen::new();
    let before = before.unwrap_or(&empty);
    let mut items = Vec::new();
    for a in now {
        let same = before
            .get(&a.agent_id)
            .is_some_and(|(code, since)| *code == a.state_code && *since == a.start_date);
        if !same {
            items.push(Item::Status(StatusChange {
                worker_id: a.agent_id.clone(),
                state_name: a.state_name.clone(),
                state_code: a.state_code.clone(),
                system_id: system.to_string(),
                action_time: a.start_date.timestamp(),
                action: 1,
            }));
        }
    }
    let mut gone: Vec<(&String, &(String, DateTime<Utc>))> = before
        .iter()
        .filter(|(agent, _)| !now.iter().any(|a| &a.agent_id == *agent))
        .collect();
    gone.sort();
    for (agent, (_, since)) in gone {
        items.push(Item::Event(NativeEvent::AgentState {
            id: format!("pull:{system}:{agent}:out:{}", since.timestamp_millis()),
            at,
            agent: agent.clone(),
            state: AgentState::LoggedOut,
            group: None,
        }));
    }
    items
}

/// A group's online load as its counts: handle and wait in all, from the means.
pub fn group_load(l: &GroupOnlineLoad, at: DateTime<Utc>) -> NativeEvent {
    let answered = l.call_answered.unwrap_or(0);
    let processing = l.call_processing.unwrap_or(0);
    let handled = answered.saturating_sub(processing);
    let seconds = |mean_ms: Option<u64>, n: u64| mean_ms.unwrap_or(0) as f64 * n as f64 / 1000.0;
    let count = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    NativeEvent::GroupLoad {
        id: format!("pull:{}:{}", l.group_id, at.timestamp_millis()),
        at,
        group: l.group_id.clone(),
        load: GroupLoad {
            received: count(l.call_received.unwrap_or(0)),
            answered: count(answered),
            answered_within_target: count(l.call_answered_tst.unwrap_or(0)),
            queue: count(l.call_number),
            processing: count(processing),
            handle_seconds: seconds(l.aht, handled),
            wait_seconds: seconds(l.awt, answered),
        },
    }
}

/// One poll: its HTTP client, the entry and the correlation id of its log rows.
struct Poll<'a> {
    http: &'a reqwest::Client,
    store: &'a dyn Store,
    config: &'a SystemConfig,
    correlation_id: String,
}

impl Poll<'_> {
    /// Reads `/personnel` and creates what wfm-pulse lacks; true when it was read.
    async fn personnel(&self, live: &Live) -> bool {
        let count = |p: &Personnel| p.agents.len();
        let Some(p) = self
            .fetch::<Personnel>(PERSONNEL_ENDPOINT, PERSONNEL, count)
            .await
        else {
            return false;
        };
        let actor = Actor {
            name: "contact_center".into(),
            correlation_id: self.correlation_id.clone(),
        };
        let made = match personnel::known(self.store).await {
            Ok(known) => {
                let add = personnel::additions(&p, &known);
                personnel::create(self.store, known, &add, &actor).await
            }
            Err(e) => Err(e),
        };
        match made {
            Ok((0, 0, 0)) => {}
            Ok((services, groups, agents)) => {
                tracing::info!(services, groups, agents, "contact-center personnel created");
                live.changed();
            }
            Err(e) => tracing::warn!(error = %e, "contact-center personnel not taken in"),
        }
        true
    }

    /// GETs `path` and reads the answer, a list; logs the call either way (with the
    /// records it held). None on failure.
    async fn get<T: DeserializeOwned>(&self, endpoint: &str, path: &str) -> Option<Vec<T>> {
        self.fetch(endpoint, path, Vec::len).await
    }

    /// GETs `path` and reads the answer; logs the call either way, with the `records` the
    /// answer held. None on failure.
    async fn fetch<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        path: &str,
        records: fn(&T) -> usize,
    ) -> Option<T> {
        let url = format!("{}{path}", self.config.base_url.trim_end_matches('/'));
        let started = Instant::now();
        let mut req = self
            .http
            .get(&url)
            .timeout(Duration::from_millis(self.config.timeout_ms))
            .header("X-Correlation-ID", &self.correlation_id)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(user) = &self.config.username {
            req = req.basic_auth(user, self.config.password.as_deref());
        }
        let mut row = NewLogEntry {
            at: Utc::now(),
            correlation_id: self.correlation_id.clone(),
            system: "contact_center".into(),
            operation: endpoint.into(),
            direction: "inbound".into(),
            initiator: "system".into(),
            ..NewLogEntry::default()
        };
        let answer = match req.send().await {
            Ok(r) => {
                let status = r.status();
                row.http_status = Some(status.as_u16());
                match r.bytes().await {
                    Ok(body) if status.is_success() => serde_json::from_slice::<T>(&body)
                        .map_err(|e| format!("answer outside the contract: {e}")),
                    Ok(body) => Err(format!(
                        "{status}: {}",
                        String::from_utf8_lossy(&body)
                            .chars()
                            .take(300)
                            .collect::<String>()
                    )),
                    Err(e) => Err(format!("reading the answer failed: {e}")),
                }
            }
            Err(e) if e.is_timeout() => {
                Err(format!("no answer within {} ms", self.config.timeout_ms))
            }
            Err(e) => Err(format!("cannot reach {}: {e}", self.config.base_url)),
        };
        row.latency_ms = Some(started.elapsed().as_millis() as u64);
        let out = match answer {
            Ok(v) => {
                row.outcome = "success".into();
                row.records = Some(records(&v) as u64);
                Some(v)
            }
            Err(e) => {
                row.outcome = "failure".into();
                row.error = Some(e);
                None
            }
        };
        if let Err(e) = self.store.append_integration_log(&[row]).await {
            tracing::error!(error = %e, "integration log not written");
        }
        out
    }
}
