//! The agent's tools — read, list, search, edit, write, run — confined to one workspace.
//!
//! [`Toolbox::specs`] gives the schemas sent to the model, [`Toolbox::effect`] classifies a call
//! for the approval policy, and [`Toolbox::call`] runs it. Every file path goes through
//! [`Workspace`], which refuses paths outside the root, through escaping symlinks or into `.git`.
//! `run` is not confined by [`Workspace`]: the approval policy decides on commands, and the
//! process runner's sandbox (when the front configures one) limits what they can write.

mod args;
mod command;
mod edit;
mod error;
mod files;
mod name;
mod specs;
mod symbols;
mod walk;
mod web;

pub use walk::repository_files;
pub use web::WebTools;
mod workspace;

#[cfg(test)]
#[cfg(unix)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use agent_models::{ToolCall, ToolSpec};
use serde::{Deserialize, Serialize};

use crate::mcp::{MCP_TOOL, McpTools};
use crate::process::{HeadTail, ProcessSettings};
use crate::untrusted::CommandAllowlist;
use args::Args;
pub use error::ToolError;
pub use name::ToolName;
pub use symbols::SymbolIndex;
pub use workspace::Workspace;

/// Limits of the tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolSettings {
    /// How long `run` lets a command run before killing it.
    pub command_timeout: Duration,
    /// The most bytes of command output returned; the middle of longer output is elided.
    pub output_limit: usize,
    /// The most lines one `read` returns.
    pub read_line_limit: usize,
}

impl Default for ToolSettings {
    fn default() -> Self {
        Self {
            command_timeout: Duration::from_secs(120),
            output_limit: 16 * 1024,
            read_line_limit: 400,
        }
    }
}

/// What a call would do, for the approval policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolEffect {
    /// Reads only (also unknown and malformed calls, which fail without effect).
    Read,
    /// Changes the file at `path`; `preview` is the unified diff of the change, or empty when it
    /// cannot be computed (the edit would fail, or the path is refused).
    Write { path: String, preview: String },
    /// Runs a shell command.
    Command { command: String },
    /// Calls a tool of an MCP server.
    Mcp(crate::mcp::McpCall),
    /// Reaches the web address `url` (`fetch`, `browser`).
    Network { url: String },
}

/// How a file edit was expressed, to measure which form a model gets right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EditForm {
    /// `edit`: replace one exact occurrence of a text.
    SearchReplace,
    /// `write`: the whole new file.
    WholeFile,
}

impl EditForm {
    /// The serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SearchReplace => "search_replace",
            Self::WholeFile => "whole_file",
        }
    }
}

/// The result of a call, returned to the model as the tool message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolOutput {
    pub text: String,
    pub is_error: bool,
    /// Workspace-relative paths the call changed.
    pub changed_paths: Vec<String>,
    /// For `edit` and `write`: the form and whether the change was applied.
    pub edit: Option<(EditForm, bool)>,
    /// For a change that was made: its unified diff, for people (the model reads `text`).
    pub diff: Option<String>,
}

impl ToolOutput {
    /// A successful output.
    pub(crate) fn success(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    /// A failed output with a one-line message.
    pub(crate) fn failure(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            is_error: true,
            ..Self::default()
        }
    }
}

/// The tools of one workspace.
#[derive(Debug, Clone)]
pub struct Toolbox {
    workspace: Arc<Workspace>,
    settings: ToolSettings,
    /// The commit the `diff` tool compares against; without one, `diff` shows uncommitted work.
    base_commit: Option<String>,
    /// How `run` starts commands: their environment and sandbox.
    process: Arc<ProcessSettings>,
    /// For a task started from untrusted text: the only commands `run` may start.
    allowlist: Option<Arc<CommandAllowlist>>,
    /// The connected MCP servers, reached through the `mcp` tool.
    mcp: Option<Arc<McpTools>>,
    /// The web tools, when `fetch.tool` is on.
    web: Option<Arc<WebTools>>,
    /// The repo map's index, which `symbols` looks names up in; without it there is no
    /// `symbols` tool.
    symbols: Option<Arc<SymbolIndex>>,
}

/// A tool that does blocking file work, run on tokio's blocking pool.
type BlockingTool = fn(&Workspace, &ToolSettings, &Args) -> Result<ToolOutput, ToolError>;

impl Toolbox {
    pub fn new(workspace: Workspace, settings: ToolSettings) -> Self {
        Self {
            workspace: Arc::new(workspace),
            settings,
            base_commit: None,
            process: Arc::new(ProcessSettings::default()),
            allowlist: None,
            mcp: None,
            web: None,
            symbols: None,
        }
    }

