//! The alert rules installed on first start: the four threshold alerts of the monitoring
//! scenarios, the two of integration health, and the predictions that beat their naive
//! baseline, each with the four-level escalation ladder.

use super::{
    Channel, Comparison, EscalationLevel, Metric, PredictionKind, RuleDefinition, Severity, Trigger,
};

/// The prediction kinds installed by default: those that beat the naive baseline (the
/// current figure persists) over the simulated week, `cargo run --release --example
/// prediction_day -p wfm-pulse -- 1` (seeds 1-7: two surge days, two quiet days, three
/// ordinary ones). "Beats": a higher F1, a precision not lower than the baseline's and at
/// least 50 %. Model vs baseline, precision / recall over the same targets:
///
/// - `peak_load` 120 min ahead, rise > 20 %: 85 % / 83 % against 0 alarms (the load
///   persisting never rises): on, 24 min median lead to the rise.
/// - `sl_breach` 15 min ahead, SL < 70 %: 15 % / 85 % against 27 % / 58 %: off; 6 of
///   every 7 alarms would be false, worse than reading the window SL now.
/// - `staffing_shortfall` 60 min ahead, > 1 short: 34 % / 50 % against 22 % / 35 %:
///   off; a higher F1 and precision than the baseline's, but under the 50 % floor (2
///   alarms in 3 false).
/// - `coverage_gap` 30 min ahead, > 1 short: 35 % / 51 % against 31 % / 41 %: off, for
///   the same reason.
///
/// Rules can still be written for the kinds left off; the accuracy report scores them.
pub const PREDICTIONS_ON_BY_DEFAULT: [PredictionKind; 1] = [PredictionKind::PeakLoad];

