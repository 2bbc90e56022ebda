//! Erlang C queueing: service level, speed of answer and occupancy for a number of
//! agents, and the least number of agents (and scheduled staff) that meets a target.

use serde::{Deserialize, Serialize};

use queue::{InverseErlangB, Queue};

mod queue;

/// Most agents a staffing search considers; a load that needs more is rejected.
pub const MAX_AGENTS: u32 = 100_000;

/// Offered load of one interval: calls arriving in it and their average handle time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Load {
    /// Calls offered in the interval (may be fractional, e.g. a forecast).
    pub calls: f64,
    /// Length of the interval in seconds.
    pub interval_seconds: f64,
    /// Average handle time in seconds (talk + hold + wrap-up).
    pub aht_seconds: f64,
}

impl Load {
    /// Offered traffic A in Erlangs: arrival rate x AHT.
    ///
    /// Returns 0 for a load that fails [`Load::validate`], so the value is never NaN.
    pub fn erlangs(&self) -> f64 {
        self.validate().unwrap_or(0.0)
    }

    /// Checks every field and returns the offered traffic in Erlangs.
    ///
    /// Field names in errors: `load.calls`, `load.interval_seconds`, `load.aht_seconds`.
    pub fn validate(&self) -> Result<f64, ErlangError> {
        if !(self.calls.is_finite() && self.calls >= 0.0) {
            return Err(invalid("load.calls", "must be a finite number >= 0"));
        }
        if !(self.interval_seconds.is_finite() && self.interval_seconds > 0.0) {
            return Err(invalid(
                "load.interval_seconds",
                "must be a finite number > 0",
            ));
        }
        if !(self.aht_seconds.is_finite() && self.aht_seconds >= 0.0) {
            return Err(invalid("load.aht_seconds", "must be a finite number >= 0"));
        }
        if self.calls == 0.0 {
            return Ok(0.0);
        }
        if self.aht_seconds == 0.0 {
            return Err(invalid("load.aht_seconds", "must be > 0 when calls > 0"));
        }
        let erlangs = self.calls * self.aht_seconds / self.interval_seconds;
        if !erlangs.is_finite() {
            return Err(invalid("load.calls", "offered traffic is too large"));
        }
        Ok(erlangs)
    }
}

/// Service-level target: `percent` of calls answered within `answer_within_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ServiceTarget {
    /// Answer time T in seconds (20 in an 80/20 target).
    pub answer_within_seconds: f64,
    /// Share of calls to answer within T, in percent, strictly between 0 and 100.
    pub percent: f64,
}

/// Queue performance of a given number of agents.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Performance {
    /// Agents on line.
    pub agents: u32,
    /// Share of calls answered within the target time, 0..=1.
    pub service_level: f64,
    /// Average speed of answer over all calls; `None` when the queue grows without
    /// bound (agents <= traffic).
    pub asa_seconds: Option<f64>,
    /// Traffic / agents, at most 1.
    pub occupancy: f64,
    /// Erlang C: probability that a call waits at all, 0..=1.
    pub wait_probability: f64,
}

/// What to staff for: a load, a service target, an occupancy cap and shrinkage.
///
/// Field names in errors: those of [`Load::validate`], `target.answer_within_seconds`,
/// `target.percent`, `max_occupancy`, `shrinkage`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StaffingRequest {
    /// Offered load of the interval.
    pub load: Load,
    /// Service-level target.
    pub target: ServiceTarget,
    /// Highest acceptable occupancy, in (0, 1]; 1 means no cap.
    pub max_occupancy: f64,
    /// Share of paid time not spent on line (breaks, training, absence), in [0, 1).
    pub shrinkage: f64,
}

/// Required staffing for a [`StaffingRequest`], with the unrounded figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Staffing {
    /// Offered traffic A in Erlangs.
    pub traffic_erlangs: f64,
    /// Least agents on line meeting the target and the occupancy cap.
    pub agents: u32,
    /// Continuous requirement: where the service level, interpolated linearly between
    /// `agents - 1` and `agents`, reaches the target, or traffic / max occupancy when the
    /// cap binds (the larger of the two); never below the traffic.
    pub agents_unrounded: f64,
    /// Service level with `agents`, 0..=1.
    pub service_level: f64,
    /// Average speed of answer with `agents`.
    pub asa_seconds: Option<f64>,
    /// Occupancy with `agents`.
    pub occupancy: f64,
    /// Probability of waiting with `agents`.
    pub wait_probability: f64,
    /// Staff to schedule so that `agents` remain after shrinkage: ceil(agents / (1 - s)).
    pub scheduled: u32,
    /// agents / (1 - shrinkage), unrounded.
    pub scheduled_unrounded: f64,
}

