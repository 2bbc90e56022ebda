//! The minute history of operators on line per group, recorded as event time moves on,
//! so that the online count at an earlier minute is the one that held then, and a
//! replay of the same events records the same history.
//!
//! The counts are kept up to date operator by operator: an operator is recounted when
//! its status changes or one of its own timetable segments starts or ends, which is
//! what could change the group it counts for.

use super::center::Center;
use super::time::{minute_end, minute_of};

/// Minutes of history kept: more than two 25-hour days.
const RETAINED_MINUTES: i64 = 3_000;

/// Online counts per group, one sample per minute bucket: the counts when the minute
/// closed (the first event of a later minute arrived), each operator counted for the
/// group it counted for at the minute's end.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct OnlineHistory {
    groups: usize,
    /// Minute bucket of the first sample.
    first_minute: i64,
    /// `groups` counts per sample, for consecutive minutes from `first_minute`.
    counts: Vec<u32>,
    /// Operators on line per group as of `as_of`: the next sample.
    current: Vec<u32>,
    /// Per operator, the group it counts for in `current`.
    counted_in: Vec<Option<usize>>,
    /// The instant `current` holds for: timetable boundaries up to it are applied.
    as_of: i64,
}

/// The online counts of a minute, as the history knows them.
pub(super) enum OnlineSample<'a> {
    /// Before the first event: nobody was on line.
    BeforeEvents,
    /// A closed minute.
    Recorded(&'a [u32]),
    /// The current minute or later: the operators as they are now.
    Current,
}

impl OnlineHistory {
    pub(super) fn new(groups: usize, operators: usize) -> Self {
        OnlineHistory {
            groups,
            first_minute: 0,
            counts: Vec::new(),
            current: vec![0; groups],
            counted_in: vec![None; operators],
            as_of: i64::MIN,
        }
    }

    fn samples(&self) -> i64 {
        i64::try_from(self.counts.len() / self.groups.max(1)).unwrap_or(i64::MAX)
    }

    fn next_minute(&self) -> i64 {
        self.first_minute.saturating_add(self.samples())
    }

    pub(super) fn at(&self, minute: i64) -> OnlineSample<'_> {
        if minute < self.first_minute {
            return OnlineSample::BeforeEvents;
        }
        let offset = usize::try_from(minute - self.first_minute).unwrap_or(usize::MAX);
        let from = offset.saturating_mul(self.groups);
        match self.counts.get(from..from.saturating_add(self.groups)) {
            Some(sample) if self.groups > 0 => OnlineSample::Recorded(sample),
            _ => OnlineSample::Current,
        }
    }

    /// Starts the samples afresh at `minute`.
    fn restart(&mut self, minute: i64) {
        self.first_minute = minute;
        self.counts.clear();
    }

    fn trim(&mut self) {
        let excess = self.samples() - RETAINED_MINUTES;
        if excess > RETAINED_MINUTES / 5 {
            let drop = usize::try_from(excess)
                .unwrap_or(0)
                .saturating_mul(self.groups);
            self.counts.drain(..drop.min(self.counts.len()));
            self.first_minute += excess;
        }
    }
}

impl Center {
    /// Starts the history at the first event, at `at_ms`.
    pub(super) fn start_history(&mut self, at_ms: i64) {
        let minute = minute_of(at_ms);
        self.history.restart(minute);
        self.history.as_of = minute_end(minute - 1);
        self.recount_everyone();
    }

    /// Records the samples of the minutes closed by an event at `at_ms`: every minute
    /// from the last recorded one up to the one before `at_ms`'s.
    pub(super) fn record_online_until(&mut self, at_ms: i64) {
        let until = minute_of(at_ms);
        if self.history.groups == 0 {
            self.history.first_minute = until;
            return;
        }
        if until <= self.history.next_minute() {
            return;
        }
        if until - self.history.next_minute() > RETAINED_MINUTES {
            // Older samples would be dropped at once: count everyone afresh instead of
            // walking the whole gap.
            let first = until - RETAINED_MINUTES;
            self.history.restart(first);
            self.history.as_of = minute_end(first - 1);
            self.recount_everyone();
        }
        for minute in self.history.next_minute()..until {
            let end = minute_end(minute);
            let changed = self.timetable.boundaries_within(self.history.as_of, end);
            self.history.as_of = end;
            for position in changed {
                if let Some(operator) = self.timetable.boundary(position) {
                    self.recount(operator);
                }
            }
            let OnlineHistory {
                counts, current, ..
            } = &mut self.history;
            counts.extend_from_slice(current);
            self.sample_adherence(end);
        }
        self.history.trim();
    }

    /// Counts operator `operator` for the group it counts for at the history's instant,
    /// if on line.
    pub(super) fn recount(&mut self, operator: usize) {
        let on_line = self
            .operators
            .get(operator)
            .is_some_and(|o| o.state.is_on_line());
        let now = if on_line {
            self.counts_for(operator, self.history.as_of)
        } else {
            None
        };
        let history = &mut self.history;
        let Some(slot) = history.counted_in.get_mut(operator) else {
            return;
        };
        let before = std::mem::replace(slot, now);
        if before == now {
            return;
        }
        if let Some(count) = before.and_then(|g| history.current.get_mut(g)) {
            *count = count.saturating_sub(1);
        }
        if let Some(count) = now.and_then(|g| history.current.get_mut(g)) {
            *count += 1;
        }
    }

    pub(super) fn recount_everyone(&mut self) {
        for operator in 0..self.operators.len() {
            self.recount(operator);
        }
    }

    /// Operators on line per group at `ms`: from the history for a closed minute, from
    /// the operators as they are for the current minute and later.
    pub(super) fn online_then(&self, ms: i64) -> Vec<u32> {
        match self.history.at(minute_of(ms)) {
            OnlineSample::BeforeEvents => vec![0; self.groups.len()],
            OnlineSample::Recorded(sample) => sample.to_vec(),
            OnlineSample::Current => self.online_at(ms),
        }
    }
}

#[cfg(test)]
impl Center {
    /// Whether the kept counts are those of a full count of every operator.
    pub(super) fn online_counts_are_exact(&self) -> bool {
        self.history.current == self.online_at(self.history.as_of)
    }
}
