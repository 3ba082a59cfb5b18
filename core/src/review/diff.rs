//! Unified diffs as GitHub sends a pull request's (`application/vnd.github.diff`): per file its
//! paths, what happened to it, and every line of its hunks with old and new line numbers and
//! GitHub's legacy `position`. Parsing never fails: what is not a diff line is skipped.

use std::collections::BTreeSet;

/// What the pull request does to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    Added,
    Deleted,
    Modified,
    Renamed,
    Copied,
}

impl FileStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Added => "added",
            FileStatus::Deleted => "deleted",
            FileStatus::Modified => "modified",
            FileStatus::Renamed => "renamed",
            FileStatus::Copied => "copied",
        }
    }
}

/// A side of the diff, as the review API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Side {
    /// The old file (removed lines).
    Left,
    /// The new file (added and context lines).
    Right,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Left => "LEFT",
            Side::Right => "RIGHT",
        }
    }
}

/// The kind of a line of a file's diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// `@@ -a,b +c,d @@`.
    Hunk,
    /// ` text`: in both files.
    Context,
    /// `+text`.
    Added,
    /// `-text`.
    Removed,
    /// `\ No newline at end of file`.
    NoNewline,
}

/// One line of a file's diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub kind: LineKind,
    /// The line's number in the old file (context and removed lines).
    pub old: Option<u32>,
    /// The line's number in the new file (context and added lines).
    pub new: Option<u32>,
    /// GitHub's legacy `position`: lines below the file's first hunk header (which is 0).
    pub position: u32,
    /// The text without its `+`/`-`/` ` prefix (a hunk header or marker: the whole line).
    pub text: String,
}

/// One file of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDiff {
    /// The path before the change; `None` for an added file.
    pub old_path: Option<String>,
    /// The path after the change; `None` for a deleted file.
    pub new_path: Option<String>,
    pub status: FileStatus,
    /// A binary file: no lines to comment on.
    pub binary: bool,
    /// Hunk headers and hunk lines, in order.
    pub lines: Vec<DiffLine>,
}

impl FileDiff {
    /// The path review comments name: the new one, or the old one of a deleted file.
    pub fn path(&self) -> &str {
        self.new_path
            .as_deref()
            .or(self.old_path.as_deref())
            .unwrap_or("")
    }

    /// The lines of `side` a review comment may be on: new-side numbers of added and context
    /// lines (`RIGHT`), old-side numbers of removed and context lines (`LEFT`).
    pub fn commentable(&self, side: Side) -> BTreeSet<u32> {
        self.lines
            .iter()
            .filter_map(|line| match (side, line.kind) {
                (Side::Right, LineKind::Added | LineKind::Context) => line.new,
                (Side::Left, LineKind::Removed | LineKind::Context) => line.old,
                _ => None,
            })
            .collect()
    }

    /// Lines added and removed.
    pub fn counts(&self) -> (usize, usize) {
        let count = |kind| self.lines.iter().filter(|line| line.kind == kind).count();
        (count(LineKind::Added), count(LineKind::Removed))
    }

    /// The `position` of `line` on `side`, where a comment may go.
    pub fn position_of(&self, side: Side, line: u32) -> Option<u32> {
        self.lines
            .iter()
            .find(|l| match (side, l.kind) {
                (Side::Right, LineKind::Added | LineKind::Context) => l.new == Some(line),
                (Side::Left, LineKind::Removed) => l.old == Some(line),
                (Side::Left, LineKind::Context) => l.old == Some(line),
                _ => false,
            })
            .map(|l| l.position)
    }
}

