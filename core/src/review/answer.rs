//! Reading the reviewer's answer: the JSON object it was asked for, found in fenced blocks,
//! after reasoning or among other text, with forgiving field names and values. An answer
//! without such an object is kept as text (a review without a verdict), never a panic; an
//! unknown verdict is never read as an approval.

use serde_json::{Map, Value};

use super::diff::Side;

/// The reviewer's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approve,
    RequestChanges,
    Comment,
}

impl Verdict {
    /// A verdict as a model may write it; anything else is `None`.
    pub fn parse(text: &str) -> Option<Verdict> {
        let word: String = text
            .trim()
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c == '-' || c == ' ' { '_' } else { c })
            .collect();
        Some(match word.as_str() {
            "approve" | "approved" | "approval" | "accept" | "lgtm" => Verdict::Approve,
            "request_changes" | "request_change" | "changes_requested" | "changes"
            | "needs_changes" | "needs_work" | "reject" => Verdict::RequestChanges,
            "comment" | "commented" | "neutral" => Verdict::Comment,
            _ => return None,
        })
    }
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    fn parse(text: &str) -> Severity {
        match text.trim().to_ascii_lowercase().as_str() {
            "error" | "critical" | "blocker" | "blocking" | "major" | "high" | "bug" => {
                Severity::Error
            }
            "warning" | "warn" | "medium" | "minor" => Severity::Warning,
            _ => Severity::Note,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// One comment the reviewer wants on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub path: String,
    /// The line in the new file (or the old one, with `side: LEFT`); `None` when not given.
    pub line: Option<u32>,
    pub side: Side,
    pub severity: Severity,
    pub body: String,
}

/// A review as the model wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// `None` when the answer named no verdict or one not understood.
    pub verdict: Option<Verdict>,
    pub summary: String,
    pub findings: Vec<Finding>,
    /// Comments without a path or a body, skipped.
    pub skipped: usize,
}

/// What the model's answer turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// The JSON object asked for.
    Structured(Answer),
    /// Text without such an object (reasoning removed, trimmed; possibly empty).
    Unstructured(String),
}

/// Reads the model's answer.
pub fn parse(text: &str) -> Parsed {
    let text = without_reasoning(text);
    let mut chosen = None;
    for candidate in objects(&text) {
        let value = serde_json::from_str::<Value>(candidate)
            .or_else(|_| serde_json::from_str::<Value>(&without_trailing_commas(candidate)));
        if let Ok(Value::Object(object)) = value
            && ["verdict", "summary", "comments", "event", "decision"]
                .iter()
                .any(|key| object.contains_key(*key))
        {
            // The last object wins: a model that drafts writes its final answer last.
            chosen = Some(object);
        }
    }
    match chosen {
        Some(object) => Parsed::Structured(answer(&object)),
        None => Parsed::Unstructured(text.trim().to_string()),
    }
}

fn answer(object: &Map<String, Value>) -> Answer {
    let verdict = field(object, &["verdict", "event", "decision"])
        .and_then(Value::as_str)
        .and_then(Verdict::parse);
    let summary = field(object, &["summary", "body", "review", "overview"])
        .map(text_of)
        .unwrap_or_default();
    let mut findings = Vec::new();
    let mut skipped = 0;
    let comments = field(object, &["comments", "findings", "issues"])
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for comment in comments {
        match comment.as_object().and_then(finding) {
            Some(found) => findings.push(found),
            None => skipped += 1,
        }
    }
    Answer {
        verdict,
        summary: summary.trim().to_string(),
        findings,
        skipped,
    }
}

fn finding(object: &Map<String, Value>) -> Option<Finding> {
    let path = field(object, &["path", "file", "filename", "file_path"])
        .and_then(Value::as_str)?
        .trim()
        .to_string();
    let body = field(
        object,
        &["body", "comment", "message", "text", "description"],
    )
    .map(text_of)?
    .trim()
    .to_string();
    if path.is_empty() || body.is_empty() {
        return None;
    }
    let line = field(
        object,
        &["line", "line_number", "new_line", "start_line", "lines"],
    )
    .and_then(line_of);
    let side = match field(object, &["side"]).and_then(Value::as_str) {
        Some(side) if matches!(side.trim().to_ascii_lowercase().as_str(), "left" | "old") => {
            Side::Left
        }
        _ => Side::Right,
    };
    let severity = field(object, &["severity", "level", "priority", "kind"])
        .and_then(Value::as_str)
        .map_or(Severity::Note, Severity::parse);
    Some(Finding {
        path,
        line,
        side,
        severity,
        body,
    })
}

/// The first of `names` the object has (case-insensitive).
fn field<'a>(object: &'a Map<String, Value>, names: &[&str]) -> Option<&'a Value> {
    names.iter().find_map(|name| {
        object
            .iter()
            .find(|(key, value)| key.eq_ignore_ascii_case(name) && !value.is_null())
            .map(|(_, value)| value)
    })
}

/// A string as is; other values as their JSON.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(text_of).collect::<Vec<_>>().join("\n"),
        other => other.to_string(),
    }
}

/// A line number: `12`, `"12"`, `"L12"`, `"12-14"` (the first), `[12, 14]` (the first).
fn line_of(value: &Value) -> Option<u32> {
    match value {
        Value::Number(number) => number.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(text) => {
            let digits: String = text
                .trim()
                .trim_start_matches(['L', 'l', '#'])
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        }
        Value::Array(items) => items.first().and_then(line_of),
        _ => None,
    }
    .filter(|line| *line > 0)
}

/// The answer without `<think>…</think>` reasoning (an unclosed block is kept: it may hold the
/// answer when the reasoning was cut).
fn without_reasoning(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<think>") {
        let Some(end) = rest[start..].find("</think>") else {
            break;
        };
        out.push_str(&rest[..start]);
        rest = &rest[start + end + "</think>".len()..];
    }
    out.push_str(rest);
    out
}

