//! Tests of Erlang C: the worked check of DESIGN.md, edge cases, validation and invariants.

use super::*;
use proptest::prelude::*;

fn load(calls: f64, interval_seconds: f64, aht_seconds: f64) -> Load {
    Load {
        calls,
        interval_seconds,
        aht_seconds,
    }
}

fn request(load: Load, max_occupancy: f64, shrinkage: f64) -> StaffingRequest {
    StaffingRequest {
        load,
        target: ServiceTarget {
            answer_within_seconds: 20.0,
            percent: 80.0,
        },
        max_occupancy,
        shrinkage,
    }
}

/// The worked check: 100 calls in 30 min, AHT 180 s, so A = 10 Erlangs.
fn worked() -> Load {
    load(100.0, 1800.0, 180.0)
}

fn assert_4dp(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 5e-5,
        "{actual} is not {expected} to 4 decimals"
    );
}

#[test]
fn worked_check_traffic_is_ten_erlangs() {
    assert_eq!(worked().erlangs(), 10.0);
}

#[test]
fn worked_check_fourteen_agents() {
    let p = performance(&worked(), 14, 20.0).unwrap();
    assert_4dp(p.service_level, 0.8884);
    assert_4dp(p.asa_seconds.unwrap(), 7.8359);
    assert_4dp(p.occupancy, 0.7143);
    assert_4dp(p.wait_probability, 0.1741);
}

#[test]
fn worked_check_thirteen_agents() {
    let p = performance(&worked(), 13, 20.0).unwrap();
    assert_4dp(p.service_level, 0.7956);
}

#[test]
fn worked_check_requires_fourteen_agents() {
    let s = required_agents(&request(worked(), 1.0, 0.0)).unwrap();
    assert_eq!(s.agents, 14);
    assert_eq!(s.scheduled, 14);
    assert_4dp(s.traffic_erlangs, 10.0);
    assert_4dp(s.service_level, 0.8884);
    assert_4dp(s.asa_seconds.unwrap(), 7.8359);
    // 13 + (0.8 - SL(13)) / (SL(14) - SL(13))
    assert_4dp(s.agents_unrounded, 13.0475);
}

#[test]
fn worked_check_schedules_twenty_with_shrinkage_and_occupancy_cap() {
    let s = required_agents(&request(worked(), 0.85, 0.3)).unwrap();
    assert_eq!(s.agents, 14);
    assert_eq!(s.scheduled, 20);
    assert_4dp(s.scheduled_unrounded, 20.0);
    assert_4dp(s.occupancy, 0.7143);
}

#[test]
fn occupancy_cap_binds_when_service_level_is_easy() {
    // A = 100 Erlangs needs about 105 agents for 80/20 but 118 for 85 % occupancy.
    let s = required_agents(&request(load(500.0, 900.0, 180.0), 0.85, 0.0)).unwrap();
    assert_eq!(s.agents, 118);
    assert!(s.occupancy <= 0.85);
    assert_4dp(s.agents_unrounded, 100.0 / 0.85);
    let one_fewer = performance(&load(500.0, 900.0, 180.0), 117, 20.0).unwrap();
    assert!(one_fewer.service_level >= 0.8 && one_fewer.occupancy > 0.85);
}

#[test]
fn occupancy_exactly_at_cap_is_accepted() {
    // A = 8.5, cap 0.85: 10 agents give exactly 0.85.
    let s = required_agents(&StaffingRequest {
        target: ServiceTarget {
            answer_within_seconds: 20.0,
            percent: 1.0,
        },
        ..request(load(85.0, 1800.0, 180.0), 0.85, 0.0)
    })
    .unwrap();
    assert_eq!(s.agents, 10);
    assert_eq!(s.occupancy, 0.85);
}

