//! The contact-center platform's pull contract (the incumbent's REST API that a WFM polls)
//! and the connector that polls it: online figures every poll, personnel every hour.

pub mod contract;
pub mod personnel;
pub mod poller;
