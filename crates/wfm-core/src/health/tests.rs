use chrono::TimeZone;

use super::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap()
}

fn at(seconds: i64) -> DateTime<Utc> {
    t0() + TimeDelta::seconds(seconds)
}

/// What a feed tracker would report at `now` for events received at `times` (each
/// stamped `delay` before its receipt), with the default thresholds' windows.
fn observe(times: &[DateTime<Utc>], delay: TimeDelta, now: DateTime<Utc>) -> FeedObservation {
    let t = Thresholds::default();
    let seen: Vec<DateTime<Utc>> = times.iter().copied().filter(|x| *x <= now).collect();
    let window_start = now - t.rate_window;
    // Whole windows before the current one that the history (from the first event) covers.
    let mut baseline = Vec::new();
    if let Some(first) = seen.first() {
        for k in (1..=15).rev() {
            let from = window_start - t.rate_window * k;
            if from >= *first - TimeDelta::seconds(1) {
                let to = from + t.rate_window;
                baseline.push(seen.iter().filter(|x| **x > from && **x <= to).count() as u64);
            }
        }
    }
    let mut run_started_at = None;
    let mut previous: Option<DateTime<Utc>> = None;
    for x in &seen {
        if previous.is_none_or(|p| *x - p >= t.down_after) {
            run_started_at = Some(*x);
        }
        previous = Some(*x);
    }
    FeedObservation {
        newest_at: seen.last().map(|x| *x - delay),
        newest_received_at: seen.last().copied(),
        run_started_at,
        recent: seen.iter().filter(|x| **x > window_start).count() as u64,
        baseline,
        max_delay: seen.iter().any(|x| *x > window_start).then_some(delay),
        hour: Outcomes {
            ok: seen.len() as u64,
            failed: 0,
        },
        day: Outcomes::default(),
        expected: true,
        watching_since: None,
    }
}

fn causes(h: &ComponentHealth) -> Vec<(&'static str, Status)> {
    h.problems.iter().map(|p| (p.cause, p.status)).collect()
}

#[test]
fn a_stopped_feed_is_degraded_within_a_minute_and_down_within_two_then_healthy_again() {
    let t = Thresholds::default();
    // Two status updates a second for twenty minutes, a stop, then back at 22 min.
    let mut times: Vec<DateTime<Utc>> = (0..2400)
        .map(|i| t0() + TimeDelta::milliseconds(500 * i))
        .collect();
    let stopped = *times.last().unwrap();
    times.extend((0..240).map(|i| at(1320) + TimeDelta::milliseconds(500 * i)));
    let status = |now: DateTime<Utc>| {
        assess_feed(
            Component::ContactCenterStatus,
            &observe(&times, TimeDelta::seconds(1), now),
            true,
            now,
            &t,
        )
    };
    let mut first_degraded = None;
    let mut first_down = None;
    let mut now = stopped;
    while now < at(1320) {
        let h = status(now);
        match h.status {
            Status::Degraded if first_degraded.is_none() => first_degraded = Some(now),
            Status::Down if first_down.is_none() => first_down = Some(now),
            _ => {}
        }
        now += TimeDelta::seconds(1);
    }
    // Half the expected updates are missing 31 s after the stop; silence counts from 60 s.
    assert_eq!(first_degraded, Some(stopped + TimeDelta::seconds(31)));
    assert_eq!(
        causes(&status(stopped + TimeDelta::seconds(31))),
        [("low_update_rate", Status::Degraded)]
    );
    assert_eq!(
        causes(&status(stopped + TimeDelta::seconds(60))),
        [("no_data", Status::Degraded)]
    );
    assert_eq!(first_down, Some(stopped + TimeDelta::seconds(120)));
    let down = status(stopped + TimeDelta::seconds(120));
    assert_eq!(causes(&down), [("no_data", Status::Down)]);
    assert_eq!(down.problems[0].since, Some(stopped));
    assert!(
        down.problems[0].message.ends_with(": outage"),
        "{}",
        down.problems[0].message
    );
    assert_eq!(down.last_data_at, Some(stopped - TimeDelta::seconds(1)));
    assert_eq!(down.freshness_seconds, Some(121.0));
    // Back: healthy at once, the low rate of the first seconds of the run forgiven.
    for s in [1320, 1321, 1330, 1350, 1380, 1400, 1440] {
        let h = status(at(s));
        assert_eq!(h.status, Status::Healthy, "{s}: {:?}", h.problems);
    }
}

