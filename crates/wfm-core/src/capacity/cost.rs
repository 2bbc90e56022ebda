//! The cost of one ingested event in CPU time, as a slowly learned model that starts from the
//! ingest benchmark's figure, and the headroom it leaves this process below the CPU target.

use serde::Serialize;

use super::CPU;

/// CPU seconds of this process per event ingested, measured around the ingest benchmark
/// (release build, SQLite, batches of 10, the server's ticks over 40,000 events: 70-80 µs,
/// median 78; the README's performance table): the model's prior.
pub const BENCHMARK_CPU_SECONDS_PER_EVENT: f64 = 78e-6;
/// The model forgets an observation with this time constant (s): a window of 60 s moves it
/// 1 - e^(-60/3600) = 1.65 % of the way to what the window saw, 15 minutes of a cost twice
/// the model's move it 22 %. Slow on purpose: an hour of evidence outweighs the benchmark.
pub const COST_TIME_CONSTANT_SECONDS: f64 = 3_600.0;
/// Fewest events a window needs to teach the model. A window's CPU includes the process's
/// fixed work (publishing every 250 ms, probes), which a few events would each carry a
/// large part of; 3,000 events a minute (50/s) keep that part small.
pub const MIN_EVENTS_LEARNED: u64 = 3_000;
/// Events per operator per second when too few were seen to measure: an operator taking
/// 12 calls an hour with 5 events each (offered, answered, ended, wrap-up, ready).
pub const DEFAULT_EVENTS_PER_OPERATOR_PER_SECOND: f64 = 60.0 / 3600.0;
/// Fewest events over the analysis window for the rate per operator to count as measured.
pub const MIN_EVENTS_MEASURED: u64 = 100;

/// CPU seconds per event: the benchmark's figure, moved slowly towards what busy windows
/// show.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CostModel {
    /// The current estimate.
    pub cpu_seconds_per_event: f64,
    /// Where it started ([`BENCHMARK_CPU_SECONDS_PER_EVENT`]).
    pub prior_cpu_seconds_per_event: f64,
    /// Windows that taught it (with at least [`MIN_EVENTS_LEARNED`] events), and the
    /// seconds they covered.
    pub windows_learned: u64,
    pub seconds_learned: f64,
    /// [`COST_TIME_CONSTANT_SECONDS`].
    pub time_constant_seconds: f64,
    /// [`MIN_EVENTS_LEARNED`].
    pub min_events_per_window: u64,
}

impl Default for CostModel {
    fn default() -> Self {
        CostModel {
            cpu_seconds_per_event: BENCHMARK_CPU_SECONDS_PER_EVENT,
            prior_cpu_seconds_per_event: BENCHMARK_CPU_SECONDS_PER_EVENT,
            windows_learned: 0,
            seconds_learned: 0.0,
            time_constant_seconds: COST_TIME_CONSTANT_SECONDS,
            min_events_per_window: MIN_EVENTS_LEARNED,
        }
    }
}

impl CostModel {
    /// The model after a window of `seconds` in which the process used `cpu_seconds` and
    /// ingested `events`: an exponentially weighted step, weight 1 - e^(-seconds / tau),
    /// towards the window's CPU per event (all of the process's CPU charged to its events,
    /// so an upper bound). Unchanged by a window with too few events or a bad reading.
    pub fn learn(&self, seconds: f64, cpu_seconds: f64, events: u64) -> CostModel {
        let observed = cpu_seconds / events as f64;
        let usable = events >= MIN_EVENTS_LEARNED
            && seconds > 0.0
            && seconds.is_finite()
            && observed.is_finite()
            && observed > 0.0;
        if !usable {
            return *self;
        }
        let weight = 1.0 - (-seconds / self.time_constant_seconds).exp();
        CostModel {
            cpu_seconds_per_event: self.cpu_seconds_per_event
                + weight * (observed - self.cpu_seconds_per_event),
            windows_learned: self.windows_learned + 1,
            seconds_learned: self.seconds_learned + seconds,
            ..*self
        }
    }
}

