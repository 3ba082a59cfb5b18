//! One chat conversation: its messages (restored from the store when resumed), the model, the
//! tools confined to the repository, and a turn loop per user message.

use std::path::PathBuf;

use agent_models::{ChatMessage, Role, ToolCall};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::config::Approval;
use crate::error::Result;
use crate::process::{CommandPolicy, ScratchDir};
use crate::protocol::{AgentRole, Event, TurnEndOutcome};
use crate::repomap::{self, MapSettings};
use crate::store::{ModelCall, NewMessage, Store, StoreOptions};
use crate::task::approval::{Approvals, Asker};
use crate::task::context::ModelTarget;
use crate::task::driver::{self, ToolKit, TurnHost};
use crate::task::prompts::{self, PromptSources};
use crate::tools::{SymbolIndex, ToolSettings, Toolbox, Workspace};
use crate::turn::{Input, Limits, TurnLedger, TurnLoop, TurnOutcome};
use crate::verify;

/// What `/compact` asks the model.
const COMPACT_REQUEST: &str = "Summarize our conversation so far so that we can continue from the summary alone: the goal, what was decided, what was done (files changed), and what is left. Be brief; use bullet points.";

/// How a chat session is set up.
pub struct ChatOptions {
    /// The repository the tools work in.
    pub repo_root: PathBuf,
    pub model: ModelTarget,
    pub approval: Approval,
    pub asker: Box<dyn Asker>,
    pub tool_settings: ToolSettings,
    pub user_prompts_dir: Option<PathBuf>,
    /// Per user message.
    pub limits: Limits,
    /// Resume this conversation instead of starting one.
    pub resume: Option<String>,
    /// No tools and no built-in system prompt: the model gets `system` (if any) and the
    /// messages (`agent ask`).
    pub bare: bool,
    /// The system prompt of a bare session.
    pub system: Option<String>,
    /// How `run` starts commands (environment without credentials, sandbox). The repository
    /// is the chat's workspace, so commands may write all of it, its `.git` included.
    pub commands: CommandPolicy,
    /// MCP servers whose tools the chat offers (not a bare session's); started before the
    /// first turn, in the repository, and stopped with the session.
    pub mcp_servers: Vec<crate::config::McpServerConfig>,
    /// The web tools (`fetch.tool`), when on.
    pub web: Option<crate::tools::WebTools>,
    /// The repo map in the system prompt and the `symbols` tool (in a git repository only).
    pub map: MapSettings,
    /// The budgets and fallback of the session's model requests.
    pub gate: crate::task::ModelGate,
}

/// How one user message's turn ended.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatTurn {
    pub outcome: TurnOutcome,
    /// Tokens of the session so far (prompt, completion).
    pub total_tokens: (u64, u64),
}

/// A conversation in progress.
pub struct ChatSession {
    store: Store,
    conversation_id: Option<String>,
    repo: String,
    model: ModelTarget,
    tools: ToolKit,
    /// The system prompt; empty sends none.
    system: String,
    /// The repo map section, put before the first user message of each request (never
    /// stored): the system prompt stays the same from chat to chat, so a local model's
    /// prefill of it is kept between processes.
    map: String,
    /// The role turns are recorded under (`chat`, or `ask` for a bare session).
    role: AgentRole,
    /// The conversation without the system prompt.
    history: Vec<ChatMessage>,
    limits: Limits,
    ledger: TurnLedger,
    sink: Box<dyn FnMut(&Event) + Send>,
    cancel: watch::Receiver<bool>,
    deadline: Instant,
    /// Text of the reply streaming now, kept if the turn is cancelled mid-reply.
    partial: String,
    gate: crate::task::ModelGate,
    /// The commands' temporary directory, removed with the session.
    _scratch: Option<ScratchDir>,
    /// MCP servers not started yet, and how to start them.
    pending_mcp: Option<(Vec<crate::config::McpServerConfig>, crate::mcp::Launch)>,
}

