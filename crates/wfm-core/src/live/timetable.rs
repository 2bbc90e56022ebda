//! The operators' timetable as the engine reads it: each operator's segments in time
//! order, the planned line count of each group as a step function of time, and the
//! instants at which any segment starts or ends.

use crate::event::{AgentId, GroupId};
use crate::plan::{Activity, Segment};

use super::time::to_ms;

/// One segment of an operator's timetable, [start, end).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct PlannedSegment {
    pub(super) start_ms: i64,
    pub(super) end_ms: i64,
    /// Start of the run of back-to-back line segments this one belongs to (its own start
    /// for other activities): lateness and absence count from there, so a shift split
    /// into line segments per group is one stretch of work.
    pub(super) stretch_start_ms: i64,
    pub(super) activity: Activity,
    /// The group of line work, when the engine knows it.
    pub(super) group: Option<usize>,
}

impl PlannedSegment {
    pub(super) fn is_line(&self) -> bool {
        matches!(self.activity, Activity::Line(_))
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Timetable {
    /// Every kept segment, operator by operator, each operator's in time order.
    segments: Vec<PlannedSegment>,
    /// Per operator (by index), its range in `segments`.
    ranges: Vec<(usize, usize)>,
    /// Per group (by index): (instant, operators planned on line from then on).
    planned: Vec<Vec<(i64, u32)>>,
    /// Every (instant, operator) at which one of the operator's segments starts or
    /// ends, ascending.
    boundaries: Vec<(i64, usize)>,
}

impl Timetable {
    /// The timetable of `segments` for the operators `agent_ids` and groups `group_ids`
    /// (both ascending). Segments of unknown operators and empty segments are dropped;
    /// a segment that starts before the operator's previous one ends is dropped too, so
    /// an operator has at most one segment at any instant.
    pub(super) fn build(
        segments: Vec<Segment>,
        agent_ids: &[AgentId],
        group_ids: &[GroupId],
    ) -> Self {
        let mut by_operator: Vec<Vec<Segment>> = vec![Vec::new(); agent_ids.len()];
        for segment in segments {
            let Ok(operator) = agent_ids.binary_search(&segment.agent_id) else {
                continue;
            };
            if segment.end > segment.start {
                if let Some(list) = by_operator.get_mut(operator) {
                    list.push(segment);
                }
            }
        }
        let mut timetable = Timetable {
            planned: vec![Vec::new(); group_ids.len()],
            ..Timetable::default()
        };
        let mut changes: Vec<Vec<(i64, i64)>> = vec![Vec::new(); group_ids.len()];
        for (operator, mut list) in by_operator.into_iter().enumerate() {
            list.sort_by_key(|s| (s.start, s.end));
            let first = timetable.segments.len();
            let mut previous: Option<PlannedSegment> = None;
            for segment in list {
                let start_ms = to_ms(segment.start);
                let end_ms = to_ms(segment.end);
                if previous.is_some_and(|p| start_ms < p.end_ms) {
                    continue;
                }
                let is_line = matches!(segment.activity, Activity::Line(_));
                let stretch_start_ms = match previous {
                    Some(p) if is_line && p.is_line() && p.end_ms == start_ms => p.stretch_start_ms,
                    _ => start_ms,
                };
                let group = match segment.activity {
                    Activity::Line(id) => group_ids.binary_search(&id).ok(),
                    _ => None,
                };
                if let Some(list) = group.and_then(|g| changes.get_mut(g)) {
                    list.push((start_ms, 1));
                    list.push((end_ms, -1));
                }
                let kept = PlannedSegment {
                    start_ms,
                    end_ms,
                    stretch_start_ms,
                    activity: segment.activity,
                    group,
                };
                timetable
                    .boundaries
                    .extend([(start_ms, operator), (end_ms, operator)]);
                timetable.segments.push(kept);
                previous = Some(kept);
            }
            timetable.ranges.push((first, timetable.segments.len()));
        }
        for (steps, mut list) in timetable.planned.iter_mut().zip(changes) {
            list.sort_unstable();
            let mut planned: i64 = 0;
            for (at, change) in list {
                planned += change;
                let now = u32::try_from(planned.max(0)).unwrap_or(u32::MAX);
                match steps.last_mut() {
                    Some(last) if last.0 == at => last.1 = now,
                    _ => steps.push((at, now)),
                }
            }
        }
        timetable.boundaries.sort_unstable();
        timetable.boundaries.dedup();
        timetable
    }

    /// The segments of operator `operator`, in time order.
    pub(super) fn segments_of(&self, operator: usize) -> &[PlannedSegment] {
        self.ranges
            .get(operator)
            .and_then(|&(from, to)| self.segments.get(from..to))
            .unwrap_or(&[])
    }

    /// The operator's segment at `ms`.
    pub(super) fn segment_at(&self, operator: usize, ms: i64) -> Option<&PlannedSegment> {
        let segments = self.segments_of(operator);
        let after = segments.partition_point(|s| s.start_ms <= ms);
        after
            .checked_sub(1)
            .and_then(|i| segments.get(i))
            .filter(|s| ms < s.end_ms)
    }

    /// The group of the operator's line work at `ms`.
    pub(super) fn line_group_at(&self, operator: usize, ms: i64) -> Option<usize> {
        self.segment_at(operator, ms).and_then(|s| s.group)
    }

    /// Whether the operator has line work anywhere in [from, to).
    pub(super) fn has_line_between(&self, operator: usize, from: i64, to: i64) -> bool {
        let segments = self.segments_of(operator);
        let first = segments.partition_point(|s| s.end_ms <= from);
        segments
            .get(first..)
            .unwrap_or(&[])
            .iter()
            .take_while(|s| s.start_ms < to)
            .any(PlannedSegment::is_line)
    }

    /// Operators planned on line work for group `group` at `ms`.
    pub(super) fn planned_at(&self, group: usize, ms: i64) -> u32 {
        let Some(steps) = self.planned.get(group) else {
            return 0;
        };
        let after = steps.partition_point(|&(at, _)| at <= ms);
        after
            .checked_sub(1)
            .and_then(|i| steps.get(i))
            .map_or(0, |&(_, planned)| planned)
    }

    /// Positions of the boundaries in (after, upto], for [`Timetable::boundary`].
    pub(super) fn boundaries_within(&self, after: i64, upto: i64) -> std::ops::Range<usize> {
        let from = self.boundaries.partition_point(|&(at, _)| at <= after);
        let to = self.boundaries.partition_point(|&(at, _)| at <= upto);
        from..to.max(from)
    }

    /// The operator of the boundary at `position`.
    pub(super) fn boundary(&self, position: usize) -> Option<usize> {
        self.boundaries.get(position).map(|&(_, operator)| operator)
    }
}
