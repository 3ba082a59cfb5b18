//! Carrying out what the chat screen asks for: prompts to the session, interrupts, approvals,
//! tasks run in the background, and data for the tasks, history and dashboard views.

use std::collections::HashMap;
use std::path::PathBuf;

use agent_core::git;
use agent_core::protocol::TaskSpec;
use agent_core::store::{ListQuery, SearchQuery, Store, StoreOptions, TaskQuery};
use agent_core::task::{self, Answer, ModelTarget, RunRequest};
use agent_core::tools::ToolSettings;
use agent_core::turn::Limits;
use agent_tui::app::{AppEvent, ChatUpdate, Command, DashboardData, HistoryItem, Loaded};
use anyhow::Result;
use tokio::sync::{mpsc, oneshot, watch};

use super::bridge::{ScreenAsker, SessionHandle, SessionRequest, UiMessage, replay};
use crate::app::App as Agent;
use crate::backend::select;
use crate::cli::BackendArgs;

pub struct Executor<'a> {
    agent: &'a Agent,
    resolved: agent_core::config::ResolvedConfig,
    /// The backend flags the chat started with; `/model NAME` changes only the model.
    flags: BackendArgs,
    store: Store,
    database: PathBuf,
    worktrees_dir: PathBuf,
    prompts_dir: PathBuf,
    repo_root: PathBuf,
    config: agent_core::config::Config,
    model: ModelTarget,
    session: SessionHandle,
    ui: mpsc::UnboundedSender<UiMessage>,
    turn_cancel: Option<watch::Sender<bool>>,
    approvals: HashMap<String, oneshot::Sender<Answer>>,
    strategy: String,
    /// Environment for tasks' commands (a shared build directory for Rust projects).
    command_env: Vec<(String, String)>,
}

impl<'a> Executor<'a> {
    pub fn new(
        agent: &'a Agent,
        resolved: agent_core::config::ResolvedConfig,
        flags: BackendArgs,
        model: ModelTarget,
        repo_root: PathBuf,
        session: SessionHandle,
        ui: mpsc::UnboundedSender<UiMessage>,
    ) -> Result<Self> {
        let database = agent.paths.database_file();
        let store = Store::open(&database, &StoreOptions::default())?;
        let strategy = resolved.config.task.strategy.clone();
        let config = resolved.config.clone();
        let command_env =
            task::build_cache::command_env(&repo_root, &agent.paths.cache_dir, &agent.env);
        Ok(Self {
            agent,
            command_env,
            resolved,
            flags,
            store,
            database,
            worktrees_dir: agent.paths.data_dir.join("worktrees"),
            prompts_dir: agent.paths.config_dir.join("prompts"),
            repo_root,
            config,
            model,
            session,
            ui,
            turn_cancel: None,
            approvals: HashMap::new(),
            strategy,
        })
    }

    /// Draws a resumed conversation.
    pub fn restore_transcript(&mut self) {
        for event in replay(&self.session.restored) {
            let _ = self.ui.send(UiMessage::App(event));
        }
    }

    /// The app event for a worker's message (approval answers are kept until the user decides).
    pub fn receive(&mut self, message: UiMessage) -> Option<AppEvent> {
        Some(match message {
            UiMessage::Chat(update) => {
                if matches!(update, ChatUpdate::TurnDone) {
                    self.turn_cancel = None;
                }
                AppEvent::Chat(update)
            }
            UiMessage::Task(envelope) => AppEvent::Task(envelope),
            UiMessage::Loaded(loaded) => AppEvent::Loaded(loaded),
            UiMessage::App(event) => event,
            UiMessage::Approval(question, answer) => {
                self.approvals.insert(question.call_id.clone(), answer);
                AppEvent::Chat(ChatUpdate::ApprovalNeeded {
                    id: question.call_id,
                    kind: question.kind,
                    subject: question.subject,
                    preview: question.preview,
                })
            }
        })
    }

    pub fn execute(&mut self, command: Command) {
        if let Err(error) = self.try_execute(command) {
            self.notice(format!("error: {error:#}"));
        }
    }

