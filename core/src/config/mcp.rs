//! `[mcp_servers.NAME]` tables: the MCP servers agent may start or reach, checked when a file is
//! read.
//!
//! They are not keys of the key table (a table of servers keyed by name does not fit it): they
//! come from the user's `config.toml`, and from a repository's `.agent/config.toml` only once the
//! user trusts that file (a server is a program agent starts, or a place your requests go).
//! Neither `AGENT_*` variables nor `-c` can name one. A server's `env` values go to that server's
//! process only; they are never printed (`Debug` and `Serialize` show the names).

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use agent_models::names::edit_distance;

use crate::error::{Error, Result};

use super::value::Origin;

/// The top-level table that holds the servers.
pub const MCP_SERVERS: &str = "mcp_servers";

/// The longest server name: it prefixes every tool name the model sees.
pub const NAME_LIMIT: usize = 32;

/// Seconds a server gets to start, initialize and list its tools, unless configured.
pub const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(10);
/// Seconds one tool call may take, unless configured.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// The fields a server table may have, for errors and suggestions.
const FIELDS: &[&str] = &[
    "command",
    "args",
    "env",
    "cwd",
    "url",
    "bearer_token_env_var",
    "startup_timeout_sec",
    "tool_timeout_sec",
    "enabled_tools",
    "disabled_tools",
    "approval",
    "enabled",
];

/// One configured MCP server.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct McpServerConfig {
    /// The table's name: `[mcp_servers.NAME]`; the model calls its tools `NAME.tool`.
    pub name: String,
    pub transport: McpTransport,
    /// Starting, `initialize` (with any authentication) and listing the tools, together.
    #[serde(serialize_with = "seconds")]
    pub startup_timeout: Duration,
    /// One tool call, from the request to its whole answer.
    #[serde(serialize_with = "seconds")]
    pub call_timeout: Duration,
    /// Only these tools (names, `*` matching any run of characters); `None` allows all.
    pub enabled_tools: Option<Vec<String>>,
    /// Never these tools, whatever `enabled_tools` says.
    pub disabled_tools: Vec<String>,
    pub approval: McpApproval,
    /// `enabled = false` keeps the table but starts nothing.
    pub enabled: bool,
    /// The file that defined it.
    pub origin: Origin,
}

/// How agent talks to a server.
#[derive(Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "transport")]
pub enum McpTransport {
    /// A program started by agent, speaking JSON-RPC on its stdin and stdout.
    Stdio {
        command: String,
        args: Vec<String>,
        /// Set for this server's process only, after the credential scrubbing of
        /// `sandbox.env_remove`; the values are never shown.
        #[serde(serialize_with = "names_only")]
        env: Vec<(String, String)>,
        /// The working directory; relative to the workspace (the task's worktree, the chat's
        /// repository); `None` is the workspace itself.
        cwd: Option<PathBuf>,
    },
    /// A server reached over MCP's streamable HTTP.
    Http {
        url: String,
        /// The variable whose value is sent as `Authorization: Bearer …`.
        bearer_token_env_var: Option<String>,
    },
}

/// Env values stay out of logs and `Debug` output.
impl fmt::Debug for McpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            McpTransport::Stdio {
                command,
                args,
                env,
                cwd,
            } => f
                .debug_struct("Stdio")
                .field("command", command)
                .field("args", args)
                .field("env", &env.iter().map(|(name, _)| name).collect::<Vec<_>>())
                .field("cwd", cwd)
                .finish(),
            McpTransport::Http {
                url,
                bearer_token_env_var,
            } => f
                .debug_struct("Http")
                .field("url", url)
                .field("bearer_token_env_var", bearer_token_env_var)
                .finish(),
        }
    }
}

impl McpTransport {
    /// What is started or reached, for listings: the command line or the URL.
    pub fn describe(&self) -> String {
        match self {
            McpTransport::Stdio { command, args, .. } => {
                let mut line = command.clone();
                for arg in args {
                    line.push(' ');
                    line.push_str(arg);
                }
                line
            }
            McpTransport::Http { url, .. } => {
                crate::redact::redact_url_credentials(url).into_owned()
            }
        }
    }

    /// `stdio` or `http`.
    pub fn kind(&self) -> &'static str {
        match self {
            McpTransport::Stdio { .. } => "stdio",
            McpTransport::Http { .. } => "http",
        }
    }
}

