//! Creating and removing the linked worktree (and branch) a task works in.
//!
//! Both hold the repository's lock ([`RepoLock`]) while they change branches and worktree
//! entries, so tasks starting and ending at once in one repository queue instead of failing on
//! git's lock files; a lock file held by someone else's `git` is waited out a little.

use std::path::{Path, PathBuf};

use git2::{BranchType, ErrorCode, Repository, WorktreeAddOptions, WorktreePruneOptions};

use super::lock::{RepoLock, retry_locked};
use super::{GitError, open_repository, resolve_commit};

/// A task's private checkout: a linked worktree on its own branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskWorktree {
    pub path: PathBuf,
    pub branch: String,
    /// The full sha the branch started from; diffs and the task's commit are relative to it.
    pub base_commit: String,
}

/// Creates a worktree at `worktree_path` on a new branch `branch` starting at `base` (`HEAD`, a
/// sha, a branch or tag name).
///
/// The user's working tree, index and current branch are not touched. Missing parent
/// directories of `worktree_path` are created; the path itself must not exist (an empty
/// directory is allowed).
pub fn create_worktree(
    repo_root: &Path,
    worktree_path: &Path,
    branch: &str,
    base: &str,
) -> Result<TaskWorktree, GitError> {
    let repository = open_repository(repo_root)?;
    let base_commit = resolve_commit(&repository, base)?;
    let _lock = RepoLock::acquire(&repository)?;
    if branch_exists_in(&repository, branch)? {
        return Err(GitError::BranchExists {
            branch: branch.to_owned(),
        });
    }
    prepare_location(worktree_path)?;

    let name = unused_worktree_name(&repository, worktree_path);
    let branch_ref = retry_locked(|| Ok(repository.branch(branch, &base_commit, false)?))?;
    let reference = branch_ref.into_reference();
    let mut options = WorktreeAddOptions::new();
    options.reference(Some(&reference));
    if let Err(error) = repository.worktree(&name, worktree_path, Some(&options)) {
        // Leave nothing behind: the branch was only created for this worktree, and a half-made
        // worktree would be in the way of the next try.
        let _ = remove_directory(&repository, worktree_path);
        let _ = retry_locked(|| delete_branch(&repository, branch));
        return Err(error.into());
    }
    Ok(TaskWorktree {
        path: worktree_path.to_path_buf(),
        branch: branch.to_owned(),
        base_commit: base_commit.id().to_string(),
    })
}

/// Removes the worktree at `worktree_path` (its directory and git's administrative entry) and
/// deletes `branch`. Pieces that are already gone are skipped, so this is idempotent. A branch
/// still there afterwards is [`GitError::BranchRemains`], never a silent success.
pub fn remove_worktree(
    repo_root: &Path,
    worktree_path: &Path,
    branch: &str,
) -> Result<(), GitError> {
    let repository = open_repository(repo_root)?;
    let _lock = RepoLock::acquire(&repository)?;
    remove_directory(&repository, worktree_path)?;
    retry_locked(|| delete_branch(&repository, branch))?;
    if branch_exists_in(&repository, branch)? {
        return Err(GitError::BranchRemains {
            branch: branch.to_owned(),
        });
    }
    Ok(())
}

/// Removes the worktree (its directory and git's administrative entry) but keeps its branch:
/// what a finished task leaves, once its work is committed. Missing pieces are not an error.
pub fn remove_worktree_directory(repo_root: &Path, worktree_path: &Path) -> Result<(), GitError> {
    let repository = open_repository(repo_root)?;
    let _lock = RepoLock::acquire(&repository)?;
    remove_directory(&repository, worktree_path)
}

