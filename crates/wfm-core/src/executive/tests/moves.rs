//! Reallocation on the hand-built day: group 1 is one short, group 2 two over. Group 1's
//! window has 3 of 5 calls answered within 20 s (SL 60), group 2's 5 of 5 (100); every
//! operator is ready (occupancy 0) and nobody waits.

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
    reallocations(&refs, importance, &BTreeMap::new(), operators, skills)
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
    let moves = reallocations(
        &refs,
        &BTreeMap::new(),
        &BTreeMap::new(),
        &operators,
        &skills,
    );
    assert_eq!(moves.len(), 1, "{moves:?}");
    let m = &moves[0];
    assert_eq!((m.agent_id, m.from_group_id, m.to_group_id), (22, 2, 1));
    // Before: the windows as the snapshot shows them, 3/5 = 60 and 5/5 = 100.
    // After, both on A = 1 Erlang (5 calls x 180 s / 900 s), T = 20 s, AHT 180 s:
    // group 1, N = 2: B = 0.2, C = 0.4 / 1.2 = 0.3333, SL = 1 - 0.3333 e^(-1/9) = 70.17;
    //          N = 3: B = 0.0625, C = 0.1875 / 2.0625 = 0.0909, SL = 1 - 0.0909 e^(-2/9) = 92.72.
    // group 2, N = 5: B = 0.003067, C = 0.003831, SL = 1 - 0.003831 e^(-4/9) = 99.75;
    //          N = 4: B = 0.015385, C = 0.020408, SL = 1 - 0.020408 e^(-3/9) = 98.54.
    // (The model's 70.17 and 99.75 are not what the supervisor sees, so not quoted.)
    assert_eq!(
        (
            m.to_sl_before_percent.map(two_decimals),
            two_decimals(m.to_sl_after_percent),
            m.from_sl_before_percent.map(two_decimals),
            two_decimals(m.from_sl_after_percent),
        ),
        (Some(60.0), 92.72, Some(100.0), 98.54)
    );
    assert_eq!(
        (m.to_requirement_after, m.from_requirement_after),
        (0.0, -1.0)
    );
    // Without the skill nobody moves.
    assert!(
        reallocations(
            &refs,
            &BTreeMap::new(),
            &BTreeMap::new(),
            &operators,
            &BTreeMap::new()
        )
        .is_empty()
    );
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

/// Group 1 one short and group 2 with a surplus of 2, operators 21 and 22 skilled for
/// group 1: the day's one move unless a donor rule holds group 2.
fn with_donor(change: impl Fn(&mut Figures)) -> Vec<(i64, i64, i64)> {
    let center = center();
    let snapshot = center.snapshot(now());
    let operators = center.operators(now());
    let mut groups = groups(&snapshot);
    change(figures_of(&mut groups, 2));
    let skills = BTreeMap::from([(21, vec![1]), (22, vec![1])]);
    moves_of(&groups, &BTreeMap::new(), &operators, &skills)
}

#[test]
fn a_donor_with_calls_waiting_at_full_occupancy_and_under_target_is_never_taken() {
    // Issue 15: an operator was suggested out of a group whose window showed 69 %,
    // occupancy 100 % and 2 calls waiting, quoting a model's 99.96 % there. Here group
    // 2 shows the same; the model (N = 5 on A = 1: 99.75, N = 4: 98.54, both over the
    // target of 80) and the requirement (3 of 5 on line) would still let it give.
    assert_eq!(with_donor(|_| {}), vec![(21, 2, 1)]);
    assert!(
        with_donor(|f| {
            f.sl_window_percent = Some(69.0);
            f.occupancy_percent = Some(100.0);
            f.queue_now = 2;
        })
        .is_empty()
    );
    // Each rule alone holds it: the window under target (Billing at 77.8 % against 80
    // gave two), calls waiting, occupancy at the cap (100 % without one).
    assert!(with_donor(|f| f.sl_window_percent = Some(77.8)).is_empty());
    assert!(with_donor(|f| f.queue_now = 2).is_empty());
    assert!(with_donor(|f| f.occupancy_percent = Some(100.0)).is_empty());
    // At the target exactly, 99 % busy and nobody waiting, it gives.
    assert_eq!(
        with_donor(|f| {
            f.sl_window_percent = Some(80.0);
            f.occupancy_percent = Some(99.0);
        }),
        vec![(21, 2, 1)]
    );
}

#[test]
fn the_occupancy_cap_is_the_groups_own() {
    let center = center();
    let snapshot = center.snapshot(now());
    let operators = center.operators(now());
    let mut groups = groups(&snapshot);
    // 4 of group 2's 5 busy: 80 %.
    figures_of(&mut groups, 2).occupancy_percent = Some(80.0);
    let refs: Vec<&Figures> = groups.iter().collect();
    let skills = BTreeMap::from([(21, vec![1])]);
    let capped = |cap: f64| {
        reallocations(
            &refs,
            &BTreeMap::new(),
            &BTreeMap::from([(2, cap)]),
            &operators,
            &skills,
        )
        .len()
    };
    assert_eq!(capped(0.8), 0, "at an 80 % cap");
    assert_eq!(capped(0.85), 1, "under an 85 % cap");
    assert_eq!(capped(1.0), 1);
}

#[test]
fn the_quoted_before_is_the_window_sl_of_the_same_snapshot() {
    // Issue 15: Sales was quoted at 54.5 % while its card showed 85.3 %. Whatever the
    // window shows is quoted, for the receiver and the donor alike, and the "after"
    // stays the model on the window's load (group 1: N = 3 on A = 1, 92.72).
    let center = center();
    let snapshot = center.snapshot(now());
    let operators = center.operators(now());
    let mut groups = groups(&snapshot);
    figures_of(&mut groups, 1).sl_window_percent = Some(85.3);
    let refs: Vec<&Figures> = groups.iter().collect();
    let skills = BTreeMap::from([(22, vec![1])]);
    let moves = reallocations(
        &refs,
        &BTreeMap::new(),
        &BTreeMap::new(),
        &operators,
        &skills,
    );
    assert_eq!(moves.len(), 1, "{moves:?}");
    let window = |id: i64| {
        groups
            .iter()
            .find(|g| g.scope == Scope::Group(id))
            .and_then(|g| g.sl_window_percent)
    };
    for m in &moves {
        assert_eq!(m.to_sl_before_percent, window(m.to_group_id));
        assert_eq!(m.from_sl_before_percent, window(m.from_group_id));
    }
    assert_eq!(moves[0].to_sl_before_percent, Some(85.3));
    assert_eq!(two_decimals(moves[0].to_sl_after_percent), 92.72);
}

#[test]
fn a_window_without_calls_quotes_no_before() {
    // Group 2 with no calls in its window: nothing observed to quote, and Erlang C on
    // no arrivals answers everyone at once (100 after).
    let m = {
        let center = center();
        let snapshot = center.snapshot(now());
        let operators = center.operators(now());
        let mut groups = groups(&snapshot);
        let g2 = figures_of(&mut groups, 2);
        g2.sl_window_percent = None;
        g2.counts.window_offered = 0;
        let refs: Vec<&Figures> = groups.iter().collect();
        let skills = BTreeMap::from([(22, vec![1])]);
        reallocations(
            &refs,
            &BTreeMap::new(),
            &BTreeMap::new(),
            &operators,
            &skills,
        )
    };
    assert_eq!(m.len(), 1, "{m:?}");
    assert_eq!(m[0].from_sl_before_percent, None);
    assert_eq!(m[0].from_sl_after_percent, 100.0);
}