/// Whether the approval policy asks before this server's tools run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum McpApproval {
    /// The task's or chat's policy decides, as for `run` (asked under `on-command` and
    /// stricter).
    Ask,
    /// Never asked: as if the person had answered "always" for this server.
    Auto,
}

impl McpServerConfig {
    /// Whether the model may use the tool `tool` of this server.
    pub fn allows_tool(&self, tool: &str) -> bool {
        let enabled = self
            .enabled_tools
            .as_ref()
            .is_none_or(|allowed| allowed.iter().any(|pattern| glob(pattern, tool)));
        enabled
            && !self
                .disabled_tools
                .iter()
                .any(|pattern| glob(pattern, tool))
    }
}

/// Reads the `[mcp_servers]` table of a file's parsed `table`, if any. `path` names the file in
/// errors; `origin` is recorded on each server.
pub fn parse_servers(
    table: &toml::Table,
    path: &Path,
    origin: &Origin,
) -> Result<Vec<McpServerConfig>> {
    let Some(item) = table.get(MCP_SERVERS) else {
        return Ok(Vec::new());
    };
    let file = path.display().to_string();
    let Some(servers) = item.as_table() else {
        return Err(invalid(
            MCP_SERVERS,
            &file,
            "expected a table of servers: [mcp_servers.NAME]",
        ));
    };
    servers
        .iter()
        .map(|(name, server)| parse_server(name, server, &file, origin))
        .collect()
}

fn parse_server(
    name: &str,
    item: &toml::Value,
    file: &str,
    origin: &Origin,
) -> Result<McpServerConfig> {
    let prefix = format!("{MCP_SERVERS}.{name}");
    check_name(name).map_err(|message| invalid(&prefix, file, &message))?;
    let Some(table) = item.as_table() else {
        return Err(invalid(
            &prefix,
            file,
            "expected a table: [mcp_servers.NAME] with command or url",
        ));
    };
    for key in table.keys() {
        if !FIELDS.contains(&key.as_str()) {
            let suggestion = FIELDS
                .iter()
                .map(|field| (edit_distance(key, field), field))
                .filter(|(distance, _)| *distance <= 3)
                .min_by_key(|(distance, _)| *distance)
                .map(|(_, field)| format!("{prefix}.{field}"));
            return Err(Error::UnknownConfigKey {
                key: format!("{prefix}.{key}"),
                origin: file.to_string(),
                suggestion,
            });
        }
    }
    let field = Field {
        table,
        prefix: &prefix,
        file,
    };
    let command = field.string("command")?;
    let url = field.string("url")?;
    let transport = match (command, url) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                &prefix,
                file,
                "has both command and url; a server is either started (command) or reached (url)",
            ));
        }
        (None, None) => {
            return Err(invalid(
                &prefix,
                file,
                "needs command (a program speaking MCP on stdio) or url (streamable HTTP)",
            ));
        }
        (Some(command), None) => {
            if command.trim().is_empty() {
                return Err(invalid(&field.key("command"), file, "is empty"));
            }
            for http_only in ["bearer_token_env_var"] {
                if table.contains_key(http_only) {
                    return Err(invalid(
                        &field.key(http_only),
                        file,
                        "applies to url servers only",
                    ));
                }
            }
            McpTransport::Stdio {
                command,
                args: field.strings("args")?.unwrap_or_default(),
                env: field.env()?,
                cwd: field.string("cwd")?.map(PathBuf::from),
            }
        }
        (None, Some(url)) => {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(invalid(
                    &field.key("url"),
                    file,
                    &format!("`{url}` is not an http:// or https:// URL"),
                ));
            }
            for stdio_only in ["args", "env", "cwd"] {
                if table.contains_key(stdio_only) {
                    return Err(invalid(
                        &field.key(stdio_only),
                        file,
                        "applies to command servers only",
                    ));
                }
            }
            let bearer_token_env_var = field.string("bearer_token_env_var")?;
            if let Some(variable) = &bearer_token_env_var {
                check_variable(variable).map_err(|message| {
                    invalid(&field.key("bearer_token_env_var"), file, &message)
                })?;
            }
            McpTransport::Http {
                url,
                bearer_token_env_var,
            }
        }
    };
    let approval = match field.string("approval")?.as_deref() {
        None | Some("ask") => McpApproval::Ask,
        Some("auto") => McpApproval::Auto,
        Some(other) => {
            return Err(invalid(
                &field.key("approval"),
                file,
                &format!("`{other}` is not one of ask, auto"),
            ));
        }
    };
    Ok(McpServerConfig {
        name: name.to_string(),
        transport,
        startup_timeout: field
            .seconds("startup_timeout_sec", 300)?
            .unwrap_or(DEFAULT_STARTUP_TIMEOUT),
        call_timeout: field
            .seconds("tool_timeout_sec", 3600)?
            .unwrap_or(DEFAULT_CALL_TIMEOUT),
        enabled_tools: field.strings("enabled_tools")?,
        disabled_tools: field.strings("disabled_tools")?.unwrap_or_default(),
        approval,
        enabled: field.bool("enabled")?.unwrap_or(true),
        origin: origin.clone(),
    })
}

