//! The donor rules: a group gives an operator up now only while what the supervisor sees
//! of it allows it - no call waiting, occupancy under its cap, the window's service level
//! at least its target - whatever a model on the forecast or the window says.

use crate::labor::Violation;
use crate::live::Figures;

/// Occupancy this close under the cap counts as at it: the observed percentage and the
/// cap are computed differently and may differ in the last bits.
const OCCUPANCY_EPSILON: f64 = 1e-9;

/// What the supervisor sees of a group now, on the live snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GroupNow {
    /// Service level of the calls offered in the window, percent; `None` without calls.
    pub sl_window_percent: Option<f64>,
    /// Operators on a contact or in wrap-up of those on line, percent; `None` with
    /// nobody on line.
    pub occupancy_percent: Option<f64>,
    /// Calls waiting.
    pub queue_now: u32,
}

impl GroupNow {
    /// The figures a group's card shows.
    pub fn of(f: &Figures) -> GroupNow {
        GroupNow {
            sl_window_percent: f.sl_window_percent.filter(|v| v.is_finite()),
            occupancy_percent: f.occupancy_percent.filter(|v| v.is_finite()),
            queue_now: f.queue_now,
        }
    }
}

/// The donor rules `now` breaks for a group with SL target `target_percent` (0-100) and
/// occupancy cap `max_occupancy` (0-1; outside (0, 1] no cap), each named: calls waiting
/// (someone would wait longer), occupancy at the cap (those left would take more than
/// they may; unknown occupancy means nobody on line to give), the window under target (a
/// group missing it has nobody to spare). A window without calls misses nothing.
pub fn donor_rules(now: &GroupNow, target_percent: f64, max_occupancy: f64) -> Vec<Violation> {
    let cap = if max_occupancy > 0.0 && max_occupancy <= 1.0 {
        max_occupancy * 100.0
    } else {
        100.0
    };
    let mut broken = Vec::new();
    if now.queue_now > 0 {
        broken.push(Violation {
            rule: "donor_calls_waiting".to_owned(),
            message: format!("{} calls are waiting in the group", now.queue_now),
        });
    }
    match now.occupancy_percent {
        Some(o) if o < cap - OCCUPANCY_EPSILON => {}
        Some(o) => broken.push(Violation {
            rule: "donor_max_occupancy".to_owned(),
            message: format!("occupancy is {o:.1} %, at or above the group's cap of {cap:.1} %"),
        }),
        None => broken.push(Violation {
            rule: "donor_max_occupancy".to_owned(),
            message: "nobody is on line in the group".to_owned(),
        }),
    }
    if let Some(sl) = now.sl_window_percent
        && sl < target_percent
    {
        broken.push(Violation {
            rule: "donor_below_target".to_owned(),
            message: format!(
                "the window's service level is {sl:.1} %, under the target of {target_percent:.1} %"
            ),
        });
    }
    broken
}