/// What the headroom is computed from, over one window.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Load {
    pub window_seconds: f64,
    /// CPUs of the machine (the shares below are of all of them).
    pub cpus: usize,
    /// Machine CPU % over the window.
    pub machine_cpu_percent: f64,
    /// This process's share of the machine (%) over the window.
    pub process_cpu_percent: f64,
    /// This process's CPU time over the window (s).
    pub process_cpu_seconds: f64,
    /// Events ingested (accepted) over the window.
    pub events: u64,
    /// Operators the live state follows now.
    pub operators: u64,
    /// CPU seconds per event, from the [`CostModel`].
    pub cost_cpu_seconds_per_event: f64,
}

/// How many more events this process can take before it uses 70 % of the machine's CPU.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Headroom {
    pub events_per_second: f64,
    /// Process CPU seconds per ingested event over the window (all the process's work
    /// counted against ingest, so an upper bound); `None` below [`MIN_EVENTS_MEASURED`]
    /// events. Informative: the headroom uses the model's cost.
    pub cpu_seconds_per_event: Option<f64>,
    /// `model`: the cost per event is the [`CostModel`]'s (earlier versions also said
    /// `marginal`, `average` or `unmeasured`).
    pub cost_method: &'static str,
    /// The cost per event the headroom was divided by (CPU seconds).
    pub cost_cpu_seconds_per_event: f64,
    /// More events per second before this process uses 70 % of the machine: what the
    /// instance can take on a machine of its own. `None` when the CPU was not read.
    pub events_per_second_left: Option<f64>,
    /// The same before the whole machine reaches 70 % with the other programs as busy as
    /// over the window: less when another program is busy, 0 past 70 %.
    pub events_per_second_left_beside_other_programs: Option<f64>,
    /// The machine's CPU used by other programs (machine minus this process, %).
    pub other_programs_cpu_percent: Option<f64>,
    pub events_per_operator_per_second: f64,
    /// `measured` or `default` ([`DEFAULT_EVENTS_PER_OPERATOR_PER_SECOND`]).
    pub operator_rate_source: &'static str,
    /// More operators before this process uses 70 % of the machine, at that rate.
    pub operators_left: Option<u64>,
}

