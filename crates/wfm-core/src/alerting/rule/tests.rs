//! Tests of rule names, validation (each bad field named) and the default rules.

use super::*;

fn rung(level: u32, after_minutes: u32, recipients: &[&str]) -> EscalationLevel {
    EscalationLevel {
        level,
        after_minutes,
        recipients: recipients.iter().map(|r| (*r).to_owned()).collect(),
        channels: vec![Channel::InApp],
    }
}

fn good() -> RuleDefinition {
    RuleDefinition {
        name: "Low online".into(),
        enabled: true,
        severity: Severity::Warning,
        trigger: Trigger::Threshold {
            metric: Metric::OperatorsOnline,
            comparison: Comparison::Below,
            value: 80.0,
        },
        groups: vec![1, 2],
        for_seconds: 60,
        clear_seconds: 60,
        clear_margin: 2.0,
        escalation: vec![
            rung(1, 0, &["team:supervisors"]),
            rung(2, 15, &["user:ann"]),
        ],
        suggested_actions: vec!["Call operators in.".into()],
        description: String::new(),
    }
}

fn fields(rule: &RuleDefinition) -> Vec<String> {
    match rule.validate() {
        Ok(()) => Vec::new(),
        Err(problems) => problems.into_iter().map(|(field, _)| field).collect(),
    }
}

#[test]
fn names_round_trip_and_unknown_names_are_none() {
    for severity in Severity::ALL {
        assert_eq!(Severity::parse(severity.as_str()), Some(severity));
    }
    for kind in PredictionKind::ALL {
        assert_eq!(PredictionKind::parse(kind.as_str()), Some(kind));
    }
    let names: Vec<&str> = PredictionKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "sl_breach",
            "staffing_shortfall",
            "coverage_gap",
            "peak_load"
        ]
    );
    assert_eq!(Severity::parse("Critical"), None);
    assert_eq!(PredictionKind::parse("peak"), None);
    assert!(Severity::Info < Severity::Emergency);
}

#[test]
fn prediction_kinds_compare_and_lead() {
    let got: Vec<(Comparison, (u32, u32))> = PredictionKind::ALL
        .into_iter()
        .map(|k| (k.comparison(), k.lead_range()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Comparison::Below, (15, 30)),
            (Comparison::Above, (60, 120)),
            (Comparison::Above, (30, 60)),
            (Comparison::Above, (120, 240)),
        ]
    );
}

#[test]
fn metric_units_and_site_figures() {
    let units: Vec<&str> = Metric::ALL.into_iter().map(Metric::unit).collect();
    assert_eq!(
        units,
        [
            "percent", "percent", "percent", "percent", "people", "percent", "percent", "calls",
            "seconds", "percent", "seconds", "status", "flag"
        ]
    );
    let site: Vec<Metric> = Metric::ALL
        .into_iter()
        .filter(|m| m.is_site_figure())
        .collect();
    assert_eq!(site, [Metric::DataAge]);
    let component: Vec<Metric> = Metric::ALL
        .into_iter()
        .filter(|m| m.is_component_figure())
        .collect();
    assert_eq!(component, [Metric::ComponentStatus, Metric::SyncHalted]);
}

#[test]
fn breach_of_each_trigger() {
    assert_eq!(good().trigger.breach(), (Comparison::Below, 80.0));
    let predictive = |prediction| Trigger::Predictive {
        prediction,
        lead_minutes: 30,
        value: 4.0,
    };
    assert_eq!(
        predictive(PredictionKind::SlBreach).breach(),
        (Comparison::Below, 4.0)
    );
    assert_eq!(
        predictive(PredictionKind::CoverageGap).breach(),
        (Comparison::Above, 4.0)
    );
}

#[test]
fn a_good_rule_validates() {
    assert_eq!(good().validate(), Ok(()));
}

#[test]
fn every_bad_field_is_named() {
    let mut rule = good();
    rule.name = " ".into();
    rule.trigger = Trigger::Threshold {
        metric: Metric::ServiceLevel,
        comparison: Comparison::Below,
        value: 100.5,
    };
    rule.groups = vec![4, 5, 4];
    rule.for_seconds = 86_401;
    rule.clear_seconds = 90_000;
    rule.clear_margin = -1.0;
    rule.escalation = vec![
        EscalationLevel {
            level: 2,
            after_minutes: 5,
            recipients: Vec::new(),
            channels: Vec::new(),
        },
        rung(2, 4, &["team:", "email:ann.example.com", "pager:7"]),
    ];
    rule.suggested_actions = vec!["x".repeat(501); 21];
    let mut expected = vec![
        "name",
        "trigger.value",
        "groups[2]",
        "for_seconds",
        "clear_seconds",
        "clear_margin",
        "escalation[0].level",
        "escalation[0].after_minutes",
        "escalation[0].recipients",
        "escalation[0].channels",
        "escalation[1].level",
        "escalation[1].after_minutes",
        "escalation[1].recipients[0]",
        "escalation[1].recipients[1]",
        "escalation[1].recipients[2]",
        "suggested_actions",
    ];
    let actions: Vec<String> = (0..21).map(|i| format!("suggested_actions[{i}]")).collect();
    expected.extend(actions.iter().map(String::as_str));
    assert_eq!(fields(&rule), expected);
}

