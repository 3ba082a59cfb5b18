//! The session: the one way into the core. A front (the CLI, the chat TUI, later the HTTP
//! server) starts one per process, submits [`Op`]s and reads the [`EventEnvelope`]s of every task
//! and chat of the session from [`Session::subscribe`]. Approvals are questions in that stream
//! answered by an `Op::Approve`; nothing calls back into a front.
//!
//! Each task and each chat runs on a thread of its own with its own database connection, so a
//! slow model or a long check in one never holds up another, and the front's thread never
//! blocks on the core.

mod approvals;
mod chats;
mod hub;
mod tasks;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::watch;

pub use hub::EventReceiver;

use self::approvals::PendingApprovals;
use self::chats::ChatHandle;
use self::hub::Hub;
use crate::config::Config;
use crate::env::EnvSnapshot;
use crate::error::{Error, Result};
use crate::protocol::Op;
use crate::store::StoreOptions;
use crate::task::{Answer, ModelTarget};
use crate::tools::ToolSettings;

/// Turns a model name from an op (or `None`, the configured default) into something to talk
/// to. The binary implements it (backends, keys, flags); the core only asks.
pub trait ModelResolver: Send + Sync {
    fn resolve(&self, model: Option<&str>) -> Result<ModelTarget>;

    /// The model as it will run a task, asked once per model of a task before the task is
    /// recorded: the binary checks there how the model calls tools (once per model), drives it in
    /// the format that works, or refuses it (an error: nothing is recorded). Unchanged by default.
    fn for_tasks(&self, target: ModelTarget) -> Result<ModelTarget> {
        Ok(target)
    }

    /// Whether the process itself was told which model to use (a `--model` flag): then every
    /// role of its tasks keeps that model, neither routed nor set by an A/B test.
    fn named(&self) -> bool {
        false
    }

    /// The fallback model (`fallback.*`) a turn goes to when its own model is down, too slow or
    /// too small; `None` when none is configured.
    fn fallback(&self) -> Result<Option<ModelTarget>> {
        Ok(None)
    }
}

/// What a session is set up with: where things are, the configuration, how models are found.
pub struct SessionSetup {
    /// The SQLite file; every task and chat opens its own connection to it.
    pub database: PathBuf,
    pub store_options: StoreOptions,
    /// What every connection of the session redacts before it writes (credentials).
    pub redactor: Option<Arc<crate::redact::Redactor>>,
    /// The resolved configuration (defaults of chats and tasks).
    pub config: Config,
    pub models: Arc<dyn ModelResolver>,
    /// Where task worktrees are created (one directory per task).
    pub worktrees_dir: PathBuf,
    /// The user's prompt overrides (`<config dir>/prompts`).
    pub user_prompts_dir: Option<PathBuf>,
    /// The cache directory (the shared build directory of Cargo projects lives there).
    pub cache_dir: PathBuf,
    pub env: EnvSnapshot,
    pub tool_settings: ToolSettings,
    /// How the commands of tasks and chats start: environment without credentials, sandbox.
    pub commands: crate::process::CommandPolicy,
    pub verify_timeout: Duration,
    /// How long a question waits for a front before it is refused; `None` waits until the task
    /// or chat is cancelled.
    pub approval_timeout: Option<Duration>,
}

impl SessionSetup {
    /// The web tools of tasks and chats, when `fetch.tool` is on: the cache in the session's
    /// database, browser profiles in the cache directory, Chromium from `browser.path` or PATH.
    pub fn web_tools(&self) -> Option<crate::tools::WebTools> {
        if !self.config.fetch.tool {
            return None;
        }
        let settings = crate::web::WebSettings::from_config(
            &self.config,
            Some(crate::web::CacheLocation {
                database: self.database.clone(),
                options: self.store_options.clone(),
            }),
            self.cache_dir.join("browser"),
            self.env.get("PATH").map(std::ffi::OsStr::new),
        );
        Some(crate::tools::WebTools::new(settings))
    }
}

/// What `submit` started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// A task with this id: its events carry it.
    Task(String),
    /// The op was taken; its effects arrive as events.
    Accepted,
}

impl Submitted {
    /// The id of the task started, if the op started one.
    pub fn task_id(&self) -> Option<&str> {
        match self {
            Submitted::Task(id) => Some(id),
            Submitted::Accepted => None,
        }
    }
}

/// A handle to the running session; cheap to clone, every clone is the same session.
#[derive(Clone)]
pub struct Session {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    setup: SessionSetup,
    hub: Hub,
    approvals: Arc<PendingApprovals>,
    /// Tasks running in this process, by id: their cancel switch.
    tasks: Mutex<HashMap<String, watch::Sender<bool>>>,
    chats: Mutex<HashMap<String, ChatHandle>>,
    /// Connections of finished tasks, for the next ones.
    idle_stores: Mutex<Vec<crate::store::Store>>,
}

/// Connections a session keeps between tasks.
const IDLE_STORES: usize = 4;

impl Session {
    pub fn new(setup: SessionSetup) -> Self {
        Self {
            shared: Arc::new(Shared {
                setup,
                hub: Hub::default(),
                approvals: Arc::default(),
                tasks: Mutex::default(),
                chats: Mutex::default(),
                idle_stores: Mutex::default(),
            }),
        }
    }

