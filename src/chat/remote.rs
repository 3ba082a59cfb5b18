//! `agent chat --attach`: the chat screen as a client of `agent serve`. The screen's commands
//! become API calls (a prompt is a turn of a stored conversation, streamed back; `/task` starts
//! a task and follows its events), their answers the same `UiMessage`s the local session gives.
//! What the API cannot do yet (`/compact`) is said on screen.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use agent_core::protocol::{Event, TurnEndOutcome};
use agent_core::store::TaskRecord;
use agent_core::time::Millis;
use agent_models::{ChatMessage, Role, ToolCall};
use agent_tui::app::{Command, DashboardData, HistoryItem, Loaded, StatusInfo};
use anyhow::Result;
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::json;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::bridge::UiMessage;
use super::commands::short;
use crate::app::App as Agent;
use crate::attach::{EventStream, Server, envelopes, segment};
use crate::cli::ChatArgs;
use crate::exit::Exit;

/// What the server has no route for, said when asked.
const NOT_SERVED: &str = "is not available with --attach (agent serve has no route for it)";

pub fn run(agent: &Agent, args: ChatArgs, url: &str) -> Result<Exit> {
    crate::attach::refuse_backend_flags(&args.backend)?;
    let server = crate::attach::locate(agent, url)?;
    let resolved = agent.config()?;
    // Without a repository the chat is a bare one (no tools), as the server makes it.
    let repo = agent.repo_root();
    let shown_repo = repo.clone().unwrap_or_else(|| agent.cwd.clone());
    let runtime = crate::models::runtime()?;
    let resumed = runtime.block_on(resumed(&server, &args, repo.as_deref()))?;
    let status = StatusInfo {
        model: args
            .backend
            .model
            .clone()
            .unwrap_or_else(|| format!("served by {}", server.url())),
        strategy: resolved.config.task.strategy.clone(),
        tokens_used: 0,
        context_length: 0,
        repo: shown_repo.display().to_string(),
        // The server's budgets: its dashboard shows what is left.
        budget: None,
    };
    let screen = super::screen(agent, status, &shown_repo);
    let (ui_tx, ui_rx) = mpsc::unbounded_channel();
    let conversation = resumed.map(|(id, messages)| {
        let _ = ui_tx.send(UiMessage::Chat(Event::ConversationLoaded {
            conversation_id: Some(id.clone()),
            messages,
        }));
        id
    });
    let mut remote = Remote {
        server,
        repo,
        strategy: resolved.config.task.strategy.clone(),
        chat: Arc::new(Mutex::new(ChatState {
            conversation,
            model: args.backend.model,
            totals: (0, 0),
        })),
        turn: None,
        ui: ui_tx,
        no_cache: args.no_cache,
    };
    let mut terminal = super::terminal::enter()?;
    let result = runtime.block_on(super::event_loop(&mut terminal, screen, &mut remote, ui_rx));
    super::terminal::leave(&mut terminal);
    result.map(|()| Exit::Ok)
}

/// The conversation `--resume ID` or `--continue` names, with its messages to draw.
async fn resumed(
    server: &Server,
    args: &ChatArgs,
    repo: Option<&std::path::Path>,
) -> Result<Option<(String, Vec<ChatMessage>)>> {
    let id = match (&args.resume, args.continue_last, repo) {
        (Some(id), _, _) => id.clone(),
        (None, true, Some(repo)) => {
            let page: ConversationPage = server
                .get_query(
                    "/v1/conversations",
                    &[("limit", "1"), ("repo", &repo.display().to_string())],
                )
                .await?;
            match page.items.into_iter().next() {
                Some(found) => found.id,
                None => return Ok(None),
            }
        }
        _ => return Ok(None),
    };
    let body: ConversationBody = server
        .get(&format!("/v1/conversations/{}", segment(&id)))
        .await?;
    Ok(Some((body.conversation.id, chat_messages(body.messages))))
}

/// The screen's commands, carried out against the server.
pub struct Remote {
    server: Server,
    /// The repository of tasks and of new conversations; `None` outside one.
    repo: Option<PathBuf>,
    /// The strategy of tasks started with `/task`.
    strategy: String,
    chat: Arc<Mutex<ChatState>>,
    /// The turn being streamed.
    turn: Option<JoinHandle<()>>,
    ui: mpsc::UnboundedSender<UiMessage>,
    /// `--no-cache`: turns and `/task`s ask the server to skip the answer cache.
    no_cache: bool,
}

