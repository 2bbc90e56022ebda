//! Benchmarks the live engine at full size: 100 groups in 10 services, 5,000 operators
//! with a day's timetable, a day's forecast and about 200,000 events; `apply` per
//! event and `snapshot` of the loaded center. Then a publication's share of the engine
//! (the snapshot and every group's intervals of the day) at 100 and 500 groups.

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{BatchSize, Criterion, Throughput, black_box, criterion_group, criterion_main};
use wfm_core::event::{AgentState, Event, EventKind};
use wfm_core::interval::IntervalGrid;
use wfm_core::live::{AgentInfo, Center, GroupSettings};
use wfm_core::plan::{Activity, ForecastInterval, Segment};

const OPERATORS: i64 = 5_000;
const CALLS: u64 = 27_000;

/// A small deterministic generator (xorshift64*), so the bench needs no extra crate.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn seconds(&mut self, from: i64, to: i64) -> Duration {
        Duration::seconds(from + self.below((to - from) as u64) as i64)
    }
}

/// Share of the daily peak arriving at `hour`: a mid-morning and an afternoon peak.
fn intraday_shape(hour: f64) -> f64 {
    let bump = |centre: f64, width: f64| (-((hour - centre) / width).powi(2)).exp();
    (0.03 + bump(10.5, 2.0) + 0.85 * bump(15.5, 2.2)).min(1.0)
}

fn day_start() -> DateTime<Utc> {
    // Midnight in Moscow (UTC+3).
    Utc.with_ymd_and_hms(2026, 3, 9, 21, 0, 0).unwrap()
}

fn site(groups: i64) -> Center {
    let grid = IntervalGrid::new(IntervalGrid::parse_tz("Europe/Moscow").unwrap(), 15).unwrap();
    let settings = (1..=groups)
        .map(|id| GroupSettings {
            voice: id % 10 != 0,
            max_occupancy: 0.85,
            short_abandon_seconds: 5,
            ..GroupSettings::new(id, id % 10)
        })
        .collect();
    let agents = (1..=OPERATORS)
        .map(|id| AgentInfo {
            id,
            primary_group_id: Some(id % groups + 1),
        })
        .collect();
    let mut center = Center::new(grid, settings, agents);
    center.set_plan(forecast(groups), timetable(groups));
    center
}

fn forecast(groups: i64) -> Vec<ForecastInterval> {
    let mut forecast = Vec::new();
    for group_id in 1..=groups {
        for k in 0..96 {
            let start = day_start() + Duration::minutes(15 * k);
            let hour = (k as f64 + 0.5) / 4.0;
            forecast.push(ForecastInterval {
                group_id,
                start,
                end: start + Duration::minutes(15),
                calls: 20.0 * intraday_shape(hour),
                aht_seconds: 240.0,
                acd_percent: 92.0,
                operators: Some(8.0 * intraday_shape(hour)),
            });
        }
    }
    forecast
}

/// Shifts from 06:00 to 14:00: line work, lunch, line work, a break, line work.
fn timetable(groups: i64) -> Vec<Segment> {
    let mut dice = Dice(7);
    let mut timetable = Vec::new();
    for agent_id in 1..=OPERATORS {
        let group = agent_id % groups + 1;
        let mut at =
            day_start() + Duration::hours(6) + Duration::minutes(15 * dice.below(33) as i64);
        let plan = [
            (Activity::Line(group), 240),
            (Activity::Lunch, 30),
            (Activity::Line(group), 120),
            (Activity::Break, 15),
            (Activity::Line(group), 105),
        ];
        for (activity, minutes) in plan {
            let end = at + Duration::minutes(minutes);
            timetable.push(Segment {
                agent_id,
                start: at,
                end,
                activity,
            });
            at = end;
        }
    }
    timetable
}

