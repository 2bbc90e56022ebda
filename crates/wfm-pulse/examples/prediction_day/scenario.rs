//! The simulated days: the demo's contact center, and how each day of the week departs
//! from its plan (surges, quiet days, bunched lunches), chosen by the seed.
//!
//! The center: one Europe/Moscow site on 15-minute intervals, five voice groups, 100
//! operators with two skills each, the demo's intraday forecast shape, staggered
//! eight-hour shifts with breaks and lunch. The plan (forecast and timetable) is the same
//! every day but for bunched lunches, which are in the plan too so the gap can be
//! foreseen; the calls the simulator offers follow the day's kind.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use wfm_core::event::{AgentId, Event, GroupId};
use wfm_core::interval::IntervalGrid;
use wfm_core::live::{AgentInfo, Center, GroupSettings};
use wfm_core::plan::{Activity, ForecastInterval, Segment};
use wfm_pulse::sim::demo::intraday_shape;
use wfm_sim::{Behaviour, FeedEvent, Scenario, SimAgent, SimGroup, Simulator};

/// The demo's groups: (code, service, peak calls per 15 minutes, AHT seconds); group ids
/// are positions + 1.
pub const GROUPS: [(&str, i64, f64, f64); 5] = [
    ("SALES", 1, 34.0, 210.0),
    ("RETENTION", 1, 16.0, 330.0),
    ("SUPPORT", 2, 40.0, 270.0),
    ("BILLING", 2, 24.0, 180.0),
    ("VIP", 2, 8.0, 300.0),
];
const OPERATORS: usize = 100;
/// The week's Monday; day k of the week is k days later (local to the site).
const MONDAY: (i32, u32, u32) = (2026, 3, 2);

/// Calls above the forecast for one group: x`factor` over local minutes [from, to).
#[derive(Debug, Clone, Copy)]
pub struct Surge {
    pub group: usize,
    pub from: i64,
    pub to: i64,
    pub factor: f64,
}

/// How a day departs from its plan.
#[derive(Debug, Clone, Copy)]
pub struct DayKind {
    pub name: &'static str,
    /// Every group's calls x this (1: as forecast).
    pub volume: f64,
    pub surge: Option<Surge>,
    /// The group whose lunches planned to start 11:00-14:00 all start at 12:00 (45 min).
    pub bunched: Option<usize>,
}

/// The week, Monday first; seed s runs day (s - 1) mod 7, so any 7 seeds in a row are a
/// week with two surge days, two quiet days and three ordinary ones.
pub const WEEK: [DayKind; 7] = [
    DayKind {
        name: "surge: SUPPORT x1.25 from 12:00, SALES lunches bunched",
        volume: 1.0,
        surge: Some(Surge {
            group: 2,
            from: 12 * 60,
            to: 24 * 60,
            factor: 1.25,
        }),
        bunched: Some(0),
    },
    DayKind {
        name: "as forecast",
        volume: 1.0,
        surge: None,
        bunched: None,
    },
    DayKind {
        name: "surge: SALES x1.5 09:00-12:00",
        volume: 1.0,
        surge: Some(Surge {
            group: 0,
            from: 9 * 60,
            to: 12 * 60,
            factor: 1.5,
        }),
        bunched: None,
    },
    DayKind {
        name: "quiet: all x0.75, BILLING lunches bunched",
        volume: 0.75,
        surge: None,
        bunched: Some(3),
    },
    DayKind {
        name: "busy: all x1.1, RETENTION x1.4 15:00-19:00",
        volume: 1.1,
        surge: Some(Surge {
            group: 1,
            from: 15 * 60,
            to: 19 * 60,
            factor: 1.4,
        }),
        bunched: None,
    },
    DayKind {
        name: "quiet: all x0.6",
        volume: 0.6,
        surge: None,
        bunched: None,
    },
    DayKind {
        name: "surge: SUPPORT x1.6 14:00-17:00, VIP lunches bunched",
        volume: 1.0,
        surge: Some(Surge {
            group: 2,
            from: 14 * 60,
            to: 17 * 60,
            factor: 1.6,
        }),
        bunched: Some(4),
    },
];

/// A day ready to run: the center with its plan, the simulator, the day's bounds.
pub struct Day {
    pub kind: DayKind,
    pub date: NaiveDate,
    pub grid: IntervalGrid,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub center: Center,
    pub sim: Simulator,
    pub forecast_calls: f64,
    logins: BTreeMap<String, AgentId>,
    codes: BTreeMap<String, GroupId>,
}

