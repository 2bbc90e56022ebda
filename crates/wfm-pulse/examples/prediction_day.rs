//! Prediction accuracy over one simulated day, reproducible for a seed and without a server.
//!
//! Builds the demo's contact center in memory (one Europe/Moscow site on 15-minute
//! intervals, five voice groups, 100 operators with two skills each, the intraday forecast
//! shape, staggered eight-hour shifts with breaks and lunch), with two departures from the
//! demo: SUPPORT gets 25 % more calls than forecast from 12:00, and the SALES
//! operators whose lunch would start between 11:00 and 14:00 all take it at 12:00-12:45
//! (in the plan too, so the gap is there to be foreseen). The simulator (`wfm-sim`) runs
//! the whole local day; its feed is resolved to ids and applied to a `wfm_core::live::Center`
//! in order.
//!
//! Every simulated minute, for every group and prediction kind at the low end of its lead
//! range, `predict()` is called; the first prediction for each (kind, group, target
//! interval) is kept and, when the clock reaches the end of its target interval, scored
//! with `actual()` (or `actual_peak_load()`) on the Center's snapshot at that instant and
//! the same threshold. The report is `wfm_core::alerting::accuracy::accuracy` per kind.
//!
//! Run: `cargo run --release --example prediction_day -- [SEED]` (seed 1 when left out).
//! Everything printed but the run time is the same for the same seed.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use wfm_core::alerting::accuracy::{Accuracy, accuracy};
use wfm_core::alerting::predict::{Forecasted, actual, actual_peak_load, predict};
use wfm_core::alerting::rule::{Comparison, PredictionKind};
use wfm_core::event::{AgentId, Event, EventKind, GroupId};
use wfm_core::interval::IntervalGrid;
use wfm_core::live::{AgentInfo, Center, Figures, GroupSettings, Scope};
use wfm_core::plan::{Activity, ForecastInterval, Segment};
use wfm_core::threshold::Indicator;
use wfm_pulse::sim::demo::intraday_shape;
use wfm_sim::{Behaviour, FeedEvent, Scenario, SimAgent, SimGroup, Simulator};

/// The demo's groups: (code, service, peak calls per 15 minutes, AHT seconds); group ids
/// are positions + 1.
const GROUPS: [(&str, i64, f64, f64); 5] = [
    ("SALES", 1, 34.0, 210.0),
    ("RETENTION", 1, 16.0, 330.0),
    ("SUPPORT", 2, 40.0, 270.0),
    ("BILLING", 2, 24.0, 180.0),
    ("VIP", 2, 8.0, 300.0),
];
const OPERATORS: usize = 100;
/// The simulated day (a Monday), local to the site.
const DAY: (i32, u32, u32) = (2026, 3, 2);

/// The group whose calls run above forecast, from which local minute, by how much.
const SURGE_GROUP: usize = 2;
const SURGE_FROM_MINUTE: i64 = 12 * 60;
const SURGE_FACTOR: f64 = 1.25;
/// The group whose lunches bunch: lunches planned to start within this window of local
/// minutes move to the common lunch.
const GAP_GROUP: usize = 0;
const GAP_MOVES: (i64, i64) = (11 * 60, 14 * 60);
const GAP_LUNCH: (i64, i64) = (12 * 60, 12 * 60 + 45);

/// What is predicted: kind, lead (the low end of its range), threshold.
const RULES: [(PredictionKind, u32, f64); 4] = [
    (PredictionKind::SlBreach, 15, 70.0),
    (PredictionKind::StaffingShortfall, 60, 1.0),
    (PredictionKind::CoverageGap, 30, 1.0),
    (PredictionKind::PeakLoad, 120, 20.0),
];