/// What the turns of the chat share.
struct ChatState {
    /// The stored conversation the chat continues; made with the first prompt.
    conversation: Option<String>,
    /// The model asked for (`--model`, `/model`); the server's otherwise.
    model: Option<String>,
    /// Prompt and completion tokens of the chat so far (for a turn this front ends itself).
    totals: (u64, u64),
}

impl super::Execute for Remote {
    fn execute(&mut self, command: Command) {
        match command {
            Command::SendPrompt(text) => {
                let job = Job::new(self);
                let chat = self.chat.clone();
                let repo = self.repo.clone();
                self.turn = Some(tokio::spawn(async move {
                    job.turn(&chat, repo, text).await;
                }));
            }
            Command::Interrupt => {
                let conversation = lock(&self.chat).conversation.clone();
                let streaming = self.turn.as_ref().is_some_and(|turn| !turn.is_finished());
                let Some(conversation) = conversation.filter(|_| streaming) else {
                    return;
                };
                // The server stops the turn; its stream then ends with turn_end (cancelled).
                let turn = self.turn.take();
                let chat = self.chat.clone();
                self.spawn(|job| async move {
                    let path = format!("/v1/conversations/{}/interrupt", segment(&conversation));
                    if let Err(error) = job
                        .server
                        .post::<serde_json::Value>(&path, &json!({}))
                        .await
                    {
                        // Already over, or the server cannot: stop showing it at least.
                        if let Some(turn) = turn {
                            turn.abort();
                        }
                        job.turn_end(&chat, TurnEndOutcome::Cancelled);
                        return Err(error);
                    }
                    Ok(())
                });
            }
            Command::Approve {
                id,
                approved,
                always,
            } => self.spawn(|job| async move {
                let path = format!("/v1/approvals/{}", segment(&id));
                let body = json!({"approved": approved, "always": always});
                job.server.post::<serde_json::Value>(&path, &body).await?;
                Ok(())
            }),
            Command::RunTask(description) => {
                let Some(repo) = self.repo.clone() else {
                    self.say("a task needs a repository: start the chat in one".to_string());
                    return;
                };
                let strategy = self.strategy.clone();
                self.spawn(|job| job.task(description, repo, strategy));
            }
            Command::CancelTask(id) => self.spawn(|job| async move {
                let path = format!("/v1/tasks/{}/cancel", segment(&id));
                job.server.post_unless_conflict(&path).await?;
                job.notice(format!("asked task {} to stop", short(&id)));
                Ok(())
            }),
            Command::ApplyTask(id) => {
                let repo = self.repo.clone();
                self.spawn(|job| job.apply(id, repo));
            }
            Command::Undo => {
                let Some(repo) = self.repo.clone() else {
                    self.say("/undo needs a repository: start the chat in one".to_string());
                    return;
                };
                self.spawn(|job| async move {
                    let body = json!({"repo": repo.display().to_string()});
                    let undone: serde_json::Value = job.server.post("/v1/undo", &body).await?;
                    job.notice(format!(
                        "undid task {} ({}): {}",
                        short(undone["task_id"].as_str().unwrap_or_default()),
                        undone["title"].as_str().unwrap_or_default(),
                        match undone["how"].as_str() {
                            Some("reset") => "moved the branch back",
                            _ => "committed a revert",
                        }
                    ));
                    Ok(())
                });
            }
            Command::Compact => self.say(format!("/compact {NOT_SERVED}")),
            Command::ShowDiff => match &self.repo {
                Some(repo) => {
                    let text = match agent_core::git::diff_since(repo, "HEAD") {
                        Ok((patch, _)) if patch.is_empty() => "no uncommitted changes".to_string(),
                        Ok((patch, stat)) => format!("{patch}\n{stat}"),
                        Err(error) => format!("error: {error}"),
                    };
                    let _ = self.ui.send(UiMessage::Loaded(Loaded::Diff(text)));
                }
                None => self.say("no repository here to diff".to_string()),
            },
            Command::LoadTasks => self.spawn(|job| async move {
                let page: TaskPage = job
                    .server
                    .get_query("/v1/tasks", &[("limit", "100")])
                    .await?;
                job.loaded(Loaded::Tasks(page.tasks));
                Ok(())
            }),
            Command::LoadHistory { query } => self.spawn(|job| job.history(query)),
            Command::LoadDashboard => self.spawn(|job| async move {
                let stats: Stats = job.server.get("/v1/stats").await?;
                job.loaded(Loaded::Dashboard(stats.into_data()));
                Ok(())
            }),
            Command::OpenConversation(id) => self.spawn(|job| async move {
                let body: ConversationBody = job
                    .server
                    .get(&format!("/v1/conversations/{}", segment(&id)))
                    .await?;
                job.loaded(Loaded::Transcript(
                    body.messages
                        .into_iter()
                        .map(|m| (m.role, m.content))
                        .collect(),
                ));
                Ok(())
            }),
            Command::ResumeConversation(id) => {
                let chat = self.chat.clone();
                self.spawn(|job| async move {
                    let body: ConversationBody = job
                        .server
                        .get(&format!("/v1/conversations/{}", segment(&id)))
                        .await?;
                    lock(&chat).conversation = Some(body.conversation.id.clone());
                    job.chat(Event::ConversationLoaded {
                        conversation_id: Some(body.conversation.id),
                        messages: chat_messages(body.messages),
                    });
                    Ok(())
                });
            }
            Command::NewConversation | Command::Clear => {
                lock(&self.chat).conversation = None;
                let _ = self.ui.send(UiMessage::Chat(Event::ConversationLoaded {
                    conversation_id: None,
                    messages: Vec::new(),
                }));
            }
            Command::SetModel(name) => {
                lock(&self.chat).model = Some(name.clone());
                self.say(format!("model: {name}"));
            }
            Command::SetStrategy(name) => {
                if agent_core::task::strategy::NAMES.contains(&name.as_str()) {
                    self.strategy = name.clone();
                    self.say(format!("tasks from /task now run with strategy {name}"));
                } else {
                    self.say(format!(
                        "unknown strategy `{name}`; use one of: {}",
                        agent_core::task::strategy::NAMES.join(", ")
                    ));
                }
            }
            Command::Quit => {}
        }
    }
}

