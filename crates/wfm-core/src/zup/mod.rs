//! The 1C ZUP rules wfm-pulse applies itself: the production calendar and norm hours.

pub mod calendar;
pub mod norm;

#[cfg(test)]
mod tests;
