//! Integration tests of wfm-sim through its public API: the M/M/N cross-check against
//! Erlang C, determinism, the shape of the feed and the consistency of what it tells.

mod common;
mod consistency;
mod cross_check;
mod determinism;
mod live_day;
mod routing;
mod shape;
