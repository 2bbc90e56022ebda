//! Tests of the alert state machine in simulated time: firing after the hold, once;
//! the escalation ladder and acknowledgement; hysteresis; manual resolution; restarts;
//! and, by property, one open alert per rule and scope. `observe` tests which figures
//! are observed.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::alerting::rule::{Channel, EscalationLevel, Metric, PredictionKind, Severity};
use crate::health::Status;
use crate::live::{IndicatorValue, Scope};
use crate::threshold::{Color, Indicator};

mod observe;

const RULE: i64 = 7;
const GROUP: AlertScope = AlertScope::Group(3);

fn t(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).unwrap() + TimeDelta::seconds(seconds)
}

fn ladder() -> Vec<EscalationLevel> {
    [(1, 0), (2, 15), (3, 30), (4, 60)]
        .into_iter()
        .map(|(level, after_minutes)| EscalationLevel {
            level,
            after_minutes,
            recipients: vec![format!("team:level{level}")],
            channels: vec![Channel::InApp],
        })
        .collect()
}

/// Operators online below 70, held `for_seconds`, clear after `clear_seconds` by `margin`.
fn rule(for_seconds: u32, clear_seconds: u32, margin: f64) -> RuleDefinition {
    RuleDefinition {
        name: "Understaffed".into(),
        enabled: true,
        severity: Severity::Critical,
        trigger: Trigger::Threshold {
            metric: Metric::OperatorsOnline,
            comparison: Comparison::Below,
            value: 70.0,
        },
        groups: Vec::new(),
        for_seconds,
        clear_seconds,
        clear_margin: margin,
        escalation: ladder(),
        suggested_actions: Vec::new(),
        description: String::new(),
    }
}

fn at(value: Option<f64>) -> Vec<Observation> {
    vec![Observation {
        rule_id: RULE,
        scope: GROUP,
        value,
    }]
}

/// Steps once a second over `from..to` with the same reading; the changes, each with
/// the second it came at.
fn run(
    evaluator: &mut Evaluator,
    rule: &RuleDefinition,
    from: i64,
    to: i64,
    value: Option<f64>,
) -> Vec<Change> {
    (from..to)
        .flat_map(|s| evaluator.step(&[(RULE, rule)], &at(value), t(s)))
        .collect()
}

fn fire(second: i64, value: f64) -> Change {
    Change::Fire {
        rule_id: RULE,
        scope: GROUP,
        at: t(second),
        value,
        threshold: 70.0,
    }
}

fn escalate(level: u32, second: i64) -> Change {
    Change::Escalate {
        rule_id: RULE,
        scope: GROUP,
        level,
        at: t(second),
    }
}

fn resolve(second: i64, value: Option<f64>) -> Change {
    Change::Resolve {
        rule_id: RULE,
        scope: GROUP,
        at: t(second),
        value,
    }
}

fn no_ladder(mut rule: RuleDefinition) -> RuleDefinition {
    rule.escalation.truncate(1);
    rule.escalation[0].after_minutes = 1_000_000;
    rule
}

#[test]
fn scope_keys_round_trip() {
    assert_eq!(GROUP.key(), "group:3");
    assert_eq!(AlertScope::Site(1).key(), "site:1");
    assert_eq!(AlertScope::parse("group:3"), Some(GROUP));
    assert_eq!(AlertScope::parse("site:-2"), Some(AlertScope::Site(-2)));
    for bad in [
        "group:",
        "group:+3",
        "group:03",
        "team:3",
        "site",
        "group:3:4",
        "",
    ] {
        assert_eq!(AlertScope::parse(bad), None, "{bad}");
    }
    assert_eq!(GROUP.group_id(), Some(3));
    assert_eq!(AlertScope::Site(1).group_id(), None);
    let component = AlertScope::Component(Component::CallEvents);
    assert_eq!(component.key(), "component:call_events");
    assert_eq!(AlertScope::parse("component:call_events"), Some(component));
    assert_eq!(component.group_id(), None);
    for bad in ["component:", "component:3", "component:Call_events"] {
        assert_eq!(AlertScope::parse(bad), None, "{bad}");
    }
}

