//! The contact-center platform's pull contract (the incumbent's REST API that a WFM polls)
//! and the connector that polls it.

pub mod contract;
pub mod poller;
