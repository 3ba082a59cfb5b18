//! The steps strategies share: a role's pass in a conversation of its own, one more pass of the
//! coder's conversation, and the check-and-fix loop (a failing check goes back to the coder).

use agent_models::ChatMessage;

use super::{StrategyOutcome, coder_pass_failed};
use crate::error::Result;
use crate::protocol::StepKind;
use crate::task::TaskStatus;
use crate::task::context::TaskContext;
use crate::task::driver;
use crate::task::feedback::failing_check_message;
use crate::task::role::{CODER, Role};
use crate::task::verification::{self, CheckResult};
use crate::turn::TurnOutcome;

/// How a role's pass ended: its reply, or the strategy's outcome when it did not complete.
pub(super) enum Pass {
    Done(String),
    Over(StrategyOutcome),
}

/// One pass of a role in a conversation of its own, as a step.
pub(super) async fn solo(
    ctx: &mut TaskContext,
    role: Role,
    kind: StepKind,
    round: Option<u32>,
    request: String,
) -> Result<Pass> {
    let step = ctx.begin_round_step(kind, Some(role), round, "")?;
    let system = ctx.system_prompt(role);
    let request = ctx.opening_request(role, request);
    let (outcome, _) = driver::run_role(ctx, role, system, request).await?;
    finish_pass(ctx, step, outcome)
}

/// One more pass of the coder's conversation (the first one starts it).
pub(super) async fn coder_pass(
    ctx: &mut TaskContext,
    conversation: &mut Vec<ChatMessage>,
    request: String,
    round: Option<u32>,
    detail: &str,
) -> Result<Pass> {
    let step = ctx.begin_round_step(StepKind::Turns, Some(CODER), round, detail)?;
    let (outcome, messages) = if conversation.is_empty() {
        let system = ctx.system_prompt(CODER);
        let request = ctx.opening_request(CODER, request);
        driver::run_role(ctx, CODER, system, request).await?
    } else {
        driver::continue_role(ctx, CODER, std::mem::take(conversation), request).await?
    };
    *conversation = messages;
    finish_pass(ctx, step, outcome)
}

fn finish_pass(ctx: &mut TaskContext, step: String, outcome: TurnOutcome) -> Result<Pass> {
    match outcome {
        TurnOutcome::Completed { final_text } => {
            ctx.end_step(step, true, "")?;
            Ok(Pass::Done(final_text))
        }
        other => Ok(Pass::Over(coder_pass_failed(ctx, step, other)?)),
    }
}

/// How the check-and-fix loop names its rounds.
pub(super) struct FixRounds {
    /// The most checks that run.
    pub max: u32,
    /// What a round is called in the failure reason (`iteration`, `check`).
    pub noun: &'static str,
    /// Whether the coder's fix steps say which round they fix (`fix round N`).
    pub label_fixes: bool,
}

/// Runs the project's check; a failure goes back to the coder's conversation with the trimmed
/// output, until the check passes or `rounds.max` checks have run. `commit_text` is the coder's
/// latest commit message, replaced by any later non-empty reply.
pub(super) async fn check_and_fix(
    ctx: &mut TaskContext,
    coder: &mut Vec<ChatMessage>,
    mut commit_text: String,
    rounds: FixRounds,
) -> Result<StrategyOutcome> {
    let max = rounds.max.max(1);
    for round in 1..=max {
        ctx.store().set_task_iterations(&ctx.task_id, round)?;
        let (summary, output) = match verification::check(ctx).await? {
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
            CheckResult::Failed { summary, output } => (summary, output),
        };
        if round == max {
            return Ok(StrategyOutcome::Failed {
                reason: format!(
                    "verification still failing after {max} {}{}: {summary}",
                    rounds.noun,
                    if max == 1 { "" } else { "s" }
                ),
                final_text: commit_text,
            });
        }
        ctx.set_status(TaskStatus::Running, None)?;
        let command = ctx
            .verify
            .as_ref()
            .map(|v| v.command.clone())
            .unwrap_or_default();
        let request = failing_check_message(&command, &summary, &output);
        let detail = if rounds.label_fixes {
            format!("fix round {round}")
        } else {
            String::new()
        };
        match coder_pass(ctx, coder, request, Some(round + 1), &detail).await? {
            Pass::Done(reply) => {
                if !reply.trim().is_empty() {
                    commit_text = reply;
                }
            }
            Pass::Over(outcome) => return Ok(outcome),
        }
    }
    Ok(StrategyOutcome::Failed {
        reason: "the check never ran".into(),
        final_text: commit_text,
    })
}
