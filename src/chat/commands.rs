//! Carrying out what the chat screen asks for: prompts to the session, interrupts, approvals,
//! tasks run in the background, and data for the tasks, history and dashboard views.

use std::path::PathBuf;

use agent_core::git;
use agent_core::protocol::Op;
use agent_core::session::Session;
use agent_core::settings::{self, TaskOverrides, TaskRequest};
use agent_core::store::{ListQuery, SearchQuery, Store, TaskQuery};
use agent_core::task;
use agent_tui::app::{Command, DashboardData, HistoryItem, Loaded};
use anyhow::Result;
use tokio::sync::mpsc;

use super::bridge::UiMessage;
use crate::app::App as Agent;

/// The id of the chat this screen opened in its session.
pub const CHAT_ID: &str = "tui";

pub struct Executor {
    store: Store,
    repo_root: PathBuf,
    config: agent_core::config::Config,
    session: Session,
    ui: mpsc::UnboundedSender<UiMessage>,
    /// The strategy of tasks started with `/task` (`/strategy` changes it).
    strategy: String,
    /// `--no-cache`: tasks started with `/task` skip the answer cache too.
    no_cache: bool,
}

impl Executor {
    pub fn new(
        agent: &Agent,
        resolved: &agent_core::config::ResolvedConfig,
        repo_root: PathBuf,
        session: Session,
        ui: mpsc::UnboundedSender<UiMessage>,
    ) -> Result<Self> {
        let store = agent.open_store(resolved)?;
        Ok(Self {
            store,
            repo_root,
            config: resolved.config.clone(),
            strategy: resolved.config.task.strategy.clone(),
            session,
            ui,
            no_cache: false,
        })
    }

    /// Tasks started with `/task` skip the answer cache (`agent chat --no-cache`).
    pub fn skip_cache(&mut self, no_cache: bool) {
        self.no_cache = no_cache;
    }

    fn try_execute_or_say(&mut self, command: Command) {
        if let Err(error) = self.try_execute(command) {
            self.notice(format!("error: {error:#}"));
        }
    }

    fn try_execute(&mut self, command: Command) -> Result<()> {
        match command {
            Command::SendPrompt(text) => {
                self.submit(Op::UserTurn {
                    chat_id: CHAT_ID.into(),
                    text,
                })?;
            }
            Command::Interrupt => {
                self.submit(Op::Interrupt {
                    chat_id: CHAT_ID.into(),
                })?;
            }
            Command::Approve {
                id,
                approved,
                always,
            } => {
                self.submit(Op::Approve {
                    id,
                    approved,
                    always,
                })?;
            }
            Command::RunTask(description) => self.run_task(description)?,
            Command::CancelTask(id) => {
                self.submit(Op::Cancel {
                    task_id: id.clone(),
                })?;
                self.notice(format!("asked task {} to stop", short(&id)));
            }
            Command::ApplyTask(id) => self.apply(id)?,
            Command::Undo => match task::apply::undo_last(&self.store, &self.repo_root) {
                Ok(undone) => self.notice(format!(
                    "undid task {} ({}): {}",
                    short(&undone.task.id),
                    undone.task.title,
                    crate::task::manage::undo_wording(&undone.outcome)
                )),
                Err(agent_core::Error::NothingApplied { .. }) => {
                    self.notice("no applied task to undo here".into())
                }
                Err(error) => return Err(error.into()),
            },
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
                self.submit(Op::ResumeConversation {
                    chat_id: CHAT_ID.into(),
                    conversation_id: id,
                })?;
            }
            Command::NewConversation | Command::Clear => {
                self.submit(Op::NewConversation {
                    chat_id: CHAT_ID.into(),
                })?;
            }
            Command::SetModel(name) => {
                self.submit(Op::ConfigureChat {
                    chat_id: CHAT_ID.into(),
                    model: Some(name.clone()),
                    approval: None,
                    no_cache: None,
                })?;
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
                self.submit(Op::Compact {
                    chat_id: CHAT_ID.into(),
                })?;
            }
            Command::Quit => {}
        }
        Ok(())
    }

    /// Starts a task in the background with the same settings `agent task run` resolves (role
    /// models, clamps, the configured check); its events reach the tasks view.
    fn run_task(&mut self, description: String) -> Result<()> {
        let spec = settings::resolve_task(
            TaskRequest {
                description,
                repo: self.repo_root.clone(),
                base: "HEAD".into(),
                retry_of: None,
            },
            TaskOverrides {
                strategy: Some(self.strategy.clone()),
                no_cache: self.no_cache,
                ..TaskOverrides::default()
            },
            &self.config,
        )?;
        let submitted = self.submit(Op::RunTask {
            spec,
            answers_approvals: true,
        })?;
        self.notice(format!(
            "task {} started; F2 shows it",
            short(submitted.task_id().unwrap_or_default())
        ));
        Ok(())
    }

    fn submit(&self, op: Op) -> Result<agent_core::session::Submitted> {
        Ok(self.session.submit(op)?)
    }

    fn apply(&mut self, id: Option<String>) -> Result<()> {
        let id = match id {
            Some(id) => self.store.resolve_task_id(&id)?,
            None => match task::apply::latest_unapplied(&self.store, &self.repo_root)? {
                Some(task) => task.id,
                None => {
                    self.notice("no succeeded task to apply".into());
                    return Ok(());
                }
            },
        };
        let applied = task::apply::apply_task(&self.store, &id, false)?;
        self.notice(format!(
            "applied task {} ({}); /undo takes it back",
            short(&applied.task.id),
            applied.task.title
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

impl super::Execute for Executor {
    fn execute(&mut self, command: Command) {
        self.try_execute_or_say(command);
    }
}

pub(super) fn short(id: &str) -> &str {
    &id[..id.len().min(8)]
}
