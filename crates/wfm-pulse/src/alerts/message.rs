//! What an alert says: the description of the breached threshold, current against target
//! values, impact, suggested actions and the escalation timeline; and the notifications of
//! its firing and of each escalation (problem summary, impact, actions taken so far,
//! recommended next steps).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use wfm_core::alerting::evaluator::{AlertScope, timeline};
use wfm_core::alerting::rule::{Comparison, Metric, RuleDefinition, Trigger};
use wfm_core::health::Status;
use wfm_core::live::Figures;
use wfm_store::alerts::{Alert, AlertEvent};

use crate::notify::Message;

fn what(rule: &RuleDefinition) -> (String, &'static str) {
    match &rule.trigger {
        Trigger::Threshold { metric, .. } => (
            serde_json::to_value(metric)
                .ok()
                .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
                .unwrap_or_default(),
            metric.unit(),
        ),
        Trigger::Predictive {
            prediction,
            lead_minutes,
            ..
        } => (
            format!(
                "predicted {} in {lead_minutes} min",
                prediction.as_str().replace('_', " ")
            ),
            match prediction {
                wfm_core::alerting::rule::PredictionKind::SlBreach
                | wfm_core::alerting::rule::PredictionKind::PeakLoad => "percent",
                _ => "people",
            },
        ),
    }
}

fn amount(v: f64, unit: &str) -> String {
    match unit {
        "percent" => format!("{v:.1}%"),
        "seconds" => format!("{v:.0} s"),
        _ => format!("{v:.1}"),
    }
}

/// "Service level 62.5% is below 70.0% (Line 1)"; for integration components "1C ZUP
/// personnel sync is down" and "Automatic synchronization halted (1C ZUP personnel sync)".
pub fn description(rule: &RuleDefinition, scope_name: &str, value: f64) -> String {
    if let Trigger::Threshold { metric, .. } = &rule.trigger {
        match metric {
            Metric::ComponentStatus => {
                let status = Status::of_level(value).map_or("not healthy", Status::as_str);
                return format!("{scope_name} is {status}");
            }
            Metric::SyncHalted => {
                return format!("Automatic synchronization halted ({scope_name})");
            }
            _ => {}
        }
    }
    let (name, unit) = what(rule);
    let (cmp, threshold) = rule.trigger.breach();
    let side = match cmp {
        Comparison::Below => "below",
        Comparison::Above => "above",
    };
    let held = if rule.for_seconds > 0 {
        format!(" for {} min", rule.for_seconds.div_ceil(60))
    } else {
        String::new()
    };
    let mut first = name.chars();
    let name = first
        .next()
        .map(|c| c.to_uppercase().chain(first).collect::<String>())
        .unwrap_or_default();
    format!(
        "{name} {} is {side} {}{held} ({scope_name})",
        amount(value, unit),
        amount(threshold, unit)
    )
}

/// The details an alert carries from its firing on.
pub fn details(
    rule: &RuleDefinition,
    scope: AlertScope,
    scope_name: &str,
    value: f64,
    figures: Option<&Figures>,
    fired_at: DateTime<Utc>,
) -> Value {
    let (_, unit) = what(rule);
    let (cmp, threshold) = rule.trigger.breach();
    json!({
        "rule": rule.name,
        "scope": scope.key(),
        "scope_name": scope_name,
        "unit": unit,
        "comparison": cmp,
        "current": value,
        "target": threshold,
        "impact": figures.map(impact),
        "suggested_actions": rule.suggested_actions,
        "escalation_timeline": timeline(rule, fired_at)
            .into_iter()
            .zip(&rule.escalation)
            .map(|((level, at), l)| json!({"level": level, "at": at, "recipients": l.recipients, "channels": l.channels}))
            .collect::<Vec<_>>(),
    })
}

/// The business impact of a group's or site's figures now.
pub fn impact(f: &Figures) -> Value {
    json!({
        "calls_waiting": f.queue_now,
        "longest_wait_seconds": f.longest_wait_seconds,
        "operators_online": f.online,
        "operators_planned": f.planned,
        "operators_required": f.required,
        "service_level_window_percent": f.sl_window_percent,
        "abandonment_percent": f.abandonment_percent,
    })
}

/// The notification of an alert at `level` (1 when it fires).
pub fn notification(alert: &Alert, level: u32, events: &[AlertEvent]) -> Message {
    let rule = alert.details["rule"].as_str().unwrap_or("alert");
    let scope = alert.details["scope_name"].as_str().unwrap_or(&alert.scope);
    let subject = if level <= 1 {
        format!("[{}] {rule}: {scope}", alert.severity.to_uppercase())
    } else {
        format!(
            "[{}] Escalation level {level}: {rule}: {scope}",
            alert.severity.to_uppercase()
        )
    };
    let list = |v: &Value| -> String {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str())
                    .map(|s| format!("  - {s}\n"))
                    .collect()
            })
            .unwrap_or_default()
    };
    let taken: String = events
        .iter()
        .map(|e| {
            format!(
                "  - {} {} by {}\n",
                e.at.format("%H:%M:%S UTC"),
                e.event,
                e.actor
            )
        })
        .collect();
    let next: String = alert.details["escalation_timeline"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["level"].as_u64().is_some_and(|n| n > u64::from(level)))
        .take(1)
        .map(|l| {
            format!(
                "  - unless acknowledged, escalates to level {} at {}\n",
                l["level"],
                l["at"].as_str().unwrap_or("")
            )
        })
        .collect();
    let text = format!(
        "Problem: {}\nFired: {}\n\nImpact:\n{}\n\nActions taken so far:\n{}\nRecommended actions:\n{}{}",
        alert.description,
        alert.fired_at.to_rfc3339(),
        alert.details["impact"],
        if taken.is_empty() {
            "  - none yet\n".to_string()
        } else {
            taken
        },
        list(&alert.details["suggested_actions"]),
        next,
    );
    Message {
        alert_id: Some(alert.id),
        severity: alert.severity.clone(),
        subject,
        text,
        payload: json!({"event": if level <= 1 { "alert.fired" } else { "alert.escalated" }, "level": level, "alert": alert}),
    }
}
