//! Schedule adherence of operators: each state, the grace period, absence resetting on
//! return, back-to-back line segments as one stretch.

use chrono::DateTime;
use chrono::Utc;

use super::support::*;
use crate::event::AgentState;
use crate::live::{Adherence, GroupSettings, OperatorStatus, Scope};
use crate::plan::Activity;
use crate::threshold::Indicator;

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

/// Billing (group 2) plans operators 1-8 on line 10:00-11:00. At 10:00 operators 1-3
/// log in for Billing, 4-7 for Sales (group 1: their statuses name it), 8 not at all.
fn billing_helping_sales() -> Feed {
    let agents = (1..=8).map(|id| agent(id, Some(2))).collect();
    let mut feed = Feed::new(vec![group(1, 10), group(2, 10)], agents);
    let timetable = (1..=8)
        .map(|id| line(id, 2, at(10, 0, 0), at(11, 0, 0)))
        .collect();
    feed.center.set_plan(vec![], timetable);
    for id in 1..=3 {
        feed.state(at(10, 0, 0), id, AgentState::Ready, Some(2));
    }
    for id in 4..=7 {
        feed.state(at(10, 0, 0), id, AgentState::Ready, Some(1));
    }
    feed
}

#[test]
fn working_another_group_than_planned_is_out_of_adherence_and_counts_there() {
    let feed = billing_helping_sales();
    let now = at(10, 5, 0);
    let snapshot = feed.snapshot(now);
    let billing = of(&snapshot, Scope::Group(2));
    let sales = of(&snapshot, Scope::Group(1));
    // Billing: 3 of 8 planned on line, 37.5 %; Sales: the 4 helpers, none planned.
    assert_eq!((billing.online, billing.planned), (3, 8));
    assert_eq!(
        indicator(billing, Indicator::OperatorsOnline).value,
        Some(37.5)
    );
    assert_eq!((sales.online, sales.planned), (4, 0));
    let operators = feed.center.operators(now);
    let adherence = |id: i64| {
        let o = operators.iter().find(|o| o.agent_id == id).unwrap();
        (o.adherence, o.group_id, o.planned)
    };
    // Past the 120 s grace, 4-7 are out of adherence: working Sales, planned Billing.
    assert_eq!(
        adherence(1),
        (Adherence::OnSchedule, Some(2), Some(Activity::Line(2)))
    );
    assert_eq!(
        adherence(4),
        (Adherence::OtherGroup, Some(1), Some(Activity::Line(2)))
    );
    assert_eq!(adherence(8).0, Adherence::LateLogin);
    // The list and the tile agree: on schedule for Billing are exactly the 3 online.
    let on_schedule_for_billing = operators
        .iter()
        .filter(|o| o.planned == Some(Activity::Line(2)))
        .filter(|o| o.adherence == Adherence::OnSchedule)
        .count();
    assert_eq!(on_schedule_for_billing, billing.online as usize);
    let online_for = |g: i64| {
        operators
            .iter()
            .filter(|o| o.state.is_on_line() && o.group_id == Some(g))
            .count()
    };
    assert_eq!(
        (online_for(2), online_for(1)),
        (billing.online as usize, sales.online as usize)
    );
}

#[test]
fn a_switch_of_group_gets_the_grace_period_and_a_switch_back_ends_it() {
    let mut feed = billing_helping_sales();
    // Operator 1 takes a Sales call at 10:10: within grace at 10:11, out after 10:12.
    feed.state(at(10, 10, 0), 1, AgentState::OnContact, Some(1));
    let judged = |feed: &Feed, now| {
        feed.center
            .operators(now)
            .into_iter()
            .find(|o| o.agent_id == 1)
            .unwrap()
            .adherence
    };
    assert_eq!(judged(&feed, at(10, 11, 0)), Adherence::OnSchedule);
    assert_eq!(judged(&feed, at(10, 12, 0)), Adherence::OtherGroup);
    // Back on Billing: on schedule at once.
    feed.state(at(10, 13, 0), 1, AgentState::Ready, Some(2));
    assert_eq!(judged(&feed, at(10, 13, 0)), Adherence::OnSchedule);
    // The interval's adherence minutes count the other-group minutes as not adherent:
    // samples 10:00 ... 10:14, operator 1 out at 10:12 only (10:13 back): 14 of 15.
    let records = feed
        .center
        .interval_records(day(), 40, at(10, 16, 0))
        .unwrap();
    let one = records.operators.iter().find(|r| r.agent_id == 1).unwrap();
    assert_eq!((one.scheduled_minutes, one.adherent_minutes), (15, 14));
}
