//! The six operational-control indicators of a reading, as DESIGN.md defines them:
//! value, plan, deviation and color. The same rules serve a group and an aggregate.

use crate::sample::{self, CallCounts};
use crate::threshold::{Color, Indicator, Thresholds};

use super::figures::{finite, percent};
use super::reading::Reading;

/// One indicator of a reading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Evaluation {
    pub(super) value: Option<f64>,
    pub(super) plan: Option<f64>,
    pub(super) deviation: Option<f64>,
    pub(super) color: Color,
    /// The calls the value rests on; `None` for people counts.
    pub(super) sample: Option<f64>,
}

/// Unit of an indicator's value.
pub(super) fn unit(indicator: Indicator) -> &'static str {
    match indicator {
        Indicator::OperatorRequirement => "people",
        _ => "percent",
    }
}

/// `indicator` of `reading`, colored by `thresholds`.
pub(super) fn evaluate(
    indicator: Indicator,
    reading: &Reading,
    thresholds: &Thresholds,
) -> Evaluation {
    let threshold = thresholds.get(indicator);
    // (value, plan, deviation, what the threshold compares the value with)
    let (value, plan, deviation, against) = match indicator {
        Indicator::OperatorsOnline => {
            let value = percent(f64::from(reading.online), f64::from(reading.planned));
            let plan = value.map(|_| 100.0);
            (value, plan, value.map(|v| v - 100.0), None)
        }
        Indicator::LoadDeviation => {
            let forecast = reading.window_forecast;
            let value = forecast
                .filter(|f| *f > 0.0)
                .map(|f| (reading.window_offered as f64 - f) / f * 100.0);
            (value, forecast, value, Some(0.0))
        }
        Indicator::OperatorRequirement => {
            let value = reading.required.map(|r| r - f64::from(reading.online));
            (value, reading.required, value, Some(0.0))
        }
        Indicator::ServiceLevel => {
            let known = &reading.known;
            let value = percent(known.sl_within as f64, known.sl_offered as f64)
                .map(|v| v.clamp(0.0, 100.0));
            let plan = reading.target.percent();
            (value, plan, difference(value, plan), plan)
        }
        Indicator::Acd => {
            let known = &reading.known;
            let value = percent(known.answered as f64, known.acd_offered as f64)
                .map(|v| v.clamp(0.0, 100.0));
            let plan = reading
                .forecast_today
                .and_then(|f| percent(f.answered, f.calls));
            (value, plan, difference(value, plan), plan)
        }
        Indicator::AhtTrend => {
            let forecast = reading
                .forecast_today
                .filter(|f| f.answered > 0.0)
                .map(|f| f.handle_seconds / f.answered);
            let value = match (reading.known.aht_seconds(), forecast) {
                (Some(actual), Some(forecast)) if forecast > 0.0 => {
                    Some((actual - forecast) / forecast * 100.0)
                }
                _ => None,
            };
            (value, forecast, value, Some(0.0))
        }
    };
    let value = finite(value);
    let sample = sample::calls(indicator, &call_counts(reading));
    Evaluation {
        value,
        plan: finite(plan),
        deviation: finite(deviation),
        color: sample::verdict(threshold.color(value, finite(against)), sample),
        sample,
    }
}

fn call_counts(reading: &Reading) -> CallCounts {
    let known = &reading.known;
    CallCounts {
        sl_offered: known.sl_offered as f64,
        acd_offered: known.acd_offered as f64,
        handled: known.handled as f64,
        window_offered: reading.window_offered as f64,
        window_forecast: reading.window_forecast,
    }
}

fn difference(value: Option<f64>, plan: Option<f64>) -> Option<f64> {
    Some(value? - plan?)
}
