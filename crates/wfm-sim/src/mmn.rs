//! The M/M/N cross-check: the simulator run as a textbook Erlang C queue (Poisson
//! arrivals, exponential handling, no abandons, no wrap-up, a fixed number of operators
//! always on line) to measure the service level Erlang C predicts.

use chrono::{DateTime, Duration, Utc};
use wfm_core::plan::{Activity, ForecastInterval, Segment};

use crate::random::millis;
use crate::scenario::{Behaviour, Scenario, SimAgent, SimGroup};
use crate::sim::{Simulator, WaitTally};

/// Simulated time before calls are measured, so the queue starts from its steady state
/// rather than from empty.
const WARM_UP_HOURS: f64 = 1.0;

/// The measured share, 0..=1, of calls answered within `target_seconds`, in an M/M/N
/// queue of `agents` operators offered `calls_per_hour` with mean handle time
/// `aht_seconds`, over `hours` of arrivals after a one-hour warm-up (calls are counted
/// by arrival and followed until answered).
///
/// Returns NaN when an input is not a finite number, `calls_per_hour`, `aht_seconds` or
/// `hours` is not positive, or no call was measured; 0 with no agents.
pub fn mmn_service_level(
    calls_per_hour: f64,
    aht_seconds: f64,
    agents: u32,
    target_seconds: f64,
    hours: f64,
    seed: u64,
) -> f64 {
    let inputs = [calls_per_hour, aht_seconds, target_seconds, hours];
    if inputs.iter().any(|x| !x.is_finite())
        || calls_per_hour <= 0.0
        || aht_seconds <= 0.0
        || hours <= 0.0
        || target_seconds < 0.0
    {
        return f64::NAN;
    }
    if agents == 0 {
        return 0.0;
    }
    let arrival_hours = WARM_UP_HOURS + hours;
    let arrivals_end_ms = millis(arrival_hours * 3600.0);
    // An overloaded queue drains for up to traffic / agents times as long as it filled.
    let traffic = calls_per_hour * aht_seconds / 3600.0;
    let drain_factor = (traffic / f64::from(agents)).max(1.0);
    let horizon_ms = millis(arrival_hours * 3600.0 * (2.0 * drain_factor + 1.0) + 3600.0);

    let start = DateTime::<Utc>::UNIX_EPOCH;
    let Some(horizon) = start.checked_add_signed(Duration::milliseconds(horizon_ms)) else {
        return f64::NAN;
    };
    let Some(arrivals_end) = start.checked_add_signed(Duration::milliseconds(arrivals_end_ms))
    else {
        return f64::NAN;
    };
    let scenario = Scenario {
        groups: vec![SimGroup {
            id: 1,
            code: "mmn".into(),
        }],
        agents: (0..agents)
            .map(|i| SimAgent {
                id: i64::from(i),
                login: format!("mmn-{i}"),
                skills: vec![1],
            })
            .collect(),
        forecast: vec![ForecastInterval {
            group_id: 1,
            start,
            end: arrivals_end,
            calls: calls_per_hour * arrival_hours,
            aht_seconds,
            acd_percent: 100.0,
            operators: None,
        }],
        timetable: (0..agents)
            .map(|i| Segment {
                agent_id: i64::from(i),
                start,
                end: horizon,
                activity: Activity::Line(1),
            })
            .collect(),
        behaviour: Behaviour {
            late_probability: 0.0,
            mean_lateness_seconds: 0.0,
            absence_probability: 0.0,
            mean_patience_seconds: f64::INFINITY,
            // Hold and wrap-up are part of the handle time anyway; all talk keeps the
            // agenda short.
            talk_share: 1.0,
        },
        seed,
        start,
    };
    let tally = WaitTally {
        from_ms: millis(WARM_UP_HOURS * 3600.0),
        to_ms: arrivals_end_ms,
        target_ms: millis(target_seconds),
        ..WaitTally::default()
    };
    let mut sim = Simulator::counting_waits(scenario, tally);
    sim.run_quietly(arrivals_end_ms);
    let mut reached_ms = arrivals_end_ms;
    while sim.waiting_calls() > 0 && reached_ms < horizon_ms {
        reached_ms = reached_ms.saturating_add(3_600_000).min(horizon_ms);
        sim.run_quietly(reached_ms);
    }
    match sim.tally() {
        Some(t) if t.answered > 0 => t.within_target as f64 / t.answered as f64,
        _ => f64::NAN,
    }
}