impl ChatSession {
    /// Opens a session; a resumed conversation's messages are loaded from the store.
    pub fn start(
        mut store: Store,
        options: ChatOptions,
        sink: Box<dyn FnMut(&Event) + Send>,
    ) -> Result<Self> {
        let workspace = Workspace::new(&options.repo_root).map_err(|error| {
            crate::Error::InvalidArgument(format!(
                "cannot work in {}: {error}",
                options.repo_root.display()
            ))
        })?;
        let scratch = options
            .commands
            .scratch_dir(&format!("chat-{}", crate::ids::new_id()));
        let process = options.commands.settings(
            Vec::new(),
            scratch.as_ref().map(|dir| dir.path().to_path_buf()),
            Vec::new(),
            options.commands.network_run,
        );
        let root = workspace.root().to_path_buf();
        let mut toolbox = Toolbox::new(workspace, options.tool_settings).with_process(process);
        if let Some(web) = options.web {
            toolbox = toolbox.with_web(web);
        }
        // The map of a git repository only: a chat started in a home directory indexes nothing.
        let mapped =
            !options.bare && options.map.enabled && crate::git::repository_root(&root).is_ok();
        let mut map_section = String::new();
        if mapped {
            map_section = repomap::for_prompt(
                &mut store,
                &root,
                &options.map,
                options
                    .model
                    .context_length
                    .unwrap_or(repomap::ASSUMED_CONTEXT),
                "",
            );
            toolbox = toolbox.with_symbols(SymbolIndex {
                database: store.path().to_path_buf(),
                options: StoreOptions::default(),
                redactor: store.redactor().cloned(),
            });
        }
        let mut tools = ToolKit::new(toolbox, Approvals::new(options.approval, options.asker));
        let pending_mcp =
            (!options.bare && options.mcp_servers.iter().any(|server| server.enabled)).then(|| {
                let launch = crate::mcp::Launch {
                    base_env: options.commands.base_env.clone(),
                    env_filter: options.commands.env_filter.clone(),
                    workspace: options.repo_root.clone(),
                };
                (options.mcp_servers, launch)
            });
        let (system, role) = if options.bare {
            tools.specs.clear();
            (options.system.unwrap_or_default(), AgentRole::Ask)
        } else {
            let (system, map_in_place) =
                chat_prompt(&options.repo_root, options.user_prompts_dir, &map_section);
            if map_in_place {
                map_section.clear();
            }
            (system, AgentRole::Chat)
        };
        let (conversation_id, history) = match &options.resume {
            Some(id) => {
                let (id, history) = load_history(&store, id)?;
                (Some(id), history)
            }
            None => (None, Vec::new()),
        };
        let (_never, cancel) = watch::channel(false);
        Ok(Self {
            store,
            conversation_id,
            repo: options.repo_root.display().to_string(),
            model: options.model,
            tools,
            system,
            map: map_section,
            role,
            history,
            limits: options.limits,
            ledger: TurnLedger::default(),
            sink,
            cancel,
            deadline: Instant::now(),
            partial: String::new(),
            gate: options.gate,
            _scratch: scratch,
            pending_mcp,
        })
    }

    /// The conversation's id, once its first message is stored.
    pub fn conversation_id(&self) -> Option<&str> {
        self.conversation_id.as_deref()
    }

    /// The messages so far (without the system prompt).
    pub fn history(&self) -> &[ChatMessage] {
        &self.history
    }

    /// The model in use.
    pub fn model(&self) -> &ModelTarget {
        &self.model
    }

    /// Switches the model for the next turns.
    pub fn set_model(&mut self, model: ModelTarget) {
        self.model = model;
    }

    /// Switches the approval policy for the next tool calls (what was allowed "always" stays).
    pub fn set_approval(&mut self, policy: Approval) {
        self.tools.approvals.set_policy(policy);
    }

    /// Tokens of the session so far (prompt, completion).
    pub fn total_tokens(&self) -> (u64, u64) {
        (
            self.ledger.used.prompt_tokens,
            self.ledger.used.completion_tokens,
        )
    }

