//! Events the core emits: task status, strategy steps, model text and tool calls in
//! Begin / Delta / End families keyed by an id, approvals, usage, verification and errors.

use serde::{Deserialize, Serialize};

use super::names::{AgentRole, FinishReason, SelectedBy, StepKind, StrategyKind, TurnEndOutcome};
use super::types::{Complexity, DiffStat, Plan, TaskStatus};
use crate::time::Millis;

/// The version of the event schema. Additive changes (a new optional field, a new event type
/// that fronts may ignore) keep it; renames and removals bump it.
pub const SCHEMA_VERSION: u32 = 1;

/// An event with its envelope: schema version, the task or chat it belongs to, its sequence
/// number in that task's log (or that chat's stream) and when it happened. This is exactly one
/// line of `--json` output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventEnvelope {
    /// [`SCHEMA_VERSION`] of the writer.
    pub v: u32,
    /// The task this event belongs to; empty (and left out of the JSON) for a chat's events.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub task_id: String,
    /// The chat this event belongs to (the id its front chose when it opened the chat); absent
    /// for a task's events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_id: Option<String>,
    /// Position in the task's event log (or the chat's stream), from 1, without gaps.
    pub seq: u64,
    /// Milliseconds since the Unix epoch.
    pub at: Millis,
    #[serde(flatten)]
    pub event: Event,
}

