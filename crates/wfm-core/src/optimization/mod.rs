//! Staffing optimization: from the forecast, the timetable and who is where now, the
//! moves that would lift the service level over a horizon (call a late operator in,
//! extend a shift, lend an operator to another group, move a break, call someone in),
//! each checked against the labor rules and priced, and the set of moves that gains the
//! most service-level attainment per unit of cost.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::erlang::{self, Load, ServiceTarget, StaffingRequest};
use crate::event::{AgentId, GroupId};
use crate::labor::{LaborRules, Violation, WorkHistory};

mod donor;
mod moves;
mod select;

pub use donor::{GroupNow, donor_rules};

/// Forecast of one group for one interval of the horizon.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntervalLoad {
    /// Calls expected in the interval.
    pub calls: f64,
    /// Expected average handle time, seconds.
    pub aht_seconds: f64,
}

/// A group to staff: its target and its forecast per horizon interval.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupPlan {
    pub group_id: GroupId,
    pub target: ServiceTarget,
    /// Highest occupancy the requirement may plan for, in (0, 1].
    pub max_occupancy: f64,
    /// One per horizon interval, in order.
    pub loads: Vec<IntervalLoad>,
    /// What the supervisor sees of the group now, when the horizon's first interval is
    /// the current one: lending an operator out of the group in it must pass the donor
    /// rules. `None` for a horizon starting later.
    pub now: Option<GroupNow>,
}

/// What the timetable has an operator doing in one horizon interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Not working.
    Off,
    /// Line work for a group.
    Line(GroupId),
    /// A break or lunch.
    Pause,
    /// Working off the line (training, meeting).
    Other,
}

/// Whether an operator scheduled now is where the timetable says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// At work as planned (or not scheduled now).
    Present,
    /// Line work began and the operator has not logged in.
    Late,
    /// The operator left the line during line work.
    Absent,
}

/// An operator the optimizer may use.
#[derive(Debug, Clone, PartialEq)]
pub struct Operator {
    pub agent_id: AgentId,
    /// Groups the operator may serve.
    pub skills: Vec<GroupId>,
    /// Pay per hour.
    pub hourly_rate: f64,
    /// One per horizon interval, in order.
    pub slots: Vec<Slot>,
    /// A late or absent operator is counted off the line for the whole horizon unless
    /// called to the workplace.
    pub presence: Presence,
    /// Shifts around the horizon (a week either side), for the labor checks.
    pub history: WorkHistory,
}

/// Everything a suggestion is computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// The horizon's intervals, [start, end), in order.
    pub intervals: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    pub groups: Vec<GroupPlan>,
    pub operators: Vec<Operator>,
    pub rules: LaborRules,
    /// Most the chosen moves may cost together; `None` for no limit.
    pub budget: Option<f64>,
}

/// Kinds of move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveKind {
    /// Call a late or absent operator to the workplace.
    CallToWorkplace,
    /// Extend a shift at its end (overtime).
    ExtendShift,
    /// Lend an operator to another group they are skilled for.
    Reassign,
    /// Move a break out of a short interval into one with surplus.
    MoveBreak,
    /// Call in an operator on a day off, or for an extra shift on a working day.
    AddShift,
}

/// The service level of one group in one interval before and after a move (or plan).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CellImpact {
    pub group_id: GroupId,
    pub interval_start: DateTime<Utc>,
    /// Operators on line before and after.
    pub agents_before: u32,
    pub agents_after: u32,
    /// Service level, 0..=1, by Erlang C.
    pub sl_before: f64,
    pub sl_after: f64,
}

/// A move the optimizer considered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub kind: MoveKind,
    pub agent_id: AgentId,
    /// Groups whose staffing it changes.
    pub groups: Vec<GroupId>,
    /// Starts of the intervals in which it uses the operator.
    pub intervals: Vec<DateTime<Utc>>,
    /// What it does, in a sentence.
    pub description: String,
    /// Service level per affected group and interval, against the plan with no moves.
    pub impact: Vec<CellImpact>,
    /// Extra pay.
    pub cost: f64,
    pub overtime_minutes: u32,
    /// Labor rules it would break, and for a lending in the current interval the donor
    /// rules (`donor_calls_waiting`, `donor_max_occupancy`, `donor_below_target`); a
    /// blocked move is never chosen.
    pub blocked_by: Vec<Violation>,
    /// Changes of operators on line: (group position, interval position, +1 or -1).
    #[serde(skip)]
    deltas: Vec<(usize, usize, i32)>,
    /// Horizon intervals in which it uses the operator.
    #[serde(skip)]
    uses: Vec<usize>,
    /// Group positions that lose an operator (they must keep meeting their need).
    #[serde(skip)]
    donors: Vec<(usize, usize)>,
}

