//! Task workspaces in git: a worktree per task, its diff and commit, and applying the result
//! onto the user's branch (and undoing it) without touching unrelated uncommitted work.
//!
//! Everything goes through libgit2 (`git2`), so no `git` binary is needed. The user's checkout
//! is only ever changed by [`apply_commit`] and [`undo_commit`], and then only at the paths the
//! commit touches; every other staged or unstaged change survives byte for byte.

mod apply;
mod commit;
mod diff;
mod error;
mod lock;
#[cfg(test)]
pub(crate) mod test_support;
mod worktree;

use std::path::{Path, PathBuf};

use git2::{Commit, ErrorCode, Repository, Signature};

pub use apply::{UndoOutcome, apply_commit, undo_commit};
pub use commit::commit_all;
pub use diff::{DiffStat, diff_since};
pub use error::GitError;
pub use worktree::{
    TaskWorktree, branch_exists, branches_with_prefix, create_worktree, remove_worktree,
    remove_worktree_directory,
};

/// The longest slug [`slug`] returns.
const SLUG_MAX: usize = 40;

/// Opens the repository containing `dir` and returns its top-level working directory.
///
/// Fails with [`GitError::NotARepository`] when no repository encloses `dir`, and with
/// [`GitError::BareRepository`] when the one that does has no working tree.
pub fn repository_root(dir: &Path) -> Result<PathBuf, GitError> {
    let repository = Repository::discover(dir).map_err(|_| GitError::NotARepository {
        path: dir.to_path_buf(),
    })?;
    match repository.workdir() {
        Some(workdir) => Ok(trim_trailing_separator(workdir)),
        None => Err(GitError::BareRepository {
            path: repository.path().to_path_buf(),
        }),
    }
}

/// The git directory of the linked worktree at `worktree` (`<repo>/.git/worktrees/<name>`,
/// where its index and HEAD live), or `None` for a repository's main checkout, whose git
/// directory is the repository's own.
pub fn linked_worktree_git_dir(worktree: &Path) -> Option<PathBuf> {
    let repo = git2::Repository::open(worktree).ok()?;
    repo.is_worktree().then(|| repo.path().to_path_buf())
}

/// The full sha of the commit `base` (`HEAD`, a sha, a branch or tag) names in the repository
/// at `repo_root`: what a task would start from. A front calls it before recording a task, so
/// that a repository without commits or an unknown base is a usage error (with a hint) and
/// leaves no failed task behind.
pub fn resolve_base(repo_root: &Path, base: &str) -> Result<String, GitError> {
    let repository = open_repository(repo_root)?;
    Ok(resolve_commit(&repository, base)?.id().to_string())
}

/// How many tracked files in the repository at `repo_root` have uncommitted changes (staged or
/// not). A task starts from a commit, so a front warns that these are not part of it.
pub fn uncommitted_changes(repo_root: &Path) -> Result<usize, GitError> {
    let repository = Repository::open(repo_root)?;
    let mut options = git2::StatusOptions::new();
    options.include_untracked(false).include_ignored(false);
    Ok(repository.statuses(Some(&mut options))?.len())
}

/// A lowercase ascii slug of a task title for branch names: runs of letters and digits joined
/// by `-`, at most 40 characters, never empty (`task`).
pub fn slug(title: &str) -> String {
    let mut slug = String::new();
    for word in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        let separator = usize::from(!slug.is_empty());
        if slug.len() + separator + word.len() > SLUG_MAX {
            if slug.is_empty() {
                slug.push_str(&word[..SLUG_MAX]);
            }
            break;
        }
        if separator == 1 {
            slug.push('-');
        }
        slug.push_str(word);
    }
    if slug.is_empty() {
        return "task".to_owned();
    }
    slug.make_ascii_lowercase();
    slug
}

/// Opens the repository whose working tree (or linked worktree) is exactly `dir`.
fn open_repository(dir: &Path) -> Result<Repository, GitError> {
    let repository = Repository::open(dir).map_err(|_| GitError::NotARepository {
        path: dir.to_path_buf(),
    })?;
    if repository.is_bare() {
        return Err(GitError::BareRepository {
            path: dir.to_path_buf(),
        });
    }
    Ok(repository)
}

/// Resolves a revision (`HEAD`, a sha, a branch, a tag) to a commit.
fn resolve_commit<'r>(repository: &'r Repository, revision: &str) -> Result<Commit<'r>, GitError> {
    if head_is_unborn(repository)? {
        return Err(GitError::NoCommits {
            path: repository
                .workdir()
                .unwrap_or(repository.path())
                .to_path_buf(),
        });
    }
    let unknown = || GitError::UnknownRevision {
        revision: revision.to_owned(),
    };
    let object = repository.revparse_single(revision).map_err(|error| {
        if matches!(
            error.code(),
            ErrorCode::NotFound | ErrorCode::Ambiguous | ErrorCode::InvalidSpec
        ) {
            unknown()
        } else {
            GitError::Git(error)
        }
    })?;
    object.peel_to_commit().map_err(|_| unknown())
}

/// Whether HEAD names a branch with no commit yet (a fresh repository).
fn head_is_unborn(repository: &Repository) -> Result<bool, GitError> {
    match repository.head() {
        Ok(_) => Ok(false),
        Err(error) if error.code() == ErrorCode::UnbornBranch => Ok(true),
        Err(error) => Err(error.into()),
    }
}

/// The identity to commit with: `user.name`/`user.email` from the repository's configuration,
/// or `agent <agent@localhost>` when they are not set.
fn signature(repository: &Repository) -> Result<Signature<'static>, GitError> {
    match repository.signature() {
        Ok(signature) => Ok(signature),
        Err(_) => Ok(Signature::now("agent", "agent@localhost")?),
    }
}

/// libgit2 reports working directories with a trailing `/`; callers compare and join paths.
fn trim_trailing_separator(path: &Path) -> PathBuf {
    path.components().collect()
}

#[cfg(test)]
mod tests {
    use super::test_support::Fixture;
    use super::*;

    #[test]
    fn slug_joins_words_and_stays_short() {
        assert_eq!(slug("Fix the  Login bug!"), "fix-the-login-bug");
        assert_eq!(slug("  ---  "), "task");
        assert_eq!(slug("Ünïcode ✓"), "n-code");
        let long = slug("add a very long feature title that keeps going and going forever");
        assert!(long.len() <= 40, "{long}");
        assert_eq!(long, "add-a-very-long-feature-title-that-keeps");
        assert_eq!(slug(&"x".repeat(60)).len(), 40);
    }

    #[test]
    fn repository_root_finds_the_top_level_from_a_subdirectory() {
        let fixture = Fixture::with_commit();
        std::fs::create_dir_all(fixture.root.join("a/b")).unwrap();
        let root = repository_root(&fixture.root.join("a/b")).unwrap();
        assert_eq!(
            root.canonicalize().unwrap(),
            fixture.root.canonicalize().unwrap()
        );
    }

    #[test]
    fn repository_root_outside_a_repository_has_a_hint() {
        let dir = tempfile::tempdir().unwrap();
        let error = repository_root(dir.path()).unwrap_err();
        assert!(
            matches!(error, GitError::NotARepository { .. }),
            "{error:?}"
        );
        assert_eq!(
            error.hint().as_deref(),
            Some("run inside a git repository or pass --repo DIR")
        );
    }
}
