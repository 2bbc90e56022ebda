//! The candidate moves of a horizon: each with what it changes (operators on line per
//! group and interval), its cost and its labor check, and its effect against the plan.

use chrono::{DateTime, TimeZone, Utc};

use super::{
    Candidate, CellImpact, Model, MoveKind, Operator, Presence, Slot, Staffing, apply, donor_rules,
};
use crate::labor::{self, Change, Shift};

/// Every move worth considering from `baseline` (operators on line with no moves).
pub(super) fn candidates(model: &Model, baseline: &Staffing) -> Vec<Candidate> {
    let mut found = Vec::new();
    for o in &model.input.operators {
        call_to_workplace(model, o, &mut found);
        if o.presence != Presence::Present {
            continue;
        }
        extend_shift(model, o, &mut found);
        reassign(model, baseline, o, &mut found);
        move_break(model, baseline, o, &mut found);
        add_shift(model, baseline, o, &mut found);
    }
    for c in &mut found {
        c.impact = impact(model, baseline, &c.deltas);
    }
    found
}

fn candidate(kind: MoveKind, o: &Operator, description: String) -> Candidate {
    Candidate {
        kind,
        agent_id: o.agent_id,
        groups: Vec::new(),
        intervals: Vec::new(),
        description,
        impact: Vec::new(),
        cost: 0.0,
        overtime_minutes: 0,
        blocked_by: Vec::new(),
        deltas: Vec::new(),
        uses: Vec::new(),
        donors: Vec::new(),
    }
}

/// Fills the groups and interval starts from the deltas and uses.
fn finish(model: &Model, mut c: Candidate) -> Candidate {
    let mut groups: Vec<i64> = c
        .deltas
        .iter()
        .map(|d| model.input.groups[d.0].group_id)
        .collect();
    groups.sort_unstable();
    groups.dedup();
    c.groups = groups;
    c.uses.sort_unstable();
    c.uses.dedup();
    c.intervals = c.uses.iter().map(|&i| model.input.intervals[i].0).collect();
    c
}

fn impact(model: &Model, baseline: &Staffing, deltas: &[(usize, usize, i32)]) -> Vec<CellImpact> {
    let mut after = baseline.clone();
    apply(&mut after, deltas);
    let mut cells: Vec<(usize, usize)> = deltas.iter().map(|d| (d.0, d.1)).collect();
    cells.sort_unstable();
    cells.dedup();
    cells
        .into_iter()
        .map(|(g, i)| CellImpact {
            group_id: model.input.groups[g].group_id,
            interval_start: model.input.intervals[i].0,
            agents_before: baseline[g][i],
            agents_after: after[g][i],
            sl_before: model.sl(g, i, baseline[g][i]),
            sl_after: model.sl(g, i, after[g][i]),
        })
        .collect()
}

fn minutes_of(model: &Model, from: usize, to: usize) -> u32 {
    let ivs = &model.input.intervals;
    let span = ivs[to - 1].1 - ivs[from].0;
    u32::try_from(span.num_minutes()).unwrap_or(0)
}

/// A late or absent operator back on their planned line work, from now on; free, as
/// the time is paid already.
fn call_to_workplace(model: &Model, o: &Operator, found: &mut Vec<Candidate>) {
    if o.presence == Presence::Present {
        return;
    }
    let mut c = candidate(
        MoveKind::CallToWorkplace,
        o,
        format!(
            "call operator {} ({}) to the workplace",
            o.agent_id,
            if o.presence == Presence::Late {
                "late"
            } else {
                "absent"
            }
        ),
    );
    for (i, slot) in o.slots.iter().enumerate().take(model.input.intervals.len()) {
        if let Slot::Line(id) = slot
            && let Some(g) = model.group_position(*id)
        {
            c.deltas.push((g, i, 1));
            c.uses.push(i);
        }
    }
    if !c.deltas.is_empty() {
        found.push(finish(model, c));
    }
}

