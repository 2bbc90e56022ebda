//! Service level, ACD, ASA and abandonment of hand-built call sequences; the queue; the
//! per-interval figures; events the center ignores.

use chrono::Duration;

use super::support::*;
use crate::live::{GroupSettings, Scope};
use crate::threshold::{Color, Indicator};

fn one_group(settings: GroupSettings) -> Feed {
    Feed::new(vec![settings], vec![agent(1, Some(1))])
}

#[test]
fn no_calls_leave_service_level_undefined() {
    let feed = one_group(group(1, 10));
    let snapshot = feed.snapshot(at(10, 0, 0));
    let g = of(&snapshot, Scope::Group(1));
    let sl = indicator(g, Indicator::ServiceLevel);
    assert_eq!(sl.value, None);
    assert_eq!(sl.color, Color::Grey);
    assert_eq!(sl.plan, Some(80.0));
    assert_eq!(sl.freshness_seconds, None);
    assert_eq!(indicator(g, Indicator::Acd).value, None);
    assert_eq!(
        (g.offered_today, g.queue_now, g.longest_wait_seconds),
        (0, 0, 0.0)
    );
    assert_eq!(g.asa_seconds, None);
    assert_eq!(g.abandonment_percent, None);
    assert_eq!(g.sl_window_percent, None);
}

#[test]
fn service_level_acd_asa_and_abandonment_of_four_calls() {
    let mut feed = one_group(group(1, 10));
    // T = 20 s: waits 10 (hit), 30 (miss), abandoned after 40 (miss), 20 (hit: not longer than T).
    feed.answered_call("c1", 1, at(10, 0, 0), 10)
        .answered_call("c2", 1, at(10, 1, 0), 30)
        .abandoned_call("c3", 1, at(10, 2, 0), 40)
        .answered_call("c4", 1, at(10, 3, 0), 20);
    let snapshot = feed.snapshot(at(10, 5, 0));
    let g = of(&snapshot, Scope::Group(1));
    let sl = indicator(g, Indicator::ServiceLevel);
    // 2 of 4 within T: 50 %, 30 points below the 80 % target, past the critical 10;
    // but 4 calls are too few for a verdict: grey, marked so.
    assert_eq!(sl.value, Some(50.0));
    assert_eq!(sl.deviation, Some(-30.0));
    assert_eq!(
        (sl.color, sl.sample_calls, sl.too_few_calls),
        (Color::Grey, Some(4.0), true)
    );
    assert_eq!(sl.unit, "percent");
    // The newest event is c4's answer at 10:03:20, 100 s before.
    assert_eq!(sl.freshness_seconds, Some(100.0));
    assert_eq!(g.offered_today, 4);
    assert_eq!(g.answered_today, 3);
    assert_eq!(g.answered_within_target_today, 2);
    assert_eq!(g.abandoned_today, 1);
    // ACD: 3 answered of 4; no forecast, so no plan and grey.
    let acd = indicator(g, Indicator::Acd);
    assert_eq!(acd.value, Some(75.0));
    assert_eq!((acd.plan, acd.color), (None, Color::Grey));
    // ASA over answered calls only: (10 + 30 + 20) / 3.
    assert_eq!(g.asa_seconds, Some(20.0));
    assert_eq!(g.abandonment_percent, Some(25.0));
    assert_eq!(g.abandonment_excluding_short_percent, Some(25.0));
    // All four were offered within (09:50, 10:05].
    assert_eq!(g.sl_window_percent, Some(50.0));
}

#[test]
fn all_abandoned_is_zero_service_level() {
    let mut feed = one_group(group(1, 10));
    feed.abandoned_call("c1", 1, at(9, 0, 0), 30)
        .abandoned_call("c2", 1, at(9, 5, 0), 5);
    let snapshot = feed.snapshot(at(9, 10, 0));
    let g = of(&snapshot, Scope::Group(1));
    assert_eq!(indicator(g, Indicator::ServiceLevel).value, Some(0.0));
    // Two calls: no verdict.
    assert_eq!(indicator(g, Indicator::ServiceLevel).color, Color::Grey);
    assert_eq!(indicator(g, Indicator::Acd).value, Some(0.0));
    assert_eq!(g.offered_today, 2);
    assert_eq!(g.abandonment_percent, Some(100.0));
    assert_eq!(g.asa_seconds, None);
}

