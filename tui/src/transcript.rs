//! A conversation as terminal text: a header, then each message under a rule naming its author.

use agent_core::store::{Conversation, Message};
use agent_core::time::format_short;
use agent_models::Role;

use crate::style::{Painter, Tone};

/// Renders a whole conversation for printing to a terminal or a pipe.
pub fn render_conversation(
    conversation: &Conversation,
    messages: &[Message],
    painter: &Painter,
) -> String {
    let mut out = String::new();
    let title = if conversation.title.trim().is_empty() {
        "(untitled)"
    } else {
        conversation.title.as_str()
    };
    out.push_str(&painter.paint(Tone::Strong, title));
    out.push_str("  ");
    out.push_str(&painter.paint(Tone::Dim, &conversation.id));
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
    out.push_str(&painter.paint(Tone::Dim, &details.join(" · ")));
    out.push('\n');
    for message in messages {
        out.push('\n');
        out.push_str(&message_heading(message, painter));
        out.push('\n');
        out.push_str(message.content.trim_end().trim_start_matches(['\n', '\r']));
        out.push('\n');
        if let Some(calls) = &message.tool_calls {
            out.push_str(&painter.paint(Tone::Tool, "tool calls: "));
            out.push_str(calls);
            out.push('\n');
        }
    }
    out
}

fn message_heading(message: &Message, painter: &Painter) -> String {
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
    if let Some(id) = &message.tool_call_id {
        details.push(format!("answers {id}"));
    }
    format!(
        "{} {} {}",
        painter.paint(Tone::Dim, "──"),
        painter.paint(tone, message.role.as_str()),
        painter.paint(Tone::Dim, &format!("· {} ──", details.join(" · ")))
    )
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
    fn coloured_transcript_marks_roles() {
        let (conversation, messages) = sample();
        let painter = Painter::new(ColorMode::Always, &EnvSnapshot::default(), false);
        let text = render_conversation(&conversation, &messages, &painter);
        assert!(text.contains("\x1b[1;36muser\x1b[0m"));
        assert!(text.contains("\x1b[1;35massistant\x1b[0m"));
    }
}
