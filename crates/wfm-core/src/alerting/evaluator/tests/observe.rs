//! Which figures the evaluator observes: a group's or a site's figures for the rule's
//! groups, integration components, and scopes a rule does not watch.

use super::*;

fn figures(online: f64, freshness: f64) -> Figures {
    let indicators = Indicator::ALL
        .into_iter()
        .map(|indicator| IndicatorValue {
            indicator,
            value: (indicator == Indicator::OperatorsOnline).then_some(online),
            unit: "percent",
            plan: None,
            deviation: None,
            color: Color::Grey,
            sample_calls: None,
            too_few_calls: false,
            trend: None,
            sparkline: Vec::new(),
            updated_at: t(0),
            freshness_seconds: Some(freshness),
        })
        .collect();
    Figures {
        scope: Scope::All,
        indicators,
        online: 0,
        planned: 0,
        required: None,
        queue_now: 0,
        longest_wait_seconds: 0.0,
        agents_by_state: BTreeMap::new(),
        offered_today: 0,
        answered_today: 0,
        answered_within_target_today: 0,
        abandoned_today: 0,
        short_abandoned_today: 0,
        sl_window_percent: None,
        sl_predicted_percent: None,
        asa_seconds: None,
        abandonment_percent: None,
        abandonment_excluding_short_percent: None,
        occupancy_percent: None,
        counts: Default::default(),
    }
}

#[test]
fn observe_picks_group_or_site_figures_and_the_rules_groups() {
    let every_group = rule(0, 60, 0.0);
    let mut some_groups = rule(0, 60, 0.0);
    some_groups.groups = vec![2];
    let mut data_age = rule(0, 60, 0.0);
    data_age.trigger = Trigger::Threshold {
        metric: Metric::DataAge,
        comparison: Comparison::Above,
        value: 600.0,
    };
    data_age.groups = vec![2];
    let mut predictive = rule(0, 60, 0.0);
    predictive.trigger = Trigger::Predictive {
        prediction: PredictionKind::SlBreach,
        lead_minutes: 20,
        value: 70.0,
    };
    let mut disabled = rule(0, 60, 0.0);
    disabled.enabled = false;

    let (g1, g2, site) = (figures(90.0, 5.0), figures(60.0, 6.0), figures(75.0, 700.0));
    let got = observe(
        &[
            (1, &every_group),
            (2, &some_groups),
            (3, &data_age),
            (4, &predictive),
            (5, &disabled),
        ],
        &[(1, &g1), (2, &g2)],
        &[(9, &site)],
    );
    let o = |rule_id, scope, value| Observation {
        rule_id,
        scope,
        value: Some(value),
    };
    assert_eq!(
        got,
        vec![
            o(1, AlertScope::Group(1), 90.0),
            o(1, AlertScope::Group(2), 60.0),
            o(2, AlertScope::Group(2), 60.0),
            o(3, AlertScope::Site(9), 700.0),
        ]
    );
}

#[test]
fn observations_of_a_scope_the_rule_does_not_watch_are_ignored() {
    let rule = no_ladder(rule(0, 60, 0.0));
    let mut e = Evaluator::new();
    let site = vec![Observation {
        rule_id: RULE,
        scope: AlertScope::Site(1),
        value: Some(10.0),
    }];
    assert_eq!(e.step(&[(RULE, &rule)], &site, t(0)), vec![]);
}

fn outage_rule() -> RuleDefinition {
    let mut r = no_ladder(rule(0, 60, 0.0));
    r.trigger = Trigger::Threshold {
        metric: Metric::ComponentStatus,
        comparison: Comparison::Above,
        value: 1.0,
    };
    r
}

#[test]
fn component_figures_are_observed_per_component_and_fire_on_down_only() {
    let outage = outage_rule();
    let mut halted = outage_rule();
    halted.trigger = Trigger::Threshold {
        metric: Metric::SyncHalted,
        comparison: Comparison::Above,
        value: 0.0,
    };
    let every_group = rule(0, 60, 0.0);
    let signals = [
        ComponentSignal {
            component: Component::CallEvents,
            status: Status::Down,
            sync_halted: false,
        },
        ComponentSignal {
            component: Component::ZupPersonnel,
            status: Status::Degraded,
            sync_halted: true,
        },
    ];
    let rules = [(1, &outage), (2, &halted), (3, &every_group)];
    let got = observe_components(&rules, &signals);
    let o = |rule_id, c, value| Observation {
        rule_id,
        scope: AlertScope::Component(c),
        value: Some(value),
    };
    assert_eq!(
        got,
        vec![
            o(1, Component::CallEvents, 2.0),
            o(1, Component::ZupPersonnel, 1.0),
            o(2, Component::CallEvents, 0.0),
            o(2, Component::ZupPersonnel, 1.0),
        ]
    );
    // Group and site observation leaves component rules out.
    let g = figures(50.0, 1.0);
    assert_eq!(
        observe(&rules, &[(1, &g)], &[(9, &g)]),
        vec![Observation {
            rule_id: 3,
            scope: AlertScope::Group(1),
            value: Some(50.0)
        }]
    );
    let mut e = Evaluator::new();
    let changes = e.step(&rules, &got, t(0));
    let fired: Vec<(i64, AlertScope)> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Fire { rule_id, scope, .. } => Some((*rule_id, *scope)),
            _ => None,
        })
        .collect();
    assert_eq!(
        fired,
        [
            (1, AlertScope::Component(Component::CallEvents)),
            (2, AlertScope::Component(Component::ZupPersonnel)),
        ]
    );
    // A component reading under a group rule is not watched, nor a group reading under a
    // component rule.
    let stray = [
        Observation {
            rule_id: 3,
            scope: AlertScope::Component(Component::CallEvents),
            value: Some(10.0),
        },
        Observation {
            rule_id: 1,
            scope: GROUP,
            value: Some(2.0),
        },
    ];
    let mut e = Evaluator::new();
    assert_eq!(e.step(&rules, &stray, t(0)), []);
    // Back to healthy: resolved after the clear time.
    let mut e = Evaluator::new();
    let down = [o(1, Component::CallEvents, 2.0)];
    let healthy = [o(1, Component::CallEvents, 0.0)];
    assert_eq!(e.step(&[(1, &outage)], &down, t(0)).len(), 1);
    assert_eq!(e.step(&[(1, &outage)], &healthy, t(10)), []);
    assert_eq!(
        e.step(&[(1, &outage)], &healthy, t(70)),
        [Change::Resolve {
            rule_id: 1,
            scope: AlertScope::Component(Component::CallEvents),
            at: t(70),
            value: Some(0.0)
        }]
    );
}