#[test]
fn problems_say_what_the_field_must_be() {
    let mut rule = good();
    rule.escalation[1].level = 1;
    assert_eq!(
        rule.validate(),
        Err(vec![(
            "escalation[1].level".to_owned(),
            "must be greater than the level before".to_owned()
        )])
    );
    rule.escalation.clear();
    assert_eq!(
        rule.validate(),
        Err(vec![(
            "escalation".to_owned(),
            "must have at least one level".to_owned()
        )])
    );
}

#[test]
fn name_length_counts_characters() {
    let mut rule = good();
    rule.name = "я".repeat(200);
    assert_eq!(fields(&rule), Vec::<String>::new());
    rule.name.push('я');
    assert_eq!(fields(&rule), ["name"]);
    rule.name = String::new();
    assert_eq!(fields(&rule), ["name"]);
}

#[test]
fn threshold_ranges_follow_the_metric() {
    let check = |metric, value| {
        let mut rule = good();
        rule.trigger = Trigger::Threshold {
            metric,
            comparison: Comparison::Above,
            value,
        };
        fields(&rule).is_empty()
    };
    assert!(check(Metric::OperatorsOnline, 0.0));
    assert!(check(Metric::OperatorsOnline, 100.0));
    assert!(!check(Metric::OperatorsOnline, -0.1));
    assert!(!check(Metric::Abandonment, 100.1));
    assert!(check(Metric::LoadDeviation, -100.0));
    assert!(check(Metric::AhtTrend, 1000.0));
    assert!(!check(Metric::AhtTrend, 1000.1));
    assert!(!check(Metric::LoadDeviation, -100.1));
    assert!(check(Metric::QueueLength, 0.0));
    assert!(!check(Metric::OperatorRequirement, -1.0));
    assert!(check(Metric::DataAge, 1e6));
    assert!(
        !check(Metric::DataAge, 1e6 + 1.0),
        "an absurd count or duration"
    );
    assert!(!check(Metric::QueueLength, 1e308));
    assert!(!check(Metric::DataAge, f64::INFINITY));
    assert!(!check(Metric::ServiceLevel, f64::NAN));
    assert!(!check(Metric::LoadDeviation, f64::NAN));
}

#[test]
fn predictive_lead_and_threshold_ranges() {
    let check = |prediction, lead_minutes, value| {
        let mut rule = good();
        rule.trigger = Trigger::Predictive {
            prediction,
            lead_minutes,
            value,
        };
        fields(&rule)
    };
    let none = Vec::<String>::new();
    assert_eq!(check(PredictionKind::SlBreach, 15, 70.0), none);
    assert_eq!(check(PredictionKind::SlBreach, 30, 70.0), none);
    assert_eq!(
        check(PredictionKind::SlBreach, 14, 70.0),
        ["trigger.lead_minutes"]
    );
    assert_eq!(
        check(PredictionKind::SlBreach, 31, 101.0),
        ["trigger.value", "trigger.lead_minutes"]
    );
    assert_eq!(check(PredictionKind::StaffingShortfall, 60, 2.0), none);
    assert_eq!(
        check(PredictionKind::StaffingShortfall, 121, -1.0),
        ["trigger.value", "trigger.lead_minutes"]
    );
    assert_eq!(check(PredictionKind::CoverageGap, 45, 0.0), none);
    assert_eq!(
        check(PredictionKind::CoverageGap, 29, 0.0),
        ["trigger.lead_minutes"]
    );
    assert_eq!(check(PredictionKind::PeakLoad, 240, 500.0), none);
    assert_eq!(
        check(PredictionKind::PeakLoad, 119, 1001.0),
        ["trigger.value", "trigger.lead_minutes"]
    );
}

#[test]
fn recipients() {
    let ok = [
        "team:supervisors",
        "user:ivanov",
        "email:a@b",
        "sms:+1234567",
        "sms:+123456789012345",
        "webhook:http://x",
        "webhook:https://hooks.example.com/alerts",
    ];
    for recipient in ok {
        assert_eq!(check_recipient(recipient), Ok(()), "{recipient}");
    }
    let bad = [
        "supervisors",
        "team:",
        "user:",
        "email:",
        "email:nobody",
        "sms:1234567",
        "sms:+123456",
        "sms:+1234567890123456",
        "sms:+12345a7",
        "webhook:ftp://x",
        "webhook:https://",
        "webhook:example.com",
        "group:3",
        "Team:supervisors",
    ];
    for recipient in bad {
        assert!(check_recipient(recipient).is_err(), "{recipient}");
    }
}

#[test]
fn ladder_minutes_may_repeat_but_not_fall() {
    let mut rule = good();
    rule.escalation = vec![
        rung(1, 0, &["team:a"]),
        rung(2, 0, &["team:b"]),
        rung(5, 30, &["team:c"]),
    ];
    assert_eq!(fields(&rule), Vec::<String>::new());
    rule.escalation[2].after_minutes = 0;
    assert_eq!(fields(&rule), Vec::<String>::new());
    rule.escalation[1].after_minutes = 10;
    assert_eq!(fields(&rule), ["escalation[2].after_minutes"]);
}

