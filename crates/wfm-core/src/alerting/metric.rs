//! The figure a threshold rule watches, read from the live engine's figures of a group or
//! of the site, or from an integration component's health.

use super::rule::Metric;
use crate::health::ComponentSignal;
use crate::live::Figures;
use crate::threshold::Indicator;

/// The value of `metric` in `figures`: the indicator's value for the six indicators, the
/// window's service level, queue, longest wait and abandonment figures, and for the data
/// age the freshness every indicator shares. `None` when undefined or not finite.
pub fn value(figures: &Figures, metric: Metric) -> Option<f64> {
    let indicator = |which: Indicator| {
        figures
            .indicators
            .iter()
            .find(|value| value.indicator == which)
            .and_then(|value| value.value)
    };
    let value = match metric {
        Metric::OperatorsOnline => indicator(Indicator::OperatorsOnline),
        Metric::ServiceLevel => figures.sl_window_percent,
        Metric::ServiceLevelToday => indicator(Indicator::ServiceLevel),
        Metric::LoadDeviation => indicator(Indicator::LoadDeviation),
        Metric::OperatorRequirement => indicator(Indicator::OperatorRequirement),
        Metric::Acd => indicator(Indicator::Acd),
        Metric::AhtTrend => indicator(Indicator::AhtTrend),
        Metric::QueueLength => Some(f64::from(figures.queue_now)),
        Metric::LongestWait => Some(figures.longest_wait_seconds),
        Metric::Abandonment => figures.abandonment_percent,
        Metric::DataAge => figures
            .indicators
            .iter()
            .find_map(|value| value.freshness_seconds),
        Metric::ComponentStatus | Metric::SyncHalted => None,
    };
    value.filter(|v| v.is_finite())
}

/// The value of a component `metric` for one integration component: its status level, or
/// 1/0 for a halted automatic sync. `None` for the figures of groups and sites.
pub fn component_value(signal: &ComponentSignal, metric: Metric) -> Option<f64> {
    match metric {
        Metric::ComponentStatus => Some(signal.status.level()),
        Metric::SyncHalted => Some(if signal.sync_halted { 1.0 } else { 0.0 }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::live::{IndicatorValue, Scope};
    use crate::threshold::Color;

    fn figures(freshness: Option<f64>) -> Figures {
        let indicators = Indicator::ALL
            .into_iter()
            .zip([
                Some(65.0),
                Some(12.5),
                Some(3.0),
                Some(81.0),
                None,
                Some(-4.0),
            ])
            .map(|(indicator, value)| IndicatorValue {
                indicator,
                value,
                unit: "percent",
                plan: None,
                deviation: None,
                color: Color::Grey,
                sample_calls: None,
                too_few_calls: false,
                trend: None,
                sparkline: Vec::new(),
                updated_at: Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).unwrap(),
                freshness_seconds: freshness,
            })
            .collect();
        Figures {
            scope: Scope::Group(3),
            indicators,
            online: 13,
            planned: 20,
            required: Some(16.0),
            queue_now: 7,
            longest_wait_seconds: 42.5,
            agents_by_state: BTreeMap::new(),
            offered_today: 0,
            answered_today: 0,
            answered_within_target_today: 0,
            abandoned_today: 0,
            short_abandoned_today: 0,
            sl_window_percent: Some(68.0),
            sl_predicted_percent: Some(90.0),
            asa_seconds: None,
            abandonment_percent: Some(6.25),
            abandonment_excluding_short_percent: Some(5.0),
            occupancy_percent: None,
            counts: Default::default(),
        }
    }

    #[test]
    fn every_metric_reads_its_figure() {
        let f = figures(Some(12.0));
        let got: Vec<Option<f64>> = Metric::ALL.into_iter().map(|m| value(&f, m)).collect();
        assert_eq!(
            got,
            vec![
                Some(65.0),
                Some(68.0),
                Some(81.0),
                Some(12.5),
                Some(3.0),
                None,
                Some(-4.0),
                Some(7.0),
                Some(42.5),
                Some(6.25),
                Some(12.0),
                None,
                None,
            ]
        );
    }

    #[test]
    fn component_metrics_read_the_status_level_and_the_halt() {
        use crate::health::{Component, Status};
        let signal = ComponentSignal {
            component: Component::ZupPersonnel,
            status: Status::Down,
            sync_halted: true,
        };
        assert_eq!(component_value(&signal, Metric::ComponentStatus), Some(2.0));
        assert_eq!(component_value(&signal, Metric::SyncHalted), Some(1.0));
        assert_eq!(component_value(&signal, Metric::QueueLength), None);
        let fine = ComponentSignal {
            status: Status::Degraded,
            sync_halted: false,
            ..signal
        };
        assert_eq!(
            [Metric::ComponentStatus, Metric::SyncHalted].map(|m| component_value(&fine, m)),
            [Some(1.0), Some(0.0)]
        );
    }

    #[test]
    fn undefined_and_non_finite_figures_are_none() {
        let mut f = figures(None);
        assert_eq!(value(&f, Metric::DataAge), None);
        f.longest_wait_seconds = f64::NAN;
        assert_eq!(value(&f, Metric::LongestWait), None);
        f.indicators.clear();
        assert_eq!(value(&f, Metric::OperatorsOnline), None);
    }
}
