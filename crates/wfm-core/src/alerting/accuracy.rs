//! How well predictions foresaw trouble: of the predictions scored against what happened,
//! per kind, the hits, false alarms and misses and their rates.

use serde::Serialize;

use super::rule::PredictionKind;

/// The scored predictions of one kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Accuracy {
    pub kind: PredictionKind,
    /// Predictions scored.
    pub scored: u64,
    /// Of those, the ones that foresaw a breach.
    pub predicted_breaches: u64,
    /// Of those scored, the ones whose target instant did breach.
    pub actual_breaches: u64,
    /// Breaches foreseen that happened.
    pub hits: u64,
    /// Breaches foreseen that did not happen.
    pub false_alarms: u64,
    /// Breaches that happened unforeseen.
    pub misses: u64,
    /// hits / predicted breaches
    pub hit_rate: Option<f64>,
    /// false alarms / predicted breaches
    pub false_alarm_rate: Option<f64>,
    /// hits / actual breaches
    pub recall: Option<f64>,
}

/// Per kind (every kind present in the input, in PredictionKind order), from (kind,
/// predicted breach, actual breach) of scored predictions. A rate is `None` when its
/// denominator is 0.
pub fn accuracy(scored: &[(PredictionKind, bool, bool)]) -> Vec<Accuracy> {
    PredictionKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let of_kind: Vec<(bool, bool)> = scored
                .iter()
                .filter(|(k, _, _)| *k == kind)
                .map(|&(_, predicted, actual)| (predicted, actual))
                .collect();
            if of_kind.is_empty() {
                return None;
            }
            let count = |test: fn(&(bool, bool)) -> bool| {
                of_kind.iter().filter(|pair| test(pair)).count() as u64
            };
            let predicted_breaches = count(|(predicted, _)| *predicted);
            let actual_breaches = count(|(_, actual)| *actual);
            let hits = count(|(predicted, actual)| *predicted && *actual);
            let false_alarms = count(|(predicted, actual)| *predicted && !*actual);
            let misses = count(|(predicted, actual)| !*predicted && *actual);
            let rate = |part: u64, whole: u64| (whole > 0).then(|| part as f64 / whole as f64);
            Some(Accuracy {
                kind,
                scored: of_kind.len() as u64,
                predicted_breaches,
                actual_breaches,
                hits,
                false_alarms,
                misses,
                hit_rate: rate(hits, predicted_breaches),
                false_alarm_rate: rate(false_alarms, predicted_breaches),
                recall: rate(hits, actual_breaches),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use PredictionKind::{CoverageGap, PeakLoad, SlBreach, StaffingShortfall};

    #[test]
    fn counts_and_rates_per_kind_in_kind_order() {
        let scored = [
            (PeakLoad, true, false),
            (SlBreach, true, true),
            (SlBreach, true, true),
            (SlBreach, true, true),
            (SlBreach, true, false),
            (SlBreach, false, true),
            (SlBreach, false, false),
            (CoverageGap, false, false),
            (PeakLoad, true, true),
        ];
        let got = accuracy(&scored);
        assert_eq!(
            got,
            vec![
                Accuracy {
                    kind: SlBreach,
                    scored: 6,
                    predicted_breaches: 4,
                    actual_breaches: 4,
                    hits: 3,
                    false_alarms: 1,
                    misses: 1,
                    hit_rate: Some(0.75),
                    false_alarm_rate: Some(0.25),
                    recall: Some(0.75),
                },
                Accuracy {
                    kind: CoverageGap,
                    scored: 1,
                    predicted_breaches: 0,
                    actual_breaches: 0,
                    hits: 0,
                    false_alarms: 0,
                    misses: 0,
                    hit_rate: None,
                    false_alarm_rate: None,
                    recall: None,
                },
                Accuracy {
                    kind: PeakLoad,
                    scored: 2,
                    predicted_breaches: 2,
                    actual_breaches: 1,
                    hits: 1,
                    false_alarms: 1,
                    misses: 0,
                    hit_rate: Some(0.5),
                    false_alarm_rate: Some(0.5),
                    recall: Some(1.0),
                },
            ]
        );
        assert!(got.iter().all(|a| a.kind != StaffingShortfall));
    }

    #[test]
    fn nothing_scored_gives_nothing() {
        assert_eq!(accuracy(&[]), Vec::new());
    }
}