#[test]
fn update_rate_under_half_of_the_baseline_is_degraded() {
    let t = Thresholds::default();
    let o = FeedObservation {
        newest_at: Some(at(0)),
        newest_received_at: Some(at(0)),
        run_started_at: Some(at(-3600)),
        recent: 29,
        baseline: vec![60; 15],
        expected: true,
        ..FeedObservation::default()
    };
    let h = assess_feed(Component::ContactCenterStatus, &o, true, at(1), &t);
    assert_eq!(causes(&h), [("low_update_rate", Status::Degraded)]);
    assert_eq!(
        h.problems[0].message,
        "29 updates in the last 60 s, under 50 % of the 60.0 expected"
    );
    assert_eq!(
        h.rate,
        Some(Rate {
            per: "minute",
            expected: Some(60.0),
            actual: 29.0
        })
    );
    // Exactly half is not under half; the call feed is not held to the rule.
    let half = FeedObservation {
        recent: 30,
        ..o.clone()
    };
    assert_eq!(
        assess_feed(Component::ContactCenterStatus, &half, true, at(1), &t).status,
        Status::Healthy
    );
    assert_eq!(
        assess_feed(Component::CallEvents, &o, false, at(1), &t).status,
        Status::Healthy
    );
    // A young history: the median of the 2 windows seen is 50, so 24 is under half.
    let young = FeedObservation {
        recent: 24,
        baseline: vec![40, 60],
        ..o.clone()
    };
    let h = assess_feed(Component::ContactCenterStatus, &young, true, at(1), &t);
    assert_eq!(causes(&h), [("low_update_rate", Status::Degraded)]);
    assert_eq!(h.rate.unwrap().expected, Some(50.0));
    // Less than a window seen: no expectation yet.
    let newborn = FeedObservation {
        baseline: Vec::new(),
        ..young
    };
    let h = assess_feed(Component::ContactCenterStatus, &newborn, true, at(1), &t);
    assert_eq!(
        (h.status, h.rate.unwrap().expected),
        (Status::Healthy, None)
    );
    // A burst does not raise the expectation: the median of these is 60.
    let burst = FeedObservation {
        recent: 31,
        baseline: vec![60, 60, 900, 60, 60],
        ..o.clone()
    };
    assert_eq!(
        assess_feed(Component::ContactCenterStatus, &burst, true, at(1), &t).status,
        Status::Healthy
    );
    // Too little traffic to tell: 3 a window expected.
    let thin = FeedObservation {
        recent: 0,
        baseline: vec![3; 15],
        ..o
    };
    assert_eq!(
        assess_feed(Component::ContactCenterStatus, &thin, true, at(1), &t).status,
        Status::Healthy
    );
}

