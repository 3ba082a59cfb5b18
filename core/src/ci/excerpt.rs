//! The part of a failed step's log a fixer needs: GitHub's `##[error]` lines and the lines
//! around the first compiler or test errors (rustc, cargo test, pytest, npm, tracebacks, jest),
//! else the log's end — at most [`MAX_LINES`] lines and [`MAX_BYTES`] bytes, with timestamps,
//! ANSI escapes and control characters removed.

use std::sync::LazyLock;

use regex::Regex;

/// The most lines an excerpt keeps.
pub const MAX_LINES: usize = 120;
/// The most bytes an excerpt keeps.
pub const MAX_BYTES: usize = 8 * 1024;
/// The most characters kept of one line.
const MAX_LINE: usize = 400;
/// Lines kept before and after the first error, and around later ones.
const FIRST_BEFORE: usize = 5;
const FIRST_AFTER: usize = 40;
const LATER_BEFORE: usize = 2;
const LATER_AFTER: usize = 10;
/// Later errors that get a window of their own.
const LATER_WINDOWS: usize = 6;
/// `##[error]` lines kept at most.
const ERROR_LINES: usize = 12;
/// Lines kept from the end when nothing looks like an error.
const TAIL: usize = 40;

/// `2024-05-01T12:00:00.1234567Z ` at the start of each line (and a byte-order mark).
static TIMESTAMP: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^\x{feff}?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z ?").ok()
});

/// ANSI escapes: CSI sequences (colours, cursor moves) and OSC sequences (titles, links).
static ANSI: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?").ok()
});

/// Lines where a compiler, test runner or interpreter reports an error.
static ERROR_PATTERN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^\s*error(?:\[E\d{4}\])?:",
        r"|panicked at",
        r"|\bFAILED\b",
        r"|^E {3}",
        r"|npm ERR!",
        r"|^Traceback \(most recent call last\)",
        r"|^---- \S+ stdout ----",
        r"|^\s*(?:FAIL|●)\s",
        r"|^\s*\S+Error: ",
    ))
    .ok()
});

/// A log's lines as people read them: no timestamps, escapes or control characters; a
/// `##[group]` marker becomes its title and `##[endgroup]` goes; `##[error]` stays a marker.
pub fn clean_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for raw in text.lines() {
        let line = match TIMESTAMP.as_ref() {
            Some(timestamp) => timestamp.replace(raw, ""),
            None => raw.into(),
        };
        let line = match ANSI.as_ref() {
            Some(ansi) => ansi.replace_all(&line, ""),
            None => line,
        };
        let line: String = line
            .chars()
            .filter(|c| *c == '\t' || !c.is_control())
            .collect();
        if line.starts_with("##[endgroup]") {
            continue;
        }
        let line = match line.strip_prefix("##[group]") {
            Some(title) => title.to_string(),
            None => line,
        };
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// The excerpt of a failed step's log. `whole_job` says the text is a job's whole log (the
/// archive had no file for the step): then only the step that raised the first `##[error]`
/// is read, from the `##[group]Run …` that began it.
pub fn excerpt(text: &str, whole_job: bool) -> String {
    let mut lines = clean_lines(text);
    if whole_job {
        let raw: Vec<&str> = text.lines().collect();
        if let Some(start) = failing_section_start(&raw) {
            // clean_lines drops `##[endgroup]` lines: count what stays before `start`.
            let dropped = raw[..start]
                .iter()
                .filter(|line| strip_prefixes(line).starts_with("##[endgroup]"))
                .count();
            lines.drain(..start - dropped);
        }
    }
    render(&lines, &chosen(&lines))
}

/// The line of the `##[group]Run` that opened the step of the first `##[error]`.
fn failing_section_start(raw: &[&str]) -> Option<usize> {
    let first_error = raw
        .iter()
        .position(|line| strip_prefixes(line).starts_with("##[error]"))?;
    raw[..first_error]
        .iter()
        .rposition(|line| strip_prefixes(line).starts_with("##[group]Run "))
}

fn strip_prefixes(line: &str) -> std::borrow::Cow<'_, str> {
    match TIMESTAMP.as_ref() {
        Some(timestamp) => timestamp.replace(line, ""),
        None => line.into(),
    }
}

