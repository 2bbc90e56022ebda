//! Records of the indicator history: per group and grid interval the summable components
//! every indicator is computed from, per operator and interval the adherence minutes. The
//! live engine makes them and the history's pure functions read them, so the types live in
//! `wfm_core::history`; the store persists them as they are.

pub use wfm_core::history::{AdherenceRecord, IntervalRecord};
