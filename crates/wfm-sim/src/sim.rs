//! The discrete-event engine: an agenda of timed actions (arrivals, abandons, ends of
//! talk and wrap-up, timetable changes, late logins) worked through in time order, the
//! queues, and the feed it writes.

mod calls;
mod close;
mod operators;
mod record;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, VecDeque, btree_map};

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use wfm_core::event::{AgentState, GroupId};

use crate::arrivals::{Arrival, Arrivals};
use crate::random::{Stream, stream};
use crate::scenario::{Conduct, Scenario, SimGroup};
use crate::timetable::{PlanChange, Planned, plan_changes};
use record::Record;
use wfm_core::feed::FeedEvent;

/// Something due at an instant. Each names what it concerns by position in the
/// scenario; the data lives in the simulator, so stale actions can be recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// The group's pending arrival happens.
    Arrival(usize),
    /// The caller of this call number runs out of patience, if still waiting.
    Abandon(u64),
    /// The operator's conversation ends.
    CallEnd(usize),
    /// The operator's after-call work ends.
    WrapUpEnd(usize),
    /// The operator's next plan change is due.
    PlanChange(usize),
    /// A late operator gets on line, unless the plan changed since (`epoch`).
    LogIn { agent: usize, epoch: u64 },
}

/// An action on the agenda: due at `at_ms`, ties in the order scheduled (`seq`).
/// Ordered soonest first, so that the agenda's max-heap pops the next one due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    at_ms: i64,
    seq: u64,
    action: Action,
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at_ms, other.seq).cmp(&(self.at_ms, self.seq))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A call with what was drawn for it at arrival.
#[derive(Debug, Clone, Copy)]
struct Call {
    number: u64,
    group: usize,
    offered_ms: i64,
    /// When an operator answered it (meaningless while it waits).
    answered_ms: i64,
    talk_ms: i64,
    hold_ms: i64,
    wrap_up_ms: i64,
}

/// What an operator is doing.
#[derive(Debug, Clone, Copy)]
enum Status {
    LoggedOut,
    /// Logged in, not taking calls (break, lunch, training, not ready).
    Away(AgentState),
    /// Waiting for a call, on line for `group`, since `since_ms`.
    Ready {
        group: usize,
        since_ms: i64,
    },
    OnContact(Call),
    WrapUp(Call),
}

/// An operator and where they are in their timetable.
#[derive(Debug)]
struct Operator {
    login: String,
    /// Group positions, highest priority first.
    skills: Vec<usize>,
    changes: Vec<PlanChange>,
    /// Position in `changes` of the next change.
    next_change: usize,
    planned: Planned,
    /// Not showing up for the current shift.
    absent: bool,
    status: Status,
    /// Counts plan changes; a late login scheduled under an older plan is void.
    epoch: u64,
}

/// Waits of answered calls offered in a window, for the M/M/N cross-check.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WaitTally {
    pub from_ms: i64,
    pub to_ms: i64,
    pub target_ms: i64,
    pub answered: u64,
    pub within_target: u64,
}

/// A seeded, deterministic contact-center simulation; see [`Simulator::advance`].
#[derive(Debug)]
pub struct Simulator {
    origin: DateTime<Utc>,
    seed: u64,
    conduct: Conduct,
    groups: Vec<SimGroup>,
    operators: Vec<Operator>,
    arrivals: Vec<Arrivals>,
    /// Each group's drawn but not yet happened arrival.
    next_arrivals: Vec<Option<Arrival>>,
    /// Call numbers per group, oldest first; may still hold calls abandoned since.
    queues: Vec<VecDeque<u64>>,
    waiting: BTreeMap<u64, Call>,
    /// Ready operators, longest idle first.
    idle: BTreeSet<(i64, usize)>,
    agenda: BinaryHeap<Entry>,
    scheduled: u64,
    now_ms: i64,
    callers: StdRng,
    behaviour_rng: StdRng,
    calls_offered: u64,
    events_written: u64,
    /// Whether to keep records for the feed.
    feed: bool,
    records: Vec<(i64, Record)>,
    tally: Option<WaitTally>,
}

