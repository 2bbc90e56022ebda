//! The plan the live figures are held against: the load forecast per group and interval,
//! and each operator's timetable.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::event::{AgentId, GroupId};

/// Forecast of one group for one interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ForecastInterval {
    pub group_id: GroupId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Calls expected to be offered in the interval.
    pub calls: f64,
    /// Expected average handle time, seconds.
    pub aht_seconds: f64,
    /// Expected share of offered calls answered, percent.
    pub acd_percent: f64,
    /// Operators the forecast asks for (non-voice groups; voice groups use Erlang C).
    pub operators: Option<f64>,
}

/// What a timetable segment plans an operator to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "group_id", rename_all = "snake_case")]
pub enum Activity {
    /// Work on the line for this group.
    Line(GroupId),
    Break,
    Lunch,
    Training,
    Meeting,
}

/// One stretch of an operator's timetable, [start, end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub agent_id: AgentId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub activity: Activity,
}
