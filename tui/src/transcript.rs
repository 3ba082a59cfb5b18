//! A conversation as terminal text: a header, then each message under a rule naming its author.
//!
//! Everything stored may have come from outside (an imported history, a tool's output, a model
//! that repeats a web page), so every text is printed without control characters: no escape
//! sequence from a message reaches the terminal. An imported conversation's tool calls are
//! already summarised in their messages (`→ shell: cargo test`); their headings name the call
//! ids instead of repeating the calls as JSON.

use agent_core::store::{Conversation, Message};
use agent_core::time::format_short;
use agent_models::Role;

use crate::style::{Painter, Tone};
use crate::text::printable;

/// Renders a whole conversation for printing to a terminal or a pipe.
pub fn render_conversation(
    conversation: &Conversation,
    messages: &[Message],
    painter: &Painter,
) -> String {
    let mut out = String::new();
    let title = if conversation.title.trim().is_empty() {
        "(untitled)".to_string()
    } else {
        printable(&conversation.title).replace(['\n', '\t'], " ")
    };
    out.push_str(&painter.paint(Tone::Strong, &title));
    out.push_str("  ");
    out.push_str(&painter.paint(Tone::Dim, &printable(&conversation.id)));
    out.push('\n');
    let mut details = Vec::new();
    if let Some(origin) = &conversation.origin {
        let mut from = format!("imported from {} {}", origin.tool, origin.path);
        if let Some(parent) = &origin.branch_of {
            from.push_str(&format!(" (a branch of {parent})"));
        }
        details.push(from);
    }
    if let Some(repo) = &conversation.repo {
        details.push(format!("repo {repo}"));
    }
    details.push(format!("created {}", format_short(conversation.created_at)));
    details.push(format!("updated {}", format_short(conversation.updated_at)));
    details.push(match messages.len() {
        1 => "1 message".to_string(),
        n => format!("{n} messages"),
    });
    let details = printable(&details.join(" · ")).replace(['\n', '\t'], " ");
    out.push_str(&painter.paint(Tone::Dim, &details));
    out.push('\n');
    let imported = conversation.origin.is_some();
    for message in messages {
        out.push('\n');
        out.push_str(&message_heading(message, imported, painter));
        out.push('\n');
        let content = printable(&message.content);
        out.push_str(content.trim_end().trim_start_matches('\n'));
        out.push('\n');
        if let Some(calls) = message.tool_calls.as_deref().filter(|_| !imported) {
            out.push_str(&painter.paint(Tone::Tool, "tool calls: "));
            out.push_str(&printable(calls));
            out.push('\n');
        }
    }
    out
}

/// `── role · time · model · tokens · calls/answers ──`; for an imported message with tool
/// calls, their ids (the summaries are its content).
fn message_heading(message: &Message, imported: bool, painter: &Painter) -> String {
    let tone = match message.role {
        Role::User => Tone::User,
        Role::Assistant => Tone::Assistant,
        Role::System | Role::Tool => Tone::Tool,
    };
    let mut details = vec![format_short(message.created_at)];
    if let Some(model) = &message.model {
        details.push(model.clone());
    }
    match (message.prompt_tokens, message.completion_tokens) {
        (Some(p), Some(c)) => details.push(format!("{p} + {c} tokens")),
        (None, Some(c)) => details.push(format!("{c} tokens")),
        _ => {}
    }
    if imported && let Some(ids) = message.tool_calls.as_deref().and_then(call_ids) {
        details.push(format!("calls {ids}"));
    }
    if let Some(id) = &message.tool_call_id {
        details.push(format!("answers {id}"));
    }
    let details = printable(&details.join(" · ")).replace(['\n', '\t'], " ");
    format!(
        "{} {} {}",
        painter.paint(Tone::Dim, "──"),
        painter.paint(tone, message.role.as_str()),
        painter.paint(Tone::Dim, &format!("· {details} ──"))
    )
}

