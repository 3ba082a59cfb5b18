//! Running the project's check inside a task, and turning its result into an outcome.

use super::context::TaskContext;
use super::strategy::StrategyOutcome;
use crate::error::Result;
use crate::process::ProcessError;
use crate::protocol::{Event, StepKind};
use crate::task::TaskStatus;
use crate::verify::{self, VerifyOutcome};

/// What one run of the check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckResult {
    /// There is no check (none configured or detected), or nothing changed.
    Skipped(String),
    Passed,
    /// The check failed; the output is what a model should read next.
    Failed {
        summary: String,
        output: String,
    },
    Cancelled,
}

/// Runs the check on the worktree (status Verifying), with events around it.
pub async fn check(ctx: &mut TaskContext) -> Result<CheckResult> {
    let changed = crate::git::diff_since(&ctx.worktree, &ctx.base_commit)
        .map(|(_, stat)| stat.files_changed > 0)
        .unwrap_or(true);
    if !changed {
        return Ok(CheckResult::Skipped("nothing changed".into()));
    }
    let Some(command) = ctx.verify.clone() else {
        return Ok(CheckResult::Skipped(
            "no check found (set task.verify or pass --verify CMD)".into(),
        ));
    };
    ctx.set_status(TaskStatus::Verifying, None)?;
    let step = ctx.begin_step(StepKind::Verify, None, &command.command)?;
    ctx.emit(Event::VerifyBegin {
        command: command.command.clone(),
        source: command.source.to_string(),
    })?;
    let worktree = ctx.worktree.clone();
    let timeout = ctx.verify_timeout;
    let settings = ctx.check_process.clone();
    let outcome: Option<Result<VerifyOutcome, ProcessError>> = tokio::select! {
        outcome = verify::run_with(&command.command, &worktree, timeout, &settings) => Some(outcome),
        () = ctx.cancelled() => None,
    };
    let Some(outcome) = outcome else {
        ctx.end_step(step, false, "cancelled")?;
        return Ok(CheckResult::Cancelled);
    };
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(error) => {
            let summary = format!(
                "cannot run `{}`: {}",
                command.command,
                crate::text::error_chain(&error)
            );
            ctx.end_step(step, false, &summary)?;
            return Ok(CheckResult::Failed {
                summary,
                output: String::new(),
            });
        }
    };
    ctx.emit(Event::VerifyEnd {
        passed: outcome.passed,
        exit_code: outcome.exit_code,
        timed_out: outcome.timed_out,
        duration_ms: outcome.duration.as_millis() as u64,
        output: outcome.output.clone(),
    })?;
    let summary = if outcome.passed {
        format!("`{}` passed", command.command)
    } else if outcome.timed_out {
        format!(
            "`{}` timed out after {} s",
            command.command,
            timeout.as_secs()
        )
    } else {
        match outcome.exit_code {
            Some(code) => format!("`{}` failed with exit code {code}", command.command),
            None => format!("`{}` was killed by a signal", command.command),
        }
    };
    ctx.end_step(step, outcome.passed, &summary)?;
    Ok(if outcome.passed {
        CheckResult::Passed
    } else {
        CheckResult::Failed {
            summary,
            output: outcome.output,
        }
    })
}

/// Runs the check once and concludes: passed or skipped → succeeded; failed → failed.
pub async fn verify_and_conclude(
    ctx: &mut TaskContext,
    final_text: String,
) -> Result<StrategyOutcome> {
    Ok(match check(ctx).await? {
        CheckResult::Passed => StrategyOutcome::Succeeded {
            final_text,
            verified: true,
        },
        CheckResult::Skipped(_) => StrategyOutcome::Succeeded {
            final_text,
            verified: false,
        },
        CheckResult::Failed { summary, .. } => StrategyOutcome::Failed {
            reason: format!("verification failed: {summary}"),
            final_text,
        },
        CheckResult::Cancelled => StrategyOutcome::Cancelled,
    })
}
