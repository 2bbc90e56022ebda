//! Building centers, plans and event sequences for the tests, and reading figures back.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use crate::event::{AgentId, AgentState, Event, EventKind, GroupId};
use crate::interval::IntervalGrid;
use crate::live::{AgentInfo, Center, Figures, GroupSettings, IndicatorValue, Scope, Snapshot};
use crate::plan::{Activity, ForecastInterval, Segment};
use crate::threshold::Indicator;

/// 2026-03-10 (an ordinary day) at h:m:s UTC.
pub fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, h, m, s).unwrap()
}

pub fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
}

/// A UTC grid of 15-minute intervals.
pub fn utc_grid() -> IntervalGrid {
    IntervalGrid::new(chrono_tz::UTC, 15).unwrap()
}

/// Group `id` of service `service` with the defaults: voice, 80/20, no short abandons.
pub fn group(id: GroupId, service: i64) -> GroupSettings {
    GroupSettings::new(id, service)
}

pub fn agent(id: AgentId, primary: Option<GroupId>) -> AgentInfo {
    AgentInfo {
        id,
        primary_group_id: primary,
    }
}

pub fn line(agent_id: AgentId, group: GroupId, from: DateTime<Utc>, to: DateTime<Utc>) -> Segment {
    segment(agent_id, Activity::Line(group), from, to)
}

pub fn segment(
    agent_id: AgentId,
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

pub fn forecast(
    group_id: GroupId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    calls: f64,
    aht: f64,
    acd: f64,
) -> ForecastInterval {
    ForecastInterval {
        group_id,
        start: from,
        end: to,
        calls,
        aht_seconds: aht,
        acd_percent: acd,
        operators: None,
    }
}

/// A center and the events fed to it, in order.
pub struct Feed {
    pub center: Center,
    pub events: Vec<Event>,
}

impl Feed {
    pub fn new(groups: Vec<GroupSettings>, agents: Vec<AgentInfo>) -> Self {
        Feed::on(utc_grid(), groups, agents)
    }

    pub fn on(grid: IntervalGrid, groups: Vec<GroupSettings>, agents: Vec<AgentInfo>) -> Self {
        Feed {
            center: Center::new(grid, groups, agents),
            events: Vec::new(),
        }
    }

    pub fn push(&mut self, at: DateTime<Utc>, kind: EventKind) -> &mut Self {
        let event = Event {
            seq: self.events.len() as i64 + 1,
            at,
            kind,
        };
        self.center.apply(&event);
        self.events.push(event);
        self
    }

    pub fn offer(&mut self, at: DateTime<Utc>, call: &str, group_id: GroupId) -> &mut Self {
        self.push(
            at,
            EventKind::CallOffered {
                call_id: call.into(),
                group_id,
                customer_id: None,
            },
        )
    }

    pub fn answer(&mut self, at: DateTime<Utc>, call: &str, agent_id: AgentId) -> &mut Self {
        self.push(
            at,
            EventKind::CallAnswered {
                call_id: call.into(),
                agent_id,
            },
        )
    }

    pub fn abandon(&mut self, at: DateTime<Utc>, call: &str) -> &mut Self {
        self.push(
            at,
            EventKind::CallAbandoned {
                call_id: call.into(),
            },
        )
    }

    pub fn end(&mut self, at: DateTime<Utc>, call: &str, talk: f64, hold: f64) -> &mut Self {
        self.push(
            at,
            EventKind::CallEnded {
                call_id: call.into(),
                talk_seconds: talk,
                hold_seconds: hold,
            },
        )
    }

    pub fn wrap_up(&mut self, at: DateTime<Utc>, call: &str) -> &mut Self {
        self.push(
            at,
            EventKind::WrapUpEnded {
                call_id: call.into(),
            },
        )
    }

    pub fn state(
        &mut self,
        at: DateTime<Utc>,
        agent_id: AgentId,
        state: AgentState,
        group_id: Option<GroupId>,
    ) -> &mut Self {
        self.push(
            at,
            EventKind::AgentStateChanged {
                agent_id,
                state,
                group_id,
            },
        )
    }

    /// A call offered at `offered`, answered `wait` seconds later by agent 1.
    pub fn answered_call(
        &mut self,
        call: &str,
        group_id: GroupId,
        offered: DateTime<Utc>,
        wait: i64,
    ) -> &mut Self {
        self.offer(offered, call, group_id).answer(
            offered + chrono::Duration::seconds(wait),
            call,
            1,
        )
    }

    /// A call offered at `offered`, abandoned `wait` seconds later.
    pub fn abandoned_call(
        &mut self,
        call: &str,
        group_id: GroupId,
        offered: DateTime<Utc>,
        wait: i64,
    ) -> &mut Self {
        self.offer(offered, call, group_id)
            .abandon(offered + chrono::Duration::seconds(wait), call)
    }

    /// The center's snapshot at `now`.
    pub fn snapshot(&self, now: DateTime<Utc>) -> Snapshot {
        self.center.snapshot(now)
    }
}

pub fn of(snapshot: &Snapshot, scope: Scope) -> &Figures {
    let all = std::iter::once(&snapshot.all)
        .chain(&snapshot.groups)
        .chain(&snapshot.services);
    let mut found = all.filter(|f| f.scope == scope);
    let figures = found.next().expect("scope in the snapshot");
    assert!(found.next().is_none(), "{scope:?} appears once");
    figures
}

pub fn indicator(figures: &Figures, which: Indicator) -> &IndicatorValue {
    figures
        .indicators
        .iter()
        .find(|i| i.indicator == which)
        .expect("every indicator")
}

/// `actual` is `expected` up to rounding.
#[track_caller]
pub fn assert_close(actual: Option<f64>, expected: f64) {
    let actual = actual.expect("a value");
    assert!(
        (actual - expected).abs() <= 1e-9 * expected.abs().max(1.0),
        "{actual} != {expected}"
    );
}
