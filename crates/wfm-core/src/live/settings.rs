//! What the live engine is told about a site before any event: each group's targets,
//! thresholds and grace period, and the operators with their primary group.

use serde::{Deserialize, Serialize};

use crate::event::{AgentId, GroupId};
use crate::threshold::Thresholds;

/// Grace period when no group says otherwise, in seconds (DESIGN.md: 2 minutes).
pub const DEFAULT_GRACE_SECONDS: u32 = 120;

/// How one group is measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupSettings {
    /// The group.
    pub id: GroupId,
    /// The service the group belongs to; a service's figures aggregate its groups.
    pub service_id: i64,
    /// Voice group: its operator requirement comes from Erlang C on the actual load;
    /// otherwise from the forecast's operators.
    pub voice: bool,
    /// Answer time T of the service-level target, in seconds.
    pub sl_seconds: u32,
    /// Service-level target, in percent.
    pub sl_percent: f64,
    /// Highest acceptable occupancy for the operator requirement, in (0, 1].
    pub max_occupancy: f64,
    /// Abandons after a wait shorter than this are left out of the service level;
    /// 0 keeps every abandon.
    pub short_abandon_seconds: u32,
    /// How long an operator may be off the timetable before it counts, in seconds.
    pub grace_seconds: u32,
    /// Colors of the group's indicators.
    pub thresholds: Thresholds,
}

impl GroupSettings {
    /// A group with DESIGN.md's defaults: voice, 80/20 target, no occupancy cap, every
    /// abandon counted, 2 minutes' grace, default thresholds.
    pub fn new(id: GroupId, service_id: i64) -> Self {
        GroupSettings {
            id,
            service_id,
            voice: true,
            sl_seconds: 20,
            sl_percent: 80.0,
            max_occupancy: 1.0,
            short_abandon_seconds: 0,
            grace_seconds: DEFAULT_GRACE_SECONDS,
            thresholds: Thresholds::default(),
        }
    }

    /// The settings with numbers the engine can always compute with: a target within
    /// 0..=100 (80 when not a number) and an occupancy cap within (0, 1] (1 otherwise).
    pub(super) fn sanitized(mut self) -> Self {
        self.sl_percent = if self.sl_percent.is_finite() {
            self.sl_percent.clamp(0.0, 100.0)
        } else {
            80.0
        };
        if !(self.max_occupancy.is_finite() && self.max_occupancy > 0.0) {
            self.max_occupancy = 1.0;
        }
        self.max_occupancy = self.max_occupancy.min(1.0);
        self
    }

    pub(super) fn sl_ms(&self) -> i64 {
        i64::from(self.sl_seconds) * 1000
    }

    pub(super) fn short_abandon_ms(&self) -> i64 {
        i64::from(self.short_abandon_seconds) * 1000
    }
}

/// An operator the engine knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentInfo {
    /// The operator.
    pub id: AgentId,
    /// The group the operator counts for when neither the status nor the timetable
    /// names one.
    pub primary_group_id: Option<GroupId>,
}
