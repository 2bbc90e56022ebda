//! How outgoing integration calls survive a flaky partner: exponential backoff with jitter
//! between attempts, and a circuit breaker that stops calling a partner that keeps failing
//! and lets one probe through after a pause. Time is an input, so both are tested exactly.

use std::time::{Duration, Instant};

/// The delay before retry number `attempt` (1 = the first retry): `base x 2^(attempt-1)`,
/// at most `max`, then scaled into [1/2, 1) of itself by `jitter` in [0, 1) ("equal jitter":
/// retries of many clients spread out, yet never come back at once).
pub fn backoff(attempt: u32, base: Duration, max: Duration, jitter: f64) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
    let capped = exp.min(max);
    capped.mul_f64(0.5 + jitter.clamp(0.0, 1.0) / 2.0)
}

/// Where the breaker is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CircuitState {
    /// Calls go through; consecutive failures are counted.
    Closed,
    /// Calls are refused until the pause ends.
    Open,
    /// The pause has ended: one probe call is let through; its outcome decides.
    HalfOpen,
}

/// A change of state worth logging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Opened,
    HalfOpened,
    Closed,
}

/// A circuit breaker: opens after `threshold` consecutive failures, stays open for `pause`,
/// then admits one probe; a successful probe closes it, a failed one opens it again.
#[derive(Debug, Clone)]
pub struct Breaker {
    threshold: u32,
    pause: Duration,
    failures: u32,
    state: CircuitState,
    opened_at: Option<Instant>,
    probe_out: bool,
}

/// The breaker's answer to "may I call now?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Allowed,
    /// Refused; the pause ends in this long (zero while a probe is out).
    Refused(Duration),
}

impl Breaker {
    pub fn new(threshold: u32, pause: Duration) -> Self {
        Breaker {
            threshold: threshold.max(1),
            pause,
            failures: 0,
            state: CircuitState::Closed,
            opened_at: None,
            probe_out: false,
        }
    }

    /// The state at `now` (an open breaker whose pause is over reads as half-open).
    pub fn state(&self, now: Instant) -> CircuitState {
        match (self.state, self.opened_at) {
            (CircuitState::Open, Some(at)) if now >= at + self.pause => CircuitState::HalfOpen,
            (s, _) => s,
        }
    }

    /// Consecutive failures counted so far.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Asks to call at `now`; in half-open state only the first asker gets through.
    pub fn admit(&mut self, now: Instant) -> (Admission, Option<Transition>) {
        match self.state(now) {
            CircuitState::Closed => (Admission::Allowed, None),
            CircuitState::Open => {
                let end = self.opened_at.map_or(now, |at| at + self.pause);
                (Admission::Refused(end.saturating_duration_since(now)), None)
            }
            CircuitState::HalfOpen => {
                if self.probe_out {
                    return (Admission::Refused(Duration::ZERO), None);
                }
                self.probe_out = true;
                let changed = self.state != CircuitState::HalfOpen;
                self.state = CircuitState::HalfOpen;
                (
                    Admission::Allowed,
                    changed.then_some(Transition::HalfOpened),
                )
            }
        }
    }

    /// Records a call that reached the partner and was answered (even with a refusal).
    pub fn success(&mut self) -> Option<Transition> {
        self.failures = 0;
        self.probe_out = false;
        self.opened_at = None;
        let was = std::mem::replace(&mut self.state, CircuitState::Closed);
        (was != CircuitState::Closed).then_some(Transition::Closed)
    }

    /// Records a transient failure (no answer, a timeout, a 5xx).
    pub fn failure(&mut self, now: Instant) -> Option<Transition> {
        self.failures = self.failures.saturating_add(1);
        let reopen = self.state == CircuitState::HalfOpen;
        self.probe_out = false;
        if reopen || (self.state == CircuitState::Closed && self.failures >= self.threshold) {
            self.state = CircuitState::Open;
            self.opened_at = Some(now);
            return Some(Transition::Opened);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn backoff_doubles_caps_and_jitters_within_half_to_whole() {
        let b = |n, j| backoff(n, Duration::from_millis(100), Duration::from_secs(2), j);
        assert_eq!(b(1, 0.0), Duration::from_millis(50));
        assert_eq!(b(2, 0.0), Duration::from_millis(100));
        assert_eq!(b(3, 0.999_999).as_millis(), 399);
        assert_eq!(b(10, 0.0), Duration::from_secs(1));
        assert_eq!(b(60, 0.5), Duration::from_millis(1500));
        assert_eq!(b(0, 0.0), Duration::from_millis(50));
    }

    #[test]
    fn opens_after_the_threshold_refuses_then_probes_once() {
        let t0 = Instant::now();
        let mut b = Breaker::new(3, 30 * S);
        assert_eq!(b.failure(t0), None);
        assert_eq!(b.failure(t0), None);
        // A success in between resets the count.
        assert_eq!(b.success(), None);
        assert_eq!(b.failure(t0), None);
        assert_eq!(b.failure(t0), None);
        assert_eq!(b.failure(t0), Some(Transition::Opened));
        assert_eq!(b.state(t0), CircuitState::Open);
        assert_eq!(b.admit(t0 + 10 * S), (Admission::Refused(20 * S), None));
        // The pause is over: one probe, the next caller waits for its outcome.
        assert_eq!(b.state(t0 + 30 * S), CircuitState::HalfOpen);
        assert_eq!(
            b.admit(t0 + 30 * S),
            (Admission::Allowed, Some(Transition::HalfOpened))
        );
        assert_eq!(
            b.admit(t0 + 31 * S),
            (Admission::Refused(Duration::ZERO), None)
        );
        // The probe fails: open again for a full pause.
        assert_eq!(b.failure(t0 + 32 * S), Some(Transition::Opened));
        assert_eq!(b.admit(t0 + 33 * S), (Admission::Refused(29 * S), None));
        // The next probe succeeds: closed.
        assert_eq!(b.admit(t0 + 62 * S).0, Admission::Allowed);
        assert_eq!(b.success(), Some(Transition::Closed));
        assert_eq!(b.state(t0 + 62 * S), CircuitState::Closed);
        assert_eq!(b.failures(), 0);
        assert_eq!(b.admit(t0 + 62 * S), (Admission::Allowed, None));
    }
}
