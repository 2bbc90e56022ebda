//! The live center: one site's groups, operators, calls in progress and minute history,
//! fed one event at a time in log order. Applying the same events to two centers gives
//! two equal centers.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::event::{AgentId, Event, EventKind, GroupId};
use crate::interval::IntervalGrid;
use crate::plan::{ForecastInterval, Segment};

use super::calls::{Call, DayTally};
use super::forecast::{ForecastLine, forecast_lines};
use super::history::OnlineHistory;
use super::operators::Operator;
use super::presence::Presence;
use super::record::AdherenceLog;
use super::settings::{AgentInfo, GroupSettings};
use super::time::{Day, DayCache, MINUTE_MS, to_ms};
use super::timetable::Timetable;

/// A group's settings and what has happened in it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct GroupLive {
    pub(super) settings: GroupSettings,
    /// Counts per local day: today's and yesterday's are kept.
    pub(super) days: BTreeMap<NaiveDate, DayTally>,
    /// Calls waiting, as (offered at, event seq), ascending.
    pub(super) waiting: Vec<(i64, i64)>,
    pub(super) forecast: ForecastLine,
    /// The newest event instant that touched the group.
    pub(super) newest_ms: Option<i64>,
    /// The platform's reports, for a group fed by counts.
    pub(super) reports: super::load::Reports,
}

impl GroupLive {
    pub(super) fn touch(&mut self, ms: i64) {
        self.newest_ms = Some(self.newest_ms.map_or(ms, |newest| newest.max(ms)));
    }
}

/// The live state of one site (one interval grid): feed it events with [`Center::apply`]
/// and read figures with [`Center::snapshot`], [`Center::intervals`] and
/// [`Center::operators`].
#[derive(Debug, Clone, PartialEq)]
pub struct Center {
    pub(super) grid: IntervalGrid,
    /// By group id, ascending.
    pub(super) groups: Vec<GroupLive>,
    /// By operator id, ascending.
    pub(super) operators: Vec<Operator>,
    /// Calls in progress (waiting, talking or in wrap-up), by call id.
    pub(super) calls: BTreeMap<String, Call>,
    pub(super) timetable: Timetable,
    pub(super) history: OnlineHistory,
    /// Adherence minutes per operator and interval, sampled as minutes close.
    pub(super) adherence: AdherenceLog,
    pub(super) days: DayCache,
    /// The newest event instant seen, in milliseconds.
    pub(super) clock_ms: Option<i64>,
    pub(super) last_event_at: Option<DateTime<Utc>>,
    /// The local date of the newest event; days before the one before it are dropped.
    pub(super) latest_date: Option<NaiveDate>,
    /// When the feed was there, for telling no data from zero.
    pub(super) presence: Presence,
    pub(super) ignored: u64,
}

impl Center {
    /// A center for the site of `grid` with its groups and operators. A repeated group
    /// or operator id keeps its first entry; a primary group the center does not know
    /// is dropped.
    pub fn new(grid: IntervalGrid, groups: Vec<GroupSettings>, agents: Vec<AgentInfo>) -> Self {
        let mut groups = groups;
        groups.sort_by_key(|g| g.id);
        groups.dedup_by_key(|g| g.id);
        let group_ids: Vec<GroupId> = groups.iter().map(|g| g.id).collect();
        let mut agents = agents;
        agents.sort_by_key(|a| a.id);
        agents.dedup_by_key(|a| a.id);
        let operators: Vec<Operator> = agents
            .iter()
            .map(|a| {
                let primary = a
                    .primary_group_id
                    .and_then(|id| group_ids.binary_search(&id).ok());
                Operator::new(a.id, primary)
            })
            .collect();
        let timetable = Timetable::build(Vec::new(), &[], &group_ids);
        Center {
            grid,
            groups: groups
                .into_iter()
                .map(|settings| GroupLive {
                    settings: settings.sanitized(),
                    days: BTreeMap::new(),
                    waiting: Vec::new(),
                    forecast: ForecastLine::default(),
                    newest_ms: None,
                    reports: Default::default(),
                })
                .collect(),
            history: OnlineHistory::new(group_ids.len(), operators.len()),
            operators,
            calls: BTreeMap::new(),
            timetable,
            adherence: AdherenceLog::default(),
            days: DayCache::default(),
            clock_ms: None,
            last_event_at: None,
            latest_date: None,
            presence: Presence::default(),
            ignored: 0,
        }
    }

