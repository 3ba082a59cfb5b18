//! The one review to post, from the reviewer's answer: the verdict as GitHub's event, each
//! finding on its diff line or in the body ("comments on lines outside the diff"), what the
//! model did not see, and a signature. Model text is hostile-adjacent (the model read the
//! author's text): `@mentions` in it are defused so a review never pings anyone.

use super::answer::{Answer, Finding, Parsed, Severity, Verdict};
use super::diff::Side;
use super::mapping::{DiffIndex, Placement};
use super::prompt::Coverage;
use crate::github::{NewReview, ReviewComment, ReviewEvent};

/// The most line comments one review gets; the rest are counted in the body.
pub const MAX_COMMENTS: usize = 30;
/// The most bytes of one comment.
const MAX_COMMENT: usize = 4000;
/// The most bytes of the body (GitHub takes 65,536 characters).
const MAX_BODY: usize = 60_000;

/// A finding placed on a line of the diff.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlacedComment {
    pub path: String,
    pub line: u32,
    pub side: Side,
    /// The line the reviewer named, when the comment moved to a nearby line of the diff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<u32>,
    pub severity: Severity,
    pub body: String,
}

/// A finding that went into the review's body, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BodyComment {
    pub path: String,
    pub line: Option<u32>,
    pub severity: Severity,
    pub reason: &'static str,
    pub body: String,
}

/// The review to post and how it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub review: NewReview,
    pub comments: Vec<PlacedComment>,
    pub in_body: Vec<BodyComment>,
    /// The verdict the model gave (`None`: none, one not understood, or no JSON at all).
    pub verdict: Option<Verdict>,
    /// Whether the answer was the JSON asked for.
    pub structured: bool,
}

/// What a review is made from besides the answer.
#[derive(Debug, Clone, Copy)]
pub struct ComposeInput<'a> {
    pub index: &'a DiffIndex,
    pub coverage: &'a Coverage,
    /// The pull request's head commit, which the review is on.
    pub head_sha: &'a str,
    /// The model's name for the signature (a file path is cut to its name).
    pub model: &'a str,
}

/// Builds the review.
pub fn compose(parsed: &Parsed, input: &ComposeInput<'_>) -> Composed {
    match parsed {
        Parsed::Structured(answer) => structured(answer, input),
        Parsed::Unstructured(text) => {
            let mut body = String::from(
                "The reviewer's answer was not in the form asked for, so it is posted as a \
                 comment without a verdict or line comments:\n\n",
            );
            body.push_str(&quote(&cap(&defuse_mentions(text), MAX_BODY / 2)));
            finish_body(&mut body, input);
            Composed {
                review: NewReview {
                    commit_id: input.head_sha.to_string(),
                    body,
                    event: ReviewEvent::Comment,
                    comments: Vec::new(),
                },
                comments: Vec::new(),
                in_body: Vec::new(),
                verdict: None,
                structured: false,
            }
        }
    }
}

