//! agent-core: configuration, paths and the SQLite store every front reads and writes through.
//!
//! The core never prints and never decides exit codes: it returns typed results and errors
//! ([`Error::class`], [`Error::hint`]) that the fronts render.

pub mod config;
pub mod env;
pub mod error;
pub mod git;
pub mod ids;
pub mod instructions;
pub mod markdown;
pub mod paths;
pub mod store;
pub mod time;
pub mod tools;
pub mod verify;

pub use error::{Error, ErrorClass, Result};
