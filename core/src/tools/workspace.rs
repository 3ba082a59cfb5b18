//! The workspace root and the confinement of every tool path to it.
//!
//! A path is normalized lexically first (`..` may not climb above the root), then resolved
//! component by component, following symlinks by hand so that paths which do not exist yet are
//! checked too. The result is the real path the tool touches; it must lie under the canonical
//! root and outside any `.git` directory.

use std::collections::VecDeque;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Component, Path, PathBuf};

use super::ToolError;

/// How many symlinks one resolution may follow before it is called a loop (as Linux's ELOOP).
const MAX_SYMLINK_HOPS: usize = 40;

/// The directory the tools work in; no tool path may leave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    /// The canonical root: absolute, no symlinks.
    root: PathBuf,
    /// The root as given, lexically normalized, so absolute paths spelled with it are accepted.
    given_root: PathBuf,
}

impl Workspace {
    /// A workspace rooted at `root`, which must be an existing directory.
    pub fn new(root: &Path) -> Result<Self, ToolError> {
        let display = root.display().to_string();
        let canonical = root
            .canonicalize()
            .map_err(|source| ToolError::io("open workspace", display.clone(), source))?;
        if !canonical.is_dir() {
            return Err(ToolError::failed(format!(
                "workspace `{display}` is not a directory"
            )));
        }
        let given_root = if root.is_absolute() {
            normalize_lexically(root)
        } else {
            canonical.clone()
        };
        Ok(Self {
            root: canonical,
            given_root,
        })
    }

    /// The canonical root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The real path a tool may read for `relative` (the root itself for `""` or `.`).
    pub fn resolve_read(&self, relative: &str) -> Result<PathBuf, ToolError> {
        let parts = self.lexical_parts(relative)?;
        self.follow(parts, relative)
    }

    /// The real path a tool may write for `relative`; never the root itself.
    pub fn resolve_write(&self, relative: &str) -> Result<PathBuf, ToolError> {
        let parts = self.lexical_parts(relative)?;
        if parts.is_empty() {
            return Err(ToolError::invalid(format!(
                "`{relative}` is the workspace root; name a file"
            )));
        }
        let resolved = self.follow(parts, relative)?;
        if resolved == self.root {
            return Err(ToolError::invalid(format!(
                "`{relative}` is the workspace root; name a file"
            )));
        }
        Ok(resolved)
    }

    /// `path` (a resolved path under the root) relative to the root with `/` separators, or `.`
    /// for the root itself. A path outside the root is shown whole.
    pub fn relative(&self, path: &Path) -> String {
        match path.strip_prefix(&self.root) {
            Ok(rest) if rest.as_os_str().is_empty() => ".".to_owned(),
            Ok(rest) => rest
                .components()
                .map(|component| component.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
            Err(_) => path.display().to_string(),
        }
    }

    /// The names of `input` below the root after lexical normalization.
    fn lexical_parts(&self, input: &str) -> Result<Vec<OsString>, ToolError> {
        let outside = || ToolError::OutsideWorkspace {
            path: input.to_owned(),
        };
        let path = Path::new(input);
        let relative = if path.is_absolute() {
            let normalized = normalize_lexically(path);
            normalized
                .strip_prefix(&self.root)
                .or_else(|_| normalized.strip_prefix(&self.given_root))
                .map_err(|_| outside())?
                .to_path_buf()
        } else {
            path.to_path_buf()
        };
        let mut parts: Vec<OsString> = Vec::new();
        for component in relative.components() {
            match component {
                Component::Normal(name) => parts.push(name.to_os_string()),
                Component::CurDir => {}
                Component::ParentDir => {
                    if parts.pop().is_none() {
                        return Err(outside());
                    }
                }
                Component::RootDir | Component::Prefix(_) => return Err(outside()),
            }
        }
        if parts.iter().any(|name| is_git_dir_name(name)) {
            return Err(ToolError::GitDirectory {
                path: input.to_owned(),
            });
        }
        Ok(parts)
    }

    /// Resolves `parts` from the root, following every symlink met on the way, and checks that
    /// the real path stays inside the root and outside `.git`.
    fn follow(&self, parts: Vec<OsString>, input: &str) -> Result<PathBuf, ToolError> {
        let mut pending: VecDeque<Step> = parts.into_iter().map(Step::Name).collect();
        let mut resolved = self.root.clone();
        let mut hops = 0;
        while let Some(step) = pending.pop_front() {
            let name = match step {
                Step::Parent => {
                    resolved.pop();
                    continue;
                }
                Step::Name(name) => name,
            };
            let candidate = resolved.join(&name);
            let is_symlink = fs::symlink_metadata(&candidate)
                .map(|metadata| metadata.file_type().is_symlink())
                .unwrap_or(false);
            if !is_symlink {
                // Missing components (and errors such as a file used as a directory) are taken
                // as they are: nothing below them can be a symlink, and the tool's own I/O will
                // report the error.
                resolved = candidate;
                continue;
            }
            hops += 1;
            if hops > MAX_SYMLINK_HOPS {
                return Err(ToolError::SymlinkLoop {
                    path: input.to_owned(),
                });
            }
            let target = fs::read_link(&candidate)
                .map_err(|source| ToolError::io("read symlink", input, source))?;
            let mut steps = Vec::new();
            for component in target.components() {
                match component {
                    Component::Prefix(_) | Component::RootDir => {
                        resolved = PathBuf::from(component.as_os_str());
                    }
                    Component::CurDir => {}
                    Component::ParentDir => steps.push(Step::Parent),
                    Component::Normal(name) => steps.push(Step::Name(name.to_os_string())),
                }
            }
            for step in steps.into_iter().rev() {
                pending.push_front(step);
            }
        }
        let Ok(inside) = resolved.strip_prefix(&self.root) else {
            let path = input.to_owned();
            return Err(if hops > 0 {
                ToolError::SymlinkEscape { path }
            } else {
                ToolError::OutsideWorkspace { path }
            });
        };
        if inside
            .components()
            .any(|part| is_git_dir_name(part.as_os_str()))
        {
            return Err(ToolError::GitDirectory {
                path: input.to_owned(),
            });
        }
        Ok(resolved)
    }
}

/// One step of a resolution: a name to enter or `..`.
enum Step {
    Name(OsString),
    Parent,
}

/// `path` with `.` dropped and `..` applied lexically (never above the file system root).
fn normalize_lexically(path: &Path) -> PathBuf {
    let mut normalized = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normalized.pop();
            }
            other => normalized.push(other.as_os_str()),
        }
    }
    normalized
}

