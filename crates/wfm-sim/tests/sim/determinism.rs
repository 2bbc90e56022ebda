//! Same scenario and seed, same feed: however the time is advanced.

use chrono::Duration;
use proptest::prelude::*;
use wfm_sim::{Behaviour, FeedEvent, Simulator};

use crate::common::{at, day, day_end, feed};

#[test]
fn same_scenario_and_seed_give_the_same_feed() {
    let first = feed(day(42, Behaviour::default()), day_end());
    let second = feed(day(42, Behaviour::default()), day_end());
    assert!(first.len() > 1000, "a busy day: {} events", first.len());
    assert_eq!(first, second);
    let other = feed(day(43, Behaviour::default()), day_end());
    assert_ne!(first, other);
}

#[test]
fn event_ids_are_unique_and_name_the_seed() {
    let events = feed(day(42, Behaviour::default()), day_end());
    let mut ids: Vec<&str> = events.iter().map(FeedEvent::id).collect();
    assert!(ids.iter().all(|id| id.starts_with("sim-42-")));
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), events.len());
}

#[test]
fn second_by_second_gives_the_one_step_feed() {
    let whole = feed(day(7, Behaviour::default()), day_end());
    let mut sim = Simulator::new(day(7, Behaviour::default()));
    let mut stepped = Vec::new();
    let mut now = at(6, 0);
    while now < day_end() {
        now += Duration::seconds(1);
        let got = sim.advance(now);
        assert!(
            got.iter()
                .all(|e| e.at() <= now && e.at() > now - Duration::seconds(1))
        );
        stepped.extend(got);
    }
    assert_eq!(stepped, whole);
}

#[test]
fn going_back_in_time_gives_nothing() {
    let mut sim = Simulator::new(day(7, Behaviour::default()));
    assert!(sim.advance(at(6, 0)).is_empty(), "before the start");
    assert!(!sim.advance(at(12, 0)).is_empty());
    assert!(sim.advance(at(12, 0)).is_empty());
    assert!(sim.advance(at(11, 0)).is_empty());
    let rest = sim.advance(day_end());
    assert!(rest.iter().all(|e| e.at() > at(12, 0)));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn any_steps_give_the_one_step_feed(
        seed in 0u64..1_000,
        steps in prop::collection::vec(1i64..3_600_000, 1..40),
    ) {
        let whole = feed(day(seed, Behaviour::default()), day_end());
        let mut sim = Simulator::new(day(seed, Behaviour::default()));
        let mut stepped = Vec::new();
        let mut now = at(7, 0);
        for step in steps {
            // Sub-millisecond instants too: events are stamped to the millisecond.
            now += Duration::microseconds(step * 997);
            stepped.extend(sim.advance(now));
        }
        stepped.extend(sim.advance(day_end()));
        prop_assert_eq!(stepped, whole);
    }
}