#[test]
fn an_exact_occupancy_edge_takes_no_extra_agent() {
    // 172.55 Erlangs at 85 %: exactly 203 agents (172.55 / 0.85 = 203), though the float
    // quotient is 203.00000000000003 and 172.55 / 203 evaluates to 0.8500000000000001.
    assert_eq!(least_agents_for_occupancy(172.55, 0.85).unwrap(), 203);
    // Every load of whole hundredths of an Erlang up to 2,000 whose exact quotient by the cap
    // is a whole number k: k agents (or A + 1 when that is more, for a stable queue).
    for cap in [80u32, 85, 90, 95] {
        for hundredths in 1..=200_000u32 {
            if hundredths % cap != 0 {
                continue;
            }
            let k = hundredths / cap;
            let traffic = f64::from(hundredths) / 100.0;
            let want = k.max(hundredths / 100 + 1);
            let got = least_agents_for_occupancy(traffic, f64::from(cap) / 100.0).unwrap();
            assert_eq!(got, want, "{traffic} Erlangs at {cap} %");
        }
    }
}

#[test]
fn scheduled_staff_is_the_exact_ceiling_at_every_whole_edge() {
    // Every agent count to 3,000 at every shrinkage of whole half-tenths of a percent to
    // 90 %: the staff scheduled is ceil(agents / (1 - s)) computed exactly in integers
    // (agents x 1000 / (1000 - per-mille)), so a whole quotient (21 / 0.7 = 30) is that
    // whole number and a fraction above it (14 / 0.75 = 18.67) rounds up.
    for per_mille in (0..=900u64).step_by(5) {
        let shrinkage = per_mille as f64 / 1000.0;
        for agents in 0..=3_000u64 {
            let want = (agents * 1000).div_ceil(1000 - per_mille);
            let got = schedule(agents as u32, shrinkage).unwrap().0;
            assert_eq!(u64::from(got), want, "{agents} agents at {shrinkage}");
        }
    }
}

#[test]
fn scheduled_is_not_inflated_by_rounding() {
    let (scheduled, unrounded) = schedule(21, 0.3).unwrap();
    assert!(unrounded > 30.0, "the float quotient lies above 30");
    assert_eq!(scheduled, 30);
    assert_eq!(schedule(42, 0.3).unwrap().0, 60);
    assert_eq!(schedule(33, 0.45).unwrap().0, 60);
    assert_eq!(schedule(14, 0.3).unwrap().0, 20);
    assert_eq!(schedule(14, 0.25).unwrap().0, 19);
    assert_eq!(schedule(0, 0.3).unwrap().0, 0);
}

#[test]
fn no_traffic_needs_no_agents() {
    let s = required_agents(&request(load(0.0, 900.0, 0.0), 0.85, 0.3)).unwrap();
    assert_eq!(s.agents, 0);
    assert_eq!(s.scheduled, 0);
    assert_eq!(s.agents_unrounded, 0.0);
    assert_eq!(s.service_level, 1.0);
    assert_eq!(s.wait_probability, 0.0);
    assert_eq!(s.asa_seconds, Some(0.0));
    assert_eq!(s.occupancy, 0.0);
    for agents in [0, 3] {
        let p = performance(&load(0.0, 900.0, 200.0), agents, 20.0).unwrap();
        assert_eq!(p.service_level, 1.0);
        assert_eq!(p.wait_probability, 0.0);
        assert_eq!(p.asa_seconds, Some(0.0));
        assert_eq!(p.occupancy, 0.0);
    }
}

#[test]
fn too_few_agents_is_an_unstable_queue() {
    for agents in [0, 5, 10] {
        let p = performance(&worked(), agents, 20.0).unwrap();
        assert_eq!(p.service_level, 0.0);
        assert_eq!(p.wait_probability, 1.0);
        assert_eq!(p.asa_seconds, None);
        assert_eq!(p.occupancy, 1.0);
    }
}

#[test]
fn small_fractional_traffic_needs_one_agent() {
    let s = required_agents(&request(load(1.0, 3600.0, 60.0), 1.0, 0.0)).unwrap();
    assert_eq!(s.agents, 1);
    assert!(s.agents_unrounded > s.traffic_erlangs && s.agents_unrounded <= 1.0);
}

#[test]
fn zero_answer_time_uses_wait_probability_alone() {
    let p = performance(&worked(), 14, 0.0).unwrap();
    assert_eq!(p.service_level, 1.0 - p.wait_probability);
}

