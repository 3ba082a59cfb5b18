//! Commit message files as the commit-msg hook sees them: whether the author wrote anything
//! (comment lines and git's verbose diff below the scissors line do not count), the model's
//! reply as a message, and the file written back with the author's trailers and git's comments
//! kept.

use crate::task::commit_message;

/// What the author wrote: the file's text before the scissors line, without comment lines,
/// trimmed.
pub fn authored(text: &str, comment: char) -> String {
    let scissors = scissors_line(comment);
    let mut kept = Vec::new();
    for line in text.lines() {
        if line == scissors {
            break;
        }
        if !line.starts_with(comment) {
            kept.push(line.trim_end());
        }
    }
    kept.join("\n").trim().to_string()
}

/// The model's reply as a commit message (`subject`, or `subject\n\nbody`), when its first line
/// reads like a subject; `None` for anything else (prose, an empty reply).
pub fn from_reply(reply: &str) -> Option<String> {
    let (message, proper) = commit_message::from_reply(reply, "");
    if !proper {
        return None;
    }
    Some(if message.body.is_empty() {
        message.subject
    } else {
        format!("{}\n\n{}", message.subject, message.body)
    })
}

/// The message file's new text: `message`, then the trailers of the author's text
/// (`Signed-off-by: …`) it lacks, then the file's comment lines and verbose diff as they were,
/// for git's own clean-up.
pub fn compose(message: &str, original: &str, comment: char) -> String {
    let mut text = message.trim().to_string();
    let authored = authored(original, comment);
    let missing: Vec<&str> = trailers(&authored)
        .into_iter()
        .filter(|trailer| !text.contains(trailer))
        .collect();
    if !missing.is_empty() {
        text.push_str("\n\n");
        text.push_str(&missing.join("\n"));
    }
    text.push('\n');
    let scissors = scissors_line(comment);
    let mut below_scissors = false;
    let mut kept = String::new();
    for line in original.lines() {
        below_scissors |= line == scissors;
        if below_scissors || line.starts_with(comment) {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    if !kept.is_empty() {
        text.push('\n');
        text.push_str(&kept);
    }
    text
}

/// The trailer lines (`Token: value`) that end a message of more than one paragraph.
fn trailers(authored: &str) -> Vec<&str> {
    let paragraphs: Vec<&str> = authored
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .collect();
    let [_, .., last] = paragraphs.as_slice() else {
        return Vec::new();
    };
    let lines: Vec<&str> = last.lines().map(str::trim).collect();
    let all_trailers = lines.iter().all(|line| {
        line.split_once(": ").is_some_and(|(token, value)| {
            !token.is_empty()
                && !value.trim().is_empty()
                && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
    });
    if all_trailers { lines } else { Vec::new() }
}

/// git's line above the diff of `git commit --verbose`; nothing below it is part of the message.
fn scissors_line(comment: char) -> String {
    format!("{comment} ------------------------ >8 ------------------------")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "\n# Please enter the commit message for your changes. Lines starting\n# with '#' will be ignored.\n#\n# On branch main\n";

    #[test]
    fn a_template_only_message_is_blank() {
        assert_eq!(authored(TEMPLATE, '#'), "");
        assert_eq!(authored("", '#'), "");
        let verbose = "\n# comment\n# ------------------------ >8 ------------------------\n# Do not modify or remove the line above.\ndiff --git a/x b/x\n+added\n";
        assert_eq!(authored(verbose, '#'), "");
        assert_eq!(authored("Fix it\n\n# comment\n", '#'), "Fix it");
        assert_eq!(authored("; c\nFix it\n", ';'), "Fix it");
    }

    #[test]
    fn a_model_reply_becomes_a_message_only_when_it_reads_like_one() {
        assert_eq!(
            from_reply("```\nAdd a --verbose flag\n\nPrints each step.\n```").as_deref(),
            Some("Add a --verbose flag\n\nPrints each step.")
        );
        assert_eq!(from_reply("").as_deref(), None);
        assert_eq!(
            from_reply(&format!("{}\n", "x".repeat(200))).as_deref(),
            None
        );
    }

    #[test]
    fn compose_keeps_comments_the_verbose_diff_and_missing_trailers() {
        let original = "fix stuff\n\nSigned-off-by: A <a@example.com>\n# comment\n# ------------------------ >8 ------------------------\ndiff --git a/x b/x\n";
        assert_eq!(
            compose(
                "Fix the parser's off-by-one\n\nThe loop ran past the end.",
                original,
                '#'
            ),
            "Fix the parser's off-by-one\n\nThe loop ran past the end.\n\nSigned-off-by: A <a@example.com>\n\n# comment\n# ------------------------ >8 ------------------------\ndiff --git a/x b/x\n"
        );
        // A one-paragraph message has no trailers, and the model's own trailer is not doubled.
        assert_eq!(compose("Add x", "WIP: x", '#'), "Add x\n");
        assert_eq!(
            compose(
                "Add x\n\nSigned-off-by: A <a>",
                "x\n\nSigned-off-by: A <a>\n",
                '#'
            ),
            "Add x\n\nSigned-off-by: A <a>\n"
        );
    }
}
