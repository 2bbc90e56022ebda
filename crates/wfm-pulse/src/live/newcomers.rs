//! Agents and groups a feed names that wfm-pulse does not know yet (`WFM_INGEST_UNKNOWN=create`):
//! created only for events that pass every other check, so a rejected event writes nothing.
//!
//! A batch is resolved against the directory plus provisional (negative) ids for the names
//! that could be created; the names used by events the checks accept are created, and those
//! events are given the real ids.

use std::collections::HashMap;

use wfm_core::event::EventKind;
use wfm_store::live::NewEvent;
use wfm_store::model::{Actor, AgentInput, GroupInput};
use wfm_store::{Store, StoreError};

use crate::ingest::{Directory, Reason, Rejection};

/// Names a batch uses, and who sent it (the creations are audited as the feed's principal).
pub struct Newcomers {
    pub logins: Vec<String>,
    pub codes: Vec<String>,
    pub actor: Actor,
}

/// The names of a batch that are unknown and could be created, with their provisional ids.
pub struct Creatable {
    agents: Vec<(AgentInput, i64)>,
    groups: Vec<(GroupInput, i64)>,
    actor: Actor,
}

impl Creatable {
    /// The unknown names of `n` that can be created: in the first site and its first
    /// service, with valid names. `None` when there are none.
    pub async fn find(
        store: &dyn Store,
        known: &Directory,
        n: Newcomers,
    ) -> Result<Option<Creatable>, StoreError> {
        let logins = unknown(n.logins, &known.agents);
        let codes = unknown(n.codes, &known.groups);
        if logins.is_empty() && codes.is_empty() {
            return Ok(None);
        }
        let Some(site) = store.list_sites().await?.into_iter().next() else {
            return Ok(None);
        };
        let service = store
            .list_services()
            .await?
            .into_iter()
            .find(|s| s.site_id == site.id);
        let groups = service
            .map(|service| {
                codes
                    .iter()
                    .filter_map(|code| {
                        serde_json::from_value::<GroupInput>(serde_json::json!({
                            "service_id": service.id, "name": code, "external_id": code
                        }))
                        .ok()
                    })
                    .filter(|input| input.validate().is_ok())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let agents: Vec<AgentInput> = logins
            .into_iter()
            .map(|login| AgentInput {
                full_name: login.clone(),
                external_id: login,
                personnel_number: None,
                site_id: site.id,
                primary_group_id: None,
                active: true,
                skills: Vec::new(),
            })
            .filter(|input| input.validate().is_ok())
            .collect();
        if agents.is_empty() && groups.is_empty() {
            return Ok(None);
        }
        Ok(Some(Creatable {
            agents: numbered(agents),
            groups: numbered(groups),
            actor: n.actor,
        }))
    }

    /// `known` with the provisional ids added.
    pub fn provisional(&self, known: &Directory) -> Directory {
        let mut d = known.clone();
        for (a, id) in &self.agents {
            d.agents.insert(a.external_id.clone(), *id);
        }
        for (g, id) in &self.groups {
            if let Some(code) = &g.external_id {
                d.groups.insert(code.clone(), *id);
            }
        }
        d
    }

    /// Creates the names the accepted `events` use; returns whether any was created (the
    /// engine must then be rebuilt before the events are given their ids).
    pub async fn create_used(
        &self,
        store: &dyn Store,
        events: &[NewEvent],
    ) -> Result<bool, StoreError> {
        let (agents, groups) = used(events);
        let mut created = false;
        for (input, id) in &self.groups {
            if groups.contains(id) {
                created |= exists_or_created(store.create_group(input, &self.actor).await)?;
            }
        }
        for (input, id) in &self.agents {
            if agents.contains(id) {
                created |= exists_or_created(store.create_agent(input, &self.actor).await)?;
            }
        }
        Ok(created)
    }

    /// Gives `events` the real ids from `known` (the rebuilt directory); an event whose name
    /// could still not be created is rejected as an unknown reference.
    pub fn assign(
        &self,
        events: Vec<NewEvent>,
        known: &Directory,
        index_of: &HashMap<String, usize>,
    ) -> (Vec<NewEvent>, Vec<Rejection>) {
        let agent = |id: i64| -> Result<i64, String> {
            if id >= 0 {
                return Ok(id);
            }
            let login = self
                .agents
                .iter()
                .find(|(_, p)| *p == id)
                .map(|(a, _)| &a.external_id);
            login
                .and_then(|l| known.agents.get(l).copied())
                .ok_or_else(|| {
                    format!(
                        "no agent with login {:?}",
                        login.cloned().unwrap_or_default()
                    )
                })
        };
        let group = |id: i64| -> Result<i64, String> {
            if id >= 0 {
                return Ok(id);
            }
            let code = self
                .groups
                .iter()
                .find(|(_, p)| *p == id)
                .and_then(|(g, _)| g.external_id.clone());
            code.as_ref()
                .and_then(|c| known.groups.get(c).copied())
                .ok_or_else(|| format!("no group {:?}", code.unwrap_or_default()))
        };
        let mut kept = Vec::with_capacity(events.len());
        let mut rejected = Vec::new();
        for mut e in events {
            let outcome = match &mut e.kind {
                EventKind::CallOffered { group_id, .. } => group(*group_id).map(|g| *group_id = g),
                EventKind::CallAnswered { agent_id, .. } => agent(*agent_id).map(|a| *agent_id = a),
                EventKind::AgentStateChanged {
                    agent_id, group_id, ..
                } => agent(*agent_id).and_then(|a| {
                    *agent_id = a;
                    if let Some(g) = group_id {
                        *g = group(*g)?;
                    }
                    Ok(())
                }),
                _ => Ok(()),
            };
            match outcome {
                Ok(()) => kept.push(e),
                Err(message) => rejected.push(Rejection {
                    index: index_of.get(&e.event_id).copied().unwrap_or_default(),
                    event_id: Some(e.event_id),
                    reason: Reason::UnknownReference,
                    field: None,
                    message,
                }),
            }
        }
        (kept, rejected)
    }
}

/// The names not in `known`, each once.
fn unknown(mut names: Vec<String>, known: &HashMap<String, i64>) -> Vec<String> {
    names.retain(|n| !known.contains_key(n));
    names.sort_unstable();
    names.dedup();
    names
}

/// Provisional ids: -1, -2, ... (real ids are positive).
fn numbered<T>(items: Vec<T>) -> Vec<(T, i64)> {
    items.into_iter().zip((1..).map(|i: i64| -i)).collect()
}

/// The provisional agent and group ids the events use.
fn used(events: &[NewEvent]) -> (Vec<i64>, Vec<i64>) {
    let mut agents = Vec::new();
    let mut groups = Vec::new();
    for e in events {
        match &e.kind {
            EventKind::CallOffered { group_id, .. } => groups.push(*group_id),
            EventKind::CallAnswered { agent_id, .. } => agents.push(*agent_id),
            EventKind::AgentStateChanged {
                agent_id, group_id, ..
            } => {
                agents.push(*agent_id);
                groups.extend(*group_id);
            }
            _ => {}
        }
    }
    agents.retain(|id| *id < 0);
    groups.retain(|id| *id < 0);
    (agents, groups)
}

/// A creation that met a name made meanwhile (a manager, or another instance) is no failure:
/// the rebuilt directory has it either way.
fn exists_or_created<T>(r: Result<T, StoreError>) -> Result<bool, StoreError> {
    match r {
        Ok(_) => Ok(true),
        Err(StoreError::Conflict(_)) => Ok(true),
        Err(e) => Err(e),
    }
}
