//! Rewrites a chat for a model without native tool support: tools move into the system prompt,
//! earlier calls into the assistant's text, and results into user messages.

use super::prompt::{render_tool_call, render_tool_prompt, render_tool_result};
use crate::chat::{ChatMessage, ChatRequest, ToolCall};
use crate::role::Role;

/// The same request for a model that only reads text: the tool list and calling instruction are
/// appended to the first system message (or become one), `tools` is emptied, and the history is
/// rewritten by [`plain_messages`]. Replies are read back with
/// [`parse_tool_calls`](super::parse_tool_calls).
pub fn plain_request(mut request: ChatRequest) -> ChatRequest {
    let tools = std::mem::take(&mut request.tools);
    let mut messages = plain_messages(&request.messages);
    let prompt = render_tool_prompt(&tools);
    if !prompt.is_empty() {
        match messages.first_mut() {
            Some(first) if first.role == Role::System => {
                let content = first.content.trim_end();
                first.content = if content.is_empty() {
                    prompt
                } else {
                    format!("{content}\n\n{prompt}")
                };
            }
            _ => messages.insert(0, ChatMessage::system(prompt)),
        }
    }
    request.messages = messages;
    request
}

/// The history as plain text messages: an assistant message's calls are appended to its text as
/// ```` ```tool ```` blocks, and each run of tool results becomes one user message of
/// [`render_tool_result`] sections (chat templates want users and assistants to alternate).
pub fn plain_messages(messages: &[ChatMessage]) -> Vec<ChatMessage> {
    let mut plain: Vec<ChatMessage> = Vec::with_capacity(messages.len());
    let mut after_result = false;
    for message in messages {
        match message.role {
            Role::Tool => {
                let call = ToolCall {
                    id: message.tool_call_id.clone().unwrap_or_default(),
                    name: message.tool_name.clone().unwrap_or_else(|| "tool".into()),
                    arguments: serde_json::Value::Null,
                };
                let result = render_tool_result(&call, &message.content);
                match plain.last_mut() {
                    Some(previous) if after_result => {
                        previous.content.push_str("\n\n");
                        previous.content.push_str(&result);
                    }
                    _ => plain.push(ChatMessage::user(result)),
                }
                after_result = true;
            }
            Role::Assistant if !message.tool_calls.is_empty() => {
                let mut content = message.content.trim_end().to_string();
                for call in &message.tool_calls {
                    if !content.is_empty() {
                        content.push_str("\n\n");
                    }
                    content.push_str(&render_tool_call(call));
                }
                plain.push(ChatMessage::assistant(content));
                after_result = false;
            }
            _ => {
                plain.push(ChatMessage::new(message.role, message.content.clone()));
                after_result = false;
            }
        }
    }
    plain
}
