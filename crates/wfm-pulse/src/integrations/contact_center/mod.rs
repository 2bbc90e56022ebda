//! The contact-center platform's pull contract (the incumbent's REST API that a WFM polls).

pub mod contract;
