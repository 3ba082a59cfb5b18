//! Strategies: how a task's roles, turn loops and checks are arranged: SingleShot, Iterative and
//! MultiAgent, each a function over the same context, built from the shared steps in `steps`.

mod iterative;
mod multi;
mod single;
mod steps;

use super::context::TaskContext;
use crate::classify::Complexity;
use crate::error::Result;
use crate::protocol::{Event, StrategyChoice, StrategyKind};
use crate::turn::TurnOutcome;

/// How a strategy ended. The runner commits, finishes the task and reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StrategyOutcome {
    /// The work is done (and verified, when there was a check).
    Succeeded {
        /// The model's closing reply (the commit message, ideally).
        final_text: String,
        verified: bool,
    },
    /// The work is not done; `reason` says why in one line.
    Failed {
        reason: String,
        final_text: String,
    },
    Cancelled,
}

/// Runs the task in `ctx` with the strategy `kind` to an outcome. Errors are the store's (the
/// task cannot be recorded); everything the model or the project does wrong is an outcome.
pub async fn run(kind: StrategyKind, ctx: &mut TaskContext) -> Result<StrategyOutcome> {
    match kind {
        StrategyKind::Single => single::run(ctx).await,
        StrategyKind::Iterative => iterative::run(ctx).await,
        StrategyKind::Multi => multi::run(ctx).await,
    }
}

/// The strategy names, for help and errors; `auto` picks one by complexity.
pub const NAMES: &[&str] = &StrategyChoice::NAMES;

/// The strategy for a task of this complexity: Simple → SingleShot, Medium → Iterative,
/// Complex → MultiAgent.
pub fn for_complexity(complexity: Complexity) -> StrategyKind {
    match complexity {
        Complexity::Simple => StrategyKind::Single,
        Complexity::Medium => StrategyKind::Iterative,
        Complexity::Complex => StrategyKind::Multi,
    }
}

/// Ends a coder pass that did not complete (cancelled, a limit, the model failing): closes
/// its step and says how the strategy ends.
pub(crate) fn coder_pass_failed(
    ctx: &mut TaskContext,
    step: String,
    outcome: TurnOutcome,
) -> Result<StrategyOutcome> {
    match outcome {
        TurnOutcome::Completed { final_text } => {
            ctx.end_step(step, true, "")?;
            Ok(StrategyOutcome::Succeeded {
                final_text,
                verified: false,
            })
        }
        TurnOutcome::Cancelled => {
            ctx.end_step(step, false, "cancelled")?;
            Ok(StrategyOutcome::Cancelled)
        }
        TurnOutcome::Limit(hit) => {
            ctx.end_step(step, false, &hit.detail)?;
            ctx.emit(Event::LimitReached {
                limit: hit.kind,
                value: hit.value,
                detail: hit.detail.clone(),
                used: hit.used,
            })?;
            Ok(StrategyOutcome::Failed {
                reason: hit.detail,
                final_text: String::new(),
            })
        }
        TurnOutcome::ModelFailed(message) => {
            ctx.end_step(step, false, &message)?;
            Ok(StrategyOutcome::Failed {
                reason: message,
                final_text: String::new(),
            })
        }
    }
}
