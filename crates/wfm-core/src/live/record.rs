//! What a grid interval leaves for the indicator history: per group the summable
//! components of [`IntervalRecord`], per operator the adherence minutes of
//! [`AdherenceRecord`].
//!
//! Operator minutes are sampled once a minute, at each minute's start within the
//! interval (`start`, `start + 1 min`, ...), as the state stood then: online counts from
//! the minute history, planned counts from the timetable, adherence from samples taken as
//! each minute closes (operator states are not kept per minute, so they cannot be judged
//! afterwards). Minutes after the newest event are judged from the operators as they are,
//! which is how they stood: nothing has changed them since.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::history::{AdherenceRecord, IntervalRecord};

use super::adherence::Adherence;
use super::center::Center;
use super::history::OnlineSample;
use super::operators::Operator;
use super::presence::Coverage;
use super::reading::{Point, waiting_between};
use super::time::{Day, MINUTE_MS, minute_of, to_ms};

/// Adherence samples are kept this long after their interval began: more than the two
/// local days the center keeps.
const RETAINED_MS: i64 = 50 * 60 * MINUTE_MS;

/// Per interval start (ms), per operator: (scheduled, adherent) minutes sampled so far.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct AdherenceLog {
    intervals: BTreeMap<i64, Vec<(u16, u16)>>,
}

/// The records of one grid interval: one per group (by group id), one per operator with
/// scheduled minutes in it (by operator id).
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalRecords {
    pub groups: Vec<IntervalRecord>,
    pub operators: Vec<AdherenceRecord>,
}

fn adheres(adherence: Adherence) -> bool {
    matches!(
        adherence,
        Adherence::OnSchedule | Adherence::InBreak | Adherence::Lunch
    )
}

impl Center {
    /// Samples every operator's adherence at `ms`, the end of a minute that has just
    /// closed, into the interval holding `ms`.
    pub(super) fn sample_adherence(&mut self, ms: i64) {
        let Some(at) = DateTime::from_timestamp_millis(ms) else {
            return;
        };
        let interval_ms = self.interval_ms();
        let day = self.days.day_of(&self.grid, at);
        let offset = i64::try_from(day.interval_index(ms, interval_ms)).unwrap_or(0);
        let start = day
            .start_ms
            .saturating_add(offset.saturating_mul(interval_ms));
        let mut minutes = self
            .adherence
            .intervals
            .remove(&start)
            .unwrap_or_else(|| vec![(0, 0); self.operators.len()]);
        for ((operator, o), slot) in self.operators.iter().enumerate().zip(&mut minutes) {
            if let Some(adherence) = self.adherence_at(operator, o, ms) {
                slot.0 = slot.0.saturating_add(1);
                slot.1 = slot.1.saturating_add(u16::from(adheres(adherence)));
            }
        }
        self.adherence.intervals.insert(start, minutes);
        let floor = ms.saturating_sub(RETAINED_MS);
        while let Some(entry) = self.adherence.intervals.first_entry() {
            if *entry.key() >= floor {
                break;
            }
            entry.remove();
        }
    }