/// Headroom at the model's cost per event: the share of the machine left below the 70 %
/// target divided by the share one event per second costs (cost / cpus x 100).
pub fn headroom(load: &Load) -> Headroom {
    let window = load.window_seconds > 0.0;
    let measured = load.events >= MIN_EVENTS_MEASURED && window;
    let rate = if window {
        load.events as f64 / load.window_seconds
    } else {
        0.0
    };
    let (per_operator, source) = if measured && load.operators > 0 {
        (rate / load.operators as f64, "measured")
    } else {
        (DEFAULT_EVENTS_PER_OPERATOR_PER_SECOND, "default")
    };
    let cost = load.cost_cpu_seconds_per_event;
    let percent_per_event = (load.cpus > 0 && cost > 0.0 && cost.is_finite())
        .then(|| cost / load.cpus as f64 * 100.0)
        .filter(|_| window);
    let left = |used: f64| percent_per_event.map(|p| (CPU.target_below - used).max(0.0) / p);
    let own = left(load.process_cpu_percent);
    Headroom {
        events_per_second: rate,
        cpu_seconds_per_event: measured.then(|| load.process_cpu_seconds / load.events as f64),
        cost_method: "model",
        cost_cpu_seconds_per_event: cost,
        events_per_second_left: own,
        events_per_second_left_beside_other_programs: left(load.machine_cpu_percent),
        other_programs_cpu_percent: window
            .then(|| (load.machine_cpu_percent - load.process_cpu_percent).max(0.0)),
        events_per_operator_per_second: per_operator,
        operator_rate_source: source,
        operators_left: own.map(|l| (l / per_operator).floor() as u64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_learns_slowly_and_only_from_busy_windows() {
        let prior = CostModel::default();
        assert_eq!(prior.cpu_seconds_per_event, BENCHMARK_CPU_SECONDS_PER_EVENT);
        // A minute of 6,000 events for 1.2 CPU s: 200 µs each. Weight 1 - e^(-1/60) =
        // 0.016529; the model moves from 78 to 78 + 0.016529 x 122 = 80.016 µs.
        let once = prior.learn(60.0, 1.2, 6_000);
        assert!(
            (once.cpu_seconds_per_event - 80.016e-6).abs() < 1e-9,
            "{once:?}"
        );
        assert_eq!((once.windows_learned, once.seconds_learned), (1, 60.0));
        // 60 such minutes: 1 - e^(-1) = 63.2 % of the way, 78 + 0.632 x 122 = 155.12 µs.
        let hour = (0..60).fold(prior, |m, _| m.learn(60.0, 1.2, 6_000));
        assert!(
            (hour.cpu_seconds_per_event - 155.119e-6).abs() < 1e-8,
            "{hour:?}"
        );
        // Too few events, no time, or a counter gone back teach nothing.
        assert_eq!(prior.learn(60.0, 5.0, 2_999), prior);
        assert_eq!(prior.learn(0.0, 1.0, 6_000), prior);
        assert_eq!(prior.learn(60.0, -1.0, 6_000), prior);
        assert_eq!(prior.learn(60.0, f64::NAN, 6_000), prior);
    }

    #[test]
    fn headroom_is_this_process_and_beside_the_other_programs() {
        // 2 CPUs; one event/s at 100 µs costs 100e-6 / 2 x 100 = 0.005 % of the machine.
        // The process uses 5 %, the machine 40 %: (70 - 5) / 0.005 = 13,000 events/s left
        // for this process, (70 - 40) / 0.005 = 6,000 beside the other programs' 35 %.
        // 600 events in 60 s over 20 operators: 0.5 events/s each, 26,000 operators.
        let h = headroom(&Load {
            window_seconds: 60.0,
            cpus: 2,
            machine_cpu_percent: 40.0,
            process_cpu_percent: 5.0,
            process_cpu_seconds: 6.0,
            events: 600,
            operators: 20,
            cost_cpu_seconds_per_event: 100e-6,
        });
        let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-6);
        assert_eq!(h.events_per_second, 10.0);
        assert_eq!(h.cpu_seconds_per_event, Some(0.01));
        assert_eq!(h.cost_method, "model");
        assert!(close(h.events_per_second_left, 13_000.0), "{h:?}");
        assert!(close(
            h.events_per_second_left_beside_other_programs,
            6_000.0
        ));
        assert!(close(h.other_programs_cpu_percent, 35.0));
        assert_eq!(h.events_per_operator_per_second, 0.5);
        assert_eq!(h.operator_rate_source, "measured");
        assert_eq!(h.operators_left, Some(26_000));
    }

    #[test]
    fn headroom_with_too_few_events_or_no_reading() {
        let h = headroom(&Load {
            window_seconds: 60.0,
            cpus: 1,
            machine_cpu_percent: 99.0,
            process_cpu_percent: 0.4,
            process_cpu_seconds: 0.24,
            events: 10,
            operators: 5,
            cost_cpu_seconds_per_event: BENCHMARK_CPU_SECONDS_PER_EVENT,
        });
        assert_eq!(h.operator_rate_source, "default");
        assert_eq!(h.cpu_seconds_per_event, None);
        assert_eq!(h.events_per_second_left_beside_other_programs, Some(0.0));
        // One CPU: (70 - 0.4) / (78e-6 x 100) = 8,923 events/s.
        assert!(
            h.events_per_second_left
                .is_some_and(|l| (l - 8_923.077).abs() < 1e-3)
        );
        let none = headroom(&Load::default());
        assert_eq!(none.events_per_second_left, None);
        assert_eq!(none.operators_left, None);
        assert_eq!(none.other_programs_cpu_percent, None);
    }
}
