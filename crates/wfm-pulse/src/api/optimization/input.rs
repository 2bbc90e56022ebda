//! The optimizer's input from the store and the live snapshot: the horizon's intervals
//! on the site's grid, the forecast, each operator's timetable slots and shifts (a week
//! either side, for the labor checks), skills, rate and whether they are late or absent,
//! and, for a horizon starting now, what each group's card shows (for the donor rules).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use wfm_core::erlang::ServiceTarget;
use wfm_core::interval::IntervalGrid;
use wfm_core::labor::{Shift, WorkHistory};
use wfm_core::live::Adherence;
use wfm_core::optimization::{GroupNow, GroupPlan, Input, IntervalLoad, Operator, Presence, Slot};
use wfm_core::plan::{Activity, Segment};
use wfm_store::model::{Agent, Group};

use super::SuggestRequest;
use crate::http::error::ApiError;
use crate::state::AppState;

/// Segments of one operator closer than this belong to one shift (the gap is a break):
/// TK RF art. 108 allows a meal break of up to 2 h.
const LONGEST_BREAK: Duration = Duration::hours(2);

/// How far around the horizon shifts are read for the labor checks.
const LABOR_WINDOW: Duration = Duration::days(7);

/// The input and what the response reports about it.
pub(super) struct Built {
    pub input: Input,
    pub site_id: i64,
    pub interval_minutes: u32,
}

async fn groups_of(s: &AppState, ids: &[i64]) -> Result<(Vec<Group>, i64), ApiError> {
    let ids: BTreeSet<i64> = ids.iter().copied().collect();
    let all = s.store.list_groups().await?;
    let groups: Vec<Group> = all.into_iter().filter(|g| ids.contains(&g.id)).collect();
    if let Some(missing) = ids.iter().find(|id| !groups.iter().any(|g| g.id == **id)) {
        return Err(ApiError::bad(
            "group_ids",
            format!("group {missing} does not exist"),
        ));
    }
    let services = s.store.list_services().await?;
    let site_of = |g: &Group| {
        services
            .iter()
            .find(|sv| sv.id == g.service_id)
            .map(|sv| sv.site_id)
    };
    let sites: BTreeSet<Option<i64>> = groups.iter().map(site_of).collect();
    match sites.into_iter().collect::<Vec<_>>().as_slice() {
        [Some(site)] => Ok((groups, *site)),
        _ => Err(ApiError::bad(
            "group_ids",
            "the groups must all belong to one site",
        )),
    }
}

/// The grid's intervals from the one holding `from` until `from + minutes`.
fn horizon(
    grid: &IntervalGrid,
    from: DateTime<Utc>,
    minutes: u32,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let end = from + Duration::minutes(i64::from(minutes));
    let mut out = Vec::new();
    let mut iv = grid.interval_at(from);
    while iv.start < end && out.len() < 24 * 60 {
        out.push((iv.start, iv.end));
        iv = grid.interval_at(iv.end);
    }
    out
}

fn slot_at(segments: &[&Segment], at: DateTime<Utc>) -> Slot {
    match segments.iter().find(|s| s.start <= at && at < s.end) {
        None => Slot::Off,
        Some(s) => match s.activity {
            Activity::Line(g) => Slot::Line(g),
            Activity::Break | Activity::Lunch => Slot::Pause,
            Activity::Training | Activity::Meeting => Slot::Other,
        },
    }
}

/// An operator's shifts: segments joined while the gaps between them stay under
/// [`LONGEST_BREAK`]; breaks, lunches and such gaps are the shift's breaks.
fn shifts_of(segments: &[&Segment]) -> Vec<Shift> {
    let mut shifts: Vec<Shift> = Vec::new();
    for seg in segments {
        let pause = matches!(seg.activity, Activity::Break | Activity::Lunch);
        match shifts.last_mut() {
            Some(shift) if seg.start - shift.end < LONGEST_BREAK && seg.start >= shift.end => {
                if seg.start > shift.end {
                    shift.breaks.push((shift.end, seg.start));
                }
                if pause {
                    shift.breaks.push((seg.start, seg.end));
                }
                shift.end = seg.end;
            }
            _ => {
                let mut shift = Shift::new(seg.start, seg.end);
                if pause {
                    shift.breaks.push((seg.start, seg.end));
                }
                shifts.push(shift);
            }
        }
    }
    // Adjacent pause segments (a break then a lunch) are one break.
    for shift in &mut shifts {
        let mut merged: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
        for b in shift.breaks.drain(..) {
            match merged.last_mut() {
                Some(last) if last.1 == b.0 => last.1 = b.1,
                _ => merged.push(b),
            }
        }
        shift.breaks = merged;
    }
    shifts
}