    fn try_execute(&mut self, command: Command) -> Result<()> {
        match command {
            Command::SendPrompt(prompt) => {
                let _ = self
                    .ui
                    .send(UiMessage::Chat(ChatUpdate::UserMessage(prompt.clone())));
                let (cancel, receiver) = watch::channel(false);
                self.turn_cancel = Some(cancel);
                let _ = self
                    .session
                    .requests
                    .send(SessionRequest::Send(prompt, receiver));
            }
            Command::Interrupt => {
                if let Some(cancel) = &self.turn_cancel {
                    let _ = cancel.send(true);
                }
                // A pending question is answered "no" by the interrupt.
                for (_, answer) in self.approvals.drain() {
                    let _ = answer.send(Answer::No);
                }
            }
            Command::Approve {
                id,
                approved,
                always,
            } => {
                if let Some(answer) = self.approvals.remove(&id) {
                    let _ = answer.send(match (approved, always) {
                        (true, true) => Answer::Always,
                        (true, false) => Answer::Yes,
                        (false, _) => Answer::No,
                    });
                }
            }
            Command::RunTask(description) => self.run_task(description)?,
            Command::CancelTask(id) => {
                self.store.request_task_cancel(&id)?;
                self.notice(format!("asked task {} to stop", short(&id)));
            }
            Command::ApplyTask(id) => self.apply(id)?,
            Command::Undo => {
                let root = self.repo_root.display().to_string();
                let Some(task) = self.store.last_applied_task(&root)? else {
                    self.notice("no applied task to undo here".into());
                    return Ok(());
                };
                if let Some(applied) = &task.applied_commit {
                    git::undo_commit(&self.repo_root, applied)?;
                    self.store.mark_task_undone(&task.id)?;
                    self.notice(format!("undid task {} ({})", short(&task.id), task.title));
                }
            }
            Command::ShowDiff => {
                let (patch, stat) = git::diff_since(&self.repo_root, "HEAD")?;
                let text = if patch.is_empty() {
                    "no uncommitted changes".to_string()
                } else {
                    format!("{patch}\n{stat}")
                };
                self.loaded(Loaded::Diff(text));
            }
            Command::LoadTasks => {
                let tasks = self.store.list_tasks(&TaskQuery {
                    limit: 100,
                    ..TaskQuery::default()
                })?;
                self.loaded(Loaded::Tasks(tasks));
            }
            Command::LoadHistory { query } => self.load_history(query)?,
            Command::LoadDashboard => {
                let stats = self.store.dashboard_stats(agent_core::time::now_ms())?;
                self.loaded(Loaded::Dashboard(DashboardData {
                    by_status: stats.by_status,
                    success_by_strategy: stats.success_by_strategy,
                    success_by_model: stats.success_by_model,
                    tokens_today: stats.tokens_today,
                    tokens_week: stats.tokens_week,
                    recent: stats
                        .recent
                        .into_iter()
                        .map(|(id, status, title, at)| {
                            format!(
                                "{}  {}  {status:<9}  {title}",
                                agent_core::time::format_short(at),
                                short(&id)
                            )
                        })
                        .collect(),
                }));
            }
            Command::OpenConversation(id) => {
                let id = self.store.resolve_conversation_id(&id)?;
                let messages = self.store.messages(&id)?;
                self.loaded(Loaded::Transcript(
                    messages.into_iter().map(|m| (m.role, m.content)).collect(),
                ));
            }
            Command::ResumeConversation(id) => {
                let _ = self.session.requests.send(SessionRequest::Resume(id));
            }
            Command::NewConversation | Command::Clear => {
                let _ = self.session.requests.send(SessionRequest::NewConversation);
            }
            Command::SetModel(name) => {
                let flags = BackendArgs {
                    model: Some(name.clone()),
                    ..self.flags.clone()
                };
                let model = select(self.agent, &self.resolved, &flags)?.into_target();
                self.model = model.clone();
                let _ = self.session.requests.send(SessionRequest::SetModel(model));
                self.notice(format!("model: {name}"));
            }
            Command::SetStrategy(name) => {
                if task::strategy::NAMES.contains(&name.as_str()) {
                    self.strategy = name.clone();
                    self.notice(format!("tasks from /task now run with strategy {name}"));
                } else {
                    self.notice(format!(
                        "unknown strategy `{name}`; use one of: {}",
                        task::strategy::NAMES.join(", ")
                    ));
                }
            }
            Command::Compact => {
                let (cancel, receiver) = watch::channel(false);
                self.turn_cancel = Some(cancel);
                let _ = self
                    .session
                    .requests
                    .send(SessionRequest::Compact(receiver));
            }
            Command::Quit => {}
        }
        Ok(())
    }

