//! `agent task cancel | apply | discard` and `agent undo`: act on a task's process and its work.

use std::path::PathBuf;
use std::time::Duration;

use agent_core::git;
use agent_core::task;
use anyhow::Result;

use crate::app::App;
use crate::exit::{Exit, UserError};
use crate::output::print;

pub fn cancel(app: &App, id: &str) -> Result<Exit> {
    let (_, store) = app.config_and_store()?;
    let id = store.resolve_task_id(id)?;
    // A task whose process is gone is ended here and now: nobody else would.
    let recovered = store.recover_orphaned_tasks()?;
    if let Some(orphan) = recovered.iter().find(|task| task.id == id) {
        print(&format!(
            "cancelled task {}: {}\n",
            short(&id),
            orphan.reason
        ))?;
        return Ok(Exit::Ok);
    }
    let task = store.task(&id)?;
    if task.status.is_final() {
        return Err(UserError::usage(
            format!("task {} already {}", short(&id), task.status),
            "`agent task list` shows the tasks still running",
        )
        .into());
    }
    store.request_task_cancel(&id)?;
    // The running process checks twice a second; wait a little for it to finish.
    for _ in 0..40 {
        std::thread::sleep(Duration::from_millis(250));
        // Its process may die instead of stopping it.
        store.recover_orphaned_tasks()?;
        if store.task(&id)?.status.is_final() {
            print(&format!("cancelled task {}\n", short(&id)))?;
            return Ok(Exit::Ok);
        }
    }
    print(&format!(
        "asked task {} to stop; it ends at its next step (agent task show {})\n",
        short(&id),
        short(&id)
    ))?;
    Ok(Exit::Ok)
}

pub fn apply(app: &App, id: &str, force: bool) -> Result<Exit> {
    let (_, store) = app.config_and_store()?;
    let id = store.resolve_task_id(id)?;
    let applied = task::apply::apply_task(&store, &id, force)?;
    print(&format!(
        "applied task {} as {} on the current branch of {}\nundo with: agent undo\n",
        short(&id),
        &applied.commit[..applied.commit.len().min(12)],
        applied.repo.display()
    ))?;
    Ok(Exit::Ok)
}

pub fn discard(app: &App, id: &str) -> Result<Exit> {
    let (_, store) = app.config_and_store()?;
    let id = store.resolve_task_id(id)?;
    let discarded = task::discard::discard_task(&store, &id, &super::run::worktrees_dir(app))?;
    let removed = if discarded.branches.is_empty() {
        "removed its worktree (it had no branch)".to_string()
    } else {
        format!(
            "removed its worktree and branch {}",
            discarded.branches.join(", ")
        )
    };
    print(&format!("discarded task {}: {removed}\n", short(&id)))?;
    Ok(Exit::Ok)
}

pub fn undo(app: &App, repo: Option<PathBuf>) -> Result<Exit> {
    let (_, store) = app.config_and_store()?;
    let dir = repo
        .map(|d| app.cwd.join(d))
        .unwrap_or_else(|| app.cwd.clone());
    let undone = task::apply::undo_last(&store, &dir)?;
    print(&format!(
        "undid task {} ({}): {}\n",
        short(&undone.task.id),
        undone.task.title,
        undo_wording(&undone.outcome)
    ))?;
    Ok(Exit::Ok)
}

/// How an undo took the commit back, in words.
pub fn undo_wording(outcome: &git::UndoOutcome) -> String {
    match outcome {
        git::UndoOutcome::Reset { head } => {
            format!("moved the branch back to {}", &head[..head.len().min(12)])
        }
        git::UndoOutcome::Reverted { commit } => {
            format!("committed the revert {}", &commit[..commit.len().min(12)])
        }
    }
}

fn short(id: &str) -> &str {
    &id[..id.len().min(8)]
}
