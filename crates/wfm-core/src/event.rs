//! What happens in a contact center, as the engine consumes it: calls offered, answered,
//! abandoned and ended, and operators changing state. Ids are wfm-pulse's own (the ingest
//! edge maps the contact center's logins and group codes to them).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A group's id in wfm-pulse.
pub type GroupId = i64;
/// An operator's id in wfm-pulse.
pub type AgentId = i64;

/// What an operator is doing, as far as the plan is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentState {
    /// On line, waiting for a contact.
    Ready,
    /// On line, handling a contact.
    OnContact,
    /// On line, finishing a contact's after-call work.
    WrapUp,
    Break,
    Lunch,
    Training,
    /// Logged in but not taking contacts (and not on a planned break).
    NotReady,
    LoggedOut,
}

impl AgentState {
    pub const ALL: [AgentState; 8] = [
        AgentState::Ready,
        AgentState::OnContact,
        AgentState::WrapUp,
        AgentState::Break,
        AgentState::Lunch,
        AgentState::Training,
        AgentState::NotReady,
        AgentState::LoggedOut,
    ];

    /// On line: ready, on a contact or in wrap-up (DESIGN.md, operators online).
    pub fn is_on_line(self) -> bool {
        matches!(
            self,
            AgentState::Ready | AgentState::OnContact | AgentState::WrapUp
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AgentState::Ready => "ready",
            AgentState::OnContact => "on_contact",
            AgentState::WrapUp => "wrap_up",
            AgentState::Break => "break",
            AgentState::Lunch => "lunch",
            AgentState::Training => "training",
            AgentState::NotReady => "not_ready",
            AgentState::LoggedOut => "logged_out",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        AgentState::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// A call entered the group's queue.
    CallOffered {
        call_id: String,
        group_id: GroupId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        customer_id: Option<String>,
    },
    /// An operator picked the call up; its wait ends here.
    CallAnswered { call_id: String, agent_id: AgentId },
    /// The caller hung up before an answer.
    CallAbandoned { call_id: String },
    /// Conversation over: talk and hold time; after-call work starts.
    CallEnded {
        call_id: String,
        talk_seconds: f64,
        hold_seconds: f64,
    },
    /// After-call work of the call is finished.
    WrapUpEnded { call_id: String },
    /// A platform's counts of a group's day so far (its online load, as the incumbent's
    /// `groupsOnlineLoad` reports it), for platforms that give counts rather than calls: the
    /// engine counts what changed since the group's last report of the day.
    GroupLoad {
        group_id: GroupId,
        #[serde(flatten)]
        load: GroupLoad,
    },
    /// An operator's state changed; `group_id` when the platform says which group it
    /// serves in that state.
    AgentStateChanged {
        agent_id: AgentId,
        state: AgentState,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group_id: Option<GroupId>,
    },
}

/// A group's day so far as a platform counts it.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct GroupLoad {
    /// Contacts received since the day's start.
    pub received: u32,
    /// Of those, answered.
    pub answered: u32,
    /// Of those, answered within the group's target wait.
    pub answered_within_target: u32,
    /// Waiting in the queue now.
    pub queue: u32,
    /// With an operator now: answered, not yet handled to the end.
    pub processing: u32,
    /// Handle time of the answered contacts handled to the end (answered - processing),
    /// seconds in all.
    pub handle_seconds: f64,
    /// Wait of the answered contacts, seconds in all.
    pub wait_seconds: f64,
}

/// An event as the engine applies it: in `seq` order (the store's commit order), at the
/// instant it happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the event log; strictly increasing.
    pub seq: i64,
    /// When it happened in the contact center.
    pub at: DateTime<Utc>,
    pub kind: EventKind,
}