impl Remote {
    /// Runs `work` in the background; its error is said on screen.
    fn spawn<F, Fut>(&self, work: F)
    where
        F: FnOnce(Job) -> Fut,
        Fut: std::future::Future<Output = Result<()>> + Send + 'static,
    {
        let job = Job::new(self);
        let failed = job.clone();
        let future = work(job);
        tokio::spawn(async move {
            if let Err(error) = future.await {
                failed.error(&error);
            }
        });
    }

    fn say(&self, text: String) {
        let _ = self.ui.send(UiMessage::Loaded(Loaded::Notice(text)));
    }
}

/// What a background job needs: the server and the way to the screen.
#[derive(Clone)]
struct Job {
    server: Server,
    ui: mpsc::UnboundedSender<UiMessage>,
    no_cache: bool,
}

impl Job {
    fn new(remote: &Remote) -> Self {
        Self {
            server: remote.server.clone(),
            ui: remote.ui.clone(),
            no_cache: remote.no_cache,
        }
    }

    fn loaded(&self, loaded: Loaded) {
        let _ = self.ui.send(UiMessage::Loaded(loaded));
    }

    fn notice(&self, text: String) {
        self.loaded(Loaded::Notice(text));
    }

    fn chat(&self, event: Event) {
        let _ = self.ui.send(UiMessage::Chat(event));
    }

    /// An error as a notice, with its hint.
    fn error(&self, error: &anyhow::Error) {
        let (_, hint) = crate::exit::classify(error);
        let mut text = format!("error: {error:#}");
        if let Some(hint) = hint {
            text.push_str(&format!(" (hint: {hint})"));
        }
        self.notice(text);
    }

    /// Ends the turn on screen (the stream that would have ended it is gone).
    fn turn_end(&self, chat: &Mutex<ChatState>, outcome: TurnEndOutcome) {
        let (prompt, completion) = lock(chat).totals;
        self.chat(Event::TurnEnd {
            outcome,
            total_prompt_tokens: prompt,
            total_completion_tokens: completion,
        });
    }