    /// Replaces the plan: the load forecast and the operators' timetable. Entries for
    /// unknown groups or operators, empty or malformed ones and ones overlapping an
    /// earlier entry of the same group or operator are left out.
    pub fn set_plan(&mut self, forecast: Vec<ForecastInterval>, timetable: Vec<Segment>) {
        let group_ids: Vec<GroupId> = self.groups.iter().map(|g| g.settings.id).collect();
        let agent_ids: Vec<AgentId> = self.operators.iter().map(|o| o.id).collect();
        for (group, line) in self
            .groups
            .iter_mut()
            .zip(forecast_lines(forecast, &group_ids))
        {
            group.forecast = line;
        }
        self.timetable = Timetable::build(timetable, &agent_ids, &group_ids);
        self.recount_everyone();
    }

    /// Applies one event. Never fails: an event naming an unknown call, operator or
    /// group, or one that does not fit the call's stage (an answer for a call no longer
    /// waiting, say), changes nothing and is counted in [`Center::ignored_events`].
    pub fn apply(&mut self, event: &Event) {
        let at_ms = to_ms(event.at);
        self.advance_clock(event.at, at_ms);
        self.presence.note(at_ms);
        let applied = match &event.kind {
            EventKind::CallOffered {
                call_id, group_id, ..
            } => self.offer(call_id, *group_id, event.seq, event.at),
            EventKind::CallAnswered { call_id, agent_id } => self.answer(call_id, *agent_id, at_ms),
            EventKind::CallAbandoned { call_id } => self.abandon(call_id, at_ms),
            EventKind::CallEnded {
                call_id,
                talk_seconds,
                hold_seconds,
            } => self.end_call(call_id, *talk_seconds, *hold_seconds, at_ms),
            EventKind::WrapUpEnded { call_id } => self.end_wrap_up(call_id, event.at),
            EventKind::GroupLoad { group_id, load } => self.take_load(*group_id, load, event.at),
            EventKind::AgentStateChanged {
                agent_id,
                state,
                group_id,
            } => self.change_state(*agent_id, *state, *group_id, event.at),
        };
        if !applied {
            self.ignored += 1;
        }
    }

    /// Events that changed nothing.
    pub fn ignored_events(&self) -> u64 {
        self.ignored
    }

    /// The newest event instant seen (events may arrive slightly out of time order).
    pub fn last_event_at(&self) -> Option<DateTime<Utc>> {
        self.last_event_at
    }

    /// The instant the present is judged at: the wall clock `now`, not the newest event
    /// (a quiet feed does not stop calls from waiting), unless the feed's clock runs
    /// ahead of ours.
    pub(super) fn judged_at(&self, now: DateTime<Utc>) -> i64 {
        self.clock_ms
            .map_or(to_ms(now), |clock| clock.max(to_ms(now)))
    }

    pub(super) fn group_index(&self, id: GroupId) -> Option<usize> {
        self.groups
            .binary_search_by_key(&id, |g| g.settings.id)
            .ok()
    }

    pub(super) fn operator_index(&self, id: AgentId) -> Option<usize> {
        self.operators.binary_search_by_key(&id, |o| o.id).ok()
    }

    pub(super) fn interval_ms(&self) -> i64 {
        i64::from(self.grid.minutes()) * MINUTE_MS
    }

    /// Whether counts of `date` are still kept: today's and yesterday's.
    pub(super) fn keeps(&self, date: NaiveDate) -> bool {
        self.latest_date
            .and_then(|latest| latest.pred_opt())
            .is_none_or(|floor| date >= floor)
    }

    /// Moves the clock to `at` when it is the newest instant seen: records the online
    /// counts of the minutes that closed and, on a new day, drops the days before
    /// yesterday.
    fn advance_clock(&mut self, at: DateTime<Utc>, at_ms: i64) {
        if self.last_event_at.is_some_and(|last| at <= last) {
            return;
        }
        self.last_event_at = Some(at);
        match self.clock_ms {
            None => self.start_history(at_ms),
            Some(_) => self.record_online_until(at_ms),
        }
        self.clock_ms = Some(at_ms);
        let day = self.days.day_of(&self.grid, at);
        if self.latest_date.is_none_or(|latest| day.date > latest) {
            self.latest_date = Some(day.date);
            self.drop_days_before_yesterday(day.date);
        }
    }

    fn drop_days_before_yesterday(&mut self, today: NaiveDate) {
        let Some(yesterday) = today.pred_opt() else {
            return;
        };
        let floor_ms = Day::on(&self.grid, yesterday).start_ms;
        self.presence.forget_before(floor_ms);
        for group in &mut self.groups {
            group.days.retain(|date, _| *date >= yesterday);
            group.reports.last.retain(|date, _| *date >= yesterday);
            group.waiting.retain(|&(offered, _)| offered >= floor_ms);
        }
        self.calls.retain(|_, call| call.day.date >= yesterday);
    }
}
