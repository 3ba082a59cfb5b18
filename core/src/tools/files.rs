//! `read` and `write`: text files, streamed out as numbered lines, written whole with
//! unified-diff previews.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufRead, Read};
use std::path::Path;

use super::args::Args;
use super::{ToolEffect, ToolError, ToolOutput, ToolSettings, Workspace};

/// How many leading bytes are checked for a NUL to call a file binary (as git does).
const BINARY_CHECK_BYTES: usize = 8000;
/// Longer lines are cut in `read` output so one minified line cannot flood the context.
const MAX_LINE_CHARS: usize = 2000;
/// The most bytes of one line `read` keeps: enough for [`MAX_LINE_CHARS`] characters of any
/// UTF-8 width, and the mark that the line goes on.
const MAX_LINE_BYTES: usize = MAX_LINE_CHARS * 4 + 1;
/// How far past the last line shown `read` counts the lines left before it says only that more
/// follow.
const REST_SCAN_BYTES: usize = 16 << 20;
/// The read buffer of `read`.
const READ_BUFFER_BYTES: usize = 64 << 10;

/// `read {path, start?, end?}`: numbered lines of a text file, at most the line limit.
///
/// The file is streamed: lines before `start` are skipped without being kept, reading stops
/// after the last line shown (the lines left are counted within [`REST_SCAN_BYTES`]), and at
/// most [`MAX_LINE_BYTES`] of any one line are kept — so memory stays small for a file of any
/// size, even one long line.
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
    let mut reader = open_text(&path, &shown)?;
    let io_error = |source| ToolError::io("read", &shown, source);
    let limit = settings.read_line_limit.max(1);
    // The last line shown: the end asked for, at most `limit` lines from the start. (An end
    // before the start still reads to the start, to tell that from a start past the end.)
    let last_shown = end
        .unwrap_or(usize::MAX)
        .min(start.saturating_add(limit - 1))
        .max(start);
    let mut line = Vec::new();
    let mut output = String::new();
    let mut number = 0;
    while number < last_shown {
        // Lines before the start are only counted.
        let keep = if number + 1 >= start {
            MAX_LINE_BYTES
        } else {
            0
        };
        let Some(cut) = next_line(&mut reader, &mut line, keep).map_err(io_error)? else {
            break;
        };
        number += 1;
        if number >= start {
            let text = String::from_utf8_lossy(&line);
            match text.char_indices().nth(MAX_LINE_CHARS) {
                Some((at, _)) => {
                    let _ = writeln!(output, "{number:>5}\t{}… [line cut]", &text[..at]);
                }
                None if cut => {
                    let _ = writeln!(output, "{number:>5}\t{text}… [line cut]");
                }
                None => {
                    let _ = writeln!(output, "{number:>5}\t{text}");
                }
            }
        }
    }
    if number == 0 {
        return Ok(ToolOutput::success(format!("`{shown}` is empty")));
    }
    if start > number {
        return Err(ToolError::invalid(format!(
            "start={start} is past the end of `{shown}`, which has {number} lines"
        )));
    }
    if let Some(end) = end
        && end < start
    {
        return Err(ToolError::invalid(format!(
            "end={end} is before start={start}"
        )));
    }
    if number == last_shown && end.is_none_or(|end| end > last_shown) {
        // Stopped at the line limit: say how many lines are left, when that is quick to know.
        match count_lines(&mut reader, REST_SCAN_BYTES).map_err(io_error)? {
            Some(0) => {}
            Some(more) => {
                let _ = writeln!(
                    output,
                    "… {more} more lines; call read with start={}",
                    number + 1
                );
            }
            None => {
                let _ = writeln!(
                    output,
                    "… more lines follow; call read with start={}",
                    number + 1
                );
            }
        }
    }
    Ok(ToolOutput::success(output.trim_end().to_owned()))
}

/// A text file opened for streaming; binary files (a NUL among the first bytes) are refused.
fn open_text(path: &Path, shown: &str) -> Result<impl BufRead, ToolError> {
    let open_error = |source: io::Error| match source.kind() {
        io::ErrorKind::IsADirectory => ToolError::failed(format!(
            "`{shown}` is a directory; use list to see its files"
        )),
        _ => ToolError::io("read", shown, source),
    };
    let mut file = fs::File::open(path).map_err(open_error)?;
    let mut head = Vec::with_capacity(BINARY_CHECK_BYTES);
    (&mut file)
        .take(BINARY_CHECK_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(open_error)?;
    if is_binary(&head) {
        return Err(ToolError::failed(format!(
            "`{shown}` is a binary file; only text files can be read"
        )));
    }
    Ok(io::BufReader::with_capacity(
        READ_BUFFER_BYTES,
        io::Cursor::new(head).chain(file),
    ))
}

/// Reads the next line (without its `\n` or `\r\n`) into `line`, keeping at most `keep` bytes of
/// it; the rest of a longer line is read past. `None` at the end of the input, else whether the
/// line was cut.
fn next_line(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    keep: usize,
) -> io::Result<Option<bool>> {
    line.clear();
    let mut any = false;
    let mut cut = false;
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(any.then_some(cut));
        }
        any = true;
        let newline = buffer.iter().position(|&byte| byte == b'\n');
        let piece = &buffer[..newline.unwrap_or(buffer.len())];
        let room = keep.saturating_sub(line.len());
        if piece.len() > room {
            cut = true;
        }
        line.extend_from_slice(&piece[..piece.len().min(room)]);
        let used = newline.map_or(buffer.len(), |at| at + 1);
        reader.consume(used);
        if newline.is_some() {
            if !cut && line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(Some(cut));
        }
    }
}