    /// The records of interval `index` of local day `date`, as known at `now` (after the
    /// interval's end for a closed one); `None` for an interval the day does not have,
    /// and for one the feed did not cover (before it was connected, or wholly while it
    /// was down): no data, not zeros - its forecast against no calls would read as a
    /// 100 % miss and its plan against nobody on line as 0 % online.
    pub fn interval_records(
        &self,
        date: NaiveDate,
        index: u32,
        now: DateTime<Utc>,
    ) -> Option<IntervalRecords> {
        let interval = self.grid.interval(date, index)?;
        let (start, end) = (to_ms(interval.start), to_ms(interval.end));
        if self.presence.coverage(start, end, to_ms(now)) != Coverage::Fed {
            return None;
        }
        let day = Day::on(&self.grid, date);
        let interval_seconds = (end - start) / 1000;
        let samples: Vec<i64> = (0..)
            .map(|k: i64| start + k * MINUTE_MS)
            .take_while(|&t| t < end && t <= to_ms(now))
            .collect();
        let mut online = vec![0i64; self.groups.len()];
        let mut planned = vec![0i64; self.groups.len()];
        for &t in &samples {
            for (sum, count) in online.iter_mut().zip(self.online_then(t)) {
                *sum += i64::from(count);
            }
            for (g, sum) in planned.iter_mut().enumerate() {
                *sum += i64::from(self.timetable.planned_at(g, t));
            }
        }
        let judged = self.judged_at(now);
        let groups = self
            .groups
            .iter()
            .enumerate()
            .map(|(g, live)| {
                let settings = &live.settings;
                let counts = live
                    .days
                    .get(&date)
                    .and_then(|t| t.intervals.get(index as usize))
                    .copied()
                    .unwrap_or_default();
                let missed_before = judged.saturating_sub(settings.sl_ms());
                let missed = waiting_between(&live.waiting, start, end.min(missed_before));
                let waiting = waiting_between(&live.waiting, start, end);
                let (answered, abandoned) =
                    (i64::from(counts.answered), i64::from(counts.abandoned));
                let short = i64::from(counts.short_abandoned);
                let (handled, handle_seconds, wait_seconds) = handled_within(live, start, end);
                let forecast = live.forecast.integrate(start, end).unwrap_or_default();
                let reading = self
                    .readings(
                        g,
                        &[Point::new(end, day)],
                        &[vec![0; self.groups.len()]],
                        Default::default(),
                    )
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                IntervalRecord {
                    group_id: settings.id,
                    interval_start: interval.start,
                    interval_seconds,
                    arrivals: answered + abandoned + waiting,
                    offered: answered + abandoned - short + missed.max(0),
                    answered,
                    answered_within_target: i64::from(counts.answered_within_target),
                    abandoned,
                    short_abandoned: short,
                    handled,
                    handle_seconds,
                    wait_seconds,
                    forecast_calls: forecast.calls,
                    forecast_answered: forecast.answered,
                    forecast_handle_seconds: forecast.handle_seconds,
                    planned_minutes: planned.get(g).copied().unwrap_or(0),
                    online_minutes: online.get(g).copied().unwrap_or(0),
                    required_minutes: reading
                        .required
                        .filter(|r| r.is_finite())
                        .map(|r| r * interval_seconds as f64 / 60.0),
                    sl_target_percent: settings.sl_percent,
                }
            })
            .collect();
        Some(IntervalRecords {
            groups,
            operators: self.adherence_records(start, interval_seconds, &samples),
        })
    }

    /// The adherence minutes of the interval starting at `start`: the samples taken as
    /// its minutes closed, and the minutes not closed yet judged as the operators are.
    fn adherence_records(
        &self,
        start: i64,
        interval_seconds: i64,
        samples: &[i64],
    ) -> Vec<AdherenceRecord> {
        let mut minutes: Vec<(i64, i64)> = self
            .adherence
            .intervals
            .get(&start)
            .map(|v| {
                v.iter()
                    .map(|&(s, a)| (i64::from(s), i64::from(a)))
                    .collect()
            })
            .unwrap_or_else(|| vec![(0, 0); self.operators.len()]);
        for &t in samples {
            let before_events = match self.history.at(minute_of(t)) {
                OnlineSample::Recorded(_) => continue,
                OnlineSample::BeforeEvents => true,
                OnlineSample::Current => false,
            };
            for ((operator, o), slot) in self.operators.iter().enumerate().zip(&mut minutes) {
                // Before the first event every operator was as the center began: logged out.
                let fresh;
                let state = if before_events {
                    fresh = Operator::new(o.id, o.primary);
                    &fresh
                } else {
                    o
                };
                if let Some(adherence) = self.adherence_at(operator, state, t) {
                    slot.0 += 1;
                    slot.1 += i64::from(adheres(adherence));
                }
            }
        }
        let Some(interval_start) = DateTime::from_timestamp_millis(start) else {
            return Vec::new();
        };
        self.operators
            .iter()
            .zip(minutes)
            .filter(|(_, (scheduled, _))| *scheduled > 0)
            .map(|(o, (scheduled, adherent))| AdherenceRecord {
                agent_id: o.id,
                interval_start,
                interval_seconds,
                scheduled_minutes: scheduled,
                adherent_minutes: adherent,
            })
            .collect()
    }
}

/// Calls whose handling completed in the minute buckets covering (from, to], their
/// handle time, and the waits of the calls answered in them, on whichever day they fall.
fn handled_within(live: &super::center::GroupLive, from: i64, to: i64) -> (i64, f64, f64) {
    let (first, last) = (minute_of(from) + 1, minute_of(to));
    let mut sum = (0i64, 0.0, 0.0);
    for m in live.minutes(first, last) {
        sum.0 += i64::from(m.handled);
        sum.1 += m.handle_seconds;
        sum.2 += m.wait_seconds;
    }
    sum
}
