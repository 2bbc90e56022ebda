//! Cross-group reallocation: operators on line for a surplus group who have a skill for
//! a shortage group, moved one at a time, more important shortage groups first. Each
//! suggestion quotes both groups' service level as the supervisor sees it now (the
//! window's observed figure) and as Erlang C expects it after the move on the same
//! window's arrivals and handle time. A group with calls waiting, at its occupancy cap or
//! under its target in the window never gives anyone.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::erlang::{Load, performance};
use crate::event::{AgentId, GroupId};
use crate::live::{Figures, OperatorStatus, Scope};
use crate::optimization::{GroupNow, donor_rules};
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
    /// Service level of the giving group as the snapshot shows it: the calls offered in
    /// the window (`sl_window_percent`), percent; `None` when the window has no calls.
    /// Before issue 15 this was an Erlang C figure, which could contradict the group's
    /// card.
    pub from_sl_before_percent: Option<f64>,
    /// After the move, by Erlang C on the window's arrivals and AHT with one operator
    /// fewer (and one fewer for each move out of the group listed before this one).
    pub from_sl_after_percent: f64,
    /// Operator requirement of the giving group after the move (<= 0: no shortage).
    pub from_requirement_after: f64,
    /// Service level of the receiving group as the snapshot shows it
    /// (`sl_window_percent`), percent; `None` when the window has no calls. Before issue
    /// 15 this was an Erlang C figure.
    pub to_sl_before_percent: Option<f64>,
    /// After the move, by Erlang C on the window's arrivals and AHT with one operator
    /// more (and one more for each move into the group listed before this one).
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
    /// What the supervisor sees now: the window's service level, occupancy and queue.
    now: GroupNow,
    /// The group's occupancy cap, 0-1.
    max_occupancy: f64,
}

impl Side {
    fn of(f: &Figures, importance: Importance, max_occupancy: f64) -> Option<Side> {
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
            now: GroupNow::of(f),
            max_occupancy,
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

    /// Whether what the supervisor sees lets the group give an operator (the donor
    /// rules: no call waiting, occupancy under the cap, window SL at least the target).
    fn may_give(&self) -> bool {
        donor_rules(&self.now, self.target_percent, self.max_occupancy).is_empty()
    }
}

/// Suggested moves for `groups` (group figures of one snapshot) with their `importance`
/// (normal when absent) and occupancy cap (`max_occupancy`, 0-1; no cap when absent),
/// the `operators` now and each operator's skills (groups they can serve).
///
/// Shortage groups have an operator requirement of at least 1, surplus groups at least
/// 1 more operator on line than required. Shortage groups are served most important
/// first, then the largest shortage, until the shortage is under 1 or nobody fits; a
/// candidate is on line for a surplus group and has a skill for the shortage group; the
/// least important donor with the largest surplus gives first. A donor never has calls
/// waiting, occupancy at its cap or a window service level under its target, and never
/// gives so that Erlang C puts its service level under the target. Each operator moves
/// at most once. "Before" is each group's window service level on the snapshot; "after"
/// is Erlang C on the window's arrivals and AHT with the moves so far.
pub fn reallocations(
    groups: &[&Figures],
    importance: &BTreeMap<GroupId, Importance>,
    max_occupancy: &BTreeMap<GroupId, f64>,
    operators: &[OperatorStatus],
    skills: &BTreeMap<AgentId, Vec<GroupId>>,
) -> Vec<Reallocation> {
    let mut sides: BTreeMap<GroupId, Side> = groups
        .iter()
        .filter_map(|f| {
            let Scope::Group(id) = f.scope else {
                return None;
            };
            Side::of(
                f,
                importance.get(&id).copied().unwrap_or_default(),
                max_occupancy.get(&id).copied().unwrap_or(1.0),
            )
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
            let (from_online, to_online) =
                (from.online.saturating_sub(1), to.online.saturating_add(1));
            let (Some(from_after), Some(to_after)) = (from.sl(from_online), to.sl(to_online))
            else {
                break;
            };
            moved.insert(agent);
            if let Some(s) = sides.get_mut(&from.id) {
                s.online = from_online;
            }
            if let Some(s) = sides.get_mut(&to.id) {
                s.online = to_online;
            }
            moves.push(Reallocation {
                agent_id: agent,
                from_group_id: from.id,
                to_group_id: to.id,
                to_importance: to.importance,
                from_sl_before_percent: from.now.sl_window_percent,
                from_sl_after_percent: from_after,
                from_requirement_after: from.required - f64::from(from_online),
                to_sl_before_percent: to.now.sl_window_percent,
                to_sl_after_percent: to_after,
                to_requirement_after: to.required - f64::from(to_online),
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
                && from.may_give()
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