    /// A stream of every event of this session from now on (subscribe before submitting).
    pub fn subscribe(&self) -> EventReceiver {
        self.shared.hub.subscribe()
    }

    /// Hands the core one operation. Errors are about the op itself (a path that is not a git
    /// repository, an unknown strategy or model, an unknown chat); once a task or a turn has
    /// started, everything that happens to it is an event.
    pub fn submit(&self, op: Op) -> Result<Submitted> {
        match op {
            Op::RunTask {
                spec,
                answers_approvals,
            } => tasks::start(&self.shared, spec, answers_approvals).map(Submitted::Task),
            Op::Cancel { task_id } => {
                tasks::cancel(&self.shared, &task_id)?;
                Ok(Submitted::Accepted)
            }
            Op::Approve {
                id,
                approved,
                always,
            } => {
                let answer = match (approved, always) {
                    (true, true) => Answer::Always,
                    (true, false) => Answer::Yes,
                    (false, _) => Answer::No,
                };
                if self.shared.approvals.answer(None, &id, answer) {
                    Ok(Submitted::Accepted)
                } else {
                    Err(Error::NotFound {
                        kind: "pending approval",
                        id,
                    })
                }
            }
            Op::OpenChat { chat_id, spec } => {
                chats::open(&self.shared, chat_id, spec)?;
                Ok(Submitted::Accepted)
            }
            Op::UserTurn { chat_id, text } => {
                chats::turn(&self.shared, &chat_id, text)?;
                Ok(Submitted::Accepted)
            }
            Op::Interrupt { chat_id } => {
                chats::interrupt(&self.shared, &chat_id)?;
                Ok(Submitted::Accepted)
            }
            Op::Compact { chat_id } => {
                chats::compact(&self.shared, &chat_id)?;
                Ok(Submitted::Accepted)
            }
            Op::NewConversation { chat_id } => {
                chats::send(&self.shared, &chat_id, chats::Request::NewConversation)?;
                Ok(Submitted::Accepted)
            }
            Op::ResumeConversation {
                chat_id,
                conversation_id,
            } => {
                chats::send(
                    &self.shared,
                    &chat_id,
                    chats::Request::Resume(conversation_id),
                )?;
                Ok(Submitted::Accepted)
            }
            Op::ConfigureChat {
                chat_id,
                model,
                approval,
                no_cache,
            } => {
                chats::configure(&self.shared, &chat_id, model, approval, no_cache)?;
                Ok(Submitted::Accepted)
            }
            Op::CloseChat { chat_id } => {
                chats::close(&self.shared, &chat_id);
                Ok(Submitted::Accepted)
            }
        }
    }

    /// Whether a task of this session is still running.
    pub fn is_running(&self, task_id: &str) -> bool {
        lock(&self.shared.tasks).contains_key(task_id)
    }

    /// The `approval_request` events of questions still waiting for an answer, oldest first.
    pub fn pending_approvals(&self) -> Vec<crate::protocol::EventEnvelope> {
        self.shared.approvals.waiting()
    }

    /// The ids of the tasks running in this session.
    pub fn running_tasks(&self) -> Vec<String> {
        lock(&self.shared.tasks).keys().cloned().collect()
    }

    /// Whether a chat with this id is open.
    pub fn has_chat(&self, chat_id: &str) -> bool {
        lock(&self.shared.chats).contains_key(chat_id)
    }

    /// Waits, at most `limit`, until the task's thread has let go of it (after `task_finished`
    /// it still removes the task's temporary directory and closes its connection). A front
    /// calls it before its process exits.
    /// `Duration::MAX` waits as long as the task runs.
    pub async fn settle(&self, task_id: &str, limit: Duration) {
        let deadline = tokio::time::Instant::now().checked_add(limit);
        while self.is_running(task_id)
            && deadline.is_none_or(|deadline| tokio::time::Instant::now() < deadline)
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

impl Shared {
    /// A connection of its own for a task or a chat, redacting like every other: one a finished
    /// task gave back, or a new one.
    fn open_store(&self) -> Result<crate::store::Store> {
        if let Some(store) = lock(&self.idle_stores).pop() {
            return Ok(store);
        }
        let mut store = crate::store::Store::open(&self.setup.database, &self.setup.store_options)?;
        if let Some(redactor) = &self.setup.redactor {
            store.set_redactor(redactor.clone());
        }
        Ok(store)
    }

    /// Keeps a finished task's connection for the next one (a few at most).
    fn keep_store(&self, store: crate::store::Store) {
        let mut idle = lock(&self.idle_stores);
        if idle.len() < IDLE_STORES {
            idle.push(store);
        }
    }

    /// Publishes `envelope` to every subscriber, first opening or closing the slot of an
    /// approval question it announces or decides.
    fn publish(&self, envelope: &crate::protocol::EventEnvelope) {
        use crate::protocol::Event;
        let owner = || match &envelope.chat_id {
            Some(chat) => approvals::Owner::Chat(chat.clone()),
            None => approvals::Owner::Task(envelope.task_id.clone()),
        };
        match &envelope.event {
            Event::ApprovalRequest { id, .. } => self.approvals.open(owner(), id, envelope),
            Event::ApprovalDecision(decision) => self.approvals.close(&owner(), &decision.id),
            _ => {}
        }
        self.hub.publish(envelope);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A current-thread runtime for a task's or a chat's own thread.
fn thread_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

#[cfg(test)]
mod tests;
