//! What a model is told when the project's check fails: the output trimmed to what matters
//! (error lines with a little context, and the end), within a budget that fits a small context.

use std::sync::LazyLock;

use regex::Regex;

/// The most characters of check output fed back to the model.
pub const FEEDBACK_BUDGET: usize = 4_000;

/// The user message that asks the coder to fix a failing check.
pub fn failing_check_message(command: &str, summary: &str, output: &str) -> String {
    format!(
        "The check `{command}` failed: {summary}. Its output:\n```\n{}\n```\nFix the code so that the check passes (do not weaken the tests), then reply with the commit message again.",
        trim_failure_output(output, FEEDBACK_BUDGET).trim_end()
    )
}

/// Keeps what a reader of a failing build or test run needs: every line that looks like an
/// error, failure, panic or assertion (with one line before and two after), then the last lines,
/// within `budget` characters. Short output is kept whole.
pub fn trim_failure_output(output: &str, budget: usize) -> String {
    if output.len() <= budget {
        return output.to_string();
    }
    let lines: Vec<&str> = output.lines().collect();
    let mut keep = vec![false; lines.len()];
    for (index, line) in lines.iter().enumerate() {
        if IMPORTANT
            .as_ref()
            .is_some_and(|pattern| pattern.is_match(line))
        {
            let start = index.saturating_sub(1);
            let end = (index + 3).min(lines.len());
            keep[start..end].iter_mut().for_each(|k| *k = true);
        }
    }
    // The tail (usually the summary) gets at least a third of the budget.
    let tail_budget = budget / 3;
    let mut tail_start = lines.len();
    let mut tail_size = 0;
    while tail_start > 0 && tail_size + lines[tail_start - 1].len() < tail_budget {
        tail_start -= 1;
        tail_size += lines[tail_start].len() + 1;
    }
    let mut text = String::new();
    let mut skipped = 0usize;
    let head_budget = budget - tail_size;
    for (index, line) in lines.iter().enumerate().take(tail_start) {
        if keep[index] && text.len() + line.len() < head_budget {
            if skipped > 0 {
                text.push_str(&format!("… [{skipped} lines]\n"));
                skipped = 0;
            }
            text.push_str(line);
            text.push('\n');
        } else {
            skipped += 1;
        }
    }
    if skipped > 0 {
        text.push_str(&format!("… [{skipped} lines]\n"));
    }
    for line in &lines[tail_start..] {
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// Lines worth keeping from a failing check's output.
static IMPORTANT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(error|errors|failed|failure|fail|panicked|panic|assert\w*|expected|traceback|exception)\b|^E\s",
    )
    .ok()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_output_is_kept_whole() {
        assert_eq!(trim_failure_output("a\nb\n", 100), "a\nb\n");
    }

    #[test]
    fn long_output_keeps_errors_and_the_tail_within_budget() {
        let mut output = String::new();
        for i in 0..2000 {
            output.push_str(&format!("compiling crate number {i}\n"));
            if i == 700 {
                output.push_str("error[E0308]: mismatched types in parser.rs:12\n");
            }
        }
        output.push_str("test result: FAILED. 3 passed; 1 failed\n");
        let trimmed = trim_failure_output(&output, 2_000);
        assert!(trimmed.len() <= 2_300, "{}", trimmed.len());
        assert!(
            trimmed.contains("error[E0308]: mismatched types"),
            "{trimmed}"
        );
        assert!(
            trimmed.contains("compiling crate number 700\nerror[E0308]"),
            "one line of context before: {trimmed}"
        );
        assert!(trimmed.ends_with("test result: FAILED. 3 passed; 1 failed\n"));
        assert!(trimmed.contains("lines]"), "says what was left out");
    }

    #[test]
    fn the_message_names_the_command() {
        let message = failing_check_message("make test", "exit code 2", "boom");
        assert!(message.contains("`make test` failed: exit code 2"));
        assert!(message.contains("boom"));
    }
}