    /// Offers the tools of these MCP servers through the `mcp` tool (none when `mcp` is empty).
    pub fn with_mcp(mut self, mcp: McpTools) -> Self {
        self.mcp = (!mcp.is_empty()).then(|| Arc::new(mcp));
        self
    }

    /// Says that a model request was answered: the MCP servers held back so as not to slow the
    /// first request start now (see [`McpTools::release`]).
    pub fn model_answered(&self) {
        if let Some(mcp) = &self.mcp {
            mcp.release();
        }
    }

    /// Gives the model the web tools: `fetch`, and `browser` when Chromium is there.
    pub fn with_web(mut self, web: WebTools) -> Self {
        self.web = Some(Arc::new(web));
        self
    }

    /// Offers the `symbols` tool, looking names up in `index`.
    pub fn with_symbols(mut self, index: SymbolIndex) -> Self {
        self.symbols = Some(Arc::new(index));
        self
    }

    /// Lets `run` start only the commands `allowlist` allows (a task started from untrusted
    /// text); any other is refused with a message the model reads.
    pub fn with_command_allowlist(mut self, allowlist: CommandAllowlist) -> Self {
        self.allowlist = Some(Arc::new(allowlist));
        self
    }

    /// The commands `run` may start, when they are limited.
    pub fn command_allowlist(&self) -> Option<&CommandAllowlist> {
        self.allowlist.as_deref()
    }

    /// Gives commands that `run` starts these extra environment variables.
    pub fn with_command_env(mut self, env: Vec<(String, String)>) -> Self {
        Arc::make_mut(&mut self.process).extra_env = env;
        self
    }

    /// Starts `run`'s commands with this environment and sandbox. Without it they inherit the
    /// agent's environment and run unconfined (for tests and embedders).
    pub fn with_process(mut self, settings: ProcessSettings) -> Self {
        self.process = Arc::new(settings);
        self
    }

    /// Makes `diff` compare against `commit` (a task's base), so it shows all of the task's work.
    pub fn with_base_commit(mut self, commit: impl Into<String>) -> Self {
        self.base_commit = Some(commit.into());
        self
    }

    /// The workspace the tools are confined to.
    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    /// The schemas sent to the model: the built-in tools, and `mcp` when servers are connected.
    pub fn specs(&self) -> Vec<ToolSpec> {
        let mut specs: Vec<_> = specs::all()
            .into_iter()
            .filter(|spec| match ToolName::from_name(&spec.name) {
                Some(ToolName::Fetch) => self.web.is_some(),
                Some(ToolName::Browser) => self.web.as_ref().is_some_and(|web| web.has_browser()),
                Some(ToolName::Symbols) => self.symbols.is_some(),
                _ => true,
            })
            .collect();
        if let Some(mcp) = &self.mcp {
            specs.push(mcp.spec());
        }
        specs
    }

    /// What `call` would do, without doing it. Unknown and malformed calls are [`ToolEffect::Read`]:
    /// [`Toolbox::call`] reports their error without touching anything.
    pub fn effect(&self, call: &ToolCall) -> ToolEffect {
        if call.name == MCP_TOOL {
            return match self
                .mcp
                .as_ref()
                .and_then(|mcp| mcp.effect(&call.arguments))
            {
                Some(mcp_call) => ToolEffect::Mcp(mcp_call),
                None => ToolEffect::Read,
            };
        }
        let Ok(args) = Args::parse(&call.arguments) else {
            return ToolEffect::Read;
        };
        match ToolName::from_name(&call.name) {
            Some(ToolName::Edit) => {
                edit::effect(&self.workspace, &args).unwrap_or(ToolEffect::Read)
            }
            Some(ToolName::Write) => {
                files::write_effect(&self.workspace, &args).unwrap_or(ToolEffect::Read)
            }
            Some(ToolName::Run) => match args.string("command") {
                Ok(command) => ToolEffect::Command {
                    command: command.to_owned(),
                },
                Err(_) => ToolEffect::Read,
            },
            Some(ToolName::Fetch | ToolName::Browser) if self.web.is_some() => {
                match args.string("url") {
                    Ok(url) => ToolEffect::Network {
                        url: url.trim().to_owned(),
                    },
                    Err(_) => ToolEffect::Read,
                }
            }
            _ => ToolEffect::Read,
        }
    }