fn main() -> ExitCode {
    let Ok(seed) = std::env::args().nth(1).map_or(Ok(1), |s| s.parse::<u64>()) else {
        eprintln!("usage: prediction_day [SEED]   (SEED: a whole number, default 1)");
        return ExitCode::from(2);
    };
    if let Err(e) = run(seed) {
        eprintln!("prediction_day: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn run(seed: u64) -> Result<(), String> {
    let started = Instant::now();
    let grid = IntervalGrid::new(chrono_tz::Europe::Moscow, 15).map_err(|e| e.to_string())?;
    let date = NaiveDate::from_ymd_opt(DAY.0, DAY.1, DAY.2).ok_or("bad day constant")?;
    let (day_start, day_end) = (
        grid.day_start(date),
        grid.day_start(date.succ_opt().ok_or("no next day")?),
    );
    let group_id = |g: usize| g as GroupId + 1;
    let agents: Vec<SimAgent> = (0..OPERATORS)
        .map(|n| SimAgent {
            id: n as AgentId + 1,
            login: format!("op{:03}", n + 1),
            skills: vec![group_id(n % GROUPS.len()), group_id((n + 2) % GROUPS.len())],
        })
        .collect();
    let plan_forecast = forecast(&grid, date, 1.0);
    let timetable: Vec<Segment> = (0..OPERATORS)
        .flat_map(|n| shift(n, group_id(n % GROUPS.len()), day_start))
        .collect();

    let settings = GROUPS
        .iter()
        .enumerate()
        .map(|(g, &(_, service, _, _))| GroupSettings {
            max_occupancy: 0.85,
            short_abandon_seconds: 5,
            ..GroupSettings::new(group_id(g), service)
        })
        .collect();
    let infos = agents
        .iter()
        .map(|a| AgentInfo {
            id: a.id,
            primary_group_id: a.skills.first().copied(),
        })
        .collect();
    let mut center = Center::new(grid, settings, infos);
    center.set_plan(plan_forecast.clone(), timetable.clone());

    let logins: BTreeMap<String, AgentId> =
        agents.iter().map(|a| (a.login.clone(), a.id)).collect();
    let groups: Vec<SimGroup> = (0..GROUPS.len())
        .map(|g| SimGroup {
            id: group_id(g),
            code: GROUPS[g].0.to_string(),
        })
        .collect();
    let codes: BTreeMap<String, GroupId> = groups.iter().map(|g| (g.code.clone(), g.id)).collect();
    let mut sim = Simulator::new(Scenario {
        groups,
        agents,
        forecast: forecast(&grid, date, SURGE_FACTOR),
        timetable,
        behaviour: Behaviour::default(),
        seed,
        start: day_start,
    });

    type Key = (PredictionKind, GroupId, DateTime<Utc>);
    let mut seen: BTreeSet<Key> = BTreeSet::new();
    // By the end of the target interval, so the due ones come off the front.
    let mut pending: BTreeMap<(DateTime<Utc>, Key), (Forecasted, f64, bool)> = BTreeMap::new();
    // (kind, predicted breach, actual breach, someone planned on line at the target)
    let mut scored: Vec<(PredictionKind, bool, bool, bool)> = Vec::new();
    let mut kept: BTreeMap<PredictionKind, u64> = BTreeMap::new();
    let (mut seq, mut unresolved, mut offered, mut no_actual) = (0_i64, 0_u64, 0_u64, 0_u64);
    let mut last_of_day = None;
    let mut now = day_start;
    while now < day_end {
        now += Duration::minutes(1);
        for feed in sim.advance(now) {
            offered += u64::from(matches!(feed, FeedEvent::CallOffered { .. }));
            seq += 1;
            match to_event(feed, seq, &logins, &codes) {
                Some(event) => center.apply(&event),
                None => unresolved += 1,
            }
        }
        let snapshot = center.snapshot(now);
        let figures_of = |g: GroupId| snapshot.groups.iter().find(|f| f.scope == Scope::Group(g));

        while let Some(entry) = pending.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let (f, threshold, staffed) = entry.remove();
            let value = match f.kind {
                PredictionKind::PeakLoad => actual_peak_load(&center, &f),
                kind => figures_of(f.group_id).and_then(|figures| actual(kind, figures)),
            };
            match value {
                Some(value) => scored.push((
                    f.kind,
                    breaches(f.kind, f.value, threshold),
                    breaches(f.kind, value, threshold),
                    staffed,
                )),
                None => no_actual += 1,
            }
        }

        for figures in &snapshot.groups {
            let Scope::Group(g) = figures.scope else {
                continue;
            };
            let deviation = value(figures, Indicator::LoadDeviation);
            for (kind, lead, threshold) in RULES {
                let Some(f) = predict(&center, g, kind, lead, now, deviation) else {
                    continue;
                };
                if seen.insert((kind, g, f.target)) {
                    *kept.entry(kind).or_default() += 1;
                    let end = grid.interval_at(f.target).end;
                    let staffed = center.outlook(g, f.target).is_some_and(|o| o.planned > 0);
                    pending.insert((end, (kind, g, f.target)), (f, threshold, staffed));
                }
            }
        }
        if now + Duration::minutes(1) == day_end {
            last_of_day = Some(snapshot);
        }
    }

    println!("prediction accuracy over a simulated day: seed {seed}, {date} Europe/Moscow");
    println!(
        "  {} groups, {OPERATORS} operators, 15-minute intervals; {} from 12:00 at x{SURGE_FACTOR} \
         the forecast, {} lunches bunched at 12:00-12:45",
        GROUPS.len(),
        GROUPS[SURGE_GROUP].0,
        GROUPS[GAP_GROUP].0
    );
    let forecast_calls: f64 = plan_forecast.iter().map(|f| f.calls).sum();
    println!(
        "  {seq} feed events ({unresolved} unresolved, {} ignored by the center); \
         {offered} calls offered against {forecast_calls:.0} forecast",
        center.ignored_events()
    );
    // The snapshot lists groups by id, the order of GROUPS.
    for (group, figures) in GROUPS
        .iter()
        .zip(last_of_day.iter().flat_map(|s| &s.groups))
    {
        let sl = value(figures, Indicator::ServiceLevel);
        println!(
            "  {:<10} offered today {:>5}, SL today {}",
            group.0,
            figures.offered_today,
            sl.map_or("-".into(), |v| format!("{v:.1} %"))
        );
    }
    println!();
    println!("whole day (kept: the first prediction per kind, group and target interval)");
    table(&scored, false, Some(&kept));
    println!(
        "  kept - scored: {no_actual} without an actual at the target's end, {} with the \
         target past the day",
        pending.len()
    );
    println!();
    println!("only targets with someone planned on line for the group (the rest is night)");
    table(&scored, true, None);
    println!();
    println!(
        "seed {seed}; run time {:.2} s (wall clock, the only figure that varies between runs)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The accuracy of `scored` (of targets with someone planned when `staffed_only`) per kind,
/// one row each, rates in %, with the rule's lead and threshold.
fn table(
    scored: &[(PredictionKind, bool, bool, bool)],
    staffed_only: bool,
    kept: Option<&BTreeMap<PredictionKind, u64>>,
) {
    const HEADER: &str = "kind                 kept scored   pred actual  hits  false misses   hit% \
                          false% recall  lead threshold";
    println!("  {HEADER}");
    let rows = scored.iter().filter(|s| s.3 || !staffed_only);
    let report: Vec<Accuracy> = accuracy(&rows.map(|s| (s.0, s.1, s.2)).collect::<Vec<_>>());
    for (kind, lead, threshold) in RULES {
        let kept = kept.map_or(String::new(), |k| {
            k.get(&kind).copied().unwrap_or(0).to_string()
        });
        let side = if kind.comparison() == Comparison::Below {
            "<"
        } else {
            ">"
        };
        let unit = if kind.unit() == "percent" {
            "%"
        } else {
            " people"
        };
        let rule = format!("{lead:>3}m {side} {threshold}{unit}");
        let Some(a) = report.iter().find(|a| a.kind == kind) else {
            println!("  {:<19} {kept:>5} {:>6} {:>55}", kind.as_str(), 0, rule);
            continue;
        };
        println!(
            "  {:<19} {kept:>5} {:>6} {:>6} {:>6} {:>5} {:>6} {:>6} {:>6} {:>6} {:>6}  {rule}",
            kind.as_str(),
            a.scored,
            a.predicted_breaches,
            a.actual_breaches,
            a.hits,
            a.false_alarms,
            a.misses,
            rate(a.hit_rate),
            rate(a.false_alarm_rate),
            rate(a.recall),
        );
    }
}

/// Whether `value` breaches `threshold` for `kind`: below for SL, above for the others.
fn breaches(kind: PredictionKind, value: f64, threshold: f64) -> bool {
    match kind.comparison() {
        Comparison::Below => value < threshold,
        Comparison::Above => value > threshold,
    }
}

/// The value of `indicator` in `figures`.
fn value(figures: &Figures, indicator: Indicator) -> Option<f64> {
    let found = figures.indicators.iter().find(|i| i.indicator == indicator);
    found.and_then(|i| i.value)
}

fn rate(r: Option<f64>) -> String {
    r.map_or("-".into(), |r| format!("{:.1}", r * 100.0))
}

/// The day's forecast as the demo uploads it; the surge group's calls from the surge on
/// times `surge` (1 for the plan, more for the calls the simulator offers).
fn forecast(grid: &IntervalGrid, date: NaiveDate, surge: f64) -> Vec<ForecastInterval> {
    let day_start = grid.day_start(date);
    let mut intervals = Vec::new();
    for (g, &(_, _, peak, aht)) in GROUPS.iter().enumerate() {
        for i in grid.intervals(date) {
            let minute = (i.start - day_start).num_minutes();
            let hour = minute as f64 / 60.0 + 0.125;
            let mut calls = (peak * intraday_shape(hour) * 10.0).round() / 10.0;
            if g == SURGE_GROUP && minute >= SURGE_FROM_MINUTE {
                calls *= surge;
            }
            intervals.push(ForecastInterval {
                group_id: g as GroupId + 1,
                start: i.start,
                end: i.end,
                calls,
                aht_seconds: aht,
                acd_percent: 92.0,
                operators: None,
            });
        }
    }
    intervals
}

/// Operator `n`'s shift, as the demo plans it: starts every half hour from 07:00 to 14:30
/// local, eight hours, a 15-minute break after two hours, lunch (30 minutes) after four,
/// another break after six; on line for `primary`. In the gap group a lunch starting in
/// [`GAP_MOVES`] moves to [`GAP_LUNCH`], over whatever was planned then.
fn shift(n: usize, primary: GroupId, day_start: DateTime<Utc>) -> Vec<Segment> {
    let start = 7 * 60 + 30 * (n % 16) as i64;
    let mut minutes = vec![Activity::Line(primary); 480];
    let mut set = |from: i64, to: i64, activity: Activity| {
        let range = from.clamp(0, 480) as usize..to.clamp(0, 480) as usize;
        minutes
            .get_mut(range)
            .into_iter()
            .for_each(|m| m.fill(activity));
    };
    set(120, 135, Activity::Break);
    set(360, 375, Activity::Break);
    let lunch = start + 240;
    if n % GROUPS.len() == GAP_GROUP && (GAP_MOVES.0..GAP_MOVES.1).contains(&lunch) {
        set(GAP_LUNCH.0 - start, GAP_LUNCH.1 - start, Activity::Lunch);
    } else {
        set(240, 270, Activity::Lunch);
    }
    let mut segments: Vec<Segment> = Vec::new();
    for (m, activity) in minutes.into_iter().enumerate() {
        let at = day_start + Duration::minutes(start + m as i64);
        match segments.last_mut() {
            Some(last) if last.activity == activity => last.end = at + Duration::minutes(1),
            _ => segments.push(Segment {
                agent_id: n as AgentId + 1,
                start: at,
                end: at + Duration::minutes(1),
                activity,
            }),
        }
    }
    segments
}

/// A feed event as the engine applies it, logins and group codes resolved to ids; `None`
/// when it names an operator or group the center does not know.
fn to_event(
    feed: FeedEvent,
    seq: i64,
    logins: &BTreeMap<String, AgentId>,
    codes: &BTreeMap<String, GroupId>,
) -> Option<Event> {
    let at = feed.at();
    let kind = match feed {
        FeedEvent::CallOffered {
            call_id,
            group,
            customer_id,
            ..
        } => EventKind::CallOffered {
            call_id,
            group_id: *codes.get(&group)?,
            customer_id,
        },
        FeedEvent::CallAnswered { call_id, agent, .. } => EventKind::CallAnswered {
            call_id,
            agent_id: *logins.get(&agent)?,
        },
        FeedEvent::CallAbandoned { call_id, .. } => EventKind::CallAbandoned { call_id },
        FeedEvent::CallEnded {
            call_id,
            talk_seconds,
            hold_seconds,
            ..
        } => EventKind::CallEnded {
            call_id,
            talk_seconds,
            hold_seconds,
        },
        FeedEvent::WrapUpEnded { call_id, .. } => EventKind::WrapUpEnded { call_id },
        FeedEvent::AgentState {
            agent,
            state,
            group,
            ..
        } => EventKind::AgentStateChanged {
            agent_id: *logins.get(&agent)?,
            state,
            group_id: match group {
                Some(code) => Some(*codes.get(&code)?),
                None => None,
            },
        },
    };
    Some(Event { seq, at, kind })
}
