//! One connected MCP server (rmcp's client): started or reached, initialized and its tools
//! listed within the startup timeout, then tool calls within the call timeout. Dropping it
//! closes the session and kills the server's process group.

use std::time::{Duration, Instant};

use rmcp::ServiceExt as _;
use rmcp::model::{
    CallToolRequestParams, ClientCapabilities, ClientConfig, Implementation, JsonObject,
};
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::async_rw::AsyncRwTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;

use super::catalog::{self, ToolInfo};
use super::error::{McpError, quote};
use super::http::HttpClient;
use super::stdio::{self, Launch, Process};
use crate::config::{McpServerConfig, McpTransport};

/// The largest message a server may send on stdio, and the largest JSON answer or SSE event
/// over HTTP.
pub const MESSAGE_LIMIT: usize = 8 * 1024 * 1024;
/// The most tools one server may offer; more are left out.
pub const TOOL_LIMIT: usize = 200;

/// What a connection learned while it was made, for `agent mcp test` and `agent mcp list`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Handshake {
    /// The server's name and version, as it says (quoted: one short line each).
    pub server_name: String,
    pub server_version: String,
    /// The protocol version agreed on.
    pub protocol_version: String,
    /// From the start to a ready process (stdio) or a built client (HTTP).
    pub start_ms: u64,
    /// `initialize` and its answer.
    pub initialize_ms: u64,
    /// `tools/list`, every page.
    pub list_ms: u64,
    /// Tools the server offered but the model does not get, with why (the configuration's
    /// allow and deny lists, a name agent cannot pass on, the tool limit).
    pub hidden: Vec<(String, String)>,
}

/// A server ready for calls.
pub struct Connection {
    name: String,
    service: RunningService<RoleClient, ClientConfig>,
    /// The process of a stdio server (killed with its group when dropped).
    process: Option<Process>,
    tools: Vec<ToolInfo>,
    handshake: Handshake,
    call_timeout: Duration,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("name", &self.name)
            .field("tools", &self.tools.len())
            .finish_non_exhaustive()
    }
}

/// What agent tells a server about itself.
fn client_config() -> ClientConfig {
    ClientConfig::new(
        ClientCapabilities::default(),
        Implementation::new("agent", env!("CARGO_PKG_VERSION")),
    )
}

impl Connection {
    /// Starts (or reaches) `config`'s server, initializes it and lists its tools, all within
    /// its startup timeout.
    pub async fn open(config: &McpServerConfig, launch: &Launch) -> Result<Self, McpError> {
        let started = Instant::now();
        let deadline = started + config.startup_timeout;
        let name = config.name.as_str();
        let timed_out = |what: &str| McpError::Timeout {
            server: name.to_string(),
            what: what.to_string(),
            after: config.startup_timeout,
            key: format!("mcp_servers.{name}.startup_timeout_sec"),
        };
        let mut handshake = Handshake::default();
        let (service, mut process) = match &config.transport {
            McpTransport::Stdio {
                command,
                args,
                env,
                cwd,
            } => {
                let (mut process, (stdout, stdin)) =
                    stdio::spawn(name, command, args, env, cwd.as_deref(), launch)?;
                handshake.start_ms = millis(started.elapsed());
                let transport =
                    AsyncRwTransport::new_client(stdout, stdin).with_max_line_length(MESSAGE_LIMIT);
                let initializing = Instant::now();
                let service =
                    tokio::time::timeout_at(deadline.into(), client_config().serve(transport))
                        .await;
                handshake.initialize_ms = millis(initializing.elapsed());
                match service {
                    Ok(Ok(service)) => (service, Some(process)),
                    Ok(Err(error)) => {
                        return Err(process
                            .diagnose(name, "before answering initialize")
                            .await
                            .unwrap_or_else(|| protocol(name, "initialize failed", &error)));
                    }
                    Err(_) => {
                        return Err(process
                            .diagnose(name, "before answering initialize")
                            .await
                            .unwrap_or_else(|| timed_out("answer initialize")));
                    }
                }
            }
            McpTransport::Http {
                url,
                bearer_token_env_var,
            } => {
                let mut transport_config =
                    StreamableHttpClientTransportConfig::with_uri(url.as_str())
                        .max_json_response_size(MESSAGE_LIMIT)
                        .max_sse_event_size(MESSAGE_LIMIT);
                if let Some(variable) = bearer_token_env_var {
                    let token = launch
                        .variable(variable)
                        .filter(|token| !token.is_empty())
                        .ok_or_else(|| McpError::MissingToken {
                            server: name.to_string(),
                            variable: variable.clone(),
                        })?;
                    transport_config = transport_config.auth_header(token);
                }
                let client = HttpClient::new().map_err(|reason| McpError::Protocol {
                    server: name.to_string(),
                    reason,
                })?;
                handshake.start_ms = millis(started.elapsed());
                let transport =
                    StreamableHttpClientTransport::with_client(client.clone(), transport_config);
                let initializing = Instant::now();
                let service =
                    tokio::time::timeout_at(deadline.into(), client_config().serve(transport))
                        .await;
                handshake.initialize_ms = millis(initializing.elapsed());
                match service {
                    Ok(Ok(service)) => (service, None),
                    Ok(Err(error)) => return Err(http_failure(name, &error, client.refusal())),
                    Err(_) => return Err(timed_out("answer initialize")),
                }
            }
        };
        if let Some(info) = service.peer().peer_info() {
            handshake.protocol_version = quote(&info.protocol_version.to_string(), 40);
            if let Some(server) = &info.server_info {
                handshake.server_name = quote(&server.name, 60);
                handshake.server_version = quote(&server.version, 40);
            }
        }
        let listing = Instant::now();
        let listed =
            tokio::time::timeout_at(deadline.into(), service.peer().list_all_tools()).await;
        handshake.list_ms = millis(listing.elapsed());
        let offered = match listed {
            Ok(Ok(tools)) => tools,
            Ok(Err(error)) => {
                let diagnosed = match process.as_mut() {
                    Some(process) => process.diagnose(name, "while listing its tools").await,
                    None => None,
                };
                return Err(
                    diagnosed.unwrap_or_else(|| protocol(name, "tools/list failed", &error))
                );
            }
            Err(_) => return Err(timed_out("list its tools")),
        };
        let mut tools = Vec::new();
        for tool in &offered {
            let tool_name = quote(&tool.name, 80);
            if !config.allows_tool(&tool.name) {
                handshake
                    .hidden
                    .push((tool_name, "left out by enabled_tools/disabled_tools".into()));
                continue;
            }
            if tools.len() >= TOOL_LIMIT {
                handshake
                    .hidden
                    .push((tool_name, format!("past the limit of {TOOL_LIMIT} tools")));
                continue;
            }
            match catalog::tool_info(tool) {
                Ok(info) => tools.push(info),
                Err(why) => handshake.hidden.push((tool_name, why)),
            }
        }
        Ok(Self {
            name: config.name.clone(),
            service,
            process,
            tools,
            handshake,
            call_timeout: config.call_timeout,
        })
    }