/// The rules installed on first start, as the scenarios list them, each with a four-level
/// ladder (level 1 at 0 min team:supervisors, 2 at 15 team:department_managers, 3 at 30
/// team:operations_director, 4 at 60 team:crisis_team; channels in_app + email, level 1 of
/// "Critical understaffing" in_app+email+sms), suggested actions and a description:
///  "Critical understaffing": OperatorsOnline Below 70, for 0 s, critical, email and SMS
///  to management (level 1 includes team:department_managers too);
///  "Service level breach": ServiceLevel Below 70 for 300 s, critical, immediate
///  escalation (levels 1 AND 2 both at 0 minutes);
///  "System overload": QueueLength Above 20, emergency, suggested action "Start the
///  emergency staffing protocol: ...";
///  "Extended outage": DataAge Above 600, critical, recipients team:technical at level 1;
///  "Integration outage": ComponentStatus Above 1 (a component down), critical,
///  team:technical at level 1;
///  "Data corruption": SyncHalted Above 0 (automatic sync halted by the consistency
///  check), critical, team:administrators at level 1, resolved at once on resumption;
///  "Peak load ahead": the peak_load prediction 120 minutes ahead Above 20 (%), warning,
///  team:supervisors at level 1 (see [`PREDICTIONS_ON_BY_DEFAULT`] for why it alone of
///  the predictions).
///
/// The first four clear after a minute past a margin (5 points, 5 points, 5 calls, none) so
/// that a figure hovering at the threshold does not fire and resolve over and over.
pub fn default_rules() -> Vec<RuleDefinition> {
    vec![
        RuleDefinition {
            name: "Critical understaffing".into(),
            enabled: true,
            severity: Severity::Critical,
            trigger: threshold(Metric::OperatorsOnline, Comparison::Below, 70.0),
            groups: Vec::new(),
            for_seconds: 0,
            clear_seconds: 60,
            clear_margin: 5.0,
            escalation: ladder(
                &["team:supervisors", "team:department_managers"],
                &[Channel::InApp, Channel::Email, Channel::Sms],
                15,
            ),
            suggested_actions: texts(&[
                "Call absent and late operators to their workplace.",
                "Postpone breaks, lunches and training that have not started yet.",
                "Move multi-skill operators over from groups staffed above plan.",
                "Offer overtime, or call in operators who are off today.",
            ]),
            description: "Operators online fell below 70 % of the operators planned on line."
                .into(),
        },
        RuleDefinition {
            name: "Service level breach".into(),
            enabled: true,
            severity: Severity::Critical,
            trigger: threshold(Metric::ServiceLevel, Comparison::Below, 70.0),
            groups: Vec::new(),
            for_seconds: 300,
            clear_seconds: 60,
            clear_margin: 5.0,
            // Immediate escalation: the department manager hears of it at once.
            escalation: ladder(&["team:supervisors"], &[Channel::InApp, Channel::Email], 0),
            suggested_actions: texts(&[
                "Bring operators in not-ready and long after-call work back to the line.",
                "Postpone breaks and training that have not started yet.",
                "Move multi-skill operators over from groups meeting their target.",
                "Compare the load with the forecast; if it is a spike, announce the expected wait.",
            ]),
            description: "The service level of the last interval has been below 70 % \
                          (80/20) for 5 minutes."
                .into(),
        },
        RuleDefinition {
            name: "System overload".into(),
            enabled: true,
            severity: Severity::Emergency,
            trigger: threshold(Metric::QueueLength, Comparison::Above, 20.0),
            groups: Vec::new(),
            for_seconds: 0,
            clear_seconds: 60,
            clear_margin: 5.0,
            escalation: ladder(&["team:supervisors"], &[Channel::InApp, Channel::Email], 15),
            suggested_actions: texts(&[
                "Start the emergency staffing protocol: postpone every break and training, \
                 call in operators who are off, and move every multi-skill operator to this queue.",
                "Switch on the overflow announcement or the callback offer.",
                "Tell the department manager the expected wait.",
            ]),
            description: "More than 20 contacts are waiting in the queue.".into(),
        },
        RuleDefinition {
            name: "Extended outage".into(),
            enabled: true,
            severity: Severity::Critical,
            trigger: threshold(Metric::DataAge, Comparison::Above, 600.0),
            groups: Vec::new(),
            for_seconds: 0,
            clear_seconds: 60,
            clear_margin: 0.0,
            escalation: ladder(&["team:technical"], &[Channel::InApp, Channel::Email], 15),
            suggested_actions: texts(&[
                "Check the contact-center feed on the integration health page.",
                "Check that the platform still pushes statuses and answers /online requests.",
                "Until data returns the dashboards are stale: supervise the floor directly.",
            ]),
            description: "No data has come from the contact center for 10 minutes.".into(),
        },
        RuleDefinition {
            name: "Integration outage".into(),
            enabled: true,
            severity: Severity::Critical,
            // Down is 2, degraded 1: above 1 is down.
            trigger: threshold(Metric::ComponentStatus, Comparison::Above, 1.0),
            groups: Vec::new(),
            for_seconds: 0,
            clear_seconds: 60,
            clear_margin: 0.0,
            escalation: ladder(&["team:technical"], &[Channel::InApp, Channel::Email], 15),
            suggested_actions: texts(&[
                "Read the cause on the integration health page \
                 (GET /api/v1/integration/health/status).",
                "Contact-center feeds: check that the platform still pushes statuses and events.",
                "1C ZUP: check that the service answers; queued syncs go out by themselves when \
                 it does.",
                "Until it is back, figures and personnel data carry freshness warnings.",
            ]),
            description: "An integration component is down: no data or no answer for 2 minutes."
                .into(),
        },
        RuleDefinition {
            name: "Data corruption".into(),
            enabled: true,
            severity: Severity::Critical,
            trigger: threshold(Metric::SyncHalted, Comparison::Above, 0.0),
            groups: Vec::new(),
            for_seconds: 0,
            // Resolved as soon as an admin approves resumption.
            clear_seconds: 0,
            clear_margin: 0.0,
            escalation: ladder(
                &["team:administrators"],
                &[Channel::InApp, Channel::Email],
                15,
            ),
            suggested_actions: texts(&[
                "Review the discrepancies: POST /api/v1/integration/consistency/check.",
                "Correct them in 1C ZUP or in WFM, then check again.",
                "Approve resumption: POST /api/v1/integration/sync/resume (admin).",
            ]),
            description: "The consistency check of WFM against 1C ZUP failed beyond its \
                          threshold: automatic synchronization is halted until an admin \
                          approves resumption."
                .into(),
        },
        RuleDefinition {
            name: "Peak load ahead".into(),
            enabled: true,
            // A heads-up two hours out: time to act, nothing broken yet.
            severity: Severity::Warning,
            trigger: Trigger::Predictive {
                prediction: PredictionKind::PeakLoad,
                lead_minutes: 120,
                value: 20.0,
            },
            groups: Vec::new(),
            for_seconds: 0,
            clear_seconds: 60,
            clear_margin: 5.0,
            escalation: ladder(&["team:supervisors"], &[Channel::InApp, Channel::Email], 15),
            suggested_actions: texts(&[
                "Check the operators planned for the peak against its forecast.",
                "Move breaks, lunches and training out of the peak while they can still move.",
                "Line up overtime or extra shifts for the peak in time.",
            ]),
            description: "The forecast arrival rate rises by more than 20 % within 2 hours.".into(),
        },
    ]
}

fn threshold(metric: Metric, comparison: Comparison, value: f64) -> Trigger {
    Trigger::Threshold {
        metric,
        comparison,
        value,
    }
}

fn texts(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|line| (*line).to_owned()).collect()
}

/// The four-level ladder with level 1's recipients and channels and level 2's minutes.
fn ladder(first: &[&str], first_channels: &[Channel], second_minutes: u32) -> Vec<EscalationLevel> {
    let management = [Channel::InApp, Channel::Email];
    let rung = |level, after_minutes, recipients: &[&str], channels: &[Channel]| EscalationLevel {
        level,
        after_minutes,
        recipients: texts(recipients),
        channels: channels.to_vec(),
    };
    vec![
        rung(1, 0, first, first_channels),
        rung(
            2,
            second_minutes,
            &["team:department_managers"],
            &management,
        ),
        rung(3, 30, &["team:operations_director"], &management),
        rung(4, 60, &["team:crisis_team"], &management),
    ]
}
