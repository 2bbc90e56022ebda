//! Predictions at run time: once a minute, each predictive rule's forecast for each group it
//! watches; the first prediction for each target interval is stored, and once the target has
//! passed it is scored against what happened, for the accuracy report.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use wfm_core::alerting::evaluator::{AlertScope, Observation};
use wfm_core::alerting::predict::{Forecasted, actual, predict};
use wfm_core::alerting::rule::{Comparison, PredictionKind, RuleDefinition, Trigger};
use wfm_core::live::{Center, Figures};
use wfm_core::threshold::Indicator;
use wfm_store::Store;
use wfm_store::alerts::Prediction;

/// How often predictions are made.
const EVERY: Duration = Duration::seconds(60);
/// A prediction is scored this long after its target instant (one interval of the usual
/// length, so the window covers the target interval).
const SCORE_AFTER: Duration = Duration::minutes(15);

/// The latest predictions and what is already stored.
#[derive(Default)]
pub(super) struct Predictions {
    made_at: Option<DateTime<Utc>>,
    latest: Vec<(i64, Forecasted, f64)>,
    /// (kind, group, target) already stored: the first prediction of a target is kept.
    stored: BTreeSet<(PredictionKind, i64, DateTime<Utc>)>,
}

impl Predictions {
    pub(super) fn due(&self, now: DateTime<Utc>) -> bool {
        self.made_at.is_none_or(|t| now - t >= EVERY || now < t)
    }

    /// Predicts for every enabled predictive rule and group it watches.
    pub(super) fn refresh(
        &mut self,
        rules: &[(i64, RuleDefinition)],
        centers: &[Center],
        groups: &[(i64, &Figures)],
        now: DateTime<Utc>,
    ) {
        self.made_at = Some(now);
        self.latest.clear();
        for (rule_id, rule) in rules.iter().filter(|(_, r)| r.enabled) {
            let Trigger::Predictive {
                prediction,
                lead_minutes,
                value,
            } = rule.trigger
            else {
                continue;
            };
            for (group_id, figures) in groups {
                if !rule.groups.is_empty() && !rule.groups.contains(group_id) {
                    continue;
                }
                let deviation = figures
                    .indicators
                    .iter()
                    .find(|i| i.indicator == Indicator::LoadDeviation)
                    .and_then(|i| i.value);
                let forecast = centers
                    .iter()
                    .find_map(|c| predict(c, *group_id, prediction, lead_minutes, now, deviation));
                if let Some(f) = forecast {
                    self.latest.push((*rule_id, f, value));
                }
            }
        }
    }

    /// The predictive rules' observations, for the evaluator.
    pub(super) fn observations(&self) -> impl Iterator<Item = Observation> + '_ {
        self.latest.iter().map(|(rule_id, f, _)| Observation {
            rule_id: *rule_id,
            scope: AlertScope::Group(f.group_id),
            value: Some(f.value),
        })
    }

    /// Stores the first prediction of each new target, and scores the stored ones whose
    /// target has passed. Failures are logged: predictions must not stop alerting.
    pub(super) async fn persist(
        &mut self,
        store: &dyn Store,
        groups: &[(i64, &Figures)],
        now: DateTime<Utc>,
    ) {
        let mut fresh = Vec::new();
        for (_, f, threshold) in &self.latest {
            let key = (f.kind, f.group_id, f.target);
            if self.stored.insert(key) {
                fresh.push(Prediction {
                    kind: f.kind.as_str().into(),
                    group_id: f.group_id,
                    made_at: f.made_at,
                    target_at: f.target,
                    predicted: f.value,
                    threshold: *threshold,
                    breach: breaches(f.kind, f.value, *threshold),
                    actual: None,
                    actual_breach: None,
                });
            }
        }
        let due = now - SCORE_AFTER;
        let scored: Vec<Prediction> = match store.predictions(due - EVERY * 2, due).await {
            Ok(rows) => rows
                .into_iter()
                .filter(|p| p.actual.is_none())
                .filter_map(|mut p| {
                    let kind = PredictionKind::parse(&p.kind)?;
                    let figures = groups.iter().find(|(g, _)| *g == p.group_id)?.1;
                    let value = actual(kind, figures)?;
                    p.actual = Some(value);
                    p.actual_breach = Some(breaches(kind, value, p.threshold));
                    Some(p)
                })
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "predictions not read for scoring");
                Vec::new()
            }
        };
        fresh.extend(scored);
        if !fresh.is_empty() {
            if let Err(e) = store.put_predictions(&fresh).await {
                tracing::warn!(error = %e, "predictions not stored");
            }
        }
        // Targets long past cannot come again.
        self.stored
            .retain(|(_, _, target)| *target > now - Duration::hours(6));
    }
}

/// Whether `value` crosses `threshold` the way `kind` breaches.
pub(super) fn breaches(kind: PredictionKind, value: f64, threshold: f64) -> bool {
    match kind.comparison() {
        Comparison::Below => value < threshold,
        Comparison::Above => value > threshold,
    }
}