#[test]
fn a_quiet_feed_gets_longer_silences_and_an_idle_one_none() {
    let t = Thresholds::default();
    // One event a minute: the usual gap is 60 s, so degraded after 5 min, down after 10.
    let o = FeedObservation {
        newest_at: Some(at(0)),
        newest_received_at: Some(at(0)),
        baseline: vec![1; 15],
        expected: true,
        ..FeedObservation::default()
    };
    let status = |s| assess_feed(Component::CallEvents, &o, false, at(s), &t).status;
    assert_eq!(
        [status(299), status(300), status(599), status(600)],
        [
            Status::Healthy,
            Status::Degraded,
            Status::Degraded,
            Status::Down
        ]
    );
    assert_eq!(
        assess_feed(Component::CallEvents, &o, false, at(0), &t).expected_cycle_seconds,
        Some(300.0)
    );
    // The silence does not stretch its own limits: empty windows at the end are left out.
    let silent = FeedObservation {
        baseline: vec![60, 60, 60, 0, 0, 0, 0, 0],
        ..o.clone()
    };
    let status = |s| assess_feed(Component::CallEvents, &silent, false, at(s), &t).status;
    assert_eq!(
        [status(59), status(60), status(120)],
        [Status::Healthy, Status::Degraded, Status::Down]
    );
    // Nobody planned or on line: silence is no problem.
    let idle = FeedObservation {
        expected: false,
        ..o
    };
    assert_eq!(
        assess_feed(Component::CallEvents, &idle, false, at(7200), &t).status,
        Status::Healthy
    );
    // Never any data while operators are planned: down.
    let never = FeedObservation {
        expected: true,
        ..FeedObservation::default()
    };
    let h = assess_feed(Component::CallEvents, &never, false, at(0), &t);
    assert_eq!(causes(&h), [("no_data", Status::Down)]);
    assert_eq!(h.rate.unwrap().expected, None);
    // A service started at 0 waits the down limit (120 s) for the first event before it
    // calls the feed down: a fresh demo raised a critical outage in its first minute.
    let starting = FeedObservation {
        watching_since: Some(at(0)),
        ..never.clone()
    };
    let status = |s| assess_feed(Component::CallEvents, &starting, false, at(s), &t).status;
    assert_eq!(
        [status(0), status(119), status(120)],
        [Status::Healthy, Status::Healthy, Status::Down]
    );
    let nothing = FeedObservation::default();
    assert_eq!(
        assess_feed(Component::CallEvents, &nothing, false, at(0), &t).status,
        Status::Healthy
    );
}

#[test]
fn late_events_and_rejected_input_degrade_a_feed() {
    let t = Thresholds::default();
    let o = FeedObservation {
        newest_at: Some(at(-301)),
        newest_received_at: Some(at(0)),
        max_delay: Some(TimeDelta::seconds(301)),
        hour: Outcomes { ok: 94, failed: 6 },
        day: Outcomes { ok: 994, failed: 6 },
        expected: true,
        ..FeedObservation::default()
    };
    let h = assess_feed(Component::CallEvents, &o, false, at(0), &t);
    assert_eq!(
        causes(&h),
        [
            ("feed_delay", Status::Degraded),
            ("rejected_input", Status::Degraded)
        ]
    );
    assert_eq!(
        h.problems[0].message,
        "events arrive up to 5 min 1 s after they happened (more than 5 min)"
    );
    assert_eq!(
        h.problems[1].message,
        "6 of 100 items rejected in the last hour: 94.0 % accepted, under 95 %"
    );
    assert_eq!(h.freshness_seconds, Some(301.0));
    assert_eq!(
        (h.success_percent_hour, h.success_percent_day),
        (Some(94.0), Some(99.4))
    );
    let fine = FeedObservation {
        max_delay: Some(TimeDelta::seconds(300)),
        hour: Outcomes { ok: 95, failed: 5 },
        ..o
    };
    assert_eq!(
        assess_feed(Component::CallEvents, &fine, false, at(0), &t).status,
        Status::Healthy
    );
}

