//! SingleShot: one turn loop of the coder with the tools, then the project's check once.

use super::StrategyOutcome;
use super::steps::{Pass, coder_pass};
use crate::error::Result;
use crate::task::context::TaskContext;
use crate::task::verification;

/// One coder pass, then the check once.
pub(super) async fn run(ctx: &mut TaskContext) -> Result<StrategyOutcome> {
    let request = ctx.description.clone();
    match coder_pass(ctx, &mut Vec::new(), request, None, "").await? {
        Pass::Done(final_text) => verification::verify_and_conclude(ctx, final_text).await,
        Pass::Over(outcome) => Ok(outcome),
    }
}
