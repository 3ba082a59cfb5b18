//! Discarding a finished task's work: its worktree and branch go, its record and log stay.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::git;
use crate::store::Store;

/// What a discard removed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Discarded {
    /// The branches removed (none when the task never made one).
    pub branches: Vec<String>,
}

/// Removes the worktree and branch of the finished task `id` (a full id). `worktrees_dir` is
/// where task worktrees live, for a task that died before the store heard of its worktree.
pub fn discard_task(store: &Store, id: &str, worktrees_dir: &Path) -> Result<Discarded> {
    store.recover_orphaned_tasks()?;
    let task = store.task(id)?;
    let short = &id[..id.len().min(8)];
    if !task.status.is_final() {
        return Err(Error::TaskState {
            message: format!("task {short} is still {}", task.status),
            hint: format!("cancel it first: agent task cancel {short}"),
        });
    }
    let repo = Path::new(&task.repo);
    let worktree = task
        .worktree
        .as_ref()
        .map(PathBuf::from)
        .unwrap_or_else(|| worktrees_dir.join(&task.id));
    // The branch the store knows, or one a task that died while making its worktree left
    // behind (`agent/<id8>-…`, the runner's naming) without the store hearing of it.
    let branches = match &task.branch {
        Some(branch) => vec![branch.clone()],
        None => git::branches_with_prefix(repo, &format!("agent/{short}-")).unwrap_or_default(),
    };
    if branches.is_empty() {
        git::remove_worktree_directory(repo, &worktree)?;
    }
    for branch in &branches {
        // Fails, rather than claims success, when the branch is still there afterwards.
        git::remove_worktree(repo, &worktree, branch)?;
    }
    store.clear_task_worktree(&task.id)?;
    if task.branch.is_some() {
        store.clear_task_branch(&task.id)?;
    }
    Ok(Discarded { branches })
}