/// The ids of a `tool_calls` JSON list, comma separated; `None` when there are none.
fn call_ids(calls: &str) -> Option<String> {
    let calls: Vec<serde_json::Value> = serde_json::from_str(calls).ok()?;
    let ids: Vec<&str> = calls
        .iter()
        .filter_map(|call| call.get("id").and_then(serde_json::Value::as_str))
        .collect();
    (!ids.is_empty()).then(|| ids.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use agent_core::config::ColorMode;
    use agent_core::env::EnvSnapshot;

    fn sample() -> (Conversation, Vec<Message>) {
        let conversation = Conversation {
            id: "c0ffee".into(),
            title: "Fix the parser".into(),
            repo: Some("/src/parser".into()),
            created_at: 1_795_000_000_000,
            updated_at: 1_795_000_060_000,
            origin: None,
        };
        let message = |seq: u64, role: Role, content: &str| Message {
            id: format!("m{seq}"),
            conversation_id: "c0ffee".into(),
            seq,
            parent_id: None,
            role,
            content: content.into(),
            model: (role == Role::Assistant).then(|| "qwen2.5-coder:7b".to_string()),
            prompt_tokens: (role == Role::Assistant).then_some(120),
            completion_tokens: (role == Role::Assistant).then_some(30),
            tool_call_id: None,
            tool_calls: None,
            created_at: 1_795_000_000_000 + seq as i64 * 30_000,
        };
        let messages = vec![
            message(0, Role::User, "Why does `parse(\"\")` panic?"),
            message(
                1,
                Role::Assistant,
                "It indexes `[0]` without a check:\n\n```rust\nlet first = s[0];\n```\n",
            ),
        ];
        (conversation, messages)
    }

    #[test]
    fn plain_transcript() {
        let (conversation, messages) = sample();
        insta::assert_snapshot!(render_conversation(
            &conversation,
            &messages,
            &Painter::plain()
        ));
    }

    #[test]
    fn imported_tool_calls_show_their_ids_and_hostile_text_loses_its_escapes() {
        let (mut conversation, mut messages) = sample();
        conversation.origin = Some(agent_core::store::Origin {
            tool: "codex".into(),
            path: "/h/.codex/sessions/rollout-\u{1b}[31mx.jsonl".into(),
            session: "s1".into(),
            branch_of: None,
        });
        conversation.title = "evil \u{1b}]0;owned\u{7}title".into();
        messages[1].content = "→ shell: cargo test".into();
        messages[1].tool_calls =
            Some(r#"[{"id":"call_1","name":"shell","arguments":{"summary":"cargo test"}}]"#.into());
        let mut answer = messages[1].clone();
        answer.role = Role::Tool;
        answer.model = None;
        answer.tool_calls = None;
        answer.tool_call_id = Some("call_1".into());
        answer.content = "← exit 0: ok \u{1b}[2J\u{202E}done\r".into();
        messages.push(answer);
        let text = render_conversation(&conversation, &messages, &Painter::plain());
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
        assert!(
            !text.contains('\u{202E}') && !text.contains('\r'),
            "{text:?}"
        );
        assert!(text.contains("imported from codex /h/.codex/sessions/rollout-[31mx.jsonl"));
        assert!(
            text.contains("calls call_1 ──\n→ shell: cargo test\n"),
            "{text}"
        );
        assert!(
            text.contains("answers call_1 ──\n← exit 0: ok [2Jdone\n"),
            "{text}"
        );
        assert!(
            !text.contains("tool calls:"),
            "the summary is not repeated as JSON: {text}"
        );
    }

    #[test]
    fn own_tool_calls_are_listed_as_json() {
        let (conversation, mut messages) = sample();
        messages[1].tool_calls = Some(r#"[{"id":"c","name":"read","arguments":{}}]"#.into());
        let text = render_conversation(&conversation, &messages, &Painter::plain());
        assert!(text.contains("tool calls: [{\"id\":\"c\""), "{text}");
    }

    #[test]
    fn coloured_transcript_marks_roles() {
        let (conversation, messages) = sample();
        let painter = Painter::new(ColorMode::Always, &EnvSnapshot::default(), false);
        let text = render_conversation(&conversation, &messages, &painter);
        assert!(text.contains("\x1b[1;36muser\x1b[0m"));
        assert!(text.contains("\x1b[1;35massistant\x1b[0m"));
    }
}
