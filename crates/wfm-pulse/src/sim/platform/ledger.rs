//! What a contact-center platform records of its day, from the simulated center's events:
//! every call with its times, every operator's statuses and log-ins; and the answers of the
//! pull contract computed from them by the contract's definitions. Pure: the caller gives
//! the instant of each answer.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use wfm_core::event::AgentState;
use wfm_core::feed::FeedEvent;

use crate::integrations::contact_center::contract::{
    AgentCall, AgentCalls, AgentGroup, AgentLogins, AgentOnlineStatus, AgentState as StateRows,
    GroupOnlineLoad, HistoricData, Login, Personnel, Service, ServiceGroup,
    ServiceGroupHistoricData, StateSpan, Status,
};

/// The static service of a platform without services (the contract's rule).
pub const SERVICE_ID: &str = "1";

/// A call as the platform keeps it.
#[derive(Debug, Clone)]
struct Call {
    group: String,
    customer: Option<String>,
    offered: DateTime<Utc>,
    answered: Option<(String, DateTime<Utc>)>,
    abandoned: Option<DateTime<Utc>>,
    /// Conversation over: when, and its talk + hold.
    ended: Option<(DateTime<Utc>, Duration)>,
    wrapped: Option<DateTime<Utc>>,
}

/// One status of an operator; open while `end` is None.
#[derive(Debug, Clone)]
struct Span {
    state: AgentState,
    group: Option<String>,
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
}

/// The platform's records.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Group codes and names, in the order of `/personnel`.
    groups: Vec<(String, String)>,
    /// Logins with the groups each handles.
    agents: Vec<(String, Vec<String>)>,
    calls: Vec<Call>,
    by_call: HashMap<String, usize>,
    spans: HashMap<String, Vec<Span>>,
    /// Target wait of `callAnsweredTst`, seconds.
    target_seconds: i64,
}

/// The platform's status code and name of a state (the default state map's codes).
pub fn state_code(state: AgentState) -> (&'static str, &'static str) {
    match state {
        AgentState::Ready => ("Available", "Available"),
        AgentState::OnContact => ("Talk", "On a call"),
        AgentState::WrapUp => ("WrapUp", "After-call work"),
        AgentState::Break => ("Break", "Break"),
        AgentState::Lunch => ("Lunch", "Lunch"),
        AgentState::Training => ("Training", "Training"),
        AgentState::NotReady => ("NotReady", "Not ready"),
        AgentState::LoggedOut => ("LoggedOut", "Logged out"),
    }
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.num_milliseconds()).unwrap_or(0)
}

fn mean_ms(total: Duration, n: u64) -> u64 {
    ms(total).checked_div(n).unwrap_or(0)
}

impl Ledger {
    /// A platform with these groups (code, name) and agents (login, group codes).
    pub fn new(
        groups: Vec<(String, String)>,
        agents: Vec<(String, Vec<String>)>,
        target_seconds: i64,
    ) -> Self {
        Ledger {
            groups,
            agents,
            target_seconds,
            ..Ledger::default()
        }
    }

    /// Records one event of the center.
    pub fn record(&mut self, e: &FeedEvent) {
        let at = e.at();
        match e {
            FeedEvent::CallOffered {
                call_id,
                group,
                customer_id,
                ..
            } => {
                self.by_call.insert(call_id.clone(), self.calls.len());
                self.calls.push(Call {
                    group: group.clone(),
                    customer: customer_id.clone(),
                    offered: at,
                    answered: None,
                    abandoned: None,
                    ended: None,
                    wrapped: None,
                });
            }
            FeedEvent::CallAnswered { call_id, agent, .. } => {
                if let Some(c) = self.call(call_id) {
                    c.answered = Some((agent.clone(), at));
                }
            }
            FeedEvent::CallAbandoned { call_id, .. } => {
                if let Some(c) = self.call(call_id) {
                    c.abandoned = Some(at);
                }
            }
            FeedEvent::CallEnded {
                call_id,
                talk_seconds,
                hold_seconds,
                ..
            } => {
                if let Some(c) = self.call(call_id) {
                    let spoke =
                        Duration::milliseconds(((talk_seconds + hold_seconds) * 1000.0) as i64);
                    c.ended = Some((at, spoke));
                }
            }
            FeedEvent::WrapUpEnded { call_id, .. } => {
                if let Some(c) = self.call(call_id) {
                    c.wrapped = Some(at);
                }
            }
            // A platform's own counts are what the ledger computes, not what it records.
            FeedEvent::GroupLoad { .. } => {}
            FeedEvent::AgentState {
                agent,
                state,
                group,
                ..
            } => {
                let spans = self.spans.entry(agent.clone()).or_default();
                if let Some(open) = spans.last_mut().filter(|s| s.end.is_none()) {
                    open.end = Some(at);
                }
                if *state != AgentState::LoggedOut {
                    spans.push(Span {
                        state: *state,
                        group: group.clone(),
                        start: at,
                        end: None,
                    });
                }
            }
        }
    }

