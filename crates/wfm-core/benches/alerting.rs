//! Benchmarks the alert evaluator in a storm: 1,000 groups all breaching the installed rules
//! at once (nobody on line, a queue, a stale feed): reading the rules' figures and the step
//! that fires 1,000 alerts and their first escalations, and a quiet step after it.

use chrono::{Duration, TimeZone, Utc};
use criterion::{BatchSize, Criterion, black_box, criterion_group, criterion_main};
use wfm_core::alerting::evaluator::{Evaluator, observe};
use wfm_core::alerting::rule::default_rules;
use wfm_core::event::{Event, EventKind};
use wfm_core::interval::IntervalGrid;
use wfm_core::live::{AgentInfo, Center, GroupSettings};
use wfm_core::plan::{Activity, Segment};

const GROUPS: i64 = 1_000;

fn storm() -> (Center, chrono::DateTime<Utc>) {
    let grid = IntervalGrid::new(IntervalGrid::parse_tz("Europe/Moscow").unwrap(), 15).unwrap();
    let groups = (1..=GROUPS)
        .map(|id| GroupSettings::new(id, id % 10))
        .collect();
    let agents = (1..=GROUPS * 2)
        .map(|id| AgentInfo {
            id,
            primary_group_id: Some((id - 1) % GROUPS + 1),
        })
        .collect();
    let mut center = Center::new(grid, groups, agents);
    let start = Utc.with_ymd_and_hms(2026, 3, 10, 6, 0, 0).unwrap();
    let timetable = (1..=GROUPS * 2)
        .map(|id| Segment {
            agent_id: id,
            start,
            end: start + Duration::hours(8),
            activity: Activity::Line((id - 1) % GROUPS + 1),
        })
        .collect();
    center.set_plan(Vec::new(), timetable);
    // 25 calls waiting in every group, offered a quarter of an hour before "now".
    let offered = start + Duration::minutes(45);
    for (seq, g) in (1..=GROUPS)
        .flat_map(|g| (0..25).map(move |c| (g, c)))
        .enumerate()
    {
        center.apply(&Event {
            seq: seq as i64 + 1,
            at: offered,
            kind: EventKind::CallOffered {
                call_id: format!("{}-{}", g.0, g.1),
                group_id: g.0,
                customer_id: None,
            },
        });
    }
    (center, start + Duration::hours(1))
}

fn bench(c: &mut Criterion) {
    let (center, now) = storm();
    let snapshot = center.snapshot(now);
    let rules: Vec<(i64, _)> = default_rules()
        .into_iter()
        .enumerate()
        .map(|(i, r)| (i as i64 + 1, r))
        .collect();
    let refs: Vec<(i64, &_)> = rules.iter().map(|(id, r)| (*id, r)).collect();
    let groups: Vec<(i64, &_)> = snapshot.groups.iter().map(|f| (group_of(f), f)).collect();
    let sites = vec![(1, &snapshot.all)];
    let observations = observe(&refs, &groups, &sites);
    c.bench_function("alerts: read the figures of 4 rules x 1,000 groups", |b| {
        b.iter(|| black_box(observe(&refs, &groups, &sites)))
    });
    c.bench_function(
        "alerts: the storm step (fire 1,000+ alerts and escalate)",
        |b| {
            b.iter_batched(
                Evaluator::new,
                |mut e| black_box(e.step(&refs, &observations, now).len()),
                BatchSize::SmallInput,
            )
        },
    );
    let mut open = Evaluator::new();
    let fired = open.step(&refs, &observations, now).len();
    assert!(
        fired >= 2_000,
        "the storm fires every group's alerts: {fired}"
    );
    c.bench_function("alerts: a step with 1,000+ alerts open", |b| {
        b.iter_batched(
            || open.clone(),
            |mut e| {
                black_box(
                    e.step(&refs, &observations, now + Duration::seconds(1))
                        .len(),
                )
            },
            BatchSize::SmallInput,
        )
    });
}

fn group_of(f: &wfm_core::live::Figures) -> i64 {
    match f.scope {
        wfm_core::live::Scope::Group(id) => id,
        _ => 0,
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
