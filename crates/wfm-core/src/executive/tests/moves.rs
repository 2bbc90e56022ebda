//! Reallocation on the hand-built day: group 1 is one short, group 2 two over.

use std::collections::BTreeMap;

use super::day::{center, now};
use crate::executive::{Importance, reallocations};
use crate::live::{Figures, OperatorStatus, Scope, Snapshot};

fn groups(snapshot: &Snapshot) -> Vec<Figures> {
    let mut groups = snapshot.groups.clone();
    groups.sort_by_key(|g| g.scope);
    groups
}

fn figures_of(groups: &mut [Figures], id: i64) -> &mut Figures {
    groups
        .iter_mut()
        .find(|g| g.scope == Scope::Group(id))
        .unwrap()
}

fn two_decimals(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn moves_of(
    groups: &[Figures],
    importance: &BTreeMap<i64, Importance>,
    operators: &[OperatorStatus],
    skills: &BTreeMap<i64, Vec<i64>>,
) -> Vec<(i64, i64, i64)> {
    let refs: Vec<&Figures> = groups.iter().collect();
    reallocations(&refs, importance, operators, skills)
        .iter()
        .map(|m| (m.agent_id, m.from_group_id, m.to_group_id))
        .collect()
}

#[test]
fn a_skilled_surplus_operator_moves_to_the_shortage_with_both_sides_sl() {
    let center = center();
    let snapshot = center.snapshot(now());
    let operators = center.operators(now());
    let groups = groups(&snapshot);
    let refs: Vec<&Figures> = groups.iter().collect();
    // 22 can serve group 1 as well; 31 (group 3, no surplus) could too but may not give.
    let skills = BTreeMap::from([(22, vec![2, 1]), (31, vec![3, 1])]);
    let moves = reallocations(&refs, &BTreeMap::new(), &operators, &skills);
    assert_eq!(moves.len(), 1, "{moves:?}");
    let m = &moves[0];
    assert_eq!((m.agent_id, m.from_group_id, m.to_group_id), (22, 2, 1));
    // Both on A = 1 Erlang (5 calls x 180 s / 900 s), T = 20 s, AHT 180 s:
    // group 1, N = 2: B = 0.2, C = 0.4 / 1.2 = 0.3333, SL = 1 - 0.3333 e^(-1/9) = 70.17;
    //          N = 3: B = 0.0625, C = 0.1875 / 2.0625 = 0.0909, SL = 1 - 0.0909 e^(-2/9) = 92.72.
    // group 2, N = 5: B = 0.003067, C = 0.003831, SL = 1 - 0.003831 e^(-4/9) = 99.75;
    //          N = 4: B = 0.015385, C = 0.020408, SL = 1 - 0.020408 e^(-3/9) = 98.54.
    assert_eq!(
        (
            two_decimals(m.to_sl_before_percent),
            two_decimals(m.to_sl_after_percent),
            two_decimals(m.from_sl_before_percent),
            two_decimals(m.from_sl_after_percent),
        ),
        (70.17, 92.72, 99.75, 98.54)
    );
    assert_eq!(
        (m.to_requirement_after, m.from_requirement_after),
        (0.0, -1.0)
    );
    // Without the skill nobody moves.
    assert!(reallocations(&refs, &BTreeMap::new(), &operators, &BTreeMap::new()).is_empty());
}

#[test]
fn the_donor_keeps_what_it_needs_and_each_operator_moves_once() {
    let center = center();
    let snapshot = center.snapshot(now());
    let operators = center.operators(now());
    let mut groups = groups(&snapshot);
    // Group 1 needing 5 is 3 short; group 2 (5 on line, 3 required) can give 2, then
    // it would fall into shortage.
    figures_of(&mut groups, 1).required = Some(5.0);
    let skills: BTreeMap<i64, Vec<i64>> =
        [21, 22, 23, 24].into_iter().map(|a| (a, vec![1])).collect();
    assert_eq!(
        moves_of(&groups, &BTreeMap::new(), &operators, &skills),
        vec![(21, 2, 1), (22, 2, 1)]
    );
}

#[test]
fn the_more_important_shortage_is_served_first() {
    let center = center();
    let snapshot = center.snapshot(now());
    let operators = center.operators(now());
    let mut groups = groups(&snapshot);
    // Group 3 one short as well (needs 5 of its 4): one donor place (group 2 down to
    // 4 still has a surplus of 1, down to 3 none), operator 25 skilled for both.
    figures_of(&mut groups, 3).required = Some(5.0);
    figures_of(&mut groups, 2).required = Some(4.0);
    let skills = BTreeMap::from([(25, vec![1, 3])]);
    assert_eq!(
        moves_of(&groups, &BTreeMap::new(), &operators, &skills),
        vec![(25, 2, 1)],
        "equal importance and shortage: the lower id"
    );
    let critical = BTreeMap::from([(3, Importance::Critical)]);
    assert_eq!(
        moves_of(&groups, &critical, &operators, &skills),
        vec![(25, 2, 3)]
    );
}

#[test]
fn a_donor_is_never_taken_below_its_target() {
    let center = center();
    let snapshot = center.snapshot(now());
    let operators = center.operators(now());
    let mut groups = groups(&snapshot);
    // Group 2 claims to need only 2 (a surplus of 3), but on A = 1 with 2 on line its
    // SL would be 70.17 < 80: it gives 21 and 22 (down to 3: 92.72), never the third.
    figures_of(&mut groups, 2).required = Some(2.0);
    figures_of(&mut groups, 1).required = Some(5.0);
    let skills: BTreeMap<i64, Vec<i64>> = [21, 22, 23].into_iter().map(|a| (a, vec![1])).collect();
    assert_eq!(
        moves_of(&groups, &BTreeMap::new(), &operators, &skills),
        vec![(21, 2, 1), (22, 2, 1)]
    );
}
