//! Schedule adherence: each operator's state held against the timetable segment they
//! are in now, with the grace period before a deviation counts (DESIGN.md, "Adherence
//! states"); the drill-down of operators online.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::event::{AgentId, AgentState, GroupId};
use crate::plan::Activity;

use super::center::Center;
use super::figures::finite;
use super::operators::Operator;
use super::settings::DEFAULT_GRACE_SECONDS;
use super::time::{elapsed_ms, seconds, to_ms};
use super::timetable::PlannedSegment;

/// How an operator's state matches the timetable now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Adherence {
    /// Doing what the timetable says, or deviating for less than the grace period.
    OnSchedule,
    /// Line work began more than the grace period ago and the operator has not been on
    /// line since.
    LateLogin,
    /// On line during this line work, then left it longer than the grace period ago.
    Absent,
    /// In a state the timetable does not plan (a break during line work, on line during
    /// a break) for longer than the grace period.
    WrongStatus,
    /// On line for another group than the line work planned (a multi-skill operator
    /// working Sales when planned on Billing) for longer than the grace period: counted
    /// for the group worked, out of adherence for the group planned.
    OtherGroup,
    /// On a planned break.
    InBreak,
    /// On a planned lunch.
    Lunch,
    /// No timetable segment now.
    NotScheduled,
}

impl Adherence {
    /// Dashboard color.
    pub fn color(self) -> &'static str {
        match self {
            Adherence::OnSchedule => "green",
            Adherence::LateLogin => "yellow",
            Adherence::Absent => "red",
            Adherence::WrongStatus | Adherence::OtherGroup => "orange",
            Adherence::InBreak => "blue",
            Adherence::Lunch => "purple",
            Adherence::NotScheduled => "grey",
        }
    }
}

/// One operator on the operator-status page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OperatorStatus {
    /// The operator.
    pub agent_id: AgentId,
    /// Current state (logged out before any status).
    pub state: AgentState,
    /// When the current state began; `None` before any status.
    pub since: Option<DateTime<Utc>>,
    /// The group the operator counts for now.
    pub group_id: Option<GroupId>,
    /// What the timetable has the operator doing now.
    pub planned: Option<Activity>,
    /// How the state matches the timetable.
    pub adherence: Adherence,
    /// The adherence's color: green, yellow, red, orange, blue, purple or grey.
    pub color: &'static str,
    /// Late login: time since line work began.
    pub late_seconds: Option<f64>,
    /// Absent: time since the operator left the line.
    pub absent_seconds: Option<f64>,
    /// Break or lunch: time until it ends (the expected return).
    pub break_left_seconds: Option<f64>,
}

/// Adherence of an operator, with the delay, absence or time left it shows.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Judgement {
    adherence: Adherence,
    late_ms: Option<i64>,
    absent_ms: Option<i64>,
    break_left_ms: Option<i64>,
}

impl Judgement {
    fn plain(adherence: Adherence) -> Self {
        Judgement {
            adherence,
            late_ms: None,
            absent_ms: None,
            break_left_ms: None,
        }
    }
}

impl Center {
    /// Every known operator's status and adherence at `now`, by operator id.
    pub fn operators(&self, now: DateTime<Utc>) -> Vec<OperatorStatus> {
        let now_ms = to_ms(now);
        self.operators
            .iter()
            .enumerate()
            .map(|(operator, o)| {
                let segment = self.timetable.segment_at(operator, now_ms);
                let grace_ms = self.grace_ms(o, segment);
                let judgement = judge(o, segment, now_ms, grace_ms, self.feed_since());
                let in_seconds = |ms: Option<i64>| finite(ms.map(seconds));
                OperatorStatus {
                    agent_id: o.id,
                    state: o.state,
                    since: o.since,
                    group_id: self
                        .counts_for(operator, now_ms)
                        .and_then(|g| self.groups.get(g))
                        .map(|g| g.settings.id),
                    planned: segment.map(|s| s.activity),
                    adherence: judgement.adherence,
                    color: judgement.adherence.color(),
                    late_seconds: in_seconds(judgement.late_ms),
                    absent_seconds: in_seconds(judgement.absent_ms),
                    break_left_seconds: in_seconds(judgement.break_left_ms),
                }
            })
            .collect()
    }

