//! wfm-pulse's integration tests, one binary (linking the crate graph once): each module
//! starts real servers on ephemeral ports with their own databases; `common` holds the
//! test server, the scripted center and the browser. The Gherkin scenarios are the other
//! binary (`tests/bdd`: cucumber runs its own harness).

mod common;

mod alerts;
mod capacity;
mod console;
mod demo_zup;
mod endpoints;
mod executive;
mod hardening;
mod health;
mod history;
mod layout;
mod live;
mod monitoring;
mod notify;
mod optimization;
mod people;
mod privacy;
mod pull;
mod queue_log;
mod reliability;
mod restart;
mod simulated_feed;
mod zup_sim;
mod zup_sync;