/// Parses a unified diff (`git diff`, GitHub's diff media type, or plain `diff -u` files one
/// after another).
pub fn parse(text: &str) -> Vec<FileDiff> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut files: Vec<FileDiff> = Vec::new();
    let mut state = State::Idle;
    let mut index = 0;
    while index < lines.len() {
        let raw = lines[index];
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        index += 1;
        if let State::Hunk {
            old_left,
            new_left,
            old_next,
            new_next,
        } = &mut state
            && (*old_left > 0 || *new_left > 0)
            && let Some(file) = files.last_mut()
        {
            // Inside a hunk every line is content until its counts are spent (a removed line
            // `--- x` is not a file header).
            let position = next_position(file);
            let (old, new) = (*old_next, *new_next);
            let (kind, body) = match raw.as_bytes().first() {
                Some(b'+') if *new_left > 0 => (LineKind::Added, &raw[1..]),
                Some(b'-') if *old_left > 0 => (LineKind::Removed, &raw[1..]),
                Some(b' ') if *old_left > 0 && *new_left > 0 => (LineKind::Context, &raw[1..]),
                // An empty context line whose space was stripped by an editor or a mailer.
                None if *old_left > 0 && *new_left > 0 && index < lines.len() => {
                    (LineKind::Context, "")
                }
                Some(b'\\') => {
                    file.lines.push(DiffLine {
                        kind: LineKind::NoNewline,
                        old: None,
                        new: None,
                        position,
                        text: line.to_string(),
                    });
                    continue;
                }
                _ => {
                    // A hunk shorter than its header said: end it and read this line afresh.
                    state = State::Idle;
                    index -= 1;
                    continue;
                }
            };
            let (old, new) = match kind {
                LineKind::Added => {
                    *new_left -= 1;
                    *new_next = new_next.saturating_add(1);
                    (None, Some(new))
                }
                LineKind::Removed => {
                    *old_left -= 1;
                    *old_next = old_next.saturating_add(1);
                    (Some(old), None)
                }
                _ => {
                    *old_left -= 1;
                    *new_left -= 1;
                    *old_next = old_next.saturating_add(1);
                    *new_next = new_next.saturating_add(1);
                    (Some(old), Some(new))
                }
            };
            file.lines.push(DiffLine {
                kind,
                old,
                new,
                position,
                text: body.strip_suffix('\r').unwrap_or(body).to_string(),
            });
            continue;
        }
        if let Some(rest) = line.strip_prefix("diff --git ") {
            files.push(file_from_git_header(rest));
            state = State::Header;
            continue;
        }
        if line.starts_with("--- ")
            && lines
                .get(index)
                .is_some_and(|next| next.starts_with("+++ "))
            && !matches!(state, State::Header)
        {
            // A plain unified diff without `diff --git` lines.
            files.push(FileDiff {
                old_path: None,
                new_path: None,
                status: FileStatus::Modified,
                binary: false,
                lines: Vec::new(),
            });
            state = State::Header;
        }
        let Some(file) = files.last_mut() else {
            continue;
        };
        if line.starts_with("@@") {
            match hunk_header(line) {
                Some((old_start, old_count, new_start, new_count)) => {
                    let position = next_position(file);
                    file.lines.push(DiffLine {
                        kind: LineKind::Hunk,
                        old: None,
                        new: None,
                        position,
                        text: line.to_string(),
                    });
                    state = State::Hunk {
                        old_left: old_count,
                        new_left: new_count,
                        old_next: old_start,
                        new_next: new_start,
                    };
                }
                None => state = State::Skip,
            }
            continue;
        }
        match state {
            State::Header => read_header_line(file, line),
            State::Hunk { .. } if line.starts_with('\\') => {
                let position = next_position(file);
                file.lines.push(DiffLine {
                    kind: LineKind::NoNewline,
                    old: None,
                    new: None,
                    position,
                    text: line.to_string(),
                });
            }
            // A line after a hunk's last one (the hunk header said fewer): not part of it.
            State::Hunk { .. } => state = State::Idle,
            State::Idle | State::Skip => {}
        }
    }
    for file in &mut files {
        if file.new_path.is_none() && file.status != FileStatus::Deleted {
            file.new_path = file.old_path.clone();
        }
        if file.old_path.is_none() && file.status != FileStatus::Added {
            file.old_path = file.new_path.clone();
        }
    }
    files
}

#[derive(Debug)]
enum State {
    /// Between files, or after a hunk.
    Idle,
    /// After `diff --git`, before the first hunk.
    Header,
    /// In a hunk: the lines of each side still to come and the numbers they start at.
    Hunk {
        old_left: u32,
        new_left: u32,
        old_next: u32,
        new_next: u32,
    },
    /// After a hunk header that does not parse: its lines are skipped.
    Skip,
}

/// The position the next line of `file` takes.
fn next_position(file: &FileDiff) -> u32 {
    u32::try_from(file.lines.len()).unwrap_or(u32::MAX)
}

/// `@@ -a[,b] +c[,d] @@ …` → (a, b, c, d); a missing count is 1. A side with count 0 starts
/// after its line number (`-0,0` of an added file: the first line is 1).
fn hunk_header(line: &str) -> Option<(u32, u32, u32, u32)> {
    let rest = line.strip_prefix("@@ ")?;
    let (ranges, _) = rest.split_once(" @@")?;
    let (old, new) = ranges.split_once(' ')?;
    let range = |text: &str, sign: char| -> Option<(u32, u32)> {
        let text = text.strip_prefix(sign)?;
        let (start, count): (u32, u32) = match text.split_once(',') {
            Some((start, count)) => (start.parse().ok()?, count.parse().ok()?),
            None => (text.parse().ok()?, 1),
        };
        // An empty side names the line before: the next line is start + 1.
        Some((
            if count == 0 {
                start.saturating_add(1)
            } else {
                start
            },
            count,
        ))
    };
    let (old_start, old_count) = range(old, '-')?;
    let (new_start, new_count) = range(new, '+')?;
    Some((old_start, old_count, new_start, new_count))
}

