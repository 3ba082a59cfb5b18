//! A conversation as a Markdown transcript, for `agent history export --format md`.

use std::fmt::Write;

use crate::store::ConversationRecord;

/// Renders a conversation record as Markdown: a title, a short header, then one section per message.
pub fn conversation_markdown(record: &ConversationRecord) -> String {
    let mut out = String::new();
    let title = if record.title.trim().is_empty() {
        format!("Conversation {}", record.id)
    } else {
        record.title.clone()
    };
    let _ = writeln!(out, "# {title}\n");
    let _ = writeln!(out, "- id: `{}`", record.id);
    if let Some(repo) = &record.repo {
        let _ = writeln!(out, "- repo: `{repo}`");
    }
    if let Some(created) = &record.created_at {
        let _ = writeln!(out, "- created: {created}");
    }
    if let Some(updated) = &record.updated_at {
        let _ = writeln!(out, "- updated: {updated}");
    }
    for message in &record.messages {
        let mut heading = vec![message.role.to_string()];
        if let Some(model) = &message.model {
            heading.push(format!("`{model}`"));
        }
        if let Some(created) = &message.created_at {
            heading.push(created.clone());
        }
        match (message.prompt_tokens, message.completion_tokens) {
            (Some(p), Some(c)) => heading.push(format!("{p} + {c} tokens")),
            (None, Some(c)) => heading.push(format!("{c} tokens")),
            _ => {}
        }
        let _ = writeln!(out, "\n## {}\n", heading.join(" · "));
        let _ = writeln!(out, "{}", message.content.trim_end());
        if let Some(calls) = &message.tool_calls {
            let pretty = serde_json::to_string_pretty(calls).unwrap_or_default();
            let _ = writeln!(out, "\n```json\n{pretty}\n```");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MessageRecord;
    use agent_models::Role;

    #[test]
    fn transcript_has_title_header_and_one_section_per_message() {
        let record = ConversationRecord {
            id: "c1".into(),
            title: "Fix the parser".into(),
            repo: Some("/src/p".into()),
            created_at: Some("2026-01-01T00:00:00.000Z".into()),
            updated_at: None,
            messages: vec![
                MessageRecord {
                    id: None,
                    parent_id: None,
                    role: Role::User,
                    content: "why does it fail?".into(),
                    model: None,
                    prompt_tokens: None,
                    completion_tokens: None,
                    tool_call_id: None,
                    tool_calls: None,
                    created_at: None,
                },
                MessageRecord {
                    id: None,
                    parent_id: None,
                    role: Role::Assistant,
                    content: "```rust\nfn main() {}\n```\n".into(),
                    model: Some("qwen2.5-coder:7b".into()),
                    prompt_tokens: Some(10),
                    completion_tokens: Some(5),
                    tool_call_id: None,
                    tool_calls: None,
                    created_at: None,
                },
            ],
        };
        let md = conversation_markdown(&record);
        assert!(
            md.starts_with("# Fix the parser\n\n- id: `c1`\n- repo: `/src/p`\n"),
            "{md}"
        );
        assert!(md.contains("\n## user\n\nwhy does it fail?\n"), "{md}");
        assert!(md.contains("\n## assistant · `qwen2.5-coder:7b` · 10 + 5 tokens\n\n```rust\nfn main() {}\n```\n"), "{md}");
    }
}
