//! `agent task cancel | apply | discard` and `agent undo`: act on a task's process and its work.

use std::path::{Path, PathBuf};
use std::time::Duration;

use agent_core::git;
use agent_core::task::TaskStatus;
use anyhow::Result;

use crate::app::App;
use crate::exit::{Exit, UserError};
use crate::output::print;

pub fn cancel(app: &App, id: &str) -> Result<Exit> {
    let (_, store) = app.config_and_store()?;
    let id = store.resolve_task_id(id)?;
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
    let task = store.task(&id)?;
    let Some(commit) = task.commit_id.clone() else {
        return Err(UserError::usage(
            format!(
                "task {} has no commit to apply ({})",
                short(&id),
                task.status
            ),
            "only a task that changed files leaves a commit; see `agent task show ID`",
        )
        .into());
    };
    if task.status != TaskStatus::Succeeded && !force {
        return Err(UserError::usage(
            format!(
                "task {} {}; its commit is an unfinished attempt",
                short(&id),
                task.status
            ),
            "review it (`agent task show ID`) and pass --force to apply it anyway",
        )
        .into());
    }
    let repo = PathBuf::from(&task.repo);
    let applied = git::apply_commit(&repo, &commit)?;
    store.mark_task_applied(&id, &task.repo, &applied)?;
    print(&format!(
        "applied task {} as {} on the current branch of {}\nundo with: agent undo\n",
        short(&id),
        &applied[..applied.len().min(12)],
        repo.display()
    ))?;
    Ok(Exit::Ok)
}

pub fn discard(app: &App, id: &str) -> Result<Exit> {
    let (_, store) = app.config_and_store()?;
    let id = store.resolve_task_id(id)?;
    let task = store.task(&id)?;
    if !task.status.is_final() {
        return Err(UserError::usage(
            format!("task {} is still {}", short(&id), task.status),
            format!("cancel it first: agent task cancel {}", short(&id)),
        )
        .into());
    }
    let repo = Path::new(&task.repo);
    let worktree = task
        .worktree
        .as_ref()
        .map(PathBuf::from)
        .unwrap_or_else(|| super::run::worktrees_dir(app).join(&task.id));
    if let Some(branch) = &task.branch {
        git::remove_worktree(repo, &worktree, branch)?;
    }
    store.clear_task_worktree(&task.id)?;
    print(&format!(
        "discarded task {}: removed its worktree and branch {}\n",
        short(&id),
        task.branch.as_deref().unwrap_or("-")
    ))?;
    Ok(Exit::Ok)
}

pub fn undo(app: &App, repo: Option<PathBuf>) -> Result<Exit> {
    let (_, store) = app.config_and_store()?;
    let dir = repo
        .map(|d| app.cwd.join(d))
        .unwrap_or_else(|| app.cwd.clone());
    let root = git::repository_root(&dir)?;
    let root_text = root.display().to_string();
    let canonical = root
        .canonicalize()
        .map(|p| p.display().to_string())
        .unwrap_or(root_text.clone());
    let task = match store.last_applied_task(&canonical)? {
        Some(task) => Some(task),
        None => store.last_applied_task(&root_text)?,
    };
    let Some(task) = task else {
        return Err(UserError::not_found(
            format!("no applied task to undo in {root_text}"),
            "`agent task apply ID` applies one; `agent task list` shows them",
        )
        .into());
    };
    let Some(applied) = task.applied_commit.clone() else {
        return Ok(Exit::Ok);
    };
    let outcome = git::undo_commit(&root, &applied)?;
    store.mark_task_undone(&task.id)?;
    let how = match outcome {
        git::UndoOutcome::Reset { head } => {
            format!("moved the branch back to {}", &head[..head.len().min(12)])
        }
        git::UndoOutcome::Reverted { commit } => {
            format!("committed the revert {}", &commit[..commit.len().min(12)])
        }
    };
    print(&format!(
        "undid task {} ({}): {how}\n",
        short(&task.id),
        task.title
    ))?;
    Ok(Exit::Ok)
}

fn short(id: &str) -> &str {
    &id[..id.len().min(8)]
}
