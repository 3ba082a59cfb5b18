//! Bringing a task's commit onto the user's current branch, and taking it back off, while
//! leaving every unrelated staged and unstaged change exactly as it was.
//!
//! Both directions work the same way: compute the new tree in memory (cherry-pick or revert
//! against HEAD), refuse on conflicts or when a path that would change is dirty in the user's
//! checkout, create the commit, check out only the changed paths, then move the branch. The
//! checkout happens while HEAD still names the old commit, so libgit2 sees files the commit
//! deletes as tracked and removes them.

use std::path::Path;

use git2::{
    Commit, Diff, ErrorCode, Index, Oid, Reference, Repository, Status, StatusOptions, Tree,
    build::CheckoutBuilder,
};
use serde::{Deserialize, Serialize};

use super::{GitError, open_repository, resolve_commit, signature};

/// What [`undo_commit`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UndoOutcome {
    /// The applied commit was still HEAD: the branch moved back to its parent, now `head`.
    Reset { head: String },
    /// Later commits followed it: a revert commit `commit` was added on top.
    Reverted { commit: String },
}

/// Brings `commit` (a task's commit, whose first parent is the task's base) onto the user's
/// current branch in `repo_root` as a new commit with the same message and author.
///
/// Refuses, changing nothing, when HEAD is detached, when the change conflicts with the branch,
/// or when a path it would change has uncommitted changes (staged, unstaged or untracked).
/// Only the changed paths are written in the index and working tree. Returns the new sha.
pub fn apply_commit(repo_root: &Path, commit: &str) -> Result<String, GitError> {
    let repository = open_repository(repo_root)?;
    let (branch, head) = current_branch(&repository)?;
    let task = resolve_commit(&repository, commit)?;
    let merged = repository.cherrypick_commit(&task, &head, 0, None)?;
    let tree = merged_tree(&repository, merged, "cherry-pick", &task, &head)?;

    let message = String::from_utf8_lossy(task.message_bytes()).into_owned();
    let new = commit_on_branch(
        &repository,
        &branch,
        &head,
        &tree,
        (Some(task.author()), &message),
        "agent: apply task commit",
    )?;
    Ok(new.to_string())
}

/// Undoes `applied` on the current branch in `repo_root`.
///
/// When HEAD is still `applied`, the branch moves back to its parent and the paths it touched
/// are restored ([`UndoOutcome::Reset`]); otherwise a revert commit is added
/// ([`UndoOutcome::Reverted`]). Refuses, changing nothing, on a detached HEAD, a commit not in
/// the branch's history, a conflicting revert, or uncommitted changes at the paths involved.
pub fn undo_commit(repo_root: &Path, applied: &str) -> Result<UndoOutcome, GitError> {
    let repository = open_repository(repo_root)?;
    let (branch, head) = current_branch(&repository)?;
    let applied = resolve_commit(&repository, applied)?;

    if head.id() == applied.id()
        && let Ok(parent) = applied.parent(0)
    {
        let tree = parent.tree()?;
        let paths = changed_paths(&repository, &head.tree()?, &tree)?;
        ensure_clean(&repository, &paths)?;
        checkout_paths(&repository, &tree, &paths)?;
        move_branch(
            &repository,
            &branch,
            head.id(),
            parent.id(),
            "agent: undo task commit",
        )?;
        return Ok(UndoOutcome::Reset {
            head: parent.id().to_string(),
        });
    }

    if head.id() != applied.id() && !repository.graph_descendant_of(head.id(), applied.id())? {
        return Err(GitError::NotOnBranch {
            commit: applied.id().to_string(),
        });
    }
    let reverted = repository.revert_commit(&applied, &head, 0, None)?;
    let tree = merged_tree(&repository, reverted, "revert", &applied, &head)?;
    let summary = String::from_utf8_lossy(applied.summary_bytes().unwrap_or_default());
    let message = format!(
        "Revert \"{summary}\"\n\nThis reverts commit {}.\n",
        applied.id()
    );
    let new = commit_on_branch(
        &repository,
        &branch,
        &head,
        &tree,
        (None, &message),
        "agent: revert task commit",
    )?;
    Ok(UndoOutcome::Reverted {
        commit: new.to_string(),
    })
}

