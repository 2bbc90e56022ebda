//! Calls through their life (offered, answered or abandoned, ended, wrapped up) and the
//! counts they leave per group and local day: per minute, at the instant each count
//! became known, so that any earlier figure of the day can be recomputed as it stood,
//! and per grid interval the call was offered in.
//!
//! A call enters the service level (and the ACD denominator) at one instant: when it is
//! answered within the target time T, when it is abandoned within T, or at T after its
//! offer when it waits longer (then it is missed, whatever comes next). Short abandons
//! never enter the service level; one that first waited past T leaves it again when it
//! hangs up.

use chrono::{DateTime, Utc};

use crate::event::{AgentId, GroupId};

use super::center::Center;
use super::time::{Day, elapsed_ms, seconds, to_ms};

/// Longest talk or hold time of one call the engine accepts, seconds; a larger one is
/// taken as this.
const LONGEST_TALK_SECONDS: f64 = 86_400.0;

/// Counts of one minute of a group's day.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(super) struct MinuteTally {
    /// Calls offered in the minute.
    pub(super) offered: u32,
    /// Of those, answered or abandoned (short abandons left out), as known now.
    pub(super) settled: u32,
    /// Of those, answered within T, as known now.
    pub(super) settled_within: u32,
    /// Calls entering (or, short abandons, leaving) the service level in the minute.
    pub(super) sl_offered: i32,
    /// Calls answered within T in the minute.
    pub(super) sl_within: u32,
    /// Calls entering the ACD denominator in the minute.
    pub(super) acd_offered: u32,
    pub(super) answered: u32,
    pub(super) abandoned: u32,
    pub(super) short_abandoned: u32,
    /// Calls whose handling (talk, hold, wrap-up) completed in the minute.
    pub(super) handled: u32,
    /// Waits of the calls answered in the minute, seconds.
    pub(super) wait_seconds: f64,
    /// Handle time of the calls handled in the minute, seconds.
    pub(super) handle_seconds: f64,
}

/// Final counts of the calls offered in one grid interval, as known now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct IntervalTally {
    pub(super) answered: u32,
    pub(super) answered_within_target: u32,
    pub(super) abandoned: u32,
    pub(super) short_abandoned: u32,
}

/// A group's counts for one local day. Calls count on the day they were offered on,
/// handle times on the day their handling completed.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct DayTally {
    pub(super) day: Day,
    /// By minute bucket from the day's first (see [`Day::minute_index`]); grown on use.
    pub(super) minutes: Vec<MinuteTally>,
    pub(super) intervals: Vec<IntervalTally>,
}

impl super::center::GroupLive {
    /// The minute tallies of buckets `first..=last`, on whichever kept day they fall.
    pub(super) fn minutes(&self, first: i64, last: i64) -> impl Iterator<Item = &MinuteTally> {
        self.days.values().flat_map(move |tally| {
            let base = tally.day.first_minute();
            let lo = usize::try_from((first - base).max(0)).unwrap_or(usize::MAX);
            let hi = usize::try_from(last - base + 1).unwrap_or(0);
            tally
                .minutes
                .get(lo..hi.min(tally.minutes.len()))
                .unwrap_or(&[])
        })
    }
}

impl DayTally {
    pub(super) fn new(day: Day, interval_ms: i64) -> Self {
        DayTally {
            day,
            minutes: Vec::new(),
            intervals: vec![IntervalTally::default(); day.interval_count(interval_ms)],
        }
    }

    pub(super) fn record(&mut self, ms: i64, change: impl FnOnce(&mut MinuteTally)) {
        let index = self.day.minute_index(ms);
        if self.minutes.len() <= index {
            self.minutes.resize(index + 1, MinuteTally::default());
        }
        if let Some(minute) = self.minutes.get_mut(index) {
            change(minute);
        }
    }
}

/// A call in progress.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Call {
    /// Seq of its offer: with the offer instant, its key among the waiting calls.
    pub(super) seq: i64,
    pub(super) group: usize,
    pub(super) offered_ms: i64,
    /// The day it was offered on.
    pub(super) day: Day,
    /// The grid interval of that day it was offered in.
    pub(super) interval: usize,
    pub(super) stage: Stage,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Stage {
    Waiting,
    /// In conversation since `answered_ms`.
    Answered {
        answered_ms: i64,
    },
    /// Conversation over, wrap-up running.
    Ended {
        ended_ms: i64,
        talk_hold_seconds: f64,
    },
}

/// How a waiting call ended its wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Answered,
    Abandoned,
}

/// Handle time already spent, at an instant, on the calls of a group answered but not
/// yet wrapped up: what a censoring-aware AHT adds to the completed calls' time.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(super) struct OpenHandle {
    pub(super) calls: i64,
    pub(super) seconds: f64,
}

impl Center {
    /// Per group (by index), the handle time spent so far at `now_ms` on calls in
    /// conversation or wrap-up.
    pub(super) fn open_handle(&self, now_ms: i64) -> Vec<OpenHandle> {
        let mut open = vec![OpenHandle::default(); self.groups.len()];
        for call in self.calls.values() {
            let spent = match call.stage {
                Stage::Waiting => continue,
                Stage::Answered { answered_ms } => seconds(elapsed_ms(answered_ms, now_ms)),
                Stage::Ended {
                    ended_ms,
                    talk_hold_seconds,
                } => talk_hold_seconds + seconds(elapsed_ms(ended_ms, now_ms)),
            };
            if let Some(slot) = open.get_mut(call.group) {
                slot.calls += 1;
                slot.seconds += spent;
            }
        }
        open
    }

