//! Where git looks for a repository's hooks: `core.hooksPath` when it is set, else `hooks` in
//! the common git directory, which every worktree of the repository shares.

use std::path::{Path, PathBuf};

use git2::Repository;

use super::error::HookError;
use crate::git::GitError;

/// The hooks directory of one repository.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HooksDir {
    /// The directory (absolute; it may not exist yet).
    pub path: PathBuf,
    /// True when `core.hooksPath` chose it.
    pub from_hooks_path: bool,
}

/// The hooks directory of the repository containing `dir`, as git finds it: `core.hooksPath`
/// (`~/` expanded; relative to the top of the working tree, or to the git directory of a bare
/// repository), else `<common git dir>/hooks`.
pub fn hooks_dir(dir: &Path) -> Result<HooksDir, HookError> {
    let repository = Repository::discover(dir).map_err(|_| GitError::NotARepository {
        path: dir.to_path_buf(),
    })?;
    let configured = repository
        .config()
        .map_err(GitError::from)?
        .snapshot()
        .map_err(GitError::from)?
        .get_path("core.hooksPath")
        .ok()
        .filter(|path| !path.as_os_str().is_empty());
    let dir = match configured {
        Some(path) if path.is_absolute() => HooksDir {
            path,
            from_hooks_path: true,
        },
        Some(path) => HooksDir {
            path: repository
                .workdir()
                .unwrap_or_else(|| repository.path())
                .join(path),
            from_hooks_path: true,
        },
        None => HooksDir {
            path: repository.commondir().join("hooks"),
            from_hooks_path: false,
        },
    };
    Ok(HooksDir {
        path: normalize(&dir.path),
        ..dir
    })
}

/// `path` without `.` components and trailing separators (libgit2 returns `…/.git/`).
fn normalize(path: &Path) -> PathBuf {
    path.components()
        .filter(|part| !matches!(part, std::path::Component::CurDir))
        .collect()
}
