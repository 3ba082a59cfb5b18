//! A review's findings, read forgivingly from whatever the model replied: the asked-for
//! `SEVERITY FILE:LINE: MESSAGE` lines (with Markdown bullets, bold or brackets around them), or
//! JSON (a list, `{"findings": [...]}`, in a code fence or not). A reply that is neither has no
//! findings: what the model said is shown, and it never refuses a commit.

use std::fmt;

use serde_json::Value;

/// How serious a finding is, most serious first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    /// The name `hooks.block_on` uses.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// The severity a model's word means: the three names and common synonyms
    /// (`critical`, `major`, `nit`…), in any case. `None` for any other word.
    pub fn from_word(word: &str) -> Option<Self> {
        let word = word.to_ascii_lowercase();
        match word.as_str() {
            "error" | "err" | "critical" | "blocker" | "fatal" | "severe" | "high" | "bug" => {
                Some(Severity::Error)
            }
            "warning" | "warn" | "major" | "medium" | "moderate" => Some(Severity::Warning),
            "info" | "note" | "minor" | "low" | "nit" | "suggestion" | "style" | "hint" => {
                Some(Severity::Info)
            }
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One problem the review reported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// `FILE` or `FILE:LINE`, when the model named one.
    pub location: Option<String>,
    pub message: String,
}

/// The findings in a review reply; empty for `NONE`, for prose and for anything unreadable.
pub fn parse(reply: &str) -> Vec<Finding> {
    if let Some(findings) = from_json(reply) {
        return findings;
    }
    reply.lines().filter_map(from_line).collect()
}

/// The findings whose severity is one of `block_on` (names as in `hooks.block_on`).
pub fn blocking<'a>(findings: &'a [Finding], block_on: &[String]) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|finding| block_on.iter().any(|name| name == finding.severity.name()))
        .collect()
}

/// Findings from a JSON reply, when the reply (or a code fence in it, or its outermost brackets)
/// is JSON shaped like findings.
fn from_json(reply: &str) -> Option<Vec<Finding>> {
    let trimmed = reply.trim();
    let mut candidates = vec![trimmed];
    if let Some(fenced) = fenced(trimmed) {
        candidates.push(fenced);
    }
    for (open, close) in [('[', ']'), ('{', '}')] {
        if let (Some(start), Some(end)) = (trimmed.find(open), trimmed.rfind(close))
            && start < end
        {
            candidates.push(&trimmed[start..=end]);
        }
    }
    candidates.into_iter().find_map(|text| {
        let value: Value = serde_json::from_str(text).ok()?;
        let items = match &value {
            Value::Array(items) => items.clone(),
            Value::Object(object) => match ["findings", "issues", "problems", "comments"]
                .iter()
                .find_map(|key| object.get(*key))
            {
                Some(Value::Array(items)) => items.clone(),
                _ if object.contains_key("severity") => vec![value.clone()],
                _ => return None,
            },
            _ => return None,
        };
        Some(items.iter().filter_map(from_json_item).collect())
    })
}

fn from_json_item(item: &Value) -> Option<Finding> {
    let object = match item {
        Value::String(line) => return from_line(line),
        Value::Object(object) => object,
        _ => return None,
    };
    let text = |keys: &[&str]| {
        keys.iter().find_map(|key| match object.get(*key) {
            Some(Value::String(text)) if !text.trim().is_empty() => Some(text.trim().to_string()),
            Some(Value::Number(number)) => Some(number.to_string()),
            _ => None,
        })
    };
    let message = text(&[
        "message",
        "description",
        "text",
        "issue",
        "comment",
        "problem",
    ])?;
    // A severity the model made up is shown, but as the least serious: it never blocks.
    let severity = text(&["severity", "level", "type", "priority"])
        .and_then(|word| Severity::from_word(&word))
        .unwrap_or(Severity::Info);
    let location = match (text(&["file", "path", "location"]), text(&["line"])) {
        (Some(file), Some(line)) if !file.contains(':') => Some(format!("{file}:{line}")),
        (Some(file), _) => Some(file),
        (None, _) => None,
    };
    Some(Finding {
        severity,
        location,
        message,
    })
}

