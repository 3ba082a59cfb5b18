//! What installing, removing and reading agent's git hooks can fail with.

use std::path::PathBuf;

use crate::ErrorClass;
use crate::git::GitError;

/// Errors of [`super`]'s install, uninstall and status.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    /// The repository could not be opened, or it has no place for hooks.
    #[error(transparent)]
    Git(#[from] GitError),
    /// A file in the hooks directory could not be read, written, moved or removed.
    #[error("cannot {action} {}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Installing would chain a hook, but a chained hook is already there (someone replaced
    /// agent's hook after installing it). Nothing was changed.
    #[error("{} already exists, and {hook} is not agent's: there is no room to chain it", path.display())]
    ChainTaken { hook: String, path: PathBuf },
}

impl HookError {
    /// Which kind of failure this is, for the exit code.
    pub fn class(&self) -> ErrorClass {
        match self {
            HookError::Git(git) => git.class(),
            HookError::Io { .. } | HookError::ChainTaken { .. } => ErrorClass::Failure,
        }
    }

    /// What the user can do about it.
    pub fn hint(&self) -> Option<String> {
        match self {
            HookError::Git(git) => git.hint(),
            HookError::Io { path, .. } => Some(format!(
                "check that {} is writable by you",
                path.parent().unwrap_or(path).display()
            )),
            HookError::ChainTaken { path, .. } => Some(format!(
                "run the hook {} holds yourself or remove it, then install again",
                path.display()
            )),
        }
    }
}
