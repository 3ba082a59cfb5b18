//! Strategies: how a task's roles, turn loops and checks are arranged. SingleShot is the first;
//! Iterative and MultiAgent implement the same trait on the same context.

mod iterative;
mod multi;
mod single;
mod steps;

use std::future::Future;
use std::pin::Pin;

pub use iterative::Iterative;
pub use multi::MultiAgent;
pub use single::SingleShot;

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

/// A way of running a task.
pub trait Strategy: Send + Sync {
    /// Which strategy this is (its name in flags, the store and events).
    fn kind(&self) -> StrategyKind;

    /// Runs the task in `ctx` to an outcome. Errors are the store's (the task cannot be
    /// recorded); everything the model or the project does wrong is an outcome.
    fn run<'a>(
        &'a self,
        ctx: &'a mut TaskContext,
    ) -> Pin<Box<dyn Future<Output = Result<StrategyOutcome>> + Send + 'a>>;
}

/// The strategy of this kind.
pub fn for_kind(kind: StrategyKind) -> Box<dyn Strategy> {
    match kind {
        StrategyKind::Single => Box::new(SingleShot),
        StrategyKind::Iterative => Box::new(Iterative),
        StrategyKind::Multi => Box::new(MultiAgent),
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