    /// Runs a call. Never fails: every error is an output with `is_error` set and a one-line
    /// message the model can act on.
    pub async fn call(&self, call: &ToolCall) -> ToolOutput {
        if call.name == MCP_TOOL
            && let Some(mcp) = &self.mcp
        {
            let (text, is_error) = mcp.call(&call.arguments, self.settings.output_limit).await;
            return ToolOutput {
                text,
                is_error,
                ..ToolOutput::default()
            };
        }
        let args = match Args::parse(&call.arguments) {
            Ok(args) => args,
            Err(error) => return with_edit_form(&call.name, ToolOutput::failure(error.message())),
        };
        let output = match ToolName::from_name(&call.name) {
            Some(ToolName::Read) => self.blocking(files::read, args).await,
            Some(ToolName::List) => self.blocking(walk::list, args).await,
            Some(ToolName::Search) => self.blocking(walk::search, args).await,
            Some(ToolName::Edit) => self.blocking(edit::edit, args).await,
            Some(ToolName::Write) => self.blocking(files::write, args).await,
            Some(ToolName::Run) => {
                command::run(
                    &self.workspace,
                    &self.settings,
                    &self.process,
                    self.allowlist.as_deref(),
                    &args,
                )
                .await
            }
            Some(ToolName::Diff) => self.diff().await,
            Some(tool @ (ToolName::Fetch | ToolName::Browser)) => match &self.web {
                Some(web) if tool == ToolName::Fetch => web.fetch(&self.settings, &args).await,
                Some(web) => web.browse(&self.settings, &args).await,
                None => Err(ToolError::failed(format!(
                    "the {} tool is off (the user can turn it on with fetch.tool = true)",
                    tool.as_str()
                ))),
            },
            Some(ToolName::Symbols) => self.symbols(args).await,
            None => Err(ToolError::failed(format!(
                "unknown tool `{}`; the tools are {}",
                call.name,
                self.specs()
                    .iter()
                    .map(|spec| spec.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        };
        let output = output.unwrap_or_else(|error| ToolOutput::failure(error.message()));
        with_edit_form(&call.name, output)
    }

    /// The workspace's changes against the base commit (or HEAD), capped like command output.
    async fn diff(&self) -> Result<ToolOutput, ToolError> {
        let root = self.workspace.root().to_path_buf();
        let base = self
            .base_commit
            .clone()
            .unwrap_or_else(|| "HEAD".to_owned());
        let limit = self.settings.output_limit;
        tokio::task::spawn_blocking(move || {
            let (patch, stat) = crate::git::diff_since(&root, &base)
                .map_err(|error| ToolError::failed(format!("cannot diff: {error}")))?;
            if patch.is_empty() {
                return Ok(ToolOutput::success("no changes yet".to_owned()));
            }
            let mut kept = HeadTail::split(limit);
            kept.push(patch.as_bytes());
            let text = format!("{}\n{stat}", kept.render(command::elided));
            Ok(ToolOutput::success(text))
        })
        .await
        .map_err(|error| ToolError::failed(format!("the tool stopped unexpectedly: {error}")))?
    }

    /// `symbols`, when the toolbox has an index; otherwise the tool is unknown.
    async fn symbols(&self, args: Args) -> Result<ToolOutput, ToolError> {
        let Some(index) = self.symbols.clone() else {
            return Err(ToolError::failed(
                "`symbols` is not available here; use search".to_owned(),
            ));
        };
        let workspace = Arc::clone(&self.workspace);
        tokio::task::spawn_blocking(move || symbols::symbols(&workspace, &index, &args))
            .await
            .map_err(|error| ToolError::failed(format!("the tool stopped unexpectedly: {error}")))?
    }

    /// Runs a file tool on the blocking pool so a large search does not stall the runtime.
    async fn blocking(&self, tool: BlockingTool, args: Args) -> Result<ToolOutput, ToolError> {
        let workspace = Arc::clone(&self.workspace);
        let settings = self.settings;
        tokio::task::spawn_blocking(move || tool(&workspace, &settings, &args))
            .await
            .map_err(|error| ToolError::failed(format!("the tool stopped unexpectedly: {error}")))?
    }
}

/// Records the edit form of `edit` and `write` calls, whether they succeeded or not.
fn with_edit_form(name: &str, mut output: ToolOutput) -> ToolOutput {
    let Some(form) = ToolName::from_name(name).and_then(ToolName::edit_form) else {
        return output;
    };
    output.edit = Some((form, !output.is_error));
    output
}
