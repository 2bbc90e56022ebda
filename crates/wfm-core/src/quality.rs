//! Data quality, pure: derived values checked against their possible range before anyone
//! sees them (a value that cannot be is shown as undefined, with a flag naming the check,
//! never as the truth), and the verdict on WFM's personnel against 1C ZUP's that tells a
//! sync's usual changes from corruption (too many employees differing, or one personnel
//! number held by two employees), which halts automatic synchronization.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::live::Figures;
use crate::threshold::{Color, Indicator};
use crate::zup::consistency::Discrepancy;
use crate::zup::personnel::Employee;

/// A derived value that failed its check and is shown as undefined instead.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QualityFlag {
    /// The figure: an indicator (`service_level`, ...) or a figure (`asa_seconds`, ...).
    pub field: &'static str,
    /// The check failed: `not_finite`, `negative`, `above_100`, `below_minus_100`,
    /// `aht_not_positive`, `counts_inconsistent`.
    pub check: &'static str,
    /// The value computed; absent when it is not a finite number.
    pub value: Option<f64>,
    pub message: String,
}

/// The possible range of a value.
#[derive(Clone, Copy)]
enum Range {
    /// A share of a whole, 0..=100 (service level, ACD, abandonment, occupancy).
    Percent,
    /// At least 0 (operators online % may pass 100: more on line than planned).
    NonNegative,
    /// A change of a count against plan: the count cannot fall below 0, so >= -100.
    Change,
    /// A change of AHT against plan: AHT is above 0, so > -100.
    AhtChange,
    /// Any finite number (required - online may have either sign).
    Finite,
}

/// Why `v` cannot be, if it cannot.
fn fails(range: Range, v: f64) -> Option<&'static str> {
    if !v.is_finite() {
        return Some("not_finite");
    }
    match range {
        Range::Percent if v < 0.0 => Some("negative"),
        Range::Percent if v > 100.0 => Some("above_100"),
        Range::NonNegative if v < 0.0 => Some("negative"),
        Range::Change if v < -100.0 => Some("below_minus_100"),
        Range::AhtChange if v <= -100.0 => Some("aht_not_positive"),
        _ => None,
    }
}

fn explain(field: &str, check: &str, value: f64) -> String {
    let what = match check {
        "not_finite" => "is not a number".to_string(),
        "negative" => format!("is {value}, below 0"),
        "above_100" => format!("is {value}, above 100 %"),
        "below_minus_100" => format!("is {value}, below -100 % (a negative count)"),
        "aht_not_positive" => format!("is {value}, which means an AHT of 0 or less"),
        "counts_inconsistent" => {
            format!("is {value}, but more calls were answered within target than answered")
        }
        _ => format!("is {value}"),
    };
    format!("{field} {what}: shown as undefined")
}

fn range_of(indicator: Indicator) -> Range {
    match indicator {
        Indicator::OperatorsOnline => Range::NonNegative,
        Indicator::LoadDeviation => Range::Change,
        Indicator::OperatorRequirement => Range::Finite,
        Indicator::ServiceLevel | Indicator::Acd => Range::Percent,
        Indicator::AhtTrend => Range::AhtChange,
    }
}

