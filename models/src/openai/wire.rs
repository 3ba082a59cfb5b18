//! The JSON shapes of OpenAI-compatible chat completions (request body, stream chunks) and of
//! the model list, and the translation of a [`ChatRequest`] into a body.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::chat::{ChatMessage, ChatRequest, ToolSpec};
use crate::role::Role;

/// The body of `POST {base}/chat/completions`, streaming with usage.
///
/// `top_k` and `repeat_penalty` are not OpenAI parameters; llama.cpp's server reads them and
/// hosted APIs reject them, so they are sent only when the caller sets them.
#[derive(Debug, Serialize)]
pub(super) struct ChatBody {
    model: String,
    messages: Vec<Message>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tools: Vec<Tool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    top_p: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    top_k: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    stop: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repeat_penalty: Option<f32>,
    stream: bool,
    stream_options: StreamOptions,
}

impl ChatBody {
    pub(super) fn new(request: ChatRequest) -> Self {
        let options = request.options;
        Self {
            model: request.model,
            messages: request.messages.into_iter().map(Message::from).collect(),
            tools: request.tools.into_iter().map(Tool::from).collect(),
            temperature: options.temperature,
            top_p: options.top_p,
            top_k: options.top_k,
            seed: options.seed,
            max_tokens: options.max_tokens,
            stop: options.stop,
            repeat_penalty: options.repeat_penalty,
            stream: true,
            stream_options: StreamOptions {
                include_usage: true,
            },
        }
    }
}

#[derive(Debug, Serialize)]
struct StreamOptions {
    include_usage: bool,
}

#[derive(Debug, Serialize)]
struct Message {
    role: &'static str,
    /// `null` for an assistant message that only calls tools.
    content: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_calls: Vec<OutgoingToolCall>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_call_id: Option<String>,
}

impl From<ChatMessage> for Message {
    fn from(message: ChatMessage) -> Self {
        let content = if message.role == Role::Assistant
            && message.content.is_empty()
            && !message.tool_calls.is_empty()
        {
            None
        } else {
            Some(message.content)
        };
        Self {
            role: message.role.as_str(),
            content,
            tool_calls: message
                .tool_calls
                .into_iter()
                .map(|call| OutgoingToolCall {
                    id: call.id,
                    kind: "function",
                    function: OutgoingFunction {
                        name: call.name,
                        arguments: arguments_string(&call.arguments),
                    },
                })
                .collect(),
            tool_call_id: message.tool_call_id,
        }
    }
}

/// The wire wants a JSON string; arguments kept as a string (invalid JSON) go back as they came.
fn arguments_string(arguments: &Value) -> String {
    match arguments {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[derive(Debug, Serialize)]
struct OutgoingToolCall {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    function: OutgoingFunction,
}

#[derive(Debug, Serialize)]
struct OutgoingFunction {
    name: String,
    arguments: String,
}

#[derive(Debug, Serialize)]
struct Tool {
    #[serde(rename = "type")]
    kind: &'static str,
    function: ToolFunction,
}

#[derive(Debug, Serialize)]
struct ToolFunction {
    name: String,
    description: String,
    parameters: Value,
}

impl From<ToolSpec> for Tool {
    fn from(spec: ToolSpec) -> Self {
        Self {
            kind: "function",
            function: ToolFunction {
                name: spec.name,
                description: spec.description,
                parameters: spec.parameters,
            },
        }
    }
}

/// One `data:` chunk of the stream.
#[derive(Debug, Deserialize)]
pub(super) struct Chunk {
    #[serde(default)]
    pub(super) choices: Vec<Choice>,
    pub(super) usage: Option<ChunkUsage>,
    /// llama.cpp's server adds its timings.
    pub(super) timings: Option<Timings>,
    /// Some servers report a failure mid-stream as a chunk with an `error`.
    pub(super) error: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Choice {
    #[serde(default)]
    pub(super) index: u32,
    #[serde(default)]
    pub(super) delta: Delta,
    pub(super) finish_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct Delta {
    pub(super) content: Option<String>,
    #[serde(default)]
    pub(super) tool_calls: Vec<ToolCallDelta>,
}

/// A piece of a tool call; pieces with the same `index` make one call.
#[derive(Debug, Deserialize)]
pub(super) struct ToolCallDelta {
    pub(super) index: Option<u32>,
    pub(super) id: Option<String>,
    #[serde(default)]
    pub(super) function: FunctionDelta,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct FunctionDelta {
    pub(super) name: Option<String>,
    pub(super) arguments: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ChunkUsage {
    #[serde(default)]
    pub(super) prompt_tokens: u64,
    #[serde(default)]
    pub(super) completion_tokens: u64,
    /// OpenAI's (and vLLM's) count of prompt tokens served from the provider's prompt cache.
    #[serde(default)]
    pub(super) prompt_tokens_details: Option<PromptTokensDetails>,
}

#[derive(Debug, Deserialize)]
pub(super) struct PromptTokensDetails {
    #[serde(default)]
    pub(super) cached_tokens: Option<u64>,
}

/// llama.cpp's `timings`, in milliseconds.
#[derive(Debug, Deserialize)]
pub(super) struct Timings {
    pub(super) prompt_ms: Option<f64>,
    pub(super) predicted_ms: Option<f64>,
    /// Prompt tokens the server took from its cache of an earlier request.
    #[serde(default)]
    pub(super) cache_n: Option<u64>,
}

/// `GET {base}/models`.
#[derive(Debug, Deserialize)]
pub(super) struct ModelsReply {
    #[serde(default)]
    pub(super) data: Vec<ModelsEntry>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ModelsEntry {
    pub(super) id: String,
    pub(super) owned_by: Option<String>,
    pub(super) created: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::ToolCall;
    use serde_json::json;

    #[test]
    fn a_chat_body_streams_with_usage_and_sends_calls_as_strings() {
        let call = ToolCall {
            id: "call_1".into(),
            name: "read_file".into(),
            arguments: json!({"path": "src/lib.rs"}),
        };
        let broken = ToolCall {
            id: "call_2".into(),
            name: "read_file".into(),
            arguments: json!("{\"path\": "),
        };
        let mut assistant = ChatMessage::assistant("");
        assistant.tool_calls = vec![call.clone(), broken];
        let mut request = ChatRequest::new(
            "tiny",
            vec![
                ChatMessage::system("be brief"),
                assistant,
                ChatMessage::tool_result(&call, "fn main() {}"),
            ],
        );
        request.options.max_tokens = Some(32);
        request.options.seed = Some(7);

        let body = serde_json::to_value(ChatBody::new(request)).unwrap();
        assert_eq!(
            body,
            json!({
                "model": "tiny",
                "messages": [
                    {"role": "system", "content": "be brief"},
                    {"role": "assistant", "content": null, "tool_calls": [
                        {"id": "call_1", "type": "function",
                         "function": {"name": "read_file", "arguments": "{\"path\":\"src/lib.rs\"}"}},
                        {"id": "call_2", "type": "function",
                         "function": {"name": "read_file", "arguments": "{\"path\": "}}
                    ]},
                    {"role": "tool", "content": "fn main() {}", "tool_call_id": "call_1"}
                ],
                "seed": 7,
                "max_tokens": 32,
                "stream": true,
                "stream_options": {"include_usage": true}
            })
        );
    }
}
