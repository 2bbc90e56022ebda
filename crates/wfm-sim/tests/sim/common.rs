//! Scenarios shared by the tests: a working day of a small two-group center.

use chrono::{DateTime, Duration, TimeZone, Utc};
use wfm_core::plan::{Activity, ForecastInterval, Segment};
use wfm_sim::{Behaviour, FeedEvent, Scenario, SimAgent, SimGroup, Simulator};

/// The simulated day's midnight.
pub fn midnight() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap()
}

/// An instant of the simulated day.
pub fn at(hour: i64, minute: i64) -> DateTime<Utc> {
    midnight() + Duration::hours(hour) + Duration::minutes(minute)
}

pub const SALES: i64 = 1;
pub const SUPPORT: i64 = 2;

pub fn groups() -> Vec<SimGroup> {
    vec![
        SimGroup {
            id: SALES,
            code: "SALES".into(),
        },
        SimGroup {
            id: SUPPORT,
            code: "SUPPORT".into(),
        },
    ]
}

pub fn interval(group: i64, start: DateTime<Utc>, minutes: i64, calls: f64) -> ForecastInterval {
    ForecastInterval {
        group_id: group,
        start,
        end: start + Duration::minutes(minutes),
        calls,
        aht_seconds: if group == SALES { 240.0 } else { 360.0 },
        acd_percent: 90.0,
        operators: None,
    }
}

pub fn segment(agent: i64, from: DateTime<Utc>, to: DateTime<Utc>, activity: Activity) -> Segment {
    Segment {
        agent_id: agent,
        start: from,
        end: to,
        activity,
    }
}

/// Ten operators 08:00-17:00 (six on sales, four on support, all but two skilled in
/// both; operator 5 moves to support after lunch), each with a break and a lunch at
/// staggered times and a training (operator 10: a meeting); the forecast rises to a
/// midday peak from 08:00 to 18:00 in half hours, so the queue is tight at noon and the
/// last hour is served by nobody.
pub fn day(seed: u64, behaviour: Behaviour) -> Scenario {
    let agents = (1..=10)
        .map(|id| SimAgent {
            id,
            login: format!("op-{id:02}"),
            skills: match id {
                1..=5 => vec![SALES, SUPPORT],
                6 => vec![SALES],
                7..=9 => vec![SUPPORT, SALES],
                _ => vec![SUPPORT],
            },
        })
        .collect::<Vec<_>>();
    let mut timetable = Vec::new();
    for a in &agents {
        let line = Activity::Line(if a.id <= 6 { SALES } else { SUPPORT });
        let stagger = Duration::minutes(15 * (a.id % 4));
        let break_at = at(10, 0) + stagger;
        let lunch_at = at(12, 30) + stagger * 2;
        let training_at = at(15, 0) + stagger;
        let afternoon = if a.id == 5 {
            Activity::Line(SUPPORT)
        } else {
            line
        };
        let training = if a.id == 10 {
            Activity::Meeting
        } else {
            Activity::Training
        };
        let day = [
            (at(8, 0), break_at, line),
            (break_at, break_at + Duration::minutes(15), Activity::Break),
            (break_at + Duration::minutes(15), lunch_at, line),
            (lunch_at, lunch_at + Duration::minutes(45), Activity::Lunch),
            (lunch_at + Duration::minutes(45), training_at, afternoon),
            (training_at, training_at + Duration::minutes(30), training),
            (training_at + Duration::minutes(30), at(17, 0), afternoon),
        ];
        for (from, to, activity) in day {
            timetable.push(segment(a.id, from, to, activity));
        }
    }
    let mut forecast = Vec::new();
    for half_hour in 0..20 {
        let start = at(8, 0) + Duration::minutes(30 * half_hour);
        let shape = 1.0 + (half_hour.min(19 - half_hour) as f64) / 4.0;
        forecast.push(interval(SALES, start, 30, 14.0 * shape));
        forecast.push(interval(SUPPORT, start, 30, 7.0 * shape));
    }
    Scenario {
        groups: groups(),
        agents,
        forecast,
        timetable,
        behaviour,
        seed,
        start: at(7, 0),
    }
}

/// Behaviour without lateness or absence, so the timetable is followed to the minute.
pub fn punctual() -> Behaviour {
    Behaviour {
        late_probability: 0.0,
        absence_probability: 0.0,
        ..Behaviour::default()
    }
}

/// The whole feed of a scenario up to `until`, in one step.
pub fn feed(scenario: Scenario, until: DateTime<Utc>) -> Vec<FeedEvent> {
    Simulator::new(scenario).advance(until)
}

/// The end of the simulated day.
pub fn day_end() -> DateTime<Utc> {
    at(23, 59)
}