/// One server table being read, for typed fields with errors naming `mcp_servers.NAME.field`.
struct Field<'a> {
    table: &'a toml::Table,
    prefix: &'a str,
    file: &'a str,
}

impl Field<'_> {
    fn key(&self, field: &str) -> String {
        format!("{}.{field}", self.prefix)
    }

    fn wrong(&self, field: &str, expected: &str) -> Error {
        invalid(&self.key(field), self.file, &format!("expected {expected}"))
    }

    fn string(&self, field: &str) -> Result<Option<String>> {
        match self.table.get(field) {
            None => Ok(None),
            Some(toml::Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(self.wrong(field, "a string")),
        }
    }

    fn bool(&self, field: &str) -> Result<Option<bool>> {
        match self.table.get(field) {
            None => Ok(None),
            Some(toml::Value::Boolean(value)) => Ok(Some(*value)),
            Some(_) => Err(self.wrong(field, "true or false")),
        }
    }

    fn strings(&self, field: &str) -> Result<Option<Vec<String>>> {
        let Some(value) = self.table.get(field) else {
            return Ok(None);
        };
        let expected = || self.wrong(field, "an array of strings");
        let array = value.as_array().ok_or_else(expected)?;
        array
            .iter()
            .map(|item| item.as_str().map(str::to_string).ok_or_else(expected))
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }

    fn seconds(&self, field: &str, max: i64) -> Result<Option<Duration>> {
        match self.table.get(field) {
            None => Ok(None),
            Some(toml::Value::Integer(seconds)) if (1..=max).contains(seconds) => {
                Ok(Some(Duration::from_secs(seconds.unsigned_abs())))
            }
            Some(_) => Err(self.wrong(field, &format!("an integer from 1 to {max} (seconds)"))),
        }
    }

    fn env(&self) -> Result<Vec<(String, String)>> {
        let Some(value) = self.table.get("env") else {
            return Ok(Vec::new());
        };
        let table = value
            .as_table()
            .ok_or_else(|| self.wrong("env", "a table of NAME = \"value\""))?;
        table
            .iter()
            .map(|(name, value)| {
                check_variable(name)
                    .map_err(|message| invalid(&self.key("env"), self.file, &message))?;
                let value = value
                    .as_str()
                    .ok_or_else(|| self.wrong(&format!("env.{name}"), "a string"))?;
                Ok((name.clone(), value.to_string()))
            })
            .collect()
    }
}

fn invalid(key: &str, file: &str, message: &str) -> Error {
    Error::ConfigValue {
        key: key.to_string(),
        origin: file.to_string(),
        message: message.to_string(),
    }
}

/// A server name: letters, digits, `_` and `-`, at most [`NAME_LIMIT`] characters (it is the
/// prefix of `NAME.tool`, so it has no dot).
fn check_name(name: &str) -> std::result::Result<(), String> {
    let valid = !name.is_empty()
        && name.len() <= NAME_LIMIT
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a server name: use 1 to {NAME_LIMIT} letters, digits, `_` or `-`"
        ))
    }
}

/// An environment variable name: a letter or `_`, then letters, digits or `_`.
fn check_variable(name: &str) -> std::result::Result<(), String> {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(format!("`{name}` is not an environment variable name"))
    }
}

