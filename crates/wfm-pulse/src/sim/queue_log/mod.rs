//! The simulated contact center as Asterisk logs it: the native feed's events written as
//! queue_log lines, in whole seconds, queues named by group code and members by login,
//! after-call work as a `WrapUp` pause and pauses by the default state map's codes. The
//! demo and the tests run Asterisk-style end to end with it.

use std::collections::{BTreeSet, HashMap};

use wfm_core::event::AgentState;
use wfm_core::feed::FeedEvent;

/// What the log has said so far about calls and members.
#[derive(Debug, Default)]
pub struct QueueLogWriter {
    calls: HashMap<String, Call>,
    members: HashMap<String, Member>,
}

#[derive(Debug)]
struct Call {
    queue: String,
    offered: i64,
    answered: Option<(String, i64)>,
}

#[derive(Debug, Default)]
struct Member {
    queues: BTreeSet<String>,
    paused: bool,
}

/// The pause reason of a state off the line (the default state map's code).
fn reason(state: AgentState) -> Option<&'static str> {
    match state {
        AgentState::WrapUp => Some("WrapUp"),
        AgentState::Break => Some("Break"),
        AgentState::Lunch => Some("Lunch"),
        AgentState::Training => Some("Training"),
        AgentState::NotReady => Some("NotReady"),
        AgentState::Ready | AgentState::OnContact | AgentState::LoggedOut => None,
    }
}

impl QueueLogWriter {
    /// The lines (each with its line end) one event makes; none for what queue_log does
    /// not say (the end of wrap-up comes as the pause's end).
    pub fn lines(&mut self, e: &FeedEvent) -> String {
        let t = e.at().timestamp();
        let mut out = String::new();
        let mut line = |call: &str, queue: &str, agent: &str, event: &str, data: &str| {
            out.push_str(&format!("{t}|{call}|{queue}|{agent}|{event}|{data}\n"));
        };
        match e {
            FeedEvent::CallOffered { call_id, group, .. } => {
                self.calls.insert(
                    call_id.clone(),
                    Call {
                        queue: group.clone(),
                        offered: t,
                        answered: None,
                    },
                );
                line(call_id, group, "NONE", "ENTERQUEUE", "||1");
            }
            FeedEvent::CallAnswered { call_id, agent, .. } => {
                if let Some(call) = self.calls.get_mut(call_id) {
                    call.answered = Some((agent.clone(), t));
                    let hold = t - call.offered;
                    line(
                        call_id,
                        &call.queue,
                        agent,
                        "CONNECT",
                        &format!("{hold}|{call_id}.1|0"),
                    );
                }
            }
            FeedEvent::CallAbandoned { call_id, .. } => {
                if let Some(call) = self.calls.remove(call_id) {
                    let wait = t - call.offered;
                    line(
                        call_id,
                        &call.queue,
                        "NONE",
                        "ABANDON",
                        &format!("1|1|{wait}"),
                    );
                }
            }
            FeedEvent::CallEnded { call_id, .. } => {
                if let Some(Call {
                    queue,
                    offered,
                    answered: Some((agent, answered)),
                }) = self.calls.remove(call_id)
                {
                    let data = format!("{}|{}|1", answered - offered, t - answered);
                    line(call_id, &queue, &agent, "COMPLETECALLER", &data);
                }
            }
            // queue_log has lines for calls, not counts.
            FeedEvent::WrapUpEnded { .. } | FeedEvent::GroupLoad { .. } => {}
            FeedEvent::AgentState {
                agent,
                state,
                group,
                ..
            } => {
                let m = self.members.entry(agent.clone()).or_default();
                match (*state, reason(*state)) {
                    (AgentState::OnContact, _) => {}
                    (AgentState::LoggedOut, _) => {
                        for queue in std::mem::take(&mut m.queues) {
                            line("NONE", &queue, agent, "REMOVEMEMBER", "");
                        }
                        m.paused = false;
                    }
                    (_, pause) => {
                        if m.queues.is_empty() {
                            let queue = group.clone().unwrap_or_else(|| "default".into());
                            let paused = if pause.is_some() { "PAUSED" } else { "" };
                            line("NONE", &queue, agent, "ADDMEMBER", paused);
                            m.queues.insert(queue);
                        }
                        match pause {
                            Some(reason) => line("NONE", "NONE", agent, "PAUSEALL", reason),
                            None if m.paused => line("NONE", "NONE", agent, "UNPAUSEALL", ""),
                            None => {}
                        }
                        m.paused = pause.is_some();
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
