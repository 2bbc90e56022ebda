//! The native event feed's wire shape (`POST /api/v1/events`): calls and operator states
//! as a contact-center platform sends them, operators named by login and groups by code.
//! The ingest edge reads it; the simulator writes it.

use crate::event::{AgentId, AgentState, Event, EventKind, GroupId, GroupLoad};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One event of the native feed; serializes as a JSON object tagged by `type`.
///
/// `id` is unique and stable for a seed; `at` has millisecond precision, so a JSON round
/// trip gives the same instant back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FeedEvent {
    /// A call entered the queue of `group`.
    CallOffered {
        id: String,
        at: DateTime<Utc>,
        call_id: String,
        /// The group's code.
        group: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        customer_id: Option<String>,
    },
    /// The operator with login `agent` picked the call up.
    CallAnswered {
        id: String,
        at: DateTime<Utc>,
        call_id: String,
        agent: String,
    },
    /// The caller hung up before an answer.
    CallAbandoned {
        id: String,
        at: DateTime<Utc>,
        call_id: String,
    },
    /// Conversation over; after-call work starts.
    CallEnded {
        id: String,
        at: DateTime<Utc>,
        call_id: String,
        talk_seconds: f64,
        #[serde(default)]
        hold_seconds: f64,
    },
    /// After-call work of the call is finished.
    WrapUpEnded {
        id: String,
        at: DateTime<Utc>,
        call_id: String,
    },
    /// The day so far of the group with code `group`, as a platform that reports counts
    /// rather than calls counts it (received, answered, answered within the target wait,
    /// in queue and with an operator now, handle and wait seconds in all).
    GroupLoad {
        id: String,
        at: DateTime<Utc>,
        group: String,
        #[serde(flatten)]
        load: GroupLoad,
    },
    /// The operator with login `agent` changed state (or, when ready, line). `group` is
    /// the code of the group served in that state: the line segment's group when ready,
    /// the call's group on contact and in wrap-up, none otherwise.
    AgentState {
        id: String,
        at: DateTime<Utc>,
        agent: String,
        state: AgentState,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<String>,
    },
}

impl FeedEvent {
    /// The event's id.
    pub fn id(&self) -> &str {
        match self {
            FeedEvent::CallOffered { id, .. }
            | FeedEvent::CallAnswered { id, .. }
            | FeedEvent::CallAbandoned { id, .. }
            | FeedEvent::CallEnded { id, .. }
            | FeedEvent::WrapUpEnded { id, .. }
            | FeedEvent::GroupLoad { id, .. }
            | FeedEvent::AgentState { id, .. } => id,
        }
    }

    /// When it happened.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            FeedEvent::CallOffered { at, .. }
            | FeedEvent::CallAnswered { at, .. }
            | FeedEvent::CallAbandoned { at, .. }
            | FeedEvent::CallEnded { at, .. }
            | FeedEvent::WrapUpEnded { at, .. }
            | FeedEvent::GroupLoad { at, .. }
            | FeedEvent::AgentState { at, .. } => *at,
        }
    }

    /// The call it is about, for call events.
    pub fn call_id(&self) -> Option<&str> {
        match self {
            FeedEvent::CallOffered { call_id, .. }
            | FeedEvent::CallAnswered { call_id, .. }
            | FeedEvent::CallAbandoned { call_id, .. }
            | FeedEvent::CallEnded { call_id, .. }
            | FeedEvent::WrapUpEnded { call_id, .. } => Some(call_id),
            FeedEvent::AgentState { .. } | FeedEvent::GroupLoad { .. } => None,
        }
    }

    /// The operator it names: the answering operator or the one changing state.
    pub fn agent(&self) -> Option<&str> {
        match self {
            FeedEvent::CallAnswered { agent, .. } | FeedEvent::AgentState { agent, .. } => {
                Some(agent)
            }
            _ => None,
        }
    }

    /// The event as the engine applies it, logins and group codes resolved by `agent`
    /// and `group`; `None` when either does not know a name.
    pub fn resolve(
        self,
        seq: i64,
        agent: impl Fn(&str) -> Option<AgentId>,
        group: impl Fn(&str) -> Option<GroupId>,
    ) -> Option<Event> {
        let at = self.at();
        let kind = self
            .kind(|a| agent(a).ok_or(()), |g| group(g).ok_or(()))
            .ok()?;
        Some(Event { seq, at, kind })
    }

    /// What the event tells the engine, logins and group codes resolved by `agent` and
    /// `group`; the first name either refuses is the error (the ingest edge reports it
    /// with the field).
    pub fn kind<E>(
        self,
        agent: impl Fn(&str) -> Result<AgentId, E>,
        group: impl Fn(&str) -> Result<GroupId, E>,
    ) -> Result<EventKind, E> {
        Ok(match self {
            FeedEvent::CallOffered {
                call_id,
                group: code,
                customer_id,
                ..
            } => EventKind::CallOffered {
                call_id,
                group_id: group(&code)?,
                customer_id,
            },
            FeedEvent::CallAnswered {
                call_id, agent: a, ..
            } => EventKind::CallAnswered {
                call_id,
                agent_id: agent(&a)?,
            },
            FeedEvent::CallAbandoned { call_id, .. } => EventKind::CallAbandoned { call_id },
            FeedEvent::CallEnded {
                call_id,
                talk_seconds,
                hold_seconds,
                ..
            } => EventKind::CallEnded {
                call_id,
                talk_seconds,
                hold_seconds,
            },
            FeedEvent::WrapUpEnded { call_id, .. } => EventKind::WrapUpEnded { call_id },
            FeedEvent::GroupLoad {
                group: code, load, ..
            } => EventKind::GroupLoad {
                group_id: group(&code)?,
                load,
            },
            FeedEvent::AgentState {
                agent: a,
                state,
                group: code,
                ..
            } => EventKind::AgentStateChanged {
                agent_id: agent(&a)?,
                state,
                group_id: code.map(|code| group(&code)).transpose()?,
            },
        })
    }
}
