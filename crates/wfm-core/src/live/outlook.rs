//! What the plan and the recent actuals say about a group around an instant: the planned
//! operators and the forecast of the interval holding it, and the calls offered per
//! closed interval of today, which the predictions of trouble ahead are made from.
//!
//! Calls offered are counted to the minute history's resolution, over (from, to] as the
//! window W counts them: the calls of an interval are those the load deviation's window
//! holds at the interval's end.

use chrono::{DateTime, Utc};

use crate::event::GroupId;

use super::center::{Center, GroupLive};
use super::settings::GroupSettings;
use super::time::{Day, elapsed_ms, minute_of, seconds, to_ms};

/// What the plan says about one group's interval: the interval containing `at`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outlook {
    /// First instant of the grid interval holding `at`.
    pub interval_start: DateTime<Utc>,
    /// Its length in seconds (the last interval of a day may be short).
    pub interval_seconds: f64,
    /// Operators the timetable has on line work for the group at `at` (breaks and lunch
    /// excluded).
    pub planned: u32,
    /// Forecast calls in the whole interval (`None` without a forecast).
    pub forecast_calls: Option<f64>,
    /// Forecast AHT at `at`, seconds (`None` without a forecast).
    pub forecast_aht_seconds: Option<f64>,
}

/// The group's recent actuals: calls offered per closed interval of today (oldest first,
/// up to `intervals`), and AHT of today's answered calls.
#[derive(Debug, Clone, PartialEq)]
pub struct Recent {
    /// (interval start, calls offered in it), for today's intervals ended by `now`.
    pub offered: Vec<(DateTime<Utc>, u32)>,
    /// Length of those intervals, seconds: the grid's interval.
    pub interval_seconds: f64,
    /// Mean handle time of the calls whose handling completed today up to `now`.
    pub aht_seconds: Option<f64>,
}

impl Center {
    /// What the plan says about group `group_id` in the interval holding `at`; `None` for
    /// a group the center does not know.
    pub fn outlook(&self, group_id: GroupId, at: DateTime<Utc>) -> Option<Outlook> {
        let (group, live) = self.group_live(group_id)?;
        let interval = self.grid.interval_at(at);
        let (start_ms, end_ms) = (to_ms(interval.start), to_ms(interval.end));
        let at_ms = to_ms(at);
        Some(Outlook {
            interval_start: interval.start,
            interval_seconds: seconds(elapsed_ms(start_ms, end_ms)),
            planned: self.timetable.planned_at(group, at_ms),
            forecast_calls: live.forecast.integrate(start_ms, end_ms).map(|f| f.calls),
            forecast_aht_seconds: live.forecast.at(at_ms).map(|load| load.aht_seconds),
        })
    }

    /// Group `group_id`'s calls offered in the last `intervals` intervals of today ended
    /// by `now`, and today's AHT up to `now`; `None` for an unknown group.
    pub fn recent(
        &self,
        group_id: GroupId,
        now: DateTime<Utc>,
        intervals: usize,
    ) -> Option<Recent> {
        let (_, live) = self.group_live(group_id)?;
        let current = self.grid.interval_at(now);
        let wanted = u32::try_from(intervals).unwrap_or(u32::MAX);
        let offered = (current.index.saturating_sub(wanted)..current.index)
            .filter_map(|index| self.grid.interval(current.date, index))
            .map(|interval| {
                let calls = offered_within(live, to_ms(interval.start), to_ms(interval.end));
                (interval.start, calls)
            })
            .collect();
        let (handled, handle_seconds) = self.handled_until(live, now);
        Some(Recent {
            offered,
            interval_seconds: seconds(self.interval_ms()),
            aht_seconds: (handled > 0).then(|| handle_seconds / handled as f64),
        })
    }

    /// Operators on line counting for group `group_id` at `now` (each operator for one
    /// group: the one its last status named, else its line work, else its primary), as
    /// the figures count them; `None` for an unknown group.
    pub(crate) fn online_now(&self, group_id: GroupId, now: DateTime<Utc>) -> Option<u32> {
        let (group, _) = self.group_live(group_id)?;
        self.online_at(to_ms(now)).get(group).copied()
    }

    /// The settings of group `group_id`, as the center computes with them.
    pub fn group_settings(&self, group_id: GroupId) -> Option<&GroupSettings> {
        self.group_live(group_id).map(|(_, live)| &live.settings)
    }

