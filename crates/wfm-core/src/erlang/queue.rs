//! The Erlang C kernel: the Erlang B recursion and the queue figures derived from it,
//! shared by single evaluations and the staffing search so both give identical numbers.

use super::Performance;

/// The quantities shared by every agent count of one queue.
pub(super) struct Queue {
    traffic: f64,
    target_seconds: f64,
    aht_seconds: f64,
}

impl Queue {
    pub(super) fn new(traffic: f64, target_seconds: f64, aht_seconds: f64) -> Self {
        Queue {
            traffic,
            target_seconds,
            aht_seconds,
        }
    }

    pub(super) fn idle(&self, agents: u32) -> Performance {
        Performance {
            agents,
            service_level: 1.0,
            asa_seconds: Some(0.0),
            occupancy: 0.0,
            wait_probability: 0.0,
        }
    }

    /// Erlang C figures for N > A agents, given 1/B(N, A).
    pub(super) fn performance(&self, agents: u32, inverse_erlang_b: f64) -> Performance {
        let n = f64::from(agents);
        let excess = n - self.traffic;
        // C = N*B / (N - A(1 - B)), divided through by B; an infinite 1/B gives C = 0.
        let wait_probability = (n / (inverse_erlang_b * excess + self.traffic)).min(1.0);
        let tail = (-excess * self.target_seconds / self.aht_seconds).exp();
        let service_level = (1.0 - wait_probability * tail).clamp(0.0, 1.0);
        Performance {
            agents,
            service_level,
            asa_seconds: Some(wait_probability * self.aht_seconds / excess),
            occupancy: (self.traffic / n).min(1.0),
            wait_probability,
        }
    }
}

/// 1/B(k, A) of the Erlang B formula, advanced one agent at a time.
///
/// The reciprocal recursion 1/B(k) = 1 + (k/A) / B(k-1) needs no division per step and,
/// all terms being positive, loses no precision; past the range of f64 it becomes
/// infinite, which means B = 0 and is handled as such.
pub(super) struct InverseErlangB {
    inverse_traffic: f64,
    agents: u32,
    pub(super) value: f64,
}

impl InverseErlangB {
    pub(super) fn new(traffic: f64) -> Self {
        InverseErlangB {
            inverse_traffic: 1.0 / traffic,
            agents: 0,
            value: 1.0,
        }
    }

    pub(super) fn advance_to(&mut self, agents: u32) {
        while self.agents < agents {
            self.agents += 1;
            self.value = 1.0 + f64::from(self.agents) * self.inverse_traffic * self.value;
        }
    }
}