/// Whether a file system would take `name` for `.git`: any case, trailing dots or spaces
/// (Windows), ignorable Unicode (macOS HFS+), or the 8.3 short name `git~1`.
fn is_git_dir_name(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    let visible: String = name.chars().filter(|c| !is_ignorable(*c)).collect();
    let trimmed = visible.trim_end_matches(['.', ' ']);
    trimmed.eq_ignore_ascii_case(".git") || trimmed.eq_ignore_ascii_case("git~1")
}

/// Code points HFS+ ignores when comparing names.
fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{200c}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{206a}'..='\u{206f}' | '\u{feff}'
    )
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// A workspace in `temp/root` with `temp/outside/secret.txt` beside it.
    fn fixture() -> (tempfile::TempDir, Workspace) {
        let temp = tempfile::tempdir().unwrap();
        fs::create_dir_all(temp.path().join("root/sub")).unwrap();
        fs::create_dir_all(temp.path().join("outside")).unwrap();
        fs::write(temp.path().join("outside/secret.txt"), "secret").unwrap();
        fs::write(temp.path().join("root/sub/a.txt"), "a").unwrap();
        let workspace = Workspace::new(&temp.path().join("root")).unwrap();
        (temp, workspace)
    }

    fn assert_outside(result: Result<PathBuf, ToolError>) {
        assert!(
            matches!(result, Err(ToolError::OutsideWorkspace { .. })),
            "{result:?}"
        );
    }

    #[test]
    fn relative_paths_resolve_under_the_canonical_root() {
        let (_temp, workspace) = fixture();
        let root = workspace.root().to_path_buf();
        assert_eq!(
            workspace.resolve_read("sub/a.txt").unwrap(),
            root.join("sub/a.txt")
        );
        assert_eq!(
            workspace.resolve_read("./sub/../sub/a.txt").unwrap(),
            root.join("sub/a.txt")
        );
        assert_eq!(workspace.resolve_read("").unwrap(), root);
        assert_eq!(workspace.resolve_read(".").unwrap(), root);
        assert_eq!(
            workspace.resolve_write("new/dir/b.txt").unwrap(),
            root.join("new/dir/b.txt")
        );
        assert_eq!(workspace.relative(&root.join("sub/a.txt")), "sub/a.txt");
        assert_eq!(workspace.relative(&root), ".");
    }

    #[test]
    fn parent_escapes_are_refused_for_read_and_write() {
        let (_temp, workspace) = fixture();
        for path in [
            "../x",
            "..",
            "sub/../../x",
            "sub/../../outside/secret.txt",
            "./..",
        ] {
            assert_outside(workspace.resolve_read(path));
            assert_outside(workspace.resolve_write(path));
        }
    }

    #[test]
    fn absolute_paths_are_accepted_only_inside_the_root() {
        let (temp, workspace) = fixture();
        assert_outside(workspace.resolve_read("/etc/passwd"));
        assert_outside(workspace.resolve_write("/etc/passwd"));
        let secret = temp.path().join("outside/secret.txt");
        assert_outside(workspace.resolve_read(&secret.display().to_string()));
        let inside = workspace.root().join("sub/a.txt");
        assert_eq!(
            workspace
                .resolve_read(&inside.display().to_string())
                .unwrap(),
            inside
        );
        // Spelled with the root as given, not canonicalized.
        let given = temp.path().join("root/sub/../sub/a.txt");
        assert_eq!(
            workspace
                .resolve_read(&given.display().to_string())
                .unwrap(),
            inside
        );
        let escape = format!("{}/../outside/secret.txt", workspace.root().display());
        assert_outside(workspace.resolve_read(&escape));
    }

    #[test]
    fn symlinked_directory_pointing_outside_is_refused_for_read_and_write() {
        let (temp, workspace) = fixture();
        symlink(temp.path().join("outside"), workspace.root().join("out")).unwrap();
        for result in [
            workspace.resolve_read("out/secret.txt"),
            workspace.resolve_read("out"),
            workspace.resolve_write("out/secret.txt"),
            workspace.resolve_write("out/new/file.txt"),
        ] {
            assert!(
                matches!(result, Err(ToolError::SymlinkEscape { .. })),
                "{result:?}"
            );
        }
    }

    #[test]
    fn symlinked_file_pointing_outside_is_refused_even_when_dangling() {
        let (temp, workspace) = fixture();
        symlink(
            temp.path().join("outside/secret.txt"),
            workspace.root().join("link"),
        )
        .unwrap();
        symlink(
            temp.path().join("outside/missing.txt"),
            workspace.root().join("dangling"),
        )
        .unwrap();
        symlink(
            "../../outside/secret.txt",
            workspace.root().join("sub/relative"),
        )
        .unwrap();
        for path in ["link", "dangling", "sub/relative"] {
            let result = workspace.resolve_write(path);
            assert!(
                matches!(result, Err(ToolError::SymlinkEscape { .. })),
                "{path}: {result:?}"
            );
            assert!(workspace.resolve_read(path).is_err(), "{path}");
        }
    }

    #[test]
    fn symlinks_inside_the_root_resolve_to_their_target() {
        let (_temp, workspace) = fixture();
        symlink("sub", workspace.root().join("alias")).unwrap();
        symlink("a.txt", workspace.root().join("sub/b.txt")).unwrap();
        let target = workspace.root().join("sub/a.txt");
        assert_eq!(workspace.resolve_read("alias/a.txt").unwrap(), target);
        assert_eq!(workspace.resolve_write("alias/b.txt").unwrap(), target);
        assert_eq!(
            workspace.resolve_write("alias/new.txt").unwrap(),
            workspace.root().join("sub/new.txt")
        );
    }

    #[test]
    fn symlink_loops_are_reported() {
        let (_temp, workspace) = fixture();
        symlink("loop-b", workspace.root().join("loop-a")).unwrap();
        symlink("loop-a", workspace.root().join("loop-b")).unwrap();
        let result = workspace.resolve_read("loop-a/x");
        assert!(
            matches!(result, Err(ToolError::SymlinkLoop { .. })),
            "{result:?}"
        );
    }

    #[test]
    fn git_directories_are_refused_in_any_spelling() {
        let (_temp, workspace) = fixture();
        fs::create_dir(workspace.root().join(".git")).unwrap();
        fs::write(workspace.root().join(".git/config"), "[core]").unwrap();
        fs::write(workspace.root().join("sub/.git"), "gitdir: /elsewhere").unwrap();
        symlink(".git", workspace.root().join("innocent")).unwrap();
        for path in [
            ".git/config",
            ".GIT/config",
            ".Git/hooks/pre-commit",
            ".git",
            "sub/.git",
            "sub/../.git/config",
            ".git./config",
            "git~1/config",
            "innocent/config",
        ] {
            let result = workspace.resolve_write(path);
            assert!(
                matches!(result, Err(ToolError::GitDirectory { .. })),
                "{path}: {result:?}"
            );
            let result = workspace.resolve_read(path);
            assert!(
                matches!(result, Err(ToolError::GitDirectory { .. })),
                "{path}: {result:?}"
            );
        }
        assert!(workspace.resolve_write(".gitignore").is_ok());
        assert!(workspace.resolve_write(".github/workflows/ci.yml").is_ok());
    }

    #[test]
    fn the_root_itself_cannot_be_written() {
        let (_temp, workspace) = fixture();
        assert!(workspace.resolve_write("").is_err());
        assert!(workspace.resolve_write("sub/..").is_err());
    }

    #[test]
    fn a_missing_root_is_not_found() {
        let temp = tempfile::tempdir().unwrap();
        let result = Workspace::new(&temp.path().join("missing"));
        assert!(
            matches!(result, Err(ToolError::NotFound { .. })),
            "{result:?}"
        );
    }
}
