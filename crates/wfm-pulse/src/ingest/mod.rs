//! Ingest: contact-center data in. Parses each source into one batch shape, maps the
//! platform's names to wfm-pulse ids, validates each event, and says per item what happened
//! to it.

pub mod argus;
pub mod batch;
pub mod check;
pub mod native;
pub mod queue_log;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use wfm_core::event::{AgentId, AgentState, EventKind, GroupId};
use wfm_store::live::NewEvent;
use wfm_store::privacy::ErasedPerson;

pub use batch::{Batch, Feed, Item, Source};
pub use check::{Checks, order_and_check};

/// Why an item was turned away (the data-quality categories).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// A required field is missing or of the wrong type.
    Incomplete,
    /// A value out of range: a time too far in the future or past, a negative duration.
    Unreasonable,
    /// Too late for its place in the stream, or before the event it follows.
    OutOfOrder,
    /// Names an agent, group, call or state code wfm-pulse does not know.
    UnknownReference,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Incomplete => "incomplete",
            Reason::Unreasonable => "unreasonable",
            Reason::OutOfOrder => "out_of_order",
            Reason::UnknownReference => "unknown_reference",
        }
    }
}

/// One item turned away, and why.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Rejection {
    /// Position of the item in the request, from 0.
    pub index: usize,
    pub event_id: Option<String>,
    pub reason: Reason,
    pub field: Option<String>,
    pub message: String,
}

/// A rejected item as kept for the data-quality view: when, which item, why. It holds
/// nothing of the item beyond what the rejection names.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RejectionSample {
    /// When it was rejected.
    pub at: DateTime<Utc>,
    pub event_id: Option<String>,
    /// Position of the item in its request, from 0.
    pub index: usize,
    pub field: Option<String>,
    pub message: String,
}

impl RejectionSample {
    /// A rejection sample with the person scrubbed out: the login in its event id becomes the
    /// pseudonym (as in the event log), any identifier in its message `[erased]`. None when it
    /// does not name them.
    pub fn scrubbed(&self, person: &ErasedPerson) -> Option<RejectionSample> {
        let event_id = self
            .event_id
            .as_deref()
            .and_then(|id| person.scrub_event_id(id));
        let field = self.field.as_deref().and_then(|f| person.scrub_text(f));
        let message = person.scrub_text(&self.message);
        if event_id.is_none() && field.is_none() && message.is_none() {
            return None;
        }
        Some(RejectionSample {
            event_id: event_id.or_else(|| self.event_id.clone()),
            field: field.or_else(|| self.field.clone()),
            message: message.unwrap_or_else(|| self.message.clone()),
            ..self.clone()
        })
    }
}

/// Rejected items of one source and reason since start, with the newest of them.
#[derive(Debug, Serialize, ToSchema)]
pub struct RejectedInput {
    pub source: Source,
    pub reason: Reason,
    pub count: u64,
    /// The newest (at most 20), oldest first.
    pub samples: Vec<RejectionSample>,
}

/// The answer to an ingest request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct IngestReport {
    /// Stored and applied.
    pub accepted: usize,
    /// Already stored earlier (same id): nothing done.
    pub duplicate: usize,
    /// Accepted but changing nothing by themselves (a status exit, which the next entry
    /// completes).
    pub ignored: usize,
    pub rejected: usize,
    pub rejections: Vec<Rejection>,
}

/// An event that passed parsing and name resolution, awaiting the ordering checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub index: usize,
    pub event: NewEvent,
}

/// The platform's names for what wfm-pulse knows: logins, group codes, status codes.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    pub agents: HashMap<String, AgentId>,
    /// Group codes (`external_id`) and wfm-pulse ids written as text.
    pub groups: HashMap<String, GroupId>,
    pub state_codes: HashMap<String, AgentState>,
}

impl Directory {
    /// The names as the store has them now.
    pub async fn load(store: &dyn wfm_store::Store) -> Result<Directory, wfm_store::StoreError> {
        let mut d = Directory::default();
        for g in store.list_groups().await? {
            d.groups.insert(g.id.to_string(), g.id);
            if let Some(code) = g.external_id {
                d.groups.insert(code, g.id);
            }
        }
        for a in store.list_agents().await? {
            d.agents.insert(a.external_id, a.id);
        }
        for c in store.state_codes().await? {
            d.state_codes.insert(c.code, c.state);
        }
        Ok(d)
    }
}

fn reject(
    index: usize,
    event_id: Option<String>,
    reason: Reason,
    field: &str,
    message: String,
) -> Rejection {
    Rejection {
        index,
        event_id,
        reason,
        field: Some(field.to_string()),
        message,
    }
}