#[test]
fn fires_at_exactly_the_hold_and_not_when_interrupted() {
    let rule = no_ladder(rule(300, 60, 0.0));
    let mut e = Evaluator::new();
    assert_eq!(run(&mut e, &rule, 0, 300, Some(65.0)), vec![]);
    assert_eq!(
        run(&mut e, &rule, 300, 301, Some(65.0)),
        vec![fire(300, 65.0)]
    );

    let mut e = Evaluator::new();
    assert_eq!(run(&mut e, &rule, 0, 299, Some(65.0)), vec![]);
    // At 70 the figure is on the threshold, not below it: the breach is broken.
    assert_eq!(run(&mut e, &rule, 299, 300, Some(70.0)), vec![]);
    assert_eq!(run(&mut e, &rule, 300, 600, Some(65.0)), vec![]);
    assert_eq!(
        run(&mut e, &rule, 600, 601, Some(60.0)),
        vec![fire(600, 60.0)]
    );
}

#[test]
fn an_undefined_figure_breaks_the_breach() {
    let rule = no_ladder(rule(10, 60, 0.0));
    let mut e = Evaluator::new();
    run(&mut e, &rule, 0, 9, Some(65.0));
    assert_eq!(run(&mut e, &rule, 9, 10, None), vec![]);
    assert_eq!(run(&mut e, &rule, 10, 20, Some(65.0)), vec![]);
    assert_eq!(run(&mut e, &rule, 20, 21, Some(65.0)), vec![fire(20, 65.0)]);
}

#[test]
fn one_fire_however_long_it_breaches() {
    let rule = no_ladder(rule(0, 60, 0.0));
    let mut e = Evaluator::new();
    assert_eq!(
        run(&mut e, &rule, 0, 10_000, Some(50.0)),
        vec![fire(0, 50.0)]
    );
    assert_eq!(e.open().len(), 1);
}

#[test]
fn the_full_ladder_in_simulated_time() {
    let rule = rule(0, 60, 0.0);
    let mut e = Evaluator::new();
    let changes = run(&mut e, &rule, 0, 2 * 3600, Some(50.0));
    assert_eq!(
        changes,
        vec![
            fire(0, 50.0),
            escalate(1, 0),
            escalate(2, 15 * 60),
            escalate(3, 30 * 60),
            escalate(4, 60 * 60),
        ]
    );
    assert_eq!(
        e.open(),
        vec![(
            RULE,
            GROUP,
            OpenAlert {
                fired_at: t(0),
                acknowledged: false,
                level: 4
            }
        )]
    );
}

#[test]
fn escalation_runs_between_readings_and_catches_up_in_order() {
    let rule = rule(0, 60, 0.0);
    let mut e = Evaluator::new();
    assert_eq!(
        e.step(&[(RULE, &rule)], &at(Some(50.0)), t(0)),
        vec![fire(0, 50.0), escalate(1, 0)]
    );
    // No readings for 40 minutes: levels 2 and 3 are both due by now.
    assert_eq!(
        e.step(&[(RULE, &rule)], &[], t(40 * 60)),
        vec![escalate(2, 40 * 60), escalate(3, 40 * 60)]
    );
}

#[test]
fn acknowledged_at_20_minutes_stops_levels_3_and_4() {
    let rule = rule(0, 60, 0.0);
    let mut e = Evaluator::new();
    let before = run(&mut e, &rule, 0, 20 * 60, Some(50.0));
    assert_eq!(
        before,
        vec![fire(0, 50.0), escalate(1, 0), escalate(2, 15 * 60)]
    );
    e.acknowledge(RULE, GROUP);
    e.acknowledge(RULE, AlertScope::Group(99));
    assert_eq!(run(&mut e, &rule, 20 * 60, 2 * 3600, Some(50.0)), vec![]);
    let open = e.open();
    assert_eq!(open.len(), 1);
    assert!(open[0].2.acknowledged);
    assert_eq!(open[0].2.level, 2);
}

#[test]
fn levels_due_at_once_follow_the_fire() {
    let mut rule = rule(0, 60, 0.0);
    rule.escalation[1].after_minutes = 0;
    let mut e = Evaluator::new();
    assert_eq!(
        e.step(&[(RULE, &rule)], &at(Some(50.0)), t(0)),
        vec![fire(0, 50.0), escalate(1, 0), escalate(2, 0)]
    );
}

