//! What the engine writes as things happen, compactly (positions and milliseconds),
//! and how it becomes the feed: ids, instants, logins and group codes.

use chrono::{DateTime, Duration, Utc};
use wfm_core::event::AgentState;

use super::Simulator;
use wfm_core::feed::FeedEvent;

/// What happened, compactly; turned into [`FeedEvent`]s when handed out.
#[derive(Debug, Clone, Copy)]
pub(super) enum Record {
    Offered {
        call: u64,
        group: usize,
    },
    Answered {
        call: u64,
        agent: usize,
    },
    Abandoned {
        call: u64,
    },
    Ended {
        call: u64,
        talk_ms: i64,
        hold_ms: i64,
    },
    WrapUpEnded {
        call: u64,
    },
    State {
        agent: usize,
        state: AgentState,
        group: Option<usize>,
    },
}

impl Simulator {
    fn call_id(&self, call: u64) -> String {
        format!("sim-{}-call-{call}", self.seed)
    }

    pub(super) fn feed_event(&mut self, at_ms: i64, record: Record) -> FeedEvent {
        self.events_written += 1;
        let id = format!("sim-{}-{}", self.seed, self.events_written);
        // Beyond chrono's range only with absurd handle times or patience.
        let at = Duration::try_milliseconds(at_ms)
            .and_then(|since| self.origin.checked_add_signed(since))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let group_code = |g: usize| {
            self.groups
                .get(g)
                .map(|g| g.code.clone())
                .unwrap_or_default()
        };
        let login = |a: usize| {
            self.operators
                .get(a)
                .map(|o| o.login.clone())
                .unwrap_or_default()
        };
        match record {
            Record::Offered { call, group } => FeedEvent::CallOffered {
                id,
                at,
                call_id: self.call_id(call),
                group: group_code(group),
                customer_id: None,
            },
            Record::Answered { call, agent } => FeedEvent::CallAnswered {
                id,
                at,
                call_id: self.call_id(call),
                agent: login(agent),
            },
            Record::Abandoned { call } => FeedEvent::CallAbandoned {
                id,
                at,
                call_id: self.call_id(call),
            },
            Record::Ended {
                call,
                talk_ms,
                hold_ms,
            } => FeedEvent::CallEnded {
                id,
                at,
                call_id: self.call_id(call),
                talk_seconds: talk_ms as f64 / 1000.0,
                hold_seconds: hold_ms as f64 / 1000.0,
            },
            Record::WrapUpEnded { call } => FeedEvent::WrapUpEnded {
                id,
                at,
                call_id: self.call_id(call),
            },
            Record::State {
                agent,
                state,
                group,
            } => FeedEvent::AgentState {
                id,
                at,
                agent: login(agent),
                state,
                group: group.map(group_code),
            },
        }
    }
}