    pub(super) fn offer(
        &mut self,
        call_id: &str,
        group_id: GroupId,
        seq: i64,
        at: DateTime<Utc>,
    ) -> bool {
        let Some(group) = self.group_index(group_id) else {
            return false;
        };
        let day = self.days.day_of(&self.grid, at);
        if self.calls.contains_key(call_id) || !self.keeps(day.date) {
            return false;
        }
        let interval_ms = self.interval_ms();
        let offered_ms = to_ms(at);
        let Some(live) = self.groups.get_mut(group) else {
            return false;
        };
        live.days
            .entry(day.date)
            .or_insert_with(|| DayTally::new(day, interval_ms))
            .record(offered_ms, |m| m.offered += 1);
        let key = (offered_ms, seq);
        let position = live.waiting.partition_point(|w| *w <= key);
        live.waiting.insert(position, key);
        live.touch(offered_ms);
        let call = Call {
            seq,
            group,
            offered_ms,
            day,
            interval: day.interval_index(offered_ms, interval_ms),
            stage: Stage::Waiting,
        };
        self.calls.insert(call_id.to_owned(), call);
        true
    }

    pub(super) fn answer(&mut self, call_id: &str, agent_id: AgentId, at_ms: i64) -> bool {
        self.operator_index(agent_id).is_some() && self.end_wait(call_id, at_ms, Outcome::Answered)
    }

    pub(super) fn abandon(&mut self, call_id: &str, at_ms: i64) -> bool {
        self.end_wait(call_id, at_ms, Outcome::Abandoned)
    }

    fn end_wait(&mut self, call_id: &str, at_ms: i64, outcome: Outcome) -> bool {
        let Some(call) = self.calls.get_mut(call_id) else {
            return false;
        };
        if call.stage != Stage::Waiting {
            return false;
        }
        call.stage = Stage::Answered {
            answered_ms: at_ms.max(call.offered_ms),
        };
        let call = call.clone();
        if outcome == Outcome::Abandoned {
            self.calls.remove(call_id);
        }
        let Some(live) = self.groups.get_mut(call.group) else {
            return false;
        };
        let key = (call.offered_ms, call.seq);
        if let Ok(position) = live.waiting.binary_search(&key) {
            live.waiting.remove(position);
        }
        live.touch(at_ms);
        let target_ms = live.settings.sl_ms();
        let short_ms = live.settings.short_abandon_ms();
        let Some(tally) = live.days.get_mut(&call.day.date) else {
            return true;
        };
        let offered = call.offered_ms;
        let resolved = at_ms.max(offered);
        let wait = elapsed_ms(offered, resolved);
        let within = wait <= target_ms;
        // A call that waited past T entered the service level as missed at T.
        let counted = if within {
            resolved
        } else {
            offered.saturating_add(target_ms)
        };
        match outcome {
            Outcome::Answered => {
                tally.record(offered, |m| {
                    m.settled += 1;
                    m.settled_within += u32::from(within);
                });
                tally.record(counted, |m| {
                    m.sl_offered += 1;
                    m.sl_within += u32::from(within);
                    m.acd_offered += 1;
                });
                tally.record(resolved, |m| {
                    m.answered += 1;
                    m.wait_seconds += seconds(wait);
                });
                if let Some(interval) = tally.intervals.get_mut(call.interval) {
                    interval.answered += 1;
                    interval.answered_within_target += u32::from(within);
                }
            }
            Outcome::Abandoned => {
                let short = short_ms > 0 && wait < short_ms;
                tally.record(offered, |m| m.settled += u32::from(!short));
                tally.record(counted, |m| {
                    m.acd_offered += 1;
                    // Missed at T even if short: it is taken out again below.
                    m.sl_offered += i32::from(!short || !within);
                });
                tally.record(resolved, |m| {
                    m.abandoned += 1;
                    m.short_abandoned += u32::from(short);
                    m.sl_offered -= i32::from(short && !within);
                });
                if let Some(interval) = tally.intervals.get_mut(call.interval) {
                    interval.abandoned += 1;
                    interval.short_abandoned += u32::from(short);
                }
            }
        }
        true
    }

    pub(super) fn end_call(&mut self, call_id: &str, talk: f64, hold: f64, at_ms: i64) -> bool {
        let Some(call) = self.calls.get_mut(call_id) else {
            return false;
        };
        if !matches!(call.stage, Stage::Answered { .. }) {
            return false;
        }
        let duration = |s: f64| {
            if s.is_finite() {
                s.clamp(0.0, LONGEST_TALK_SECONDS)
            } else {
                0.0
            }
        };
        call.stage = Stage::Ended {
            ended_ms: at_ms,
            talk_hold_seconds: duration(talk) + duration(hold),
        };
        let group = call.group;
        if let Some(live) = self.groups.get_mut(group) {
            live.touch(at_ms);
        }
        true
    }

    pub(super) fn end_wrap_up(&mut self, call_id: &str, at: DateTime<Utc>) -> bool {
        let Some(call) = self.calls.get(call_id) else {
            return false;
        };
        let Stage::Ended {
            ended_ms,
            talk_hold_seconds,
        } = call.stage
        else {
            return false;
        };
        let group = call.group;
        self.calls.remove(call_id);
        let at_ms = to_ms(at);
        let handle = talk_hold_seconds + seconds(elapsed_ms(ended_ms, at_ms));
        let day = self.days.day_of(&self.grid, at);
        let keeps = self.keeps(day.date);
        let interval_ms = self.interval_ms();
        let Some(live) = self.groups.get_mut(group) else {
            return true;
        };
        live.touch(at_ms);
        if keeps {
            live.days
                .entry(day.date)
                .or_insert_with(|| DayTally::new(day, interval_ms))
                .record(at_ms, |m| {
                    m.handled += 1;
                    m.handle_seconds += handle;
                });
        }
        true
    }
}
