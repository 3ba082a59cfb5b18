//! End-to-end tests of the `agent` binary: a temp AGENT_HOME, real SQLite files, real processes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod completions;
mod concurrency;
mod config;
mod errors;
mod history;
mod models;
