//! Pure domain of wfm-pulse: Erlang C staffing, indicator thresholds and colors,
//! trends, and interval alignment. No I/O, no clock, no async.

pub mod erlang;
pub mod interval;
pub mod threshold;
pub mod trend;