/// Checks a scope's derived values; each value that cannot be becomes undefined (an
/// indicator turns grey, without deviation or trend), and is flagged. Sparkline points
/// that cannot be become gaps. The service level today is also undefined when more calls
/// were answered within target than answered at all.
pub fn check_figures(f: &mut Figures) -> Vec<QualityFlag> {
    let mut flags = Vec::new();
    let mut flag = |field: &'static str, check: &'static str, value: f64| {
        flags.push(QualityFlag {
            field,
            check,
            value: value.is_finite().then_some(value),
            message: explain(field, check, value),
        });
    };
    let counts_wrong = f.answered_within_target_today > f.answered_today;
    for iv in &mut f.indicators {
        let range = range_of(iv.indicator);
        let field = iv.indicator.as_str();
        let failed = iv.value.and_then(|v| {
            fails(range, v)
                .or((iv.indicator == Indicator::ServiceLevel && counts_wrong)
                    .then_some("counts_inconsistent"))
                .map(|check| (check, v))
        });
        if let Some((check, v)) = failed {
            flag(field, check, v);
            iv.value = None;
            iv.deviation = None;
            iv.trend = None;
            iv.color = Color::Grey;
        }
        for point in &mut iv.sparkline {
            if point.is_some_and(|v| fails(range, v).is_some()) {
                *point = None;
            }
        }
    }
    let optional: [(&'static str, &mut Option<f64>, Range); 7] = [
        (
            "sl_window_percent",
            &mut f.sl_window_percent,
            Range::Percent,
        ),
        (
            "sl_predicted_percent",
            &mut f.sl_predicted_percent,
            Range::Percent,
        ),
        (
            "abandonment_percent",
            &mut f.abandonment_percent,
            Range::Percent,
        ),
        (
            "abandonment_excluding_short_percent",
            &mut f.abandonment_excluding_short_percent,
            Range::Percent,
        ),
        (
            "occupancy_percent",
            &mut f.occupancy_percent,
            Range::Percent,
        ),
        ("asa_seconds", &mut f.asa_seconds, Range::NonNegative),
        ("required", &mut f.required, Range::NonNegative),
    ];
    for (field, value, range) in optional {
        if let Some(v) = *value
            && let Some(check) = fails(range, v)
        {
            flag(field, check, v);
            *value = None;
        }
    }
    flags
}

/// When the personnel of 1C ZUP and WFM differ so much that it is corruption rather than
/// the changes a sync is for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ConsistencyPolicy {
    /// More than this share of the employees compared differing, in %.
    pub max_discrepancy_percent: f64,
    /// Any personnel number (tabN) held by two employees.
    pub halt_on_duplicate_tab_n: bool,
}

impl Default for ConsistencyPolicy {
    fn default() -> Self {
        ConsistencyPolicy {
            max_discrepancy_percent: 5.0,
            halt_on_duplicate_tab_n: true,
        }
    }
}

/// The verdict of one consistency check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsistencyVerdict {
    /// Employees both sides hold (those compared).
    pub employees_compared: usize,
    /// Of them, employees with at least one discrepancy.
    pub employees_differing: usize,
    /// `employees_differing / employees_compared x 100` (0 with none compared).
    pub differing_percent: f64,
    /// Personnel numbers held by more than one employee in 1C ZUP's answer.
    pub duplicate_tab_ns: Vec<String>,
    /// Beyond the policy: automatic synchronization halts.
    pub corrupted: bool,
    /// Why it is corrupted, in words.
    pub reason: Option<String>,
}

/// Personnel numbers that more than one employee (by 1C UID) holds, in order.
pub fn duplicate_tab_ns(employees: &[Employee]) -> Vec<String> {
    let mut holders: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in employees {
        let tab_n = e.tab_n.trim();
        if !tab_n.is_empty() {
            holders.entry(tab_n).or_default().insert(e.id.as_str());
        }
    }
    holders
        .into_iter()
        .filter(|(_, ids)| ids.len() > 1)
        .map(|(tab_n, _)| tab_n.to_string())
        .collect()
}

/// Judges a check: corrupted when strictly more than `max_discrepancy_percent` of the
/// employees compared differ, or (by the policy) when a personnel number is duplicated.
pub fn judge(
    employees_compared: usize,
    discrepancies: &[Discrepancy],
    duplicate_tab_ns: Vec<String>,
    policy: &ConsistencyPolicy,
) -> ConsistencyVerdict {
    let differing: BTreeSet<&str> = discrepancies
        .iter()
        .map(|d| d.employee_id.as_str())
        .collect();
    let percent = if employees_compared == 0 {
        0.0
    } else {
        differing.len() as f64 * 100.0 / employees_compared as f64
    };
    let mut reasons = Vec::new();
    if percent > policy.max_discrepancy_percent {
        reasons.push(format!(
            "{} of {} employees ({percent:.1} %) differ between WFM and 1C ZUP, more than {} %",
            differing.len(),
            employees_compared,
            policy.max_discrepancy_percent
        ));
    }
    // Counted, not listed: the reason is kept and audited, the numbers are personal data.
    if policy.halt_on_duplicate_tab_n && !duplicate_tab_ns.is_empty() {
        reasons.push(format!(
            "{} personnel number{} held by more than one employee in 1C ZUP",
            duplicate_tab_ns.len(),
            if duplicate_tab_ns.len() == 1 {
                " is"
            } else {
                "s are"
            }
        ));
    }
    ConsistencyVerdict {
        employees_compared,
        employees_differing: differing.len(),
        differing_percent: percent,
        duplicate_tab_ns,
        corrupted: !reasons.is_empty(),
        reason: (!reasons.is_empty()).then(|| reasons.join("; ")),
    }
}

#[cfg(test)]
mod tests;
