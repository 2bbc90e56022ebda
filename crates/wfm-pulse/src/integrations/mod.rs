//! The systems around wfm-pulse and how it talks to them: the registry of their endpoints,
//! their contracts and clients, and the resilience of outgoing calls.

pub mod contact_center;
pub mod queue_log;
pub mod registry;
pub mod resilience;
pub mod zup;