    /// How operator `operator`, in the state `o`, matched the timetable at `ms`; `None`
    /// when it had no segment then (not scheduled).
    pub(super) fn adherence_at(&self, operator: usize, o: &Operator, ms: i64) -> Option<Adherence> {
        let segment = self.timetable.segment_at(operator, ms)?;
        let grace = self.grace_ms(o, Some(segment));
        Some(judge(o, Some(segment), ms, grace, self.feed_since()).adherence)
    }

    /// When the feed began; the earliest instant when nothing is known.
    fn feed_since(&self) -> i64 {
        self.presence.since().unwrap_or(i64::MIN)
    }

    /// Grace of the planned group for line work; of the primary group otherwise; 2
    /// minutes when neither is known.
    fn grace_ms(&self, o: &Operator, segment: Option<&PlannedSegment>) -> i64 {
        let group = segment.and_then(|s| s.group).or(o.primary);
        let seconds = group
            .and_then(|g| self.groups.get(g))
            .map_or(DEFAULT_GRACE_SECONDS, |g| g.settings.grace_seconds);
        i64::from(seconds) * 1000
    }
}

/// How `o` matches `segment` at `now`; `feed_since` is when the feed began: lateness
/// and absence count from it at the earliest, since what happened before is unknown.
fn judge(
    o: &Operator,
    segment: Option<&PlannedSegment>,
    now: i64,
    grace: i64,
    feed_since: i64,
) -> Judgement {
    let Some(segment) = segment else {
        return Judgement::plain(Adherence::NotScheduled);
    };
    let on_line = o.state.is_on_line();
    // On line when the timetable plans something else: wrong once past grace.
    let on_line_too_long = || {
        let since = o
            .on_line_since_ms
            .unwrap_or(segment.start_ms)
            .max(segment.start_ms);
        elapsed_ms(since, now) >= grace
    };
    let break_left = Some(elapsed_ms(now, segment.end_ms));
    match segment.activity {
        Activity::Line(_) if on_line => judge_on_line(o, segment, now, grace),
        Activity::Line(_) => {
            judge_off_line(o, segment.stretch_start_ms.max(feed_since), now, grace)
        }
        Activity::Break | Activity::Lunch if on_line && on_line_too_long() => {
            Judgement::plain(Adherence::WrongStatus)
        }
        Activity::Break | Activity::Lunch => Judgement {
            break_left_ms: break_left,
            ..Judgement::plain(if segment.activity == Activity::Lunch {
                Adherence::Lunch
            } else {
                Adherence::InBreak
            })
        },
        Activity::Training | Activity::Meeting if on_line && on_line_too_long() => {
            Judgement::plain(Adherence::WrongStatus)
        }
        Activity::Training | Activity::Meeting => Judgement::plain(Adherence::OnSchedule),
    }
}

/// An operator on line during line work: on schedule when working the group planned
/// (or one its status did not name), out of adherence past grace for another group.
fn judge_on_line(o: &Operator, segment: &PlannedSegment, now: i64, grace: i64) -> Judgement {
    let other = match (segment.group, o.event_group) {
        (Some(planned), Some(worked)) => planned != worked,
        _ => false,
    };
    let since = [o.group_since_ms, o.on_line_since_ms, Some(segment.start_ms)]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(segment.start_ms);
    if other && elapsed_ms(since, now) >= grace {
        Judgement::plain(Adherence::OtherGroup)
    } else {
        Judgement::plain(Adherence::OnSchedule)
    }
}

/// An operator off line during line work that began at `start`.
fn judge_off_line(o: &Operator, start: i64, now: i64, grace: i64) -> Judgement {
    let left_during_work = o.left_line_ms.filter(|&left| left >= start);
    match o.state {
        AgentState::Break | AgentState::Lunch | AgentState::Training => {
            let since = o.since.map_or(start, to_ms);
            let off_since = o.left_line_ms.unwrap_or(since).max(start);
            if elapsed_ms(off_since, now) >= grace {
                Judgement::plain(Adherence::WrongStatus)
            } else {
                Judgement::plain(Adherence::OnSchedule)
            }
        }
        _ => match left_during_work {
            Some(left) if elapsed_ms(left, now) >= grace => Judgement {
                absent_ms: Some(elapsed_ms(left, now)),
                ..Judgement::plain(Adherence::Absent)
            },
            Some(_) => Judgement::plain(Adherence::OnSchedule),
            None if elapsed_ms(start, now) >= grace => Judgement {
                late_ms: Some(elapsed_ms(start, now)),
                ..Judgement::plain(Adherence::LateLogin)
            },
            None => Judgement::plain(Adherence::OnSchedule),
        },
    }
}
