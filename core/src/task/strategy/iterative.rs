//! Iterative: the coder works, the project's check runs, and a failing check's output (trimmed
//! to what matters) goes back to the same conversation, until the check passes or the
//! iterations run out.

use std::future::Future;
use std::pin::Pin;

use super::{Strategy, StrategyOutcome, coder_pass_failed};
use crate::error::Result;
use crate::protocol::StepKind;
use crate::task::TaskStatus;
use crate::task::context::TaskContext;
use crate::task::driver;
use crate::task::feedback::failing_check_message;
use crate::task::role::CODER;
use crate::task::verification::{self, CheckResult};
use crate::turn::TurnOutcome;

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
    let max = ctx.settings.max_iterations.max(1);
    let mut messages = Vec::new();
    let mut request = ctx.description.clone();
    let mut commit_text = String::new();
    for iteration in 1..=max {
        ctx.store().set_task_iterations(&ctx.task_id, iteration)?;
        if iteration > 1 {
            ctx.set_status(TaskStatus::Running, None)?;
        }
        let step = ctx.begin_round_step(StepKind::Turns, Some(CODER), Some(iteration), "")?;
        let (outcome, conversation) = if iteration == 1 {
            let system = ctx.system_prompt(CODER);
            driver::run_role(ctx, CODER, system, request.clone()).await?
        } else {
            driver::continue_role(ctx, CODER, messages, request.clone()).await?
        };
        messages = conversation;
        let final_text = match outcome {
            TurnOutcome::Completed { final_text } => {
                ctx.end_step(step, true, "")?;
                final_text
            }
            other => return coder_pass_failed(ctx, step, other),
        };
        if commit_text.is_empty() || !final_text.trim().is_empty() {
            commit_text = final_text;
        }
        match verification::check(ctx).await? {
            CheckResult::Passed => {
                return Ok(StrategyOutcome::Succeeded {
                    final_text: commit_text,
                    verified: true,
                });
            }
            CheckResult::Skipped(_) => {
                return Ok(StrategyOutcome::Succeeded {
                    final_text: commit_text,
                    verified: false,
                });
            }
            CheckResult::Cancelled => return Ok(StrategyOutcome::Cancelled),
            CheckResult::Failed { summary, output } => {
                if iteration == max {
                    return Ok(StrategyOutcome::Failed {
                        reason: format!(
                            "verification still failing after {max} iteration{}: {summary}",
                            if max == 1 { "" } else { "s" }
                        ),
                        final_text: commit_text,
                    });
                }
                let command = ctx
                    .verify
                    .as_ref()
                    .map(|v| v.command.clone())
                    .unwrap_or_default();
                request = failing_check_message(&command, &summary, &output);
            }
        }
    }
    Ok(StrategyOutcome::Failed {
        reason: "no iterations ran".into(),
        final_text: commit_text,
    })
}
