//! MCP client: the servers of `[mcp_servers.NAME]` (see [`crate::config::mcp`]) started over
//! stdio or reached over streamable HTTP with rmcp, their tools offered to the model through one
//! `mcp` tool, every call under the approval policy and the configured timeouts.
//!
//! - `connection.rs`: one server: start, `initialize`, `tools/list` within the startup timeout;
//!   calls within the call timeout.
//! - `stdio.rs`: the process of a stdio server (environment without credentials plus its `env`,
//!   its own process group, stdout and stderr watched for error messages).
//! - `http.rs`: streamable HTTP over reqwest, every body capped.
//! - `tools.rs`: the servers of a task or chat as the `mcp` tool: lookups, argument checks,
//!   calls, the approval subject; servers start in the background, on a thread of their own.
//! - `cache.rs`: each server's tools from last time, so the first request does not wait for a
//!   server that is still starting.
//! - `catalog.rs`: tools as the model first sees them (names and a few words, within a budget);
//!   `schema.rs` a tool's schema on request and the argument check; `output.rs` a call's answer
//!   as the model reads it.
//! - `error.rs`: [`McpError`], one line per way a server fails.
//!
//! Everything a server says is hostile input: sizes are capped, names checked, descriptions cut
//! to one line, and its answers reach the model as tool results fenced as data.

mod cache;
mod catalog;
mod connection;
mod error;
mod http;
mod output;
mod schema;
mod stdio;
mod tools;

pub use cache::ToolCache;
pub use catalog::{CATALOG_BUDGET, ToolInfo};
pub use connection::{Connection, Handshake, MESSAGE_LIMIT, TOOL_LIMIT};
pub use error::McpError;
pub use stdio::Launch;
pub use tools::{MCP_TOOL, McpCall, McpTools, Started};

#[cfg(test)]
mod tests;
