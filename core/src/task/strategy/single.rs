//! SingleShot: one turn loop of the coder with the tools, then the project's check once.

use std::future::Future;
use std::pin::Pin;

use super::{Strategy, StrategyOutcome};
use crate::error::Result;
use crate::protocol::StepKind;
use crate::task::context::TaskContext;
use crate::task::driver;
use crate::task::verification;
use crate::turn::TurnOutcome;

/// The simple strategy, and the building block of the others.
#[derive(Debug, Clone, Copy, Default)]
pub struct SingleShot;

impl Strategy for SingleShot {
    fn name(&self) -> &'static str {
        "single"
    }

    fn run<'a>(
        &'a self,
        ctx: &'a mut TaskContext,
    ) -> Pin<Box<dyn Future<Output = Result<StrategyOutcome>> + Send + 'a>> {
        Box::pin(run(ctx))
    }
}

async fn run(ctx: &mut TaskContext) -> Result<StrategyOutcome> {
    let step = ctx.begin_step(StepKind::Turns, Some("coder"), "")?;
    let system = ctx.coder_prompt.clone();
    let request = ctx.description.clone();
    let (outcome, _messages) = driver::run_role(ctx, "coder", system, request).await?;
    let final_text = match outcome {
        TurnOutcome::Completed { final_text } => {
            ctx.end_step(step, true, "")?;
            final_text
        }
        TurnOutcome::Cancelled => {
            ctx.end_step(step, false, "cancelled")?;
            return Ok(StrategyOutcome::Cancelled);
        }
        TurnOutcome::Limit(hit) => {
            ctx.end_step(step, false, &hit.detail)?;
            ctx.emit(crate::protocol::Event::LimitReached {
                limit: hit.kind,
                value: hit.value,
                detail: hit.detail.clone(),
            })?;
            return Ok(StrategyOutcome::Failed {
                reason: hit.detail,
                final_text: String::new(),
            });
        }
        TurnOutcome::ModelFailed(message) => {
            ctx.end_step(step, false, &message)?;
            return Ok(StrategyOutcome::Failed {
                reason: message,
                final_text: String::new(),
            });
        }
    };
    verification::verify_and_conclude(ctx, final_text).await
}
