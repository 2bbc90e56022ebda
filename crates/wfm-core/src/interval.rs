//! Interval grid of a site: local days in an IANA time zone, cut into intervals of
//! 5, 15, 30 or 60 minutes of elapsed time from local midnight, correct on days that
//! are 23 or 25 hours long.

use chrono::{
    DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Interval lengths a grid accepts, in minutes.
pub const ALLOWED_MINUTES: [u32; 4] = [5, 15, 30, 60];

/// Why a grid could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntervalError {
    /// Not an IANA time-zone name known to the tz database.
    #[error("time_zone: unknown IANA time zone {0:?}")]
    UnknownTimeZone(String),
    /// Not one of [`ALLOWED_MINUTES`].
    #[error("interval_minutes: {0} is not one of 5, 15, 30, 60")]
    UnsupportedLength(u32),
}

impl IntervalError {
    /// The offending field: `time_zone` or `interval_minutes`.
    pub fn field(&self) -> &'static str {
        match self {
            IntervalError::UnknownTimeZone(_) => "time_zone",
            IntervalError::UnsupportedLength(_) => "interval_minutes",
        }
    }
}

/// One interval of a local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Interval {
    /// The local date of the day it belongs to.
    pub date: NaiveDate,
    /// Position in the day, from 0.
    pub index: u32,
    /// First instant.
    pub start: DateTime<Utc>,
    /// First instant after it: the next interval's start (the next day's start for the
    /// last interval, which is shorter when the day is not a whole number of intervals).
    pub end: DateTime<Utc>,
}

/// Local days of one time zone cut into intervals of equal elapsed length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntervalGrid {
    tz: Tz,
    minutes: u32,
}

/// Longest stretch of local time a clock change skips: a whole day (Pacific/Apia
/// skipped 30 December 2011), with margin.
const LONGEST_GAP_HOURS: u32 = 48;

impl IntervalGrid {
    /// A grid of `minutes`-long intervals (5, 15, 30 or 60) in `tz`.
    pub fn new(tz: Tz, minutes: u32) -> Result<Self, IntervalError> {
        if !ALLOWED_MINUTES.contains(&minutes) {
            return Err(IntervalError::UnsupportedLength(minutes));
        }
        Ok(IntervalGrid { tz, minutes })
    }

    /// Parses an IANA time-zone name such as `Europe/Moscow` (exact spelling).
    pub fn parse_tz(name: &str) -> Result<Tz, IntervalError> {
        name.parse::<Tz>()
            .map_err(|_| IntervalError::UnknownTimeZone(name.to_owned()))
    }

    /// The grid's time zone.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// The interval length in minutes.
    pub fn minutes(&self) -> u32 {
        self.minutes
    }

    fn length(&self) -> Duration {
        Duration::minutes(i64::from(self.minutes))
    }

    /// First instant of the local day `date`: local midnight; the earlier one when
    /// midnight happens twice; the end of the gap when the clocks skip midnight.
    pub fn day_start(&self, date: NaiveDate) -> DateTime<Utc> {
        let midnight = date.and_time(NaiveTime::MIN);
        self.earliest(midnight)
            .unwrap_or_else(|| self.end_of_gap(midnight))
    }

    /// The first instant the local clock shows `local`, if it ever does.
    fn earliest(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        match self.tz.from_local_datetime(&local) {
            LocalResult::Single(at) => Some(at.with_timezone(&Utc)),
            LocalResult::Ambiguous(first, second) => Some(first.min(second).with_timezone(&Utc)),
            LocalResult::None => None,
        }
    }

    /// The instant the clocks jump over `skipped`, a local time that does not exist:
    /// when the first existing local time after it is shown, found coarse to fine
    /// (tz offsets are whole seconds).
    fn end_of_gap(&self, skipped: NaiveDateTime) -> DateTime<Utc> {
        let mut last_skipped = skipped;
        let mut gap_end = None;
        let phases = [
            (Duration::hours(1), LONGEST_GAP_HOURS),
            (Duration::minutes(1), 60),
            (Duration::seconds(1), 60),
        ];
        for (step, steps) in phases {
            for _ in 0..steps {
                let Some(next) = last_skipped.checked_add_signed(step) else {
                    break;
                };
                match self.earliest(next) {
                    Some(at) => {
                        gap_end = Some(at);
                        break;
                    }
                    None => last_skipped = next,
                }
            }
        }
        // Not reached with real tz data (and dates chrono can represent); reading the
        // local time with the offset in force at that instant avoids a panic.
        gap_end.unwrap_or_else(|| {
            let offset = self.tz.offset_from_utc_datetime(&skipped).fix();
            let as_utc = skipped.and_utc();
            as_utc
                .checked_sub_signed(Duration::seconds(i64::from(offset.local_minus_utc())))
                .unwrap_or(as_utc)
        })
    }