#[test]
fn short_abandons_are_left_out_of_service_level_but_not_abandonment() {
    let short = GroupSettings {
        short_abandon_seconds: 5,
        ..group(1, 10)
    };
    let mut without = one_group(short.clone());
    without.answered_call("c1", 1, at(10, 0, 0), 5);
    let mut with = one_group(short);
    // The same answered call, and a caller hanging up after 3 s (< S = 5).
    with.answered_call("c1", 1, at(10, 0, 0), 5)
        .abandoned_call("c2", 1, at(10, 1, 0), 3);
    let (a, b) = (without.snapshot(at(10, 5, 0)), with.snapshot(at(10, 5, 0)));
    let (a, b) = (of(&a, Scope::Group(1)), of(&b, Scope::Group(1)));
    assert_eq!(indicator(b, Indicator::ServiceLevel).value, Some(100.0));
    assert_eq!(
        indicator(a, Indicator::ServiceLevel).value,
        indicator(b, Indicator::ServiceLevel).value
    );
    assert_eq!((a.offered_today, b.offered_today), (1, 1));
    assert_eq!((b.abandoned_today, b.short_abandoned_today), (1, 1));
    // 1 abandoned of 1 answered + 1 abandoned; without the short one, 0 of 1.
    assert_eq!(b.abandonment_percent, Some(50.0));
    assert_eq!(b.abandonment_excluding_short_percent, Some(0.0));
    // ACD keeps every abandon: 1 answered of 2.
    assert_eq!(indicator(b, Indicator::Acd).value, Some(50.0));
    assert_eq!(b.sl_window_percent, Some(100.0));
}

#[test]
fn a_short_abandon_after_waiting_past_the_target_counts_only_while_it_waits() {
    // S = 30 > T = 20: a caller hanging up after 25 s was missed from 20 s on, and is
    // left out once it turns out short.
    let mut feed = one_group(GroupSettings {
        short_abandon_seconds: 30,
        ..group(1, 10)
    });
    feed.offer(at(10, 0, 0), "c1", 1);
    let waiting = feed.snapshot(at(10, 0, 22));
    assert_eq!(of(&waiting, Scope::Group(1)).offered_today, 1);
    feed.abandon(at(10, 0, 25), "c1");
    let after = feed.snapshot(at(10, 0, 30));
    let g = of(&after, Scope::Group(1));
    assert_eq!(g.offered_today, 0);
    assert_eq!(indicator(g, Indicator::ServiceLevel).value, None);
    assert_eq!(indicator(g, Indicator::Acd).value, Some(0.0));
}

#[test]
fn a_call_waiting_past_the_target_is_missed_at_once() {
    let mut feed = one_group(group(1, 10));
    feed.offer(at(10, 0, 0), "c1", 1);
    // Waiting 15 s, then exactly T = 20 s: not counted yet.
    for now in [at(10, 0, 15), at(10, 0, 20)] {
        let snapshot = feed.snapshot(now);
        let g = of(&snapshot, Scope::Group(1));
        assert_eq!(g.offered_today, 0, "{now}");
        assert_eq!(indicator(g, Indicator::ServiceLevel).value, None);
        assert_eq!(g.queue_now, 1);
    }
    // 21 s: longer than T, missed before anything happens to it.
    let snapshot = feed.snapshot(at(10, 0, 21));
    let g = of(&snapshot, Scope::Group(1));
    assert_eq!(g.offered_today, 1);
    assert_eq!(indicator(g, Indicator::ServiceLevel).value, Some(0.0));
    assert_eq!(g.sl_window_percent, Some(0.0));
    assert_eq!(g.longest_wait_seconds, 21.0);
    // Answered at 40 s it stays missed.
    feed.answer(at(10, 0, 40), "c1", 1);
    let snapshot = feed.snapshot(at(10, 1, 0));
    let g = of(&snapshot, Scope::Group(1));
    assert_eq!(
        (
            g.offered_today,
            g.answered_today,
            g.answered_within_target_today
        ),
        (1, 1, 0)
    );
    assert_eq!(indicator(g, Indicator::ServiceLevel).value, Some(0.0));
    assert_eq!((g.queue_now, g.longest_wait_seconds), (0, 0.0));
    assert_eq!(g.asa_seconds, Some(40.0));
}