/// Figures of one group in one interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CellFigures {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub forecast_calls: f64,
    pub forecast_aht_seconds: f64,
    /// Operators the timetable has on line work for the group.
    pub scheduled: u32,
    /// Scheduled minus those late or absent now.
    pub on_line: u32,
    /// Least operators meeting the SL target and the occupancy cap (Erlang C).
    pub required: u32,
    /// required - scheduled (positive = shortage).
    pub gap: i64,
    /// Service level with the scheduled operators, with those on line, and with the plan.
    pub sl_scheduled: f64,
    pub sl_before: f64,
    pub sl_after: f64,
    /// Operators on line with the plan.
    pub agents_after: u32,
}

/// The figures of a group over the horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupFigures {
    pub group_id: GroupId,
    pub intervals: Vec<CellFigures>,
}

/// A chosen move, in the order chosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedMove {
    /// Position in [`Suggestion::candidates`].
    pub candidate: usize,
    pub kind: MoveKind,
    pub agent_id: AgentId,
    pub cost: f64,
    /// Attainment before and after this move, given the moves chosen before it.
    pub attainment_before: f64,
    pub attainment_after: f64,
}

/// The chosen set of moves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub moves: Vec<PlannedMove>,
    /// Forecast-calls-weighted service level over the horizon and groups, 0..=1.
    pub attainment_before: f64,
    pub attainment_after: f64,
    pub total_cost: f64,
}

/// The optimizer's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub groups: Vec<GroupFigures>,
    pub candidates: Vec<Candidate>,
    pub plan: Plan,
}

/// Operators on line per group position and interval.
type Staffing = Vec<Vec<u32>>;

/// The service levels and requirements of the input's groups, each computed once: the
/// greedy selection asks for the same cells many times.
struct Model<'a> {
    input: &'a Input,
    total_calls: f64,
    service_levels: RefCell<HashMap<(usize, usize, u32), f64>>,
    requirements: RefCell<HashMap<(usize, usize), u32>>,
}

impl<'a> Model<'a> {
    fn new(input: &'a Input) -> Self {
        let total_calls = input
            .groups
            .iter()
            .flat_map(|g| g.loads.iter())
            .map(|l| valid_calls(l.calls))
            .sum();
        Model {
            input,
            total_calls,
            service_levels: RefCell::default(),
            requirements: RefCell::default(),
        }
    }

    fn load(&self, group: usize, interval: usize) -> Load {
        let l = self.input.groups[group]
            .loads
            .get(interval)
            .copied()
            .unwrap_or(IntervalLoad {
                calls: 0.0,
                aht_seconds: 0.0,
            });
        let (start, end) = self.input.intervals[interval];
        Load {
            calls: l.calls,
            interval_seconds: (end - start).num_milliseconds() as f64 / 1000.0,
            aht_seconds: l.aht_seconds,
        }
    }

    /// Service level of `agents` in a cell by Erlang C; 0 for a load Erlang C refuses.
    fn sl(&self, group: usize, interval: usize, agents: u32) -> f64 {
        if let Some(&sl) = self.service_levels.borrow().get(&(group, interval, agents)) {
            return sl;
        }
        let target = self.input.groups[group].target.answer_within_seconds;
        let sl = erlang::performance(&self.load(group, interval), agents, target)
            .map_or(0.0, |p| p.service_level);
        self.service_levels
            .borrow_mut()
            .insert((group, interval, agents), sl);
        sl
    }

    fn required(&self, group: usize, interval: usize) -> u32 {
        if let Some(&n) = self.requirements.borrow().get(&(group, interval)) {
            return n;
        }
        let g = &self.input.groups[group];
        let n = erlang::required_agents(&StaffingRequest {
            load: self.load(group, interval),
            target: g.target,
            max_occupancy: g.max_occupancy,
            shrinkage: 0.0,
        })
        .map_or(0, |s| s.agents);
        self.requirements.borrow_mut().insert((group, interval), n);
        n
    }

    fn weight(&self, group: usize, interval: usize) -> f64 {
        self.input.groups[group]
            .loads
            .get(interval)
            .map_or(0.0, |l| valid_calls(l.calls))
    }