#[test]
fn queue_statistics_lacking_key_metrics_or_implausible_are_degraded() {
    let o = QueueObservation {
        groups: 3,
        gaps: vec![GroupGap {
            name: "Line 1".into(),
            missing: vec!["service_level", "acd"],
        }],
        implausible: vec!["group:2 service_level".into()],
        newest_call_at: Some(at(-5)),
        call_feed: Status::Healthy,
    };
    let h = assess_queue(&o, at(0));
    assert_eq!(
        causes(&h),
        [
            ("missing_metrics", Status::Degraded),
            ("implausible_values", Status::Degraded)
        ]
    );
    assert_eq!(
        h.problems[0].message,
        "key metrics missing in 1 of 3 groups (Line 1: service_level, acd)"
    );
    assert_eq!(h.freshness_seconds, Some(5.0));
    let stale = QueueObservation {
        call_feed: Status::Down,
        ..QueueObservation::default()
    };
    let h = assess_queue(&stale, at(0));
    assert_eq!(causes(&h), [("stale", Status::Degraded)]);
    assert_eq!(
        assess_queue(&QueueObservation::default(), at(0)).status,
        Status::Healthy
    );
}

#[test]
fn one_c_failing_probes_are_degraded_then_down_two_minutes_after_its_last_answer() {
    let t = Thresholds::default();
    // Probes every 30 s: answered at 0, no answer from 30 on, answered again at 180.
    let probes: Vec<(i64, bool)> = (0..=7).map(|i| (i * 30, i == 0 || i >= 6)).collect();
    let mut seen = Vec::new();
    let mut a = Availability::default();
    for (s, ok) in probes {
        if ok {
            a.last_ok = Some(at(s));
            a.failing_since = None;
            a.last_error = None;
        } else {
            a.failing_since.get_or_insert(at(s));
            a.last_error = Some("cannot reach 1C ZUP: connection refused".into());
        }
        let h = assess_sync(
            Component::ZupPersonnel,
            &SyncObservation::default(),
            &a,
            at(s),
            &t,
        );
        seen.push((s, h.status));
    }
    assert_eq!(
        seen,
        [
            (0, Status::Healthy),
            (30, Status::Degraded),
            (60, Status::Degraded),
            (90, Status::Degraded),
            (120, Status::Down),
            (150, Status::Down),
            (180, Status::Healthy),
            (210, Status::Healthy)
        ]
    );
    let failing = Availability {
        last_ok: Some(at(0)),
        failing_since: Some(at(30)),
        last_error: Some("HTTP 503".into()),
        circuit_open: false,
    };
    let h = assess_sync(
        Component::ZupTimesheet,
        &SyncObservation::default(),
        &failing,
        at(120),
        &t,
    );
    assert_eq!(
        h.problems[0].message,
        "1C ZUP is unavailable (last answered 2026-11-26T10:00:00+00:00): HTTP 503"
    );
    assert_eq!(h.problems[0].since, Some(at(0)));
    let h = assess_sync(
        Component::ZupTimesheet,
        &SyncObservation::default(),
        &failing,
        at(31),
        &t,
    );
    assert_eq!(
        h.problems[0].message,
        "1C ZUP is unavailable (last answered 2026-11-26T10:00:00+00:00): HTTP 503; \
         down if it stays so for 89 s"
    );
    // Never answered since the first probe: down two minutes after it.
    let never = Availability {
        failing_since: Some(at(0)),
        ..Availability::default()
    };
    let status = |s| {
        assess_sync(
            Component::ZupPersonnel,
            &SyncObservation::default(),
            &never,
            at(s),
            &t,
        )
        .status
    };
    assert_eq!((status(119), status(120)), (Status::Degraded, Status::Down));
    // A call that succeeded after the failed probe outweighs it.
    let answered = Availability {
        last_ok: Some(at(40)),
        failing_since: Some(at(30)),
        ..Availability::default()
    };
    assert_eq!(
        assess_sync(
            Component::ZupPersonnel,
            &SyncObservation::default(),
            &answered,
            at(400),
            &t
        )
        .status,
        Status::Healthy
    );
}

