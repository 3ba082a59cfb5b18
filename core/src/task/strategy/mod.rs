//! Strategies: how a task's roles, turn loops and checks are arranged. SingleShot is the first;
//! Iterative and MultiAgent implement the same trait on the same context.

mod single;

use std::future::Future;
use std::pin::Pin;

pub use single::SingleShot;

use super::context::TaskContext;
use crate::error::Result;

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
    /// The name used in flags, the store and events (`single`, `iterative`, `multi`).
    fn name(&self) -> &'static str;

    /// Runs the task in `ctx` to an outcome. Errors are the store's (the task cannot be
    /// recorded); everything the model or the project does wrong is an outcome.
    fn run<'a>(
        &'a self,
        ctx: &'a mut TaskContext,
    ) -> Pin<Box<dyn Future<Output = Result<StrategyOutcome>> + Send + 'a>>;
}

/// The strategy called `name`, if this build has it.
pub fn by_name(name: &str) -> Option<Box<dyn Strategy>> {
    match name {
        "single" | "singleshot" | "single-shot" => Some(Box::new(SingleShot)),
        _ => None,
    }
}

/// The names [`by_name`] accepts, for help and errors.
pub const NAMES: &[&str] = &["single"];
