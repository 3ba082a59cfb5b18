//! Tasks: the life cycle, the approval policy, the strategies, the turn-loop driver and the
//! run of one task end to end ([`runner::run_task`]).

pub mod apply;
pub mod approval;
pub mod build_cache;
pub mod commit_message;
pub mod context;
pub mod discard;
pub mod driver;
pub mod feedback;
mod finish;
pub mod gate;
pub mod log;
pub mod plan;
pub mod prompts;
pub mod role;
pub mod role_models;
pub mod runner;
mod status;
pub mod strategy;
pub mod verification;

pub use approval::{Answer, ApprovalQuestion, Approvals, Asker, NoTerminal};
pub use context::{EventSink, ModelTarget, RolePrompt, StrategySettings, TaskContext};
pub use gate::ModelGate;
pub use runner::{RunRequest, run_task, title_of};
pub use status::TaskStatus;
pub use strategy::StrategyOutcome;
