//! The simulated M/M/N queue measures the service level Erlang C predicts.

use std::time::Instant;

use wfm_core::erlang::{Load, performance};
use wfm_sim::mmn_service_level;

/// Allowed gap between measured and predicted service level, in points.
const TOLERANCE_POINTS: f64 = 2.0;

fn erlang_c(calls_per_hour: f64, aht_seconds: f64, agents: u32, target_seconds: f64) -> f64 {
    let load = Load {
        calls: calls_per_hour,
        interval_seconds: 3600.0,
        aht_seconds,
    };
    performance(&load, agents, target_seconds)
        .unwrap()
        .service_level
}

fn check(calls_per_hour: f64, aht_seconds: f64, agents: u32, hours: f64, seed: u64) {
    let started = Instant::now();
    let measured = mmn_service_level(calls_per_hour, aht_seconds, agents, 20.0, hours, seed);
    let elapsed = started.elapsed();
    let predicted = erlang_c(calls_per_hour, aht_seconds, agents, 20.0);
    let traffic = calls_per_hour * aht_seconds / 3600.0;
    println!(
        "A = {traffic} Erl, N = {agents}, {hours} h: measured SL {:.2} %, Erlang C {:.2} %, {elapsed:.2?}",
        measured * 100.0,
        predicted * 100.0,
    );
    assert!(
        (measured - predicted).abs() * 100.0 <= TOLERANCE_POINTS,
        "A = {traffic}, N = {agents}: measured {measured}, Erlang C {predicted}"
    );
}

#[test]
fn ten_erlangs_on_fourteen_agents_meet_erlang_c() {
    check(200.0, 180.0, 14, 3000.0, 11);
}

#[test]
fn ten_erlangs_on_twelve_agents_meet_erlang_c() {
    check(200.0, 180.0, 12, 3000.0, 12);
}

#[test]
fn fifty_erlangs_on_fifty_five_agents_meet_erlang_c() {
    check(1000.0, 180.0, 55, 1500.0, 13);
}

#[test]
fn degenerate_inputs_give_no_figure() {
    assert!(mmn_service_level(0.0, 180.0, 10, 20.0, 10.0, 1).is_nan());
    assert!(mmn_service_level(200.0, f64::NAN, 10, 20.0, 10.0, 1).is_nan());
    assert!(mmn_service_level(200.0, 180.0, 10, 20.0, -1.0, 1).is_nan());
    assert_eq!(mmn_service_level(200.0, 180.0, 0, 20.0, 10.0, 1), 0.0);
}
