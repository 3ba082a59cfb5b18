//! Everything a strategy works with while a task runs: the store and the front's event sink,
//! the model, the tools, the approval policy, limits, cancellation and the project's check.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use agent_models::{ChatBackend, SamplingOptions};
use tokio::sync::watch;
use tokio::time::Instant;

use super::driver::ToolKit;
use super::log::TaskLog;
use super::role::Role;
use crate::error::Result;
use crate::process::ProcessSettings;
use crate::protocol::{Event, EventEnvelope, StepKind, TaskStatusChange};
use crate::store::Store;
use crate::task::TaskStatus;
use crate::turn::{Limits, TurnLedger};
use crate::verify::VerifyCommand;

/// Receives every event after it is committed to the store (a terminal renderer, a JSONL
/// printer, an SSE stream).
pub type EventSink = Box<dyn FnMut(&EventEnvelope) + Send>;

/// The model a role talks to.
#[derive(Clone)]
pub struct ModelTarget {
    pub backend: Arc<dyn ChatBackend>,
    /// `ollama`, `openai` or `local`, as recorded with each call.
    pub backend_name: String,
    pub model: String,
    pub options: SamplingOptions,
    pub context_length: Option<u32>,
    /// Whether its temperature-0 answers are cached ([`crate::cache`]); off until the session
    /// sets it from `cache.*`.
    pub cache: crate::cache::CachePolicy,
}

/// Resolves once `receiver` turns true (a cancel); never, if nobody can cancel any more.
pub async fn cancel_signal(mut receiver: watch::Receiver<bool>) {
    loop {
        if *receiver.borrow_and_update() {
            return;
        }
        if receiver.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// How far the iterating strategies may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrategySettings {
    /// Edit → check → fix rounds (Iterative).
    pub max_iterations: u32,
    /// Reviewer change requests followed (MultiAgent).
    pub max_review_rounds: u32,
}

impl Default for StrategySettings {
    fn default() -> Self {
        Self {
            max_iterations: 4,
            max_review_rounds: 2,
        }
    }
}

/// A role's prompts for one task. The system prompt holds only what every task of the
/// repository shares (the role's text, the check, the repository's instructions), so that it
/// and the tool schemas render to the same tokens for every task and a local model's prefill of
/// them is kept from one task to the next; what belongs to this task (the repo map, ranked
/// towards its description) opens the role's first request instead.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RolePrompt {
    pub system: String,
    /// The map section put before the first request; empty when there is no map or the role's
    /// prompt placed it itself (`{{map}}`).
    pub map: String,
}

impl RolePrompt {
    /// The first user message of the role's conversation: the map, then `request`.
    pub fn opening(&self, request: String) -> String {
        super::prompts::with_map(&self.map, request)
    }
}

/// The state of one running task, lent to its strategy: its event log, its turn ledger, and
/// what its roles work with.
pub struct TaskContext {
    pub task_id: String,
    pub title: String,
    pub description: String,
    /// The task's worktree: every tool works inside it.
    pub worktree: PathBuf,
    pub base_commit: String,
    pub branch: String,
    /// The model of every role without one of its own.
    pub model: ModelTarget,
    /// Models of particular roles (`roles.<role>.model`, `--<role>-model`).
    pub role_models: HashMap<Role, ModelTarget>,
    pub tools: ToolKit,
    pub settings: StrategySettings,
    pub verify: Option<VerifyCommand>,
    pub verify_timeout: Duration,
    /// How the check is started: its environment (a shared build directory, no credentials)
    /// and its sandbox.
    pub check_process: ProcessSettings,
    /// The filled-in prompts of each role.
    pub prompts: HashMap<Role, RolePrompt>,
    pub limits: Limits,
    /// What the whole task has used so far (all roles), and its request ids.
    pub ledger: TurnLedger,
    /// The budgets and fallback of the task's model requests.
    pub gate: super::gate::ModelGate,
    pub(crate) log: TaskLog,
    pub(crate) cancel: watch::Receiver<bool>,
    pub(crate) deadline: Instant,
    pub(crate) status: TaskStatus,
}

impl TaskContext {
    /// Commits `event` to the task's log, then hands it to the front.
    pub fn emit(&mut self, event: Event) -> Result<()> {
        self.log.emit(event)
    }

    /// The task's current status.
    pub fn status(&self) -> TaskStatus {
        self.status
    }

    /// Moves the task to `to` (store first, then the event).
    pub fn set_status(&mut self, to: TaskStatus, reason: Option<String>) -> Result<()> {
        if self.status == to {
            return Ok(());
        }
        let from = self.log.store_mut().set_task_status(&self.task_id, to)?;
        self.status = to;
        self.emit(Event::TaskStatus(TaskStatusChange { from, to, reason }))
    }

    /// Starts a strategy step and returns its id for [`TaskContext::end_step`].
    pub fn begin_step(
        &mut self,
        step: StepKind,
        role: Option<Role>,
        detail: &str,
    ) -> Result<String> {
        self.log.begin_step(step, role, None, detail)
    }

    /// Starts a step of round `iteration` of an iterating strategy.
    pub fn begin_round_step(
        &mut self,
        step: StepKind,
        role: Option<Role>,
        iteration: Option<u32>,
        detail: &str,
    ) -> Result<String> {
        self.log.begin_step(step, role, iteration, detail)
    }

    pub fn end_step(&mut self, id: String, ok: bool, detail: &str) -> Result<()> {
        self.log.end_step(id, ok, detail)
    }

    /// The task's limits less what it has used: the budget of the next role.
    pub fn remaining_limits(&self) -> Limits {
        self.ledger.remaining(&self.limits)
    }

    /// Whether someone cancelled: Ctrl-C in this process, or `agent task cancel` from another
    /// (the runner watches the store for that).
    pub fn is_cancelled(&self) -> bool {
        *self.cancel.borrow()
    }

    /// Resolves when the task is cancelled. Owns what it needs, so it can be raced against a
    /// future that borrows the context.
    pub fn cancelled(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        cancel_signal(self.cancel.clone())
    }

    /// Resolves when the task's wall-time limit passes.
    pub fn time_up(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        tokio::time::sleep_until(self.deadline)
    }

    /// The store, for strategies that record more (plans, iterations).
    pub fn store(&self) -> &Store {
        self.log.store()
    }

    /// The system prompt of `role`.
    pub fn system_prompt(&self, role: Role) -> String {
        self.prompts
            .get(&role)
            .map(|prompt| prompt.system.clone())
            .unwrap_or_default()
    }

    /// The first user message of a conversation of `role` asking `request`: the task's map
    /// first, when the role gets one there.
    pub fn opening_request(&self, role: Role, request: String) -> String {
        match self.prompts.get(&role) {
            Some(prompt) => prompt.opening(request),
            None => request,
        }
    }

    /// The model `role` talks to.
    pub fn model_for(&self, role: Role) -> ModelTarget {
        self.role_models
            .get(&role)
            .cloned()
            .unwrap_or_else(|| self.model.clone())
    }

    /// Gives the store back when the task is over.
    pub fn into_store(self) -> Store {
        self.log.into_store()
    }
}
