//! A simulated day fed through the live engine, read every minute as a supervisor would:
//! no snapshot may contradict itself (issue 15). The operators list agrees with the
//! online counts, no color is a verdict from fewer than the minimum calls, the interval
//! rows add up to the day figure at the wall clock, nobody on schedule for a group is
//! working another, and nothing before the feed existed reads as zero.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use wfm_core::event::Event;
use wfm_core::interval::IntervalGrid;
use wfm_core::live::{Adherence, AgentInfo, Center, GroupSettings, Scope};
use wfm_core::plan::Activity;
use wfm_core::sample::MIN_CALLS;
use wfm_core::threshold::{Color, Indicator};
use wfm_sim::{Behaviour, FeedEvent, Scenario, Simulator};

use crate::common::{SALES, SUPPORT, at, day};

/// A feed event as the engine applies it (logins and codes resolved).
fn to_event(feed: FeedEvent, seq: i64, scenario: &Scenario) -> Option<Event> {
    feed.resolve(
        seq,
        |login| {
            scenario
                .agents
                .iter()
                .find(|a| a.login == login)
                .map(|a| a.id)
        },
        |code| {
            scenario
                .groups
                .iter()
                .find(|g| g.code == code)
                .map(|g| g.id)
        },
    )
}

/// Every contradiction of one instant, as text.
fn contradictions(
    center: &Center,
    now: DateTime<Utc>,
    first_event: Option<DateTime<Utc>>,
) -> Vec<String> {
    let mut found = Vec::new();
    let snapshot = center.snapshot(now);
    let operators = center.operators(now);
    let date = day_of(now);
    let mut scopes: Vec<_> = snapshot.groups.iter().collect();
    scopes.extend(&snapshot.services);
    scopes.push(&snapshot.all);
    for figures in scopes {
        for i in &figures.indicators {
            let few = i.sample_calls.is_some_and(|n| n < MIN_CALLS);
            if few && (i.color != Color::Grey || !i.too_few_calls) {
                found.push(format!(
                    "{now} {:?} {:?}: {:?} from {:?} calls",
                    figures.scope, i.indicator, i.color, i.sample_calls
                ));
            }
        }
    }
    for g in &snapshot.groups {
        let Scope::Group(id) = g.scope else { continue };
        let on_line = operators
            .iter()
            .filter(|o| o.state.is_on_line() && o.group_id == Some(id))
            .count();
        if on_line != g.online as usize {
            found.push(format!(
                "{now} group {id}: list {on_line} on line, tile {}",
                g.online
            ));
        }
        let rows: u32 = center
            .intervals(id, date, now)
            .iter()
            .map(|r| r.offered)
            .sum();
        if rows != g.offered_today {
            found.push(format!(
                "{now} group {id}: rows {rows}, day {}",
                g.offered_today
            ));
        }
        // Before the feed's first event the moment's figures are gaps, not zeros.
        let online = g
            .indicators
            .iter()
            .find(|i| i.indicator == Indicator::OperatorsOnline)
            .map(|i| &i.sparkline);
        // Point k of 24 is the end of interval ended - 24 + k (counted from 1).
        let ended = (now - at(0, 0)).num_minutes() / 15;
        for (k, value) in online.into_iter().flatten().enumerate() {
            let end = at(0, 0) + Duration::minutes(15 * (ended - 23 + k as i64));
            if first_event.is_none_or(|first| end <= first) && value.is_some() {
                found.push(format!(
                    "{now} group {id}: online {value:?} at {end}, before the feed"
                ));
            }
        }
    }
    for o in &operators {
        if o.adherence == Adherence::OnSchedule
            && o.state.is_on_line()
            && let Some(Activity::Line(planned)) = o.planned
            && o.group_id != Some(planned)
            && o.since
                .is_some_and(|since| now - since > Duration::minutes(2))
        {
            found.push(format!(
                "{now} operator {}: on schedule for {planned} while counted for {:?}",
                o.agent_id, o.group_id
            ));
        }
    }
    found
}

fn day_of(now: DateTime<Utc>) -> chrono::NaiveDate {
    now.date_naive()
}

#[test]
fn a_simulated_day_read_every_minute_contradicts_itself_nowhere() {
    let mut checked = 0;
    for seed in [1, 2] {
        let scenario = day(seed, Behaviour::default());
        let grid = IntervalGrid::new(IntervalGrid::parse_tz("UTC").unwrap(), 15).unwrap();
        let groups = [SALES, SUPPORT]
            .map(|id| GroupSettings {
                max_occupancy: 0.85,
                ..GroupSettings::new(id, 1)
            })
            .to_vec();
        let agents = scenario
            .agents
            .iter()
            .map(|a| AgentInfo {
                id: a.id,
                primary_group_id: a.skills.first().copied(),
            })
            .collect();
        let mut center = Center::new(grid, groups, agents);
        center.set_plan(scenario.forecast.clone(), scenario.timetable.clone());
        let mut sim = Simulator::new(scenario.clone());
        let mut seq = 0;
        let mut first_event = None;
        let mut found: BTreeMap<String, usize> = BTreeMap::new();
        let mut now = at(7, 0);
        while now <= at(18, 0) {
            for feed in sim.advance(now) {
                seq += 1;
                if let Some(event) = to_event(feed, seq, &scenario) {
                    first_event.get_or_insert(event.at);
                    center.apply(&event);
                }
            }
            for c in contradictions(&center, now, first_event) {
                *found.entry(c).or_default() += 1;
            }
            checked += 1;
            now += Duration::minutes(1);
        }
        assert!(
            found.is_empty(),
            "seed {seed}: {:#?}",
            found.keys().take(10).collect::<Vec<_>>()
        );
    }
    assert_eq!(checked, 2 * 661);
}