impl Directory {
    fn agent(
        &self,
        index: usize,
        id: &str,
        login: &str,
        field: &str,
    ) -> Result<AgentId, Rejection> {
        self.agents.get(login).copied().ok_or_else(|| {
            reject(
                index,
                Some(id.into()),
                Reason::UnknownReference,
                field,
                format!("no agent with login {login:?}"),
            )
        })
    }

    fn group(&self, index: usize, id: &str, code: &str) -> Result<GroupId, Rejection> {
        self.groups.get(code).copied().ok_or_else(|| {
            reject(
                index,
                Some(id.into()),
                Reason::UnknownReference,
                "group",
                format!("no group {code:?}"),
            )
        })
    }

    /// Resolves one native event that came from `source`.
    pub fn native(
        &self,
        index: usize,
        e: native::NativeEvent,
        source: Source,
    ) -> Result<Candidate, Rejection> {
        let event_id = e.id().to_string();
        let at = e.at();
        let kind = e.kind(
            |login| self.agent(index, &event_id, login, "agent"),
            |code| self.group(index, &event_id, code),
        )?;
        Ok(Candidate {
            index,
            event: NewEvent {
                event_id,
                source: source.as_str(),
                at,
                kind,
            },
        })
    }

    /// Resolves one status change that came from `source`; `Ok(None)` for an exit, which
    /// changes nothing alone.
    pub fn status(
        &self,
        index: usize,
        s: &argus::StatusChange,
        source: Source,
    ) -> Result<Option<Candidate>, Rejection> {
        let id = s.event_id();
        let bad = |reason, field: &str, message: String| {
            reject(index, Some(id.clone()), reason, field, message)
        };
        let at = DateTime::<Utc>::from_timestamp(s.action_time, 0).ok_or_else(|| {
            bad(
                Reason::Unreasonable,
                "actionTime",
                format!("{} is not a time", s.action_time),
            )
        })?;
        match s.action {
            0 => return Ok(None),
            1 => {}
            other => {
                return Err(bad(
                    Reason::Unreasonable,
                    "action",
                    format!("{other} is neither 1 (entry) nor 0 (exit)"),
                ));
            }
        }
        let agent_id = self.agent(index, &id, &s.worker_id, "workerId")?;
        let state = *self.state_codes.get(&s.state_code).ok_or_else(|| {
            bad(
                Reason::UnknownReference,
                "stateCode",
                format!("state code {:?} is not in the state map", s.state_code),
            )
        })?;
        Ok(Some(Candidate {
            index,
            event: NewEvent {
                event_id: id,
                source: source.as_str(),
                at,
                kind: EventKind::AgentStateChanged {
                    agent_id,
                    state,
                    group_id: None,
                },
            },
        }))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An erased person whose identifiers are unlike anything else in a test.
    pub(crate) fn person() -> ErasedPerson {
        ErasedPerson {
            agent_id: Some(7),
            uid: Some("uid-Qzx-1".into()),
            logins: vec!["qz.login".into(), "7".into()],
            identifiers: vec![
                "uid-Qzx-1".into(),
                "qz.login".into(),
                "7".into(),
                "TN-Qz77".into(),
                "Qzxjvkpw Ywmtrlqb".into(),
            ],
            pseudonym: Some("erased-00ff".into()),
        }
    }

    fn rejected(event_id: Option<&str>, message: &str) -> RejectionSample {
        RejectionSample {
            at: Utc::now(),
            event_id: event_id.map(String::from),
            index: 3,
            field: Some("workerId".into()),
            message: message.into(),
        }
    }

    #[test]
    fn samples_lose_the_login_in_event_ids_and_messages() {
        let s = rejected(
            Some("argus:CC:qz.login:Bogus:1700000000:1"),
            r#"state code "Bogus" is not in the state map"#,
        );
        let out = s.scrubbed(&person()).unwrap();
        assert_eq!(
            out.event_id.as_deref(),
            Some("argus:CC:erased-00ff:Bogus:1700000000:1")
        );
        assert_eq!((&out.message, out.index, out.at), (&s.message, 3, s.at));

        let s = rejected(Some("argus:CC:7:Ready:1:1"), r#"no agent with login "7""#);
        let out = s.scrubbed(&person()).unwrap();
        assert_eq!(
            out.event_id.as_deref(),
            Some("argus:CC:erased-00ff:Ready:1:1")
        );
        assert_eq!(out.message, r#"no agent with login "[erased]""#);

        let s = rejected(Some("e-qz.login-1"), "invalid type: qz.login");
        let out = s.scrubbed(&person()).unwrap();
        assert_eq!(
            (out.event_id.as_deref(), out.message.as_str()),
            (Some("e-[erased]-1"), "invalid type: [erased]")
        );

        let other = rejected(
            Some("argus:CC:someone:Ready:1:1"),
            "no agent with login \"someone\"",
        );
        assert_eq!(other.scrubbed(&person()), None);
    }
}
