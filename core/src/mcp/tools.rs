//! The MCP servers of one task or chat as the model's `mcp` tool: one declared function whose
//! `tool` argument names `server.tool`, so any number of tools costs one schema plus a short
//! catalog, and no tool name has to fit a backend's function-name rules (OpenAI's allow no dot).
//! A call without arguments, or with arguments that do not fit, is answered with the tool's
//! schema and reaches no server; a call that would reach a server is an action for the approval
//! policy ([`McpCall`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use agent_models::ToolSpec;
use agent_models::names::edit_distance;
use futures_util::FutureExt as _;
use futures_util::future::{BoxFuture, Shared};
use serde_json::{Map, Value, json};

use super::cache::ToolCache;
use super::catalog::{self, ToolInfo};
use super::connection::{Connection, Handshake};
use super::error::{McpError, quote};
use super::output;
use super::schema;
use super::stdio::Launch;
use crate::config::{McpApproval, McpServerConfig};
use crate::text::truncate_with_note;

/// The name of the model's tool.
pub const MCP_TOOL: &str = "mcp";
/// The most bytes of a call's arguments shown to the person asked to approve it.
const PREVIEW_LIMIT: usize = 2 * 1024;

/// The connected servers of a workspace.
#[derive(Debug, Default)]
pub struct McpTools {
    servers: Vec<Server>,
    /// Where servers started by [`McpTools::connect`] start and run: a runtime on a thread of
    /// its own, so their process spawns and handshakes never hold up the thread of the task or
    /// chat (its first model request). Shut down with the tools.
    background: Option<tokio::runtime::Runtime>,
    /// Opens the starts [`McpTools::connect`] held back (servers whose tools were known from
    /// last time): see [`McpTools::release`].
    held: Option<tokio::sync::watch::Sender<bool>>,
}

struct Server {
    name: String,
    /// The tools the model was shown: the live server's, or the ones it offered last time
    /// while it is still starting. Calls are checked against the live list.
    tools: Vec<ToolInfo>,
    approval: McpApproval,
    /// The connection, made in the background (shared by every call that waits for it).
    link: Link,
    /// Stops a start still under way when the tools go.
    start: Option<tokio::task::AbortHandle>,
}

/// A server's connection, once made.
type Link = Shared<BoxFuture<'static, Result<Arc<Connection>, McpError>>>;

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("name", &self.name)
            .field("tools", &self.tools.len())
            .field("approval", &self.approval)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// The tools calls are checked against: the live server's once it is connected, else the
    /// ones it offered last time.
    fn tools(&self) -> &[ToolInfo] {
        match self.link.peek() {
            Some(Ok(connection)) => connection.tools(),
            _ => &self.tools,
        }
    }
}

impl Drop for McpTools {
    fn drop(&mut self) {
        for server in &self.servers {
            if let Some(start) = &server.start {
                start.abort();
            }
        }
        // Without waiting (this may run inside the task's runtime): the servers' sessions end
        // here and their processes are killed when the connections drop.
        if let Some(background) = self.background.take() {
            background.shutdown_background();
        }
    }
}

/// A runtime of one worker thread for the servers' starts and sessions; `None` (then they run
/// on the caller's runtime) when no thread can be started.
fn background_runtime() -> Option<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("agent-mcp")
        .enable_all()
        .build()
        .inspect_err(|error| {
            tracing::warn!(%error, "cannot start a thread for MCP servers; they start on the task's")
        })
        .ok()
}

/// One server's start, for a task's log or `agent mcp list`.
#[derive(Debug)]
pub struct Started {
    pub name: String,
    pub result: Result<Handshake, McpError>,
    pub tools: Vec<ToolInfo>,
    pub elapsed_ms: u64,
}

/// A call that would reach a server: what the approval policy decides on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McpCall {
    pub server: String,
    pub tool: String,
    /// The arguments, pretty-printed and capped, for the person asked.
    pub preview: String,
    /// `approval = "auto"`: the server's tools run without asking.
    pub auto: bool,
}

/// What a call of the `mcp` tool asks for.
enum Request<'a> {
    /// `server.*` or `*`: the tools of one server, or of all.
    List(Option<&'a Server>),
    /// A tool without arguments: its schema.
    Schema(&'a Server, &'a ToolInfo),
    /// Arguments that do not fit the schema.
    Misfit(&'a Server, &'a ToolInfo, Vec<String>),
    /// A call for the server.
    Call(&'a Server, &'a ToolInfo, Map<String, Value>),
}