    /// Switches to a stored conversation (by id or unique prefix) and returns its messages.
    pub fn resume(&mut self, id: &str) -> Result<&[ChatMessage]> {
        let (id, history) = load_history(&self.store, id)?;
        self.conversation_id = Some(id);
        self.history = history;
        Ok(&self.history)
    }

    /// Replaces the conversation with a summary of it, to free the context: the model writes
    /// the summary (streamed and recorded like every model call), and a new stored conversation
    /// starts with it. Returns the summary; an empty conversation is left as it is, and so is
    /// one whose summary failed or was interrupted.
    pub async fn compact(&mut self, cancel: watch::Receiver<bool>) -> Result<String> {
        if self.history.is_empty() {
            return Ok(String::new());
        }
        let mut messages = self.with_system(self.history.clone());
        messages.push(ChatMessage::user(COMPACT_REQUEST));
        self.cancel = cancel;
        self.deadline = Instant::now() + std::time::Duration::from_secs(self.limits.max_seconds);
        let target = self.model.clone();
        let inputs = driver::request_model(
            self,
            AgentRole::Compact,
            &target,
            &[],
            messages,
            1,
            driver::OutputCap::default(),
        )
        .await?;
        let mut summary = String::new();
        let mut finished = false;
        for input in inputs {
            match input {
                Input::ModelText(text) => summary.push_str(&text),
                Input::ModelDone => finished = true,
                _ => {}
            }
        }
        if !finished || summary.trim().is_empty() {
            return Ok(String::new());
        }
        let title = match &self.conversation_id {
            Some(old) => format!("Compacted: {}", self.store.conversation(old)?.title),
            None => "Compacted conversation".to_string(),
        };
        let created = self.store.create_conversation(&title, Some(&self.repo))?;
        for message in [
            ChatMessage::user(COMPACT_REQUEST),
            ChatMessage::assistant(summary.clone()),
        ] {
            self.store.append_message(
                &created.id,
                NewMessage {
                    role: Some(message.role),
                    content: message.content.clone(),
                    ..NewMessage::default()
                },
            )?;
        }
        self.conversation_id = Some(created.id);
        self.history = vec![
            ChatMessage::user(COMPACT_REQUEST),
            ChatMessage::assistant(summary.clone()),
        ];
        Ok(summary)
    }

    /// Starts the configured MCP servers (once, before the first turn; in the background when
    /// their tools are known from last time): their tools join the chat's; a server that does
    /// not start is an error event and is left out.
    async fn start_mcp(&mut self) -> Result<()> {
        let Some((servers, launch)) = self.pending_mcp.take() else {
            return Ok(());
        };
        let cache = self.store.path().parent().map(crate::mcp::ToolCache::new);
        let (mcp, started) = crate::mcp::McpTools::connect(&servers, &launch, cache.as_ref()).await;
        for server in started {
            if let Err(error) = server.result {
                self.emit(Event::Error {
                    message: format!("{error}; its tools are left out of this chat"),
                    hint: error.hint(),
                    class: Some(error.class()),
                })?;
            }
        }
        self.tools.toolbox = self.tools.toolbox.clone().with_mcp(mcp);
        self.tools.specs = self.tools.toolbox.specs();
        Ok(())
    }

    /// `messages` after the system prompt, if there is one.
    /// The request's messages: the system prompt, then `messages` with the map before the
    /// first user message.
    fn with_system(&self, messages: Vec<ChatMessage>) -> Vec<ChatMessage> {
        let mut all = Vec::with_capacity(messages.len() + 1);
        if !self.system.is_empty() {
            all.push(ChatMessage::system(self.system.clone()));
        }
        let first_user = messages.iter().position(|m| m.role == Role::User);
        all.extend(
            messages
                .into_iter()
                .enumerate()
                .map(|(index, mut message)| {
                    if Some(index) == first_user && !self.map.is_empty() {
                        message.content = prompts::with_map(&self.map, message.content);
                    }
                    message
                }),
        );
        all
    }

    /// Starts a new conversation (the old one stays in the store).
    pub fn new_conversation(&mut self) {
        self.conversation_id = None;
        self.history.clear();
    }

