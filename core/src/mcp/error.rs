//! What can go wrong with an MCP server, each as one line a person can act on.

use std::time::Duration;

use crate::error::ErrorClass;

/// An MCP server that could not be started, reached or used. Messages are one line; text the
/// server wrote is cut short and stripped of control characters before it is quoted.
#[derive(Debug, Clone, thiserror::Error)]
pub enum McpError {
    /// The program could not be started (not found, not executable, a bad working directory).
    #[error("MCP server `{server}`: cannot start `{command}`: {reason}")]
    Spawn {
        server: String,
        command: String,
        reason: String,
    },
    /// The program ended before it finished the handshake or a call.
    #[error("MCP server `{server}` exited {status} {when}{stderr}")]
    Exited {
        server: String,
        /// `with status 1`, `on signal 9`.
        status: String,
        /// `before answering initialize`.
        when: String,
        /// `; its last words on stderr: …` or empty.
        stderr: String,
    },
    /// It wrote something that is not JSON-RPC where a message belonged.
    #[error("MCP server `{server}` does not speak MCP: it wrote `{sample}` where JSON-RPC belongs")]
    Garbage { server: String, sample: String },
    /// No answer within the configured time.
    #[error("MCP server `{server}` did not {what} within {} s", .after.as_secs_f64())]
    Timeout {
        server: String,
        /// `start and list its tools`, `answer the call to NAME.tool`.
        what: String,
        after: Duration,
        /// The key that sets this time.
        key: String,
    },
    /// The bearer token's variable is not set.
    #[error("MCP server `{server}`: the variable `{variable}` (bearer_token_env_var) is not set")]
    MissingToken { server: String, variable: String },
    /// The server refused the credentials (HTTP 401 or 403).
    #[error("MCP server `{server}` refused the request: {reason}")]
    Unauthorized { server: String, reason: String },
    /// The handshake or a request failed for another reason.
    #[error("MCP server `{server}`: {reason}")]
    Protocol { server: String, reason: String },
}

impl McpError {
    /// How a front should treat it: a server that does not work is a failure.
    pub fn class(&self) -> ErrorClass {
        ErrorClass::Failure
    }

    /// The server the error is about.
    pub fn server(&self) -> &str {
        match self {
            McpError::Spawn { server, .. }
            | McpError::Exited { server, .. }
            | McpError::Garbage { server, .. }
            | McpError::Timeout { server, .. }
            | McpError::MissingToken { server, .. }
            | McpError::Unauthorized { server, .. }
            | McpError::Protocol { server, .. } => server,
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> Option<String> {
        let server = self.server();
        Some(match self {
            McpError::Spawn { .. } => format!(
                "check `command` (and `cwd`) of [mcp_servers.{server}]; `agent mcp test {server}` tries it alone"
            ),
            McpError::Exited { .. } | McpError::Protocol { .. } => {
                format!("`agent mcp test {server}` starts it alone and shows what it says")
            }
            McpError::Garbage { .. } => format!(
                "the program must speak JSON-RPC on stdout and log to stderr; check `command` and `args` of [mcp_servers.{server}]"
            ),
            McpError::Timeout { key, .. } => {
                format!("raise {key}, or `agent mcp test {server}` to see where it stops")
            }
            McpError::MissingToken { variable, .. } => {
                format!("export {variable}=… before starting agent")
            }
            McpError::Unauthorized { .. } => format!(
                "check the token in the variable that `bearer_token_env_var` of [mcp_servers.{server}] names"
            ),
        })
    }
}

/// Text a server wrote, made safe to quote in one line: control characters and line breaks
/// become spaces, runs of spaces one, and at most `limit` characters are kept.
pub(crate) fn quote(text: &str, limit: usize) -> String {
    let mut out = String::new();
    let mut space = false;
    for c in text.chars() {
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' {
            if space || out.is_empty() {
                continue;
            }
            space = true;
        } else {
            space = false;
        }
        if out.chars().count() >= limit {
            out.push('…');
            return out;
        }
        out.push(c);
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_one_short_line() {
        assert_eq!(quote("  a\n\tb\u{1b}[31m  c ", 50), "a b [31m c");
        assert_eq!(quote("abcdef", 3), "abc…");
        let timeout = McpError::Timeout {
            server: "slow".into(),
            what: "start and list its tools".into(),
            after: Duration::from_millis(1500),
            key: "mcp_servers.slow.startup_timeout_sec".into(),
        };
        assert_eq!(
            timeout.to_string(),
            "MCP server `slow` did not start and list its tools within 1.5 s"
        );
        assert!(timeout.hint().unwrap().contains("startup_timeout_sec"));
    }
}
