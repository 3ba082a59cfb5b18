//! SingleShot: one turn loop of the coder with the tools, then the project's check once.

use std::future::Future;
use std::pin::Pin;

use super::{Strategy, StrategyOutcome, coder_pass_failed};
use crate::error::Result;
use crate::protocol::StepKind;
use crate::task::context::TaskContext;
use crate::task::driver;
use crate::task::role::CODER;
use crate::task::verification;
use crate::turn::TurnOutcome;

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
    let step = ctx.begin_step(StepKind::Turns, Some(CODER), "")?;
    let system = ctx.system_prompt(CODER);
    let request = ctx.description.clone();
    let (outcome, _messages) = driver::run_role(ctx, CODER, system, request).await?;
    let final_text = match outcome {
        TurnOutcome::Completed { final_text } => {
            ctx.end_step(step, true, "")?;
            final_text
        }
        other => return coder_pass_failed(ctx, step, other),
    };
    verification::verify_and_conclude(ctx, final_text).await
}