    fn call(&mut self, id: &str) -> Option<&mut Call> {
        let i = *self.by_call.get(id)?;
        self.calls.get_mut(i)
    }

    fn knows_group(&self, code: &str) -> bool {
        self.groups.iter().any(|(g, _)| g == code)
    }

    fn knows_agent(&self, login: &str) -> bool {
        self.agents.iter().any(|(a, _)| a == login)
    }

    /// Whether any of `ids` is a group (else the contract's 404).
    pub fn any_group(&self, ids: &[String]) -> bool {
        ids.iter().any(|id| self.knows_group(id))
    }

    /// Whether any of `ids` is an agent.
    pub fn any_agent(&self, ids: &[String]) -> bool {
        ids.iter().any(|id| self.knows_agent(id))
    }

    /// `/personnel`: the static service with every group, and the agents with groups.
    pub fn personnel(&self, service_name: &str) -> Personnel {
        Personnel {
            services: vec![Service {
                id: SERVICE_ID.into(),
                name: service_name.into(),
                status: Status::Active,
                service_groups: self
                    .groups
                    .iter()
                    .map(|(id, name)| ServiceGroup {
                        id: id.clone(),
                        name: name.clone(),
                        status: Status::Active,
                        channel_type: Some("INCOMING_CALLS".into()),
                    })
                    .collect(),
            }],
            agents: self
                .agents
                .iter()
                .filter(|(_, groups)| !groups.is_empty())
                .map(
                    |(login, groups)| crate::integrations::contact_center::contract::Agent {
                        id: login.clone(),
                        name: login.clone(),
                        surname: None,
                        second_name: None,
                        agent_number: None,
                        agent_groups: groups
                            .iter()
                            .map(|g| AgentGroup {
                                group_id: g.clone(),
                            })
                            .collect(),
                        login_sso: Some(login.clone()),
                    },
                )
                .collect(),
        }
    }

    /// `/historic/serviceGroupData`: per group, intervals of `step` counted from the start
    /// of `from`'s day, each contact in the interval of its start; empty intervals and
    /// groups without contacts are left out. A customer's first contact of the day in the
    /// group is unique; a contact without a customer is unique.
    pub fn service_group_data(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        step: Duration,
        day_start: DateTime<Utc>,
        groups: &[String],
    ) -> Vec<ServiceGroupHistoricData> {
        let step_ms = step.num_milliseconds().max(1);
        let mut out = Vec::new();
        for group in groups.iter().filter(|g| self.knows_group(g)) {
            let mut seen: HashSet<(chrono::NaiveDate, &str)> = HashSet::new();
            let mut intervals: BTreeMap<i64, Tally> = BTreeMap::new();
            for c in self.calls.iter().filter(|c| &c.group == group) {
                // Uniqueness counts every contact of the day, also those before `from`.
                let unique = match &c.customer {
                    Some(customer) => seen.insert((c.offered.date_naive(), customer.as_str())),
                    None => true,
                };
                if c.offered < from || c.offered >= to {
                    continue;
                }
                let k = (c.offered - day_start)
                    .num_milliseconds()
                    .div_euclid(step_ms);
                intervals.entry(k).or_default().add(c, unique);
            }
            if intervals.is_empty() {
                continue;
            }
            out.push(ServiceGroupHistoricData {
                service_id: SERVICE_ID.into(),
                group_id: group.clone(),
                historic_data: intervals
                    .into_iter()
                    .map(|(k, t)| {
                        let start = day_start + Duration::milliseconds(k * step_ms);
                        t.row(start, start + Duration::milliseconds(step_ms))
                    })
                    .collect(),
            });
        }
        out
    }

