//! SingleShot: one turn loop of the coder with the tools, then the project's check once.

use std::future::Future;
use std::pin::Pin;

use super::steps::{Pass, coder_pass};
use super::{Strategy, StrategyOutcome};
use crate::error::Result;
use crate::task::context::TaskContext;
use crate::task::verification;

/// The simple strategy, and the building block of the others.
#[derive(Debug, Clone, Copy, Default)]
pub struct SingleShot;

impl Strategy for SingleShot {
    fn kind(&self) -> crate::protocol::StrategyKind {
        crate::protocol::StrategyKind::Single
    }

    fn run<'a>(
        &'a self,
        ctx: &'a mut TaskContext,
    ) -> Pin<Box<dyn Future<Output = Result<StrategyOutcome>> + Send + 'a>> {
        Box::pin(run(ctx))
    }
}

async fn run(ctx: &mut TaskContext) -> Result<StrategyOutcome> {
    let request = ctx.description.clone();
    match coder_pass(ctx, &mut Vec::new(), request, None, "").await? {
        Pass::Done(final_text) => verification::verify_and_conclude(ctx, final_text).await,
        Pass::Over(outcome) => Ok(outcome),
    }
}
