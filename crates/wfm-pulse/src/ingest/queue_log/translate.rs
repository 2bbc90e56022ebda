//! What Asterisk's queue_log lines mean: read in file order, with the members and calls
//! seen so far, each line becomes the native feed's events (calls offered, answered,
//! abandoned, ended; operator states). Pure: no I/O, no clock.
//!
//! queue_log has no after-call work of its own. Centers log it as a pause with an ACW
//! reason right after the call (what agents and autopause do); a pause whose reason the
//! state map calls wrap-up, in the second the call completed, is the call's wrap-up, which
//! ends when the operator next does something. Without one, wrap-up ends with the call.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use wfm_core::event::AgentState;

use super::line::{Line, Malformed, parse};
use crate::ingest::native::NativeEvent;

/// The members and calls the log has shown so far, and how to name them.
#[derive(Debug, Default)]
pub struct Translator {
    /// Member interface or name -> operator login; a member not listed is its own login.
    logins: HashMap<String, String>,
    /// Pause reasons -> state (the state map); an empty or unknown reason is not ready.
    reasons: HashMap<String, AgentState>,
    members: HashMap<String, Member>,
    calls: HashMap<String, Call>,
    /// Operators whose call ended and whose next line tells whether wrap-up follows.
    undecided: Vec<String>,
}

#[derive(Debug, Default)]
struct Member {
    queues: BTreeSet<String>,
    logged_out: bool,
    pause: Option<AgentState>,
    /// The call on hand.
    call: Option<String>,
    after_call: Option<AfterCall>,
    /// The state last told.
    told: Option<AgentState>,
}

#[derive(Debug)]
struct AfterCall {
    call: String,
    ended_ms: i64,
    /// The id base of the line that ended the call.
    key: String,
    wrap_up: bool,
}

#[derive(Debug)]
struct Call {
    /// The operator who answered and when.
    answered: Option<(String, i64)>,
}

/// Call lines that end a conversation; the call time is the second data field from the end
/// in each (`holdtime|calltime|origposition` close every layout).
const CONVERSATION_ENDS: [&str; 5] = [
    "COMPLETECALLER",
    "COMPLETEAGENT",
    "TRANSFER",
    "BLINDTRANSFER",
    "ATTENDEDTRANSFER",
];
/// Call lines that end a wait without an answer.
const WAIT_ENDS: [&str; 4] = ["ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY", "EXITEMPTY"];

fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// A stable id base for a line: its time and a hash of its text (FNV-1a, fixed across
/// builds), so the same line read again, by the follower after a restart or by an import,
/// makes the same events, which the event log then skips.
fn key(time_ms: i64, text: &str) -> String {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("ql:{}:{hash:016x}", time_ms / 1000)
}

impl Translator {
    pub fn new(logins: HashMap<String, String>, reasons: HashMap<String, AgentState>) -> Self {
        Translator {
            logins,
            reasons,
            ..Translator::default()
        }
    }

    /// Takes the current state map for pause reasons.
    pub fn set_reasons(&mut self, reasons: HashMap<String, AgentState>) {
        self.reasons = reasons;
    }

    /// The events one line means (none for lines that change nothing: ring attempts,
    /// reloads, caller information).
    pub fn read(&mut self, text: &str) -> Result<Vec<NativeEvent>, Malformed> {
        let text = text.trim_end_matches(['\r', '\n']);
        let line = parse(text)?;
        let key = key(line.time_ms, text);
        let login = self.login(line.agent);
        let mut out = Vec::new();
        self.settle(&line, login.as_deref(), &mut out);
        let event = line.event;
        if event == "ENTERQUEUE" {
            self.calls
                .insert(line.call.to_string(), Call { answered: None });
            out.push(NativeEvent::CallOffered {
                id: format!("{key}:o"),
                at: at(line.time_ms),
                call_id: line.call.to_string(),
                group: line.queue.to_string(),
                customer_id: None,
            });
        } else if event == "CONNECT" {
            let Some(login) = login else {
                return Ok(out);
            };
            self.calls
                .entry(line.call.to_string())
                .or_insert(Call { answered: None })
                .answered = Some((login.clone(), line.time_ms));
            out.push(NativeEvent::CallAnswered {
                id: format!("{key}:a"),
                at: at(line.time_ms),
                call_id: line.call.to_string(),
                agent: login.clone(),
            });
            let m = self.members.entry(login.clone()).or_default();
            m.call = Some(line.call.to_string());
            m.logged_out = false;
            let group = Some(line.queue.to_string());
            self.tell(
                &login,
                AgentState::OnContact,
                group,
                line.time_ms,
                &key,
                &mut out,
            );
        } else if CONVERSATION_ENDS.contains(&event) {
            let calltime = line.data_from_end(2);
            let talk = calltime
                .parse::<f64>()
                .ok()
                .filter(|t| t.is_finite() && *t >= 0.0)
                .ok_or_else(|| Malformed {
                    field: "data",
                    message: format!("{event}: call time {calltime:?} is not seconds"),
                })?;
            self.calls.remove(line.call);
            self.end_conversation(line.call, login, talk, line.time_ms, &key, &mut out);
        } else if WAIT_ENDS.contains(&event) {
            self.calls.remove(line.call);
            out.push(NativeEvent::CallAbandoned {
                id: format!("{key}:x"),
                at: at(line.time_ms),
                call_id: line.call.to_string(),
            });
        } else if event == "QUEUESTART" {
            self.restart(line.time_ms, &key, &mut out);
        } else if let Some(login) = login {
            self.member_line(&line, &login, &key, &mut out);
        }
        Ok(out)
    }

