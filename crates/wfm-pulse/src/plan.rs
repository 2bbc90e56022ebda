//! Plan uploads (forecast and timetable) checked against the contact center's structure:
//! known groups and agents, intervals on the site's grid, no overlapping segments.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wfm_core::interval::IntervalGrid;
use wfm_core::plan::{Activity, ForecastInterval, Segment};
use wfm_store::model::{Agent, FieldError, Group, Service, Site};

/// What a plan is checked against: each group's and agent's interval grid.
pub struct Structure {
    group_grid: HashMap<i64, IntervalGrid>,
    agent_grid: HashMap<i64, IntervalGrid>,
}

impl Structure {
    pub fn new(sites: &[Site], services: &[Service], groups: &[Group], agents: &[Agent]) -> Self {
        let site_grid: HashMap<i64, IntervalGrid> = sites
            .iter()
            .filter_map(|s| {
                let tz = IntervalGrid::parse_tz(&s.time_zone).ok()?;
                Some((s.id, IntervalGrid::new(tz, s.interval_minutes).ok()?))
            })
            .collect();
        let service_site: HashMap<i64, i64> = services.iter().map(|s| (s.id, s.site_id)).collect();
        let group_grid = groups
            .iter()
            .filter_map(|g| Some((g.id, *site_grid.get(service_site.get(&g.service_id)?)?)))
            .collect();
        let agent_grid = agents
            .iter()
            .filter_map(|a| Some((a.id, *site_grid.get(&a.site_id)?)))
            .collect();
        Structure {
            group_grid,
            agent_grid,
        }
    }
}

/// One forecast interval as uploaded: the group, where the interval starts, and the load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForecastRow {
    pub group_id: i64,
    /// Start of the interval; must be an interval boundary of the group's site.
    pub start: DateTime<Utc>,
    pub calls: f64,
    pub aht_seconds: f64,
    /// Share of offered calls expected to be answered (default 100).
    #[serde(default = "hundred")]
    pub acd_percent: f64,
    /// Operators the forecast asks for (non-voice groups).
    #[serde(default)]
    pub operators: Option<f64>,
}

/// Most calls one group's interval may be forecast: far beyond any real queue, and small
/// enough that every figure derived from it stays finite.
const MAX_CALLS: f64 = 100_000.0;
/// Most operators a forecast may ask for (Erlang C's own limit).
const MAX_OPERATORS: f64 = wfm_core::erlang::MAX_AGENTS as f64;

fn hundred() -> f64 {
    100.0
}

/// A forecast upload, stored all or nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForecastUpload {
    pub intervals: Vec<ForecastRow>,
}

/// What a timetable segment plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Line,
    Break,
    Lunch,
    Training,
    Meeting,
}

/// One timetable segment as uploaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentRow {
    pub agent_id: i64,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub activity: ActivityKind,
    /// The group served; required for line work.
    #[serde(default)]
    pub group_id: Option<i64>,
}

/// A timetable upload, stored all or nothing; it replaces each agent's segments in the
/// span it covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimetableUpload {
    pub segments: Vec<SegmentRow>,
}

fn on_boundary(grid: &IntervalGrid, t: DateTime<Utc>) -> bool {
    grid.interval_at(t).start == t
}

