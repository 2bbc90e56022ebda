//! Instants as the engine keeps them: milliseconds since the Unix epoch, minute buckets
//! closed on the right, and the local days of the site's interval grid.

use chrono::{DateTime, NaiveDate, Utc};

use crate::interval::IntervalGrid;

/// One minute in milliseconds.
pub(super) const MINUTE_MS: i64 = 60_000;

/// Most minute buckets a day's history holds: two 25-hour days, enough for calls
/// answered long after the day they were offered on.
const MAX_MINUTES: i64 = 3_000;

pub(super) fn to_ms(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

/// The minute bucket of an instant. Bucket k holds the instants in (k, k + 1] minutes
/// since the epoch: closed on the right, so that a figure "at t" includes what happened
/// at exactly t and a window (t - W, t] is a whole number of buckets when t is on a
/// minute.
pub(super) fn minute_of(ms: i64) -> i64 {
    ms.saturating_sub(1).div_euclid(MINUTE_MS)
}

/// The last instant of a minute bucket.
pub(super) fn minute_end(minute: i64) -> i64 {
    minute.saturating_add(1).saturating_mul(MINUTE_MS)
}

/// Milliseconds from `from` to `to`, never negative.
pub(super) fn elapsed_ms(from: i64, to: i64) -> i64 {
    to.saturating_sub(from).max(0)
}

pub(super) fn seconds(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

/// A local day of the grid as an elapsed span [start, end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Day {
    pub(super) date: NaiveDate,
    pub(super) start_ms: i64,
    pub(super) end_ms: i64,
}

impl Day {
    /// The day `at` belongs to.
    pub(super) fn of(grid: &IntervalGrid, at: DateTime<Utc>) -> Day {
        Day::on(grid, grid.interval_at(at).date)
    }

    /// The local day `date`.
    pub(super) fn on(grid: &IntervalGrid, date: NaiveDate) -> Day {
        let start_ms = to_ms(grid.day_start(date));
        let length = grid.day_length(date).num_milliseconds().max(0);
        Day {
            date,
            start_ms,
            end_ms: start_ms.saturating_add(length),
        }
    }

    pub(super) fn contains(&self, ms: i64) -> bool {
        self.start_ms <= ms && ms < self.end_ms
    }

    /// The minute bucket holding the day's first instant; bucket index 0 of its history.
    pub(super) fn first_minute(&self) -> i64 {
        minute_of(self.start_ms)
    }

    /// Index in the day's history of the minute bucket of `ms` (at or after the start),
    /// capped at [`MAX_MINUTES`].
    pub(super) fn minute_index(&self, ms: i64) -> usize {
        let index = minute_of(ms)
            .saturating_sub(self.first_minute())
            .clamp(0, MAX_MINUTES);
        usize::try_from(index).unwrap_or(0)
    }

    /// Number of grid intervals of the day (the last one may be short).
    pub(super) fn interval_count(&self, interval_ms: i64) -> usize {
        let length = elapsed_ms(self.start_ms, self.end_ms);
        usize::try_from(length.saturating_add(interval_ms - 1) / interval_ms.max(1)).unwrap_or(0)
    }

    /// Index of the grid interval of the day that holds `ms`.
    pub(super) fn interval_index(&self, ms: i64, interval_ms: i64) -> usize {
        let index = elapsed_ms(self.start_ms, ms) / interval_ms.max(1);
        let last = self.interval_count(interval_ms).saturating_sub(1);
        usize::try_from(index).unwrap_or(usize::MAX).min(last)
    }
}

/// The last days looked up while applying events: working out a local day from the
/// time zone costs far more than checking two spans.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct DayCache {
    recent: [Option<Day>; 2],
}

impl DayCache {
    pub(super) fn day_of(&mut self, grid: &IntervalGrid, at: DateTime<Utc>) -> Day {
        let ms = to_ms(at);
        if let Some(day) = self.recent.iter().flatten().find(|day| day.contains(ms)) {
            return *day;
        }
        let day = Day::of(grid, at);
        self.recent = [Some(day), self.recent[0]];
        day
    }
}