    /// Calls offered to group `group_id` in (from, to], to a minute.
    pub(crate) fn offered_between(
        &self,
        group_id: GroupId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Option<u32> {
        let (_, live) = self.group_live(group_id)?;
        Some(offered_within(live, to_ms(from), to_ms(to)))
    }

    /// Calls of group `group_id` whose handling completed today up to `now`.
    pub(crate) fn handled_today(&self, group_id: GroupId, now: DateTime<Utc>) -> Option<u64> {
        let (_, live) = self.group_live(group_id)?;
        Some(self.handled_until(live, now).0)
    }

    /// The operators the forecast asks for in group `group_id` at `at`, when it says.
    pub(crate) fn forecast_operators(&self, group_id: GroupId, at: DateTime<Utc>) -> Option<f64> {
        let (_, live) = self.group_live(group_id)?;
        live.forecast.at(to_ms(at)).and_then(|load| load.operators)
    }

    fn group_live(&self, group_id: GroupId) -> Option<(usize, &GroupLive)> {
        let group = self.group_index(group_id)?;
        self.groups.get(group).map(|live| (group, live))
    }

    /// Calls handled on `now`'s day up to `now`, and their handle time in seconds.
    fn handled_until(&self, live: &GroupLive, now: DateTime<Utc>) -> (u64, f64) {
        let day = Day::of(&self.grid, now);
        let Some(tally) = live.days.get(&day.date) else {
            return (0, 0.0);
        };
        let upto = usize::try_from(minute_of(to_ms(now)) - tally.day.first_minute() + 1)
            .unwrap_or(0)
            .min(tally.minutes.len());
        tally
            .minutes
            .get(..upto)
            .unwrap_or(&[])
            .iter()
            .fold((0, 0.0), |(calls, time), minute| {
                (
                    calls + u64::from(minute.handled),
                    time + minute.handle_seconds,
                )
            })
    }
}

/// Calls offered in the minute buckets covering (from, to], on whichever day they fall.
fn offered_within(live: &GroupLive, from_ms: i64, to_ms: i64) -> u32 {
    let (first, last) = (minute_of(from_ms) + 1, minute_of(to_ms));
    live.minutes(first, last)
        .fold(0u32, |sum, m| sum.saturating_add(m.offered))
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::event::{AgentState, Event, EventKind};
    use crate::interval::IntervalGrid;
    use crate::live::AgentInfo;
    use crate::plan::{Activity, ForecastInterval, Segment};

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 10, h, m, s).unwrap()
    }

    fn segment(
        agent_id: i64,
        activity: Activity,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Segment {
        Segment {
            agent_id,
            start: from,
            end: to,
            activity,
        }
    }

    /// Group 1 on a UTC 15-minute grid with operators 1-3. Timetable: all three on line
    /// 10:00-11:00, except operator 3 on a break 10:05-10:10. Forecast 10:00-10:15: 30
    /// calls, AHT 200 s, operators 2.5.
    fn center() -> Center {
        let grid = IntervalGrid::new(chrono_tz::UTC, 15).unwrap();
        let agents = (1..=3)
            .map(|id| AgentInfo {
                id,
                primary_group_id: Some(1),
            })
            .collect();
        let mut center = Center::new(grid, vec![GroupSettings::new(1, 10)], agents);
        let forecast = ForecastInterval {
            group_id: 1,
            start: at(10, 0, 0),
            end: at(10, 15, 0),
            calls: 30.0,
            aht_seconds: 200.0,
            acd_percent: 90.0,
            operators: Some(2.5),
        };
        let line = Activity::Line(1);
        let timetable = vec![
            segment(1, line, at(10, 0, 0), at(11, 0, 0)),
            segment(2, line, at(10, 0, 0), at(11, 0, 0)),
            segment(3, line, at(10, 0, 0), at(10, 5, 0)),
            segment(3, Activity::Break, at(10, 5, 0), at(10, 10, 0)),
            segment(3, line, at(10, 10, 0), at(11, 0, 0)),
        ];
        center.set_plan(vec![forecast], timetable);
        center
    }

    struct Log {
        center: Center,
        seq: i64,
    }

    impl Log {
        fn push(&mut self, at: DateTime<Utc>, kind: EventKind) {
            self.seq += 1;
            self.center.apply(&Event {
                seq: self.seq,
                at,
                kind,
            });
        }

        fn offer(&mut self, at: DateTime<Utc>, call: &str) {
            let kind = EventKind::CallOffered {
                call_id: call.into(),
                group_id: 1,
                customer_id: None,
            };
            self.push(at, kind);
        }

        /// Call `call` answered by operator 1 at `at`, talking `talk` seconds, with
        /// `wrap` seconds of wrap-up.
        fn handle(&mut self, at: DateTime<Utc>, call: &str, talk: i64, wrap: i64) {
            let answer = EventKind::CallAnswered {
                call_id: call.into(),
                agent_id: 1,
            };
            self.push(at, answer);
            let ended = at + Duration::seconds(talk);
            let end = EventKind::CallEnded {
                call_id: call.into(),
                talk_seconds: talk as f64,
                hold_seconds: 0.0,
            };
            self.push(ended, end);
            let wrap_up = EventKind::WrapUpEnded {
                call_id: call.into(),
            };
            self.push(ended + Duration::seconds(wrap), wrap_up);
        }
    }

    #[test]
    fn the_outlook_is_the_plan_of_the_interval_holding_the_instant() {
        let center = center();
        let expected = Outlook {
            interval_start: at(10, 0, 0),
            interval_seconds: 900.0,
            planned: 2,
            forecast_calls: Some(30.0),
            forecast_aht_seconds: Some(200.0),
        };
        // Operator 3 is on a break at 10:07.
        assert_eq!(center.outlook(1, at(10, 7, 0)), Some(expected));
        assert_eq!(
            center.outlook(1, at(10, 10, 0)),
            Some(Outlook {
                planned: 3,
                ..expected
            })
        );
        assert_eq!(
            center.outlook(1, at(10, 20, 0)),
            Some(Outlook {
                interval_start: at(10, 15, 0),
                interval_seconds: 900.0,
                planned: 3,
                forecast_calls: None,
                forecast_aht_seconds: None,
            })
        );
        assert_eq!(center.outlook(1, at(11, 0, 0)).map(|o| o.planned), Some(0));
        assert_eq!(center.outlook(2, at(10, 7, 0)), None);
    }

    #[test]
    fn recent_counts_the_calls_offered_per_closed_interval_and_todays_aht() {
        let mut log = Log {
            center: center(),
            seq: 0,
        };
        log.push(
            at(9, 50, 0),
            EventKind::AgentStateChanged {
                agent_id: 1,
                state: AgentState::Ready,
                group_id: None,
            },
        );
        log.offer(at(10, 1, 0), "a");
        log.offer(at(10, 2, 0), "b");
        log.offer(at(10, 14, 30), "c");
        // On the boundary: counted as the window ending at 10:15 counts it.
        log.offer(at(10, 15, 0), "d");
        log.offer(at(10, 20, 0), "e");
        log.offer(at(10, 31, 0), "f");
        log.handle(at(10, 31, 10), "a", 100, 20);
        log.handle(at(10, 35, 0), "b", 200, 40);
        let center = &log.center;

        let recent = center.recent(1, at(10, 40, 0), 3).unwrap();
        assert_eq!(
            recent.offered,
            vec![(at(9, 45, 0), 0), (at(10, 0, 0), 4), (at(10, 15, 0), 1)]
        );
        assert_eq!(recent.interval_seconds, 900.0);
        // (100 + 20 + 200 + 40) / 2.
        assert_eq!(recent.aht_seconds, Some(180.0));

        // At 10:34 only call a has been wrapped up (at 10:33:10); at exactly 10:45 the
        // 10:30 interval has closed.
        assert_eq!(
            center.recent(1, at(10, 34, 0), 1).unwrap().aht_seconds,
            Some(120.0)
        );
        let later = center.recent(1, at(10, 45, 0), 2).unwrap();
        assert_eq!(later.offered, vec![(at(10, 15, 0), 1), (at(10, 30, 0), 1)]);
        // Today's first interval has no closed interval before it.
        assert_eq!(center.recent(1, at(0, 10, 0), 4).unwrap().offered, vec![]);
        assert_eq!(center.recent(1, at(10, 40, 0), 0).unwrap().offered, vec![]);
        assert_eq!(center.recent(9, at(10, 40, 0), 3), None);

        assert_eq!(
            center.offered_between(1, at(10, 0, 0), at(10, 14, 0)),
            Some(2)
        );
        assert_eq!(center.handled_today(1, at(10, 40, 0)), Some(2));
        assert_eq!(center.handled_today(1, at(10, 30, 0)), Some(0));
    }

    #[test]
    fn group_settings_and_forecast_operators() {
        let center = center();
        assert_eq!(center.group_settings(1), Some(&GroupSettings::new(1, 10)));
        assert_eq!(center.group_settings(2), None);
        assert_eq!(center.forecast_operators(1, at(10, 5, 0)), Some(2.5));
        assert_eq!(center.forecast_operators(1, at(10, 15, 0)), None);
    }
}
