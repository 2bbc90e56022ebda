//! The live engine: a deterministic state machine fed by contact-center events in log
//! order, holding them against the plan (load forecast and timetable) to give the six
//! operational-control indicators per group, service and site, each day's service
//! level per interval, and every operator's schedule adherence.
//!
//! Figures of earlier instants (the trend against 15 minutes ago, the sparkline of
//! interval ends) are recomputed from a minute history kept as events arrive, so they
//! are what the figures were then, and a replay of the same events gives the same
//! figures. The history's resolution is one minute: a figure at t counts what happened
//! up to the end of t's minute bucket, buckets being closed on the right so that an
//! instant on a minute (interval ends, usually) is exact.

mod adherence;
mod calls;
mod center;
mod compliance;
mod figures;
mod forecast;
mod history;
mod indicators;
mod load;
mod operators;
mod outlook;
mod presence;
mod reading;
mod record;
mod settings;
mod snapshot;
mod time;
mod timetable;

#[cfg(test)]
mod tests;

pub use adherence::{Adherence, OperatorStatus};
pub use center::Center;
pub use figures::{Counts, Figures, IndicatorValue, IntervalFigures, Scope, Snapshot};
pub use outlook::{Outlook, Recent};
pub use record::IntervalRecords;
pub use settings::{AgentInfo, DEFAULT_GRACE_SECONDS, GroupSettings};