fn serves(agent: &Agent, groups: &BTreeSet<i64>) -> Vec<i64> {
    let mut skills: Vec<i64> = agent.skills.iter().map(|s| s.group_id).collect();
    skills.extend(agent.primary_group_id);
    skills.sort_unstable();
    skills.dedup();
    skills.retain(|g| groups.contains(g));
    skills
}

pub(super) async fn build(
    s: &AppState,
    req: &SuggestRequest,
    from: DateTime<Utc>,
    minutes: u32,
    default_rate: f64,
) -> Result<Built, ApiError> {
    let (groups, site_id) = groups_of(s, &req.group_ids).await?;
    let site = s.store.get_site(site_id).await?;
    let tz = IntervalGrid::parse_tz(&site.time_zone).map_err(|_| ApiError::Internal)?;
    let grid = IntervalGrid::new(tz, site.interval_minutes).map_err(|_| ApiError::Internal)?;
    let intervals = horizon(&grid, from, minutes);
    let (Some(first), Some(last)) = (intervals.first(), intervals.last()) else {
        return Err(ApiError::bad("horizon_minutes", "covers no interval"));
    };
    let (start, end) = (first.0, last.1);

    // Now's figures tell about the horizon only when it starts now: the donor rules hold
    // its first interval to what the supervisor sees.
    let now = Utc::now();
    let snapshot = s.live.snapshot();
    let starts_now = start <= now && now < first.1;
    let group_now = |id: i64| {
        let g = snapshot.realtime.groups.iter().find(|g| g.group_id == id)?;
        starts_now.then(|| GroupNow::of(&g.figures))
    };

    let forecast = s.store.forecast(start, end).await?;
    let plans = groups
        .iter()
        .map(|g| GroupPlan {
            group_id: g.id,
            target: ServiceTarget {
                answer_within_seconds: f64::from(g.sl_seconds),
                percent: g.sl_percent,
            },
            max_occupancy: g.max_occupancy,
            loads: intervals
                .iter()
                .map(|&(s, _)| {
                    forecast
                        .iter()
                        .find(|f| f.group_id == g.id && f.start == s)
                        .map_or(
                            IntervalLoad {
                                calls: 0.0,
                                aht_seconds: 0.0,
                            },
                            |f| IntervalLoad {
                                calls: f.calls,
                                aht_seconds: f.aht_seconds,
                            },
                        )
                })
                .collect(),
            now: group_now(g.id),
        })
        .collect();

    let group_ids: BTreeSet<i64> = groups.iter().map(|g| g.id).collect();
    let agents = s.store.list_agents().await?;
    let known: BTreeSet<i64> = agents.iter().map(|a| a.id).collect();
    if let Some(unknown) = req.hourly_rates.keys().find(|id| !known.contains(id)) {
        return Err(ApiError::bad(
            format!("hourly_rates.{unknown}"),
            "no such agent",
        ));
    }
    let timetable = s
        .store
        .timetable(start - LABOR_WINDOW, end + LABOR_WINDOW)
        .await?;
    let mut by_agent: BTreeMap<i64, Vec<&Segment>> = BTreeMap::new();
    for seg in &timetable {
        by_agent.entry(seg.agent_id).or_default().push(seg);
    }
    for segs in by_agent.values_mut() {
        segs.sort_by_key(|s| s.start);
    }

    // Adherence is now's as well.
    let presence = |id: i64| {
        if !starts_now {
            return Presence::Present;
        }
        match snapshot.operators.iter().find(|o| o.agent_id == id) {
            Some(o) if o.adherence == Adherence::LateLogin => Presence::Late,
            Some(o) if o.adherence == Adherence::Absent => Presence::Absent,
            _ => Presence::Present,
        }
    };

    let empty = Vec::new();
    let operators = agents
        .iter()
        .filter(|a| a.active)
        .filter_map(|a| {
            let segments = by_agent.get(&a.id).unwrap_or(&empty);
            let slots: Vec<Slot> = intervals
                .iter()
                .map(|&(s, e)| slot_at(segments, s + (e - s) / 2))
                .collect();
            let skills = serves(a, &group_ids);
            let works_here = slots
                .iter()
                .any(|s| matches!(s, Slot::Line(g) if group_ids.contains(g)));
            if skills.is_empty() && !works_here {
                return None;
            }
            Some(Operator {
                agent_id: a.id,
                skills,
                hourly_rate: req.hourly_rates.get(&a.id).copied().unwrap_or(default_rate),
                slots,
                presence: presence(a.id),
                history: WorkHistory {
                    shifts: shifts_of(segments),
                    overtime_year_minutes: 0,
                    tz,
                },
            })
        })
        .collect();

    let rules = s
        .store
        .labor_rules(site_id)
        .await?
        .map(|r| r.rules)
        .unwrap_or_default();
    Ok(Built {
        input: Input {
            intervals,
            groups: plans,
            operators,
            rules,
            budget: req.budget,
        },
        site_id,
        interval_minutes: site.interval_minutes,
    })
}