fn structured(answer: &Answer, input: &ComposeInput<'_>) -> Composed {
    let mut comments = Vec::new();
    let mut in_body = Vec::new();
    let mut over = 0;
    for finding in &answer.findings {
        match input.index.place(&finding.path, finding.line, finding.side) {
            Placement::Line { path, line, side } if comments.len() < MAX_COMMENTS => {
                comments.push(PlacedComment {
                    path,
                    line,
                    side,
                    moved_from: finding.line.filter(|asked| *asked != line),
                    severity: finding.severity,
                    body: cap(&defuse_mentions(&finding.body), MAX_COMMENT),
                });
            }
            Placement::Line { .. } => over += 1,
            Placement::Body(why) => in_body.push(body_comment(finding, why.describe())),
        }
    }
    let errors = answer
        .findings
        .iter()
        .any(|finding| finding.severity == Severity::Error);
    let (event, downgraded) = match answer.verdict {
        Some(Verdict::Approve) if errors => (ReviewEvent::Comment, true),
        Some(Verdict::Approve) => (ReviewEvent::Approve, false),
        Some(Verdict::RequestChanges) => (ReviewEvent::RequestChanges, false),
        Some(Verdict::Comment) | None => (ReviewEvent::Comment, false),
    };

    let mut body = if answer.summary.is_empty() {
        "(The reviewer wrote no summary.)".to_string()
    } else {
        cap(&defuse_mentions(&answer.summary), MAX_BODY / 2)
    };
    if downgraded {
        body.push_str(
            "\n\n_The reviewer approved but marked findings as errors, so this review is a \
             comment, not an approval._",
        );
    }
    if !in_body.is_empty() {
        body.push_str("\n\n**Comments on lines outside the diff**\n");
        for comment in &in_body {
            let place = match comment.line {
                Some(line) => format!("{}:{line}", comment.path),
                None => comment.path.clone(),
            };
            body.push_str(&format!(
                "\n- `{}` ({}; {}): {}",
                place.replace('`', "'"),
                comment.severity.as_str(),
                comment.reason,
                comment.body.replace('\n', "\n  ")
            ));
        }
    }
    if over > 0 {
        body.push_str(&format!(
            "\n\n{over} more line comments were left out (at most {MAX_COMMENTS} per review)."
        ));
    }
    if answer.skipped > 0 {
        body.push_str(&format!(
            "\n\n{} comments of the reviewer named no file or said nothing and were skipped.",
            answer.skipped
        ));
    }
    finish_body(&mut body, input);
    let review = NewReview {
        commit_id: input.head_sha.to_string(),
        body,
        event,
        comments: comments
            .iter()
            .map(|comment| ReviewComment {
                path: comment.path.clone(),
                line: comment.line,
                side: comment.side.as_str().to_string(),
                body: comment_text(comment),
            })
            .collect(),
    };
    Composed {
        review,
        comments,
        in_body,
        verdict: answer.verdict,
        structured: true,
    }
}

fn body_comment(finding: &Finding, reason: &'static str) -> BodyComment {
    BodyComment {
        path: finding.path.clone(),
        line: finding.line,
        severity: finding.severity,
        reason,
        body: cap(&defuse_mentions(&finding.body), MAX_COMMENT),
    }
}

/// A line comment as posted: its severity first, and the line it was meant for when it moved.
fn comment_text(comment: &PlacedComment) -> String {
    match comment.moved_from {
        Some(line) => format!(
            "**{}** (about line {line}): {}",
            comment.severity.as_str(),
            comment.body
        ),
        None => format!("**{}**: {}", comment.severity.as_str(), comment.body),
    }
}

/// What the model did not see, and the signature.
fn finish_body(body: &mut String, input: &ComposeInput<'_>) {
    if let Some(note) = input.coverage.note() {
        body.push_str("\n\n");
        body.push_str(&note);
    }
    let model = input
        .model
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(input.model)
        .replace('`', "'");
    body.push_str(&format!(
        "\n\n<sub>Automated review by agent with `{}`.</sub>",
        defuse_mentions(&model)
    ));
    if body.len() > MAX_BODY {
        *body = cap(body, MAX_BODY);
    }
}

/// `text` cut to `max` bytes at a character boundary, with a mark where it was cut.
fn cap(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.trim().to_string();
    }
    format!(
        "{} … (cut)",
        crate::text::truncate_at_char_boundary(text, max).trim_end()
    )
}

/// Markdown quote of `text`.
fn quote(text: &str) -> String {
    text.lines()
        .map(|line| format!("> {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `@name` with an invisible word joiner after the `@`: it reads the same and notifies nobody.
pub fn defuse_mentions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        out.push(ch);
        if ch == '@'
            && chars
                .peek()
                .is_some_and(|next| next.is_ascii_alphanumeric())
        {
            out.push('\u{2060}');
        }
    }
    out
}

#[cfg(test)]
#[path = "compose_tests.rs"]
mod tests;
