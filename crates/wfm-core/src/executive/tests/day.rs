//! The hand-built day: 2026-03-10 in UTC, 15-minute intervals, read at 10:30:00 (the
//! window W is the interval 10:15-10:30, which has just closed, as has 10:00-10:15).
//!
//! Every group: 80/20, voice, forecast AHT 180 s and ACD 90 % in 10:00-10:15,
//! 10:15-10:30 and 10:30-10:45 (the current interval, whose AHT the requirement takes),
//! timetable on line 09:00-12:00, statuses set at 09:59.
//!
//! | group (service) | forecast / interval | calls 10:00-10:15 | calls 10:15-10:30 (W) | operators |
//! |---|---|---|---|---|
//! | 1 (10) | 4 | 3 answered: waits 5, 5, 30 | 5: waits 5, 5, 5, 25; one abandoned after 40 | 11, 12 ready; 13 never logged in |
//! | 2 (10) | 5 | 4 answered within 5 s | 5 answered within 5 s | 21-25 ready |
//! | 3 (20) | 10 | 8: 6 answered within 10 s, 2 abandoned after 30 | 10: 8 answered within 10 s, 1 after 60, 1 abandoned after 50 | 31-34 ready; 35 on a break |
//!
//! Handled calls (talk + hold + wrap-up): group 1 two of 200 and 240 s; group 2 one of
//! 180 s; group 3 three of 150 s. Fewer than 10 each, so the requirement takes the
//! forecast AHT of 180 s.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use crate::event::{AgentId, AgentState, Event, EventKind, GroupId};
use crate::interval::IntervalGrid;
use crate::live::{AgentInfo, Center, GroupSettings};
use crate::plan::{Activity, ForecastInterval, Segment};

/// 2026-03-10 at h:m:s UTC.
pub fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, h, m, s).unwrap()
}

pub fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
}

/// The instant the day is read at.
pub fn now() -> DateTime<Utc> {
    at(10, 30, 0)
}

/// What becomes of a call.
#[derive(Clone, Copy)]
enum End {
    /// Answered after this wait; handled in this many seconds when given.
    Answered(i64, Option<f64>),
    /// Abandoned after this wait.
    Abandoned(i64),
}

struct Calls {
    events: Vec<(DateTime<Utc>, EventKind)>,
    next: u32,
}

impl Calls {
    /// Calls of `group` offered a minute apart from `first`.
    fn offer(&mut self, group: GroupId, first: DateTime<Utc>, ends: &[End]) {
        for (k, end) in ends.iter().enumerate() {
            self.next += 1;
            let id = format!("c{}", self.next);
            let offered = first + Duration::minutes(k as i64);
            self.events.push((
                offered,
                EventKind::CallOffered {
                    call_id: id.clone(),
                    group_id: group,
                    customer_id: None,
                },
            ));
            match *end {
                End::Answered(wait, handle) => {
                    let answered = offered + Duration::seconds(wait);
                    self.events.push((
                        answered,
                        EventKind::CallAnswered {
                            call_id: id.clone(),
                            agent_id: group * 10 + 1,
                        },
                    ));
                    if let Some(handle) = handle {
                        // Talk for all but 10 s of it, then 10 s of wrap-up.
                        let ended = answered + Duration::seconds(handle as i64 - 10);
                        self.events.push((
                            ended,
                            EventKind::CallEnded {
                                call_id: id.clone(),
                                talk_seconds: handle - 10.0,
                                hold_seconds: 0.0,
                            },
                        ));
                        self.events.push((
                            ended + Duration::seconds(10),
                            EventKind::WrapUpEnded { call_id: id },
                        ));
                    }
                }
                End::Abandoned(wait) => self.events.push((
                    offered + Duration::seconds(wait),
                    EventKind::CallAbandoned { call_id: id },
                )),
            }
        }
    }
}

/// The operators of each group.
pub fn operators() -> Vec<(GroupId, Vec<AgentId>)> {
    vec![
        (1, vec![11, 12, 13]),
        (2, vec![21, 22, 23, 24, 25]),
        (3, vec![31, 32, 33, 34, 35]),
    ]
}

/// The center with the whole day applied.
pub fn center() -> Center {
    use End::{Abandoned as Ab, Answered as An};
    let groups = vec![
        GroupSettings::new(1, 10),
        GroupSettings::new(2, 10),
        GroupSettings::new(3, 20),
    ];
    let mut agents = Vec::new();
    let mut timetable = Vec::new();
    for (group, ids) in operators() {
        for id in ids {
            agents.push(AgentInfo {
                id,
                primary_group_id: Some(group),
            });
            timetable.push(Segment {
                agent_id: id,
                start: at(9, 0, 0),
                end: at(12, 0, 0),
                activity: Activity::Line(group),
            });
        }
    }
    let mut forecast = Vec::new();
    for (group, calls) in [(1, 4.0), (2, 5.0), (3, 10.0)] {
        for start in [at(10, 0, 0), at(10, 15, 0), at(10, 30, 0)] {
            forecast.push(ForecastInterval {
                group_id: group,
                start,
                end: start + Duration::minutes(15),
                calls,
                aht_seconds: 180.0,
                acd_percent: 90.0,
                operators: None,
            });
        }
    }
    let grid = IntervalGrid::new(chrono_tz::UTC, 15).unwrap();
    let mut center = Center::new(grid, groups, agents);
    center.set_plan(forecast, timetable);

    let mut calls = Calls {
        events: Vec::new(),
        next: 0,
    };
    for (id, state) in [
        (11, AgentState::Ready),
        (12, AgentState::Ready),
        (21, AgentState::Ready),
        (22, AgentState::Ready),
        (23, AgentState::Ready),
        (24, AgentState::Ready),
        (25, AgentState::Ready),
        (31, AgentState::Ready),
        (32, AgentState::Ready),
        (33, AgentState::Ready),
        (34, AgentState::Ready),
        (35, AgentState::Break),
    ] {
        calls.events.push((
            at(9, 59, 0),
            EventKind::AgentStateChanged {
                agent_id: id,
                state,
                group_id: None,
            },
        ));
    }
    calls.offer(
        1,
        at(10, 1, 0),
        &[An(5, Some(200.0)), An(5, Some(240.0)), An(30, None)],
    );
    calls.offer(
        1,
        at(10, 20, 0),
        &[An(5, None), An(5, None), An(5, None), An(25, None), Ab(40)],
    );
    calls.offer(
        2,
        at(10, 1, 0),
        &[An(5, Some(180.0)), An(5, None), An(5, None), An(5, None)],
    );
    calls.offer(2, at(10, 20, 0), &[An(5, None); 5]);
    let mut early = vec![An(10, None); 6];
    early.extend([Ab(30), Ab(30)]);
    early[0] = An(10, Some(150.0));
    calls.offer(3, at(10, 1, 0), &early);
    let mut late = vec![An(10, None); 8];
    late.extend([An(60, None), Ab(50)]);
    late[0] = An(10, Some(150.0));
    late[1] = An(10, Some(150.0));
    calls.offer(3, at(10, 16, 0), &late);

    calls.events.sort_by_key(|(at, _)| *at);
    for (seq, (at, kind)) in calls.events.into_iter().enumerate() {
        center.apply(&Event {
            seq: seq as i64 + 1,
            at,
            kind,
        });
    }
    center
}
