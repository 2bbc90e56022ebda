//! Groups fed by a platform's counts instead of its calls (`EventKind::GroupLoad`): each
//! report holds the day so far, and what changed since the group's last report of the same
//! day is counted at the report's instant, in the counts calls leave, so that the six
//! indicators, the interval rows and the history read the same for both kinds of group.
//!
//! What counts cannot tell: the offer instant of each contact (its change counts in the
//! interval of the report), short abandons (every abandon is missed), and calls waiting
//! past the target (they count when they leave the queue). Abandoned is received less
//! answered less those in queue. A report whose counts went down (the platform's day began
//! again) is the new base and counts nothing.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::event::{GroupId, GroupLoad};

use super::calls::DayTally;
use super::center::Center;
use super::time::to_ms;

/// The last report of each day, and the queue it gave.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Reports {
    pub(super) last: BTreeMap<NaiveDate, GroupLoad>,
    /// Contacts waiting as the newest report said.
    pub(super) queue: u32,
}

fn abandoned(l: &GroupLoad) -> u32 {
    l.received
        .saturating_sub(l.answered)
        .saturating_sub(l.queue)
}

fn handled(l: &GroupLoad) -> u32 {
    l.answered.saturating_sub(l.processing)
}

impl Center {
    /// Counts what `load` adds to the group's day since its last report.
    pub(super) fn take_load(
        &mut self,
        group_id: GroupId,
        load: &GroupLoad,
        at: DateTime<Utc>,
    ) -> bool {
        let Some(group) = self.group_index(group_id) else {
            return false;
        };
        let day = self.days.day_of(&self.grid, at);
        if !self.keeps(day.date) {
            return false;
        }
        let interval_ms = self.interval_ms();
        let at_ms = to_ms(at);
        let Some(live) = self.groups.get_mut(group) else {
            return false;
        };
        live.touch(at_ms);
        if live
            .reports
            .last
            .keys()
            .next_back()
            .is_none_or(|d| *d <= day.date)
        {
            live.reports.queue = load.queue;
        }
        let before = live
            .reports
            .last
            .insert(day.date, *load)
            .unwrap_or_default();
        let fell = load.received < before.received
            || load.answered < before.answered
            || load.answered_within_target < before.answered_within_target
            || handled(load) < handled(&before);
        if fell {
            return true;
        }
        let add = |now: u32, then: u32| now.saturating_sub(then);
        let received = add(load.received, before.received);
        let answered = add(load.answered, before.answered);
        let within = add(load.answered_within_target, before.answered_within_target).min(answered);
        let lost = add(abandoned(load), abandoned(&before));
        let done = add(handled(load), handled(&before));
        let handle = (load.handle_seconds - before.handle_seconds).max(0.0);
        let wait = (load.wait_seconds - before.wait_seconds).max(0.0);
        let tally = live
            .days
            .entry(day.date)
            .or_insert_with(|| DayTally::new(day, interval_ms));
        tally.record(at_ms, |m| {
            m.offered += received;
            m.settled += answered + lost;
            m.settled_within += within;
            m.sl_offered += i32::try_from(answered + lost).unwrap_or(i32::MAX);
            m.sl_within += within;
            m.acd_offered += answered + lost;
            m.answered += answered;
            m.abandoned += lost;
            m.wait_seconds += wait;
            m.handled += done;
            m.handle_seconds += handle;
        });
        let index = day.interval_index(at_ms, interval_ms);
        if let Some(interval) = tally.intervals.get_mut(index) {
            interval.answered += answered;
            interval.answered_within_target += within;
            interval.abandoned += lost;
        }
        true
    }
}