#[test]
fn invalid_inputs_name_their_field() {
    let ok = request(worked(), 0.85, 0.3);
    let cases: Vec<(StaffingRequest, &str)> = vec![
        (request(load(-1.0, 1800.0, 180.0), 1.0, 0.0), "load.calls"),
        (
            request(load(f64::NAN, 1800.0, 180.0), 1.0, 0.0),
            "load.calls",
        ),
        (
            request(load(f64::INFINITY, 1800.0, 180.0), 1.0, 0.0),
            "load.calls",
        ),
        (request(load(1e300, 1e-300, 180.0), 1.0, 0.0), "load.calls"),
        (
            request(load(100.0, 0.0, 180.0), 1.0, 0.0),
            "load.interval_seconds",
        ),
        (
            request(load(100.0, -900.0, 180.0), 1.0, 0.0),
            "load.interval_seconds",
        ),
        (
            request(load(100.0, 1800.0, 0.0), 1.0, 0.0),
            "load.aht_seconds",
        ),
        (
            request(load(100.0, 1800.0, -5.0), 1.0, 0.0),
            "load.aht_seconds",
        ),
        (
            request(load(0.0, 1800.0, f64::NAN), 1.0, 0.0),
            "load.aht_seconds",
        ),
        (request(worked(), 0.0, 0.0), "max_occupancy"),
        (request(worked(), 1.01, 0.0), "max_occupancy"),
        (request(worked(), f64::NAN, 0.0), "max_occupancy"),
        (request(worked(), 1.0, 1.0), "shrinkage"),
        (request(worked(), 1.0, -0.1), "shrinkage"),
        (request(worked(), 1.0, f64::NAN), "shrinkage"),
    ];
    let mut cases = cases;
    for (percent, seconds, field) in [
        (0.0, 20.0, "target.percent"),
        (100.0, 20.0, "target.percent"),
        (f64::NAN, 20.0, "target.percent"),
        (80.0, -1.0, "target.answer_within_seconds"),
        (80.0, f64::INFINITY, "target.answer_within_seconds"),
    ] {
        let target = ServiceTarget {
            answer_within_seconds: seconds,
            percent,
        };
        cases.push((StaffingRequest { target, ..ok }, field));
    }
    for (req, field) in cases {
        let err = required_agents(&req).unwrap_err();
        assert_eq!(err.field(), Some(field), "{req:?} gave {err}");
        assert!(err.to_string().starts_with(field));
    }
    let err = performance(&worked(), 14, -1.0).unwrap_err();
    assert_eq!(err.field(), Some("target_seconds"));
    let err = performance(&worked(), MAX_AGENTS + 1, 20.0).unwrap_err();
    assert_eq!(err.field(), Some("agents"));
    let err = performance(&load(1.0, 0.0, 1.0), 14, 20.0).unwrap_err();
    assert_eq!(err.field(), Some("load.interval_seconds"));
}

#[test]
fn invalid_load_has_zero_erlangs() {
    assert_eq!(load(f64::NAN, 900.0, 180.0).erlangs(), 0.0);
    assert_eq!(load(10.0, 0.0, 180.0).erlangs(), 0.0);
}

#[test]
fn loads_beyond_the_agent_limit_are_refused() {
    let limit = ErlangError::AgentLimit { limit: MAX_AGENTS };
    let huge = request(load(1e9, 900.0, 180.0), 1.0, 0.0);
    assert_eq!(required_agents(&huge), Err(limit.clone()));
    assert_eq!(huge.load.erlangs(), 2e8);
    let tight_cap = request(worked(), 1e-9, 0.0);
    assert_eq!(required_agents(&tight_cap), Err(limit.clone()));
    let all_shrinkage = request(worked(), 1.0, 0.99999999);
    assert_eq!(required_agents(&all_shrinkage), Err(limit));
}

#[test]
fn large_traffic_stays_finite_and_monotone() {
    // A = 4000 Erlangs: 16,000 calls per 15 min at AHT 225 s.
    let big = load(16_000.0, 900.0, 225.0);
    assert_eq!(big.erlangs(), 4000.0);
    let mut previous = performance(&big, 4000, 20.0).unwrap();
    for agents in (4001..=5000).step_by(7).chain([5000]) {
        let p = performance(&big, agents, 20.0).unwrap();
        assert!(p.service_level.is_finite() && p.wait_probability.is_finite());
        assert!(p.asa_seconds.is_some_and(f64::is_finite));
        assert!(p.service_level >= previous.service_level);
        assert!((0.0..=1.0).contains(&p.service_level));
        previous = p;
    }
    assert_eq!(previous.service_level, 1.0);
    let s = required_agents(&request(big, 1.0, 0.0)).unwrap();
    assert!(s.agents > 4000 && s.agents < 4100, "{s:?}");
    assert!(s.agents_unrounded > f64::from(s.agents - 1));
}