    /// Runs a task in the background on its own thread; its events reach the tasks view.
    fn run_task(&mut self, description: String) -> Result<()> {
        let store = Store::open(&self.database, &StoreOptions::default())?;
        let request = RunRequest {
            spec: TaskSpec {
                description,
                repo: self.repo_root.clone(),
                base: "HEAD".into(),
                strategy: self.strategy.clone(),
                verify: self.config.task.verify.clone().map(|command| {
                    agent_core::verify::VerifyCommand {
                        command,
                        source: agent_core::verify::VerifySource::Config,
                    }
                }),
                approval: self.config.task.approval.as_str().to_string(),
                limits: Limits {
                    max_turns: self.config.task.max_turns,
                    ..Limits::default()
                },
                retry_of: None,
                max_iterations: self.config.task.max_iterations,
                max_review_rounds: self.config.task.max_review_rounds,
            },
            model: self.model.clone(),
            role_models: HashMap::new(),
            approval: self.config.task.approval,
            asker: Box::new(ScreenAsker::new(self.ui.clone())),
            worktrees_dir: self.worktrees_dir.clone(),
            user_prompts_dir: Some(self.prompts_dir.clone()),
            verify_timeout: agent_core::verify::DEFAULT_TIMEOUT,
            tool_settings: ToolSettings::default(),
            command_env: self.command_env.clone(),
            commands: self.agent.command_policy(&self.config),
            cancel: watch::channel(false).1,
        };
        let ui = self.ui.clone();
        std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            let events = ui.clone();
            let sink = Box::new(move |envelope: &agent_core::protocol::EventEnvelope| {
                let _ = events.send(UiMessage::Task(envelope.clone()));
            });
            if let Err(error) = runtime.block_on(task::run_task(store, request, sink)) {
                let _ = ui.send(UiMessage::Loaded(Loaded::Notice(format!(
                    "the task could not start: {error}"
                ))));
            }
        });
        self.notice("task started; F2 shows it".into());
        Ok(())
    }

    fn apply(&mut self, id: Option<String>) -> Result<()> {
        let task = match id {
            Some(id) => self.store.task(&self.store.resolve_task_id(&id)?)?,
            None => {
                let Some(task) = self
                    .store
                    .list_tasks(&TaskQuery {
                        status: Some(task::TaskStatus::Succeeded),
                        repo: Some(self.repo_root.display().to_string()),
                        limit: 1,
                    })?
                    .into_iter()
                    .find(|t| t.commit_id.is_some() && t.applied_at.is_none())
                else {
                    self.notice("no succeeded task to apply".into());
                    return Ok(());
                };
                task
            }
        };
        let Some(commit) = &task.commit_id else {
            self.notice(format!("task {} has no commit", short(&task.id)));
            return Ok(());
        };
        let applied = git::apply_commit(std::path::Path::new(&task.repo), commit)?;
        self.store
            .mark_task_applied(&task.id, &task.repo, &applied)?;
        self.notice(format!(
            "applied task {} ({}); /undo takes it back",
            short(&task.id),
            task.title
        ));
        Ok(())
    }

    fn load_history(&mut self, query: Option<String>) -> Result<()> {
        let items = match query.filter(|q| !q.trim().is_empty()) {
            Some(text) => self
                .store
                .search_messages(&SearchQuery {
                    text,
                    limit: 50,
                    repo: None,
                })?
                .into_iter()
                .map(|hit| HistoryItem {
                    id: hit.conversation_id,
                    title: hit.conversation_title,
                    when: agent_core::time::format_short(hit.created_at),
                    snippet: Some(hit.snippet),
                })
                .collect(),
            None => self
                .store
                .list_conversations(&ListQuery {
                    limit: 100,
                    cursor: None,
                    before: None,
                    since: None,
                    repo: None,
                })?
                .items
                .into_iter()
                .map(|summary| HistoryItem {
                    title: if summary.conversation.title.is_empty() {
                        summary.preview.unwrap_or_default()
                    } else {
                        summary.conversation.title
                    },
                    id: summary.conversation.id,
                    when: agent_core::time::format_short(summary.conversation.updated_at),
                    snippet: None,
                })
                .collect(),
        };
        self.loaded(Loaded::History(items));
        Ok(())
    }

    fn loaded(&self, loaded: Loaded) {
        let _ = self.ui.send(UiMessage::Loaded(loaded));
    }

    fn notice(&self, text: String) {
        self.loaded(Loaded::Notice(text));
    }
}

fn short(id: &str) -> &str {
    &id[..id.len().min(8)]
}
