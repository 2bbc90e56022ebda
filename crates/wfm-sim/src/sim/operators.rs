//! Operators through the engine: following the timetable (late or absent as the
//! behaviour draws), getting ready, going away and logging out.

use wfm_core::event::AgentState;

use super::{Action, Record, Simulator, Status};
use crate::random::{chance, millis, unit_exponential};
use crate::timetable::Planned;

impl Simulator {
    /// Puts the operator's next plan change, if any, on the agenda.
    pub(super) fn schedule_plan_change(&mut self, agent: usize) {
        let due = self
            .operators
            .get(agent)
            .and_then(|op| op.changes.get(op.next_change))
            .map(|change| change.at_ms);
        if let Some(at_ms) = due {
            self.schedule(at_ms, Action::PlanChange(agent));
        }
    }

    /// The operator's next plan change is due: follow it now, or after the current call.
    pub(super) fn change_plan(&mut self, agent: usize) {
        let conduct = self.conduct;
        let Some(op) = self.operators.get_mut(agent) else {
            return;
        };
        let Some(change) = op.changes.get(op.next_change).copied() else {
            return;
        };
        op.next_change += 1;
        let next_due = op.changes.get(op.next_change).map(|c| c.at_ms);
        let shift_starts = op.planned == Planned::Off && change.planned != Planned::Off;
        op.planned = change.planned;
        op.epoch += 1;
        let epoch = op.epoch;
        let status = op.status;
        if shift_starts {
            let absent = chance(&mut self.behaviour_rng, conduct.absence_probability);
            if let Some(op) = self.operators.get_mut(agent) {
                op.absent = absent;
            }
        }
        self.schedule_plan_change(agent);
        if self.operators.get(agent).is_some_and(|op| op.absent) {
            return;
        }

        match (status, change.planned) {
            // A call in progress is finished first; the plan is followed after wrap-up.
            (Status::OnContact(_) | Status::WrapUp(_), _) => {}
            (Status::Ready { group, .. }, Planned::Line(line)) => {
                if group != line {
                    self.leave_idle(agent);
                    self.get_ready(agent, line);
                }
            }
            (Status::LoggedOut | Status::Away(_), Planned::Line(line)) => {
                let late = chance(&mut self.behaviour_rng, conduct.late_probability);
                let delay_ms = if late {
                    millis(
                        conduct.mean_lateness_seconds * unit_exponential(&mut self.behaviour_rng),
                    )
                } else {
                    0
                };
                let login_ms = self.now_ms.saturating_add(delay_ms);
                if delay_ms == 0 {
                    self.get_ready(agent, line);
                } else if next_due.is_none_or(|due| login_ms < due) {
                    self.schedule(login_ms, Action::LogIn { agent, epoch });
                }
                // Later than the whole segment: the operator misses it.
            }
            (_, Planned::Away(state)) => {
                self.leave_idle(agent);
                self.set_status(agent, Status::Away(state));
            }
            (_, Planned::Off) => {
                self.leave_idle(agent);
                self.set_status(agent, Status::LoggedOut);
            }
        }
    }

    /// A late operator arrives, if the plan still asks them on line.
    pub(super) fn log_in(&mut self, agent: usize, epoch: u64) {
        let Some(op) = self.operators.get(agent) else {
            return;
        };
        if op.epoch != epoch || op.absent {
            return;
        }
        if let (Status::LoggedOut | Status::Away(_), Planned::Line(line)) = (op.status, op.planned)
        {
            self.get_ready(agent, line);
        }
    }

    /// After wrap-up: ready when the plan says line, else what it says instead.
    pub(super) fn follow_plan_after_call(&mut self, agent: usize) {
        let Some(op) = self.operators.get(agent) else {
            return;
        };
        match (op.absent, op.planned) {
            (false, Planned::Line(line)) => self.get_ready(agent, line),
            (false, Planned::Away(state)) => self.set_status(agent, Status::Away(state)),
            (true, _) | (false, Planned::Off) => self.set_status(agent, Status::LoggedOut),
        }
    }

    /// The operator (not in the ready pool) gets ready on line for `line` and takes the
    /// waiting call due to them, if any.
    pub(super) fn get_ready(&mut self, agent: usize, line: usize) {
        self.emit(Record::State {
            agent,
            state: AgentState::Ready,
            group: Some(line),
        });
        if let Some(call) = self.take_waiting_call(agent, line) {
            self.answer(agent, call);
            return;
        }
        let now_ms = self.now_ms;
        if let Some(op) = self.operators.get_mut(agent) {
            op.status = Status::Ready {
                group: line,
                since_ms: now_ms,
            };
            self.idle.insert((now_ms, agent));
        }
    }

    /// Sets a status without a call (away or logged out), announcing it if it is new.
    fn set_status(&mut self, agent: usize, status: Status) {
        let state = match status {
            Status::Away(state) => state,
            Status::LoggedOut => AgentState::LoggedOut,
            Status::Ready { .. } | Status::OnContact(_) | Status::WrapUp(_) => return,
        };
        let Some(op) = self.operators.get_mut(agent) else {
            return;
        };
        let unchanged = match op.status {
            Status::Away(current) => current == state,
            Status::LoggedOut => state == AgentState::LoggedOut,
            _ => false,
        };
        op.status = status;
        if !unchanged {
            self.emit(Record::State {
                agent,
                state,
                group: None,
            });
        }
    }
}
