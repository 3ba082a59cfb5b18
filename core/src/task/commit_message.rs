//! The commit message of a task: the model's own words when they make a proper message, else
//! one built from the task's title, always with an `Agent-Task:` trailer.

/// The longest subject line accepted from a model.
pub const MAX_SUBJECT: usize = 72;

/// A commit message: subject and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitMessage {
    pub subject: String,
    pub body: String,
}

impl CommitMessage {
    /// The full message as git stores it.
    pub fn render(&self, task_id: &str) -> String {
        let mut text = self.subject.clone();
        text.push_str("\n\n");
        if !self.body.trim().is_empty() {
            text.push_str(self.body.trim());
            text.push_str("\n\n");
        }
        text.push_str("Agent-Task: ");
        text.push_str(task_id);
        text.push('\n');
        text
    }
}

/// Builds the message from the model's final reply. The first non-empty line becomes the
/// subject if it reads like one (1–72 characters after stripping Markdown, no trailing period,
/// not a code fence); otherwise the subject is `fallback_title` and the reply is the body.
pub fn from_reply(reply: &str, fallback_title: &str) -> (CommitMessage, bool) {
    let text = strip_fence(reply.trim());
    let mut lines = text.lines();
    let first = lines.by_ref().find(|l| !l.trim().is_empty()).unwrap_or("");
    let subject = clean_subject(first);
    let body: Vec<&str> = lines.collect();
    let body = body.join("\n").trim().to_string();
    if is_good_subject(&subject) {
        return (CommitMessage { subject, body }, true);
    }
    (
        CommitMessage {
            subject: fallback_subject(fallback_title),
            body: text.trim().to_string(),
        },
        false,
    )
}

/// A subject made from the task's title: `agent: <title>` cut to [`MAX_SUBJECT`].
pub fn fallback_subject(title: &str) -> String {
    let title = title
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .trim_end_matches('.');
    let subject = format!("agent: {title}");
    cut(&subject, MAX_SUBJECT)
}

fn clean_subject(line: &str) -> String {
    let mut subject = line.trim();
    for prefix in ["#", "*", "-", ">"] {
        subject = subject.trim_start_matches(prefix).trim_start();
    }
    for label in ["commit message:", "subject:", "summary:"] {
        if subject.len() >= label.len() && subject[..label.len()].eq_ignore_ascii_case(label) {
            subject = subject[label.len()..].trim_start();
        }
    }
    subject
        .trim_matches(|c| c == '*' || c == '`' || c == '"')
        .trim()
        .to_string()
}

fn is_good_subject(subject: &str) -> bool {
    let length = subject.chars().count();
    (1..=MAX_SUBJECT).contains(&length)
        && !subject.ends_with('.')
        && !subject.ends_with(':')
        && !subject.starts_with("```")
        && subject.chars().any(char::is_alphabetic)
}

fn strip_fence(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("```") else {
        return text;
    };
    let rest = rest.split_once('\n').map_or("", |(_, body)| body);
    rest.strip_suffix("```").unwrap_or(rest).trim()
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out = out.trim_end().to_string();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proper_reply_is_used_as_is() {
        let (message, good) = from_reply(
            "Fix off-by-one in parser\n\nThe loop skipped the last token.",
            "t",
        );
        assert!(good);
        assert_eq!(message.subject, "Fix off-by-one in parser");
        assert_eq!(message.body, "The loop skipped the last token.");
        assert_eq!(
            message.render("abc"),
            "Fix off-by-one in parser\n\nThe loop skipped the last token.\n\nAgent-Task: abc\n"
        );
    }

    #[test]
    fn markdown_and_labels_are_stripped_from_the_subject() {
        let (message, good) = from_reply("## Subject: **Add a retry flag**\nbody", "t");
        assert!(good);
        assert_eq!(message.subject, "Add a retry flag");
        let (message, good) = from_reply("```\nRename foo to bar\n```", "t");
        assert!(good);
        assert_eq!(message.subject, "Rename foo to bar");
    }

    #[test]
    fn a_reply_that_is_no_commit_message_falls_back_to_the_title() {
        let long = "I have changed the function so that it now handles the empty input case properly and also the other one.";
        for reply in ["", long, "Done.", "Here is what I did:"] {
            let (message, good) = from_reply(reply, "Fix the failing test in parser.rs");
            assert!(!good, "{reply}");
            assert_eq!(message.subject, "agent: Fix the failing test in parser.rs");
            assert_eq!(message.body, reply.trim());
        }
        let subject = fallback_subject(&"x".repeat(200));
        assert_eq!(subject.chars().count(), MAX_SUBJECT);
    }
}