impl McpTools {
    /// Starts every enabled server of `configs` at once, each within its startup timeout, and
    /// waits for all of them (`agent mcp list` and `test`). Returns the ones that work and how
    /// each start went; each successful start refreshes `cache`.
    pub async fn start(
        configs: &[McpServerConfig],
        launch: &Launch,
        cache: Option<&ToolCache>,
    ) -> (Self, Vec<Started>) {
        let starts = configs
            .iter()
            .filter(|config| config.enabled)
            .map(|config| async move {
                let began = Instant::now();
                let result = Connection::open(config, launch).await;
                (config, result, began.elapsed())
            });
        let mut servers = Vec::new();
        let mut report = Vec::new();
        for (config, result, elapsed) in futures_util::future::join_all(starts).await {
            let elapsed_ms = millis(elapsed);
            match result {
                Ok(connection) => {
                    if let Some(cache) = cache {
                        cache.save(config, connection.tools());
                    }
                    report.push(Started {
                        name: config.name.clone(),
                        result: Ok(connection.handshake().clone()),
                        tools: connection.tools().to_vec(),
                        elapsed_ms,
                    });
                    let tools = connection.tools().to_vec();
                    let connection = Arc::new(connection);
                    servers.push(Server {
                        name: config.name.clone(),
                        tools,
                        approval: config.approval,
                        link: futures_util::future::ready(Ok(connection)).boxed().shared(),
                        start: None,
                    });
                }
                Err(error) => report.push(Started {
                    name: config.name.clone(),
                    result: Err(error),
                    tools: Vec::new(),
                    elapsed_ms,
                }),
            }
        }
        (
            Self {
                servers,
                background: None,
                held: None,
            },
            report,
        )
    }

    /// Starts every enabled server of `configs` in the background (a task's or chat's), on a
    /// thread of their own: a server whose tools `cache` kept from last time is not waited for
    /// (the first request lists those tools; its first call waits for it, within its startup
    /// timeout), and its process is not even spawned until [`McpTools::release`] (once the
    /// first model request is answered) or a call needs it, so that it does not compete with
    /// the task's own start for the CPU. The others are started and waited for, so the first
    /// catalog is right even on a first run. Each successful start refreshes the cache.
    /// Returns the servers the model gets, and the starts that were waited for.
    pub async fn connect(
        configs: &[McpServerConfig],
        launch: &Launch,
        cache: Option<&ToolCache>,
    ) -> (Self, Vec<Started>) {
        let began = Instant::now();
        let enabled: Vec<&McpServerConfig> =
            configs.iter().filter(|config| config.enabled).collect();
        let background = if enabled.is_empty() {
            None
        } else {
            background_runtime()
        };
        let (held, opened) = tokio::sync::watch::channel(false);
        let mut pending = Vec::new();
        for config in enabled {
            let cached = cache.and_then(|cache| cache.load(config));
            // Known from last time: started once released (never, if the tools go first).
            let mut gate = cached.is_some().then(|| opened.clone());
            let start = {
                let (config, launch, cache) = (config.clone(), launch.clone(), cache.cloned());
                async move {
                    if let Some(gate) = &mut gate
                        && gate.wait_for(|open| *open).await.is_err()
                    {
                        return Err(McpError::Protocol {
                            server: config.name.clone(),
                            reason: "its start was stopped".into(),
                        });
                    }
                    let connection = Connection::open(&config, &launch).await?;
                    if let Some(cache) = cache {
                        cache.save(&config, connection.tools());
                    }
                    Ok(Arc::new(connection))
                }
            };
            let task = match &background {
                Some(runtime) => runtime.spawn(start),
                None => tokio::spawn(start),
            };
            let start = task.abort_handle();
            let name = config.name.clone();
            let link: Link = task
                .map(move |joined| match joined {
                    Ok(result) => result,
                    Err(_) => Err(McpError::Protocol {
                        server: name,
                        reason: "its start was stopped".into(),
                    }),
                })
                .boxed()
                .shared();
            pending.push((config, link, start, cached));
        }
        let mut servers = Vec::new();
        let mut report = Vec::new();
        for (config, link, start, cached) in pending {
            let tools = match cached {
                Some(tools) => tools,
                None => match link.clone().await {
                    Ok(connection) => {
                        report.push(Started {
                            name: config.name.clone(),
                            result: Ok(connection.handshake().clone()),
                            tools: connection.tools().to_vec(),
                            elapsed_ms: millis(began.elapsed()),
                        });
                        connection.tools().to_vec()
                    }
                    Err(error) => {
                        report.push(Started {
                            name: config.name.clone(),
                            result: Err(error),
                            tools: Vec::new(),
                            elapsed_ms: millis(began.elapsed()),
                        });
                        continue;
                    }
                },
            };
            servers.push(Server {
                name: config.name.clone(),
                tools,
                approval: config.approval,
                link,
                start: Some(start),
            });
        }
        (
            Self {
                servers,
                background,
                held: Some(held),
            },
            report,
        )
    }

