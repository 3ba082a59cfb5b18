//! Everything a strategy works with while a task runs: the store and the front's event sink,
//! the model, the tools, the approval policy, limits, cancellation and the project's check.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use agent_models::{ChatBackend, SamplingOptions, ToolSpec};
use tokio::sync::watch;
use tokio::time::Instant;

use super::approval::Approvals;
use crate::error::Result;
use crate::process::ProcessSettings;
use crate::protocol::{Event, EventEnvelope, StepKind, TaskStatusChange};
use crate::store::Store;
use crate::task::TaskStatus;
use crate::tools::Toolbox;
use crate::turn::{Limits, Usage};
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

/// The state of one running task, lent to its strategy.
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
    pub role_models: HashMap<String, ModelTarget>,
    pub toolbox: Toolbox,
    pub tool_specs: Vec<ToolSpec>,
    pub settings: StrategySettings,
    pub approvals: Approvals,
    pub verify: Option<VerifyCommand>,
    pub verify_timeout: Duration,
    /// How the check is started: its environment (a shared build directory, no credentials)
    /// and its sandbox.
    pub check_process: ProcessSettings,
    /// The filled-in system prompt of each role, by role name.
    pub prompts: HashMap<String, String>,
    pub limits: Limits,
    /// What the whole task has used so far (all roles).
    pub used: Usage,
    pub(crate) store: Store,
    sink: EventSink,
    cancel: watch::Receiver<bool>,
    pub(crate) deadline: Instant,
    status: TaskStatus,
    step_counter: u32,
    model_requests: u32,
}

/// The parts a [`TaskContext`] is built from.
pub struct ContextParts {
    pub task_id: String,
    pub title: String,
    pub description: String,
    pub worktree: PathBuf,
    pub base_commit: String,
    pub branch: String,
    pub model: ModelTarget,
    pub role_models: HashMap<String, ModelTarget>,
    pub toolbox: Toolbox,
    pub settings: StrategySettings,
    pub approvals: Approvals,
    pub verify: Option<VerifyCommand>,
    pub verify_timeout: Duration,
    pub check_process: ProcessSettings,
    pub prompts: HashMap<String, String>,
    pub limits: Limits,
    pub store: Store,
    pub sink: EventSink,
    pub cancel: watch::Receiver<bool>,
    pub deadline: Instant,
    pub status: TaskStatus,
}

impl TaskContext {
    pub fn new(parts: ContextParts) -> Self {
        let tool_specs = parts.toolbox.specs();
        Self {
            task_id: parts.task_id,
            title: parts.title,
            description: parts.description,
            worktree: parts.worktree,
            base_commit: parts.base_commit,
            branch: parts.branch,
            model: parts.model,
            role_models: parts.role_models,
            toolbox: parts.toolbox,
            tool_specs,
            settings: parts.settings,
            approvals: parts.approvals,
            verify: parts.verify,
            verify_timeout: parts.verify_timeout,
            check_process: parts.check_process,
            prompts: parts.prompts,
            limits: parts.limits,
            used: Usage::default(),
            store: parts.store,
            sink: parts.sink,
            cancel: parts.cancel,
            deadline: parts.deadline,
            status: parts.status,
            step_counter: 0,
            model_requests: 0,
        }
    }

    /// Commits `event` to the task's log, then hands it to the front.
    pub fn emit(&mut self, event: Event) -> Result<()> {
        let envelope = self.store.append_task_event(&self.task_id, event)?;
        (self.sink)(&envelope);
        Ok(())
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
        let from = self.store.set_task_status(&self.task_id, to)?;
        self.status = to;
        self.emit(Event::TaskStatus(TaskStatusChange { from, to, reason }))
    }

    /// Starts a strategy step and returns its id for [`TaskContext::end_step`].
    pub fn begin_step(
        &mut self,
        step: StepKind,
        role: Option<&str>,
        detail: &str,
    ) -> Result<String> {
        self.begin_round_step(step, role, None, detail)
    }

    /// Starts a step of round `iteration` of an iterating strategy.
    pub fn begin_round_step(
        &mut self,
        step: StepKind,
        role: Option<&str>,
        iteration: Option<u32>,
        detail: &str,
    ) -> Result<String> {
        self.step_counter += 1;
        let id = format!("s{}", self.step_counter);
        self.emit(Event::StepBegin {
            id: id.clone(),
            step,
            role: role.map(str::to_string),
            iteration,
            detail: detail.to_string(),
        })?;
        Ok(id)
    }

    /// The id of the next model request (`m1`, `m2`, … over the whole task).
    pub fn next_model_request_id(&mut self) -> String {
        self.model_requests += 1;
        format!("m{}", self.model_requests)
    }

    pub fn end_step(&mut self, id: String, ok: bool, detail: &str) -> Result<()> {
        self.emit(Event::StepEnd {
            id,
            ok,
            detail: detail.to_string(),
        })
    }

    /// The task's limits less what it has used: the budget of the next role.
    pub fn remaining_limits(&self) -> Limits {
        Limits {
            max_turns: self.limits.max_turns.saturating_sub(self.used.turns),
            max_tool_calls: self
                .limits
                .max_tool_calls
                .saturating_sub(self.used.tool_calls),
            max_tokens: self.limits.max_tokens.saturating_sub(self.used.tokens()),
            max_seconds: self.limits.max_seconds,
        }
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
        &self.store
    }
}

impl TaskContext {
    /// The system prompt of `role`.
    pub fn system_prompt(&self, role: &str) -> String {
        self.prompts.get(role).cloned().unwrap_or_default()
    }

    /// The model `role` talks to.
    pub fn model_for(&self, role: &str) -> ModelTarget {
        self.role_models
            .get(role)
            .cloned()
            .unwrap_or_else(|| self.model.clone())
    }

    /// Gives the store back when the task is over.
    pub fn into_store(self) -> Store {
        self.store
    }
}
