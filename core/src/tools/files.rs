//! `read` and `write`: whole text files, with numbered lines out and unified-diff previews.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use super::args::Args;
use super::{ToolEffect, ToolError, ToolOutput, ToolSettings, Workspace};

/// How many leading bytes are checked for a NUL to call a file binary (as git does).
const BINARY_CHECK_BYTES: usize = 8000;
/// Longer lines are cut in `read` output so one minified line cannot flood the context.
const MAX_LINE_CHARS: usize = 2000;

/// `read {path, start?, end?}`: numbered lines of a text file, at most the line limit.
pub(crate) fn read(
    workspace: &Workspace,
    settings: &ToolSettings,
    args: &Args,
) -> Result<ToolOutput, ToolError> {
    let input = args.string("path")?;
    let start = args.optional_count("start")?.unwrap_or(1);
    let end = args.optional_count("end")?;
    let path = workspace.resolve_read(input)?;
    let shown = workspace.relative(&path);
    if path.is_dir() {
        return Err(ToolError::failed(format!(
            "`{shown}` is a directory; use list to see its files"
        )));
    }
    let text = read_text(&path, &shown)?;
    let lines: Vec<&str> = text.lines().collect();
    let total = lines.len();
    if total == 0 {
        return Ok(ToolOutput::success(format!("`{shown}` is empty")));
    }
    if start > total {
        return Err(ToolError::invalid(format!(
            "start={start} is past the end of `{shown}`, which has {total} lines"
        )));
    }
    let wanted_end = end.unwrap_or(total).min(total);
    if wanted_end < start {
        return Err(ToolError::invalid(format!(
            "end={wanted_end} is before start={start}"
        )));
    }
    let limit = settings.read_line_limit.max(1);
    let last = wanted_end.min(start + limit - 1);
    let mut output = String::new();
    for (index, line) in lines[start - 1..last].iter().enumerate() {
        let number = start + index;
        match line.char_indices().nth(MAX_LINE_CHARS) {
            Some((cut, _)) => {
                let _ = writeln!(output, "{number:>5}\t{}… [line cut]", &line[..cut]);
            }
            None => {
                let _ = writeln!(output, "{number:>5}\t{line}");
            }
        }
    }
    if last < wanted_end {
        let _ = writeln!(
            output,
            "… {} more lines; call read with start={}",
            total - last,
            last + 1
        );
    }
    Ok(ToolOutput::success(output.trim_end().to_owned()))
}

/// `write {path, content}`: replaces or creates a whole file, creating parent directories.
pub(crate) fn write(
    workspace: &Workspace,
    _settings: &ToolSettings,
    args: &Args,
) -> Result<ToolOutput, ToolError> {
    let input = args.string("path")?;
    let content = args.string("content")?;
    let path = workspace.resolve_write(input)?;
    let shown = workspace.relative(&path);
    if path.is_dir() {
        return Err(ToolError::failed(format!(
            "`{shown}` is a directory; name a file"
        )));
    }
    let existed = path.exists();
    let old = if existed {
        read_text(&path, &shown).unwrap_or_default()
    } else {
        String::new()
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|source| ToolError::io("create directories for", &shown, source))?;
    }
    fs::write(&path, content).map_err(|source| ToolError::io("write", &shown, source))?;
    let verb = if existed { "wrote" } else { "created" };
    Ok(ToolOutput {
        changed_paths: vec![shown.clone()],
        diff: Some(unified_diff(&shown, &old, content)),
        ..ToolOutput::success(format!(
            "{verb} `{shown}` ({} lines)",
            content.lines().count()
        ))
    })
}

/// The effect of a `write` call: a diff from the current file (or nothing) to the content.
/// `None` when the arguments are malformed.
pub(crate) fn write_effect(workspace: &Workspace, args: &Args) -> Option<ToolEffect> {
    let input = args.string("path").ok()?;
    let content = args.string("content").ok()?;
    let Ok(path) = workspace.resolve_write(input) else {
        return Some(ToolEffect::Write {
            path: input.to_owned(),
            preview: String::new(),
        });
    };
    let shown = workspace.relative(&path);
    let old = match fs::read(&path) {
        Ok(bytes) if !is_binary(&bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Ok(_) => {
            return Some(ToolEffect::Write {
                path: shown,
                preview: String::new(),
            });
        }
        Err(_) => String::new(),
    };
    let preview = unified_diff(&shown, &old, content);
    Some(ToolEffect::Write {
        path: shown,
        preview,
    })
}

/// A text file's content; binary files are refused.
pub(crate) fn read_text(path: &Path, shown: &str) -> Result<String, ToolError> {
    let bytes = fs::read(path).map_err(|source| match source.kind() {
        io::ErrorKind::IsADirectory => ToolError::failed(format!(
            "`{shown}` is a directory; use list to see its files"
        )),
        _ => ToolError::io("read", shown, source),
    })?;
    if is_binary(&bytes) {
        return Err(ToolError::failed(format!(
            "`{shown}` is a binary file; only text files can be read"
        )));
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    })
}

/// The unified diff from `old` to `new` of the file `shown`, empty when they are equal.
pub(crate) fn unified_diff(shown: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{shown}"), &format!("b/{shown}"))
        .to_string()
}

/// Whether `bytes` look binary: a NUL among the first bytes.
fn is_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(BINARY_CHECK_BYTES)].contains(&0)
}