/// The local branches whose names start with `prefix` (a task's `agent/<id8>-`, to find a
/// branch the store never heard of), sorted.
pub fn branches_with_prefix(repo_root: &Path, prefix: &str) -> Result<Vec<String>, GitError> {
    let repository = open_repository(repo_root)?;
    let mut names = Vec::new();
    for branch in repository.branches(Some(BranchType::Local))? {
        let (branch, _) = branch?;
        if let Ok(Some(name)) = branch.name()
            && name.starts_with(prefix)
        {
            names.push(name.to_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// Deletes the local branch `branch`; one that is not there is fine.
fn delete_branch(repository: &Repository, branch: &str) -> Result<(), GitError> {
    match repository.find_branch(branch, BranchType::Local) {
        Ok(mut branch_ref) => Ok(branch_ref.delete()?),
        Err(error) if error.code() == ErrorCode::NotFound => Ok(()),
        Err(error) => Err(error.into()),
    }
}

/// [`remove_worktree_directory`] with the repository open and locked by the caller.
fn remove_directory(repository: &Repository, worktree_path: &Path) -> Result<(), GitError> {
    let wanted = comparable(worktree_path);
    for name in repository.worktrees()?.iter() {
        let Ok(Some(name)) = name else {
            continue;
        };
        let Ok(worktree) = repository.find_worktree(name) else {
            continue;
        };
        if comparable(worktree.path()) != wanted {
            continue;
        }
        let mut options = WorktreePruneOptions::new();
        options.valid(true).working_tree(true);
        retry_locked(|| Ok(worktree.prune(Some(&mut options))?))?;
    }
    match std::fs::remove_dir_all(worktree_path) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(source) => {
            return Err(GitError::Io {
                action: "remove worktree directory",
                path: worktree_path.to_path_buf(),
                error: source,
            });
        }
    }
    Ok(())
}

/// Whether a local branch named `branch` exists in the repository at `repo_root`.
pub fn branch_exists(repo_root: &Path, branch: &str) -> Result<bool, GitError> {
    branch_exists_in(&open_repository(repo_root)?, branch)
}

fn branch_exists_in(repository: &Repository, branch: &str) -> Result<bool, GitError> {
    match repository.find_branch(branch, BranchType::Local) {
        Ok(_) => Ok(true),
        Err(error) if matches!(error.code(), ErrorCode::NotFound | ErrorCode::InvalidSpec) => {
            Ok(false)
        }
        Err(error) => Err(error.into()),
    }
}

/// Makes sure libgit2 can create `path`: its parents exist and it does not (an empty directory
/// is removed, anything else is refused).
fn prepare_location(path: &Path) -> Result<(), GitError> {
    let io = |action, error| GitError::Io {
        action,
        path: path.to_path_buf(),
        error,
    };
    match std::fs::read_dir(path) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(GitError::PathExists {
                    path: path.to_path_buf(),
                });
            }
            std::fs::remove_dir(path).map_err(|source| io("prepare worktree directory", source))?;
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(_) => {
            return Err(GitError::PathExists {
                path: path.to_path_buf(),
            });
        }
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|source| io("create worktree parent directory", source))?;
    }
    Ok(())
}

/// A name for git's administrative entry (`.git/worktrees/NAME`): the directory's file name made
/// safe, with a numeric suffix when an entry of that name is already there.
fn unused_worktree_name(repository: &Repository, worktree_path: &Path) -> String {
    let stem: String = worktree_path
        .file_name()
        .map(|name| name.to_string_lossy())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = if stem.trim_matches('-').is_empty() {
        "task".to_owned()
    } else {
        stem
    };
    let admin = repository.commondir().join("worktrees");
    let mut name = stem.clone();
    let mut suffix = 2;
    while admin.join(&name).exists() {
        name = format!("{stem}-{suffix}");
        suffix += 1;
    }
    name
}

