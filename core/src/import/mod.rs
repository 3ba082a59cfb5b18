//! Imports from other agents (`agent history import --from codex|claude|aider`): their session
//! files read into conversations that keep where they came from.
//!
//! Reading is separate from storing: [`read_file`] turns one file into [`ImportSession`]s (and the
//! records it could not read, as [`BadRecord`]s); `Store::import_sessions` places them. Every
//! kept record becomes one message whose id is the start of a content hash: the SHA-256 of the
//! record's content (its raw bytes; for Claude, the fields that say what it is) chained to its
//! parent's hash. The same file read twice gives the same ids, so a second import adds nothing,
//! a file that grew adds only its new records, and a Claude session resumed into a new file
//! continues the conversation it resumed.
//!
//! Imported files are hostile input: lines are capped, control characters (terminal escapes) are
//! removed from every text, tool calls and their output are kept only as short summaries, a
//! parent chain that loops is a malformed record, and nothing read is ever run.

mod aider;
mod claude;
mod codex;
mod discover;
mod lines;
mod summary;
mod tree;

use std::fmt;
use std::path::{Path, PathBuf};

use agent_models::Role;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::time::Millis;

pub use discover::{Discovered, default_location, discover};

/// The agents whose histories can be imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tool {
    /// OpenAI's Codex CLI: `~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`.
    Codex,
    /// Anthropic's Claude Code: `~/.claude/projects/<dir>/<session>.jsonl`.
    Claude,
    /// Aider: `.aider.chat.history.md` in the repository.
    Aider,
}

impl Tool {
    pub const ALL: [Tool; 3] = [Tool::Codex, Tool::Claude, Tool::Aider];

    /// The name used on the command line and stored as the origin.
    pub fn as_str(self) -> &'static str {
        match self {
            Tool::Codex => "codex",
            Tool::Claude => "claude",
            Tool::Aider => "aider",
        }
    }

    /// The name for people.
    pub fn display_name(self) -> &'static str {
        match self {
            Tool::Codex => "Codex",
            Tool::Claude => "Claude Code",
            Tool::Aider => "Aider",
        }
    }
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Tool {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<Self, Self::Err> {
        Tool::ALL
            .into_iter()
            .find(|tool| tool.as_str() == text)
            .ok_or_else(|| format!("unknown tool `{text}` (codex, claude or aider)"))
    }
}

/// A record that could not be read: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadRecord {
    pub path: PathBuf,
    /// 1-based line number.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for BadRecord {
    /// `file:line: why` on one line, without control characters: a file's name and what a
    /// message quotes of a record come from the hostile input.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = summary::clean_line(&self.path.display().to_string());
        let message = summary::clean_line(&self.message);
        write!(f, "{path}:{}: {message}", self.line)
    }
}

/// One message as it will be stored (text already cleaned and summarised).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedMessage {
    pub role: Role,
    pub content: String,
    pub model: Option<String>,
    /// For a tool result: the call it answers.
    pub tool_call_id: Option<String>,
    /// For a tool call: `[{"id", "name", "arguments": {"summary"}}]` as JSON text.
    pub tool_calls: Option<String>,
    pub created_at: Millis,
}

/// One kept record, placed in its session's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportNode {
    /// SHA-256 (hex) of the record's content chained to its parent's hash.
    pub hash: String,
    /// Index of the parent node (always earlier in [`ImportSession::nodes`]).
    pub parent: Option<usize>,
    /// 1-based line of the record in its file.
    pub line: usize,
    /// The record's own id in the tool's format (Claude's uuid, Codex's call id), if any.
    pub record: Option<String>,
    pub message: ImportedMessage,
}

impl ImportNode {
    /// The stored message's id: the first 16 hex digits of the hash.
    pub fn message_id(&self) -> &str {
        &self.hash[..16]
    }
}

/// One session of a tool: its messages as a tree, main line first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSession {
    pub tool: Tool,
    /// The file it was read from.
    pub path: PathBuf,
    /// The tool's id of the session (Aider: the time its session started).
    pub session: String,
    /// The repository (or directory) the session worked in.
    pub repo: Option<String>,
    /// A title the tool gave the session (Claude's summary), if any.
    pub title: Option<String>,
    /// Parents before children; the main line (root to the newest leaf) comes first, then each
    /// side branch after the branch it leaves.
    pub nodes: Vec<ImportNode>,
}

/// What one file held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileRead {
    pub sessions: Vec<ImportSession>,
    pub bad: Vec<BadRecord>,
    /// Records read (lines for JSONL, blocks for Aider), including ones that are no message.
    pub records: usize,
}

/// What reading needs besides the file.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The zone of Aider's local start times (`# aider chat started at 2025-05-01 10:00:00`).
    pub time_zone: jiff::tz::TimeZone,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            time_zone: jiff::tz::TimeZone::UTC,
        }
    }
}

/// Reads one file of `tool`'s format. Malformed records are returned in [`FileRead::bad`], never
/// as an error; only a file that cannot be read at all is an error.
pub fn read_file(tool: Tool, path: &Path, options: &ReadOptions) -> Result<FileRead> {
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    })?;
    let input = std::io::BufReader::new(file);
    let read = match tool {
        Tool::Codex => codex::read(input, path),
        Tool::Claude => claude::read(input, path),
        Tool::Aider => aider::read(input, path, options, file_time(path)),
    };
    read.map_err(|source| Error::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    })
}

/// The file's modification time, for records that carry none.
fn file_time(path: &Path) -> Millis {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| jiff::Timestamp::try_from(t).ok())
        .map(|t| t.as_millisecond())
        .unwrap_or_else(crate::time::now_ms)
}

/// A line shortened for a title (`… (branch)` titles).
pub fn shorten_title(text: &str) -> String {
    summary::shorten(text, 80)
}

/// The repository a session worked in: the recorded directory's git root when it exists on this
/// machine, else the directory as recorded.
fn repository_of(recorded: &str) -> Option<String> {
    let recorded = summary::clean_line(recorded);
    if recorded.is_empty() {
        return None;
    }
    let path = Path::new(&recorded);
    if path.is_absolute()
        && let Ok(canonical) = path.canonicalize()
    {
        let root = crate::config::find_repo_root(&canonical).unwrap_or(canonical);
        return Some(root.display().to_string());
    }
    Some(recorded)
}

#[cfg(test)]
mod tests;
