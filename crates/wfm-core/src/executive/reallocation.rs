//! Cross-group reallocation: operators on line for a surplus group who have a skill for
//! a shortage group, moved one at a time, more important shortage groups first, with the
//! service level Erlang C gives both groups before and after on the window's load.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::erlang::{Load, performance};
use crate::event::{AgentId, GroupId};
use crate::live::{Figures, OperatorStatus, Scope};
use crate::threshold::Indicator;

use super::Importance;
use super::aggregate::indicator;

/// Handled calls from which today's actual AHT replaces the forecast's, as in the
/// operator requirement (DESIGN.md).
const ACTUAL_AHT_FROM_CALLS: u32 = 10;

/// One suggested move.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reallocation {
    /// The operator to move.
    pub agent_id: AgentId,
    /// The surplus group giving the operator.
    pub from_group_id: GroupId,
    /// The shortage group receiving them.
    pub to_group_id: GroupId,
    /// The receiving group's importance.
    pub to_importance: Importance,
    /// Service level of the giving group by Erlang C, percent, before and after.
    pub from_sl_before_percent: f64,
    /// After the move.
    pub from_sl_after_percent: f64,
    /// Operator requirement of the giving group after the move (<= 0: no shortage).
    pub from_requirement_after: f64,
    /// Service level of the receiving group by Erlang C, percent, before the move.
    pub to_sl_before_percent: f64,
    /// After the move.
    pub to_sl_after_percent: f64,
    /// Operator requirement of the receiving group after the move.
    pub to_requirement_after: f64,
}

/// What a group brings to the search.
#[derive(Debug, Clone, Copy)]
struct Side {
    id: GroupId,
    importance: Importance,
    online: u32,
    required: f64,
    target_percent: f64,
    load: Load,
    answer_seconds: f64,
}

impl Side {
    fn of(f: &Figures, importance: Importance) -> Option<Side> {
        let Scope::Group(id) = f.scope else {
            return None;
        };
        let c = &f.counts;
        // The AHT the operator requirement was computed with (DESIGN.md).
        let forecast_aht = c.forecast_aht_now_seconds;
        let actual_aht =
            (c.handled_today > 0).then(|| c.handle_seconds_today / f64::from(c.handled_today));
        let aht = if c.handled_today >= ACTUAL_AHT_FROM_CALLS {
            actual_aht
        } else {
            forecast_aht.or(actual_aht)
        }
        .unwrap_or(0.0);
        let load = Load {
            calls: c.window_offered as f64,
            interval_seconds: c.window_seconds,
            aht_seconds: aht,
        };
        load.validate().ok()?;
        Some(Side {
            id,
            importance,
            online: f.online,
            required: f.required.filter(|r| r.is_finite())?,
            target_percent: indicator(f, Indicator::ServiceLevel).and_then(|i| i.plan)?,
            load,
            answer_seconds: f64::from(c.sl_seconds?),
        })
    }

    fn requirement(&self) -> f64 {
        self.required - f64::from(self.online)
    }

    /// Service level with `agents` on line, percent.
    fn sl(&self, agents: u32) -> Option<f64> {
        performance(&self.load, agents, self.answer_seconds)
            .ok()
            .map(|p| p.service_level * 100.0)
            .filter(|v| v.is_finite())
    }
}

/// Suggested moves for `groups` (group figures) with their `importance` (normal when
/// absent), the `operators` now and each operator's skills (groups they can serve).
///
/// Shortage groups have an operator requirement of at least 1, surplus groups at least
/// 1 more operator on line than required. Shortage groups are served most important first, then the largest shortage,
/// until the shortage is under 1 or nobody fits; a candidate is on line for a surplus
/// group and has a skill for the shortage group; the least important donor with the
/// largest surplus gives first, and never so that its service level falls below its
/// target. Each operator moves at most once.
pub fn reallocations(
    groups: &[&Figures],
    importance: &BTreeMap<GroupId, Importance>,
    operators: &[OperatorStatus],
    skills: &BTreeMap<AgentId, Vec<GroupId>>,
) -> Vec<Reallocation> {
    let mut sides: BTreeMap<GroupId, Side> = groups
        .iter()
        .filter_map(|f| {
            let Scope::Group(id) = f.scope else {
                return None;
            };
            Side::of(f, importance.get(&id).copied().unwrap_or_default())
        })
        .map(|s| (s.id, s))
        .collect();
    let mut shortages: Vec<Side> = sides
        .values()
        .filter(|s| s.requirement() >= 1.0)
        .copied()
        .collect();
    shortages.sort_by(|a, b| {
        a.importance
            .cmp(&b.importance)
            .then(b.requirement().total_cmp(&a.requirement()))
            .then(a.id.cmp(&b.id))
    });
    let mut moved: BTreeSet<AgentId> = BTreeSet::new();
    let mut moves = Vec::new();
    for shortage in shortages {
        while let Some(to) = sides
            .get(&shortage.id)
            .copied()
            .filter(|to| to.requirement() >= 1.0)
        {
            let Some((agent, from)) = candidate(&sides, &to, operators, skills, &moved) else {
                break;
            };
            let (Some(from_before), Some(from_after), Some(to_before), Some(to_after)) = (
                from.sl(from.online),
                from.sl(from.online - 1),
                to.sl(to.online),
                to.sl(to.online + 1),
            ) else {
                break;
            };
            moved.insert(agent);
            if let Some(s) = sides.get_mut(&from.id) {
                s.online -= 1;
            }
            if let Some(s) = sides.get_mut(&to.id) {
                s.online += 1;
            }
            moves.push(Reallocation {
                agent_id: agent,
                from_group_id: from.id,
                to_group_id: to.id,
                to_importance: to.importance,
                from_sl_before_percent: from_before,
                from_sl_after_percent: from_after,
                from_requirement_after: from.required - f64::from(from.online - 1),
                to_sl_before_percent: to_before,
                to_sl_after_percent: to_after,
                to_requirement_after: to.required - f64::from(to.online + 1),
            });
        }
    }
    moves
}

/// The operator to move to `to` next, and the group giving them.
fn candidate(
    sides: &BTreeMap<GroupId, Side>,
    to: &Side,
    operators: &[OperatorStatus],
    skills: &BTreeMap<AgentId, Vec<GroupId>>,
    moved: &BTreeSet<AgentId>,
) -> Option<(AgentId, Side)> {
    operators
        .iter()
        .filter(|o| o.state.is_on_line() && !moved.contains(&o.agent_id))
        .filter(|o| skills.get(&o.agent_id).is_some_and(|s| s.contains(&to.id)))
        .filter_map(|o| {
            let from = sides.get(&o.group_id?)?;
            let gives = from.id != to.id
                && from.online >= 1
                && -from.requirement() >= 1.0
                && from
                    .sl(from.online - 1)
                    .is_some_and(|sl| sl >= from.target_percent);
            gives.then_some((o.agent_id, *from))
        })
        .min_by(|(a, x), (b, y)| {
            y.importance
                .cmp(&x.importance)
                .then(x.requirement().total_cmp(&y.requirement()))
                .then(x.id.cmp(&y.id))
                .then(a.cmp(b))
        })
}
