//! Traffic-light colors of the six operational-control indicators: thresholds per
//! indicator (a floor for levels, decline and growth bands for deviations from plan),
//! their defaults and their validation.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Widest band of a deviation (points, percent or people): a larger one never turns a color.
const MAX_BAND: f64 = 100_000.0;

/// Color of an indicator on a dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Color {
    /// Within the acceptable boundary.
    Green,
    /// Past acceptable, within critical.
    Yellow,
    /// Past critical.
    Red,
    /// Undefined: no value, or no plan to compare it with.
    Grey,
}

/// Values this close to a boundary count as on it, so that a deviation computed as
/// 64.4 - 59.4 (= 5.000000000000007) is "at 5", as a person reading it would say.
const BOUNDARY_TOLERANCE: f64 = 1e-9;

/// Boundaries for the magnitude of a deviation on one side of plan.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Largest magnitude still green.
    pub acceptable: f64,
    /// Largest magnitude still yellow; beyond it red.
    pub critical: f64,
}

impl Band {
    /// Color of a deviation of `magnitude` (>= 0) on this side.
    pub fn color(&self, magnitude: f64) -> Color {
        if magnitude <= self.acceptable + BOUNDARY_TOLERANCE {
            Color::Green
        } else if magnitude <= self.critical + BOUNDARY_TOLERANCE {
            Color::Yellow
        } else {
            Color::Red
        }
    }

    fn validate(&self, side: &str) -> Result<(), ThresholdError> {
        let field = |name: &str| format!("{side}.{name}");
        for (name, value) in [("acceptable", self.acceptable), ("critical", self.critical)] {
            if !(0.0..=MAX_BAND).contains(&value) {
                return Err(ThresholdError::new(
                    field(name),
                    "must be a number from 0 to 100000",
                ));
            }
        }
        if self.acceptable > self.critical {
            return Err(ThresholdError::new(
                field("critical"),
                "must be >= the acceptable boundary",
            ));
        }
        Ok(())
    }
}

/// How an indicator's value turns into a color.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Threshold {
    /// For a level in percent (operators online): value >= `acceptable` is green,
    /// >= `critical` yellow, else red. The plan is not used.
    Floor {
        /// Lowest green value, 0..=100.
        acceptable: f64,
        /// Lowest yellow value, 0..=100, at most `acceptable`.
        critical: f64,
    },
    /// For a deviation d = value - plan: d < 0 is judged by `decline` on -d, d > 0 by
    /// `growth` on d; a missing band leaves that side always green; d = 0 is green.
    Deviation {
        /// Band for values below plan.
        decline: Option<Band>,
        /// Band for values above plan.
        growth: Option<Band>,
    },
}

impl Threshold {
    /// Color of `value` against `plan`: grey when the value is missing (or not finite),
    /// or when a deviation has no plan to compare with.
    pub fn color(&self, value: Option<f64>, plan: Option<f64>) -> Color {
        let Some(value) = value.filter(|v| v.is_finite()) else {
            return Color::Grey;
        };
        match self {
            Threshold::Floor {
                acceptable,
                critical,
            } => {
                if value >= acceptable - BOUNDARY_TOLERANCE {
                    Color::Green
                } else if value >= critical - BOUNDARY_TOLERANCE {
                    Color::Yellow
                } else {
                    Color::Red
                }
            }
            Threshold::Deviation { decline, growth } => {
                let Some(plan) = plan.filter(|p| p.is_finite()) else {
                    return Color::Grey;
                };
                let deviation = value - plan;
                let (band, magnitude) = if deviation < 0.0 {
                    (decline, -deviation)
                } else {
                    (growth, deviation)
                };
                band.map_or(Color::Green, |band| band.color(magnitude))
            }
        }
    }

    /// Checks the boundaries: finite and non-negative; a floor within 0..=100 with
    /// acceptable >= critical; a band with acceptable <= critical.
    ///
    /// Field names in errors: `acceptable`, `critical`, `decline.acceptable`,
    /// `decline.critical`, `growth.acceptable`, `growth.critical`.
    pub fn validate(&self) -> Result<(), ThresholdError> {
        match self {
            Threshold::Floor {
                acceptable,
                critical,
            } => {
                for (name, value) in [("acceptable", *acceptable), ("critical", *critical)] {
                    if !(0.0..=100.0).contains(&value) {
                        return Err(ThresholdError::new(name.into(), "must be within 0..=100"));
                    }
                }
                if critical > acceptable {
                    return Err(ThresholdError::new(
                        "critical".into(),
                        "must be <= the acceptable boundary",
                    ));
                }
                Ok(())
            }
            Threshold::Deviation { decline, growth } => {
                if let Some(band) = decline {
                    band.validate("decline")?;
                }
                if let Some(band) = growth {
                    band.validate("growth")?;
                }
                Ok(())
            }
        }
    }
}

/// A threshold boundary out of its domain.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ThresholdError {
    /// Path of the offending field, e.g. `decline.acceptable` or
    /// `service_level.decline.acceptable` from [`Thresholds::validate`].
    pub field: String,
    /// What the field must be.
    pub reason: &'static str,
}

impl ThresholdError {
    fn new(field: String, reason: &'static str) -> Self {
        ThresholdError { field, reason }
    }
}

