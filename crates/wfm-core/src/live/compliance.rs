//! A day's service level per grid interval, for SLA compliance: the calls offered in
//! each interval with what became of them.

use chrono::{DateTime, NaiveDate, Utc};

use crate::event::GroupId;

use super::center::Center;
use super::figures::{IntervalFigures, count, percent};
use super::reading::waiting_between;
use super::time::to_ms;

impl Center {
    /// Figures of every interval of `date` for group `group_id` as they stand at `now`
    /// (empty for an unknown group; zeros for a day without calls or no longer kept).
    /// Calls still waiting count as missed once they have waited longer than the target
    /// time at `now` (or at the newest event, if that is later): a quiet queue's breach
    /// shows without waiting for another event, as the day figure shows it.
    pub fn intervals(
        &self,
        group_id: GroupId,
        date: NaiveDate,
        now: DateTime<Utc>,
    ) -> Vec<IntervalFigures> {
        let Some(live) = self.group_index(group_id).and_then(|g| self.groups.get(g)) else {
            return Vec::new();
        };
        let settings = &live.settings;
        let tally = live.days.get(&date);
        let missed_before = self.judged_at(now).saturating_sub(settings.sl_ms());
        self.grid
            .intervals(date)
            .into_iter()
            .enumerate()
            .map(|(index, interval)| {
                let counts = tally
                    .and_then(|t| t.intervals.get(index))
                    .copied()
                    .unwrap_or_default();
                let start = to_ms(interval.start);
                let end = to_ms(interval.end);
                let missed = waiting_between(&live.waiting, start, end.min(missed_before));
                let short = i64::from(counts.short_abandoned);
                let offered = i64::from(counts.answered) + i64::from(counts.abandoned) - short
                    + missed.max(0);
                let sl_percent = percent(f64::from(counts.answered_within_target), offered as f64)
                    .map(|v| v.clamp(0.0, 100.0));
                IntervalFigures {
                    interval,
                    offered: count(offered),
                    answered: counts.answered,
                    answered_within_target: counts.answered_within_target,
                    abandoned: counts.abandoned,
                    short_abandoned: counts.short_abandoned,
                    sl_percent,
                    target_percent: settings.sl_percent,
                    breached: sl_percent.is_some_and(|sl| sl < settings.sl_percent),
                    forecast_calls: live.forecast.integrate(start, end).map(|f| f.calls),
                }
            })
            .collect()
    }
}
