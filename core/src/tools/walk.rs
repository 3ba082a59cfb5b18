//! `list` and `search`: walks that honour `.gitignore`, `.ignore` and hidden files, as ripgrep
//! does, also outside git repositories.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use grep_regex::RegexMatcherBuilder;
use grep_searcher::sinks::Lossy;
use grep_searcher::{BinaryDetection, SearcherBuilder};
use ignore::WalkBuilder;
use ignore::overrides::OverrideBuilder;

use super::args::Args;
use super::{ToolError, ToolOutput, ToolSettings, Workspace};

/// The most entries `list` shows.
const MAX_LIST_ENTRIES: usize = 500;
/// The most matches `search` shows.
const MAX_SEARCH_MATCHES: usize = 100;
/// Matching lines are cut to this many characters.
const MAX_MATCH_CHARS: usize = 200;
/// The longest line `search` holds in memory: a file with a longer line (a minified bundle, a
/// data dump) is searched up to that line and then left, with a note, so that one huge line
/// cannot take as much memory as its size.
const MAX_SEARCH_LINE_BYTES: usize = 8 << 20;

/// `list {path?, depth?}`: the files and directories under a directory, sorted, relative to the
/// workspace root, directories with a trailing `/`.
pub(crate) fn list(
    workspace: &Workspace,
    _settings: &ToolSettings,
    args: &Args,
) -> Result<ToolOutput, ToolError> {
    let input = args.optional_string("path")?.unwrap_or(".");
    let depth = args.optional_count("depth")?;
    let directory = workspace.resolve_read(input)?;
    let shown = workspace.relative(&directory);
    if !directory.exists() {
        return Err(ToolError::NotFound { path: shown });
    }
    if !directory.is_dir() {
        return Err(ToolError::failed(format!(
            "`{shown}` is a file; use read to see it"
        )));
    }
    let mut entries = Vec::new();
    let mut total = 0;
    for entry in walker(&directory).max_depth(depth).build() {
        let Ok(entry) = entry else { continue };
        if entry.depth() == 0 {
            continue;
        }
        total += 1;
        if entries.len() < MAX_LIST_ENTRIES {
            let mut name = workspace.relative(entry.path());
            if entry.file_type().is_some_and(|kind| kind.is_dir()) {
                name.push('/');
            }
            entries.push(name);
        }
    }
    if entries.is_empty() {
        return Ok(ToolOutput::success(format!("`{shown}` has no files")));
    }
    let mut output = entries.join("\n");
    if total > entries.len() {
        let _ = write!(
            output,
            "\n… {} more; list a subdirectory or pass depth",
            total - entries.len()
        );
    }
    Ok(ToolOutput::success(output))
}

/// `search {pattern, path?, glob?}`: lines matching a regex, as `path:line: text`.
pub(crate) fn search(
    workspace: &Workspace,
    _settings: &ToolSettings,
    args: &Args,
) -> Result<ToolOutput, ToolError> {
    let pattern = args.string("pattern")?;
    let input = args.optional_string("path")?.unwrap_or(".");
    let glob = args.optional_string("glob")?;
    let base = workspace.resolve_read(input)?;
    if !base.exists() {
        return Err(ToolError::NotFound {
            path: workspace.relative(&base),
        });
    }
    let matcher = RegexMatcherBuilder::new()
        .line_terminator(Some(b'\n'))
        .build(pattern)
        .map_err(|error| {
            ToolError::invalid(format!(
                "invalid regex `{pattern}`: {}",
                one_line(&error.to_string())
            ))
        })?;
    let mut builder = walker(&base);
    if let Some(glob) = glob.filter(|glob| !glob.is_empty()) {
        let mut overrides = OverrideBuilder::new(&base);
        overrides
            .add(glob)
            .map_err(|error| ToolError::invalid(format!("invalid glob `{glob}`: {error}")))?;
        let overrides = overrides
            .build()
            .map_err(|error| ToolError::invalid(format!("invalid glob `{glob}`: {error}")))?;
        builder.overrides(overrides);
    }
    let mut searcher = SearcherBuilder::new()
        .binary_detection(BinaryDetection::quit(0))
        .line_number(true)
        .heap_limit(Some(MAX_SEARCH_LINE_BYTES))
        .build();
    let mut lines = Vec::new();
    let mut total = 0usize;
    let mut left = Vec::new();
    for entry in builder.build() {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_some_and(|kind| kind.is_file()) {
            continue;
        }
        let shown = workspace.relative(entry.path());
        let sink = Lossy(|number: u64, line: &str| -> Result<bool, io::Error> {
            total += 1;
            if lines.len() < MAX_SEARCH_MATCHES {
                lines.push(format!("{shown}:{number}: {}", cut(line.trim_end())));
            }
            Ok(true)
        });
        // An unreadable file is skipped, as ripgrep does; the rest of the search still helps.
        // A line past the heap limit ends the search of its file.
        if let Err(error) = searcher.search_path(&matcher, entry.path(), sink)
            && error.to_string().contains("allocation limit")
        {
            left.push(workspace.relative(entry.path()));
        }
    }
    let note = (!left.is_empty()).then(|| {
        format!(
            "(stopped searching {} at a line longer than {} MiB)",
            left.iter()
                .map(|path| format!("`{path}`"))
                .collect::<Vec<_>>()
                .join(", "),
            MAX_SEARCH_LINE_BYTES >> 20
        )
    });
    if lines.is_empty() {
        let mut output = format!("no matches for `{pattern}`");
        if let Some(note) = note {
            let _ = write!(output, " {note}");
        }
        return Ok(ToolOutput::success(output));
    }
    let mut output = lines.join("\n");
    if total > lines.len() {
        let _ = write!(
            output,
            "\n… {} more matches; narrow the pattern, path or glob",
            total - lines.len()
        );
    }
    if let Some(note) = note {
        let _ = write!(output, "\n{note}");
    }
    Ok(ToolOutput::success(output))
}

/// A sorted walk of `path` that honours ignore files (without needing a git repository) and
/// skips hidden files, never following symlinks out.
/// The files under `root` that git would not ignore, as `/`-separated relative paths, sorted,
/// at most `limit` (for `@` mention completion).
pub fn repository_files(root: &Path, limit: usize) -> Vec<String> {
    let mut files: Vec<String> = walker(root)
        .build()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_some_and(|kind| kind.is_file()))
        .filter_map(|entry| {
            entry
                .path()
                .strip_prefix(root)
                .ok()
                .map(|relative| relative.to_string_lossy().replace('\\', "/"))
        })
        .take(limit)
        .collect();
    files.sort();
    files
}

fn walker(path: &Path) -> WalkBuilder {
    let mut builder = WalkBuilder::new(path);
    builder
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .ignore(true)
        .parents(true)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_path(|a, b| a.cmp(b));
    builder
}

/// `line` cut to [`MAX_MATCH_CHARS`] characters.
fn cut(line: &str) -> String {
    match line.char_indices().nth(MAX_MATCH_CHARS) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None => line.to_owned(),
    }
}

/// A multi-line message (regex errors draw a caret diagram) on one line.
fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.chars().all(|c| c == '^' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ")
}
