//! Small samples: the calls an indicator's value rests on, and the least it needs before
//! its color is a verdict. Below the minimum the value is still reported, but grey and
//! marked "too few calls": one call must not turn a tile red.

use crate::threshold::{Color, Indicator};

/// Calls an indicator built from calls needs before it is colored. Below 10, one call
/// moves service level or ACD by more than 10 points, the default critical band, and one
/// long or short call moves AHT by more than its 20 % band.
pub const MIN_CALLS: f64 = 10.0;

/// The call counts of a scope that the sampled indicators rest on.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CallCounts {
    /// Calls in the service level's denominator today.
    pub sl_offered: f64,
    /// Calls in the ACD's denominator today.
    pub acd_offered: f64,
    /// Calls whose handle time is known today.
    pub handled: f64,
    /// Calls offered in the window.
    pub window_offered: f64,
    /// Calls the forecast expects in the window.
    pub window_forecast: Option<f64>,
}

/// The calls `indicator`'s value rests on; `None` for the indicators counted in people.
/// Load deviation rests on the larger of the calls offered and forecast in the window:
/// 0 calls against 12 expected is a signal, 0 against 3 is not.
pub fn calls(indicator: Indicator, counts: &CallCounts) -> Option<f64> {
    match indicator {
        Indicator::ServiceLevel => Some(counts.sl_offered),
        Indicator::Acd => Some(counts.acd_offered),
        Indicator::AhtTrend => Some(counts.handled),
        Indicator::LoadDeviation => Some(
            counts
                .window_forecast
                .unwrap_or(0.0)
                .max(counts.window_offered),
        ),
        Indicator::OperatorsOnline | Indicator::OperatorRequirement => None,
    }
}

/// Whether a value resting on `calls` is too small a sample to be judged.
pub fn too_few(calls: Option<f64>) -> bool {
    calls.is_some_and(|n| n < MIN_CALLS)
}

/// The color shown: grey below the minimum sample, the threshold's color otherwise.
pub fn verdict(color: Color, calls: Option<f64>) -> Color {
    if too_few(calls) { Color::Grey } else { color }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_call_is_no_verdict_and_ten_are() {
        let one = CallCounts {
            handled: 1.0,
            ..CallCounts::default()
        };
        let aht = calls(Indicator::AhtTrend, &one);
        assert_eq!(aht, Some(1.0));
        assert_eq!(verdict(Color::Red, aht), Color::Grey);
        let ten = CallCounts {
            sl_offered: 10.0,
            ..CallCounts::default()
        };
        let sl = calls(Indicator::ServiceLevel, &ten);
        assert!(!too_few(sl));
        assert_eq!(verdict(Color::Red, sl), Color::Red);
        // People are not a sample.
        assert_eq!(calls(Indicator::OperatorsOnline, &ten), None);
        assert_eq!(verdict(Color::Red, None), Color::Red);
    }

    #[test]
    fn load_deviation_rests_on_the_larger_of_offered_and_forecast() {
        // 0 offered of 12 forecast: -100 %, and 12 calls of evidence.
        let quiet = CallCounts {
            window_forecast: Some(12.0),
            ..CallCounts::default()
        };
        assert_eq!(calls(Indicator::LoadDeviation, &quiet), Some(12.0));
        // 0 of 3: too few to say. 20 of 3: a surge.
        let small = CallCounts {
            window_forecast: Some(3.0),
            ..CallCounts::default()
        };
        assert!(too_few(calls(Indicator::LoadDeviation, &small)));
        let surge = CallCounts {
            window_offered: 20.0,
            ..small
        };
        assert!(!too_few(calls(Indicator::LoadDeviation, &surge)));
    }
}