    /// The server's name in the configuration.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The tools the model may use.
    pub fn tools(&self) -> &[ToolInfo] {
        &self.tools
    }

    /// What the handshake found.
    pub fn handshake(&self) -> &Handshake {
        &self.handshake
    }

    /// Calls `tool` with `arguments` within the call timeout. The answer is the server's, as
    /// JSON (see [`super::output`]).
    pub async fn call(
        &self,
        tool: &str,
        arguments: JsonObject,
    ) -> Result<serde_json::Value, McpError> {
        let params = CallToolRequestParams::new(tool.to_string()).with_arguments(arguments);
        let name = self.name.as_str();
        match tokio::time::timeout(self.call_timeout, self.service.peer().call_tool(params)).await {
            Ok(Ok(result)) => serde_json::to_value(result).map_err(|error| McpError::Protocol {
                server: name.to_string(),
                reason: format!("cannot read the answer: {error}"),
            }),
            Ok(Err(error)) => {
                if self.service.is_closed() {
                    let stderr = self
                        .process
                        .as_ref()
                        .map(Process::stderr_tail)
                        .filter(|tail| !tail.is_empty())
                        .map(|tail| format!("; it wrote on stderr: {tail}"))
                        .unwrap_or_default();
                    return Err(McpError::Exited {
                        server: name.to_string(),
                        status: "or closed the connection".into(),
                        when: format!("during the call to {name}.{tool}"),
                        stderr,
                    });
                }
                Err(protocol(name, &format!("{name}.{tool} failed"), &error))
            }
            Err(_) => Err(McpError::Timeout {
                server: name.to_string(),
                what: format!("answer the call to {name}.{tool}"),
                after: self.call_timeout,
                key: format!("mcp_servers.{name}.tool_timeout_sec"),
            }),
        }
    }
}

/// A failed request, in one line.
fn protocol(server: &str, what: &str, error: &dyn std::fmt::Display) -> McpError {
    McpError::Protocol {
        server: server.to_string(),
        reason: format!("{what}: {}", quote(&error.to_string(), 240)),
    }
}

/// A failed HTTP handshake: refused credentials (`refusal`, as the server answered) are their
/// own error.
fn http_failure(
    server: &str,
    error: &rmcp::service::ClientInitializeError,
    refusal: Option<String>,
) -> McpError {
    let text = crate::text::error_chain(error);
    if let Some(refusal) = refusal {
        return McpError::Unauthorized {
            server: server.to_string(),
            reason: refusal,
        };
    }
    if text.contains("Auth required") {
        return McpError::Unauthorized {
            server: server.to_string(),
            reason: "the server asks for credentials".into(),
        };
    }
    protocol(server, "initialize failed", &text)
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