/// Whether `name` matches `pattern`, where `*` stands for any run of characters.
fn glob(pattern: &str, name: &str) -> bool {
    let mut pieces = pattern.split('*');
    let Some(first) = pieces.next() else {
        return false;
    };
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else {
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

fn seconds<S: serde::Serializer>(
    duration: &Duration,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_u64(duration.as_secs())
}

fn names_only<S: serde::Serializer>(
    env: &[(String, String)],
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.collect_seq(env.iter().map(|(name, _)| name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<McpServerConfig>> {
        let table: toml::Table = text.parse().unwrap();
        let path = Path::new("/home/u/.config/agent/config.toml");
        parse_servers(&table, path, &Origin::UserFile(path.to_path_buf()))
    }

    fn error(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn a_stdio_and_an_http_server_with_their_defaults() {
        let servers = parse(
            r#"
            [mcp_servers.files]
            command = "npx"
            args = ["-y", "server-files", "."]
            env = { FILES_TOKEN = "s3cret" }
            enabled_tools = ["read_*"]
            disabled_tools = ["read_secrets"]

            [mcp_servers.tracker]
            url = "https://mcp.example.com/mcp"
            bearer_token_env_var = "TRACKER_TOKEN"
            startup_timeout_sec = 3
            tool_timeout_sec = 20
            approval = "auto"
            "#,
        )
        .unwrap();
        assert_eq!(servers.len(), 2);
        let files = &servers[0];
        assert_eq!(files.name, "files");
        assert_eq!(files.startup_timeout, DEFAULT_STARTUP_TIMEOUT);
        assert_eq!(files.call_timeout, DEFAULT_CALL_TIMEOUT);
        assert_eq!(files.approval, McpApproval::Ask);
        assert!(files.enabled);
        assert_eq!(files.transport.describe(), "npx -y server-files .");
        assert!(files.allows_tool("read_file"));
        assert!(!files.allows_tool("read_secrets"), "denied wins");
        assert!(!files.allows_tool("write_file"), "not in enabled_tools");
        // The value never shows.
        let shown = format!("{files:?} {}", serde_json::to_string(files).unwrap());
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("FILES_TOKEN"), "{shown}");

        let tracker = &servers[1];
        assert_eq!(tracker.transport.kind(), "http");
        assert_eq!(tracker.startup_timeout, Duration::from_secs(3));
        assert_eq!(tracker.call_timeout, Duration::from_secs(20));
        assert_eq!(tracker.approval, McpApproval::Auto);
        assert!(tracker.allows_tool("anything"));
    }

    #[test]
    fn mistakes_are_one_line_naming_the_field() {
        let both = error("[mcp_servers.x]\ncommand = \"a\"\nurl = \"http://h\"\n");
        assert!(
            both.contains("`mcp_servers.x`") && both.contains("both"),
            "{both}"
        );
        let neither = error("[mcp_servers.x]\nargs = []\n");
        assert!(neither.contains("needs command"), "{neither}");
        let typo = parse("[mcp_servers.x]\ncomand = \"a\"\n").unwrap_err();
        match typo {
            Error::UnknownConfigKey {
                key, suggestion, ..
            } => {
                assert_eq!(key, "mcp_servers.x.comand");
                assert_eq!(suggestion.as_deref(), Some("mcp_servers.x.command"));
            }
            other => panic!("{other:?}"),
        }
        let dotted = error("[mcp_servers.\"a.b\"]\ncommand = \"a\"\n");
        assert!(dotted.contains("not a server name"), "{dotted}");
        let timeout = error("[mcp_servers.x]\ncommand = \"a\"\nstartup_timeout_sec = 0\n");
        assert!(
            timeout.contains("mcp_servers.x.startup_timeout_sec") && timeout.contains("1 to 300"),
            "{timeout}"
        );
        let scheme = error("[mcp_servers.x]\nurl = \"ftp://h\"\n");
        assert!(scheme.contains("not an http"), "{scheme}");
        let env = error("[mcp_servers.x]\ncommand = \"a\"\nenv = { \"A-B\" = \"1\" }\n");
        assert!(env.contains("not an environment variable name"), "{env}");
        let mixed = error("[mcp_servers.x]\nurl = \"http://h\"\nargs = [\"a\"]\n");
        assert!(mixed.contains("command servers only"), "{mixed}");
        let approval = error("[mcp_servers.x]\ncommand = \"a\"\napproval = \"yes\"\n");
        assert!(approval.contains("ask, auto"), "{approval}");
    }

    #[test]
    fn globs() {
        assert!(glob("*", "x"));
        assert!(glob("read_*", "read_file"));
        assert!(glob("*_file", "read_file"));
        assert!(glob("r*d*e", "read_file"));
        assert!(!glob("read", "read_file"));
        assert!(!glob("write_*", "read_file"));
    }
}