/// How many lines are left in `reader`, if it ends within `budget` bytes.
fn count_lines(reader: &mut impl BufRead, budget: usize) -> io::Result<Option<usize>> {
    let mut lines = 0;
    let mut scanned = 0;
    let mut open_line = false;
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(Some(lines + usize::from(open_line)));
        }
        if scanned >= budget {
            return Ok(None);
        }
        let newlines = buffer.iter().filter(|&&byte| byte == b'\n').count();
        lines += newlines;
        open_line = buffer.last() != Some(&b'\n');
        let used = buffer.len();
        scanned += used;
        reader.consume(used);
    }
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

#[cfg(test)]
mod tests {
    use std::io::{BufReader, Read};

    use super::*;

    /// `len` bytes of `a` with no newline, made as they are read: a file larger than memory
    /// should be, without a file.
    struct OneLongLine {
        left: u64,
    }

    impl Read for OneLongLine {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.left as usize);
            buf[..n].fill(b'a');
            self.left -= n as u64;
            Ok(n)
        }
    }

    #[test]
    fn a_line_larger_than_memory_is_read_past_keeping_only_its_start() {
        let total = 256u64 << 20; // 256 MiB, never held
        let mut reader = BufReader::with_capacity(
            READ_BUFFER_BYTES,
            io::Cursor::new(b"first\r\n".to_vec())
                .chain(OneLongLine { left: total })
                .chain(io::Cursor::new(b"\nlast".to_vec())),
        );
        let mut line = Vec::new();
        assert_eq!(next_line(&mut reader, &mut line, 100).unwrap(), Some(false));
        assert_eq!(line, b"first");
        assert_eq!(next_line(&mut reader, &mut line, 100).unwrap(), Some(true));
        assert_eq!(line.len(), 100);
        assert!(line.capacity() < 1 << 20, "{}", line.capacity());
        assert_eq!(next_line(&mut reader, &mut line, 100).unwrap(), Some(false));
        assert_eq!(line, b"last");
        assert_eq!(next_line(&mut reader, &mut line, 100).unwrap(), None);
    }

    /// A file of `head` short lines, one line of `long` bytes, and `tail` short lines.
    fn big_file(dir: &Path, head: usize, long: usize, tail: usize) -> std::path::PathBuf {
        use std::io::Write;
        let path = dir.join("big.txt");
        let mut file = io::BufWriter::new(fs::File::create(&path).unwrap());
        for n in 1..=head {
            writeln!(file, "line {n} needle").unwrap();
        }
        let block = vec![b'x'; 1 << 20];
        for _ in 0..long >> 20 {
            file.write_all(&block).unwrap();
        }
        writeln!(file).unwrap();
        for n in 1..=tail {
            writeln!(file, "tail {n}").unwrap();
        }
        file.flush().unwrap();
        path
    }

    fn call(
        tool: fn(&Workspace, &ToolSettings, &Args) -> Result<ToolOutput, ToolError>,
        workspace: &Workspace,
        arguments: serde_json::Value,
    ) -> String {
        let args = Args::parse(&arguments).unwrap();
        match tool(workspace, &ToolSettings::default(), &args) {
            Ok(output) => output.text,
            Err(error) => panic!("{error}"),
        }
    }

    /// A 96 MiB line in a 100 MiB file: `read` and `search` answer with a few lines, never the
    /// line (before, `read` held the whole file and `search` the whole line).
    #[test]
    fn a_big_file_with_a_huge_line_gives_bounded_answers() {
        let dir = tempfile::tempdir().unwrap();
        big_file(dir.path(), 5, 96 << 20, 3);
        let workspace = Workspace::new(dir.path()).unwrap();

        let text = call(
            read,
            &workspace,
            serde_json::json!({"path": "big.txt", "end": 5}),
        );
        let expected: String = (1..=5)
            .map(|n| format!("{n:>5}\tline {n} needle\n"))
            .collect();
        assert_eq!(text, expected.trim_end());

        let text = call(
            read,
            &workspace,
            serde_json::json!({"path": "big.txt", "start": 6, "end": 7}),
        );
        assert!(text.len() < 3 * MAX_LINE_CHARS, "{}", text.len());
        assert!(text.starts_with("    6\txxxx"), "{}", &text[..40]);
        assert!(
            text.contains("… [line cut]\n    7\ttail 1"),
            "{}",
            &text[text.len() - 60..]
        );

        // The line limit cuts the answer; the lines left are too far to count.
        let settings = ToolSettings {
            read_line_limit: 3,
            ..ToolSettings::default()
        };
        let args = Args::parse(&serde_json::json!({"path": "big.txt"})).unwrap();
        let text = read(&workspace, &settings, &args).unwrap().text;
        assert!(
            text.ends_with("    3\tline 3 needle\n… more lines follow; call read with start=4"),
            "{text}"
        );

        let text = call(
            super::super::walk::search,
            &workspace,
            serde_json::json!({"pattern": "needle"}),
        );
        assert!(text.len() < 1000, "{text}");
        assert!(text.starts_with("big.txt:1: line 1 needle"), "{text}");
        assert!(
            text.ends_with("(stopped searching `big.txt` at a line longer than 8 MiB)"),
            "{text}"
        );
    }

    #[test]
    fn lines_left_are_counted_within_the_budget() {
        let count = |text: &str, budget| {
            count_lines(&mut BufReader::with_capacity(4, text.as_bytes()), budget).unwrap()
        };
        assert_eq!(count("", 100), Some(0));
        assert_eq!(count("a\nb\n", 100), Some(2));
        assert_eq!(count("a\nb", 100), Some(2));
        assert_eq!(count(&"line\n".repeat(100), 100), None);
    }
}
