//! Call arrivals of one group: a non-homogeneous Poisson process whose rate is piecewise
//! constant, the forecast calls of each interval over the interval's length.

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use wfm_core::event::GroupId;
use wfm_core::plan::ForecastInterval;

use crate::random::unit_exponential;

/// One stretch of constant arrival rate, in milliseconds from the simulation's start.
#[derive(Debug, Clone, Copy)]
struct Piece {
    start_ms: f64,
    end_ms: f64,
    rate_per_ms: f64,
    aht_seconds: f64,
}

/// The arrival process of one group, drawn lazily one call at a time.
#[derive(Debug)]
pub(crate) struct Arrivals {
    pieces: Vec<Piece>,
    /// The piece the last arrival fell in.
    cursor: usize,
    /// The exact (unrounded) time of the last arrival, so rounding does not bias the rate.
    position_ms: f64,
    rng: StdRng,
}

/// A call's arrival: when, in whole milliseconds from the start, and the AHT forecast
/// for its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Arrival {
    pub at_ms: i64,
    pub aht_seconds: f64,
}

impl Arrivals {
    /// The arrivals of `group` from `origin` on. Intervals with calls < 0, no positive
    /// AHT or no length are skipped; where intervals overlap, the earlier one governs
    /// until its end.
    pub fn new(
        group: GroupId,
        forecast: &[ForecastInterval],
        origin: DateTime<Utc>,
        rng: StdRng,
    ) -> Self {
        let offset = |at: DateTime<Utc>| (at - origin).num_milliseconds() as f64;
        let mut intervals: Vec<&ForecastInterval> = forecast
            .iter()
            .filter(|f| {
                f.group_id == group
                    && f.end > f.start
                    && f.calls.is_finite()
                    && f.calls > 0.0
                    && f.aht_seconds.is_finite()
                    && f.aht_seconds > 0.0
            })
            .collect();
        intervals.sort_by_key(|f| (f.start, f.end));
        let mut pieces = Vec::with_capacity(intervals.len());
        let mut covered_until = 0.0_f64;
        for f in intervals {
            let (start, end) = (offset(f.start), offset(f.end));
            let clipped_start = start.max(covered_until);
            if clipped_start >= end {
                continue;
            }
            pieces.push(Piece {
                start_ms: clipped_start,
                end_ms: end,
                rate_per_ms: f.calls / (end - start),
                aht_seconds: f.aht_seconds,
            });
            covered_until = end;
        }
        Arrivals {
            pieces,
            cursor: 0,
            position_ms: 0.0,
            rng,
        }
    }

    /// The next arrival, or `None` once the forecast is over.
    pub fn next_arrival(&mut self) -> Option<Arrival> {
        // The integrated rate between two arrivals is exponential with mean 1: spend it
        // piece by piece.
        let mut budget = unit_exponential(&mut self.rng);
        while let Some(piece) = self.pieces.get(self.cursor) {
            let from = self.position_ms.max(piece.start_ms);
            let capacity = piece.rate_per_ms * (piece.end_ms - from);
            if budget < capacity {
                self.position_ms = from + budget / piece.rate_per_ms;
                return Some(Arrival {
                    at_ms: self.position_ms.floor() as i64,
                    aht_seconds: piece.aht_seconds,
                });
            }
            budget -= capacity;
            self.position_ms = piece.end_ms;
            self.cursor += 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{Stream, stream};
    use chrono::{Duration, TimeZone};

    fn interval(start_h: i64, end_h: i64, calls: f64) -> ForecastInterval {
        let day = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
        ForecastInterval {
            group_id: 1,
            start: day + Duration::hours(start_h),
            end: day + Duration::hours(end_h),
            calls,
            aht_seconds: 100.0 + start_h as f64,
            acd_percent: 90.0,
            operators: None,
        }
    }

    fn all(forecast: &[ForecastInterval]) -> Vec<Arrival> {
        let origin = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
        let mut a = Arrivals::new(1, forecast, origin, stream(7, Stream::Arrivals(0)));
        std::iter::from_fn(|| a.next_arrival()).collect()
    }

    #[test]
    fn arrivals_stay_in_their_intervals_and_carry_its_aht() {
        let got = all(&[interval(10, 11, 50.0), interval(8, 9, 40.0)]);
        assert!(got.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
        for a in &got {
            let hour = a.at_ms / 3_600_000;
            assert!(hour == 8 || hour == 10, "{a:?}");
            assert_eq!(a.aht_seconds, 100.0 + hour as f64);
        }
    }

    #[test]
    fn bad_and_overlapping_intervals_are_skipped() {
        assert!(
            all(&[
                interval(8, 9, -1.0),
                interval(9, 9, 10.0),
                interval(10, 11, 0.0)
            ])
            .is_empty()
        );
        let got = all(&[interval(8, 12, 400.0), interval(9, 10, 1e6)]);
        assert!(got.len() < 1000, "the overlapped interval must not count");
    }
}
