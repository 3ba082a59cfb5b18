//! Iterative: the coder works, the project's check runs, and a failing check's output (trimmed
//! to what matters) goes back to the same conversation, until the check passes or the
//! iterations run out.

use std::future::Future;
use std::pin::Pin;

use super::steps::{FixRounds, Pass, check_and_fix, coder_pass};
use super::{Strategy, StrategyOutcome};
use crate::error::Result;
use crate::task::context::TaskContext;

/// Edit → check → fix, at most `max_iterations` rounds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Iterative;

impl Strategy for Iterative {
    fn kind(&self) -> crate::protocol::StrategyKind {
        crate::protocol::StrategyKind::Iterative
    }

    fn run<'a>(
        &'a self,
        ctx: &'a mut TaskContext,
    ) -> Pin<Box<dyn Future<Output = Result<StrategyOutcome>> + Send + 'a>> {
        Box::pin(run(ctx))
    }
}

async fn run(ctx: &mut TaskContext) -> Result<StrategyOutcome> {
    ctx.store().set_task_iterations(&ctx.task_id, 1)?;
    let mut coder = Vec::new();
    let request = ctx.description.clone();
    let commit_text = match coder_pass(ctx, &mut coder, request, Some(1), "").await? {
        Pass::Done(reply) => reply,
        Pass::Over(outcome) => return Ok(outcome),
    };
    let rounds = FixRounds {
        max: ctx.settings.max_iterations,
        noun: "iteration",
        label_fixes: false,
    };
    check_and_fix(ctx, &mut coder, commit_text, rounds).await
}
