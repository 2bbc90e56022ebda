//! The naive baseline a prediction must beat before it alarms anyone: the current figure
//! persists to the target. Pure, from the group's figures at the instant the prediction
//! is made.
//!
//! - **SL breach**: the window SL now is the SL at the target.
//! - **Staffing shortfall** and **coverage gap**: the gap now (required - online) is the
//!   gap at the target.
//! - **Peak load**: the load now is the load at the target, a rise of 0 %; no baseline
//!   while the window has no calls (there is no load to persist, as [`actual_peak_load`]
//!   has no rate to compare with).
//!
//! Each is what [`actual`] reads at the target, read now instead: a model that does no
//! better than this has foreseen nothing a glance at the wallboard would not show.
//!
//! [`actual`]: super::actual
//! [`actual_peak_load`]: super::actual_peak_load

use crate::live::Figures;

use super::super::rule::PredictionKind;
use super::actual;

/// What the current figure, persisting, says the target will be: in the unit of
/// [`Forecasted::value`](super::Forecasted::value) for `kind`; None when the figure is
/// undefined now (no calls in the window, no requirement).
pub fn baseline(kind: PredictionKind, now: &Figures) -> Option<f64> {
    match kind {
        PredictionKind::PeakLoad => (now.counts.window_offered > 0).then_some(0.0),
        PredictionKind::SlBreach
        | PredictionKind::StaffingShortfall
        | PredictionKind::CoverageGap => actual(kind, now),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::live::{Counts, Scope};
    use PredictionKind::{CoverageGap, PeakLoad, SlBreach, StaffingShortfall};

    /// A group's figures with only what the baseline reads set.
    fn figures(
        sl: Option<f64>,
        required: Option<f64>,
        online: u32,
        window_offered: u64,
    ) -> Figures {
        Figures {
            scope: Scope::Group(1),
            indicators: Vec::new(),
            online,
            planned: online,
            required,
            queue_now: 0,
            longest_wait_seconds: 0.0,
            agents_by_state: BTreeMap::new(),
            offered_today: 0,
            answered_today: 0,
            answered_within_target_today: 0,
            abandoned_today: 0,
            short_abandoned_today: 0,
            sl_window_percent: sl,
            sl_predicted_percent: None,
            asa_seconds: None,
            abandonment_percent: None,
            abandonment_excluding_short_percent: None,
            occupancy_percent: None,
            counts: Counts {
                window_offered,
                ..Counts::default()
            },
        }
    }

    #[test]
    fn the_current_figure_persists_to_the_target() {
        // SL 64 % in the window now; 12 required, 9 on line: 3 short.
        let now = figures(Some(64.0), Some(12.0), 9, 30);
        assert_eq!(baseline(SlBreach, &now), Some(64.0));
        assert_eq!(baseline(StaffingShortfall, &now), Some(3.0));
        assert_eq!(baseline(CoverageGap, &now), Some(3.0));
        // 30 calls in the window persist: no rise.
        assert_eq!(baseline(PeakLoad, &now), Some(0.0));
        // A surplus persists as one: 8 required, 13 on line.
        let surplus = figures(Some(100.0), Some(8.0), 13, 5);
        assert_eq!(baseline(StaffingShortfall, &surplus), Some(-5.0));
    }

    #[test]
    fn no_figure_now_no_baseline() {
        // A quiet window: no SL, no requirement, no load to persist.
        let quiet = figures(None, None, 4, 0);
        for kind in PredictionKind::ALL {
            assert_eq!(baseline(kind, &quiet), None, "{kind:?}");
        }
    }
}
