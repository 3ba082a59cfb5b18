//! End-to-end tests of the `agent` binary: a temp AGENT_HOME, real SQLite files, real processes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ask;
mod chat;
mod ci;
mod classify;
mod common;
mod completions;
mod concurrency;
mod config;
mod durability;
mod errors;
mod fake_github;
mod fake_ollama;
mod fake_ollama_shelf;
mod first_run;
mod github;
mod golden;
mod history;
mod hooks;
mod models;
mod ollama;
mod packaging;
mod pr_review;
mod redaction;
mod scripted;
mod serve;
mod serve_attach;
mod serve_models;
mod serve_page;
mod server;
mod strategies;
mod task;
mod tiny_coder;
mod trust;
mod webhooks;