#[test]
fn many_agents_for_tiny_traffic_do_not_overflow() {
    // 1/B overflows f64 long before 5,000 agents at A = 0.5.
    let p = performance(&load(1.0, 3600.0, 1800.0), 5000, 20.0).unwrap();
    assert_eq!(p.service_level, 1.0);
    assert_eq!(p.wait_probability, 0.0);
    assert_eq!(p.asa_seconds, Some(0.0));
    assert_eq!(p.occupancy, 0.5 / 5000.0);
}

fn any_load() -> impl Strategy<Value = Load> {
    (
        0.1f64..3000.0,
        prop::sample::select(vec![300.0, 900.0, 1800.0, 3600.0]),
        5.0f64..900.0,
    )
        .prop_map(|(calls, interval, aht)| load(calls, interval, aht))
}

fn any_request() -> impl Strategy<Value = StaffingRequest> {
    (
        any_load(),
        0.0f64..120.0,
        0.5f64..99.9,
        prop_oneof![Just(1.0), 0.3f64..1.0],
        prop_oneof![Just(0.0), 0.0f64..0.6],
    )
        .prop_map(
            |(load, seconds, percent, max_occupancy, shrinkage)| StaffingRequest {
                load,
                target: ServiceTarget {
                    answer_within_seconds: seconds,
                    percent,
                },
                max_occupancy,
                shrinkage,
            },
        )
}

proptest! {
    #[test]
    fn service_level_rises_and_asa_falls_with_agents(
        load in any_load(),
        agents in 0u32..400,
        seconds in 0.0f64..120.0,
    ) {
        let now = performance(&load, agents, seconds).unwrap();
        let more = performance(&load, agents + 1, seconds).unwrap();
        prop_assert!((0.0..=1.0).contains(&now.service_level));
        prop_assert!((0.0..=1.0).contains(&now.wait_probability));
        prop_assert!((0.0..=1.0).contains(&now.occupancy));
        prop_assert!(more.service_level >= now.service_level);
        prop_assert!(more.wait_probability <= now.wait_probability);
        match (now.asa_seconds, more.asa_seconds) {
            (Some(now), Some(more)) => prop_assert!(more <= now && more.is_finite()),
            (Some(_), None) => prop_assert!(false, "ASA undefined with more agents"),
            _ => {}
        }
    }

    #[test]
    fn required_agents_is_the_least_meeting_the_request(req in any_request()) {
        let s = required_agents(&req).unwrap();
        let target = req.target.percent / 100.0;
        let seconds = req.target.answer_within_seconds;
        let at = performance(&req.load, s.agents, seconds).unwrap();
        prop_assert_eq!(at.service_level, s.service_level);
        prop_assert_eq!(at.asa_seconds, s.asa_seconds);
        prop_assert!(at.service_level >= target);
        prop_assert!(at.occupancy <= req.max_occupancy);
        prop_assert!(f64::from(s.agents) > s.traffic_erlangs);
        let fewer = performance(&req.load, s.agents - 1, seconds).unwrap();
        prop_assert!(
            f64::from(s.agents - 1) <= s.traffic_erlangs
                || fewer.service_level < target
                || fewer.occupancy > req.max_occupancy
        );
        prop_assert!(s.agents_unrounded >= s.traffic_erlangs);
        prop_assert!(s.agents_unrounded > f64::from(s.agents) - 1.0 - 1e-9);
        prop_assert!(s.agents_unrounded <= f64::from(s.agents));
        prop_assert!(s.scheduled >= s.agents);
        prop_assert!(f64::from(s.scheduled) >= s.scheduled_unrounded - 1e-6);
        prop_assert!(f64::from(s.scheduled) < s.scheduled_unrounded + 1.0);
    }

    #[test]
    fn batch_equals_single_cells(reqs in prop::collection::vec(any_request(), 0..20)) {
        let batch = required_agents_batch(&reqs);
        let single: Vec<_> = reqs.iter().map(required_agents).collect();
        prop_assert_eq!(batch, single);
    }
}