fn read_header_line(file: &mut FileDiff, line: &str) {
    if let Some(path) = line.strip_prefix("--- ") {
        file.old_path = header_path(path, "a/");
        if file.old_path.is_none() {
            file.status = FileStatus::Added;
        }
    } else if let Some(path) = line.strip_prefix("+++ ") {
        file.new_path = header_path(path, "b/");
        if file.new_path.is_none() {
            file.status = FileStatus::Deleted;
        }
    } else if line.starts_with("new file mode") {
        file.status = FileStatus::Added;
        file.old_path = None;
    } else if line.starts_with("deleted file mode") {
        file.status = FileStatus::Deleted;
        file.new_path = None;
    } else if let Some(path) = line.strip_prefix("rename from ") {
        file.status = FileStatus::Renamed;
        file.old_path = Some(unquote(path));
    } else if let Some(path) = line.strip_prefix("rename to ") {
        file.status = FileStatus::Renamed;
        file.new_path = Some(unquote(path));
    } else if let Some(path) = line.strip_prefix("copy from ") {
        file.status = FileStatus::Copied;
        file.old_path = Some(unquote(path));
    } else if let Some(path) = line.strip_prefix("copy to ") {
        file.status = FileStatus::Copied;
        file.new_path = Some(unquote(path));
    } else if line.starts_with("Binary files ") || line == "GIT binary patch" {
        file.binary = true;
    }
}

/// The path of a `---`/`+++` line: `/dev/null` is none; a `\t` ends it (GNU diff's timestamp,
/// git's marker after a name with spaces); the `a/` or `b/` prefix is dropped.
fn header_path(text: &str, prefix: &str) -> Option<String> {
    let text = text.split('\t').next().unwrap_or(text);
    if text == "/dev/null" {
        return None;
    }
    let path = unquote(text);
    Some(path.strip_prefix(prefix).unwrap_or(&path).to_string())
}

/// The paths of `diff --git a/P b/Q` (quoted when they hold special characters). Without
/// quotes and with spaces the split is ambiguous; a rename or the `---`/`+++` lines then
/// correct it.
fn file_from_git_header(rest: &str) -> FileDiff {
    let (old, new) = if rest.starts_with('"') || rest.ends_with('"') {
        split_quoted(rest)
    } else {
        split_plain(rest)
    };
    let strip = |path: String, prefix: &str| match path.strip_prefix(prefix) {
        Some(stripped) => stripped.to_string(),
        None => path,
    };
    FileDiff {
        old_path: old.map(|path| strip(path, "a/")),
        new_path: new.map(|path| strip(path, "b/")),
        status: FileStatus::Modified,
        binary: false,
        lines: Vec::new(),
    }
}

fn split_plain(rest: &str) -> (Option<String>, Option<String>) {
    // `a/P b/P`: the same path twice, split in the middle.
    if rest.len() % 2 == 1 {
        let half = rest.len() / 2;
        if rest.is_char_boundary(half) && rest.is_char_boundary(half + 1) {
            let (old, new) = (&rest[..half], &rest[half + 1..]);
            if old.get(2..) == new.get(2..) && rest.as_bytes()[half] == b' ' {
                return (Some(old.to_string()), Some(new.to_string()));
            }
        }
    }
    match rest.split_once(" b/") {
        Some((old, new)) => (Some(old.to_string()), Some(format!("b/{new}"))),
        None => (None, None),
    }
}

fn split_quoted(rest: &str) -> (Option<String>, Option<String>) {
    let (first, remainder) = take_path(rest);
    let (second, _) = take_path(remainder.trim_start());
    (first, second)
}

/// One path at the start of `text`, quoted or up to the next space.
fn take_path(text: &str) -> (Option<String>, &str) {
    if let Some(body) = text.strip_prefix('"') {
        let mut escaped = false;
        for (at, ch) in body.char_indices() {
            match ch {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    return (Some(unquote(&text[..at + 2])), &body[at + 1..]);
                }
                _ => escaped = false,
            }
        }
        return (None, "");
    }
    match text.split_once(' ') {
        Some((path, rest)) => (Some(path.to_string()), rest),
        None if !text.is_empty() => (Some(text.to_string()), ""),
        None => (None, ""),
    }
}

/// Git's C-style quoting (`"caf\303\251 \"x\".txt"`) undone; unquoted text is returned as is.
fn unquote(text: &str) -> String {
    let Some(body) = text
        .strip_prefix('"')
        .and_then(|body| body.strip_suffix('"'))
    else {
        return text.to_string();
    };
    let mut bytes = Vec::with_capacity(body.len());
    let mut chars = body.bytes().peekable();
    while let Some(byte) = chars.next() {
        if byte != b'\\' {
            bytes.push(byte);
            continue;
        }
        let Some(escape) = chars.next() else { break };
        match escape {
            b'n' => bytes.push(b'\n'),
            b't' => bytes.push(b'\t'),
            b'r' => bytes.push(b'\r'),
            b'a' => bytes.push(0x07),
            b'b' => bytes.push(0x08),
            b'f' => bytes.push(0x0c),
            b'v' => bytes.push(0x0b),
            b'0'..=b'7' => {
                let mut value = u32::from(escape - b'0');
                for _ in 0..2 {
                    match chars.peek() {
                        Some(digit @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(digit - b'0');
                            chars.next();
                        }
                        _ => break,
                    }
                }
                bytes.push(u8::try_from(value).unwrap_or(b'?'));
            }
            other => bytes.push(other),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
#[path = "diff_tests.rs"]
mod tests;
