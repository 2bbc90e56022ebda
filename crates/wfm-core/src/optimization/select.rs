//! Choosing moves: greedily by the attainment a move gains per unit of its cost, gains
//! re-evaluated after each pick because they are not additive; free moves first. A paid
//! move's gain counts each cell's service level only up to its target, so overtime is
//! never bought to overshoot.

use std::collections::HashSet;

use super::{Candidate, Model, Plan, PlannedMove, Staffing, apply};

/// Gains below this are rounding noise, not an improvement.
const NO_GAIN: f64 = 1e-9;

/// The moves chosen from `candidates` in order, and the staffing they leave.
pub(super) fn choose(
    model: &Model,
    baseline: &Staffing,
    candidates: &[Candidate],
) -> (Plan, Staffing) {
    let mut staffing = baseline.clone();
    let mut busy: HashSet<(i64, usize)> = HashSet::new();
    let mut taken = vec![false; candidates.len()];
    let mut moves = Vec::new();
    let mut spent = 0.0;
    let before = model.attainment(baseline);
    let mut attainment = before;
    loop {
        // (free, score, gain, position): free moves rank above any paid one; at equal
        // score the larger gain wins (a longer extension at the same rate).
        let mut best: Option<(bool, f64, f64, usize)> = None;
        for (k, c) in candidates.iter().enumerate() {
            if taken[k] || !c.blocked_by.is_empty() {
                continue;
            }
            if c.uses.iter().any(|&i| busy.contains(&(c.agent_id, i))) {
                continue;
            }
            if model
                .input
                .budget
                .is_some_and(|b| spent + c.cost > b + 1e-9)
            {
                continue;
            }
            // A group giving an operator up must still meet its requirement.
            if c.donors
                .iter()
                .any(|&(g, i)| staffing[g][i] < model.required(g, i) + 1)
            {
                continue;
            }
            let free = c.cost <= 0.0;
            let gain = model.gain(&staffing, &c.deltas, !free);
            if gain <= NO_GAIN {
                continue;
            }
            let score = if free { gain } else { gain / c.cost };
            let better = match best {
                None => true,
                Some((bf, bs, bg, _)) => (free, score, gain) > (bf, bs, bg),
            };
            if better {
                best = Some((free, score, gain, k));
            }
        }
        let Some((_, _, _, k)) = best else { break };
        let c = &candidates[k];
        taken[k] = true;
        apply(&mut staffing, &c.deltas);
        busy.extend(c.uses.iter().map(|&i| (c.agent_id, i)));
        spent += c.cost;
        let after = model.attainment(&staffing);
        moves.push(PlannedMove {
            candidate: k,
            kind: c.kind,
            agent_id: c.agent_id,
            cost: c.cost,
            attainment_before: attainment,
            attainment_after: after,
        });
        attainment = after;
    }
    (
        Plan {
            moves,
            attainment_before: before,
            attainment_after: attainment,
            total_cost: spent,
        },
        staffing,
    )
}
