//! Trend arrows (up, down, flat against the value 15 minutes earlier) and sparklines
//! of indicators.

use serde::{Deserialize, Serialize};

/// Direction of an indicator against its value one step (15 minutes) earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    /// Risen by more than the dead band.
    Up,
    /// Fallen by more than the dead band.
    Down,
    /// Within the dead band.
    Flat,
}

/// Dead band as a share of the current value's magnitude.
const DEAD_BAND: f64 = 0.01;

/// Trend of `now` against `earlier`: flat when they differ by at most 1 % of |now|
/// (so two zeros are flat), `None` when either is missing or not finite.
pub fn trend(now: Option<f64>, earlier: Option<f64>) -> Option<Trend> {
    let now = now.filter(|v| v.is_finite())?;
    let earlier = earlier.filter(|v| v.is_finite())?;
    let change = now - earlier;
    if change.abs() <= DEAD_BAND * now.abs() {
        Some(Trend::Flat)
    } else if change > 0.0 {
        Some(Trend::Up)
    } else {
        Some(Trend::Down)
    }
}

/// The last `n` values, oldest first, for a sparkline. A shorter history is padded at
/// the front with `None`, so a chart always has `n` points; values that are not
/// finite become `None`.
pub fn sparkline(values: &[Option<f64>], n: usize) -> Vec<Option<f64>> {
    let available = values.len().min(n);
    let mut points = vec![None; n - available];
    points.extend(
        values[values.len() - available..]
            .iter()
            .map(|v| v.filter(|v| v.is_finite())),
    );
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dead_band_edge() {
        // 1 % of 100 is exactly 1.
        assert_eq!(trend(Some(100.0), Some(99.0)), Some(Trend::Flat));
        assert_eq!(trend(Some(100.0), Some(101.0)), Some(Trend::Flat));
        assert_eq!(trend(Some(100.0), Some(98.99)), Some(Trend::Up));
        assert_eq!(trend(Some(100.0), Some(101.01)), Some(Trend::Down));
    }

    #[test]
    fn dead_band_is_relative_to_the_current_value() {
        // 1 % of 50 is 0.5; of -50 too.
        assert_eq!(trend(Some(50.0), Some(50.5)), Some(Trend::Flat));
        assert_eq!(trend(Some(50.0), Some(50.75)), Some(Trend::Down));
        assert_eq!(trend(Some(-50.0), Some(-49.5)), Some(Trend::Flat));
        assert_eq!(trend(Some(-50.0), Some(-49.25)), Some(Trend::Down));
        assert_eq!(trend(Some(-50.0), Some(-51.0)), Some(Trend::Up));
    }

    #[test]
    fn zero_values() {
        assert_eq!(trend(Some(0.0), Some(0.0)), Some(Trend::Flat));
        assert_eq!(trend(Some(0.0), Some(0.001)), Some(Trend::Down));
        assert_eq!(trend(Some(0.001), Some(0.0)), Some(Trend::Up));
    }

    #[test]
    fn missing_values_have_no_trend() {
        assert_eq!(trend(None, Some(1.0)), None);
        assert_eq!(trend(Some(1.0), None), None);
        assert_eq!(trend(None, None), None);
        assert_eq!(trend(Some(f64::NAN), Some(1.0)), None);
        assert_eq!(trend(Some(1.0), Some(f64::INFINITY)), None);
    }

    #[test]
    fn sparkline_keeps_the_last_values() {
        let values: Vec<Option<f64>> = (0..30).map(|v| Some(f64::from(v))).collect();
        let points = sparkline(&values, 24);
        assert_eq!(points.len(), 24);
        assert_eq!(points[0], Some(6.0));
        assert_eq!(points[23], Some(29.0));
    }

    #[test]
    fn sparkline_pads_a_short_history() {
        let values = [Some(1.0), None, Some(f64::NAN), Some(3.0)];
        assert_eq!(
            sparkline(&values, 6),
            vec![None, None, Some(1.0), None, None, Some(3.0)]
        );
        assert_eq!(sparkline(&values, 0), Vec::<Option<f64>>::new());
        assert_eq!(sparkline(&[], 2), vec![None, None]);
    }
}
