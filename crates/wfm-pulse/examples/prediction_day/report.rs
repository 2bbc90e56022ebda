//! The week's verdict per kind: precision, recall, F1 and the median lead of the model and
//! of the naive baseline, scored by the same `accuracy` code on the same targets, and
//! whether the model beats the baseline.
//!
//! "Beats" means: a higher F1 (2 P R / (P + R); 0 without a hit), a precision not lower
//! than the baseline's (a side that never alarmed has no precision, which binds nothing),
//! and a precision of at least 50 %, so that an alarm is right at least as often as it
//! is wrong. Fixed before the week was run.

use wfm_core::alerting::accuracy::{Accuracy, accuracy};
use wfm_core::alerting::rule::PredictionKind;

use super::score::{RULES, Scored};

/// One side's figures for one kind.
pub struct Side {
    pub accuracy: Accuracy,
    pub f1: f64,
    pub median_lead: Option<f64>,
}

/// Precision floor of "beats".
const PRECISION_FLOOR: f64 = 0.5;

/// The model's and the baseline's figures for `kind` over `scored`; None when nothing of
/// the kind was scored.
pub fn sides(scored: &[Scored], kind: PredictionKind) -> Option<(Side, Side)> {
    let of_kind: Vec<&Scored> = scored.iter().filter(|s| s.kind == kind).collect();
    let side = |foresaw: fn(&Scored) -> bool, lead: fn(&Scored) -> Option<i64>| {
        let pairs: Vec<_> = of_kind
            .iter()
            .map(|s| (kind, foresaw(s), s.actual))
            .collect();
        let accuracy = accuracy(&pairs).pop()?;
        let (p, r) = (
            accuracy.hit_rate.unwrap_or(0.0),
            accuracy.recall.unwrap_or(0.0),
        );
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        let leads: Vec<i64> = of_kind.iter().filter_map(|s| lead(s)).collect();
        Some(Side {
            accuracy,
            f1,
            median_lead: median(leads),
        })
    };
    Some((
        side(|s| s.model, |s| s.model_lead)?,
        side(|s| s.baseline, |s| s.baseline_lead)?,
    ))
}

/// Whether `model` beats `baseline`, as the module says.
pub fn beats(model: &Side, baseline: &Side) -> bool {
    let precision = model.accuracy.hit_rate.unwrap_or(0.0);
    model.f1 > baseline.f1
        && baseline.accuracy.hit_rate.is_none_or(|b| precision >= b)
        && precision >= PRECISION_FLOOR
}

/// The table, model and baseline side by side, and the verdict per kind.
pub fn print(scored: &[Scored]) {
    println!(
        "  kind                rule          targets breaches | model: alarms  prec recall    F1  lead | baseline: alarms  prec recall    F1  lead | verdict"
    );
    for (kind, lead, threshold) in RULES {
        let side = if kind.comparison() == wfm_core::alerting::rule::Comparison::Below {
            "<"
        } else {
            ">"
        };
        let unit = if kind.unit() == "percent" { "%" } else { "p" };
        let rule = format!("{lead:>3}m {side} {threshold}{unit}");
        let Some((model, naive)) = sides(scored, kind) else {
            println!("  {:<19} {rule:<13} nothing scored", kind.as_str());
            continue;
        };
        let verdict = if beats(&model, &naive) {
            "beats"
        } else {
            "does not beat"
        };
        println!(
            "  {:<19} {rule:<13} {:>7} {:>8} | {} | {} | {verdict}",
            kind.as_str(),
            model.accuracy.scored,
            model.accuracy.actual_breaches,
            columns(&model, 13),
            columns(&naive, 16),
        );
    }
}

fn columns(side: &Side, alarms_width: usize) -> String {
    let a = &side.accuracy;
    format!(
        "{:>w$} {:>5} {:>6} {:>5.2} {:>5}",
        a.predicted_breaches,
        percent(a.hit_rate),
        percent(a.recall),
        side.f1,
        side.median_lead.map_or("-".into(), |m| format!("{m:.0}m")),
        w = alarms_width
    )
}

fn percent(r: Option<f64>) -> String {
    r.map_or("-".into(), |r| format!("{:.0}%", r * 100.0))
}

/// The middle value (the mean of the two middle ones for an even count).
fn median(mut values: Vec<i64>) -> Option<f64> {
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2] as f64),
        _ => Some((values[n / 2 - 1] + values[n / 2]) as f64 / 2.0),
    }
}