/// The six operational-control indicators.
///
/// What to pass to [`Threshold::color`] as (value, plan) for each:
/// operators online (%, ignored); load deviation (%, 0); operator requirement
/// (required - online, 0); service level (actual %, target %); ACD (actual %, forecast %);
/// AHT trend (%, 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// Online / planned operators x 100.
    OperatorsOnline,
    /// (Actual - forecast offered calls) / forecast x 100.
    LoadDeviation,
    /// Required - online operators; positive is a shortage.
    OperatorRequirement,
    /// Share of calls answered within the target time, in percent.
    ServiceLevel,
    /// Answered / offered calls, in percent.
    Acd,
    /// (Actual - forecast AHT) / forecast AHT x 100.
    AhtTrend,
}

impl Indicator {
    /// Every indicator, in dashboard order.
    pub const ALL: [Indicator; 6] = [
        Indicator::OperatorsOnline,
        Indicator::LoadDeviation,
        Indicator::OperatorRequirement,
        Indicator::ServiceLevel,
        Indicator::Acd,
        Indicator::AhtTrend,
    ];

    /// The snake_case name used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Indicator::OperatorsOnline => "operators_online",
            Indicator::LoadDeviation => "load_deviation",
            Indicator::OperatorRequirement => "operator_requirement",
            Indicator::ServiceLevel => "service_level",
            Indicator::Acd => "acd",
            Indicator::AhtTrend => "aht_trend",
        }
    }

    /// The default threshold of DESIGN.md.
    pub fn default_threshold(self) -> Threshold {
        let band = |acceptable, critical| {
            Some(Band {
                acceptable,
                critical,
            })
        };
        match self {
            Indicator::OperatorsOnline => Threshold::Floor {
                acceptable: 80.0,
                critical: 70.0,
            },
            Indicator::LoadDeviation | Indicator::AhtTrend => Threshold::Deviation {
                decline: band(10.0, 20.0),
                growth: band(10.0, 20.0),
            },
            // Growth is a shortage of people, decline a surplus.
            Indicator::OperatorRequirement => Threshold::Deviation {
                decline: band(1.0, 3.0),
                growth: band(1.0, 3.0),
            },
            // Only falling short of the target is bad.
            Indicator::ServiceLevel => Threshold::Deviation {
                decline: band(5.0, 10.0),
                growth: None,
            },
            Indicator::Acd => Threshold::Deviation {
                decline: band(5.0, 10.0),
                growth: band(5.0, 10.0),
            },
        }
    }
}

impl fmt::Display for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not an indicator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown indicator {0:?}")]
pub struct UnknownIndicator(pub String);

impl FromStr for Indicator {
    type Err = UnknownIndicator;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Indicator::ALL
            .into_iter()
            .find(|indicator| indicator.as_str() == name)
            .ok_or_else(|| UnknownIndicator(name.to_owned()))
    }
}

/// One threshold per indicator, e.g. the settings of one group. Missing fields
/// deserialize to their defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// Operators online %.
    pub operators_online: Threshold,
    /// Load deviation %.
    pub load_deviation: Threshold,
    /// Operator requirement, people.
    pub operator_requirement: Threshold,
    /// Service level %.
    pub service_level: Threshold,
    /// ACD %.
    pub acd: Threshold,
    /// AHT trend %.
    pub aht_trend: Threshold,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            operators_online: Indicator::OperatorsOnline.default_threshold(),
            load_deviation: Indicator::LoadDeviation.default_threshold(),
            operator_requirement: Indicator::OperatorRequirement.default_threshold(),
            service_level: Indicator::ServiceLevel.default_threshold(),
            acd: Indicator::Acd.default_threshold(),
            aht_trend: Indicator::AhtTrend.default_threshold(),
        }
    }
}

impl Thresholds {
    /// The threshold of `indicator`.
    pub fn get(&self, indicator: Indicator) -> &Threshold {
        match indicator {
            Indicator::OperatorsOnline => &self.operators_online,
            Indicator::LoadDeviation => &self.load_deviation,
            Indicator::OperatorRequirement => &self.operator_requirement,
            Indicator::ServiceLevel => &self.service_level,
            Indicator::Acd => &self.acd,
            Indicator::AhtTrend => &self.aht_trend,
        }
    }

    /// The threshold of `indicator`, to change it.
    pub fn get_mut(&mut self, indicator: Indicator) -> &mut Threshold {
        match indicator {
            Indicator::OperatorsOnline => &mut self.operators_online,
            Indicator::LoadDeviation => &mut self.load_deviation,
            Indicator::OperatorRequirement => &mut self.operator_requirement,
            Indicator::ServiceLevel => &mut self.service_level,
            Indicator::Acd => &mut self.acd,
            Indicator::AhtTrend => &mut self.aht_trend,
        }
    }

    /// Validates every threshold; the error's field is prefixed with the indicator,
    /// e.g. `service_level.decline.acceptable`.
    pub fn validate(&self) -> Result<(), ThresholdError> {
        for indicator in Indicator::ALL {
            self.get(indicator).validate().map_err(|err| {
                ThresholdError::new(format!("{indicator}.{}", err.field), err.reason)
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