/// The shift of `o` holding `at`, by position in its history.
fn shift_at(o: &Operator, at: DateTime<Utc>) -> Option<usize> {
    o.history
        .shifts
        .iter()
        .position(|s| s.start <= at && at < s.end)
}

/// Overtime at the end of a shift that ends inside the horizon, by whole intervals up to
/// the two-day overtime limit, on every group the operator is skilled for.
fn extend_shift(model: &Model, o: &Operator, found: &mut Vec<Candidate>) {
    let ivs = &model.input.intervals;
    let Some(first_off) = (1..ivs.len()).find(|&i| {
        o.slots.get(i) == Some(&Slot::Off) && o.slots.get(i - 1).is_some_and(|s| *s != Slot::Off)
    }) else {
        return;
    };
    let Some(shift) = shift_at(o, ivs[first_off - 1].0) else {
        return;
    };
    if o.history.shifts[shift].end != ivs[first_off].0 {
        return;
    }
    let already = o.history.shifts[shift].overtime_minutes;
    let last_off = (first_off..ivs.len())
        .find(|&i| o.slots.get(i) != Some(&Slot::Off))
        .unwrap_or(ivs.len());
    for id in &o.skills {
        let Some(g) = model.group_position(*id) else {
            continue;
        };
        for end in first_off + 1..=last_off {
            let minutes = minutes_of(model, first_off, end);
            // Longer is always blocked by the two-day overtime limit.
            if minutes > model.input.rules.max_overtime_two_days_minutes {
                break;
            }
            let mut c = candidate(
                MoveKind::ExtendShift,
                o,
                format!(
                    "extend operator {}'s shift by {minutes} min on group {id}",
                    o.agent_id
                ),
            );
            for i in first_off..end {
                c.deltas.push((g, i, 1));
                c.uses.push(i);
            }
            c.overtime_minutes = minutes;
            c.cost = labor::overtime_pay(&model.input.rules, o.hourly_rate, already, minutes);
            c.blocked_by = labor::check(
                &model.input.rules,
                &o.history,
                &Change::Extend { shift, minutes },
            );
            found.push(finish(model, c));
        }
    }
}

/// Runs [from, to) of consecutive intervals where `keep` holds.
fn runs(len: usize, keep: impl Fn(usize) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < len {
        if keep(i) {
            let from = i;
            while i < len && keep(i) {
                i += 1;
            }
            out.push((from, i));
        } else {
            i += 1;
        }
    }
    out
}

fn short(model: &Model, staffing: &Staffing, g: usize, i: usize) -> bool {
    staffing[g][i] < model.required(g, i)
}

/// Lending an operator from their planned group to another of their groups for each run
/// of intervals in which the other is short.
fn reassign(model: &Model, baseline: &Staffing, o: &Operator, found: &mut Vec<Candidate>) {
    let len = model.input.intervals.len();
    for to_id in &o.skills {
        let Some(to) = model.group_position(*to_id) else {
            continue;
        };
        for from in 0..model.input.groups.len() {
            if from == to {
                continue;
            }
            let from_id = model.input.groups[from].group_id;
            let on = |i: usize| o.slots.get(i) == Some(&Slot::Line(from_id));
            for (a, b) in runs(len, |i| on(i) && short(model, baseline, to, i)) {
                let mut c = candidate(
                    MoveKind::Reassign,
                    o,
                    format!(
                        "move operator {} from group {from_id} to group {to_id} for {} min",
                        o.agent_id,
                        minutes_of(model, a, b)
                    ),
                );
                for i in a..b {
                    c.deltas.push((from, i, -1));
                    c.deltas.push((to, i, 1));
                    c.donors.push((from, i));
                    c.uses.push(i);
                }
                // Now is what the supervisor sees, not the forecast.
                let plan = &model.input.groups[from];
                if let (0, Some(now)) = (a, &plan.now) {
                    c.blocked_by = donor_rules(now, plan.target.percent, plan.max_occupancy);
                }
                found.push(finish(model, c));
            }
        }
    }
}