    /// `/historic/agentStatusData`: the statuses that start or end in [from, to), by agent
    /// and group (a status without a group apart); an open one ends at `now`.
    pub fn agent_status_data(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
        agents: &[String],
    ) -> Vec<StateRows> {
        let mut out = Vec::new();
        for agent in agents {
            let mut by_group: BTreeMap<Option<String>, Vec<StateSpan>> = BTreeMap::new();
            for s in self.spans.get(agent).into_iter().flatten() {
                let end = s.end.unwrap_or(now);
                let within = |t: DateTime<Utc>| t >= from && t < to;
                if !(within(s.start) || within(end)) {
                    continue;
                }
                let (code, name) = state_code(s.state);
                by_group
                    .entry(s.group.clone())
                    .or_default()
                    .push(StateSpan {
                        start_date: s.start,
                        end_date: end,
                        state_code: code.into(),
                        state_name: name.into(),
                    });
            }
            for (group, states) in by_group {
                out.push(StateRows {
                    service_id: group.as_ref().map(|_| SERVICE_ID.into()),
                    group_id: group,
                    agent_id: agent.clone(),
                    states,
                });
            }
        }
        out
    }

    /// The agent's log-ins: runs of statuses without a gap; an open one ends at `now`.
    fn logins(&self, agent: &str, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let mut runs: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
        for s in self.spans.get(agent).into_iter().flatten() {
            let end = s.end.unwrap_or(now);
            match runs.last_mut() {
                Some(run) if run.1 == s.start => run.1 = end,
                _ => runs.push((s.start, end)),
            }
        }
        runs
    }

    /// `/historic/agentLoginData`: log-ins whose login or logout falls in [from, to).
    pub fn agent_login_data(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
        agents: &[String],
    ) -> Vec<AgentLogins> {
        agents
            .iter()
            .filter_map(|agent| {
                let within = |t: DateTime<Utc>| t >= from && t < to;
                let logins: Vec<Login> = self
                    .logins(agent, now)
                    .into_iter()
                    .filter(|(a, b)| within(*a) || within(*b))
                    .map(|(a, b)| Login {
                        login_date: a,
                        logout_date: b,
                        duration: ms(b - a),
                    })
                    .collect();
                (!logins.is_empty()).then(|| AgentLogins {
                    agent_id: agent.clone(),
                    logins,
                })
            })
            .collect()
    }

    /// `/historic/agentCallsData`: the finished contacts each agent handled that started
    /// (were answered) in [from, to), by group: from the answer to the end of wrap-up.
    pub fn agent_calls_data(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        agents: &[String],
    ) -> Vec<AgentCalls> {
        let mut by: BTreeMap<(String, String), Vec<AgentCall>> = BTreeMap::new();
        for c in &self.calls {
            let (Some((agent, answered)), Some(wrapped)) = (&c.answered, c.wrapped) else {
                continue;
            };
            if !agents.contains(agent) || *answered < from || *answered >= to {
                continue;
            }
            by.entry((agent.clone(), c.group.clone()))
                .or_default()
                .push(AgentCall {
                    start_call: *answered,
                    end_call: wrapped,
                    duration: ms(wrapped - *answered),
                });
        }
        by.into_iter()
            .map(|((agent, group), calls)| AgentCalls {
                agent_id: agent,
                service_id: SERVICE_ID.into(),
                group_id: group,
                agent_calls: calls,
            })
            .collect()
    }

    /// `/online/agentStatus`: every logged-in agent's status and since when.
    pub fn agent_status(&self) -> Vec<AgentOnlineStatus> {
        let mut out: Vec<AgentOnlineStatus> = self
            .spans
            .iter()
            .filter_map(|(agent, spans)| {
                let open = spans.last().filter(|s| s.end.is_none())?;
                let (code, name) = state_code(open.state);
                Some(AgentOnlineStatus {
                    agent_id: agent.clone(),
                    state_code: code.into(),
                    state_name: name.into(),
                    start_date: open.start,
                })
            })
            .collect();
        out.sort_by(|a, b| a.agent_id.cmp(&b.agent_id));
        out
    }