    /// Runs one user message to the end of its turn loop. The user message is stored before the
    /// model is asked, each reply and tool result as soon as the loop has it, and the text of a
    /// reply cut off by a cancel when the turn ends.
    #[tracing::instrument(name = "chat_turn", skip_all)]
    pub async fn send(&mut self, prompt: &str, cancel: watch::Receiver<bool>) -> Result<ChatTurn> {
        self.start_mcp().await?;
        let created_now = self.conversation_id.is_none();
        let conversation = match &self.conversation_id {
            Some(id) => id.clone(),
            None => {
                let title: String = prompt
                    .lines()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(72)
                    .collect();
                let created = self.store.create_conversation(&title, Some(&self.repo))?;
                if self.role == AgentRole::Ask && !self.system.is_empty() {
                    // A bare session's system prompt is the user's own: keep it with the exchange.
                    self.store.append_message(
                        &created.id,
                        NewMessage {
                            role: Some(Role::System),
                            content: self.system.clone(),
                            ..NewMessage::default()
                        },
                    )?;
                }
                self.conversation_id = Some(created.id.clone());
                created.id
            }
        };
        self.store.append_message(
            &conversation,
            NewMessage {
                role: Some(Role::User),
                content: prompt.to_string(),
                ..NewMessage::default()
            },
        )?;
        self.emit(Event::TurnBegin {
            prompt: prompt.to_string(),
        })?;
        self.cancel = cancel;
        self.deadline = Instant::now() + std::time::Duration::from_secs(self.limits.max_seconds);
        // The user message is part of the conversation now; the loop's replies and tool results
        // are stored as they arrive (`messages_added`).
        self.history.push(ChatMessage::user(prompt));
        let messages = self.with_system(self.history.clone());
        let turn = TurnLoop::new(messages, self.limits);
        let history_before = self.history.len();
        let (outcome, _) = driver::run_loop(self, self.role, turn).await?;
        // A new conversation whose first call never got an answer (no model to load, no server)
        // is not kept: nothing happened that history should show.
        let nothing_came_back =
            self.history.len() == history_before && self.partial.trim().is_empty();
        if created_now && nothing_came_back && matches!(outcome, TurnOutcome::ModelFailed(_)) {
            self.store.delete_conversation(&conversation)?;
            self.conversation_id = None;
            self.history.clear();
        }
        // A reply cut off (cancelled, or the model failing) is not in the loop's messages; keep
        // what was shown.
        let completed = matches!(outcome, TurnOutcome::Completed { .. });
        if !completed && !self.partial.trim().is_empty() {
            let text = std::mem::take(&mut self.partial);
            self.store.append_message(
                &conversation,
                NewMessage {
                    role: Some(Role::Assistant),
                    content: text.clone(),
                    model: Some(self.model.model.clone()),
                    ..NewMessage::default()
                },
            )?;
            self.history.push(ChatMessage::assistant(text));
        }
        // A limit (a budget's, before the request was sent) is said before the turn ends.
        if let TurnOutcome::Limit(hit) = &outcome {
            self.emit(Event::LimitReached {
                limit: hit.kind,
                value: hit.value,
                detail: hit.detail.clone(),
                used: hit.used,
            })?;
        }
        self.emit(Event::TurnEnd {
            outcome: turn_outcome(&outcome),
            total_prompt_tokens: self.ledger.used.prompt_tokens,
            total_completion_tokens: self.ledger.used.completion_tokens,
        })?;
        Ok(ChatTurn {
            outcome,
            total_tokens: (
                self.ledger.used.prompt_tokens,
                self.ledger.used.completion_tokens,
            ),
        })
    }

    /// Gives the store back.
    pub fn into_store(self) -> Store {
        self.store
    }
}

impl TurnHost for ChatSession {
    fn emit(&mut self, event: Event) -> Result<()> {
        match &event {
            Event::ModelBegin { .. } => self.partial.clear(),
            Event::ModelDelta { text, .. } => self.partial.push_str(text),
            _ => {}
        }
        (self.sink)(&event);
        Ok(())
    }

