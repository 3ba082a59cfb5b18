//! agent-core: configuration, the SQLite store, the event protocol, the turn loop, tools, git
//! worktrees and tasks: everything every front (CLI, TUI, HTTP) shares.
//!
//! The core never prints and never decides exit codes: it returns typed results and errors
//! ([`Error::class`], [`Error::hint`]) that the fronts render.

pub mod budget;
pub mod cache;
pub mod chat;
pub mod ci;
pub mod classifier;
pub mod classify;
pub mod commands;
pub mod config;
pub mod env;
pub mod error;
pub mod fallback;
pub mod git;
pub mod github;
pub mod hooks;
pub mod ids;
pub mod import;
pub mod instructions;
pub mod markdown;
pub mod mcp;
pub mod paths;
pub mod process;
pub mod protocol;
pub mod redact;
pub mod repomap;
pub mod review;
pub mod routing;
pub mod session;
pub mod settings;
pub mod store;
pub mod task;
#[cfg(test)]
pub(crate) mod testing;
pub mod text;
pub mod time;
pub mod tools;
pub mod turn;
pub mod untrusted;
pub mod verify;
pub mod web;

pub use error::{Error, ErrorClass, Result};
