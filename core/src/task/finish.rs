//! How a task ends: its work committed on the task branch (also a failed attempt, as `wip:`),
//! its worktree removed once nothing is left uncommitted, the final status and the closing event.

use std::path::Path;

use tokio::time::Instant;

use super::commit_message;
use super::context::TaskContext;
use super::log::TaskLog;
use super::strategy::StrategyOutcome;
use crate::error::Result;
use crate::git;
use crate::protocol::{Event, StepKind, TaskStatusChange};
use crate::store::{Store, TaskEnding, TaskRecord};
use crate::task::TaskStatus;

/// Commits what the strategy left (on success, and on failure so the branch keeps the
/// attempt), then writes the final status and the closing event.
pub(super) async fn conclude(
    mut ctx: TaskContext,
    outcome: StrategyOutcome,
    repo_root: &Path,
    started: Instant,
) -> Result<(TaskRecord, Store)> {
    let diff = git::diff_since(&ctx.worktree, &ctx.base_commit).ok();
    let changed = diff
        .as_ref()
        .is_some_and(|(_, stat)| stat.files_changed > 0);
    let (status, summary, error) = match &outcome {
        StrategyOutcome::Succeeded {
            final_text,
            verified,
        } => {
            let (message, _) = commit_message::from_reply(final_text, &ctx.title);
            let mut summary = if changed {
                message.subject.clone()
            } else {
                "finished without changing any file".to_string()
            };
            if changed && !verified {
                summary.push_str(" (not verified: no check found)");
            }
            (TaskStatus::Succeeded, summary, None)
        }
        StrategyOutcome::Failed { reason, .. } => {
            (TaskStatus::Failed, reason.clone(), Some(reason.clone()))
        }
        StrategyOutcome::Cancelled => (TaskStatus::Cancelled, "cancelled".to_string(), None),
    };

    let mut commit = None;
    let mut diff_stat = diff.map(|(_, stat)| stat);
    // The worktree goes once nothing in it is left uncommitted; a cancelled task keeps it.
    let mut keep_worktree = status == TaskStatus::Cancelled;
    if changed && status != TaskStatus::Cancelled {
        let step = ctx.begin_step(StepKind::Commit, None, "")?;
        let message = match &outcome {
            StrategyOutcome::Succeeded { final_text, .. } => {
                commit_message::from_reply(final_text, &ctx.title).0
            }
            StrategyOutcome::Failed { reason, final_text } => commit_message::CommitMessage {
                subject: format!(
                    "wip: {}",
                    commit_message::fallback_subject(&ctx.title).trim_start_matches("agent: ")
                ),
                body: format!("Unfinished: {reason}\n\n{}", final_text.trim()),
            },
            StrategyOutcome::Cancelled => commit_message::CommitMessage {
                subject: String::new(),
                body: String::new(),
            },
        };
        match git::commit_all(&ctx.worktree, &message.render(&ctx.task_id)) {
            Ok(Some(sha)) => {
                let stat = diff_stat.clone().unwrap_or_default();
                ctx.emit(Event::Committed {
                    commit: sha.clone(),
                    branch: ctx.branch.clone(),
                    subject: message.subject.clone(),
                    diff_stat: stat,
                })?;
                ctx.end_step(step, true, &sha)?;
                commit = Some(sha);
            }
            Ok(None) => {
                diff_stat = None;
                ctx.end_step(step, true, "nothing to commit")?;
            }
            Err(failure) => {
                keep_worktree = true;
                let message = format!("cannot commit on {}: {failure}", ctx.branch);
                ctx.emit(Event::Error {
                    message: message.clone(),
                    hint: failure.hint(),
                    class: None,
                })?;
                ctx.end_step(step, false, &message)?;
            }
        }
    }

    // Without a commit the branch holds nothing to review: it goes with the worktree.
    let mut branch = Some(ctx.branch.clone());
    if !keep_worktree {
        let removed = if commit.is_none() {
            git::remove_worktree(repo_root, &ctx.worktree, &ctx.branch).map(|()| {
                branch = None;
            })
        } else {
            git::remove_worktree_directory(repo_root, &ctx.worktree)
        };
        if removed.is_ok() {
            ctx.store().clear_task_worktree(&ctx.task_id)?;
            if branch.is_none() {
                ctx.store().clear_task_branch(&ctx.task_id)?;
            }
        }
    }

    let ending = TaskEnding {
        summary: summary.clone(),
        error,
        diff_stat: diff_stat.clone(),
        commit_id: commit.clone(),
        prompt_tokens: ctx.ledger.used.prompt_tokens,
        completion_tokens: ctx.ledger.used.completion_tokens,
    };
    ctx.store().set_task_ending(&ctx.task_id, &ending)?;
    let reason = (status == TaskStatus::Failed).then(|| summary.clone());
    ctx.set_status(status, reason)?;
    ctx.emit(Event::TaskFinished {
        status,
        summary,
        branch,
        commit,
        diff_stat,
        prompt_tokens: ctx.ledger.used.prompt_tokens,
        completion_tokens: ctx.ledger.used.completion_tokens,
        duration_ms: started.elapsed().as_millis() as u64,
    })?;
    let record = ctx.store().task(&ctx.task_id)?;
    Ok((record, ctx.into_store()))
}

/// Ends a task that failed before its strategy could start.
pub(super) async fn fail_early(
    mut log: TaskLog,
    reason: String,
    started: Instant,
) -> Result<(TaskRecord, Store)> {
    let task_id = log.task_id().to_string();
    log.store_mut().set_task_ending(
        &task_id,
        &TaskEnding {
            summary: reason.clone(),
            error: Some(reason.clone()),
            ..TaskEnding::default()
        },
    )?;
    let from = log
        .store_mut()
        .set_task_status(&task_id, TaskStatus::Failed)?;
    log.emit(Event::TaskStatus(TaskStatusChange {
        from,
        to: TaskStatus::Failed,
        reason: Some(reason.clone()),
    }))?;
    log.emit(Event::TaskFinished {
        status: TaskStatus::Failed,
        summary: reason,
        branch: None,
        commit: None,
        diff_stat: None,
        prompt_tokens: 0,
        completion_tokens: 0,
        duration_ms: started.elapsed().as_millis() as u64,
    })?;
    let record = log.store().task(&task_id)?;
    Ok((record, log.into_store()))
}
