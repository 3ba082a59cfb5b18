//! Taking a task's work into the user's checkout and back out: one implementation for every
//! front (`agent task apply` and `agent undo`, the chat's `/apply` and `/undo`, later the server).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::git::{self, UndoOutcome};
use crate::store::{Store, TaskQuery, TaskRecord};
use crate::task::TaskStatus;

/// A task's commit applied to the current branch of its repository.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub task: TaskRecord,
    /// The new commit on the user's branch.
    pub commit: String,
    pub repo: PathBuf,
}

/// The last applied task of a repository, taken back.
#[derive(Debug, Clone, PartialEq)]
pub struct Undone {
    pub task: TaskRecord,
    pub outcome: UndoOutcome,
}

/// Applies the commit of task `id` (a full id) to the current branch of its repository. A task
/// that did not succeed left an unfinished attempt: it is applied only with `force`.
pub fn apply_task(store: &Store, id: &str, force: bool) -> Result<Applied> {
    let task = store.task(id)?;
    let short = short(&task.id);
    let Some(commit) = task.commit_id.clone() else {
        return Err(Error::TaskState {
            message: format!("task {short} has no commit to apply ({})", task.status),
            hint: "only a task that changed files leaves a commit; see `agent task show ID`".into(),
        });
    };
    if task.status != TaskStatus::Succeeded && !force {
        return Err(Error::TaskState {
            message: format!(
                "task {short} {}; its commit is an unfinished attempt",
                task.status
            ),
            hint: "review it (`agent task show ID`) and pass --force to apply it anyway".into(),
        });
    }
    let repo = PathBuf::from(&task.repo);
    let applied = git::apply_commit(&repo, &commit)?;
    store.mark_task_applied(&task.id, &task.repo, &applied)?;
    Ok(Applied {
        task,
        commit: applied,
        repo,
    })
}

/// The newest succeeded task of the repository at `repo_root` whose commit is not applied yet.
pub fn latest_unapplied(store: &Store, repo_root: &Path) -> Result<Option<TaskRecord>> {
    Ok(store
        .list_tasks(&TaskQuery {
            status: Some(TaskStatus::Succeeded),
            repo: Some(repo_root.display().to_string()),
            limit: 20,
            after: None,
        })?
        .into_iter()
        .find(|task| task.commit_id.is_some() && task.applied_at.is_none()))
}

/// Takes back the last task applied in the repository that holds `dir`: the branch moves back
/// when nothing was committed on top, else a revert commit is added.
pub fn undo_last(store: &Store, dir: &Path) -> Result<Undone> {
    let root = git::repository_root(dir)?;
    let root_text = root.display().to_string();
    let canonical = root
        .canonicalize()
        .map(|path| path.display().to_string())
        .unwrap_or_else(|_| root_text.clone());
    let task = match store.last_applied_task(&canonical)? {
        Some(task) => Some(task),
        None => store.last_applied_task(&root_text)?,
    };
    let Some((task, applied)) =
        task.and_then(|task| Some((task.clone(), task.applied_commit.clone()?)))
    else {
        return Err(Error::NothingApplied { repo: root_text });
    };
    let outcome = git::undo_commit(&root, &applied)?;
    store.mark_task_undone(&task.id)?;
    Ok(Undone { task, outcome })
}

fn short(id: &str) -> &str {
    &id[..id.len().min(8)]
}