    fn model_for(&self, _role: AgentRole) -> ModelTarget {
        self.model.clone()
    }

    fn tools(&mut self) -> &mut ToolKit {
        &mut self.tools
    }

    fn remaining_limits(&self) -> Limits {
        self.limits
    }

    fn ledger(&mut self) -> &mut TurnLedger {
        &mut self.ledger
    }

    fn store(&self) -> &Store {
        &self.store
    }

    fn record_model_call(&mut self, mut call: ModelCall) -> Result<()> {
        call.conversation_id = self.conversation_id.clone();
        self.store.record_model_call(&call).map(|_| ())
    }

    fn gate(&mut self) -> &mut crate::task::ModelGate {
        &mut self.gate
    }

    fn messages_added(&mut self, messages: &[ChatMessage]) -> Result<()> {
        let Some(conversation) = self.conversation_id.clone() else {
            return Ok(());
        };
        for message in messages {
            let tool_calls = (!message.tool_calls.is_empty())
                .then(|| serde_json::to_string(&message.tool_calls))
                .transpose()?;
            self.store.append_message(
                &conversation,
                NewMessage {
                    role: Some(message.role),
                    content: message.content.clone(),
                    model: (message.role == Role::Assistant).then(|| self.model.model.clone()),
                    tool_call_id: message.tool_call_id.clone(),
                    tool_calls,
                    ..NewMessage::default()
                },
            )?;
            if message.role == Role::Assistant {
                // What was streamed is stored now; nothing is left to keep on a cancel.
                self.partial.clear();
            }
            self.history.push(message.clone());
        }
        Ok(())
    }

    fn cancelled(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        crate::task::context::cancel_signal(self.cancel.clone())
    }

    fn time_up(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        tokio::time::sleep_until(self.deadline)
    }
}

/// How a turn ended, as [`Event::TurnEnd`] says it.
pub fn turn_outcome(outcome: &TurnOutcome) -> TurnEndOutcome {
    match outcome {
        TurnOutcome::Completed { .. } => TurnEndOutcome::Completed,
        TurnOutcome::Limit(_) => TurnEndOutcome::Limit,
        TurnOutcome::ModelFailed(_) => TurnEndOutcome::Failed,
        TurnOutcome::Cancelled => TurnEndOutcome::Cancelled,
    }
}

/// A stored conversation's full id and its messages as chat messages (system prompts left out:
/// the session has its own).
fn load_history(store: &Store, id: &str) -> Result<(String, Vec<ChatMessage>)> {
    let id = store.resolve_conversation_id(id)?;
    let history = store
        .messages(&id)?
        .into_iter()
        .filter(|m| m.role != Role::System)
        .map(|m| {
            let tool_calls: Vec<ToolCall> = m
                .tool_calls
                .as_deref()
                .and_then(|json| serde_json::from_str(json).ok())
                .unwrap_or_default();
            ChatMessage {
                role: m.role,
                content: m.content,
                tool_calls,
                tool_call_id: m.tool_call_id,
                tool_name: None,
            }
        })
        .collect();
    Ok((id, history))
}

/// The chat system prompt with the repository's check and instructions, and whether the template
/// places the map itself (`{{map}}`: a prompt override's choice).
fn chat_prompt(
    repo_root: &std::path::Path,
    user_prompts_dir: Option<PathBuf>,
    map: &str,
) -> (String, bool) {
    let sources = PromptSources {
        repo_dir: Some(prompts::repo_prompts_dir(repo_root)),
        user_dir: user_prompts_dir,
    };
    let template = sources.load("chat").map(|p| p.text).unwrap_or_default();
    let verify_sentence = verify::detect(repo_root)
        .map(|v| format!("The project's check is `{}`.", v.command))
        .unwrap_or_default();
    let instructions = prompts::instructions_block(repo_root, repo_root);
    let system = prompts::render(
        &template,
        &[
            ("verify", &verify_sentence),
            ("instructions", &instructions),
            ("map", map),
        ],
    );
    (
        system.trim_end().to_string(),
        template.contains(prompts::MAP_PLACEHOLDER),
    )
}
