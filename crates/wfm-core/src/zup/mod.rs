//! The 1C ZUP rules, pure: the production calendar, norm hours, time types of schedule days,
//! schedules and their refusals, deviations of fact from plan, vacation accrual, personnel and
//! its consistency.

pub mod calendar;
pub mod consistency;
pub mod deviation;
pub mod norm;
pub mod personnel;
pub mod schedule;
pub mod time_type;
pub mod vacation;
pub mod worktime;

#[cfg(test)]
mod tests;
