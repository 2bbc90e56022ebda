//! What a simulation runs: the groups, the operators and their skills, the forecast the
//! calls arrive by, the timetable the operators follow, how people behave, and the seed.

use chrono::{DateTime, Utc};
use wfm_core::event::{AgentId, GroupId};
use wfm_core::plan::{ForecastInterval, Segment};

/// A group (queue) calls are offered to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimGroup {
    /// The group's id in the forecast and the timetable.
    pub id: GroupId,
    /// How the feed names the group.
    pub code: String,
}

/// An operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimAgent {
    /// The operator's id in the timetable.
    pub id: AgentId,
    /// How the feed names the operator.
    pub login: String,
    /// Ids of the groups the operator can serve, highest priority first.
    pub skills: Vec<GroupId>,
}

/// How operators and callers behave.
///
/// Figures out of their domain are brought into it: probabilities and shares clamped to
/// 0..=1 (NaN: 0), means to >= 0 (NaN or infinite lateness: none; NaN patience: never
/// abandoning, zero patience: abandoning as soon as queued).
#[derive(Debug, Clone, PartialEq)]
pub struct Behaviour {
    /// Chance that an operator gets on line late for a line segment (from logged out or
    /// from a break), 0..=1.
    pub late_probability: f64,
    /// Mean delay of a late operator, seconds (exponential).
    pub mean_lateness_seconds: f64,
    /// Chance that an operator does not show up at all for a shift (a run of segments
    /// without a gap), 0..=1.
    pub absence_probability: f64,
    /// Mean patience of a waiting caller, seconds (exponential); `f64::INFINITY`: callers
    /// never abandon.
    pub mean_patience_seconds: f64,
    /// Share of the handle time spent talking, 0..=1; hold takes 0.05 (less when talk
    /// leaves less), wrap-up the rest.
    pub talk_share: f64,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            late_probability: 0.15,
            mean_lateness_seconds: 240.0,
            absence_probability: 0.03,
            mean_patience_seconds: 120.0,
            talk_share: 0.8,
        }
    }
}

/// Share of the handle time on hold.
const HOLD_SHARE: f64 = 0.05;

/// [`Behaviour`] with every figure within its domain.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Conduct {
    pub late_probability: f64,
    pub mean_lateness_seconds: f64,
    pub absence_probability: f64,
    /// `None`: callers never abandon.
    pub mean_patience_seconds: Option<f64>,
    pub talk_share: f64,
    pub hold_share: f64,
}

impl Conduct {
    /// `b` brought into its domain, as [`Behaviour`] describes.
    pub fn new(b: &Behaviour) -> Self {
        let unit = |x: f64| if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) };
        let mean = |x: f64| if x.is_nan() { 0.0 } else { x.max(0.0) };
        let talk_share = unit(b.talk_share);
        let mean_lateness = mean(b.mean_lateness_seconds);
        Conduct {
            late_probability: unit(b.late_probability),
            mean_lateness_seconds: if mean_lateness.is_finite() {
                mean_lateness
            } else {
                0.0
            },
            absence_probability: unit(b.absence_probability),
            mean_patience_seconds: (b.mean_patience_seconds.is_finite())
                .then(|| b.mean_patience_seconds.max(0.0)),
            talk_share,
            hold_share: HOLD_SHARE.min(1.0 - talk_share),
        }
    }
}

/// Everything a simulation needs; the same scenario gives the same feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The groups; forecast intervals, skills and segments naming other ids are ignored.
    pub groups: Vec<SimGroup>,
    /// The operators; segments of other operators are ignored.
    pub agents: Vec<SimAgent>,
    /// Calls and AHT per group and interval: the arrival rate of an interval is its
    /// calls over its length.
    pub forecast: Vec<ForecastInterval>,
    /// The operators' segments. A gap between segments is time off (logged out); a
    /// segment starting inside another cuts it short; a meeting is `not_ready`.
    pub timetable: Vec<Segment>,
    /// How operators and callers behave.
    pub behaviour: Behaviour,
    /// Seed of every random draw.
    pub seed: u64,
    /// When the simulation starts (truncated to the millisecond); nothing happens
    /// before it.
    pub start: DateTime<Utc>,
}