fn group_id(g: usize) -> GroupId {
    g as GroupId + 1
}

impl Day {
    /// The day seed `seed` runs.
    pub fn new(seed: u64) -> Result<Day, String> {
        let index = ((seed.max(1) - 1) % 7) as usize;
        let kind = WEEK[index];
        let grid = IntervalGrid::new(chrono_tz::Europe::Moscow, 15).map_err(|e| e.to_string())?;
        let monday = NaiveDate::from_ymd_opt(MONDAY.0, MONDAY.1, MONDAY.2).ok_or("bad day")?;
        let date = monday + Duration::days(index as i64);
        let (start, end) = (
            grid.day_start(date),
            grid.day_start(date.succ_opt().ok_or("no next day")?),
        );
        let agents: Vec<SimAgent> = (0..OPERATORS)
            .map(|n| SimAgent {
                id: n as AgentId + 1,
                login: format!("op{:03}", n + 1),
                skills: vec![group_id(n % GROUPS.len()), group_id((n + 2) % GROUPS.len())],
            })
            .collect();
        let plan = forecast(&grid, date, None);
        let timetable: Vec<Segment> = (0..OPERATORS)
            .flat_map(|n| shift(n, kind.bunched, start))
            .collect();
        let settings = (0..GROUPS.len())
            .map(|g| GroupSettings {
                max_occupancy: 0.85,
                short_abandon_seconds: 5,
                ..GroupSettings::new(group_id(g), GROUPS[g].1)
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
        center.set_plan(plan.clone(), timetable.clone());
        let logins = agents.iter().map(|a| (a.login.clone(), a.id)).collect();
        let groups: Vec<SimGroup> = (0..GROUPS.len())
            .map(|g| SimGroup {
                id: group_id(g),
                code: GROUPS[g].0.to_string(),
            })
            .collect();
        let codes = groups.iter().map(|g| (g.code.clone(), g.id)).collect();
        let sim = Simulator::new(Scenario {
            groups,
            agents,
            forecast: forecast(&grid, date, Some(kind)),
            timetable,
            behaviour: Behaviour::default(),
            seed,
            start,
        });
        Ok(Day {
            kind,
            date,
            grid,
            start,
            end,
            center,
            sim,
            forecast_calls: plan.iter().map(|f| f.calls).sum(),
            logins,
            codes,
        })
    }

    /// Runs the simulator to `now` and applies its feed to the center; the calls offered.
    pub fn advance(&mut self, now: DateTime<Utc>, seq: &mut i64) -> u64 {
        let mut offered = 0;
        for feed in self.sim.advance(now) {
            offered += u64::from(matches!(feed, FeedEvent::CallOffered { .. }));
            *seq += 1;
            if let Some(event) = to_event(feed, *seq, &self.logins, &self.codes) {
                self.center.apply(&event);
            }
        }
        offered
    }
}

/// The day's forecast as the demo uploads it (`day` None: the plan), or the calls the
/// simulator offers on a day of `day`'s kind.
fn forecast(grid: &IntervalGrid, date: NaiveDate, day: Option<DayKind>) -> Vec<ForecastInterval> {
    let day_start = grid.day_start(date);
    let mut intervals = Vec::new();
    for (g, &(_, _, peak, aht)) in GROUPS.iter().enumerate() {
        for i in grid.intervals(date) {
            let minute = (i.start - day_start).num_minutes();
            let hour = minute as f64 / 60.0 + 0.125;
            let mut calls = (peak * intraday_shape(hour) * 10.0).round() / 10.0;
            if let Some(kind) = day {
                calls *= kind.volume;
                if let Some(s) = kind
                    .surge
                    .filter(|s| s.group == g && (s.from..s.to).contains(&minute))
                {
                    calls *= s.factor;
                }
            }
            intervals.push(ForecastInterval {
                group_id: group_id(g),
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
/// another break after six; on line for its primary group. In the `bunched` group a lunch
/// starting 11:00-14:00 moves to 12:00-12:45, over whatever was planned then.
fn shift(n: usize, bunched: Option<usize>, day_start: DateTime<Utc>) -> Vec<Segment> {
    let primary = group_id(n % GROUPS.len());
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
    if bunched == Some(n % GROUPS.len()) && (11 * 60..14 * 60).contains(&lunch) {
        set(12 * 60 - start, 12 * 60 + 45 - start, Activity::Lunch);
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
    feed.resolve(
        seq,
        |login| logins.get(login).copied(),
        |code| codes.get(code).copied(),
    )
}