/// Checks a forecast upload; every failing row is named.
pub fn check_forecast(
    s: &Structure,
    up: &ForecastUpload,
) -> Result<Vec<ForecastInterval>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut rows = Vec::with_capacity(up.intervals.len());
    let mut seen = HashMap::new();
    for (i, r) in up.intervals.iter().enumerate() {
        let f = |name: &str| format!("intervals[{i}].{name}");
        let Some(grid) = s.group_grid.get(&r.group_id) else {
            errors.push(FieldError::new(
                f("group_id"),
                "refers to a group that does not exist",
            ));
            continue;
        };
        let interval = grid.interval_at(r.start);
        if interval.start != r.start {
            errors.push(FieldError::new(
                f("start"),
                format!(
                    "is not an interval boundary (intervals start at {})",
                    interval.start.to_rfc3339()
                ),
            ));
        }
        if let Some(first) = seen.insert((r.group_id, r.start), i) {
            errors.push(FieldError::new(
                f("start"),
                format!("repeats intervals[{first}]"),
            ));
        }
        if !(0.0..=MAX_CALLS).contains(&r.calls) {
            errors.push(FieldError::new(
                f("calls"),
                "must be a number of calls from 0 to 100000",
            ));
        }
        if !(r.aht_seconds.is_finite() && r.aht_seconds >= 0.0 && r.aht_seconds <= 86_400.0)
            || (r.calls > 0.0 && r.aht_seconds == 0.0)
        {
            errors.push(FieldError::new(
                f("aht_seconds"),
                "must be above 0 (up to 86400) when calls are expected",
            ));
        }
        if !(0.0..=100.0).contains(&r.acd_percent) {
            errors.push(FieldError::new(f("acd_percent"), "must be from 0 to 100"));
        }
        if r.operators
            .is_some_and(|o| !(0.0..=MAX_OPERATORS).contains(&o))
        {
            errors.push(FieldError::new(f("operators"), "must be from 0 to 100000"));
        }
        rows.push(ForecastInterval {
            group_id: r.group_id,
            start: interval.start,
            end: interval.end,
            calls: r.calls,
            aht_seconds: r.aht_seconds,
            acd_percent: r.acd_percent,
            operators: r.operators,
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Checks a timetable upload; every failing row is named.
pub fn check_timetable(
    s: &Structure,
    up: &TimetableUpload,
) -> Result<Vec<Segment>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut rows: Vec<(usize, Segment)> = Vec::with_capacity(up.segments.len());
    for (i, r) in up.segments.iter().enumerate() {
        let f = |name: &str| format!("segments[{i}].{name}");
        let Some(grid) = s.agent_grid.get(&r.agent_id) else {
            errors.push(FieldError::new(
                f("agent_id"),
                "refers to an agent that does not exist",
            ));
            continue;
        };
        if r.end <= r.start {
            errors.push(FieldError::new(f("end"), "must be after start"));
        }
        if r.end - r.start > chrono::Duration::hours(24) {
            errors.push(FieldError::new(
                f("end"),
                "a segment lasts at most 24 hours",
            ));
        }
        for (name, t) in [("start", r.start), ("end", r.end)] {
            if !on_boundary(grid, t) {
                errors.push(FieldError::new(
                    f(name),
                    "is not an interval boundary of the agent's site",
                ));
            }
        }
        let activity = match (r.activity, r.group_id) {
            (ActivityKind::Line, Some(g)) if s.group_grid.contains_key(&g) => Activity::Line(g),
            (ActivityKind::Line, Some(_)) => {
                errors.push(FieldError::new(
                    f("group_id"),
                    "refers to a group that does not exist",
                ));
                continue;
            }
            (ActivityKind::Line, None) => {
                errors.push(FieldError::new(f("group_id"), "is required for line work"));
                continue;
            }
            (_, Some(_)) => {
                errors.push(FieldError::new(f("group_id"), "is only for line work"));
                continue;
            }
            (ActivityKind::Break, None) => Activity::Break,
            (ActivityKind::Lunch, None) => Activity::Lunch,
            (ActivityKind::Training, None) => Activity::Training,
            (ActivityKind::Meeting, None) => Activity::Meeting,
        };
        rows.push((
            i,
            Segment {
                agent_id: r.agent_id,
                start: r.start,
                end: r.end,
                activity,
            },
        ));
    }
    let mut sorted: Vec<&(usize, Segment)> = rows.iter().collect();
    sorted.sort_by_key(|(_, seg)| (seg.agent_id, seg.start));
    for pair in sorted.windows(2) {
        let ((i, a), (j, b)) = (pair[0], pair[1]);
        if a.agent_id == b.agent_id && b.start < a.end {
            let (first, second) = if i < j { (i, j) } else { (j, i) };
            errors.push(FieldError::new(
                format!("segments[{second}].start"),
                format!("overlaps segments[{first}] of the same agent"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(rows.into_iter().map(|(_, seg)| seg).collect())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn structure() -> Structure {
        let grid = IntervalGrid::new(IntervalGrid::parse_tz("Europe/Moscow").unwrap(), 15).unwrap();
        Structure {
            group_grid: [(1, grid), (2, grid)].into(),
            agent_grid: [(10, grid)].into(),
        }
    }

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, h, m, 0).unwrap()
    }

    #[test]
    fn forecast_rows_snap_to_the_grid_or_are_named() {
        let row = |group_id, start, calls| ForecastRow {
            group_id,
            start,
            calls,
            aht_seconds: 180.0,
            acd_percent: 95.0,
            operators: None,
        };
        let ok = check_forecast(
            &structure(),
            &ForecastUpload {
                intervals: vec![row(1, t(6, 0), 10.0)],
            },
        )
        .unwrap();
        assert_eq!(ok[0].end, t(6, 15));
        let bad = ForecastUpload {
            intervals: vec![
                row(1, t(6, 7), 10.0),
                row(9, t(6, 0), 1.0),
                row(2, t(6, 0), -1.0),
                row(2, t(6, 0), 1.0),
                row(2, t(6, 15), 1e308),
                ForecastRow {
                    operators: Some(1e9),
                    ..row(2, t(6, 30), 10.0)
                },
            ],
        };
        let fields: Vec<String> = check_forecast(&structure(), &bad)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "intervals[0].start",
                "intervals[1].group_id",
                "intervals[2].calls",
                "intervals[3].start",
                "intervals[4].calls",
                "intervals[5].operators"
            ]
        );
    }

    #[test]
    fn timetables_must_not_overlap_and_line_work_names_its_group() {
        let seg = |start, end, activity, group_id| SegmentRow {
            agent_id: 10,
            start,
            end,
            activity,
            group_id,
        };
        let good = TimetableUpload {
            segments: vec![
                seg(t(6, 0), t(8, 0), ActivityKind::Line, Some(1)),
                seg(t(8, 0), t(8, 15), ActivityKind::Break, None),
            ],
        };
        assert_eq!(check_timetable(&structure(), &good).unwrap().len(), 2);
        let bad = TimetableUpload {
            segments: vec![
                seg(t(6, 0), t(8, 0), ActivityKind::Line, Some(1)),
                seg(t(7, 45), t(8, 15), ActivityKind::Break, None),
                seg(t(9, 0), t(10, 0), ActivityKind::Line, None),
                seg(t(10, 5), t(10, 0), ActivityKind::Lunch, None),
            ],
        };
        let fields: Vec<String> = check_timetable(&structure(), &bad)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "segments[2].group_id",
                "segments[3].end",
                "segments[3].start",
                "segments[1].start"
            ]
        );
    }
}