/// What happened. Serialized with a `type` tag in snake_case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A task was recorded (status pending).
    TaskCreated {
        title: String,
        description: String,
        repo: String,
        strategy: StrategyKind,
        model: String,
        backend: String,
        approval: crate::config::Approval,
    },
    /// The task moved from one status to another.
    TaskStatus(TaskStatusChange),
    /// The strategy was chosen: by `--strategy` (`by: flag`), or from the task's complexity
    /// (`by: auto`). The complexity is estimated either way.
    StrategySelected {
        strategy: StrategyKind,
        complexity: Complexity,
        confidence: f32,
        reason: String,
        by: SelectedBy,
    },
    /// A role's model for this task, chosen once (so every request of the role goes to it):
    /// by the router from the candidates of `routing.<role>` (`by: sampled`, or `cold_start`:
    /// the configured default while no candidate has history), or by an A/B test (`by:
    /// ab_test`). `candidates` are the router's numbers for this complexity.
    ModelSelected {
        role: AgentRole,
        model: String,
        backend: String,
        by: super::ModelChoice,
        complexity: Complexity,
        reason: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        candidates: Vec<super::CandidateScore>,
    },
    /// The task takes part in a running A/B test with this variant; its settings override the
    /// configuration and the router for the keys they set.
    AbAssigned(super::AbVariantRef),
    /// The planner's plan (MultiAgent).
    PlanReady { plan: Plan },
    /// The reviewer's verdict on the diff (MultiAgent); `round` counts from 1.
    ReviewVerdict {
        round: u32,
        approved: bool,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        comments: String,
    },
    /// The task has its own worktree and branch.
    WorkspaceReady {
        branch: String,
        worktree: String,
        base_commit: String,
    },
    /// A strategy step began (`id` pairs it with its [`Event::StepEnd`]).
    StepBegin {
        id: String,
        step: StepKind,
        /// The role working in this step (coder, planner, …), if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<AgentRole>,
        /// Which round of an iterating strategy this step belongs to, from 1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        iteration: Option<u32>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        detail: String,
    },
    /// A strategy step ended.
    StepEnd {
        id: String,
        ok: bool,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        detail: String,
    },
    /// A request to the model was sent.
    ModelBegin {
        id: String,
        role: AgentRole,
        model: String,
        /// Which request of this role this is, from 1.
        turn: u32,
        messages: usize,
        /// Estimated prompt tokens (system prompt, tool schemas, messages).
        estimated_prompt_tokens: u32,
    },
    /// Text streamed from the model.
    ModelDelta { id: String, text: String },
    /// The model's reply ended.
    ModelEnd {
        id: String,
        reason: FinishReason,
        prompt_tokens: u32,
        completion_tokens: u32,
        duration_ms: u64,
        /// Answer tokens per second of decoding, when the backend measured it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        decode_tokens_per_second: Option<f64>,
        /// `hit`: answered from the answer cache (no request sent, zero tokens spent); `miss`:
        /// cacheable and asked of the model; absent when the request was not cacheable.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cache: Option<super::CacheOutcome>,
        /// Prompt tokens the backend did not compute again (a local model's cache of the
        /// previous request, or its prefill kept by an earlier process); absent when none.
        #[serde(default, skip_serializing_if = "is_zero")]
        reused_prompt_tokens: u32,
    },
    /// The model asked for a tool.
    ToolCallBegin {
        id: String,
        name: String,
        arguments: serde_json::Value,
    },
    /// A tool call finished (or was refused); `output` is what the model was shown.
    ToolCallEnd {
        id: String,
        name: String,
        ok: bool,
        output: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        changed_paths: Vec<String>,
        /// The unified diff of a change the call made (`edit`, `write`), for people.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        diff: Option<String>,
    },
    /// An action needs a decision under the approval policy.
    ApprovalRequest {
        /// The tool call this is about.
        id: String,
        kind: ToolEffectKind,
        /// The command, the path being written, or the MCP tool (`server.tool`).
        subject: String,
        /// A unified diff of a proposed write, the arguments of an MCP call; empty otherwise.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        preview: String,
    },
    /// The decision on an [`Event::ApprovalRequest`].
    ApprovalDecision(ApprovalDecision),
    /// Token totals after a model call.
    Usage {
        role: AgentRole,
        prompt_tokens: u64,
        completion_tokens: u64,
        total_prompt_tokens: u64,
        total_completion_tokens: u64,
    },
    /// The project's check started.
    VerifyBegin { command: String, source: String },
    /// The project's check finished; `output` is capped (head and tail kept).
    VerifyEnd {
        passed: bool,
        exit_code: Option<i32>,
        timed_out: bool,
        duration_ms: u64,
        output: String,
    },
    /// A limit was reached; the task ends (a chat's turn ends).
    LimitReached {
        limit: LimitKind,
        /// The limit (tokens; micro-dollars for `monthly_cost`).
        value: u64,
        detail: String,
        /// What was used when it stopped, in the unit of `value` (budgets only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        used: Option<u64>,
    },
    /// A turn went to the fallback model instead of the configured one; sent before its
    /// `model_begin`.
    FallbackUsed {
        reason: FallbackReason,
        /// The model that was passed over (`backend:model`).
        from: String,
        /// The fallback (`backend:model`).
        to: String,
        detail: String,
    },
    /// The work was committed on the task's branch.
    Committed {
        commit: String,
        branch: String,
        subject: String,
        diff_stat: DiffStat,
    },
    /// The task's branch was pushed and a pull request opened (or found open) for it.
    PullRequestOpened {
        /// `owner/name`.
        repo: String,
        number: u64,
        url: String,
        branch: String,
    },
    /// Something went wrong; `hint` says what the user can do, `class` what kind of failure it
    /// is (the CLI's exit code, the server's status code).
    Error {
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hint: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        class: Option<crate::error::ErrorClass>,
    },
    /// A chat turn began with this user message (chats only).
    TurnBegin { prompt: String },
    /// A chat turn ended (chats only): `completed`, `cancelled`, `failed` or `limit`, with the
    /// chat's token totals so far.
    TurnEnd {
        outcome: TurnEndOutcome,
        total_prompt_tokens: u64,
        total_completion_tokens: u64,
    },
    /// A stored conversation was loaded into a chat (opened with `resume`, or resumed), with its
    /// messages for a front to draw; `conversation_id` is absent for a new, empty conversation.
    ConversationLoaded {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        conversation_id: Option<String>,
        messages: Vec<agent_models::ChatMessage>,
    },
    /// The last event of a task.
    TaskFinished {
        status: TaskStatus,
        summary: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        branch: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        commit: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        diff_stat: Option<DiffStat>,
        prompt_tokens: u64,
        completion_tokens: u64,
        duration_ms: u64,
    },
}

