//! Alerting, pure: rules, the figures they watch, the evaluator that fires, escalates and
//! resolves alerts with time as an input, predictions of trouble ahead, and their accuracy.

pub mod accuracy;
pub mod evaluator;
pub mod metric;
pub mod predict;
pub mod rule;