#[test]
fn hysteresis_holds_until_clear_long_enough_by_the_margin() {
    let rule = no_ladder(rule(0, 60, 5.0));
    let mut e = Evaluator::new();
    assert_eq!(run(&mut e, &rule, 0, 1, Some(60.0)), vec![fire(0, 60.0)]);
    // Clear for 59 s, then a breach: still open, the clear clock starts over.
    assert_eq!(run(&mut e, &rule, 1, 60, Some(80.0)), vec![]);
    assert_eq!(run(&mut e, &rule, 60, 61, Some(69.0)), vec![]);
    // Above the threshold but within the margin (70..75) is not clear.
    assert_eq!(run(&mut e, &rule, 61, 500, Some(74.9)), vec![]);
    // Exactly at threshold + margin is clear: 60 s of it resolve.
    assert_eq!(run(&mut e, &rule, 500, 560, Some(75.0)), vec![]);
    assert_eq!(
        run(&mut e, &rule, 560, 561, Some(75.0)),
        vec![resolve(560, Some(75.0))]
    );
    assert_eq!(e.open(), vec![]);
}

#[test]
fn an_undefined_figure_clears_and_above_comparisons_use_the_margin_below() {
    let mut rule = no_ladder(rule(0, 0, 5.0));
    rule.trigger = Trigger::Threshold {
        metric: Metric::QueueLength,
        comparison: Comparison::Above,
        value: 20.0,
    };
    let fire = |second, value| Change::Fire {
        rule_id: RULE,
        scope: GROUP,
        at: t(second),
        value,
        threshold: 20.0,
    };
    let mut e = Evaluator::new();
    assert_eq!(run(&mut e, &rule, 0, 1, Some(20.0)), vec![]);
    assert_eq!(run(&mut e, &rule, 1, 2, Some(21.0)), vec![fire(1, 21.0)]);
    assert_eq!(run(&mut e, &rule, 2, 3, Some(15.5)), vec![]);
    assert_eq!(
        run(&mut e, &rule, 3, 4, Some(15.0)),
        vec![resolve(3, Some(15.0))]
    );
    assert_eq!(run(&mut e, &rule, 4, 5, Some(30.0)), vec![fire(4, 30.0)]);
    assert_eq!(run(&mut e, &rule, 5, 6, None), vec![resolve(5, None)]);
}

#[test]
fn manual_resolve_waits_for_a_clear_before_firing_again() {
    let rule = no_ladder(rule(30, 60, 5.0));
    let mut e = Evaluator::new();
    assert_eq!(run(&mut e, &rule, 0, 31, Some(60.0)), vec![fire(30, 60.0)]);
    e.resolve(RULE, GROUP);
    assert_eq!(e.open(), vec![]);
    // The breach stands for an hour: nothing.
    assert_eq!(run(&mut e, &rule, 31, 3600, Some(60.0)), vec![]);
    // Within the margin is not clear yet.
    assert_eq!(run(&mut e, &rule, 3600, 3610, Some(72.0)), vec![]);
    assert_eq!(run(&mut e, &rule, 3610, 3650, Some(60.0)), vec![]);
    // Clear once, then the breach must hold its 30 s again.
    assert_eq!(run(&mut e, &rule, 3650, 3651, Some(75.0)), vec![]);
    assert_eq!(run(&mut e, &rule, 3651, 3681, Some(60.0)), vec![]);
    assert_eq!(
        run(&mut e, &rule, 3681, 3682, Some(60.0)),
        vec![fire(3681, 60.0)]
    );
}

#[test]
fn restored_alerts_escalate_from_when_they_fired() {
    let rule = rule(0, 60, 0.0);
    let mut e = Evaluator::new();
    e.restore(
        RULE,
        GROUP,
        OpenAlert {
            fired_at: t(0),
            acknowledged: false,
            level: 2,
        },
    );
    // Restarted at 25 minutes, still breaching: no second fire, level 3 at 30 minutes.
    let changes = run(&mut e, &rule, 25 * 60, 61 * 60, Some(50.0));
    assert_eq!(changes, vec![escalate(3, 30 * 60), escalate(4, 60 * 60)]);

    let mut e = Evaluator::new();
    e.restore(
        RULE,
        GROUP,
        OpenAlert {
            fired_at: t(0),
            acknowledged: true,
            level: 1,
        },
    );
    assert_eq!(run(&mut e, &rule, 3600, 3660, Some(50.0)), vec![]);
    assert_eq!(
        run(&mut e, &rule, 3660, 3721, Some(90.0)),
        vec![resolve(3720, Some(90.0))]
    );
}

