//! An operator's timetable as a list of instants at which what the plan asks of them
//! changes: get on line for a group, go away (break, lunch, training, meeting), or be off.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use wfm_core::event::{AgentId, AgentState, GroupId};
use wfm_core::plan::{Activity, Segment};

/// What the plan asks of an operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Planned {
    /// On line for the group at this position in the scenario.
    Line(usize),
    /// Logged in but away, in this state (break, lunch, training, not ready).
    Away(AgentState),
    /// Not at work.
    Off,
}

/// From `at_ms` (milliseconds from the simulation's start) on, the plan asks `planned`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PlanChange {
    pub at_ms: i64,
    pub planned: Planned,
}

/// The plan changes of operator `agent`, in time order. A gap between segments, and the
/// end of the last one, is time off; a segment starting inside another cuts it short.
/// Segments of unknown groups, without length or over before `origin` are ignored.
pub(crate) fn plan_changes(
    agent: AgentId,
    timetable: &[Segment],
    origin: DateTime<Utc>,
    groups: &BTreeMap<GroupId, usize>,
) -> Vec<PlanChange> {
    let offset = |at: DateTime<Utc>| (at - origin).num_milliseconds();
    let mut segments: Vec<(i64, i64, Planned)> = timetable
        .iter()
        .filter(|s| s.agent_id == agent)
        .filter_map(|s| {
            let planned = match s.activity {
                Activity::Line(group) => Planned::Line(*groups.get(&group)?),
                Activity::Break => Planned::Away(AgentState::Break),
                Activity::Lunch => Planned::Away(AgentState::Lunch),
                Activity::Training => Planned::Away(AgentState::Training),
                // The feed has no meeting state: a meeting is time logged in but not ready.
                Activity::Meeting => Planned::Away(AgentState::NotReady),
            };
            Some((offset(s.start).max(0), offset(s.end), planned))
        })
        .filter(|(start, end, _)| end > start)
        .collect();
    segments.sort_by_key(|&(start, end, _)| (start, end));

    let mut changes: Vec<PlanChange> = Vec::new();
    let mut push = |at_ms: i64, planned: Planned| match changes.last_mut() {
        Some(last) if last.at_ms == at_ms => last.planned = planned,
        _ => changes.push(PlanChange { at_ms, planned }),
    };
    let mut open_until: Option<i64> = None;
    for (start, end, planned) in segments {
        if let Some(until) = open_until.filter(|&until| start > until) {
            push(until, Planned::Off);
        }
        push(start, planned);
        open_until = Some(end);
    }
    if let Some(until) = open_until {
        push(until, Planned::Off);
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn origin() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap()
    }

    fn seg(agent: AgentId, from_min: i64, to_min: i64, activity: Activity) -> Segment {
        Segment {
            agent_id: agent,
            start: origin() + Duration::minutes(from_min),
            end: origin() + Duration::minutes(to_min),
            activity,
        }
    }

    #[test]
    fn segments_become_changes_with_time_off_in_gaps() {
        let groups = BTreeMap::from([(5, 0)]);
        let timetable = [
            seg(1, 60, 120, Activity::Line(5)),
            seg(1, -30, 30, Activity::Line(5)),
            seg(1, 30, 60, Activity::Break),
            seg(2, 0, 10, Activity::Lunch),
            seg(1, 200, 210, Activity::Meeting),
            seg(1, 300, 310, Activity::Line(99)),
        ];
        let at = |min: i64| min * 60_000;
        let got = plan_changes(1, &timetable, origin(), &groups);
        assert_eq!(
            got,
            vec![
                PlanChange {
                    at_ms: 0,
                    planned: Planned::Line(0)
                },
                PlanChange {
                    at_ms: at(30),
                    planned: Planned::Away(AgentState::Break)
                },
                PlanChange {
                    at_ms: at(60),
                    planned: Planned::Line(0)
                },
                PlanChange {
                    at_ms: at(120),
                    planned: Planned::Off
                },
                PlanChange {
                    at_ms: at(200),
                    planned: Planned::Away(AgentState::NotReady)
                },
                PlanChange {
                    at_ms: at(210),
                    planned: Planned::Off
                },
            ]
        );
    }
}