#[test]
fn queue_and_longest_wait() {
    let mut feed = one_group(group(1, 10));
    feed.offer(at(10, 0, 0), "c1", 1)
        .offer(at(10, 0, 30), "c2", 1)
        .offer(at(10, 0, 50), "c3", 1)
        .answer(at(10, 0, 55), "c1", 1);
    let snapshot = feed.snapshot(at(10, 1, 0));
    let g = of(&snapshot, Scope::Group(1));
    assert_eq!(g.queue_now, 2);
    assert_eq!(g.longest_wait_seconds, 30.0);
    // c1 missed (55 s), c2 waiting 30 s > T missed, c3 waiting 10 s not counted yet.
    assert_eq!(g.offered_today, 2);
}

#[test]
fn times_out_of_order_never_make_negative_waits() {
    let mut feed = one_group(group(1, 10));
    // The answer is stamped a second before the offer.
    feed.offer(at(10, 0, 10), "c1", 1)
        .answer(at(10, 0, 9), "c1", 1);
    feed.end(at(10, 0, 8), "c1", 60.0, 0.0)
        .wrap_up(at(10, 0, 7), "c1");
    let snapshot = feed.snapshot(at(10, 5, 0));
    let g = of(&snapshot, Scope::Group(1));
    assert_eq!(g.asa_seconds, Some(0.0));
    assert_eq!(indicator(g, Indicator::ServiceLevel).value, Some(100.0));
    assert_eq!(feed.center.last_event_at(), Some(at(10, 0, 10)));
    assert_eq!(feed.center.ignored_events(), 0);
}

#[test]
fn unknown_ids_and_misplaced_events_are_ignored_and_counted() {
    let mut feed = one_group(group(1, 10));
    let before = feed.center.clone();
    feed.offer(at(10, 0, 0), "c1", 99) // unknown group
        .answer(at(10, 0, 1), "nope", 1) // unknown call
        .abandon(at(10, 0, 2), "nope")
        .end(at(10, 0, 3), "nope", 1.0, 1.0)
        .wrap_up(at(10, 0, 4), "nope")
        .state(at(10, 0, 5), 77, crate::event::AgentState::Ready, None) // unknown agent
        .state(at(10, 0, 6), 1, crate::event::AgentState::Ready, Some(99)); // unknown group
    assert_eq!(feed.center.ignored_events(), 7);
    let figures_before = before.snapshot(at(10, 1, 0));
    let figures_after = feed.center.snapshot(at(10, 1, 0));
    assert_eq!(
        figures_before.groups[0].offered_today,
        figures_after.groups[0].offered_today
    );
    assert_eq!(figures_after.groups[0].online, 0);
    feed.offer(at(10, 1, 0), "c2", 1)
        .offer(at(10, 1, 1), "c2", 1) // offered twice
        .answer(at(10, 1, 2), "c2", 55) // unknown agent
        .end(at(10, 1, 3), "c2", 1.0, 0.0) // not answered yet
        .abandon(at(10, 1, 4), "c2")
        .answer(at(10, 1, 5), "c2", 1); // no longer waiting: forgotten
    assert_eq!(feed.center.ignored_events(), 11);
    assert_eq!(feed.center.last_event_at(), Some(at(10, 1, 5)));
}

