//! Scenarios whose best move is known in advance, and before/after service levels equal to
//! the Erlang C calculator's.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::labor::{Shift, WorkHistory};

const G1: GroupId = 1;
const G2: GroupId = 2;

/// 2026-12-01 at `h:m` Moscow time.
fn at(h: u32, m: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Moscow
        .with_ymd_and_hms(2026, 12, 1, h, m, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn horizon(from: DateTime<Utc>, minutes: i64, n: usize) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    (0..n)
        .map(|i| {
            let start = from + Duration::minutes(minutes * i as i64);
            (start, start + Duration::minutes(minutes))
        })
        .collect()
}

/// Traffic of 10 Erlangs in every interval (DESIGN.md's worked check): 80/20 needs 14.
fn group(id: GroupId, intervals: &[(DateTime<Utc>, DateTime<Utc>)]) -> GroupPlan {
    let calls = 100.0 * (intervals[0].1 - intervals[0].0).num_minutes() as f64 / 30.0;
    GroupPlan {
        group_id: id,
        target: ServiceTarget {
            answer_within_seconds: 20.0,
            percent: 80.0,
        },
        max_occupancy: 0.9,
        loads: vec![
            IntervalLoad {
                calls,
                aht_seconds: 180.0
            };
            intervals.len()
        ],
        now: None,
    }
}

fn operator(id: AgentId, skills: &[GroupId], slots: Vec<Slot>, shift: Shift) -> Operator {
    Operator {
        agent_id: id,
        skills: skills.to_vec(),
        hourly_rate: 400.0,
        slots,
        presence: Presence::Present,
        history: WorkHistory {
            shifts: vec![shift],
            overtime_year_minutes: 0,
            tz: chrono_tz::Europe::Moscow,
        },
    }
}

/// 08:00-20:00 with breaks every 3 h: nothing about it is near a labor limit for the
/// moves the tests make inside 10:00-12:00.
fn long_day() -> Shift {
    let mut s = Shift::new(at(8, 0), at(20, 0));
    s.breaks = vec![
        (at(11, 0), at(11, 30)),
        (at(14, 0), at(14, 30)),
        (at(17, 0), at(17, 15)),
    ];
    s
}

fn on_line(id: AgentId, group: GroupId, n: usize) -> Operator {
    operator(id, &[group], vec![Slot::Line(group); n], long_day())
}

fn sl(agents: u32, interval_minutes: f64) -> f64 {
    erlang::performance(
        &Load {
            calls: 100.0 * interval_minutes / 30.0,
            interval_seconds: interval_minutes * 60.0,
            aht_seconds: 180.0,
        },
        agents,
        20.0,
    )
    .unwrap()
    .service_level
}

fn input(
    intervals: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    groups: Vec<GroupPlan>,
    operators: Vec<Operator>,
) -> Input {
    Input {
        intervals,
        groups,
        operators,
        rules: LaborRules::default(),
        budget: None,
    }
}

#[test]
fn the_figures_match_the_erlang_c_worked_check() {
    assert_eq!((sl(14, 30.0) * 10_000.0).round() / 10_000.0, 0.8884);
    assert_eq!((sl(13, 30.0) * 10_000.0).round() / 10_000.0, 0.7956);
    let ivs = horizon(at(10, 0), 30, 2);
    let ops = (0..13).map(|i| on_line(i, G1, 2)).collect();
    let s = suggest(&input(ivs.clone(), vec![group(G1, &ivs)], ops));
    let cell = s.groups[0].intervals[0];
    assert_eq!(
        (
            cell.forecast_calls,
            cell.scheduled,
            cell.on_line,
            cell.required,
            cell.gap
        ),
        (100.0, 13, 13, 14, 1)
    );
    assert_eq!(cell.sl_before, sl(13, 30.0));
    assert!(s.plan.moves.is_empty(), "no operator to use: {:?}", s.plan);
}

#[test]
fn a_late_operator_is_called_in_rather_than_paying_overtime() {
    let ivs = horizon(at(10, 0), 30, 4);
    let mut ops: Vec<Operator> = (0..13).map(|i| on_line(i, G1, 4)).collect();
    let mut late = on_line(100, G1, 4);
    late.presence = Presence::Late;
    ops.push(late);
    // Operator 200 leaves at 11:00 after a shift from 03:00: an extension is possible.
    let mut early = Shift::new(at(3, 0), at(11, 0));
    early.breaks = vec![(at(6, 0), at(6, 30)), (at(9, 0), at(9, 15))];
    let slots = vec![Slot::Line(G1), Slot::Line(G1), Slot::Off, Slot::Off];
    ops.push(operator(200, &[G1], slots, early));
    let s = suggest(&input(ivs.clone(), vec![group(G1, &ivs)], ops));

    let cells = &s.groups[0].intervals;
    let on: Vec<u32> = cells.iter().map(|c| c.on_line).collect();
    assert_eq!(on, [14, 14, 13, 13]);
    let scheduled: Vec<u32> = cells.iter().map(|c| c.scheduled).collect();
    assert_eq!(scheduled, [15, 15, 14, 14]);

    let extensions = s
        .candidates
        .iter()
        .filter(|c| c.kind == MoveKind::ExtendShift)
        .count();
    assert_eq!(extensions, 2, "30 and 60 minutes");
    let [chosen] = s.plan.moves.as_slice() else {
        panic!("one move: {:?}", s.plan)
    };
    assert_eq!(
        (chosen.kind, chosen.agent_id, chosen.cost),
        (MoveKind::CallToWorkplace, 100, 0.0)
    );
    let call = &s.candidates[chosen.candidate];
    let third = call.impact[2];
    assert_eq!((third.agents_before, third.agents_after), (13, 14));
    assert_eq!(
        (third.sl_before, third.sl_after),
        (sl(13, 30.0), sl(14, 30.0))
    );
    let after: Vec<u32> = cells.iter().map(|c| c.agents_after).collect();
    assert_eq!(after, [15, 15, 14, 14]);
    let expected = (2.0 * sl(15, 30.0) + 2.0 * sl(14, 30.0)) / 4.0;
    assert!((s.plan.attainment_after - expected).abs() < 1e-12);
    assert!((s.plan.attainment_before - (sl(14, 30.0) + sl(13, 30.0)) / 2.0).abs() < 1e-12);
}

#[test]
fn a_skilled_operator_is_lent_from_a_surplus_group_that_stays_above_target() {
    let ivs = horizon(at(10, 0), 30, 2);
    let mut ops: Vec<Operator> = (0..13).map(|i| on_line(i, G1, 2)).collect();
    ops.extend((20..35).map(|i| on_line(i, G2, 2)));
    ops.push(operator(99, &[G2, G1], vec![Slot::Line(G2); 2], long_day()));
    let s = suggest(&input(
        ivs.clone(),
        vec![group(G1, &ivs), group(G2, &ivs)],
        ops,
    ));

    assert_eq!(s.groups[1].intervals[0].on_line, 16);
    let [chosen] = s.plan.moves.as_slice() else {
        panic!("one move: {:?}", s.plan)
    };
    assert_eq!((chosen.kind, chosen.agent_id), (MoveKind::Reassign, 99));
    let c = &s.candidates[chosen.candidate];
    assert_eq!(c.groups, [G1, G2]);
    assert_eq!(c.intervals, [at(10, 0), at(10, 30)]);
    let donor = c.impact.iter().find(|i| i.group_id == G2).unwrap();
    assert_eq!((donor.agents_before, donor.agents_after), (16, 15));
    assert_eq!(donor.sl_after, sl(15, 30.0));
    assert!(donor.sl_after >= 0.8);
    for g in &s.groups {
        assert!(g.intervals.iter().all(|c| c.sl_after >= 0.8), "{g:?}");
    }
}

#[test]
fn a_lending_now_out_of_a_group_the_supervisor_sees_struggling_is_blocked() {
    // The day above, the horizon starting now. By the forecast G2 has 16 for its 14
    // (10 Erlangs, 80/20; SL with 15: 94.1 %), but issue 15 saw such a donor at a window
    // SL of 69 % with occupancy 100 % and 2 calls waiting: no operator may leave it.
    let ivs = horizon(at(10, 0), 30, 2);
    let mut ops: Vec<Operator> = (0..13).map(|i| on_line(i, G1, 2)).collect();
    ops.extend((20..35).map(|i| on_line(i, G2, 2)));
    ops.push(operator(99, &[G2, G1], vec![Slot::Line(G2); 2], long_day()));
    let suggest_with = |now: GroupNow| {
        let mut donor = group(G2, &ivs);
        donor.now = Some(now);
        suggest(&input(
            ivs.clone(),
            vec![group(G1, &ivs), donor],
            ops.clone(),
        ))
    };
    let struggling = suggest_with(GroupNow {
        sl_window_percent: Some(69.0),
        occupancy_percent: Some(100.0),
        queue_now: 2,
    });
    let lend = struggling
        .candidates
        .iter()
        .find(|c| c.kind == MoveKind::Reassign)
        .unwrap();
    let rules: Vec<&str> = lend.blocked_by.iter().map(|v| v.rule.as_str()).collect();
    assert_eq!(
        rules,
        [
            "donor_calls_waiting",
            "donor_max_occupancy",
            "donor_below_target"
        ]
    );
    assert!(struggling.plan.moves.is_empty(), "{:?}", struggling.plan);
    // Each rule alone blocks (G2's cap is 90 %); at the target, under the cap and with
    // nobody waiting, the lending is chosen as in the test above.
    for (now, rule) in [
        (Some(79.9), Some(50.0), 0, "donor_below_target"),
        (Some(90.0), Some(90.0), 0, "donor_max_occupancy"),
        (None, Some(50.0), 1, "donor_calls_waiting"),
    ]
    .map(|(sl, occupancy, queue, rule)| {
        (
            GroupNow {
                sl_window_percent: sl,
                occupancy_percent: occupancy,
                queue_now: queue,
            },
            rule,
        )
    }) {
        let s = suggest_with(now);
        let lend = s.candidates.iter().find(|c| c.kind == MoveKind::Reassign);
        let rules: Vec<&str> = lend
            .map(|c| c.blocked_by.iter().map(|v| v.rule.as_str()).collect())
            .unwrap_or_default();
        assert_eq!(rules, [rule], "{now:?}");
    }
    let fine = suggest_with(GroupNow {
        sl_window_percent: Some(80.0),
        occupancy_percent: Some(89.0),
        queue_now: 0,
    });
    assert_eq!(
        fine.plan.moves.iter().map(|m| m.kind).collect::<Vec<_>>(),
        [MoveKind::Reassign]
    );
}

#[test]
fn an_extension_to_twelve_hours_fifteen_is_blocked_and_twelve_hours_is_chosen() {
    let ivs = horizon(at(19, 0), 15, 4);
    let mut ops: Vec<Operator> = (0..13).map(|i| on_line(i, G1, 4)).collect();
    for o in &mut ops {
        o.history.shifts[0].end = at(22, 0);
    }
    // 07:45-19:30 is 11 h 45 min; breaks keep every stretch under 4 h.
    let mut shift = Shift::new(at(7, 45), at(19, 30));
    shift.breaks = vec![(at(11, 30), at(12, 0)), (at(16, 0), at(16, 15))];
    let slots = vec![Slot::Line(G1), Slot::Line(G1), Slot::Off, Slot::Off];
    ops.push(operator(300, &[G1], slots, shift));
    let s = suggest(&input(ivs.clone(), vec![group(G1, &ivs)], ops));

    let ext: Vec<&Candidate> = s
        .candidates
        .iter()
        .filter(|c| c.kind == MoveKind::ExtendShift)
        .collect();
    assert_eq!(ext.len(), 2);
    assert!(ext[0].blocked_by.is_empty(), "{:?}", ext[0].blocked_by);
    assert_eq!((ext[0].overtime_minutes, ext[0].cost), (15, 150.0));
    assert_eq!(ext[1].overtime_minutes, 30);
    assert_eq!(ext[1].blocked_by.len(), 1);
    assert_eq!(ext[1].blocked_by[0].rule, "max_shift_length");
    assert_eq!(
        ext[1].blocked_by[0].message,
        "the shift would last 12 h 15 min (2026-12-01 07:45 to 2026-12-01 20:00), more than the 12 h allowed"
    );
    let [chosen] = s.plan.moves.as_slice() else {
        panic!("one move: {:?}", s.plan)
    };
    assert_eq!(
        chosen.candidate,
        s.candidates
            .iter()
            .position(|c| std::ptr::eq(c, ext[0]))
            .unwrap()
    );
    assert_eq!(s.plan.total_cost, 150.0);
    assert_eq!(ext[0].impact[0].sl_after, sl(14, 15.0));
}

#[test]
fn a_break_moves_from_a_short_interval_into_a_surplus_one() {
    let ivs = horizon(at(10, 0), 30, 4);
    // 10:00 and 10:30: 14 on line; 11:00: 13 (operator 50 on break); 11:30: 15 (a visitor).
    let mut ops: Vec<Operator> = (0..13).map(|i| on_line(i, G1, 4)).collect();
    let visitor = vec![Slot::Off, Slot::Off, Slot::Off, Slot::Line(G1)];
    ops.push(operator(60, &[G1], visitor, long_day()));
    let mut shift = Shift::new(at(9, 0), at(17, 0));
    shift.breaks = vec![(at(11, 0), at(11, 30)), (at(14, 0), at(14, 30))];
    let slots = vec![Slot::Line(G1), Slot::Line(G1), Slot::Pause, Slot::Line(G1)];
    ops.push(operator(50, &[G1], slots, shift));
    let s = suggest(&input(ivs.clone(), vec![group(G1, &ivs)], ops));

    let on: Vec<u32> = s.groups[0].intervals.iter().map(|c| c.on_line).collect();
    assert_eq!(on, [14, 14, 13, 15]);
    let [chosen] = s.plan.moves.as_slice() else {
        panic!("one move: {:?}", s.plan)
    };
    let c = &s.candidates[chosen.candidate];
    assert_eq!((c.kind, c.agent_id), (MoveKind::MoveBreak, 50));
    assert_eq!(c.intervals, [at(11, 0), at(11, 30)]);
    let after: Vec<u32> = s.groups[0]
        .intervals
        .iter()
        .map(|c| c.agents_after)
        .collect();
    assert_eq!(after, [14, 14, 14, 14]);
}

#[test]
fn a_day_off_call_in_is_paid_double_and_respects_the_budget() {
    let ivs = horizon(at(10, 0), 30, 2);
    let mut ops: Vec<Operator> = (0..13).map(|i| on_line(i, G1, 2)).collect();
    let mut free = operator(
        70,
        &[G1],
        vec![Slot::Off; 2],
        Shift::new(at(8, 0), at(9, 0)),
    );
    // Last worked a week ago: today is a day off.
    free.history.shifts[0].start -= Duration::days(7);
    free.history.shifts[0].end -= Duration::days(7);
    ops.push(free);
    let mut inp = input(ivs.clone(), vec![group(G1, &ivs)], ops);
    let s = suggest(&inp);
    let [chosen] = s.plan.moves.as_slice() else {
        panic!("one move: {:?}", s.plan)
    };
    let c = &s.candidates[chosen.candidate];
    assert_eq!(
        (c.kind, c.cost, c.overtime_minutes),
        (MoveKind::AddShift, 800.0, 0)
    );
    assert!(c.blocked_by.is_empty());
    inp.budget = Some(799.0);
    assert!(suggest(&inp).plan.moves.is_empty());
}

#[test]
fn a_large_center_gets_a_plan_that_never_uses_an_operator_twice_in_an_interval() {
    // 3 groups, 48 quarter-hours, 300 operators of two skills, a third of them leaving
    // mid-horizon and a tenth late: the plan is consistent whatever it picks.
    let ivs = horizon(at(8, 0), 15, 48);
    let groups: Vec<GroupPlan> = [G1, G2, 3].iter().map(|&g| group(g, &ivs)).collect();
    let mut ops = Vec::new();
    for k in 0..300i64 {
        let home = [G1, G2, 3][(k % 3) as usize];
        let other = [G1, G2, 3][((k + 1) % 3) as usize];
        let leaves = if k % 3 == 0 {
            24 + (k % 20) as usize
        } else {
            48
        };
        let mut slots = vec![Slot::Off; 48];
        for (i, s) in slots.iter_mut().enumerate().take(leaves) {
            *s = if i % 16 == (k % 16) as usize {
                Slot::Pause
            } else {
                Slot::Line(home)
            };
        }
        let mut shift = Shift::new(at(7, 0), ivs[leaves.min(47)].0);
        shift.breaks = (0..48)
            .filter(|i| i % 16 == (k % 16) as usize && *i < leaves)
            .map(|i| ivs[i])
            .collect();
        let mut o = operator(k, &[home, other], slots, shift);
        if k % 10 == 0 {
            o.presence = Presence::Late;
        }
        ops.push(o);
    }
    let started = std::time::Instant::now();
    let s = suggest(&input(ivs, groups, ops));
    eprintln!(
        "{} candidates, {} moves in {:?}",
        s.candidates.len(),
        s.plan.moves.len(),
        started.elapsed()
    );
    let mut used = std::collections::HashSet::new();
    for m in &s.plan.moves {
        let c = &s.candidates[m.candidate];
        assert!(c.blocked_by.is_empty());
        for i in &c.intervals {
            assert!(
                used.insert((c.agent_id, *i)),
                "operator {} twice at {i}",
                c.agent_id
            );
        }
        assert!(m.attainment_after > m.attainment_before);
    }
    assert!(s.plan.attainment_after > s.plan.attainment_before);
}