    /// Starts the servers [`McpTools::connect`] held back (a task or chat calls it once its
    /// first model request was answered; a call to one of them releases them too). Calling it
    /// again does nothing.
    pub fn release(&self) {
        if let Some(held) = &self.held {
            held.send_replace(true);
        }
    }

    /// Whether no server is connected (then the model gets no `mcp` tool).
    pub fn is_empty(&self) -> bool {
        self.servers.is_empty()
    }

    /// The `mcp` tool's schema, its description the catalog of every connected server's tools.
    pub fn spec(&self) -> ToolSpec {
        let servers: Vec<(&str, &[ToolInfo])> = self
            .servers
            .iter()
            .map(|server| (server.name.as_str(), server.tools.as_slice()))
            .collect();
        ToolSpec {
            name: MCP_TOOL.to_string(),
            description: catalog::catalog(&servers),
            parameters: json!({
                "type": "object",
                "properties": {
                    "tool": {"type": "string"},
                    "arguments": {"type": "object"}
                },
                "required": ["tool"]
            }),
        }
    }

    /// The call `arguments` of the `mcp` tool would make, when it would reach a server; `None`
    /// for lookups and calls that fail before any server is asked.
    pub fn effect(&self, arguments: &Value) -> Option<McpCall> {
        let Ok(Request::Call(server, tool, arguments)) = self.request(arguments) else {
            return None;
        };
        let pretty = serde_json::to_string_pretty(&arguments).unwrap_or_default();
        Some(McpCall {
            server: server.name.as_str().to_string(),
            tool: tool.name.clone(),
            preview: truncate_with_note(&pretty, PREVIEW_LIMIT),
            auto: server.approval == McpApproval::Auto,
        })
    }

    /// Runs a call of the `mcp` tool: a lookup answered here, or a call to a server. Returns
    /// what the model reads and whether it is an error; never fails otherwise.
    pub async fn call(&self, arguments: &Value, output_limit: usize) -> (String, bool) {
        match self.request(arguments) {
            Err(message) => (message, true),
            Ok(Request::List(Some(server))) => (
                catalog::listing(server.name.as_str(), server.tools()),
                false,
            ),
            Ok(Request::List(None)) => (
                self.servers
                    .iter()
                    .map(|server| catalog::listing(server.name.as_str(), server.tools()))
                    .collect::<Vec<_>>()
                    .join("\n"),
                false,
            ),
            Ok(Request::Schema(server, tool)) => {
                (schema::describe(server.name.as_str(), tool), false)
            }
            Ok(Request::Misfit(server, tool, problems)) => (
                format!(
                    "not called: {}.\n{}",
                    problems.join("; "),
                    schema::describe(server.name.as_str(), tool)
                ),
                true,
            ),
            Ok(Request::Call(server, tool, arguments)) => {
                let name = server.name.as_str();
                self.release();
                let connection = match server.link.clone().await {
                    Ok(connection) => connection,
                    Err(error) => return (for_model(&error), true),
                };
                // The catalog may be last time's: the live server decides.
                if !connection.tools().iter().any(|live| live.name == tool.name) {
                    return (
                        format!(
                            "the MCP server {name} no longer offers {}; {}",
                            tool.name,
                            catalog::listing(name, connection.tools())
                        ),
                        true,
                    );
                }
                match connection.call(&tool.name, arguments).await {
                    Ok(result) => output::render(name, &tool.name, &result, output_limit),
                    Err(error) => (for_model(&error), true),
                }
            }
        }
    }

