//! Iterative: the coder works, the project's check runs, and a failing check's output (trimmed
//! to what matters) goes back to the same conversation, until the check passes or the
//! iterations run out.

use super::StrategyOutcome;
use super::steps::{FixRounds, Pass, check_and_fix, coder_pass};
use crate::error::Result;
use crate::task::context::TaskContext;

/// Edit → check → fix, at most `max_iterations` checks.
pub(super) async fn run(ctx: &mut TaskContext) -> Result<StrategyOutcome> {
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
