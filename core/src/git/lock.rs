//! One lock per repository around what changes its refs and worktree entries, so that several
//! agent processes (or task threads) creating and removing task branches queue instead of
//! tripping over git's own lock files; and patience with git's lock files held by others.
//!
//! The lock is an exclusive advisory lock (`flock` / `LockFileEx`, through std's
//! [`File::try_lock`]) on `agent.lock` in the repository's common git directory, so every
//! worktree of a repository shares it. The kernel releases it when its holder exits, also on
//! `kill -9`; the file itself stays, empty.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use git2::{ErrorCode, Repository};

use super::GitError;

/// The lock file's name in the common git directory.
const LOCK_FILE: &str = "agent.lock";

/// How long to wait for another agent process's hold on the repository.
const PATIENCE: Duration = Duration::from_secs(60);

/// How many times an operation that found one of git's lock files taken (a `git` command of
/// the user's running at the same time) is tried.
const LOCKED_TRIES: u32 = 6;

/// The repository lock, released when dropped.
#[derive(Debug)]
pub(crate) struct RepoLock {
    _file: File,
}

impl RepoLock {
    /// Waits (up to a minute) for the repository's lock. A file system without locks (some
    /// network mounts) is not an error: the operation goes on unlocked, as it did before.
    pub(crate) fn acquire(repository: &Repository) -> Result<Self, GitError> {
        Self::acquire_at(repository.commondir().join(LOCK_FILE), PATIENCE)
    }

    fn acquire_at(path: PathBuf, patience: Duration) -> Result<Self, GitError> {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| GitError::Io {
                action: "open the repository lock",
                path: path.clone(),
                error: source,
            })?;
        let deadline = Instant::now() + patience;
        let mut tries = 0u32;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Self { _file: file }),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    tries += 1;
                    std::thread::sleep(pause(tries));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(GitError::Busy {
                        path,
                        waited: patience,
                    });
                }
                Err(TryLockError::Error(error))
                    if error.kind() == std::io::ErrorKind::Unsupported =>
                {
                    return Ok(Self { _file: file });
                }
                Err(TryLockError::Error(source)) => {
                    return Err(GitError::Io {
                        action: "lock",
                        path,
                        error: source,
                    });
                }
            }
        }
    }
}

/// Runs `operation` again (a few times, pausing a little longer each time) while it fails
/// because one of git's own lock files (`index.lock`, `packed-refs.lock`, a ref's `.lock`) is
/// held by someone else.
pub(crate) fn retry_locked<T>(
    mut operation: impl FnMut() -> Result<T, GitError>,
) -> Result<T, GitError> {
    let mut tries = 0;
    loop {
        match operation() {
            Err(GitError::Git(error)) if is_locked(&error) && tries + 1 < LOCKED_TRIES => {
                tries += 1;
                std::thread::sleep(pause(tries + 3));
            }
            other => return other,
        }
    }
}

/// Whether libgit2 failed because a lock file was in the way.
fn is_locked(error: &git2::Error) -> bool {
    error.code() == ErrorCode::Locked || error.message().contains("failed to lock")
}

/// The pause before try `tries` (from 1): 2 ms doubling to 128 ms.
fn pause(tries: u32) -> Duration {
    Duration::from_millis(2u64 << tries.min(6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOCK_FILE);
        let first = RepoLock::acquire_at(path.clone(), PATIENCE).unwrap();
        let error = RepoLock::acquire_at(path.clone(), Duration::from_millis(50)).unwrap_err();
        assert!(matches!(error, GitError::Busy { .. }), "{error:?}");
        assert!(error.to_string().contains("agent.lock"), "{error}");

        let waiter = std::thread::spawn({
            let path = path.clone();
            move || {
                let started = Instant::now();
                let _held = RepoLock::acquire_at(path, PATIENCE).unwrap();
                started.elapsed()
            }
        });
        std::thread::sleep(Duration::from_millis(100));
        drop(first);
        let waited = waiter.join().unwrap();
        assert!(waited >= Duration::from_millis(90), "{waited:?}");
        assert!(waited < Duration::from_secs(5), "{waited:?}");
    }

    #[test]
    fn locked_git_errors_are_tried_again_and_others_are_not() {
        let mut calls = 0;
        let result: Result<(), GitError> = retry_locked(|| {
            calls += 1;
            if calls < 3 {
                Err(GitError::Git(git2::Error::new(
                    ErrorCode::Locked,
                    git2::ErrorClass::Os,
                    "failed to lock file 'packed-refs.lock' for writing",
                )))
            } else {
                Ok(())
            }
        });
        assert!(result.is_ok());
        assert_eq!(calls, 3);

        let mut calls = 0;
        let result: Result<(), GitError> = retry_locked(|| {
            calls += 1;
            Err(GitError::UnknownRevision {
                revision: "x".into(),
            })
        });
        assert!(result.is_err());
        assert_eq!(calls, 1);
    }
}
