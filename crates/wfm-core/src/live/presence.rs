//! When the feed was there: its first event, and the silences long enough to be an
//! outage by the feed-health rule (no event for 2 minutes, stretched to 10 of the feed's
//! usual gaps for a quiet feed). A grid interval before the first event, or wholly
//! inside such a silence, holds no data: not zero calls and nobody on line.

/// Silence after which the feed counts as down (the health thresholds' default).
const DOWN_AFTER_MS: i64 = 120_000;

/// How many of the feed's usual gaps a silence must last to count as down.
const USUAL_GAPS: i64 = 10;

/// What the feed delivered over the kept days, in event time.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Presence {
    first_ms: Option<i64>,
    newest_ms: Option<i64>,
    /// Events that moved time on.
    events: i64,
    /// Silences that were outages, as (last event before, first event after), ascending.
    outages: Vec<(i64, i64)>,
}

/// What the feed had delivered over a span of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Coverage {
    /// The feed was there.
    Fed,
    /// Connected earlier, but down (silent past the limit) over the whole span.
    Down,
    /// Not connected yet: no event before the span ended.
    NotYet,
}

impl Presence {
    /// Notes an event at `at_ms`.
    pub(super) fn note(&mut self, at_ms: i64) {
        let Some(newest) = self.newest_ms else {
            self.first_ms = Some(at_ms);
            self.newest_ms = Some(at_ms);
            self.events = 1;
            return;
        };
        if at_ms <= newest {
            return;
        }
        if at_ms - newest > self.down_after() {
            self.outages.push((newest, at_ms));
        }
        self.newest_ms = Some(at_ms);
        self.events += 1;
    }

    /// The instant of the feed's first event.
    pub(super) fn since(&self) -> Option<i64> {
        self.first_ms
    }

    /// The silence after which the feed is down: 2 minutes, or 10 usual gaps between
    /// its events so far when that is longer.
    fn down_after(&self) -> i64 {
        let usual = match (self.first_ms, self.newest_ms) {
            (Some(first), Some(newest)) if self.events > 1 => (newest - first) / (self.events - 1),
            _ => 0,
        };
        DOWN_AFTER_MS.max(usual.saturating_mul(USUAL_GAPS))
    }

    /// What the feed delivered over [start, end), judged at `now`.
    pub(super) fn coverage(&self, start: i64, end: i64, now: i64) -> Coverage {
        let Some(first) = self.first_ms.filter(|&first| first < end) else {
            return Coverage::NotYet;
        };
        if first >= start {
            return Coverage::Fed;
        }
        let inside = |(from, to): (i64, i64)| from <= start && end <= to;
        let down_now = self
            .newest_ms
            .filter(|&newest| now - newest > self.down_after())
            .map(|newest| (newest, now));
        if self.outages.iter().copied().chain(down_now).any(inside) {
            Coverage::Down
        } else {
            Coverage::Fed
        }
    }

    /// Forgets the outages that ended before `floor_ms`.
    pub(super) fn forget_before(&mut self, floor_ms: i64) {
        self.outages.retain(|&(_, to)| to >= floor_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60_000;

    #[test]
    fn a_silence_is_an_outage_past_two_minutes_or_ten_usual_gaps() {
        let mut busy = Presence::default();
        // Events every 10 s from 0 to 10 min, then nothing until 40 min.
        for k in 0..=60 {
            busy.note(k * 10_000);
        }
        busy.note(40 * MINUTE);
        // 15:00-30:00 lies wholly in the silence (10:00, 40:00): down.
        assert_eq!(
            busy.coverage(15 * MINUTE, 30 * MINUTE, 50 * MINUTE),
            Coverage::Down
        );
        assert_eq!(busy.coverage(0, 15 * MINUTE, 50 * MINUTE), Coverage::Fed);
        assert_eq!(
            busy.coverage(-15 * MINUTE, 0, 50 * MINUTE),
            Coverage::NotYet
        );
        // A feed with an event every 5 minutes: 21 minutes of quiet is 4 usual gaps,
        // not an outage (the limit is 50 minutes).
        let mut quiet = Presence::default();
        for k in 0..=6 {
            quiet.note(k * 5 * MINUTE);
        }
        quiet.note(51 * MINUTE);
        assert_eq!(
            quiet.coverage(31 * MINUTE, 46 * MINUTE, 60 * MINUTE),
            Coverage::Fed
        );
        // Silent since the last event, judged now: down once past the limit.
        let mut stopped = Presence::default();
        for k in 0..=60 {
            stopped.note(k * 10_000);
        }
        assert_eq!(
            stopped.coverage(15 * MINUTE, 30 * MINUTE, 31 * MINUTE),
            Coverage::Down
        );
        assert_eq!(
            stopped.coverage(10 * MINUTE, 11 * MINUTE, 11 * MINUTE),
            Coverage::Fed
        );
    }
}
