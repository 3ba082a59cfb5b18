//! Tests of composing the review from the reviewer's answer.

use super::*;
use crate::review::answer;
use crate::review::prompt::Truncated;

const DIFF: &str = "\
diff --git a/src/lib.rs b/src/lib.rs
--- a/src/lib.rs
+++ b/src/lib.rs
@@ -10,3 +10,4 @@ fn main() {
 ten
-eleven
+eleven!
+eleven and a half
 twelve
";

fn compose_text(text: &str, coverage: &Coverage) -> Composed {
    let index = DiffIndex::parse(DIFF);
    compose(
        &answer::parse(text),
        &ComposeInput {
            index: &index,
            coverage,
            head_sha: "abc123",
            model: "/home/me/models/qwen-coder.gguf",
        },
    )
}

#[test]
fn findings_become_line_comments_or_body_entries_and_every_line_is_in_the_diff() {
    let composed = compose_text(
        r#"{"verdict": "request_changes", "summary": "Adds a half.", "comments": [
            {"path": "src/lib.rs", "line": 11, "severity": "error", "body": "Why the bang?"},
            {"path": "src/lib.rs", "line": 15, "severity": "warning", "body": "Near the end."},
            {"path": "src/lib.rs", "line": 90, "severity": "note", "body": "Far away."},
            {"path": "src/other.rs", "line": 1, "body": "Not in this PR."}
        ]}"#,
        &Coverage::default(),
    );
    let index = DiffIndex::parse(DIFF);
    let review = &composed.review;
    assert_eq!(review.event, ReviewEvent::RequestChanges);
    assert_eq!(review.commit_id, "abc123");
    assert_eq!(review.comments.len(), 2);
    for comment in &review.comments {
        let side = if comment.side == "LEFT" {
            Side::Left
        } else {
            Side::Right
        };
        assert!(
            index.is_commentable(&comment.path, side, comment.line),
            "{comment:?}"
        );
    }
    assert_eq!(review.comments[0].line, 11);
    assert_eq!(review.comments[0].body, "**error**: Why the bang?");
    assert_eq!(review.comments[1].line, 13);
    assert_eq!(
        review.comments[1].body,
        "**warning** (about line 15): Near the end."
    );
    assert_eq!(composed.comments[1].moved_from, Some(15));
    assert!(review.body.starts_with("Adds a half."));
    assert!(
        review
            .body
            .contains("**Comments on lines outside the diff**")
    );
    assert!(
        review
            .body
            .contains("- `src/lib.rs:90` (note; line outside the diff): Far away.")
    );
    assert!(
        review
            .body
            .contains("- `src/other.rs:1` (note; file not in this pull request): Not in this PR.")
    );
    assert_eq!(composed.in_body.len(), 2);
    // The signature names the model's file, not where it lives on this machine.
    assert!(
        review
            .body
            .ends_with("<sub>Automated review by agent with `qwen-coder.gguf`.</sub>")
    );
    assert!(!review.body.contains("/home/me"));
}

#[test]
fn an_approval_with_errors_is_a_comment_and_unknown_verdicts_never_approve() {
    let approve_with_error = compose_text(
        r#"{"verdict": "approve", "summary": "ok", "comments": [{"path": "src/lib.rs", "line": 12, "severity": "error", "body": "bug"}]}"#,
        &Coverage::default(),
    );
    assert_eq!(approve_with_error.review.event, ReviewEvent::Comment);
    assert!(approve_with_error.review.body.contains("not an approval"));
    let approve = compose_text(
        r#"{"verdict": "approve", "summary": "Fine."}"#,
        &Coverage::default(),
    );
    assert_eq!(approve.review.event, ReviewEvent::Approve);
    assert!(approve.review.comments.is_empty());
    for text in [
        r#"{"verdict": "yes please", "summary": "?"}"#,
        r#"{"summary": "no verdict"}"#,
        "APPROVE\nLooks good",
        "{\"verdict\": \"approve\", \"summary\": \"cut off",
    ] {
        let composed = compose_text(text, &Coverage::default());
        assert_eq!(composed.review.event, ReviewEvent::Comment, "{text}");
    }
}

#[test]
fn an_unstructured_answer_is_quoted_in_a_comment_without_line_comments() {
    let composed = compose_text("APPROVE\nThis is fine, @octocat.", &Coverage::default());
    assert!(!composed.structured);
    assert_eq!(composed.verdict, None);
    assert_eq!(composed.review.event, ReviewEvent::Comment);
    assert!(composed.review.comments.is_empty());
    assert!(composed.review.body.contains("not in the form asked for"));
    assert!(
        composed
            .review
            .body
            .contains("> APPROVE\n> This is fine, @\u{2060}octocat.")
    );
}

#[test]
fn mentions_are_defused_and_coverage_is_reported() {
    let coverage = Coverage {
        truncated: vec![Truncated {
            path: "big.rs".into(),
            shown: 10,
            total: 900,
        }],
        left_out: vec!["huge.json".into()],
        ..Coverage::default()
    };
    let composed = compose_text(
        r#"{"verdict": "comment", "summary": "cc @admin and @org/team; mail a@b.c", "comments": [{"path": "src/lib.rs", "line": 10, "body": "ping @someone"}]}"#,
        &coverage,
    );
    let body = &composed.review.body;
    assert!(body.contains("cc @\u{2060}admin and @\u{2060}org/team"));
    assert!(!body.contains("@admin"));
    assert_eq!(
        composed.review.comments[0].body,
        "**note**: ping @\u{2060}someone"
    );
    assert!(body.contains(
        "Not reviewed: `big.rs` only its first 10 of 900 diff lines; `huge.json` (too large for the model's context)."
    ));
}

#[test]
fn at_most_max_comments_lines_the_rest_counted() {
    let comments: Vec<String> = (0..MAX_COMMENTS + 5)
        .map(|n| format!(r#"{{"path": "src/lib.rs", "line": 11, "body": "c{n}"}}"#))
        .collect();
    let text = format!(
        r#"{{"verdict": "comment", "summary": "s", "comments": [{}]}}"#,
        comments.join(",")
    );
    let composed = compose_text(&text, &Coverage::default());
    assert_eq!(composed.review.comments.len(), MAX_COMMENTS);
    assert!(
        composed
            .review
            .body
            .contains("5 more line comments were left out")
    );
}
