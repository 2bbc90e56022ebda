//! The ordering and range checks of a batch: times within reason, late events within the
//! re-ordering tolerance, call events after the call was offered.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use wfm_core::event::EventKind;
use wfm_store::live::NewEvent;

use super::{Candidate, Reason, Rejection};

/// Longest duration an event may carry.
const MAX_DURATION_SECONDS: f64 = 86_400.0;

/// What a batch is checked against.
pub struct Checks<'a> {
    pub now: DateTime<Utc>,
    /// How far in the future an event may be stamped (clock skew).
    pub max_ahead: Duration,
    /// How far in the past an event may be stamped.
    pub max_behind: Duration,
    /// The newest event time applied so far.
    pub watermark: Option<DateTime<Utc>>,
    /// How far before the watermark a late event is still put in its place.
    pub tolerance: Duration,
    /// When a call was offered, for calls already applied.
    pub offered_at: &'a (dyn Fn(&str) -> Option<DateTime<Utc>> + Sync),
}

fn call_of(kind: &EventKind) -> Option<&str> {
    match kind {
        EventKind::CallAnswered { call_id, .. }
        | EventKind::CallAbandoned { call_id }
        | EventKind::CallEnded { call_id, .. }
        | EventKind::WrapUpEnded { call_id } => Some(call_id),
        _ => None,
    }
}

/// Orders the batch by event time (a stable sort: equal times keep their order) and checks
/// each event; returns the events to store, in order, and the rejections.
pub fn order_and_check(mut batch: Vec<Candidate>, c: &Checks) -> (Vec<NewEvent>, Vec<Rejection>) {
    batch.sort_by_key(|cand| cand.event.at);
    let mut watermark = c.watermark;
    let mut offered_here: HashMap<String, DateTime<Utc>> = HashMap::new();
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    for cand in batch {
        match check(&cand.event, c, watermark, &offered_here) {
            Ok(()) => {
                if let EventKind::CallOffered { call_id, .. } = &cand.event.kind {
                    offered_here.insert(call_id.clone(), cand.event.at);
                }
                watermark = Some(watermark.map_or(cand.event.at, |w| w.max(cand.event.at)));
                accepted.push(cand.event);
            }
            Err((reason, field, message)) => rejected.push(Rejection {
                index: cand.index,
                event_id: Some(cand.event.event_id),
                reason,
                field: Some(field.into()),
                message,
            }),
        }
    }
    rejected.sort_by_key(|r| r.index);
    (accepted, rejected)
}

