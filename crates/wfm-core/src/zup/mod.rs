//! The 1C ZUP rules wfm-pulse applies itself: the production calendar, norm hours and
//! time types of schedule days.

pub mod calendar;
pub mod norm;
pub mod time_type;

#[cfg(test)]
mod tests;