/// Which lines to keep.
fn chosen(lines: &[String]) -> Vec<bool> {
    let mut keep = vec![false; lines.len()];
    let mut kept = 0usize;
    let mut add = |keep: &mut Vec<bool>, start: usize, end: usize| {
        for flag in keep.iter_mut().take(end.min(lines.len())).skip(start) {
            if kept >= MAX_LINES {
                return;
            }
            if !*flag {
                *flag = true;
                kept += 1;
            }
        }
    };
    let matches: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, line)| {
            !line.starts_with("##[")
                && ERROR_PATTERN
                    .as_ref()
                    .is_some_and(|pattern| pattern.is_match(line))
        })
        .map(|(index, _)| index)
        .collect();
    let errors: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, line)| line.starts_with("##[error]"))
        .map(|(index, _)| index)
        .take(ERROR_LINES)
        .collect();
    if matches.is_empty() && errors.is_empty() {
        let start = lines.len().saturating_sub(TAIL);
        add(&mut keep, start, lines.len());
        return keep;
    }
    if let Some(&first) = matches.first() {
        add(
            &mut keep,
            first.saturating_sub(FIRST_BEFORE),
            first + FIRST_AFTER,
        );
    }
    for &error in &errors {
        add(&mut keep, error, error + 1);
    }
    let mut windows = 0;
    for &index in matches.iter().skip(1) {
        if windows >= LATER_WINDOWS {
            break;
        }
        if keep[index] {
            continue;
        }
        windows += 1;
        add(
            &mut keep,
            index.saturating_sub(LATER_BEFORE),
            index + LATER_AFTER,
        );
    }
    if matches.is_empty() {
        // Only GitHub's markers: the lines before the first one say what failed.
        if let Some(&first) = errors.first() {
            add(&mut keep, first.saturating_sub(TAIL / 2), first);
        }
    }
    keep
}

