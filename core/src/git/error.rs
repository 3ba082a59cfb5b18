//! The error type of the git layer, and what the user can do about each case.

use std::path::PathBuf;
use std::time::Duration;

/// Everything the task-workspace git operations can fail with.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The directory is not inside a git repository. Returned by every entry point that opens a
    /// repository; retrying does not help until the user points agent at a repository.
    #[error("not a git repository: {}", path.display())]
    NotARepository { path: PathBuf },

    /// The repository is bare, so there is no working tree to change. Retrying does not help.
    #[error("git repository {} has no working tree", path.display())]
    BareRepository { path: PathBuf },

    /// The repository has no commit yet, so there is nothing to base a task on. Returned by
    /// [`create_worktree`](super::create_worktree) and the apply/undo operations.
    #[error("git repository {} has no commits yet", path.display())]
    NoCommits { path: PathBuf },

    /// A revision (base of a task, commit to apply or undo) does not name a commit.
    #[error("unknown revision `{revision}`")]
    UnknownRevision { revision: String },

    /// The task branch already exists. Returned by [`create_worktree`](super::create_worktree);
    /// retrying needs another branch name.
    #[error("branch `{branch}` already exists")]
    BranchExists { branch: String },

    /// Something is already in the way where the worktree should go. Retrying needs another
    /// path or the old directory removed.
    #[error("worktree path {} already exists", path.display())]
    PathExists { path: PathBuf },

    /// HEAD is detached, so there is no branch to commit onto. Returned by apply and undo.
    #[error("HEAD is detached")]
    DetachedHead,

    /// Applying or undoing would conflict with the current branch; nothing was changed.
    #[error(
        "{operation} of {} conflicts with the current branch in {}",
        short(commit),
        list(paths)
    )]
    Conflict {
        /// The git command that would do the same by hand: `cherry-pick` or `revert`.
        operation: &'static str,
        commit: String,
        paths: Vec<String>,
    },

    /// Paths the commit touches have uncommitted changes (staged, unstaged or untracked) in the
    /// user's checkout; nothing was changed. Retrying helps once those changes are committed or
    /// stashed.
    #[error("uncommitted changes in paths the commit touches: {}", list(paths))]
    DirtyPaths { paths: Vec<String> },

    /// The commit would change nothing on the current branch (it is probably applied already).
    #[error("commit {} changes nothing on the current branch", short(commit))]
    NothingToApply { commit: String },

    /// The commit to undo is not in the current branch's history. Returned by
    /// [`undo_commit`](super::undo_commit); retrying helps on the branch it was applied to.
    #[error("commit {} is not on the current branch", short(commit))]
    NotOnBranch { commit: String },

    /// A file system operation outside libgit2 failed. Retrying may help if the cause was
    /// transient. The message carries the cause, so that a task's recorded error has it too.
    #[error("cannot {action} {}: {error}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        error: std::io::Error,
    },

    /// Another agent process held the repository's lock (while it created or removed a task
    /// worktree) for longer than agent waits. Retrying helps once it is done.
    #[error(
        "another agent process held the repository lock {} for {}s",
        path.display(),
        waited.as_secs()
    )]
    Busy { path: PathBuf, waited: Duration },

    /// A branch that was to be deleted is still there afterwards (another process recreated it
    /// or git refused silently).
    #[error("branch `{branch}` is still there after deleting it")]
    BranchRemains { branch: String },

    /// libgit2 failed for another reason (a locked index, a corrupt object, a full disk). The
    /// message carries libgit2's own.
    #[error("git operation failed: {}", .0.message())]
    Git(git2::Error),
}

impl From<git2::Error> for GitError {
    fn from(error: git2::Error) -> Self {
        Self::Git(error)
    }
}

impl GitError {
    /// How a front should treat the error: a wrong place or revision is the user's to fix.
    pub fn class(&self) -> crate::error::ErrorClass {
        use crate::error::ErrorClass;
        match self {
            Self::NotARepository { .. }
            | Self::BareRepository { .. }
            | Self::NoCommits { .. }
            | Self::UnknownRevision { .. }
            | Self::DetachedHead => ErrorClass::Usage,
            _ => ErrorClass::Failure,
        }
    }

    /// What the user can do about the error, when there is something to do.
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::NotARepository { .. } | Self::BareRepository { .. } => {
                Some("run inside a git repository or pass --repo DIR".to_owned())
            }
            Self::NoCommits { .. } => {
                Some("make a first commit, e.g. `git commit --allow-empty -m init`".to_owned())
            }
            Self::UnknownRevision { .. } => {
                Some("pass a commit, branch or tag that exists in the repository".to_owned())
            }
            Self::BranchExists { branch } => Some(format!(
                "pick another name, or delete the old branch with `git branch -D {branch}`"
            )),
            Self::PathExists { .. } => {
                Some("remove the directory or choose another location".to_owned())
            }
            Self::DetachedHead => Some("check out a branch first: `git switch BRANCH`".to_owned()),
            Self::Conflict {
                operation, commit, ..
            } => Some(format!(
                "run `git {operation} {commit}` and resolve the conflicts by hand"
            )),
            Self::DirtyPaths { paths } => Some(format!(
                "commit or stash those changes first: `git stash push -- {}`",
                paths.join(" ")
            )),
            Self::NothingToApply { .. } => {
                Some("the changes are probably on the current branch already".to_owned())
            }
            Self::NotOnBranch { .. } => {
                Some("switch to the branch the commit was applied to".to_owned())
            }
            Self::Busy { .. } => Some(
                "another agent task is creating or removing its worktree in this repository; try again"
                    .to_owned(),
            ),
            Self::BranchRemains { branch } => Some(format!(
                "delete it by hand: `git branch -D {branch}`"
            )),
            Self::Io { .. } | Self::Git(_) => None,
        }
    }
}

/// The abbreviated form of a commit id for messages.
fn short(commit: &str) -> &str {
    commit.get(..10).unwrap_or(commit)
}

/// A path list for a one-line message: the first few, then a count of the rest.
fn list(paths: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = paths
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        text.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line_and_list_paths() {
        let paths: Vec<String> = (0..7).map(|i| format!("f{i}")).collect();
        let error = GitError::DirtyPaths { paths };
        let message = error.to_string();
        assert_eq!(
            message,
            "uncommitted changes in paths the commit touches: f0, f1, f2, f3, f4 and 2 more"
        );
        assert!(error.hint().is_some_and(|hint| hint.contains("f6")));
    }

    #[test]
    fn conflict_names_the_manual_command() {
        let error = GitError::Conflict {
            operation: "cherry-pick",
            commit: "0123456789abcdef".to_owned(),
            paths: vec!["a.txt".to_owned()],
        };
        assert_eq!(
            error.to_string(),
            "cherry-pick of 0123456789 conflicts with the current branch in a.txt"
        );
        assert_eq!(
            error.hint().as_deref(),
            Some("run `git cherry-pick 0123456789abcdef` and resolve the conflicts by hand")
        );
    }
}