/// A form of `path` that compares equal for the same location: canonical where the path (or at
/// least its parent) still exists, without a trailing separator otherwise.
fn comparable(path: &Path) -> PathBuf {
    if let Ok(canonical) = path.canonicalize() {
        return canonical;
    }
    let trimmed: PathBuf = path.components().collect();
    match (trimmed.parent(), trimmed.file_name()) {
        (Some(parent), Some(name)) => parent
            .canonicalize()
            .map(|parent| parent.join(name))
            .unwrap_or(trimmed.clone()),
        _ => trimmed,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::Fixture;
    use super::*;

    #[test]
    fn creating_a_worktree_leaves_the_user_checkout_alone() {
        let fixture = Fixture::with_commit();
        fixture.write("a.txt", "alpha, edited\n");
        fixture.write("staged.txt", "staged\n");
        fixture.git(&["add", "staged.txt"]);
        fixture.write("untracked.txt", "untracked\n");
        let before = fixture.snapshot();

        let path = fixture.worktree_path("fix-bug");
        let task = create_worktree(&fixture.root, &path, "agent/fix-bug", "HEAD").unwrap();

        assert_eq!(fixture.snapshot(), before);
        assert_eq!(task.base_commit, fixture.head());
        assert_eq!(task.branch, "agent/fix-bug");
        assert_eq!(
            std::fs::read_to_string(path.join("a.txt")).unwrap(),
            "alpha\n"
        );
        assert!(!path.join("staged.txt").exists());
        assert!(!path.join("untracked.txt").exists());
        let branch = super::super::test_support::git(&path, &["symbolic-ref", "HEAD"]);
        assert_eq!(branch.trim(), "refs/heads/agent/fix-bug");
        assert!(branch_exists(&fixture.root, "agent/fix-bug").unwrap());
    }

    #[test]
    fn a_worktree_can_start_from_an_older_commit_by_sha() {
        let fixture = Fixture::with_commit();
        let first = fixture.head();
        fixture.write("a.txt", "second\n");
        fixture.commit_all("second");
        let path = fixture.worktree_path("old");
        let task = create_worktree(&fixture.root, &path, "old", &first).unwrap();
        assert_eq!(task.base_commit, first);
        assert_eq!(
            std::fs::read_to_string(path.join("a.txt")).unwrap(),
            "alpha\n"
        );
    }

    #[test]
    fn existing_branch_and_occupied_path_are_refused() {
        let fixture = Fixture::with_commit();
        let path = fixture.worktree_path("one");
        create_worktree(&fixture.root, &path, "one", "HEAD").unwrap();
        let error = create_worktree(&fixture.root, &fixture.worktree_path("two"), "one", "HEAD")
            .unwrap_err();
        assert!(matches!(error, GitError::BranchExists { .. }), "{error:?}");
        let error = create_worktree(&fixture.root, &path, "two", "HEAD").unwrap_err();
        assert!(matches!(error, GitError::PathExists { .. }), "{error:?}");
        assert!(!branch_exists(&fixture.root, "two").unwrap());
    }

    #[test]
    fn empty_repository_and_unknown_base_are_explained() {
        let empty = Fixture::empty();
        let error =
            create_worktree(&empty.root, &empty.worktree_path("t"), "t", "HEAD").unwrap_err();
        assert!(matches!(error, GitError::NoCommits { .. }), "{error:?}");
        assert!(
            error
                .hint()
                .is_some_and(|hint| hint.contains("first commit"))
        );

        let fixture = Fixture::with_commit();
        let error =
            create_worktree(&fixture.root, &fixture.worktree_path("t"), "t", "nope").unwrap_err();
        assert!(
            matches!(error, GitError::UnknownRevision { .. }),
            "{error:?}"
        );
        assert_eq!(error.to_string(), "unknown revision `nope`");
        assert!(!branch_exists(&fixture.root, "t").unwrap());
        assert!(!fixture.worktree_path("t").exists());

        let plain = tempfile::tempdir().unwrap();
        let error =
            create_worktree(plain.path(), &plain.path().join("t"), "t", "HEAD").unwrap_err();
        assert!(
            matches!(error, GitError::NotARepository { .. }),
            "{error:?}"
        );
    }

    #[test]
    fn remove_worktree_is_idempotent_and_frees_the_names() {
        let fixture = Fixture::with_commit();
        let path = fixture.worktree_path("task");
        create_worktree(&fixture.root, &path, "agent/task", "HEAD").unwrap();
        std::fs::write(path.join("scratch.txt"), "work in progress").unwrap();

        remove_worktree(&fixture.root, &path, "agent/task").unwrap();
        assert!(!path.exists());
        assert!(!branch_exists(&fixture.root, "agent/task").unwrap());
        assert!(!fixture.git(&["worktree", "list"]).contains("task"));

        remove_worktree(&fixture.root, &path, "agent/task").unwrap();
        create_worktree(&fixture.root, &path, "agent/task", "HEAD").unwrap();
        assert!(path.join("a.txt").exists());
    }

    #[test]
    fn remove_worktree_prunes_an_entry_whose_directory_is_gone() {
        let fixture = Fixture::with_commit();
        let path = fixture.worktree_path("gone");
        create_worktree(&fixture.root, &path, "gone", "HEAD").unwrap();
        std::fs::remove_dir_all(&path).unwrap();
        remove_worktree(&fixture.root, &path, "gone").unwrap();
        assert!(!branch_exists(&fixture.root, "gone").unwrap());
        assert!(
            !fixture
                .git(&["worktree", "list", "--porcelain"])
                .contains("gone")
        );
    }
}