    /// One turn: the conversation made if there is none yet, the prompt sent, and the turn's
    /// events shown until its `turn_end`.
    async fn turn(&self, chat: &Mutex<ChatState>, repo: Option<PathBuf>, text: String) {
        match self.try_turn(chat, repo, text).await {
            Ok(true) => {}
            Ok(false) => {
                self.chat(Event::Error {
                    message: "the turn's event stream ended before the turn did".to_string(),
                    hint: Some(
                        "the server may have stopped; its answer is in the conversation (F3)"
                            .to_string(),
                    ),
                    class: None,
                });
                self.turn_end(chat, TurnEndOutcome::Failed);
            }
            Err(error) => {
                let (_, hint) = crate::exit::classify(&error);
                self.chat(Event::Error {
                    message: format!("{error:#}"),
                    hint,
                    class: None,
                });
                self.turn_end(chat, TurnEndOutcome::Failed);
            }
        }
    }

    /// Whether the turn's `turn_end` arrived.
    async fn try_turn(
        &self,
        chat: &Mutex<ChatState>,
        repo: Option<PathBuf>,
        text: String,
    ) -> Result<bool> {
        let (conversation, model) = {
            let state = lock(chat);
            (state.conversation.clone(), state.model.clone())
        };
        let conversation = match conversation {
            Some(id) => id,
            None => {
                let body = match &repo {
                    Some(repo) => json!({"repo": repo.display().to_string()}),
                    None => json!({}),
                };
                let made: ConversationWire = self.server.post("/v1/conversations", &body).await?;
                lock(chat).conversation = Some(made.id.clone());
                made.id
            }
        };
        let mut body = json!({"text": text});
        if let Some(model) = model {
            body["model"] = json!(model);
        }
        if self.no_cache {
            body["no_cache"] = json!(true);
        }
        let path = format!("/v1/conversations/{}/turns", segment(&conversation));
        let response = self.server.post_stream(&path, &body).await?;
        let mut events = envelopes(response);
        while let Some(envelope) = events.next().await {
            let envelope = envelope?;
            let ended = match &envelope.event {
                Event::TurnEnd {
                    total_prompt_tokens,
                    total_completion_tokens,
                    ..
                } => {
                    lock(chat).totals = (*total_prompt_tokens, *total_completion_tokens);
                    true
                }
                _ => false,
            };
            if self.ui.send(UiMessage::Core(envelope)).is_err() || ended {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Starts a task and shows its events in the tasks view until it finishes.
    async fn task(self, description: String, repo: PathBuf, strategy: String) -> Result<()> {
        #[derive(Deserialize)]
        struct Created {
            id: String,
        }
        let body = json!({
            "description": description,
            "repo": repo.display().to_string(),
            "strategy": strategy,
            "answers_approvals": true,
            "no_cache": self.no_cache,
        });
        let created: Created = self.server.post("/v1/tasks", &body).await?;
        self.notice(format!("task {} started; F2 shows it", short(&created.id)));
        let mut events = EventStream::new(
            self.server.clone(),
            format!("/v1/tasks/{}/events", segment(&created.id)),
            "the task goes on on the server; F2 shows it".to_string(),
        );
        while let Some(envelope) = events.next().await? {
            let finished = matches!(envelope.event, Event::TaskFinished { .. });
            if self.ui.send(UiMessage::Core(envelope)).is_err() || finished {
                break;
            }
        }
        Ok(())
    }

    /// Applies the task named, or the latest succeeded one of this repository not yet applied.
    async fn apply(self, id: Option<String>, repo: Option<PathBuf>) -> Result<()> {
        #[derive(Deserialize)]
        struct Applied {
            commit: String,
            repo: String,
        }
        let id = match id {
            Some(id) => id,
            None => {
                let mut query = vec![
                    ("status", "succeeded".to_string()),
                    ("limit", "20".to_string()),
                ];
                if let Some(repo) = &repo {
                    query.push(("repo", repo.display().to_string()));
                }
                let query: Vec<(&str, &str)> =
                    query.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let page: TaskPage = self.server.get_query("/v1/tasks", &query).await?;
                match page
                    .tasks
                    .into_iter()
                    .find(|task| task.commit_id.is_some() && task.applied_at.is_none())
                {
                    Some(task) => task.id,
                    None => {
                        self.notice("no succeeded task to apply".to_string());
                        return Ok(());
                    }
                }
            }
        };
        let applied: Applied = self
            .server
            .post(&format!("/v1/tasks/{}/apply", segment(&id)), &json!({}))
            .await?;
        self.notice(format!(
            "applied task {} as {} in {}",
            short(&id),
            short(&applied.commit),
            applied.repo
        ));
        Ok(())
    }

    /// Past conversations, or the messages that match `query`.
    async fn history(self, query: Option<String>) -> Result<()> {
        let items = match query.filter(|q| !q.trim().is_empty()) {
            Some(text) => {
                let found: Hits = self
                    .server
                    .get_query("/v1/search", &[("q", &text), ("limit", "50")])
                    .await?;
                found
                    .hits
                    .into_iter()
                    .map(|hit| HistoryItem {
                        id: hit.conversation_id,
                        title: hit.conversation_title,
                        when: agent_core::time::format_short(hit.created_at),
                        snippet: Some(hit.snippet),
                    })
                    .collect()
            }
            None => {
                let page: ConversationPage = self
                    .server
                    .get_query("/v1/conversations", &[("limit", "100")])
                    .await?;
                page.items
                    .into_iter()
                    .map(|item| HistoryItem {
                        title: if item.title.is_empty() {
                            item.preview.unwrap_or_default()
                        } else {
                            item.title
                        },
                        id: item.id,
                        when: agent_core::time::format_short(item.updated_at),
                        snippet: None,
                    })
                    .collect()
            }
        };
        self.loaded(Loaded::History(items));
        Ok(())
    }
}

fn lock(chat: &Mutex<ChatState>) -> std::sync::MutexGuard<'_, ChatState> {
    chat.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Stored messages as the chat's history (what the session's resume loads).
fn chat_messages(messages: Vec<MessageWire>) -> Vec<ChatMessage> {
    messages
        .into_iter()
        .filter(|m| m.role != Role::System)
        .map(|m| ChatMessage {
            role: m.role,
            content: m.content,
            tool_calls: m
                .tool_calls
                .as_deref()
                .and_then(|json| serde_json::from_str::<Vec<ToolCall>>(json).ok())
                .unwrap_or_default(),
            tool_call_id: m.tool_call_id,
            tool_name: None,
        })
        .collect()
}

/// A conversation as the API shows it (alone, or in a page with its preview).
#[derive(Deserialize)]
struct ConversationWire {
    id: String,
    #[serde(default)]
    title: String,
    updated_at: Millis,
    #[serde(default)]
    preview: Option<String>,
}

#[derive(Deserialize)]
struct ConversationPage {
    items: Vec<ConversationWire>,
}

#[derive(Deserialize)]
struct ConversationBody {
    conversation: ConversationWire,
    messages: Vec<MessageWire>,
}

#[derive(Deserialize)]
struct MessageWire {
    role: Role,
    content: String,
    #[serde(default)]
    tool_call_id: Option<String>,
    /// The assistant's calls, as JSON text.
    #[serde(default)]
    tool_calls: Option<String>,
}

#[derive(Deserialize)]
struct Hits {
    hits: Vec<Hit>,
}

#[derive(Deserialize)]
struct Hit {
    conversation_id: String,
    conversation_title: String,
    created_at: Millis,
    snippet: String,
}

#[derive(Deserialize)]
struct TaskPage {
    tasks: Vec<TaskRecord>,
}

#[derive(Deserialize)]
struct Stats {
    by_status: Vec<(String, u64)>,
    success_by_strategy: Vec<(String, u64, u64)>,
    success_by_model: Vec<(String, u64, u64)>,
    tokens_today: u64,
    tokens_week: u64,
    recent: Vec<(String, String, String, Millis)>,
}

impl Stats {
    fn into_data(self) -> DashboardData {
        DashboardData {
            by_status: self.by_status,
            success_by_strategy: self.success_by_strategy,
            success_by_model: self.success_by_model,
            tokens_today: self.tokens_today,
            tokens_week: self.tokens_week,
            recent: self
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
        }
    }
}
