//! Random draws: one independent stream per purpose, derived from the scenario's seed,
//! so that e.g. the arrivals of a group do not change when the operators behave
//! differently; and the distributions the model uses.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// What a stream is drawn for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stream {
    /// Patience and handle time of each call, in arrival order.
    Callers,
    /// Absence and lateness of operators.
    Operators,
    /// Arrivals of the group at this position in the scenario.
    Arrivals(usize),
}

/// A generator for `stream` of the simulation seeded with `seed`.
pub(crate) fn stream(seed: u64, stream: Stream) -> StdRng {
    let tag = match stream {
        Stream::Callers => 1,
        Stream::Operators => 2,
        Stream::Arrivals(group) => 1_000u64.wrapping_add(group as u64),
    };
    StdRng::seed_from_u64(splitmix64(seed ^ splitmix64(tag)))
}

/// SplitMix64 finalizer: nearby seeds and tags give unrelated generator seeds.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// An exponential draw with mean 1, by inverse transform; finite and >= 0.
pub(crate) fn unit_exponential(rng: &mut StdRng) -> f64 {
    // u in [0, 1), so 1 - u in (0, 1] and the logarithm is finite.
    let u: f64 = rng.r#gen();
    -(1.0 - u).ln()
}

/// Whether an event of probability `p` happens.
pub(crate) fn chance(rng: &mut StdRng, p: f64) -> bool {
    let u: f64 = rng.r#gen();
    u < p
}

/// Converts seconds to whole milliseconds, rounding to nearest; huge values saturate.
pub(crate) fn millis(seconds: f64) -> i64 {
    // `as` saturates on overflow and maps NaN to 0.
    (seconds * 1000.0).round() as i64
}
