//! wfm-pulse: real-time operations and integration service for contact-center workforce
//! management. The binary's parts, as a library so that tests can start a real server.

pub mod accounts;
pub mod alerts;
pub mod api;
pub mod app;
pub mod auth;
pub mod calculator;
pub mod capacity;
pub mod cli;
pub mod config;
pub mod files;
pub mod health;
pub mod http;
pub mod import;
pub mod ingest;
pub mod integrations;
pub mod jobs;
pub mod live;
pub mod metrics;
pub mod notify;
pub mod plan;
pub mod retention;
pub mod sim;
pub mod state;
pub mod telemetry;
pub mod web;