/// Every balanced `{…}` at the top level of `text`, in order (braces inside JSON strings do not
/// count).
fn objects(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut start = 0;
    while let Some(offset) = text[start..].find('{') {
        let open = start + offset;
        match matching_brace(bytes, open) {
            Some(close) => {
                found.push(&text[open..=close]);
                start = close + 1;
            }
            None => start = open + 1,
        }
    }
    found
}

fn matching_brace(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (at, &byte) in bytes.iter().enumerate().skip(open) {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

/// JSON with the trailing commas small models write (`[1, 2,]`, `{"a": 1,}`) removed.
fn without_trailing_commas(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    let chars: Vec<char> = json.chars().collect();
    for (index, &ch) in chars.iter().enumerate() {
        if in_string {
            match ch {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            out.push(ch);
            continue;
        }
        if ch == '"' {
            in_string = true;
        }
        if ch == ',' {
            let next = chars[index + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}' | ']')) {
                continue;
            }
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn structured(text: &str) -> Answer {
        match parse(text) {
            Parsed::Structured(answer) => answer,
            Parsed::Unstructured(text) => panic!("not structured: {text}"),
        }
    }

    #[test]
    fn a_plain_json_answer_parses() {
        let answer = structured(
            r#"{"verdict":"request_changes","summary":"Adds a cache.","comments":[{"path":"src/a.rs","line":12,"severity":"error","body":"Unbounded."}]}"#,
        );
        assert_eq!(answer.verdict, Some(Verdict::RequestChanges));
        assert_eq!(answer.summary, "Adds a cache.");
        assert_eq!(
            answer.findings,
            vec![Finding {
                path: "src/a.rs".into(),
                line: Some(12),
                side: Side::Right,
                severity: Severity::Error,
                body: "Unbounded.".into()
            }]
        );
    }

    #[test]
    fn fenced_blocks_reasoning_and_trailing_text_are_skipped() {
        let text = "<think>maybe {\"verdict\": \"approve\"} is right?</think>\nHere is my review:\n```json\n{\n  \"verdict\": \"Request Changes\",\n  \"summary\": \"Has a } brace in a string\",\n  \"comments\": [\n    {\"file\": \"b/x.py\", \"line\": \"L7\", \"comment\": \"Off by one.\", \"severity\": \"major\",},\n  ],\n}\n```\nLet me know if you need more.";
        let answer = structured(text);
        assert_eq!(answer.verdict, Some(Verdict::RequestChanges));
        assert_eq!(answer.summary, "Has a } brace in a string");
        assert_eq!(answer.findings.len(), 1);
        assert_eq!(answer.findings[0].path, "b/x.py");
        assert_eq!(answer.findings[0].line, Some(7));
        assert_eq!(answer.findings[0].severity, Severity::Error);
    }

    #[test]
    fn the_last_review_object_wins() {
        let text = r#"Draft: {"verdict": "approve", "summary": "draft"} Final: {"verdict": "comment", "summary": "final"}"#;
        assert_eq!(structured(text).summary, "final");
        assert_eq!(structured(text).verdict, Some(Verdict::Comment));
    }

    #[test]
    fn unknown_or_missing_verdicts_are_none_never_approve() {
        assert_eq!(
            structured(r#"{"verdict": "ship it!!", "summary": "x"}"#).verdict,
            None
        );
        assert_eq!(structured(r#"{"summary": "x"}"#).verdict, None);
        assert_eq!(
            structured(r#"{"verdict": 1, "summary": "x"}"#).verdict,
            None
        );
        assert_eq!(Verdict::parse("LGTM"), Some(Verdict::Approve));
        assert_eq!(
            Verdict::parse("changes-requested"),
            Some(Verdict::RequestChanges)
        );
    }

    #[test]
    fn odd_comments_are_skipped_or_kept_without_a_line() {
        let answer = structured(
            r#"{"verdict":"comment","summary":"s","comments":[
                {"path":"a.rs","body":"no line"},
                {"path":"a.rs","line":"12-14","body":"range","side":"LEFT"},
                {"path":"a.rs","line":[3,4],"body":"array"},
                {"path":"a.rs","line":0,"body":"zero"},
                {"path":"","line":1,"body":"no path"},
                {"path":"a.rs","line":1,"body":"  "},
                "just a string",
                {"path":"a.rs","line":-3,"body":"negative"}
            ]}"#,
        );
        let lines: Vec<(Option<u32>, Side)> =
            answer.findings.iter().map(|f| (f.line, f.side)).collect();
        assert_eq!(
            lines,
            vec![
                (None, Side::Right),
                (Some(12), Side::Left),
                (Some(3), Side::Right),
                (None, Side::Right),
                (None, Side::Right)
            ]
        );
        assert_eq!(answer.skipped, 3);
    }

    #[test]
    fn text_without_a_review_object_is_unstructured() {
        assert_eq!(
            parse("APPROVE\nLooks fine to me."),
            Parsed::Unstructured("APPROVE\nLooks fine to me.".into())
        );
        assert_eq!(
            parse(r#"{"unrelated": true}"#),
            Parsed::Unstructured(r#"{"unrelated": true}"#.into())
        );
        assert_eq!(
            parse("<think>hm</think>  "),
            Parsed::Unstructured(String::new())
        );
        for garbage in [
            "{",
            "}",
            "{{{",
            "\"{\"",
            "{\"verdict\": \"approve\"",
            "\u{0}{]",
        ] {
            assert!(
                matches!(parse(garbage), Parsed::Unstructured(_)),
                "{garbage}"
            );
        }
    }
}