    /// `/online/groupsOnlineLoad`: each group's day from `day_start` to `now`, its queue
    /// and the operators on line for it now.
    pub fn groups_online_load(
        &self,
        day_start: DateTime<Utc>,
        now: DateTime<Utc>,
        groups: &[String],
    ) -> Vec<GroupOnlineLoad> {
        let target = Duration::seconds(self.target_seconds);
        groups
            .iter()
            .filter(|g| self.knows_group(g))
            .map(|group| {
                let mut load = Day::default();
                for c in self.calls.iter().filter(|c| &c.group == group) {
                    if c.offered >= day_start && c.offered <= now {
                        load.add(c, target);
                    }
                }
                let operators = self
                    .spans
                    .values()
                    .filter_map(|spans| spans.last().filter(|s| s.end.is_none()))
                    .filter(|s| s.state.is_on_line() && s.group.as_ref() == Some(group))
                    .count() as u64;
                load.row(group, operators)
            })
            .collect()
    }
}

/// One interval's counts.
#[derive(Debug, Default)]
struct Tally {
    received: u64,
    treated: u64,
    missed: u64,
    unique: [u64; 3],
    handled: u64,
    handle: Duration,
    wrapped: u64,
    wrap: Duration,
}

impl Tally {
    fn add(&mut self, c: &Call, unique: bool) {
        let slot = if c.answered.is_some() {
            Some(1)
        } else if c.abandoned.is_some() {
            Some(2)
        } else {
            None
        };
        self.received += 1;
        match slot {
            Some(1) => self.treated += 1,
            Some(_) => self.missed += 1,
            None => {}
        }
        if unique {
            self.unique[0] += 1;
            if let Some(s) = slot {
                self.unique[s] += 1;
            }
        }
        if let Some((ended, spoke)) = c.ended {
            self.handled += 1;
            self.handle += spoke;
            if let Some(wrapped) = c.wrapped {
                self.wrapped += 1;
                self.wrap += wrapped - ended;
            }
        }
    }

    fn row(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> HistoricData {
        HistoricData {
            start_interval: start,
            end_interval: end,
            not_unique_received: self.received,
            not_unique_treated: self.treated,
            not_unique_missed: self.missed,
            received_calls: self.unique[0],
            treated_calls: self.unique[1],
            miss_calls: self.unique[2],
            aht: mean_ms(self.handle, self.handled),
            post_processing: mean_ms(self.wrap, self.wrapped),
        }
    }
}

/// A group's day so far.
#[derive(Debug, Default)]
struct Day {
    received: u64,
    waiting: u64,
    answered: u64,
    within_target: u64,
    processing: u64,
    wait: Duration,
    handled: u64,
    handle: Duration,
}

impl Day {
    fn add(&mut self, c: &Call, target: Duration) {
        self.received += 1;
        match (&c.answered, c.abandoned) {
            (Some((_, at)), _) => {
                self.answered += 1;
                let wait = *at - c.offered;
                self.wait += wait;
                if wait <= target {
                    self.within_target += 1;
                }
                match c.ended {
                    Some((_, spoke)) => {
                        self.handled += 1;
                        self.handle += spoke;
                    }
                    None => self.processing += 1,
                }
            }
            (None, None) => self.waiting += 1,
            (None, Some(_)) => {}
        }
    }

    fn row(&self, group: &str, operators: u64) -> GroupOnlineLoad {
        GroupOnlineLoad {
            service_id: SERVICE_ID.into(),
            group_id: group.into(),
            call_number: self.waiting,
            operator_number: operators,
            call_received: Some(self.received),
            aht: Some(mean_ms(self.handle, self.handled)),
            acd: Some(if self.received == 0 {
                0.0
            } else {
                self.answered as f64 * 100.0 / self.received as f64
            }),
            awt: Some(mean_ms(self.wait, self.answered)),
            call_answered: Some(self.answered),
            call_answered_tst: Some(self.within_target),
            call_processing: Some(self.processing),
        }
    }
}
