//! Benchmarks Erlang C staffing: one day of 68 groups x 96 quarter-hours, and one cell.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use wfm_core::erlang::{
    Load, ServiceTarget, StaffingRequest, required_agents, required_agents_batch,
};

const GROUPS: u32 = 68;
const INTERVALS: u32 = 96;
const INTERVAL_SECONDS: f64 = 900.0;

/// Share of the daily peak arriving at `hour`: quiet night, a mid-morning peak, a
/// lunchtime dip and a slightly lower afternoon peak.
fn intraday_shape(hour: f64) -> f64 {
    let bump = |centre: f64, width: f64| (-((hour - centre) / width).powi(2)).exp();
    (0.03 + bump(10.5, 2.0) + 0.85 * bump(15.5, 2.2)).min(1.0)
}

fn request(calls: f64, aht_seconds: f64) -> StaffingRequest {
    StaffingRequest {
        load: Load {
            calls,
            interval_seconds: INTERVAL_SECONDS,
            aht_seconds,
        },
        target: ServiceTarget {
            answer_within_seconds: 20.0,
            percent: 80.0,
        },
        max_occupancy: 0.85,
        shrinkage: 0.3,
    }
}

/// Every (group, interval) cell of one day; group peaks spread from 300 to 2,000 calls
/// per interval and AHTs from 180 to 300 s.
fn day_of_cells() -> Vec<StaffingRequest> {
    let mut cells = Vec::with_capacity((GROUPS * INTERVALS) as usize);
    for group in 0..GROUPS {
        let spread = f64::from(group) / f64::from(GROUPS - 1);
        let peak_calls = 300.0 + 1700.0 * spread;
        // A different order for AHT so that load and AHT are not correlated.
        let aht_seconds = 180.0 + 120.0 * f64::from((group * 37) % GROUPS) / f64::from(GROUPS - 1);
        for interval in 0..INTERVALS {
            let hour = (f64::from(interval) + 0.5) * INTERVAL_SECONDS / 3600.0;
            cells.push(request(peak_calls * intraday_shape(hour), aht_seconds));
        }
    }
    cells
}

fn staffing(c: &mut Criterion) {
    let cells = day_of_cells();
    let agents: u64 = required_agents_batch(&cells)
        .iter()
        .filter_map(|s| s.as_ref().ok())
        .map(|s| u64::from(s.agents))
        .sum();
    println!("{} cells, {agents} agents in total", cells.len());
    c.bench_function("required_agents_batch 68 groups x 96 intervals", |b| {
        b.iter(|| required_agents_batch(black_box(&cells)))
    });
    // 100 calls in 30 min at AHT 180 s: A = 10 Erlangs.
    let mut single = request(100.0, 180.0);
    single.load.interval_seconds = 1800.0;
    c.bench_function("required_agents A=10", |b| {
        b.iter(|| required_agents(black_box(&single)))
    });
}

criterion_group!(benches, staffing);
criterion_main!(benches);