/// A finding from one line: a severity label (`error:`, `[error]`, `**Error**`, `ERROR -`) or a
/// severity word followed by a place (`error src/a.rs:3: …`), then the message. Prose that only
/// starts with such a word ("Error handling looks fine") is no finding.
fn from_line(line: &str) -> Option<Finding> {
    let line = strip_bullet(line.trim());
    let (word, rest, labelled) = severity_label(line)?;
    let severity = Severity::from_word(word)?;
    let rest = rest.trim_start_matches([' ', ':', '-', '–', '—', '|', '\t']);
    let (location, message) = match rest.split_once(char::is_whitespace) {
        Some((first, message)) if is_location(first) => (
            Some(location_text(first)),
            message
                .trim_start_matches([' ', ':', '-', '–', '—', '|'])
                .trim(),
        ),
        _ if labelled => (None, rest.trim()),
        _ => return None,
    };
    if message.is_empty() || is_nothing(message) {
        return None;
    }
    Some(Finding {
        severity,
        location,
        message: message.to_string(),
    })
}

/// The severity word at the start of `line`, the text after it, and whether it was written as a
/// label (followed by `:`, or in brackets, bold or backticks) rather than a bare word.
fn severity_label(line: &str) -> Option<(&str, &str, bool)> {
    for (open, close) in [
        ("**", "**"),
        ("__", "__"),
        ("`", "`"),
        ("[", "]"),
        ("(", ")"),
    ] {
        if let Some(inner) = line.strip_prefix(open)
            && let Some((word, rest)) = inner.split_once(close)
        {
            let word = word.trim().trim_end_matches(':');
            return Some((word, rest, true));
        }
    }
    let end = line
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(line.len());
    let (word, rest) = line.split_at(end);
    if word.is_empty() {
        return None;
    }
    Some((word, rest, rest.starts_with(':')))
}

/// `line` without a leading list marker (`- `, `* `, `• `, `1.`, `2)`).
fn strip_bullet(line: &str) -> &str {
    for bullet in ['-', '*', '•', '+'] {
        if let Some(rest) = line.strip_prefix(bullet)
            && rest.starts_with(char::is_whitespace)
        {
            return rest.trim_start();
        }
    }
    let digits = line.find(|c: char| !c.is_ascii_digit()).unwrap_or(0);
    if digits > 0 && line[digits..].starts_with(['.', ')']) {
        return line[digits + 1..].trim_start();
    }
    line
}

/// Whether `token` names a place in the code: `path:LINE` (`:COL`), or a file name with an
/// extension or a directory, followed by `:`.
fn is_location(token: &str) -> bool {
    let token = token.trim_matches('`');
    let bare = token.trim_end_matches(':');
    if bare.is_empty() || bare.contains("::") {
        return false;
    }
    let mut parts = bare.split(':');
    let file = parts.next().unwrap_or("");
    let numbered: Vec<&str> = parts.collect();
    let looks_like_file = file.contains('/')
        || file
            .rsplit_once('.')
            .is_some_and(|(stem, ext)| !stem.is_empty() && ext.chars().all(char::is_alphanumeric));
    if !numbered.is_empty() {
        return !file.is_empty()
            && numbered.iter().all(|part| {
                !part.is_empty() && part.chars().all(|c| c.is_ascii_digit() || c == '-')
            });
    }
    looks_like_file && token.ends_with(':')
}

/// A location token as shown: without backticks and the trailing `:`.
fn location_text(token: &str) -> String {
    token
        .trim_matches('`')
        .trim_end_matches(':')
        .trim_matches('`')
        .to_string()
}