    /// Ends every after-call decision still open: wrap-up ends with the call. For the end
    /// of a file, or a quiet log.
    pub fn flush(&mut self) -> Vec<NativeEvent> {
        let mut out = Vec::new();
        self.settle_all(&mut out);
        out
    }

    /// Ends every undecided after-call work at its call's end.
    fn settle_all(&mut self, out: &mut Vec<NativeEvent>) {
        for login in std::mem::take(&mut self.undecided) {
            if let Some(ended) = self.after_call_end(&login) {
                self.end_after_call(&login, ended, out);
            }
        }
    }

    fn login(&self, agent: &str) -> Option<String> {
        if agent.is_empty() || agent == "NONE" {
            return None;
        }
        Some(
            self.logins
                .get(agent)
                .map_or(agent, String::as_str)
                .to_string(),
        )
    }

    fn reason(&self, text: &str) -> AgentState {
        self.reasons
            .get(text)
            .copied()
            .unwrap_or(AgentState::NotReady)
    }

    fn is_wrap_up_pause(&self, line: &Line) -> bool {
        matches!(line.event, "PAUSE" | "PAUSEALL")
            && self.reason(line.data(1)) == AgentState::WrapUp
    }

    fn after_call_end(&self, login: &str) -> Option<i64> {
        let after = self.members.get(login)?.after_call.as_ref()?;
        Some(after.ended_ms)
    }

    /// Decides the after-call work this line tells about: a wrap-up pause of the operator in
    /// the second the call ended starts it; anything else of that operator ends it, and a
    /// later second ends the undecided ones of everyone.
    fn settle(&mut self, line: &Line, login: Option<&str>, out: &mut Vec<NativeEvent>) {
        let wrap_pause = self.is_wrap_up_pause(line);
        for who in std::mem::take(&mut self.undecided) {
            let Some(ended) = self.after_call_end(&who) else {
                continue;
            };
            let own = login == Some(who.as_str());
            if own && wrap_pause && line.time_ms == ended {
                if let Some(after) = self
                    .members
                    .get_mut(&who)
                    .and_then(|m| m.after_call.as_mut())
                {
                    after.wrap_up = true;
                }
            } else if own || line.time_ms > ended {
                self.end_after_call(&who, ended, out);
            } else {
                self.undecided.push(who);
            }
        }
        let Some(login) = login else {
            return;
        };
        let in_wrap_up = self
            .members
            .get(login)
            .and_then(|m| m.after_call.as_ref())
            .is_some_and(|a| a.wrap_up);
        if in_wrap_up && !wrap_pause {
            self.end_after_call(login, line.time_ms, out);
        }
    }

    /// The conversation of `call` ended: its talk time, and the operator's after-call time
    /// starts, to be decided by the next line.
    fn end_conversation(
        &mut self,
        call: &str,
        login: Option<String>,
        talk: f64,
        time_ms: i64,
        key: &str,
        out: &mut Vec<NativeEvent>,
    ) {
        out.push(NativeEvent::CallEnded {
            id: format!("{key}:e"),
            at: at(time_ms),
            call_id: call.to_string(),
            talk_seconds: talk,
            hold_seconds: 0.0,
        });
        let Some(login) = login else {
            out.push(NativeEvent::WrapUpEnded {
                id: format!("{key}:w"),
                at: at(time_ms),
                call_id: call.to_string(),
            });
            return;
        };
        let m = self.members.entry(login.clone()).or_default();
        if m.call.as_deref() == Some(call) {
            m.call = None;
        }
        m.after_call = Some(AfterCall {
            call: call.to_string(),
            ended_ms: time_ms,
            key: key.to_string(),
            wrap_up: false,
        });
        self.undecided.push(login);
    }