/// Commits `tree` on top of `head` (with `author`, else the committer) and moves `branch` to
/// it, writing only the paths that change — refused, changing nothing, when one of them has
/// uncommitted changes.
fn commit_on_branch(
    repository: &Repository,
    branch: &str,
    head: &Commit<'_>,
    tree: &git2::Tree<'_>,
    (author, message): (Option<git2::Signature<'_>>, &str),
    reflog: &str,
) -> Result<git2::Oid, GitError> {
    let paths = changed_paths(repository, &head.tree()?, tree)?;
    ensure_clean(repository, &paths)?;
    let committer = signature(repository)?;
    let author = author.unwrap_or_else(|| committer.clone());
    let new = repository.commit(None, &author, &committer, message, tree, &[head])?;
    checkout_paths(repository, tree, &paths)?;
    move_branch(repository, branch, head.id(), new, reflog)?;
    Ok(new)
}

/// The branch HEAD is on and the commit it points at; refuses a detached or unborn HEAD.
fn current_branch(repository: &Repository) -> Result<(String, Commit<'_>), GitError> {
    let head = match repository.head() {
        Ok(head) => head,
        Err(error) if error.code() == ErrorCode::UnbornBranch => {
            return Err(GitError::NoCommits {
                path: repository
                    .workdir()
                    .unwrap_or(repository.path())
                    .to_path_buf(),
            });
        }
        Err(error) => return Err(error.into()),
    };
    if repository.head_detached()? || !head.is_branch() {
        return Err(GitError::DetachedHead);
    }
    let name = head.name()?.to_owned();
    Ok((name, head.peel_to_commit()?))
}

/// Turns the in-memory result of a cherry-pick or revert into a tree, refusing conflicts and
/// results that change nothing.
fn merged_tree<'r>(
    repository: &'r Repository,
    mut index: Index,
    operation: &'static str,
    commit: &Commit<'_>,
    head: &Commit<'_>,
) -> Result<Tree<'r>, GitError> {
    if index.has_conflicts() {
        let mut paths = Vec::new();
        for conflict in index.conflicts()? {
            let conflict = conflict?;
            let entry = conflict.our.or(conflict.their).or(conflict.ancestor);
            if let Some(entry) = entry {
                paths.push(String::from_utf8_lossy(&entry.path).into_owned());
            }
        }
        return Err(GitError::Conflict {
            operation,
            commit: commit.id().to_string(),
            paths,
        });
    }
    let tree_id = index.write_tree_to(repository)?;
    if tree_id == head.tree_id() {
        return Err(GitError::NothingToApply {
            commit: commit.id().to_string(),
        });
    }
    Ok(repository.find_tree(tree_id)?)
}

/// The paths that differ between two trees, old and new names alike.
fn changed_paths(
    repository: &Repository,
    old: &Tree<'_>,
    new: &Tree<'_>,
) -> Result<Vec<String>, GitError> {
    let diff: Diff<'_> = repository.diff_tree_to_tree(Some(old), Some(new), None)?;
    let mut paths = Vec::new();
    for delta in diff.deltas() {
        for file in [delta.old_file(), delta.new_file()] {
            if let Some(path) = file.path() {
                let path = path.to_string_lossy().into_owned();
                if !paths.contains(&path) {
                    paths.push(path);
                }
            }
        }
    }
    Ok(paths)
}

/// Refuses with [`GitError::DirtyPaths`] when any of `paths` differs between HEAD, the index and
/// the working tree, or exists there untracked or ignored (it would be overwritten).
fn ensure_clean(repository: &Repository, paths: &[String]) -> Result<(), GitError> {
    if paths.is_empty() {
        return Ok(());
    }
    let mut options = StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(true)
        .recurse_ignored_dirs(true)
        .exclude_submodules(true)
        .disable_pathspec_match(true);
    for path in paths {
        options.pathspec(path);
    }
    let statuses = repository.statuses(Some(&mut options))?;
    let mut dirty: Vec<String> = statuses
        .iter()
        .filter(|entry| entry.status() != Status::CURRENT)
        .map(|entry| String::from_utf8_lossy(entry.path_bytes()).into_owned())
        .collect();
    if dirty.is_empty() {
        return Ok(());
    }
    dirty.sort();
    dirty.dedup();
    Err(GitError::DirtyPaths { paths: dirty })
}

/// Writes `paths` from `tree` into the index and working tree, removing those it lacks.
fn checkout_paths(
    repository: &Repository,
    tree: &Tree<'_>,
    paths: &[String],
) -> Result<(), GitError> {
    if paths.is_empty() {
        return Ok(());
    }
    let mut checkout = CheckoutBuilder::new();
    checkout.force().disable_pathspec_match(true);
    for path in paths {
        checkout.path(path.as_str());
    }
    repository.checkout_tree(tree.as_object(), Some(&mut checkout))?;
    Ok(())
}

/// Moves `branch` from `old` to `new`, failing if something else moved it meanwhile.
fn move_branch(
    repository: &Repository,
    branch: &str,
    old: Oid,
    new: Oid,
    message: &str,
) -> Result<(), GitError> {
    let _: Reference<'_> = repository.reference_matching(branch, new, true, old, message)?;
    Ok(())
}

#[cfg(test)]
mod tests;
