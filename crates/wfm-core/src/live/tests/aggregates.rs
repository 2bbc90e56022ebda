//! Services and the whole site: summed counts, weighted service level, operators
//! counted once, default thresholds.

use super::support::*;
use crate::event::AgentState;
use crate::live::{GroupSettings, Scope};
use crate::threshold::{Band, Color, Indicator, Threshold};

/// Groups 1 and 2 of service 10, group 3 (non-voice, 2.5 operators forecast) of
/// service 20. Operator 201 is planned on group 1 but its status names group 2; 202 is
/// planned and on line for group 3.
fn site() -> Feed {
    let mut lenient = group(1, 10);
    lenient.thresholds.service_level = Threshold::Deviation {
        decline: Some(Band {
            acceptable: 40.0,
            critical: 50.0,
        }),
        growth: None,
    };
    let non_voice = GroupSettings {
        voice: false,
        ..group(3, 20)
    };
    let agents = vec![agent(1, Some(1)), agent(201, Some(1)), agent(202, Some(3))];
    let mut feed = Feed::new(vec![lenient, group(2, 10), non_voice], agents);
    let mut operators = forecast(3, at(10, 0, 0), at(10, 15, 0), 0.0, 0.0, 0.0);
    operators.operators = Some(2.5);
    feed.center.set_plan(
        vec![operators],
        vec![
            line(201, 1, at(10, 0, 0), at(11, 0, 0)),
            line(202, 3, at(10, 0, 0), at(11, 0, 0)),
        ],
    );
    feed.state(at(9, 59, 0), 201, AgentState::Ready, Some(2))
        .state(at(9, 59, 0), 202, AgentState::OnContact, None);
    // Group 1: waits 5, 10 (hits), 30 (miss), abandoned after 40 (miss): 2 of 4.
    feed.answered_call("a", 1, at(10, 0, 0), 5)
        .answered_call("b", 1, at(10, 1, 0), 10)
        .answered_call("c", 1, at(10, 2, 0), 30)
        .abandoned_call("d", 1, at(10, 3, 0), 40);
    // Group 2: one hit of 3 s; one call waiting since 10:04:50, not yet past T.
    feed.answered_call("e", 2, at(10, 4, 0), 3)
        .offer(at(10, 4, 50), "f", 2);
    feed
}

#[test]
fn service_level_of_a_service_is_weighted_by_calls() {
    let feed = site();
    let snapshot = feed.snapshot(at(10, 5, 0));
    let g1 = of(&snapshot, Scope::Group(1));
    let g2 = of(&snapshot, Scope::Group(2));
    let service = of(&snapshot, Scope::Service(10));
    assert_eq!(indicator(g1, Indicator::ServiceLevel).value, Some(50.0));
    assert_eq!(indicator(g2, Indicator::ServiceLevel).value, Some(100.0));
    // 3 hits of 5 calls: 60 %, not the mean of 50 and 100.
    let sl = indicator(service, Indicator::ServiceLevel);
    assert_eq!(sl.value, Some(60.0));
    assert_eq!((sl.plan, sl.deviation), (Some(80.0), Some(-20.0)));
    // 4 and 5 calls are too few for a verdict: grey, whatever the thresholds say.
    assert_eq!(indicator(g1, Indicator::ServiceLevel).color, Color::Grey);
    assert_eq!(
        (sl.color, sl.sample_calls, sl.too_few_calls),
        (Color::Grey, Some(5.0), true)
    );
    // ACD 4 of 5; ASA (5 + 10 + 30 + 3) / 4.
    assert_eq!(indicator(service, Indicator::Acd).value, Some(80.0));
    assert_eq!(service.asa_seconds, Some(12.0));
    assert_eq!(
        (
            service.offered_today,
            service.answered_today,
            service.abandoned_today
        ),
        (5, 4, 1)
    );
    assert_eq!((service.queue_now, service.longest_wait_seconds), (1, 10.0));
    // The whole site has no more calls than service 10.
    assert_eq!(
        indicator(&snapshot.all, Indicator::ServiceLevel).value,
        Some(60.0)
    );
    assert_eq!(snapshot.all.scope, Scope::All);
    let other = of(&snapshot, Scope::Service(20));
    assert_eq!(indicator(other, Indicator::ServiceLevel).value, None);
    let order: Vec<Scope> = snapshot.services.iter().map(|f| f.scope).collect();
    assert_eq!(order, vec![Scope::Service(10), Scope::Service(20)]);
    let order: Vec<Scope> = snapshot.groups.iter().map(|f| f.scope).collect();
    assert_eq!(
        order,
        vec![Scope::Group(1), Scope::Group(2), Scope::Group(3)]
    );
}

#[test]
fn a_multi_skill_operator_counts_once() {
    let feed = site();
    let snapshot = feed.snapshot(at(10, 5, 0));
    let g1 = of(&snapshot, Scope::Group(1));
    let g2 = of(&snapshot, Scope::Group(2));
    let service = of(&snapshot, Scope::Service(10));
    // 201 is planned for group 1 and on line for group 2.
    assert_eq!((g1.planned, g1.online), (1, 0));
    assert_eq!((g2.planned, g2.online), (0, 1));
    assert_eq!(indicator(g1, Indicator::OperatorsOnline).value, Some(0.0));
    assert_eq!(indicator(g1, Indicator::OperatorsOnline).color, Color::Red);
    // In the service it is planned once and on line once.
    assert_eq!((service.planned, service.online), (1, 1));
    assert_eq!(
        indicator(service, Indicator::OperatorsOnline).value,
        Some(100.0)
    );
    assert_eq!(
        indicator(service, Indicator::OperatorsOnline).color,
        Color::Green
    );
    assert_eq!(service.agents_by_state.values().sum::<u32>(), 1);
    let all = &snapshot.all;
    assert_eq!((all.planned, all.online), (2, 2));
    assert_eq!(all.agents_by_state[&AgentState::OnContact], 1);
    assert_eq!(all.occupancy_percent, Some(50.0));
}

#[test]
fn requirements_add_up_where_known() {
    let feed = site();
    let snapshot = feed.snapshot(at(10, 5, 0));
    // Groups 1 and 2: voice, no forecast AHT and fewer than 10 calls handled, none
    // handled at all: unknown. Group 3: 2.5 from the forecast.
    assert_eq!(of(&snapshot, Scope::Service(10)).required, None);
    assert_eq!(of(&snapshot, Scope::Service(20)).required, Some(2.5));
    assert_eq!(snapshot.all.required, Some(2.5));
    // 2.5 required, 2 on line in the whole site.
    let requirement = indicator(&snapshot.all, Indicator::OperatorRequirement);
    assert_eq!(requirement.value, Some(0.5));
    assert_eq!(requirement.color, Color::Green);
}

#[test]
fn freshness_is_the_age_of_the_newest_event_of_the_scope() {
    let feed = site();
    let snapshot = feed.snapshot(at(10, 5, 0));
    let freshness = |scope| indicator(of(&snapshot, scope), Indicator::Acd).freshness_seconds;
    // Group 1: d abandoned at 10:03:40; group 2: f offered at 10:04:50; group 3: 202's
    // status at 09:59.
    assert_eq!(freshness(Scope::Group(1)), Some(80.0));
    assert_eq!(freshness(Scope::Group(2)), Some(10.0));
    assert_eq!(freshness(Scope::Group(3)), Some(360.0));
    assert_eq!(freshness(Scope::Service(10)), Some(10.0));
    assert_eq!(freshness(Scope::All), Some(10.0));
}