    /// Ends the operator's after-call work at `at_ms`; the operator rests as the log says.
    fn end_after_call(&mut self, login: &str, at_ms: i64, out: &mut Vec<NativeEvent>) {
        let Some(after) = self
            .members
            .get_mut(login)
            .and_then(|m| m.after_call.take())
        else {
            return;
        };
        out.push(NativeEvent::WrapUpEnded {
            id: format!("{}:w", after.key),
            at: at(at_ms),
            call_id: after.call,
        });
        let key = format!("{}:r", after.key);
        self.rest(login, at_ms, &key, out);
    }

    /// Tells the operator's state off a call: logged out, paused (for its reason) or ready.
    fn rest(&mut self, login: &str, at_ms: i64, key: &str, out: &mut Vec<NativeEvent>) {
        let Some(m) = self.members.get(login) else {
            return;
        };
        if m.call.is_some() || m.after_call.as_ref().is_some_and(|a| !a.wrap_up) {
            return;
        }
        let state = if m.logged_out {
            AgentState::LoggedOut
        } else if m.after_call.is_some() {
            AgentState::WrapUp
        } else {
            m.pause.unwrap_or(AgentState::Ready)
        };
        self.tell(login, state, None, at_ms, key, out);
    }

    fn tell(
        &mut self,
        login: &str,
        state: AgentState,
        group: Option<String>,
        at_ms: i64,
        key: &str,
        out: &mut Vec<NativeEvent>,
    ) {
        let m = self.members.entry(login.to_string()).or_default();
        if m.told == Some(state) && group.is_none() {
            return;
        }
        m.told = Some(state);
        out.push(NativeEvent::AgentState {
            id: format!("{key}:s"),
            at: at(at_ms),
            agent: login.to_string(),
            state,
            group,
        });
    }

    /// A member line: pauses, queue membership, agent login and logoff.
    fn member_line(&mut self, line: &Line, login: &str, key: &str, out: &mut Vec<NativeEvent>) {
        let reason = self.reason(line.data(1));
        let m = self.members.entry(login.to_string()).or_default();
        match line.event {
            "PAUSE" | "PAUSEALL" => m.pause = Some(reason),
            "UNPAUSE" | "UNPAUSEALL" => m.pause = None,
            "ADDMEMBER" => {
                m.queues.insert(line.queue.to_string());
                m.logged_out = false;
                if line.data(1) == "PAUSED" {
                    m.pause = Some(AgentState::NotReady);
                }
            }
            "REMOVEMEMBER" => {
                m.queues.remove(line.queue);
                m.logged_out = m.queues.is_empty();
            }
            "AGENTLOGIN" | "AGENTCALLBACKLOGIN" => m.logged_out = false,
            "AGENTLOGOFF" | "AGENTCALLBACKLOGOFF" => {
                m.queues.clear();
                m.logged_out = true;
            }
            _ => return,
        }
        if reason == AgentState::WrapUp && m.pause == Some(AgentState::WrapUp) {
            // An after-call pause with no call to follow is wrap-up all the same.
            if m.after_call.is_none() && m.call.is_none() {
                self.tell(login, AgentState::WrapUp, None, line.time_ms, key, out);
                return;
            }
        }
        self.rest(login, line.time_ms, key, out);
    }

    /// Asterisk's queues started again: calls still open were cut off (a wait counts as
    /// abandoned, a conversation ends with the time it had).
    fn restart(&mut self, time_ms: i64, key: &str, out: &mut Vec<NativeEvent>) {
        self.settle_all(out);
        let mut calls: Vec<(String, Call)> = self.calls.drain().collect();
        calls.sort_by(|a, b| a.0.cmp(&b.0));
        for (call, state) in calls {
            let call_key = format!("{key}:{call}");
            match state.answered {
                None => out.push(NativeEvent::CallAbandoned {
                    id: format!("{call_key}:x"),
                    at: at(time_ms),
                    call_id: call,
                }),
                Some((login, answered_ms)) => {
                    let talk = (time_ms - answered_ms).max(0) as f64 / 1000.0;
                    self.end_conversation(
                        &call,
                        Some(login.clone()),
                        talk,
                        time_ms,
                        &call_key,
                        out,
                    );
                    self.undecided.retain(|u| *u != login);
                    self.end_after_call(&login, time_ms, out);
                }
            }
        }
    }
}