#[test]
fn sync_success_rate_dead_jobs_staleness_circuit_and_halt_degrade() {
    let t = Thresholds::default();
    let up = Availability {
        last_ok: Some(at(0)),
        ..Availability::default()
    };
    let day = TimeDelta::hours(25);
    let fine = SyncObservation {
        last_success_at: Some(at(-3600)),
        expected_cycle: Some(day),
        syncs_hour: Outcomes { ok: 19, failed: 1 },
        syncs_day: Outcomes { ok: 38, failed: 2 },
        ..SyncObservation::default()
    };
    let h = assess_sync(Component::ZupPersonnel, &fine, &up, at(0), &t);
    assert_eq!(h.status, Status::Healthy, "{:?}", h.problems);
    assert_eq!(
        (h.success_percent_hour, h.success_percent_day),
        (Some(95.0), Some(95.0))
    );
    assert_eq!(
        h.rate,
        Some(Rate {
            per: "day",
            expected: Some(86_400.0 / 90_000.0),
            actual: 38.0
        })
    );
    assert_eq!(
        (h.freshness_seconds, h.expected_cycle_seconds),
        (Some(3600.0), Some(90_000.0))
    );
    let bad = SyncObservation {
        last_success_at: Some(at(-90_001)),
        syncs_hour: Outcomes { ok: 18, failed: 2 },
        dead_jobs: vec![(7, "1C ZUP: It is forbidden to modify schedules".into())],
        halted: Some((at(-60), "12 of 100 employees (12.0 %) differ".into())),
        ..fine
    };
    let circuit = Availability {
        circuit_open: true,
        ..up.clone()
    };
    let h = assess_sync(Component::ZupPersonnel, &bad, &circuit, at(0), &t);
    assert_eq!(
        causes(&h),
        [
            ("circuit_open", Status::Degraded),
            ("low_success_rate", Status::Degraded),
            ("dead_jobs", Status::Degraded),
            ("stale", Status::Degraded),
            ("sync_halted", Status::Degraded),
        ]
    );
    assert_eq!(
        h.problems[1].message,
        "2 of 20 syncs failed in the last hour: 90.0 % succeeded, under 95 %"
    );
    assert_eq!(
        h.problems[2].message,
        "1 jobs failed for good; requeue them once the cause is mended \
         (job 7: 1C ZUP: It is forbidden to modify schedules)"
    );
    assert_eq!(
        h.problems[3].message,
        "last synced 25 h ago (2026-11-25T08:59:59+00:00), longer than the expected cycle of 25 h"
    );
    assert!(
        h.problems[4]
            .message
            .starts_with("automatic synchronization halted: 12 of 100")
    );
    // On request only: no cycle, no staleness.
    let on_request = SyncObservation {
        last_success_at: Some(at(-10_000_000)),
        ..SyncObservation::default()
    };
    let h = assess_sync(Component::ZupScheduleUpload, &on_request, &up, at(0), &t);
    assert_eq!(
        (h.status, h.rate.unwrap().expected),
        (Status::Healthy, None)
    );
}

#[test]
fn the_overall_status_is_the_worst_and_levels_round_trip() {
    let t = Thresholds::default();
    let healthy = assess_queue(&QueueObservation::default(), at(0));
    let down = assess_feed(
        Component::CallEvents,
        &FeedObservation {
            expected: true,
            ..FeedObservation::default()
        },
        false,
        at(0),
        &t,
    );
    assert_eq!(overall(&[]), Status::Healthy);
    assert_eq!(overall(std::slice::from_ref(&healthy)), Status::Healthy);
    assert_eq!(overall(&[healthy, down]), Status::Down);
    for s in [Status::Healthy, Status::Degraded, Status::Down] {
        assert_eq!(Status::of_level(s.level()), Some(s));
    }
    assert_eq!(Status::of_level(7.0), None);
    for c in Component::ALL {
        assert_eq!(Component::parse(c.as_str()), Some(c));
    }
    assert_eq!(Component::ALL.iter().filter(|c| c.is_zup()).count(), 3);
    assert_eq!(Component::parse("zup"), None);
}
