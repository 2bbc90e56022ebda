//! A contact-center feed's health: silence (degraded, then down: the outage), events
//! arriving late, status updates under half of those expected, rejected input.

use chrono::{DateTime, TimeDelta, Utc};

use super::{
    Component, ComponentHealth, Outcomes, Rate, Status, Thresholds, health, problem, seconds,
};
use crate::freshness::span;

/// What a contact-center feed did, as its tracker counted it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeedObservation {
    /// When the newest accepted event happened.
    pub newest_at: Option<DateTime<Utc>>,
    /// When an event was last received (accepted).
    pub newest_received_at: Option<DateTime<Utc>>,
    /// The first receipt of the current run of data (no silence of `down_after` in it): a
    /// feed back from an outage is judged on its rate since then.
    pub run_started_at: Option<DateTime<Utc>>,
    /// Events received in the rate window ending now.
    pub recent: u64,
    /// Events received in each of the (up to `baseline_windows`) whole windows before it
    /// that the history covers, oldest first. Their median is the expected count: a burst
    /// (operators logging in at a shift's start) does not raise it.
    pub baseline: Vec<u64>,
    /// The longest receipt-minus-event time among the events of the rate window.
    pub max_delay: Option<TimeDelta>,
    /// Accepted against rejected items, the last hour and the last day.
    pub hour: Outcomes,
    pub day: Outcomes,
    /// Whether data is expected now (operators are planned or on line).
    pub expected: bool,
    /// Since when the feed has been watched (the service's start): a feed that has never
    /// delivered is down only once it has been watched for the down limit, so a service
    /// that has just started does not report an outage before the first event can come.
    pub watching_since: Option<DateTime<Utc>>,
}

/// The median of `counts`; `None` without any.
fn median(counts: &[u64]) -> Option<f64> {
    let mut counts = counts.to_vec();
    counts.sort_unstable();
    let n = counts.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(counts[n / 2] as f64),
        _ => Some((counts[n / 2 - 1] + counts[n / 2]) as f64 / 2.0),
    }
}

/// The expected events per rate window: the median of the baseline windows.
fn expected_per_window(o: &FeedObservation) -> Option<f64> {
    median(&o.baseline)
}

/// Silence allowed before degraded and before down: the thresholds, stretched for a feed
/// whose usual gap between events is long (5 and 10 usual gaps), so that a quiet feed is
/// not taken for a dead one. The usual gap is that of the windows before the silence (the
/// empty windows at the end are the silence itself), so that a silence does not stretch
/// its own limits.
fn silence_limits(o: &FeedObservation, t: &Thresholds) -> (TimeDelta, TimeDelta) {
    let before = o
        .baseline
        .iter()
        .rposition(|c| *c > 0)
        .map_or(&[][..], |last| &o.baseline[..=last]);
    let Some(per_window) = median(before).filter(|e| *e > 0.0) else {
        return (t.degraded_after, t.down_after);
    };
    let gap_ms = (t.rate_window.num_milliseconds() as f64 / per_window).round() as i64;
    let gap = TimeDelta::milliseconds(gap_ms.max(1));
    (t.degraded_after.max(gap * 5), t.down_after.max(gap * 10))
}

/// Fewer expected per window than this and the update-rate rule says nothing: too few to
/// tell a drop from chance.
const MIN_EXPECTED_PER_WINDOW: f64 = 4.0;

/// A contact-center feed's health. Down: no data for `down_after` while data is expected
/// (or never any while expected, once watched for `down_after`). Degraded: no data for `degraded_after`; events arriving
/// more than `max_delay` after they happened; for the status feed (`update_rule`), fewer
/// updates in the rate window than `min_update_ratio` of the baseline's median (when at
/// least 4 a window are expected; a run of data younger than the window is held to its
/// share of it, and not judged in its first quarter); more than `1 - min_success_ratio` of
/// the last hour's items rejected. While no data is expected (nobody planned or on line),
/// silence is no problem.
pub fn assess_feed(
    component: Component,
    o: &FeedObservation,
    update_rule: bool,
    now: DateTime<Utc>,
    t: &Thresholds,
) -> ComponentHealth {
    let mut problems = Vec::new();
    let (degraded_after, down_after) = silence_limits(o, t);
    let mut silent = false;
    let just_started = o
        .watching_since
        .is_some_and(|since| now - since < down_after);
    match o.newest_received_at {
        None if o.expected && !just_started => problems.push(problem(
            "no_data",
            Status::Down,
            None,
            "no data received yet, although operators are planned or on line".into(),
        )),
        None => {}
        Some(last) => {
            let quiet = now - last;
            if o.expected && quiet >= degraded_after {
                silent = true;
                let down = quiet >= down_after;
                problems.push(problem(
                    "no_data",
                    if down { Status::Down } else { Status::Degraded },
                    Some(last),
                    format!(
                        "no data for {} (last received {}){}",
                        span(quiet),
                        last.to_rfc3339(),
                        if down {
                            ": outage".to_string()
                        } else {
                            format!(": down if none comes within {}", span(down_after - quiet))
                        }
                    ),
                ));
            }
        }
    }
    if let Some(delay) = o.max_delay.filter(|d| *d > t.max_delay) {
        problems.push(problem(
            "feed_delay",
            Status::Degraded,
            None,
            format!(
                "events arrive up to {} after they happened (more than {})",
                span(delay),
                span(t.max_delay)
            ),
        ));
    }
    let expected = expected_per_window(o);
    // A run younger than the window is held to the share of the window it has lasted, and
    // not judged at all in its first quarter.
    let lasted = o
        .run_started_at
        .map_or(t.rate_window, |start| (now - start).min(t.rate_window));
    let share = seconds(lasted) / seconds(t.rate_window).max(0.001);
    if update_rule
        && o.expected
        && !silent
        && share >= 0.25
        && let Some(expected) = expected.filter(|e| *e >= MIN_EXPECTED_PER_WINDOW)
        && (o.recent as f64) < t.min_update_ratio * expected * share
    {
        problems.push(problem(
            "low_update_rate",
            Status::Degraded,
            None,
            format!(
                "{} updates in the last {}, under {:.0} % of the {expected:.1} expected",
                o.recent,
                span(t.rate_window),
                t.min_update_ratio * 100.0
            ),
        ));
    }
    if let Some(p) = o
        .hour
        .percent()
        .filter(|p| *p < t.min_success_ratio * 100.0)
    {
        problems.push(problem(
            "rejected_input",
            Status::Degraded,
            None,
            format!(
                "{} of {} items rejected in the last hour: {p:.1} % accepted, under {:.0} %",
                o.hour.failed,
                o.hour.ok + o.hour.failed,
                t.min_success_ratio * 100.0
            ),
        ));
    }
    let per_minute = 60.0 / seconds(t.rate_window).max(0.001);
    let mut h = health(component, problems);
    h.last_data_at = o.newest_at;
    h.freshness_seconds = o.newest_at.map(|at| seconds(now - at));
    h.expected_cycle_seconds = Some(seconds(degraded_after));
    h.rate = Some(Rate {
        per: "minute",
        expected: expected.map(|e| e * per_minute),
        actual: o.recent as f64 * per_minute,
    });
    h.success_percent_hour = o.hour.percent();
    h.success_percent_day = o.day.percent();
    h
}