/// Why an Erlang computation was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErlangError {
    /// An input field is out of its domain.
    #[error("{field}: {reason}")]
    Invalid {
        /// Path of the offending field, e.g. `target.percent`.
        field: &'static str,
        /// What the field must be.
        reason: String,
    },
    /// Meeting the target would take more than `limit` agents (or scheduled staff).
    #[error("staffing would need more than {limit} agents")]
    AgentLimit {
        /// The limit, [`MAX_AGENTS`].
        limit: u32,
    },
}

impl ErlangError {
    /// The offending field, for input errors.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ErlangError::Invalid { field, .. } => Some(field),
            ErlangError::AgentLimit { .. } => None,
        }
    }
}

fn invalid(field: &'static str, reason: &str) -> ErlangError {
    ErlangError::Invalid {
        field,
        reason: reason.to_owned(),
    }
}

const AGENT_LIMIT: ErlangError = ErlangError::AgentLimit { limit: MAX_AGENTS };

/// Queue performance of `agents` agents on `load`, for answer time `target_seconds`.
///
/// With agents <= traffic the queue is unstable: every call waits, service level is 0,
/// ASA is undefined and occupancy is 1. With no traffic every figure is ideal.
pub fn performance(
    load: &Load,
    agents: u32,
    target_seconds: f64,
) -> Result<Performance, ErlangError> {
    let traffic = load.validate()?;
    if !(target_seconds.is_finite() && target_seconds >= 0.0) {
        return Err(invalid("target_seconds", "must be a finite number >= 0"));
    }
    if agents > MAX_AGENTS {
        return Err(invalid("agents", "must be at most 100000"));
    }
    let queue = Queue::new(traffic, target_seconds, load.aht_seconds);
    if traffic == 0.0 {
        return Ok(queue.idle(agents));
    }
    let n = f64::from(agents);
    if n <= traffic {
        return Ok(Performance {
            agents,
            service_level: 0.0,
            asa_seconds: None,
            occupancy: 1.0,
            wait_probability: 1.0,
        });
    }
    let mut erlang_b = InverseErlangB::new(traffic);
    erlang_b.advance_to(agents);
    Ok(queue.performance(agents, erlang_b.value))
}

/// Least agents meeting the request's service target and occupancy cap, and the staff
/// to schedule for them after shrinkage.
pub fn required_agents(req: &StaffingRequest) -> Result<Staffing, ErlangError> {
    let traffic = validate_request(req)?;
    let queue = Queue::new(
        traffic,
        req.target.answer_within_seconds,
        req.load.aht_seconds,
    );
    if traffic == 0.0 {
        let idle = queue.idle(0);
        return Ok(Staffing {
            traffic_erlangs: 0.0,
            agents: 0,
            agents_unrounded: 0.0,
            service_level: idle.service_level,
            asa_seconds: idle.asa_seconds,
            occupancy: idle.occupancy,
            wait_probability: idle.wait_probability,
            scheduled: 0,
            scheduled_unrounded: 0.0,
        });
    }
    if traffic >= f64::from(MAX_AGENTS) {
        return Err(AGENT_LIMIT);
    }
    let target = req.target.percent / 100.0;
    let first = least_agents_for_occupancy(traffic, req.max_occupancy)?;

    // The recursion runs once up to the first candidate and then one step per
    // candidate, so the whole search costs one pass over 1..=agents.
    let mut erlang_b = InverseErlangB::new(traffic);
    erlang_b.advance_to(first - 1);
    let mut below = (f64::from(first - 1) > traffic)
        .then(|| queue.performance(first - 1, erlang_b.value).service_level);
    let mut agents = first;
    let found = loop {
        erlang_b.advance_to(agents);
        let found = queue.performance(agents, erlang_b.value);
        if found.service_level >= target {
            break found;
        }
        if agents >= MAX_AGENTS {
            return Err(AGENT_LIMIT);
        }
        below = Some(found.service_level);
        agents += 1;
    };

    let occupancy_bound = traffic / req.max_occupancy;
    let service_bound = match below {
        // Occupancy alone forced this many agents: one fewer would meet the target.
        Some(sl) if sl >= target => occupancy_bound,
        Some(sl) => f64::from(agents - 1) + (target - sl) / (found.service_level - sl),
        // The service level is 0 at N = A, where the queue becomes unstable.
        None => {
            let span = f64::from(agents) - traffic;
            traffic + span * target / found.service_level
        }
    };
    let agents_unrounded = service_bound.max(occupancy_bound).min(f64::from(agents));

    let (scheduled, scheduled_unrounded) = schedule(agents, req.shrinkage)?;
    Ok(Staffing {
        traffic_erlangs: traffic,
        agents,
        agents_unrounded,
        service_level: found.service_level,
        asa_seconds: found.asa_seconds,
        occupancy: found.occupancy,
        wait_probability: found.wait_probability,
        scheduled,
        scheduled_unrounded,
    })
}