/// A status transition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskStatusChange {
    pub from: TaskStatus,
    pub to: TaskStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A decision on an approval request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalDecision {
    pub id: String,
    pub approved: bool,
    pub by: DecidedBy,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// Who decided an approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecidedBy {
    /// The policy allowed it without asking.
    Policy,
    /// A person answered.
    User,
    /// Nobody could be asked (no terminal), so the policy refused it.
    NoTerminal,
}

/// The kind of action an approval is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolEffectKind {
    Read,
    Write,
    Command,
    /// A tool of an MCP server (`subject` is `server.tool`, `preview` its arguments).
    Mcp,
    /// A web request (`fetch`, `browser`): the subject is the address; "always" allows its
    /// host for the rest of the task.
    Network,
}

/// Limits a task runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    Turns,
    ToolCalls,
    Tokens,
    WallTime,
    /// `budget.task_tokens`: tokens of one task (or chat session).
    TaskTokens,
    /// `budget.daily_tokens`: tokens of all model calls today (UTC).
    DailyTokens,
    /// `budget.monthly_cost`: what this month's model calls cost (UTC).
    MonthlyCost,
    /// Replies stopped for repeating themselves (the model is looping).
    Repetition,
}

/// Why a turn went to the fallback model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FallbackReason {
    /// The configured model's server could not be reached (connection refused).
    Unreachable,
    /// It decoded slower than `fallback.min_tokens_per_second` over a turn.
    Slow,
    /// The prompt does not fit its context window.
    Context,
}

impl FallbackReason {
    pub fn as_str(self) -> &'static str {
        match self {
            FallbackReason::Unreachable => "unreachable",
            FallbackReason::Slow => "slow",
            FallbackReason::Context => "context",
        }
    }
}

fn is_zero(value: &u32) -> bool {
    *value == 0
}

impl Event {
    /// The `type` tag this event serializes with (the `kind` column of `task_events`).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::TaskCreated { .. } => "task_created",
            Event::TaskStatus(_) => "task_status",
            Event::StrategySelected { .. } => "strategy_selected",
            Event::ModelSelected { .. } => "model_selected",
            Event::AbAssigned(_) => "ab_assigned",
            Event::PlanReady { .. } => "plan_ready",
            Event::ReviewVerdict { .. } => "review_verdict",
            Event::WorkspaceReady { .. } => "workspace_ready",
            Event::StepBegin { .. } => "step_begin",
            Event::StepEnd { .. } => "step_end",
            Event::ModelBegin { .. } => "model_begin",
            Event::ModelDelta { .. } => "model_delta",
            Event::ModelEnd { .. } => "model_end",
            Event::ToolCallBegin { .. } => "tool_call_begin",
            Event::ToolCallEnd { .. } => "tool_call_end",
            Event::ApprovalRequest { .. } => "approval_request",
            Event::ApprovalDecision(_) => "approval_decision",
            Event::Usage { .. } => "usage",
            Event::VerifyBegin { .. } => "verify_begin",
            Event::VerifyEnd { .. } => "verify_end",
            Event::LimitReached { .. } => "limit_reached",
            Event::FallbackUsed { .. } => "fallback_used",
            Event::Committed { .. } => "committed",
            Event::PullRequestOpened { .. } => "pull_request_opened",
            Event::Error { .. } => "error",
            Event::TurnBegin { .. } => "turn_begin",
            Event::TurnEnd { .. } => "turn_end",
            Event::ConversationLoaded { .. } => "conversation_loaded",
            Event::TaskFinished { .. } => "task_finished",
        }
    }
}

impl LimitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LimitKind::Turns => "turns",
            LimitKind::ToolCalls => "tool calls",
            LimitKind::Tokens => "tokens",
            LimitKind::WallTime => "wall time",
            LimitKind::TaskTokens => "task tokens",
            LimitKind::DailyTokens => "daily tokens",
            LimitKind::MonthlyCost => "monthly cost",
            LimitKind::Repetition => "repetition",
        }
    }
}