/// A break (a run of pause intervals) moved out of intervals where its group is short into
/// line work of the same shift where the group has an operator to spare.
fn move_break(model: &Model, baseline: &Staffing, o: &Operator, found: &mut Vec<Candidate>) {
    let ivs = &model.input.intervals;
    let len = ivs.len();
    for (a, b) in runs(len, |i| o.slots.get(i) == Some(&Slot::Pause)) {
        // A break under way (or begun before the horizon) is not moved.
        if a == 0 {
            continue;
        }
        let Some(Slot::Line(id)) = o.slots.get(a - 1).copied() else {
            continue;
        };
        let Some(g) = model.group_position(id) else {
            continue;
        };
        if !(a..b).any(|i| short(model, baseline, g, i)) {
            continue;
        }
        let Some(shift) = shift_at(o, ivs[a].0) else {
            continue;
        };
        let width = b - a;
        for to in 1..=len.saturating_sub(width) {
            let target = to..to + width;
            if target.clone().any(|i| (a..b).contains(&i))
                || !target
                    .clone()
                    .all(|i| o.slots.get(i) == Some(&Slot::Line(id)))
                || !target
                    .clone()
                    .all(|i| baseline[g][i] > model.required(g, i))
            {
                continue;
            }
            let mut c = candidate(
                MoveKind::MoveBreak,
                o,
                format!(
                    "move operator {}'s break from {} to {}",
                    o.agent_id,
                    ivs[a].0.format("%H:%M"),
                    ivs[to].0.format("%H:%M")
                ),
            );
            for i in a..b {
                c.deltas.push((g, i, 1));
                c.uses.push(i);
            }
            for i in target {
                c.deltas.push((g, i, -1));
                c.donors.push((g, i));
                c.uses.push(i);
            }
            c.blocked_by = labor::check(
                &model.input.rules,
                &o.history,
                &Change::MoveBreak {
                    shift,
                    from: ivs[a].0,
                    to: ivs[to].0,
                },
            );
            found.push(finish(model, c));
        }
    }
}

/// An operator with no work in the horizon called in for each group they are skilled
/// for, over the run of intervals the group is short (at most the longest work allowed
/// without a break): on a day off at the day-off rate, else as overtime.
fn add_shift(model: &Model, baseline: &Staffing, o: &Operator, found: &mut Vec<Candidate>) {
    let ivs = &model.input.intervals;
    if o.slots.iter().any(|s| *s != Slot::Off) {
        return;
    }
    let rules = &model.input.rules;
    for id in &o.skills {
        let Some(g) = model.group_position(*id) else {
            continue;
        };
        let Some(&(a, run_end)) = runs(ivs.len(), |i| short(model, baseline, g, i)).first() else {
            continue;
        };
        let mut b = a + 1;
        while b < run_end && minutes_of(model, a, b + 1) <= rules.max_work_without_break_minutes {
            b += 1;
        }
        let minutes = minutes_of(model, a, b);
        let (start, end) = (ivs[a].0, ivs[b - 1].1);
        let tz = o.history.tz;
        let day = |t: DateTime<Utc>| tz.from_utc_datetime(&t.naive_utc()).date_naive();
        let working_day = o.history.shifts.iter().find(|s| day(s.start) == day(start));
        let mut shift = Shift::new(start, end);
        let (cost, what) = match working_day {
            Some(s) => {
                shift.overtime_minutes = minutes;
                (
                    labor::overtime_pay(rules, o.hourly_rate, s.overtime_minutes, minutes),
                    "an extra shift",
                )
            }
            None => (
                labor::day_off_pay(rules, o.hourly_rate, minutes),
                "a day off",
            ),
        };
        let mut c = candidate(
            MoveKind::AddShift,
            o,
            format!(
                "call in operator {} on {what} for {minutes} min on group {id}",
                o.agent_id
            ),
        );
        for i in a..b {
            c.deltas.push((g, i, 1));
            c.uses.push(i);
        }
        c.cost = cost;
        c.overtime_minutes = shift.overtime_minutes;
        c.blocked_by = labor::check(rules, &o.history, &Change::AddShift(shift));
        found.push(finish(model, c));
    }
}