/// Whether a message says there is nothing ("none", "n/a", "no issues found").
fn is_nothing(message: &str) -> bool {
    let message = message.trim().trim_end_matches('.').to_ascii_lowercase();
    matches!(message.as_str(), "none" | "n/a" | "-" | "nothing")
        || message.starts_with("no issues")
        || message.starts_with("no problems")
        || message.starts_with("none found")
}

/// The inside of the first code fence in `text`.
fn fenced(text: &str) -> Option<&str> {
    let start = text.find("```")?;
    let after = &text[start + 3..];
    let body_start = after.find('\n')? + 1;
    let body = &after[body_start..];
    let end = body.find("```")?;
    Some(body[..end].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(severity: Severity, location: Option<&str>, message: &str) -> Finding {
        Finding {
            severity,
            location: location.map(str::to_string),
            message: message.to_string(),
        }
    }

    #[test]
    fn the_asked_for_lines_are_read() {
        let reply = "error src/lib.rs:12: the index is not checked and may panic\nwarning src/a.rs: slow loop\ninfo README.md:3:1: typo in \"recieve\"\n";
        assert_eq!(
            parse(reply),
            [
                finding(
                    Severity::Error,
                    Some("src/lib.rs:12"),
                    "the index is not checked and may panic"
                ),
                finding(Severity::Warning, Some("src/a.rs"), "slow loop"),
                finding(Severity::Info, Some("README.md:3:1"), "typo in \"recieve\""),
            ]
        );
    }

    #[test]
    fn markdown_labels_and_synonyms_are_forgiven() {
        let reply = "Here is my review:\n\n1. **Error**: `src/db.rs:40` SQL built from user input\n- [WARNING] main.rs:7 - unwrap on a user value\n* CRITICAL: secrets logged\n- Nit: rename `x`\n";
        let found = parse(reply);
        assert_eq!(
            found,
            [
                finding(
                    Severity::Error,
                    Some("src/db.rs:40"),
                    "SQL built from user input"
                ),
                finding(
                    Severity::Warning,
                    Some("main.rs:7"),
                    "unwrap on a user value"
                ),
                finding(Severity::Error, None, "secrets logged"),
                finding(Severity::Info, None, "rename `x`"),
            ]
        );
    }

    #[test]
    fn json_replies_are_read_in_any_of_their_shapes() {
        let fenced = "```json\n{\"findings\": [{\"severity\": \"error\", \"file\": \"a.py\", \"line\": 3, \"message\": \"divides by zero\"}, {\"level\": \"odd\", \"description\": \"hm\"}]}\n```";
        assert_eq!(
            parse(fenced),
            [
                finding(Severity::Error, Some("a.py:3"), "divides by zero"),
                finding(Severity::Info, None, "hm"),
            ]
        );
        let list = "Findings: [{\"severity\":\"warning\",\"message\":\"racy\"}, \"error x.c:1: overflow\"]";
        assert_eq!(
            parse(list),
            [
                finding(Severity::Warning, None, "racy"),
                finding(Severity::Error, Some("x.c:1"), "overflow"),
            ]
        );
        assert_eq!(parse("[]"), []);
    }

    #[test]
    fn prose_none_and_garbage_have_no_findings() {
        for reply in [
            "NONE",
            "None.",
            "Error handling looks fine and the tests cover it.",
            "Errors: none",
            "error: none found",
            "The change looks good to me!",
            "{\"verdict\": \"ok\"}",
            "```\nnot json\n```",
            "",
            "\u{0}\u{1}garbage ::: [[[",
            "error Box::new leaks nothing",
        ] {
            assert_eq!(parse(reply), [], "{reply:?}");
        }
    }

    #[test]
    fn only_configured_severities_block() {
        let found = parse("error a.rs:1: bad\nwarning b.rs:2: meh\ninfo c.rs: fine\n");
        assert!(blocking(&found, &[]).is_empty());
        let errors = blocking(&found, &["error".to_string()]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].severity, Severity::Error);
        assert_eq!(
            blocking(&found, &["error".to_string(), "warning".to_string()]).len(),
            2
        );
    }
}