/// The kept lines in order, `… [N lines]` for the gaps, within [`MAX_BYTES`].
fn render(lines: &[String], keep: &[bool]) -> String {
    let mut out = String::new();
    let mut skipped = 0usize;
    for (line, kept) in lines.iter().zip(keep) {
        if !*kept {
            skipped += 1;
            continue;
        }
        let mut piece = String::new();
        if skipped > 0 {
            piece.push_str(&format!("… [{skipped} lines]\n"));
            skipped = 0;
        }
        let short = crate::text::truncate_at_char_boundary(line, MAX_LINE);
        piece.push_str(short);
        if short.len() < line.len() {
            piece.push_str(" …");
        }
        piece.push('\n');
        if out.len() + piece.len() > MAX_BYTES - 32 {
            out.push_str("… [excerpt cut at 8 KB]\n");
            return out;
        }
        out.push_str(&piece);
    }
    if skipped > 0 {
        out.push_str(&format!("… [{skipped} lines]\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamped(lines: &[&str]) -> String {
        lines
            .iter()
            .map(|line| format!("2024-05-01T12:00:00.1234567Z {line}\n"))
            .collect()
    }

    #[test]
    fn timestamps_escapes_and_group_markers_are_cleaned() {
        let text = format!(
            "\u{feff}{}",
            stamped(&[
                "##[group]Run cargo test",
                "cargo test",
                "##[endgroup]",
                "\x1b[1m\x1b[31merror[E0308]\x1b[0m: mismatched types",
                "\x1b]8;;http://x\x07link\x1b]8;;\x07 and a bell\x07",
            ])
        );
        assert_eq!(
            clean_lines(&text),
            [
                "Run cargo test",
                "cargo test",
                "error[E0308]: mismatched types",
                "link and a bell"
            ]
        );
    }

    #[test]
    fn rustc_errors_and_github_markers_are_kept_the_noise_is_not() {
        let mut lines: Vec<String> = (0..300)
            .map(|i| format!("   Compiling crate{i} v1.0.0"))
            .collect();
        lines.push("error[E0425]: cannot find value `totl` in this scope".into());
        lines.push("  --> src/lib.rs:3:5".into());
        lines.push("   |".into());
        lines.push("3  |     totl".into());
        lines.extend((0..200).map(|i| format!("note {i}")));
        lines.push("##[error]Process completed with exit code 101.".into());
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let out = excerpt(&stamped(&refs), false);
        assert!(
            out.contains("error[E0425]: cannot find value `totl`"),
            "{out}"
        );
        assert!(out.contains("  --> src/lib.rs:3:5"), "{out}");
        assert!(
            out.contains("   Compiling crate299 v1.0.0\nerror[E0425]"),
            "context before: {out}"
        );
        assert!(
            out.contains("##[error]Process completed with exit code 101."),
            "{out}"
        );
        assert!(!out.contains("crate10 "), "{out}");
        assert!(out.contains("… [295 lines]"), "{out}");
        assert!(!out.contains("2024-05-01T"), "{out}");
        assert!(out.lines().count() <= MAX_LINES + 4);
    }

    #[test]
    fn test_runner_failures_are_found() {
        for (line, marker) in [
            (
                "thread 'parser::tests::empty' panicked at src/parser.rs:9:5:",
                "panicked at",
            ),
            (
                "FAILED tests/test_calc.py::test_add - assert -1 == 5",
                "FAILED tests/",
            ),
            ("E       assert -1 == 5", "E       assert"),
            ("npm ERR! code ELIFECYCLE", "npm ERR!"),
            ("Traceback (most recent call last):", "Traceback"),
            ("TypeError: x is not a function", "TypeError: x"),
        ] {
            let mut lines: Vec<String> = (0..100).map(|i| format!("ok line {i}")).collect();
            lines.insert(50, line.to_string());
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            let out = excerpt(&stamped(&refs), false);
            assert!(out.contains(marker), "{line}: {out}");
            assert!(!out.contains("ok line 10\n"), "{line}: {out}");
        }
    }

    #[test]
    fn without_errors_the_end_is_kept() {
        let lines: Vec<String> = (0..100).map(|i| format!("line {i}")).collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let out = excerpt(&stamped(&refs), false);
        assert!(out.starts_with("… [60 lines]\nline 60\n"), "{out}");
        assert!(out.ends_with("line 99\n"), "{out}");
    }

    #[test]
    fn excerpts_are_bounded_in_lines_and_bytes() {
        let lines: Vec<String> = (0..5000)
            .map(|i| format!("error: problem number {i} {}", "x".repeat(1000)))
            .collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let out = excerpt(&stamped(&refs), false);
        assert!(out.len() <= MAX_BYTES, "{}", out.len());
        assert!(out.lines().count() <= MAX_LINES + 10);
        assert!(out.ends_with("… [excerpt cut at 8 KB]\n"), "{out}");
        let short: Vec<String> = (0..5000).map(|i| format!("error: {i}")).collect();
        let refs: Vec<&str> = short.iter().map(String::as_str).collect();
        let out = excerpt(&stamped(&refs), false);
        let kept = out
            .lines()
            .filter(|line| line.starts_with("error: "))
            .count();
        assert!(kept <= MAX_LINES, "{kept}");
    }

    #[test]
    fn a_whole_job_log_is_read_from_the_failing_step() {
        let text = stamped(&[
            "##[group]Run actions/checkout@v4",
            "error: this is the checkout's noise",
            "##[endgroup]",
            "##[group]Run cargo test",
            "cargo test",
            "##[endgroup]",
            "test tests::adds ... FAILED",
            "##[error]Process completed with exit code 101.",
            "Post job cleanup.",
        ]);
        let out = excerpt(&text, true);
        assert!(out.contains("test tests::adds ... FAILED"), "{out}");
        assert!(!out.contains("checkout's noise"), "{out}");
        // The same text as a step's own file keeps everything.
        assert!(excerpt(&text, false).contains("checkout's noise"));
    }

    #[test]
    fn non_utf8_and_empty_logs_do_not_panic() {
        assert_eq!(excerpt("", false), "");
        let lossy = String::from_utf8_lossy(b"error: bad \xff byte\n").into_owned();
        assert!(excerpt(&lossy, true).contains("error: bad \u{fffd} byte"));
    }
}