    /// Forecast-calls-weighted service level of `staffing`; 1 with no calls forecast.
    fn attainment(&self, staffing: &Staffing) -> f64 {
        if self.total_calls <= 0.0 {
            return 1.0;
        }
        let mut sum = 0.0;
        for (g, row) in staffing.iter().enumerate() {
            for (i, &n) in row.iter().enumerate() {
                let w = self.weight(g, i);
                if w > 0.0 {
                    sum += w * self.sl(g, i, n);
                }
            }
        }
        sum / self.total_calls
    }

    /// Change of attainment if `deltas` were applied to `staffing`. With `capped`, each
    /// cell's service level counts only up to its target: paid moves buy the target,
    /// not more.
    fn gain(&self, staffing: &Staffing, deltas: &[(usize, usize, i32)], capped: bool) -> f64 {
        if self.total_calls <= 0.0 {
            return 0.0;
        }
        let mut cells: Vec<(usize, usize, i32)> = Vec::with_capacity(deltas.len());
        for &(g, i, d) in deltas {
            match cells.iter_mut().find(|c| c.0 == g && c.1 == i) {
                Some(c) => c.2 += d,
                None => cells.push((g, i, d)),
            }
        }
        cells
            .into_iter()
            .map(|(g, i, d)| {
                let (before, after) = (staffing[g][i], staffing[g][i].saturating_add_signed(d));
                let cap = if capped {
                    self.input.groups[g].target.percent / 100.0
                } else {
                    1.0
                };
                let sl = |n: u32| self.sl(g, i, n).min(cap);
                self.weight(g, i) * (sl(after) - sl(before))
            })
            .sum::<f64>()
            / self.total_calls
    }

    fn group_position(&self, id: GroupId) -> Option<usize> {
        self.input.groups.iter().position(|g| g.group_id == id)
    }
}

fn valid_calls(calls: f64) -> f64 {
    if calls.is_finite() && calls > 0.0 {
        calls
    } else {
        0.0
    }
}

fn apply(staffing: &mut Staffing, deltas: &[(usize, usize, i32)]) {
    for &(g, i, d) in deltas {
        let cell = &mut staffing[g][i];
        *cell = cell.saturating_add_signed(d);
    }
}

/// Operators the timetable puts on line per group and interval; with `present_only`,
/// without those late or absent.
fn staffing_of(model: &Model, present_only: bool) -> Staffing {
    let input = model.input;
    let mut staffing = vec![vec![0; input.intervals.len()]; input.groups.len()];
    for o in &input.operators {
        if present_only && o.presence != Presence::Present {
            continue;
        }
        for (i, slot) in o.slots.iter().enumerate().take(input.intervals.len()) {
            if let Slot::Line(id) = slot
                && let Some(g) = model.group_position(*id)
            {
                staffing[g][i] += 1;
            }
        }
    }
    staffing
}

/// Every candidate move with its service-level effect, cost and labor check, and the
/// moves chosen greedily by attainment gained per unit of cost (free moves first).
pub fn suggest(input: &Input) -> Suggestion {
    let model = Model::new(input);
    let scheduled = staffing_of(&model, false);
    let baseline = staffing_of(&model, true);
    let candidates = moves::candidates(&model, &baseline);
    let (plan, after) = select::choose(&model, &baseline, &candidates);
    let groups = input
        .groups
        .iter()
        .enumerate()
        .map(|(g, plan)| GroupFigures {
            group_id: plan.group_id,
            intervals: input
                .intervals
                .iter()
                .enumerate()
                .map(|(i, &(start, end))| {
                    let required = model.required(g, i);
                    let load = plan.loads.get(i).copied().unwrap_or(IntervalLoad {
                        calls: 0.0,
                        aht_seconds: 0.0,
                    });
                    CellFigures {
                        start,
                        end,
                        forecast_calls: load.calls,
                        forecast_aht_seconds: load.aht_seconds,
                        scheduled: scheduled[g][i],
                        on_line: baseline[g][i],
                        required,
                        gap: i64::from(required) - i64::from(scheduled[g][i]),
                        sl_scheduled: model.sl(g, i, scheduled[g][i]),
                        sl_before: model.sl(g, i, baseline[g][i]),
                        sl_after: model.sl(g, i, after[g][i]),
                        agents_after: after[g][i],
                    }
                })
                .collect(),
        })
        .collect();
    Suggestion {
        groups,
        candidates,
        plan,
    }
}

#[cfg(test)]
mod tests;