/// [`required_agents`] for many cells (e.g. every group x interval of a day), in order.
pub fn required_agents_batch(reqs: &[StaffingRequest]) -> Vec<Result<Staffing, ErlangError>> {
    reqs.iter().map(required_agents).collect()
}

fn validate_request(req: &StaffingRequest) -> Result<f64, ErlangError> {
    let traffic = req.load.validate()?;
    let target = &req.target;
    if !(target.answer_within_seconds.is_finite() && target.answer_within_seconds >= 0.0) {
        return Err(invalid(
            "target.answer_within_seconds",
            "must be a finite number >= 0",
        ));
    }
    if !(target.percent > 0.0 && target.percent < 100.0) {
        return Err(invalid("target.percent", "must be > 0 and < 100"));
    }
    if !(req.max_occupancy > 0.0 && req.max_occupancy <= 1.0) {
        return Err(invalid("max_occupancy", "must be > 0 and <= 1"));
    }
    if !(req.shrinkage >= 0.0 && req.shrinkage < 1.0) {
        return Err(invalid("shrinkage", "must be >= 0 and < 1"));
    }
    Ok(traffic)
}

/// Staff to schedule so that `agents` remain on line after shrinkage: rounded up and
/// unrounded.
fn schedule(agents: u32, shrinkage: f64) -> Result<(u32, f64), ErlangError> {
    let unrounded = f64::from(agents) / (1.0 - shrinkage);
    // Rounding error must not add a person: 21 / (1 - 0.3) evaluates to 30.000000000000004.
    let rounded = (unrounded - 1e-9).ceil();
    if rounded > f64::from(MAX_AGENTS) {
        return Err(AGENT_LIMIT);
    }
    Ok((rounded as u32, unrounded))
}

/// Whether `traffic` Erlangs on `n` agents keep the occupancy within `cap`. The inputs are
/// decimal figures: where the exact quotient meets the cap (172.55 / 203 = 0.85), the float
/// one lies above it (0.8500000000000001), and that error must not add an agent; a relative
/// excess of 1e-12 counts as meeting the cap (a real excess is many orders larger).
fn within_cap(traffic: f64, n: u32, cap: f64) -> bool {
    traffic / f64::from(n) <= cap * (1.0 + 1e-12)
}

/// Least N > A (a stable queue) with A / N <= max occupancy.
fn least_agents_for_occupancy(traffic: f64, max_occupancy: f64) -> Result<u32, ErlangError> {
    let estimate = (traffic / max_occupancy).ceil();
    if estimate > f64::from(MAX_AGENTS) {
        return Err(AGENT_LIMIT);
    }
    // The estimate may be off by one through rounding; settle it with the very
    // comparison the occupancy is reported against.
    let mut n = (estimate as u32).max(1);
    while n > 1 && within_cap(traffic, n - 1, max_occupancy) {
        n -= 1;
    }
    while !within_cap(traffic, n, max_occupancy) {
        n += 1;
    }
    let stable = traffic.floor() as u32 + 1;
    let least = n.max(stable);
    if least > MAX_AGENTS {
        return Err(AGENT_LIMIT);
    }
    Ok(least)
}

#[cfg(test)]
mod tests;