impl Simulator {
    /// A simulation of `scenario`, at its start; every operator logged out.
    pub fn new(scenario: Scenario) -> Self {
        let Scenario {
            groups,
            agents,
            forecast,
            timetable,
            behaviour,
            seed,
            start,
        } = scenario;
        let origin = DateTime::from_timestamp_millis(start.timestamp_millis()).unwrap_or(start);

        let mut group_index: BTreeMap<GroupId, usize> = BTreeMap::new();
        let mut kept_groups = Vec::new();
        for g in groups {
            if let btree_map::Entry::Vacant(slot) = group_index.entry(g.id) {
                slot.insert(kept_groups.len());
                kept_groups.push(g);
            }
        }
        let mut seen_agents = BTreeSet::new();
        let operators: Vec<Operator> = agents
            .into_iter()
            .filter(|a| seen_agents.insert(a.id))
            .map(|a| {
                let mut skills: Vec<usize> = Vec::new();
                for g in a.skills.iter().filter_map(|id| group_index.get(id)) {
                    if !skills.contains(g) {
                        skills.push(*g);
                    }
                }
                Operator {
                    changes: plan_changes(a.id, &timetable, origin, &group_index),
                    login: a.login,
                    skills,
                    next_change: 0,
                    planned: Planned::Off,
                    absent: false,
                    status: Status::LoggedOut,
                    epoch: 0,
                }
            })
            .collect();
        let arrivals: Vec<Arrivals> = kept_groups
            .iter()
            .enumerate()
            .map(|(i, g)| Arrivals::new(g.id, &forecast, origin, stream(seed, Stream::Arrivals(i))))
            .collect();

        let group_count = kept_groups.len();
        let mut sim = Simulator {
            origin,
            seed,
            conduct: Conduct::new(&behaviour),
            groups: kept_groups,
            operators,
            arrivals,
            next_arrivals: vec![None; group_count],
            queues: vec![VecDeque::new(); group_count],
            waiting: BTreeMap::new(),
            idle: BTreeSet::new(),
            agenda: BinaryHeap::new(),
            scheduled: 0,
            now_ms: 0,
            callers: stream(seed, Stream::Callers),
            behaviour_rng: stream(seed, Stream::Operators),
            calls_offered: 0,
            events_written: 0,
            feed: true,
            records: Vec::new(),
            tally: None,
        };
        // Plan changes go first so that an operator due at an instant is on line for a
        // call arriving at the same instant.
        for agent in 0..sim.operators.len() {
            sim.schedule_plan_change(agent);
        }
        for group in 0..group_count {
            sim.draw_arrival(group);
        }
        sim
    }

    /// Advances the simulation to `until` and returns the events that happened in
    /// (previous `until`, `until`], in time order (ties in the order they happened).
    /// Resumable: advancing in many small steps gives exactly the events of one big
    /// step. Events are stamped to the millisecond, so `until` counts as its
    /// millisecond; an instant not after the previous one returns nothing.
    pub fn advance(&mut self, until: DateTime<Utc>) -> Vec<FeedEvent> {
        if until < self.origin {
            return Vec::new();
        }
        self.run_until((until - self.origin).num_milliseconds());
        let records = std::mem::take(&mut self.records);
        records
            .into_iter()
            .map(|(at_ms, record)| self.feed_event(at_ms, record))
            .collect()
    }

    /// Works through every action due at or before `until_ms`.
    fn run_until(&mut self, until_ms: i64) {
        while self.agenda.peek().is_some_and(|e| e.at_ms <= until_ms) {
            let Some(Entry { at_ms, action, .. }) = self.agenda.pop() else {
                break;
            };
            self.now_ms = at_ms;
            match action {
                Action::Arrival(group) => self.arrive(group),
                Action::Abandon(call) => self.abandon(call),
                Action::CallEnd(agent) => self.end_call(agent),
                Action::WrapUpEnd(agent) => self.end_wrap_up(agent),
                Action::PlanChange(agent) => self.change_plan(agent),
                Action::LogIn { agent, epoch } => self.log_in(agent, epoch),
            }
        }
    }

    fn schedule(&mut self, at_ms: i64, action: Action) {
        self.scheduled += 1;
        self.agenda.push(Entry {
            at_ms,
            seq: self.scheduled,
            action,
        });
    }

    fn emit(&mut self, record: Record) {
        if self.feed {
            self.records.push((self.now_ms, record));
        }
    }

    /// A simulation that keeps no feed and tallies the waits of answered calls instead.
    pub(crate) fn counting_waits(scenario: Scenario, tally: WaitTally) -> Self {
        let mut sim = Simulator::new(scenario);
        sim.feed = false;
        sim.tally = Some(tally);
        sim
    }

    /// Works through every action due at or before `until_ms` from the start.
    pub(crate) fn run_quietly(&mut self, until_ms: i64) {
        self.run_until(until_ms);
        self.records.clear();
    }

    /// Calls waiting for an answer.
    pub(crate) fn waiting_calls(&self) -> usize {
        self.waiting.len()
    }

    /// The tally of [`Simulator::counting_waits`].
    pub(crate) fn tally(&self) -> Option<WaitTally> {
        self.tally
    }
}