    /// Elapsed length of the local day `date`: 24 h, or 23 h / 25 h on clock-change days.
    pub fn day_length(&self, date: NaiveDate) -> Duration {
        self.next_day_start(date) - self.day_start(date)
    }

    fn next_day_start(&self, date: NaiveDate) -> DateTime<Utc> {
        match date.succ_opt() {
            Some(next) => self.day_start(next),
            None => {
                let start = self.day_start(date);
                start.checked_add_signed(Duration::days(1)).unwrap_or(start)
            }
        }
    }

    /// The local date at instant `at`.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        let utc = at.naive_utc();
        let offset = self.tz.offset_from_utc_datetime(&utc).fix();
        // Only at the very ends of chrono's range is the local date unrepresentable.
        utc.checked_add_offset(offset)
            .map_or(utc.date(), |local| local.date())
    }

    /// Number of intervals of the local day `date` (the last may be short).
    pub fn interval_count(&self, date: NaiveDate) -> u32 {
        self.count_within(self.day_start(date), self.next_day_start(date))
    }

    /// The interval containing `at`: its day is the local day whose start is the latest
    /// one at or before `at`, its index the elapsed time since then over the length.
    pub fn interval_at(&self, at: DateTime<Utc>) -> Interval {
        let mut date = self.local_date(at);
        // A clock set back across midnight shows yesterday's date again after today
        // began; settle the date against the day starts themselves.
        for _ in 0..3 {
            if at < self.day_start(date) {
                match date.pred_opt() {
                    Some(previous) => date = previous,
                    None => break,
                }
            } else if at >= self.next_day_start(date) {
                match date.succ_opt() {
                    Some(next) => date = next,
                    None => break,
                }
            } else {
                break;
            }
        }
        let elapsed = (at - self.day_start(date)).num_seconds().max(0);
        let index = elapsed / self.length().num_seconds();
        self.make(date, u32::try_from(index).unwrap_or(u32::MAX))
    }

    /// Every interval of the local day `date`, in order; they tile the day exactly. The
    /// day's bounds are looked up in the time zone once, not once per interval.
    pub fn intervals(&self, date: NaiveDate) -> Vec<Interval> {
        let (day_start, day_end) = (self.day_start(date), self.next_day_start(date));
        (0..self.count_within(day_start, day_end))
            .map(|index| self.make_within(date, index, day_start, day_end))
            .collect()
    }

    /// Interval `index` of the local day `date`, if the day has that many.
    pub fn interval(&self, date: NaiveDate, index: u32) -> Option<Interval> {
        let (day_start, day_end) = (self.day_start(date), self.next_day_start(date));
        (index < self.count_within(day_start, day_end))
            .then(|| self.make_within(date, index, day_start, day_end))
    }

    /// [`IntervalGrid::interval_count`] of the day [day_start, day_end).
    fn count_within(&self, day_start: DateTime<Utc>, day_end: DateTime<Utc>) -> u32 {
        let day = (day_end - day_start).num_seconds().max(0);
        let length = self.length().num_seconds();
        u32::try_from((day + length - 1) / length).unwrap_or(u32::MAX)
    }

    fn make(&self, date: NaiveDate, index: u32) -> Interval {
        self.make_within(date, index, self.day_start(date), self.next_day_start(date))
    }

    fn make_within(
        &self,
        date: NaiveDate,
        index: u32,
        day_start: DateTime<Utc>,
        day_end: DateTime<Utc>,
    ) -> Interval {
        let offset = Duration::seconds(i64::from(index) * i64::from(self.minutes) * 60);
        let start = day_start
            .checked_add_signed(offset)
            .unwrap_or(day_end)
            .min(day_end);
        let end = start
            .checked_add_signed(self.length())
            .unwrap_or(day_end)
            .min(day_end);
        Interval {
            date,
            index,
            start,
            end,
        }
    }
}

#[cfg(test)]
mod tests;
