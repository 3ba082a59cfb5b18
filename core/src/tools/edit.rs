//! `edit`: replace exactly one occurrence of a text in a file, with errors that tell the model
//! how to fix a missing or ambiguous match.

use std::fs;

use super::args::Args;
use super::files::{read_text, unified_diff};
use super::{ToolEffect, ToolError, ToolOutput, ToolSettings, Workspace};

/// At most this many line numbers are named for an ambiguous match.
const MAX_LISTED_MATCHES: usize = 5;

/// `edit {path, old, new}`: replaces the one occurrence of `old` with `new`.
pub(crate) fn edit(
    workspace: &Workspace,
    _settings: &ToolSettings,
    args: &Args,
) -> Result<ToolOutput, ToolError> {
    let input = args.string("path")?;
    let old = args.string("old")?;
    let new = args.string("new")?;
    let path = workspace.resolve_write(input)?;
    let shown = workspace.relative(&path);
    if path.is_dir() {
        return Err(ToolError::failed(format!(
            "`{shown}` is a directory; name a file"
        )));
    }
    if !path.exists() {
        return Err(ToolError::failed(format!(
            "`{shown}` does not exist; use write to create it"
        )));
    }
    let content = read_text(&path, &shown)?;
    let replacement = replace_once(&content, old, new, &shown)?;
    fs::write(&path, &replacement.content)
        .map_err(|source| ToolError::io("write", &shown, source))?;
    let range = if replacement.first_line == replacement.last_line {
        format!("line {}", replacement.first_line)
    } else {
        format!("lines {}-{}", replacement.first_line, replacement.last_line)
    };
    Ok(ToolOutput {
        changed_paths: vec![shown.clone()],
        diff: Some(unified_diff(&shown, &content, &replacement.content)),
        ..ToolOutput::success(format!("edited `{shown}`: {range} changed"))
    })
}

/// The effect of an `edit` call, with the diff when the edit would apply. `None` when the
/// arguments are malformed.
pub(crate) fn effect(workspace: &Workspace, args: &Args) -> Option<ToolEffect> {
    let input = args.string("path").ok()?;
    let old = args.string("old").ok()?;
    let new = args.string("new").ok()?;
    let preview = || -> Option<(String, String)> {
        let path = workspace.resolve_write(input).ok()?;
        let shown = workspace.relative(&path);
        let content = read_text(&path, &shown).ok()?;
        let replacement = replace_once(&content, old, new, &shown).ok()?;
        let diff = unified_diff(&shown, &content, &replacement.content);
        Some((shown, diff))
    };
    let (path, preview) = preview().unwrap_or_else(|| (input.to_owned(), String::new()));
    Some(ToolEffect::Write { path, preview })
}

/// A file's content after an edit, and the 1-based lines the new text occupies.
struct Replacement {
    content: String,
    first_line: usize,
    last_line: usize,
}

/// `content` with the single occurrence of `old` replaced by `new`. A file with CRLF line ends
/// is matched and edited in CRLF when `old` has plain LFs.
fn replace_once(
    content: &str,
    old: &str,
    new: &str,
    shown: &str,
) -> Result<Replacement, ToolError> {
    if old.is_empty() {
        return Err(ToolError::invalid(
            "`old` is empty; give the exact text to replace, or use write for a new file",
        ));
    }
    if old == new {
        return Err(ToolError::invalid(
            "`old` and `new` are the same; nothing to change",
        ));
    }
    let crlf = content.contains("\r\n") && !old.contains('\r');
    let (old, new) = if crlf {
        (old.replace('\n', "\r\n"), new.replace('\n', "\r\n"))
    } else {
        (old.to_owned(), new.to_owned())
    };
    let starts: Vec<usize> = content
        .match_indices(&old)
        .map(|(start, _)| start)
        .collect();
    match starts.as_slice() {
        [] => Err(ToolError::failed(not_found_message(content, &old, shown))),
        [start] => {
            let first_line = line_of(content, *start);
            let lines = new.matches('\n').count() + 1 - usize::from(new.ends_with('\n'));
            let mut edited = String::with_capacity(content.len() + new.len());
            edited.push_str(&content[..*start]);
            edited.push_str(&new);
            edited.push_str(&content[start + old.len()..]);
            Ok(Replacement {
                content: edited,
                first_line,
                last_line: first_line + lines.max(1) - 1,
            })
        }
        many => {
            let mut lines: Vec<String> = many
                .iter()
                .take(MAX_LISTED_MATCHES)
                .map(|start| line_of(content, *start).to_string())
                .collect();
            if many.len() > MAX_LISTED_MATCHES {
                lines.push("…".to_owned());
            }
            Err(ToolError::failed(format!(
                "`old` matches {} places in `{shown}` (lines {}); include more surrounding lines to make it unique",
                many.len(),
                lines.join(", ")
            )))
        }
    }
}

/// The message for an `old` text that does not occur, naming the line of a match that differs
/// only in whitespace if there is one.
fn not_found_message(content: &str, old: &str, shown: &str) -> String {
    match whitespace_insensitive_line(content, old) {
        Some(line) => format!(
            "`old` not found in `{shown}`; text differing only in whitespace is near line {line}: read it there and copy it exactly"
        ),
        None => format!(
            "`old` not found in `{shown}`; read the file and copy the text to replace exactly"
        ),
    }
}

/// The line where `old` matches when all whitespace is allowed to differ.
fn whitespace_insensitive_line(content: &str, old: &str) -> Option<usize> {
    let words: Vec<String> = old.split_whitespace().map(regex::escape).collect();
    if words.is_empty() {
        return None;
    }
    let pattern = regex::RegexBuilder::new(&words.join(r"\s*"))
        .size_limit(1 << 20)
        .build()
        .ok()?;
    pattern
        .find(content)
        .map(|found| line_of(content, found.start()))
}

/// The 1-based line number of the byte offset `at`.
fn line_of(content: &str, at: usize) -> usize {
    content[..at].matches('\n').count() + 1
}
