//! The protocol between the core and every front: [`Op`]s in, [`Event`]s out.
//!
//! One definition serves the `--json` output (one [`EventEnvelope`] per line), the TUI, the HTTP
//! API and the `task_events` table: a field added here reaches every front. The shape is
//! documented in `docs/protocol.md`; [`SCHEMA_VERSION`] changes when a change is not additive.

mod event;
mod names;
mod op;
mod routing;
mod types;

pub use event::{
    ApprovalDecision, DecidedBy, Event, EventEnvelope, FallbackReason, LimitKind, SCHEMA_VERSION,
    TaskStatusChange, ToolEffectKind,
};
pub use names::{
    AgentRole, CacheOutcome, FinishReason, SelectedBy, StepKind, StrategyChoice, StrategyKind,
    TurnEndOutcome,
};
pub use op::{ChatSpec, Op, TaskSpec};
pub use routing::{AbVariantRef, CandidateScore, ModelChoice};
pub use types::{Complexity, DiffStat, Plan, PlanStep, TaskStatus};

#[cfg(test)]
mod tests;