#[test]
fn a_rule_gone_disabled_or_no_longer_watching_resolves() {
    let rule = no_ladder(rule(0, 60, 0.0));
    let mut e = Evaluator::new();
    run(&mut e, &rule, 0, 1, Some(50.0));
    assert_eq!(e.step(&[], &at(Some(50.0)), t(1)), vec![resolve(1, None)]);
    // Readings of unknown rules are ignored.
    assert_eq!(e.step(&[], &at(Some(50.0)), t(2)), vec![]);
    assert_eq!(e.open(), vec![]);

    run(&mut e, &rule, 3, 4, Some(50.0));
    let mut disabled = rule.clone();
    disabled.enabled = false;
    assert_eq!(
        e.step(&[(RULE, &disabled)], &at(Some(50.0)), t(4)),
        vec![resolve(4, None)]
    );

    run(&mut e, &rule, 5, 6, Some(50.0));
    let mut elsewhere = rule.clone();
    elsewhere.groups = vec![4];
    assert_eq!(
        e.step(&[(RULE, &elsewhere)], &at(Some(50.0)), t(6)),
        vec![resolve(6, None)]
    );
}

#[test]
fn timeline_of_the_ladder() {
    assert_eq!(
        timeline(&rule(0, 60, 0.0), t(0)),
        vec![(1, t(0)), (2, t(900)), (3, t(1800)), (4, t(3600))]
    );
}

/// A reading, or a person's action, in the property test.
#[derive(Debug, Clone, Copy)]
enum Input {
    Read(usize, Option<f64>),
    Acknowledge(usize),
    Resolve(usize),
}

fn input() -> impl Strategy<Value = Input> {
    let value = prop_oneof![
        Just(None),
        Just(Some(50.0)),
        Just(Some(68.0)),
        Just(Some(70.0)),
        Just(Some(72.0)),
        Just(Some(90.0)),
    ];
    prop_oneof![
        8 => (0..2usize, value).prop_map(|(key, v)| Input::Read(key, v)),
        1 => (0..2usize).prop_map(Input::Acknowledge),
        1 => (0..2usize).prop_map(Input::Resolve),
    ]
}

proptest! {
    #[test]
    fn one_open_alert_per_rule_and_scope_and_every_resolve_follows_a_fire(
        for_seconds in 0..120u32,
        clear_seconds in 0..120u32,
        margin in prop_oneof![Just(0.0), Just(3.0)],
        steps in proptest::collection::vec((1..200i64, input()), 1..200),
    ) {
        let rule = rule(for_seconds, clear_seconds, margin);
        let keys = [(RULE, GROUP), (RULE, AlertScope::Group(4))];
        let mut e = Evaluator::new();
        let mut open: BTreeSet<(i64, AlertScope)> = BTreeSet::new();
        let mut now = 0;
        for (gap, input) in steps {
            now += gap;
            let observations = match input {
                Input::Read(key, value) => vec![Observation {
                    rule_id: keys[key].0,
                    scope: keys[key].1,
                    value,
                }],
                Input::Acknowledge(key) => {
                    e.acknowledge(keys[key].0, keys[key].1);
                    vec![]
                }
                Input::Resolve(key) => {
                    e.resolve(keys[key].0, keys[key].1);
                    open.remove(&keys[key]);
                    vec![]
                }
            };
            for change in e.step(&[(RULE, &rule)], &observations, t(now)) {
                match change {
                    Change::Fire { rule_id, scope, .. } => {
                        prop_assert!(open.insert((rule_id, scope)), "second fire");
                    }
                    Change::Escalate { rule_id, scope, .. } => {
                        prop_assert!(open.contains(&(rule_id, scope)), "escalation of nothing");
                    }
                    Change::Resolve { rule_id, scope, .. } => {
                        prop_assert!(open.remove(&(rule_id, scope)), "resolve without fire");
                    }
                }
            }
            let tracked: BTreeSet<(i64, AlertScope)> =
                e.open().into_iter().map(|(rule_id, scope, _)| (rule_id, scope)).collect();
            prop_assert_eq!(&tracked, &open);
        }
    }
}
