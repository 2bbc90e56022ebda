//! Closing the contact center: what a feed that stops sends last, so that the receiver is
//! left with no call open and nobody logged in.

use chrono::{DateTime, Utc};
use wfm_core::event::AgentState;
use wfm_core::feed::FeedEvent;

use super::{Record, Simulator, Status};

impl Simulator {
    /// Advances to `at` and closes there: waiting callers hang up, conversations end with
    /// the talk and hold they had so far, after-call work ends, and every operator logs
    /// out. Returns the events of the advance, then the closing ones, in time order; after
    /// it nothing more happens.
    pub fn close(&mut self, at: DateTime<Utc>) -> Vec<FeedEvent> {
        if at >= self.origin {
            self.run_until((at - self.origin).num_milliseconds());
            self.now_ms = self.now_ms.max((at - self.origin).num_milliseconds());
        }
        self.agenda.clear();
        for queue in &mut self.queues {
            queue.clear();
        }
        for number in std::mem::take(&mut self.waiting).into_keys() {
            self.emit(Record::Abandoned { call: number });
        }
        self.idle.clear();
        for agent in 0..self.operators.len() {
            self.close_operator(agent);
        }
        let records = std::mem::take(&mut self.records);
        records
            .into_iter()
            .map(|(at_ms, record)| self.feed_event(at_ms, record))
            .collect()
    }

    fn close_operator(&mut self, agent: usize) {
        let Some(status) = self.operators.get(agent).map(|o| o.status) else {
            return;
        };
        if let Status::OnContact(call) = status {
            let elapsed = (self.now_ms - call.answered_ms).max(0);
            let talk_ms = elapsed.min(call.talk_ms);
            self.emit(Record::Ended {
                call: call.number,
                talk_ms,
                hold_ms: elapsed - talk_ms,
            });
            self.emit(Record::State {
                agent,
                state: AgentState::WrapUp,
                group: Some(call.group),
            });
        }
        if let Status::OnContact(call) | Status::WrapUp(call) = status {
            self.emit(Record::WrapUpEnded { call: call.number });
        }
        if !matches!(status, Status::LoggedOut) {
            self.emit(Record::State {
                agent,
                state: AgentState::LoggedOut,
                group: None,
            });
        }
        if let Some(op) = self.operators.get_mut(agent) {
            op.status = Status::LoggedOut;
        }
    }
}
