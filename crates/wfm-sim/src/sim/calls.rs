//! Calls through the engine: arrival, routing to the longest-idle operator or the
//! group's queue, abandon, answer, end of talk and end of wrap-up.

use wfm_core::event::AgentState;

use super::{Action, Call, Record, Simulator, Status};
use crate::random::{millis, unit_exponential};

impl Simulator {
    /// Draws the group's next arrival and puts it on the agenda.
    pub(super) fn draw_arrival(&mut self, group: usize) {
        let next = self.arrivals.get_mut(group).and_then(|a| a.next_arrival());
        if let Some(arrival) = next {
            self.schedule(arrival.at_ms, Action::Arrival(group));
        }
        if let Some(slot) = self.next_arrivals.get_mut(group) {
            *slot = next;
        }
    }

    /// The group's pending arrival happens: offer it, then answer or queue it.
    pub(super) fn arrive(&mut self, group: usize) {
        let Some(arrival) = self.next_arrivals.get_mut(group).and_then(Option::take) else {
            return;
        };
        self.calls_offered += 1;
        let number = self.calls_offered;
        // Every call draws its handle time and patience, answered at once or not, so a
        // call's fate depends on staffing only, not on how many draws routing used.
        let handle_ms = millis(arrival.aht_seconds * unit_exponential(&mut self.callers));
        let patience = self.conduct.mean_patience_seconds;
        let patience_ms = patience.map(|mean| millis(mean * unit_exponential(&mut self.callers)));
        let talk_ms = (handle_ms as f64 * self.conduct.talk_share).round() as i64;
        let hold_ms = ((handle_ms as f64 * self.conduct.hold_share).round() as i64)
            .min(handle_ms - talk_ms)
            .max(0);
        let call = Call {
            number,
            group,
            offered_ms: self.now_ms,
            answered_ms: self.now_ms,
            talk_ms,
            hold_ms,
            wrap_up_ms: (handle_ms - talk_ms - hold_ms).max(0),
        };
        self.emit(Record::Offered {
            call: number,
            group,
        });
        self.draw_arrival(group);

        if let Some(agent) = self.idle_operator_for(group) {
            self.leave_idle(agent);
            self.answer(agent, call);
            return;
        }
        if let Some(queue) = self.queues.get_mut(group) {
            queue.push_back(number);
            self.waiting.insert(number, call);
            if let Some(patience_ms) = patience_ms {
                self.schedule(
                    self.now_ms.saturating_add(patience_ms),
                    Action::Abandon(number),
                );
            }
        }
    }

    /// The longest-idle ready operator who serves `group`, preferring those on line
    /// for it.
    fn idle_operator_for(&self, group: usize) -> Option<usize> {
        let mut fallback = None;
        for &(_, agent) in &self.idle {
            let Some(op) = self.operators.get(agent) else {
                continue;
            };
            let Status::Ready { group: line, .. } = op.status else {
                continue;
            };
            if line == group {
                return Some(agent);
            }
            if fallback.is_none() && op.skills.contains(&group) {
                fallback = Some(agent);
            }
        }
        fallback
    }

    /// Takes the operator out of the ready pool.
    pub(super) fn leave_idle(&mut self, agent: usize) {
        if let Some(Status::Ready { since_ms, .. }) = self.operators.get(agent).map(|o| o.status) {
            self.idle.remove(&(since_ms, agent));
        }
    }

    /// The call an operator getting ready on line for `line` should take: the oldest
    /// waiting one of its highest-priority skill that has any (the line's group counts as
    /// a skill of lowest priority when not among them); removed from the queue.
    pub(super) fn take_waiting_call(&mut self, agent: usize, line: usize) -> Option<Call> {
        let op = self.operators.get(agent)?;
        let extra = (!op.skills.contains(&line)).then_some(line);
        let groups = op.skills.iter().copied().chain(extra);
        for group in groups {
            let Some(queue) = self.queues.get_mut(group) else {
                continue;
            };
            // Abandoned calls stay in the queue until they reach its head.
            while let Some(number) = queue.pop_front() {
                if let Some(call) = self.waiting.remove(&number) {
                    return Some(call);
                }
            }
        }
        None
    }

    /// The caller hangs up if still waiting.
    pub(super) fn abandon(&mut self, number: u64) {
        if self.waiting.remove(&number).is_some() {
            self.emit(Record::Abandoned { call: number });
        }
    }

    /// The operator (not in the ready pool) answers the call.
    pub(super) fn answer(&mut self, agent: usize, mut call: Call) {
        call.answered_ms = self.now_ms;
        if let Some(tally) = &mut self.tally {
            if (tally.from_ms..tally.to_ms).contains(&call.offered_ms) {
                tally.answered += 1;
                if self.now_ms - call.offered_ms <= tally.target_ms {
                    tally.within_target += 1;
                }
            }
        }
        let Some(op) = self.operators.get_mut(agent) else {
            return;
        };
        op.status = Status::OnContact(call);
        self.emit(Record::Answered {
            call: call.number,
            agent,
        });
        self.emit(Record::State {
            agent,
            state: AgentState::OnContact,
            group: Some(call.group),
        });
        self.schedule(
            self.now_ms
                .saturating_add(call.talk_ms)
                .saturating_add(call.hold_ms),
            Action::CallEnd(agent),
        );
    }

    /// The operator's conversation ends; after-call work starts.
    pub(super) fn end_call(&mut self, agent: usize) {
        let Some(op) = self.operators.get_mut(agent) else {
            return;
        };
        let Status::OnContact(call) = op.status else {
            return;
        };
        op.status = Status::WrapUp(call);
        self.emit(Record::Ended {
            call: call.number,
            talk_ms: call.talk_ms,
            hold_ms: call.hold_ms,
        });
        self.emit(Record::State {
            agent,
            state: AgentState::WrapUp,
            group: Some(call.group),
        });
        if call.wrap_up_ms == 0 {
            self.end_wrap_up(agent);
        } else {
            self.schedule(
                self.now_ms.saturating_add(call.wrap_up_ms),
                Action::WrapUpEnd(agent),
            );
        }
    }

    /// The operator's after-call work ends; the plan decides what comes next.
    pub(super) fn end_wrap_up(&mut self, agent: usize) {
        let Some(Status::WrapUp(call)) = self.operators.get(agent).map(|o| o.status) else {
            return;
        };
        self.emit(Record::WrapUpEnded { call: call.number });
        self.follow_plan_after_call(agent);
    }
}