type Failure = (Reason, &'static str, String);

/// A group's counts hold together: within target <= answered <= received, with an operator
/// <= answered, answered and in queue <= received, totals of seconds finite and not negative.
fn check_load(l: &wfm_core::event::GroupLoad) -> Result<(), Failure> {
    let bad = |field, message: String| Err((Reason::Unreasonable, field, message));
    if l.answered > l.received {
        return bad(
            "answered",
            format!("{} answered of {} received", l.answered, l.received),
        );
    }
    if l.answered_within_target > l.answered {
        return bad(
            "answered_within_target",
            format!(
                "{} within target of {} answered",
                l.answered_within_target, l.answered
            ),
        );
    }
    if l.processing > l.answered {
        return bad(
            "processing",
            format!(
                "{} with an operator of {} answered",
                l.processing, l.answered
            ),
        );
    }
    if u64::from(l.answered) + u64::from(l.queue) > u64::from(l.received) {
        return bad(
            "queue",
            format!(
                "{} answered and {} in queue of {} received",
                l.answered, l.queue, l.received
            ),
        );
    }
    for (field, v) in [
        ("handle_seconds", l.handle_seconds),
        ("wait_seconds", l.wait_seconds),
    ] {
        if !(v.is_finite() && v >= 0.0) {
            return bad(field, format!("{v} is not a number of seconds"));
        }
    }
    Ok(())
}

fn check(
    e: &NewEvent,
    c: &Checks,
    watermark: Option<DateTime<Utc>>,
    offered_here: &HashMap<String, DateTime<Utc>>,
) -> Result<(), Failure> {
    if e.at > c.now + c.max_ahead {
        return Err((
            Reason::Unreasonable,
            "at",
            format!("{} is in the future", e.at.to_rfc3339()),
        ));
    }
    if e.at < c.now - c.max_behind {
        return Err((
            Reason::Unreasonable,
            "at",
            format!("{} is too old to apply live", e.at.to_rfc3339()),
        ));
    }
    if let EventKind::CallEnded {
        talk_seconds,
        hold_seconds,
        ..
    } = &e.kind
    {
        for (field, v) in [
            ("talk_seconds", talk_seconds),
            ("hold_seconds", hold_seconds),
        ] {
            if !(0.0..=MAX_DURATION_SECONDS).contains(v) {
                return Err((
                    Reason::Unreasonable,
                    field,
                    format!("{v} is not between 0 and 86400 seconds"),
                ));
            }
        }
    }
    if let EventKind::GroupLoad { load, .. } = &e.kind {
        check_load(load)?;
    }
    if let Some(w) = watermark
        && e.at < w - c.tolerance
    {
        return Err((
            Reason::OutOfOrder,
            "at",
            format!(
                "{} is more than {} s before events already applied ({})",
                e.at.to_rfc3339(),
                c.tolerance.num_seconds(),
                w.to_rfc3339()
            ),
        ));
    }
    if let Some(call) = call_of(&e.kind) {
        let offered = offered_here
            .get(call)
            .copied()
            .or_else(|| (c.offered_at)(call));
        match offered {
            None => {
                return Err((
                    Reason::UnknownReference,
                    "call_id",
                    format!("call {call:?} was never offered"),
                ));
            }
            Some(o) if e.at < o => {
                return Err((
                    Reason::OutOfOrder,
                    "at",
                    format!(
                        "call {call:?} cannot be {} before it was offered",
                        verb(&e.kind)
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn verb(kind: &EventKind) -> &'static str {
    match kind {
        EventKind::CallAnswered { .. } => "answered",
        EventKind::CallAbandoned { .. } => "abandoned",
        EventKind::CallEnded { .. } => "ended",
        _ => "wrapped up",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap() + Duration::seconds(s)
    }

    fn cand(index: usize, at: i64, kind: EventKind) -> Candidate {
        Candidate {
            index,
            event: NewEvent {
                event_id: format!("e{index}"),
                source: "native",
                at: t(at),
                kind,
            },
        }
    }

    fn offered(call: &str) -> EventKind {
        EventKind::CallOffered {
            call_id: call.into(),
            group_id: 1,
            customer_id: None,
        }
    }

    fn answered(call: &str) -> EventKind {
        EventKind::CallAnswered {
            call_id: call.into(),
            agent_id: 7,
        }
    }

    fn checks(
        watermark: Option<i64>,
        known: &(dyn Fn(&str) -> Option<DateTime<Utc>> + Sync),
    ) -> Checks<'_> {
        Checks {
            now: t(100),
            max_ahead: Duration::seconds(60),
            max_behind: Duration::hours(24),
            watermark: watermark.map(t),
            tolerance: Duration::seconds(10),
            offered_at: known,
        }
    }

    #[test]
    fn a_slightly_shuffled_batch_is_put_in_order() {
        let none = |_: &str| None;
        let batch = vec![cand(0, 5, answered("c1")), cand(1, 2, offered("c1"))];
        let (ok, bad) = order_and_check(batch, &checks(None, &none));
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(
            ok.iter().map(|e| e.event_id.as_str()).collect::<Vec<_>>(),
            ["e1", "e0"]
        );
    }

    #[test]
    fn late_future_unknown_and_premature_events_are_named() {
        let known = |call: &str| (call == "old").then(|| t(50));
        let batch = vec![
            cand(0, 75, offered("c2")),      // within tolerance of the watermark (80)
            cand(1, 60, offered("c3")),      // 20 s late: out of order
            cand(2, 200, offered("c4")),     // 100 s ahead of now: unreasonable
            cand(3, 85, answered("nobody")), // never offered
            cand(4, 82, answered("old")),    // offered before, in an earlier batch
            cand(5, 40, answered("old")),    // also 40 s late
            cand(
                6,
                90,
                EventKind::CallEnded {
                    call_id: "old".into(),
                    talk_seconds: -1.0,
                    hold_seconds: 0.0,
                },
            ),
        ];
        let (ok, bad) = order_and_check(batch, &checks(Some(80), &known));
        assert_eq!(
            ok.iter().map(|e| e.event_id.as_str()).collect::<Vec<_>>(),
            ["e0", "e4"]
        );
        let reasons: Vec<_> = bad
            .iter()
            .map(|r| (r.index, r.reason, r.field.as_deref().unwrap()))
            .collect();
        assert_eq!(
            reasons,
            [
                (1, Reason::OutOfOrder, "at"),
                (2, Reason::Unreasonable, "at"),
                (3, Reason::UnknownReference, "call_id"),
                (5, Reason::OutOfOrder, "at"),
                (6, Reason::Unreasonable, "talk_seconds"),
            ]
        );
    }

    #[test]
    fn answered_before_offered_is_rejected() {
        let known = |call: &str| (call == "c9").then(|| t(30));
        let (ok, bad) = order_and_check(vec![cand(0, 25, answered("c9"))], &checks(None, &known));
        assert!(ok.is_empty());
        assert_eq!(bad[0].reason, Reason::OutOfOrder);
        assert!(
            bad[0].message.contains("before it was offered"),
            "{}",
            bad[0].message
        );
    }
}
