//! Where each tool keeps its history, and finding its files under a directory.

use std::path::{Path, PathBuf};

use super::Tool;
use crate::env::{CLAUDE_CONFIG_DIR, CODEX_HOME, EnvSnapshot, HOME};
use crate::error::{Error, Result};

/// Directories never walked into.
const SKIPPED_DIRS: &[&str] = &[".git", "node_modules"];

/// The files found to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    /// The file or directory looked at.
    pub root: PathBuf,
    /// The files of the tool's format, sorted.
    pub files: Vec<PathBuf>,
}

/// The tool's own location: `$CODEX_HOME/sessions` (`~/.codex/sessions`),
/// `$CLAUDE_CONFIG_DIR/projects` (`~/.claude/projects`), or `.aider.chat.history.md` at the root
/// of the repository `cwd` is in (else in `cwd`).
pub fn default_location(tool: Tool, env: &EnvSnapshot, cwd: &Path) -> Option<PathBuf> {
    let home = || env.path(HOME);
    match tool {
        Tool::Codex => env
            .path(CODEX_HOME)
            .or_else(|| home().map(|h| h.join(".codex")))
            .map(|dir| dir.join("sessions")),
        Tool::Claude => env
            .path(CLAUDE_CONFIG_DIR)
            .or_else(|| home().map(|h| h.join(".claude")))
            .map(|dir| dir.join("projects")),
        Tool::Aider => Some(
            crate::config::find_repo_root(cwd)
                .unwrap_or_else(|| cwd.to_path_buf())
                .join(".aider.chat.history.md"),
        ),
    }
}

/// The files to import: `path` itself when it is a file, else the tool's files under it (symbolic
/// links are not followed). `path` defaults to [`default_location`].
pub fn discover(
    tool: Tool,
    path: Option<&Path>,
    env: &EnvSnapshot,
    cwd: &Path,
) -> Result<Discovered> {
    let root = match path {
        Some(path) => cwd.join(path),
        None => default_location(tool, env, cwd).ok_or_else(|| Error::ImportSource {
            message: format!(
                "cannot find {}'s history: HOME is not set",
                tool.display_name()
            ),
            hint: format!("pass the file or directory: agent history import --from {tool} PATH"),
        })?,
    };
    let metadata = std::fs::metadata(&root).map_err(|_| Error::ImportSource {
        message: format!("no {} history at {}", tool.display_name(), root.display()),
        hint: format!(
            "pass the file or directory to read: agent history import --from {tool} PATH"
        ),
    })?;
    if metadata.is_file() {
        return Ok(Discovered {
            files: vec![root.clone()],
            root,
        });
    }
    let mut files = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|source| Error::Io {
            action: "read",
            path: dir.clone(),
            source,
        })?;
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if kind.is_dir() {
                if !SKIPPED_DIRS.contains(&name.as_ref()) {
                    pending.push(entry.path());
                }
            } else if kind.is_file() && is_history_file(tool, &name) {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    Ok(Discovered { root, files })
}

fn is_history_file(tool: Tool, name: &str) -> bool {
    match tool {
        Tool::Codex => name.starts_with("rollout-") && name.ends_with(".jsonl"),
        Tool::Claude => name.ends_with(".jsonl"),
        Tool::Aider => name == ".aider.chat.history.md",
    }
}