#[test]
fn handle_time_counts_when_wrap_up_ends() {
    let mut forecast_feed = one_group(group(1, 10));
    let feed = &mut forecast_feed;
    feed.center.set_plan(
        vec![forecast(1, at(10, 0, 0), at(10, 15, 0), 10.0, 100.0, 100.0)],
        vec![],
    );
    feed.answered_call("c1", 1, at(10, 0, 0), 5)
        .end(at(10, 2, 5), "c1", 100.0, 20.0);
    // Talk and hold are known, wrap-up is not: nothing handled yet.
    let snapshot = feed.snapshot(at(10, 3, 0));
    assert_eq!(
        indicator(of(&snapshot, Scope::Group(1)), Indicator::AhtTrend).value,
        None
    );
    // 100 talk + 20 hold + 30 wrap-up = 150 s against a forecast 100 s: +50 %.
    feed.wrap_up(at(10, 2, 35), "c1");
    let snapshot = feed.snapshot(at(10, 3, 0));
    let aht = indicator(of(&snapshot, Scope::Group(1)), Indicator::AhtTrend);
    assert_eq!(aht.value, Some(50.0));
    assert_eq!(aht.plan, Some(100.0));
    // One handled call is no verdict (the observed -99 % from one 3.2 s call).
    assert_eq!((aht.color, aht.too_few_calls), (Color::Grey, true));
}

#[test]
fn intervals_give_each_interval_its_offered_calls() {
    let mut feed = one_group(group(1, 10));
    feed.center.set_plan(
        vec![forecast(1, at(10, 0, 0), at(10, 30, 0), 30.0, 180.0, 90.0)],
        vec![],
    );
    // 10:00-10:15: two hits and a miss answered after 10:15 (still this interval's).
    feed.answered_call("a", 1, at(10, 0, 0), 5)
        .answered_call("b", 1, at(10, 5, 0), 20)
        .offer(at(10, 14, 50), "c", 1)
        .answer(at(10, 15, 30), "c", 1);
    // 10:15-10:30: one hit; one short-free abandon.
    feed.answered_call("d", 1, at(10, 15, 0), 1)
        .abandoned_call("e", 1, at(10, 16, 0), 2)
        // 10:30-10:45: still waiting, 40 s at the newest event.
        .offer(at(10, 30, 0), "f", 1)
        .offer(at(10, 30, 40), "g", 1);
    let intervals = feed.center.intervals(1, day(), at(10, 30, 40));
    assert_eq!(intervals.len(), 96);
    let first = &intervals[40];
    assert_eq!(first.interval.start, at(10, 0, 0));
    assert_eq!(
        (first.offered, first.answered, first.answered_within_target),
        (3, 3, 2)
    );
    assert_close(first.sl_percent, 200.0 / 3.0);
    assert!(first.breached);
    assert_eq!(first.forecast_calls, Some(15.0));
    let second = &intervals[41];
    assert_eq!(
        (second.offered, second.answered, second.abandoned),
        (2, 1, 1)
    );
    assert_eq!(second.sl_percent, Some(50.0));
    let third = &intervals[42];
    // f waited 40 s > T at the newest event (10:30:40); g 0 s.
    assert_eq!(
        (third.offered, third.answered, third.sl_percent),
        (1, 0, Some(0.0))
    );
    assert_eq!(third.forecast_calls, None);
    let quiet = &intervals[0];
    assert_eq!(
        (quiet.offered, quiet.sl_percent, quiet.breached),
        (0, None, false)
    );
    assert_eq!(quiet.target_percent, 80.0);
    assert!(feed.center.intervals(99, day(), at(10, 30, 40)).is_empty());
    let later = feed
        .center
        .intervals(1, day() + Duration::days(1), at(10, 30, 40));
    assert!(later.iter().all(|i| i.offered == 0));
}
