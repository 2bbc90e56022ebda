//! Pure domain of wfm-pulse: Erlang C staffing, indicator thresholds and colors,
//! trends, interval alignment, contact-center events and the plan. No I/O, no clock,
//! no async.

pub mod alerting;
pub mod capacity;
pub mod erlang;
pub mod event;
pub mod executive;
pub mod feed;
pub mod freshness;
pub mod health;
pub mod history;
pub mod interval;
pub mod labor;
pub mod live;
pub mod optimization;
pub mod plan;
pub mod quality;
pub mod sample;
pub mod threshold;
pub mod trend;
pub mod zup;
