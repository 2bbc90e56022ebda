//! 1C ZUP: the HTTP service contract and the client that calls it.

pub mod client;
pub mod contract;
