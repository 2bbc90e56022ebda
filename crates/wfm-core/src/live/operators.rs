//! Operators as the engine follows them: their state, since when, the group their last
//! status named, when they last came on or left the line, and which group they count
//! for at an instant (DESIGN.md, "Which group an operator counts for").

use chrono::{DateTime, Utc};

use crate::event::{AgentId, AgentState, GroupId};

use super::center::Center;
use super::time::to_ms;

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Operator {
    pub(super) id: AgentId,
    pub(super) primary: Option<usize>,
    /// Logged out until a status says otherwise.
    pub(super) state: AgentState,
    /// When the current state began; `None` before the first status.
    pub(super) since: Option<DateTime<Utc>>,
    /// The group named by the last status.
    pub(super) event_group: Option<usize>,
    /// When a status last changed the group named.
    pub(super) group_since_ms: Option<i64>,
    /// When the operator last came on line.
    pub(super) on_line_since_ms: Option<i64>,
    /// When the operator last left the line.
    pub(super) left_line_ms: Option<i64>,
}

impl Operator {
    pub(super) fn new(id: AgentId, primary: Option<usize>) -> Self {
        Operator {
            id,
            primary,
            state: AgentState::LoggedOut,
            since: None,
            event_group: None,
            group_since_ms: None,
            on_line_since_ms: None,
            left_line_ms: None,
        }
    }
}

/// Position of a state in [`AgentState::ALL`].
pub(super) fn state_index(state: AgentState) -> usize {
    AgentState::ALL
        .iter()
        .position(|s| *s == state)
        .unwrap_or_default()
}

impl Center {
    /// The group operator `operator` counts for at `ms`: (a) the group its last status
    /// named, else (b) the group of its line work in the timetable at `ms`, else (c) its
    /// primary group.
    pub(super) fn counts_for(&self, operator: usize, ms: i64) -> Option<usize> {
        let o = self.operators.get(operator)?;
        o.event_group
            .or_else(|| self.timetable.line_group_at(operator, ms))
            .or(o.primary)
    }

    /// Operators on line per group (by index) at `ms`, each counted for one group.
    pub(super) fn online_at(&self, ms: i64) -> Vec<u32> {
        let mut online = vec![0; self.groups.len()];
        for (operator, o) in self.operators.iter().enumerate() {
            if !o.state.is_on_line() {
                continue;
            }
            if let Some(count) = self
                .counts_for(operator, ms)
                .and_then(|g| online.get_mut(g))
            {
                *count += 1;
            }
        }
        online
    }

    pub(super) fn change_state(
        &mut self,
        agent_id: AgentId,
        state: AgentState,
        group_id: Option<GroupId>,
        at: DateTime<Utc>,
    ) -> bool {
        let Some(operator) = self.operator_index(agent_id) else {
            return false;
        };
        let event_group = match group_id {
            Some(id) => match self.group_index(id) {
                Some(group) => Some(group),
                None => return false,
            },
            None => None,
        };
        let at_ms = to_ms(at);
        let clock = self.clock_ms.unwrap_or(at_ms);
        let before = self.counts_for(operator, clock);
        let Some(o) = self.operators.get_mut(operator) else {
            return false;
        };
        if o.state != state || o.since.is_none() {
            o.since = Some(at);
        }
        match (o.state.is_on_line(), state.is_on_line()) {
            (false, true) => o.on_line_since_ms = Some(at_ms),
            (true, false) => o.left_line_ms = Some(at_ms),
            _ => {}
        }
        o.state = state;
        if o.event_group != event_group {
            o.group_since_ms = Some(at_ms);
        }
        o.event_group = event_group;
        let after = self.counts_for(operator, clock);
        for group in [before, after].into_iter().flatten() {
            if let Some(live) = self.groups.get_mut(group) {
                live.touch(at_ms);
            }
        }
        self.recount(operator);
        true
    }
}
