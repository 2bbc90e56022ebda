//! HTTP plumbing every surface shares: errors, extractors, the edge middleware, the accept
//! loop with its limits, draining refused bodies, paging, rate limits. A leaf: it knows
//! nothing of the application.

pub mod conn;
pub mod drain;
pub mod error;
pub mod extract;
pub mod middleware;
pub mod page;
pub mod rate_limit;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;