/// A day of events: each operator logs in, lunches, takes a break and logs out; each
/// call is offered, answered (and ended, wrapped up, with the operator's states) or
/// abandoned. Sorted by time, with seq in that order.
fn day_of_events(groups: i64) -> Vec<Event> {
    let mut dice = Dice(42);
    let mut events: Vec<(DateTime<Utc>, EventKind)> = Vec::new();
    let state = |agent_id, state| EventKind::AgentStateChanged {
        agent_id,
        state,
        group_id: None,
    };
    for segment in timetable(groups) {
        let agent_id = segment.agent_id;
        match segment.activity {
            Activity::Line(_) => events.push((
                segment.start - dice.seconds(0, 180),
                state(agent_id, AgentState::Ready),
            )),
            Activity::Lunch => events.push((segment.start, state(agent_id, AgentState::Lunch))),
            _ => events.push((segment.start, state(agent_id, AgentState::Break))),
        }
    }
    let shape_total: f64 = (0..96)
        .map(|k| intraday_shape((k as f64 + 0.5) / 4.0))
        .sum();
    let mut call = 0u64;
    for k in 0..96i64 {
        let calls = (CALLS as f64 * intraday_shape((k as f64 + 0.5) / 4.0) / shape_total) as u64;
        for _ in 0..calls {
            call += 1;
            let call_id = format!("call-{call}");
            let group_id = 1 + dice.below(groups as u64) as i64;
            let offered = day_start() + Duration::minutes(15 * k) + dice.seconds(0, 900);
            events.push((
                offered,
                EventKind::CallOffered {
                    call_id: call_id.clone(),
                    group_id,
                    customer_id: None,
                },
            ));
            let answered = offered + dice.seconds(0, 60);
            if dice.below(10) == 0 {
                events.push((answered, EventKind::CallAbandoned { call_id }));
                continue;
            }
            let agent_id = group_id - 1 + groups * dice.below((OPERATORS / groups) as u64) as i64;
            let agent_id = agent_id.max(1);
            let ended = answered + dice.seconds(60, 400);
            let wrapped = ended + dice.seconds(5, 60);
            events.push((
                answered,
                EventKind::CallAnswered {
                    call_id: call_id.clone(),
                    agent_id,
                },
            ));
            events.push((answered, state(agent_id, AgentState::OnContact)));
            events.push((
                ended,
                EventKind::CallEnded {
                    call_id: call_id.clone(),
                    talk_seconds: (ended - answered).num_seconds() as f64 - 10.0,
                    hold_seconds: 10.0,
                },
            ));
            events.push((ended, state(agent_id, AgentState::WrapUp)));
            events.push((wrapped, EventKind::WrapUpEnded { call_id }));
            events.push((wrapped, state(agent_id, AgentState::Ready)));
        }
    }
    events.sort_by_key(|(at, _)| *at);
    events
        .into_iter()
        .enumerate()
        .map(|(i, (at, kind))| Event {
            seq: i as i64 + 1,
            at,
            kind,
        })
        .collect()
}

fn live(c: &mut Criterion) {
    let empty = site(100);
    let events = day_of_events(100);
    let mut loaded = empty.clone();
    for event in &events {
        loaded.apply(event);
    }
    let afternoon = day_start() + Duration::hours(15);
    let mut half = empty.clone();
    for event in events.iter().take_while(|e| e.at <= afternoon) {
        half.apply(event);
    }
    let snapshot = half.snapshot(afternoon);
    println!(
        "{} events, {} ignored; at 15:00 {} offered today, {} on line",
        events.len(),
        loaded.ignored_events(),
        snapshot.all.offered_today,
        snapshot.all.online
    );

    let mut group = c.benchmark_group("apply");
    group.sample_size(10);
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("a day of events", |b| {
        b.iter_batched(
            || empty.clone(),
            |mut center| {
                for event in &events {
                    center.apply(event);
                }
                center
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();

    let mut group = c.benchmark_group("snapshot");
    group.sample_size(20);
    group.bench_function("15:00, 100 groups, 5000 operators", |b| {
        b.iter(|| half.snapshot(black_box(afternoon)))
    });
    let evening = day_start() + Duration::hours(23) + Duration::minutes(50);
    group.bench_function("23:50, a full day", |b| {
        b.iter(|| loaded.snapshot(black_box(evening)))
    });
    group.bench_function("operators 15:00", |b| {
        b.iter(|| half.operators(black_box(afternoon)))
    });
    group.finish();
}

/// A center of `groups` groups fed the day's events up to 15:00, and that instant.
fn afternoon_center(groups: i64) -> (Center, DateTime<Utc>) {
    let mut center = site(groups);
    let afternoon = day_start() + Duration::hours(15);
    for event in day_of_events(groups)
        .iter()
        .take_while(|e| e.at <= afternoon)
    {
        center.apply(event);
    }
    (center, afternoon)
}

/// What a publication asks of the engine: the snapshot and every group's intervals of
/// the day; the intervals as one call for all groups (the day's grid worked out once)
/// and, for comparison in the same run, one call per group (the grid worked out per
/// group, as publications did before).
fn publication(c: &mut Criterion) {
    let mut group = c.benchmark_group("publication");
    group.sample_size(20);
    for groups in [100, 500] {
        let (center, now) = afternoon_center(groups);
        let date = IntervalGrid::new(IntervalGrid::parse_tz("Europe/Moscow").unwrap(), 15)
            .unwrap()
            .local_date(now);
        let ids: Vec<i64> = (1..=groups).collect();
        group.bench_function(format!("snapshot, {groups} groups"), |b| {
            b.iter(|| center.snapshot(black_box(now)))
        });
        group.bench_function(format!("intervals of all groups, {groups} groups"), |b| {
            b.iter(|| center.intervals_of_groups(date, black_box(now)))
        });
        group.bench_function(format!("intervals group by group, {groups} groups"), |b| {
            b.iter(|| {
                ids.iter()
                    .map(|&id| center.intervals(id, date, black_box(now)))
                    .collect::<Vec<_>>()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, live, publication);
criterion_main!(benches);
