//! Tests of the live engine: hand-built event sequences whose figures are worked out by
//! hand in the comments, and properties of replay and output.

mod adherence;
mod aggregates;
mod calls;
mod clock;
mod dst;
mod gaps;
mod indicators;
mod properties;
mod record;
mod support;