#[test]
fn suggested_actions_limits() {
    let mut rule = good();
    rule.suggested_actions = vec!["ы".repeat(500); 20];
    assert_eq!(fields(&rule), Vec::<String>::new());
    rule.suggested_actions[7].push('.');
    assert_eq!(fields(&rule), ["suggested_actions[7]"]);
}

#[test]
fn default_rules_validate() {
    for rule in default_rules() {
        assert_eq!(rule.validate(), Ok(()), "{}", rule.name);
    }
}

/// (level, after minutes, recipients, channels) of a ladder.
type Rungs = Vec<(u32, u32, Vec<String>, Vec<Channel>)>;

fn rungs(rule: &RuleDefinition) -> Rungs {
    rule.escalation
        .iter()
        .map(|r| {
            (
                r.level,
                r.after_minutes,
                r.recipients.clone(),
                r.channels.clone(),
            )
        })
        .collect()
}

#[test]
fn default_rules_match_the_scenarios() {
    use Channel::{Email, InApp, Sms};
    let rules = default_rules();
    let summary: Vec<(&str, Severity, Trigger, u32)> = rules
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                r.severity,
                r.trigger.clone(),
                r.for_seconds,
            )
        })
        .collect();
    let threshold = |metric, comparison, value| Trigger::Threshold {
        metric,
        comparison,
        value,
    };
    assert_eq!(
        summary,
        vec![
            (
                "Critical understaffing",
                Severity::Critical,
                threshold(Metric::OperatorsOnline, Comparison::Below, 70.0),
                0
            ),
            (
                "Service level breach",
                Severity::Critical,
                threshold(Metric::ServiceLevel, Comparison::Below, 70.0),
                300
            ),
            (
                "System overload",
                Severity::Emergency,
                threshold(Metric::QueueLength, Comparison::Above, 20.0),
                0
            ),
            (
                "Extended outage",
                Severity::Critical,
                threshold(Metric::DataAge, Comparison::Above, 600.0),
                0
            ),
            (
                "Integration outage",
                Severity::Critical,
                threshold(Metric::ComponentStatus, Comparison::Above, 1.0),
                0
            ),
            (
                "Data corruption",
                Severity::Critical,
                threshold(Metric::SyncHalted, Comparison::Above, 0.0),
                0
            ),
            (
                "Peak load ahead",
                Severity::Warning,
                Trigger::Predictive {
                    prediction: PredictionKind::PeakLoad,
                    lead_minutes: 120,
                    value: 20.0,
                },
                0
            ),
        ]
    );
    let team =
        |names: &[&str]| -> Vec<String> { names.iter().map(|n| format!("team:{n}")).collect() };
    let management = vec![InApp, Email];
    let ladder = |first: Vec<String>, channels: Vec<Channel>, second: u32| -> Rungs {
        vec![
            (1, 0, first, channels),
            (
                2,
                second,
                team(&["department_managers"]),
                management.clone(),
            ),
            (3, 30, team(&["operations_director"]), management.clone()),
            (4, 60, team(&["crisis_team"]), management.clone()),
        ]
    };
    assert_eq!(
        rungs(&rules[0]),
        ladder(
            team(&["supervisors", "department_managers"]),
            vec![InApp, Email, Sms],
            15
        )
    );
    assert_eq!(
        rungs(&rules[1]),
        ladder(team(&["supervisors"]), management.clone(), 0)
    );
    assert_eq!(
        rungs(&rules[2]),
        ladder(team(&["supervisors"]), management.clone(), 15)
    );
    assert_eq!(
        rungs(&rules[3]),
        ladder(team(&["technical"]), management.clone(), 15)
    );
    assert_eq!(
        rungs(&rules[4]),
        ladder(team(&["technical"]), management.clone(), 15)
    );
    assert_eq!(
        rungs(&rules[5]),
        ladder(team(&["administrators"]), management.clone(), 15)
    );
    assert_eq!((rules[5].clear_seconds, rules[5].clear_margin), (0, 0.0));
    assert_eq!(
        rungs(&rules[6]),
        ladder(team(&["supervisors"]), management.clone(), 15)
    );
    assert!(rules[2].suggested_actions[0].starts_with("Start the emergency staffing protocol: "));
    // Exactly the prediction kinds that beat their baseline are installed.
    let predictive: Vec<PredictionKind> = rules
        .iter()
        .filter_map(|r| match r.trigger {
            Trigger::Predictive { prediction, .. } => Some(prediction),
            Trigger::Threshold { .. } => None,
        })
        .collect();
    assert_eq!(predictive, PREDICTIONS_ON_BY_DEFAULT);
    for rule in &rules {
        assert!(rule.enabled && rule.groups.is_empty(), "{}", rule.name);
        assert!(!rule.description.is_empty(), "{}", rule.name);
        assert!(!rule.suggested_actions.is_empty(), "{}", rule.name);
    }
}
