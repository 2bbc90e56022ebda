//! Seeded, deterministic discrete-event simulator of a contact center. From groups,
//! operators, a forecast and a timetable it produces the event feed wfm-pulse ingests
//! (calls offered, answered, abandoned, ended, wrapped up; operator states), and it
//! cross-checks Erlang C by measuring the service level of an M/M/N queue.
//!
//! Pure: no I/O, no clock, no async. The same scenario and seed give the same events,
//! however the simulated time is advanced.
//!
//! The model:
//! - Calls arrive per group as a Poisson process whose rate is piecewise constant: each
//!   forecast interval's calls over its length. Each call draws an exponential handle
//!   time with the mean of its arrival interval's AHT (talk, hold and wrap-up shares per
//!   [`Behaviour`]) and an exponential patience.
//! - An arriving call goes to the longest-idle ready operator on line for its group,
//!   else to the longest-idle ready operator skilled for it, else it waits in its
//!   group's queue (first in, first out) until answered or out of patience. An operator
//!   getting ready takes the oldest waiting call of the first of its skills with one
//!   waiting; the group of its line segment counts as a skill of last priority.
//! - Operators follow the timetable: on line (ready) at a line segment's start, later
//!   when drawn late; away (break, lunch, training, not ready for a meeting) or logged
//!   out when a segment says so, once the call in hand is wrapped up. An operator drawn
//!   absent for a shift does nothing in it.

mod arrivals;
mod mmn;
mod random;
mod scenario;
mod sim;
mod timetable;

pub use mmn::mmn_service_level;
pub use scenario::{Behaviour, Scenario, SimAgent, SimGroup};
pub use sim::Simulator;
pub use wfm_core::feed::FeedEvent;
