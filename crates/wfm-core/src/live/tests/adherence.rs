//! Schedule adherence of operators: each state, the grace period, absence resetting on
//! return, back-to-back line segments as one stretch.

use chrono::DateTime;
use chrono::Utc;

use super::support::*;
use crate::event::AgentState;
use crate::live::{Adherence, GroupSettings, OperatorStatus};
use crate::plan::Activity;

/// Group 1 (grace 2 min) and group 2 (grace 10 min); operators 301-311, primary group 1
/// except 311.
fn floor() -> Feed {
    let patient = GroupSettings {
        grace_seconds: 600,
        ..group(2, 10)
    };
    let mut agents: Vec<_> = (301..=310).map(|id| agent(id, Some(1))).collect();
    agents.push(agent(311, Some(2)));
    let mut feed = Feed::new(vec![group(1, 10), patient], agents);
    let line_1 = |id| line(id, 1, at(9, 0, 0), at(12, 0, 0));
    feed.center.set_plan(
        vec![],
        vec![
            line_1(301),
            line(302, 1, at(10, 0, 0), at(12, 0, 0)),
            line_1(303),
            line_1(304),
            segment(305, Activity::Break, at(10, 0, 0), at(10, 15, 0)),
            segment(306, Activity::Lunch, at(10, 0, 0), at(10, 45, 0)),
            segment(307, Activity::Break, at(10, 0, 0), at(10, 15, 0)),
            segment(309, Activity::Training, at(10, 0, 0), at(11, 0, 0)),
            line(310, 1, at(9, 0, 0), at(10, 0, 0)),
            line(310, 2, at(10, 0, 0), at(11, 0, 0)),
            line(311, 2, at(10, 0, 0), at(11, 0, 0)),
        ],
    );
    feed.state(at(8, 55, 0), 301, AgentState::Ready, None)
        .state(at(8, 58, 0), 303, AgentState::Ready, None)
        .state(at(8, 58, 0), 310, AgentState::Ready, None)
        .state(at(8, 59, 0), 304, AgentState::Ready, None)
        .state(at(9, 0, 0), 308, AgentState::Ready, None)
        .state(at(9, 50, 0), 307, AgentState::Ready, None)
        .state(at(9, 50, 0), 310, AgentState::NotReady, None)
        .state(at(9, 58, 0), 309, AgentState::Training, None)
        .state(at(9, 59, 0), 305, AgentState::Break, None)
        .state(at(10, 0, 0), 303, AgentState::NotReady, None)
        .state(at(10, 0, 0), 304, AgentState::Break, None);
    feed
}

fn status(feed: &Feed, now: DateTime<Utc>, id: i64) -> OperatorStatus {
    let all = feed.center.operators(now);
    all.into_iter().find(|s| s.agent_id == id).unwrap()
}

#[test]
fn every_adherence_state_at_five_past_ten() {
    let feed = floor();
    let now = at(10, 5, 0);
    let all = feed.center.operators(now);
    let ids: Vec<i64> = all.iter().map(|s| s.agent_id).collect();
    assert_eq!(ids, (301..=311).collect::<Vec<_>>());
    let seen: Vec<(Adherence, &str)> = all.iter().map(|s| (s.adherence, s.color)).collect();
    assert_eq!(
        seen,
        vec![
            (Adherence::OnSchedule, "green"),   // 301 on line
            (Adherence::LateLogin, "yellow"),   // 302 never logged in since 10:00
            (Adherence::Absent, "red"),         // 303 left the line at 10:00
            (Adherence::WrongStatus, "orange"), // 304 on a break during line work
            (Adherence::InBreak, "blue"),       // 305 on its planned break
            (Adherence::Lunch, "purple"),       // 306 at lunch (logged out)
            (Adherence::WrongStatus, "orange"), // 307 on line during its break
            (Adherence::NotScheduled, "grey"),  // 308 has no timetable
            (Adherence::OnSchedule, "green"),   // 309 in its training
            (Adherence::Absent, "red"),         // 310 left at 09:50, one stretch 09:00-11:00
            (Adherence::OnSchedule, "green"),   // 311 within group 2's 10 minutes
        ]
    );
    assert_eq!(all[1].late_seconds, Some(300.0));
    assert_eq!(
        (all[2].absent_seconds, all[2].late_seconds),
        (Some(300.0), None)
    );
    assert_eq!(all[4].break_left_seconds, Some(600.0));
    assert_eq!(all[5].break_left_seconds, Some(2400.0));
    assert_eq!(all[9].absent_seconds, Some(900.0));
    assert_eq!(all[0].since, Some(at(8, 55, 0)));
    assert_eq!(all[1].since, None);
    assert_eq!(all[1].state, AgentState::LoggedOut);
    assert_eq!(all[0].planned, Some(Activity::Line(1)));
    assert_eq!(all[7].planned, None);
    assert_eq!(all[0].group_id, Some(1));
    assert_eq!(all[9].group_id, Some(2));
}

#[test]
fn deviations_within_grace_are_on_schedule() {
    let feed = floor();
    let now = at(10, 1, 0);
    assert_eq!(status(&feed, now, 302).adherence, Adherence::OnSchedule);
    assert_eq!(status(&feed, now, 303).adherence, Adherence::OnSchedule);
    assert_eq!(status(&feed, now, 304).adherence, Adherence::OnSchedule);
    assert_eq!(status(&feed, now, 307).adherence, Adherence::InBreak);
    // Exactly the grace period late is late.
    let late = status(&feed, at(10, 2, 0), 302);
    assert_eq!(
        (late.adherence, late.late_seconds),
        (Adherence::LateLogin, Some(120.0))
    );
}

#[test]
fn absence_resets_when_the_operator_returns() {
    let mut feed = floor();
    feed.state(at(10, 6, 0), 303, AgentState::Ready, None)
        .state(at(10, 10, 0), 303, AgentState::LoggedOut, None);
    assert_eq!(
        status(&feed, at(10, 8, 0), 303).adherence,
        Adherence::OnSchedule
    );
    assert_eq!(
        status(&feed, at(10, 11, 0), 303).adherence,
        Adherence::OnSchedule
    );
    let absent = status(&feed, at(10, 13, 0), 303);
    assert_eq!(
        (absent.adherence, absent.absent_seconds),
        (Adherence::Absent, Some(180.0))
    );
}
