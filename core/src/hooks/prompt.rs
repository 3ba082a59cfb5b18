//! The requests the hooks send: the review and commit-message prompts (built in from
//! `prompts/hook-*.md`, overridable like every prompt) with the staged diff, cut to fit the
//! model's context.

use crate::task::prompts::{PromptSources, render};

/// Bytes of diff kept at the least, however small the context.
const MIN_DIFF_BYTES: usize = 2_000;
/// Tokens of the context kept for the prompt's own text and the answer.
const RESERVED_TOKENS: u32 = 1_500;

/// How many bytes of diff fit a context of `context_tokens` beside the prompt and the answer
/// (a diff is about three bytes a token).
pub fn diff_budget(context_tokens: u32) -> usize {
    (context_tokens.saturating_sub(RESERVED_TOKENS) as usize * 3).max(MIN_DIFF_BYTES)
}

/// The pre-commit review's request for `diff`.
pub fn review(sources: &PromptSources, diff: &str, budget: usize) -> String {
    fill(&template(sources, "hook-review"), diff, "", budget)
}

/// The commit-msg hook's request for `diff`; `authored` is the author's message to improve
/// (`rewrite` mode), or `None` to write one from scratch.
pub fn commit_message(
    sources: &PromptSources,
    diff: &str,
    authored: Option<&str>,
    budget: usize,
) -> String {
    let message = match authored.map(str::trim).filter(|text| !text.is_empty()) {
        Some(text) => format!(
            "\nThe author wrote the message below; keep what it says (and any issue numbers), improve its form and wording:\n\n{text}\n"
        ),
        None => String::new(),
    };
    fill(
        &template(sources, "hook-commit-msg"),
        diff,
        &message,
        budget,
    )
}

fn template(sources: &PromptSources, name: &str) -> String {
    sources
        .load(name)
        .map(|prompt| prompt.text)
        .unwrap_or_default()
}

/// `template` with `{{message}}` and `{{diff}}` filled; a template without `{{diff}}` gets the
/// diff after its text.
fn fill(template: &str, diff: &str, message: &str, budget: usize) -> String {
    let block = diff_block(diff, budget);
    let mut text = render(template, &[("message", message)]);
    if text.contains("{{diff}}") {
        text = render(&text, &[("diff", &block)]);
    } else {
        text = format!("{}\n\n{block}", text.trim_end());
    }
    text
}

/// The diff in a fenced block, cut at a line boundary to `budget` bytes with a note saying so.
fn diff_block(diff: &str, budget: usize) -> String {
    let diff = diff.trim_end();
    if diff.len() <= budget {
        return format!("```diff\n{diff}\n```");
    }
    let mut end = crate::text::truncate_at_char_boundary(diff, budget).len();
    if let Some(newline) = diff[..end].rfind('\n') {
        end = newline;
    }
    format!(
        "```diff\n{}\n```\n({} more bytes of the diff were left out to fit the model's context.)",
        &diff[..end],
        diff.len() - end
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built_in() -> PromptSources {
        PromptSources::default()
    }

    #[test]
    fn the_review_asks_for_parseable_lines_and_holds_the_diff() {
        let text = review(&built_in(), "diff --git a/x b/x\n+fn main() {}\n", 10_000);
        assert!(text.contains("SEVERITY FILE:LINE: MESSAGE"), "{text}");
        assert!(text.contains("NONE"), "{text}");
        assert!(
            text.contains("```diff\ndiff --git a/x b/x\n+fn main() {}\n```"),
            "{text}"
        );
        assert!(!text.contains("{{"), "{text}");
    }

    #[test]
    fn a_long_diff_is_cut_at_a_line_and_says_so() {
        let diff: String = (0..1000).map(|i| format!("+line {i}\n")).collect();
        let text = review(&built_in(), &diff, 2_000);
        assert!(text.contains("+line 0\n"), "{text}");
        assert!(!text.contains("+line 999"), "{text}");
        assert!(
            text.contains("more bytes of the diff were left out"),
            "{text}"
        );
        let block = text.split("```diff\n").nth(1).unwrap();
        let kept = block.split("\n```").next().unwrap();
        assert!(
            kept.len() <= 2_000 && kept.ends_with(|c: char| c.is_ascii_digit()),
            "{kept}"
        );
        assert_eq!(diff_budget(8192), (8192 - 1500) * 3);
        assert_eq!(diff_budget(512), 2_000);
    }

    #[test]
    fn the_commit_prompt_carries_the_authors_text_only_when_rewriting() {
        let draft = commit_message(&built_in(), "+x\n", None, 1_000);
        assert!(!draft.contains("The author wrote"), "{draft}");
        assert!(draft.contains("imperative"), "{draft}");
        let rewrite = commit_message(&built_in(), "+x\n", Some("fixd the bug #12"), 1_000);
        assert!(rewrite.contains("fixd the bug #12"), "{rewrite}");
    }

    #[test]
    fn an_override_without_the_diff_placeholder_gets_the_diff_after_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("hook-review.md"), "Only say NONE.").unwrap();
        let sources = PromptSources {
            repo_dir: Some(dir.path().to_path_buf()),
            user_dir: None,
        };
        let text = review(&sources, "+y\n", 1_000);
        assert_eq!(text, "Only say NONE.\n\n```diff\n+y\n```");
    }
}