    /// Reads the `mcp` tool's arguments: `tool` names `server.tool` (or `server.*`, `*`, a
    /// tool name only one server has); `arguments` is an object (a JSON string of one is
    /// read too); properties next to `tool` count as arguments when `arguments` is missing.
    fn request(&self, call: &Value) -> Result<Request<'_>, String> {
        // Some models send the arguments object as a JSON string.
        let parsed;
        let call = match call {
            Value::String(text) => {
                parsed = serde_json::from_str::<Value>(text)
                    .map_err(|_| "the arguments must be a JSON object with `tool`".to_string())?;
                &parsed
            }
            other => other,
        };
        let Some(name) = call.get("tool").and_then(Value::as_str) else {
            return Err(format!(
                "`tool` is required: the tool to call, as server.name (servers: {})",
                self.server_names()
            ));
        };
        let name = name.trim();
        if name == "*" {
            return Ok(Request::List(None));
        }
        let (server, tool) = self.resolve(name)?;
        let Some(tool) = tool else {
            return Ok(Request::List(Some(server)));
        };
        let arguments = match call.get("arguments") {
            Some(Value::Object(arguments)) => Some(arguments.clone()),
            Some(Value::String(text)) if !text.trim().is_empty() => {
                match serde_json::from_str::<Value>(text) {
                    Ok(Value::Object(arguments)) => Some(arguments),
                    _ => return Err("`arguments` must be a JSON object".into()),
                }
            }
            Some(Value::Null) | None => {
                let rest: Map<String, Value> = call
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter(|(key, _)| key.as_str() != "tool" && key.as_str() != "arguments")
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect();
                (!rest.is_empty()).then_some(rest)
            }
            Some(Value::String(_)) => None,
            Some(_) => return Err("`arguments` must be a JSON object".into()),
        };
        let Some(arguments) = arguments else {
            return Ok(Request::Schema(server, tool));
        };
        let problems = schema::problems(&tool.schema, &arguments);
        if problems.is_empty() {
            Ok(Request::Call(server, tool, arguments))
        } else {
            Ok(Request::Misfit(server, tool, problems))
        }
    }

    /// The server and tool `name` means; a `None` tool is `server.*` (or the server's name).
    fn resolve<'a>(&'a self, name: &str) -> Result<(&'a Server, Option<&'a ToolInfo>), String> {
        let (server_name, tool_name) = match name.split_once('.') {
            Some((server, tool)) => (server, Some(tool)),
            None => match name.split_once("__") {
                Some((server, tool)) if self.server(server).is_some() => (server, Some(tool)),
                _ => (name, None),
            },
        };
        if let Some(server) = self.server(server_name) {
            let tool_name = match tool_name {
                None | Some("*") | Some("") => return Ok((server, None)),
                Some(tool) => tool,
            };
            return match server.tools().iter().find(|tool| tool.name == tool_name) {
                Some(tool) => Ok((server, Some(tool))),
                None => Err(self.unknown(name, Some(server))),
            };
        }
        // A bare tool name that only one server has.
        let mut owners = self.servers.iter().filter_map(|server| {
            server
                .tools()
                .iter()
                .find(|tool| tool.name == name)
                .map(|tool| (server, tool))
        });
        match (owners.next(), owners.next()) {
            (Some((server, tool)), None) => Ok((server, Some(tool))),
            _ => Err(self.unknown(name, None)),
        }
    }

    fn server(&self, name: &str) -> Option<&Server> {
        self.servers
            .iter()
            .find(|server| server.name.as_str() == name)
    }

    fn server_names(&self) -> String {
        self.servers
            .iter()
            .map(|server| server.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The error for a name that is no tool, with the closest names.
    fn unknown(&self, name: &str, server: Option<&Server>) -> String {
        let shown = quote(name, 80);
        let candidates = self.servers.iter().flat_map(|candidate| {
            candidate
                .tools()
                .iter()
                .map(move |tool| format!("{}.{}", candidate.name, tool.name))
        });
        let mut close: Vec<(usize, String)> = candidates
            .map(|full| (edit_distance(name, &full), full))
            .filter(|(distance, _)| *distance <= 3)
            .collect();
        close.sort();
        let suggestion = match close.first() {
            Some((_, full)) => format!(" Did you mean {full}?"),
            None => String::new(),
        };
        let listing = match server {
            Some(server) => format!("tool=\"{}.*\" lists its tools", server.name.as_str()),
            None => format!("the servers are {}", self.server_names()),
        };
        format!("there is no MCP tool `{shown}`.{suggestion} ({listing})")
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// A failure as the model reads it: one that quotes what the server said (its error message,
/// its stderr, its stray output) is fenced as data like its answers.
fn for_model(error: &McpError) -> String {
    match error {
        McpError::Protocol { server, .. }
        | McpError::Exited { server, .. }
        | McpError::Garbage { server, .. } => crate::untrusted::as_data(
            &format!("the MCP server {server}, which failed"),
            &error.to_string(),
        ),
        _ => error.to_string(),
    }
}
