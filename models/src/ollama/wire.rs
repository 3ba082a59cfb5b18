//! Ollama's JSON shapes (`/api/chat`, `/api/tags`, `/api/show`, `/api/ps`, `/api/pull`), and
//! the translation of a [`ChatRequest`] into a chat body.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::chat::{ChatMessage, ChatRequest, SamplingOptions, ToolSpec};

/// The body of `POST /api/chat`.
#[derive(Debug, Serialize)]
pub(super) struct ChatBody {
    model: String,
    messages: Vec<Message>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tools: Vec<Tool>,
    options: Options,
    stream: bool,
}

impl ChatBody {
    /// The streaming body for `request`, run with a context window of `num_ctx` tokens.
    pub(super) fn new(request: ChatRequest, num_ctx: u32) -> Self {
        Self {
            model: request.model,
            messages: request.messages.into_iter().map(Message::from).collect(),
            tools: request.tools.into_iter().map(Tool::from).collect(),
            options: Options::new(&request.options, num_ctx),
            stream: true,
        }
    }
}

#[derive(Debug, Serialize)]
struct Message {
    role: &'static str,
    content: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_calls: Vec<OutgoingToolCall>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_name: Option<String>,
}

impl From<ChatMessage> for Message {
    fn from(message: ChatMessage) -> Self {
        Self {
            role: message.role.as_str(),
            content: message.content,
            tool_calls: message
                .tool_calls
                .into_iter()
                .map(|call| OutgoingToolCall {
                    function: OutgoingFunction {
                        name: call.name,
                        arguments: arguments_object(call.arguments),
                    },
                })
                .collect(),
            tool_name: message.tool_name,
        }
    }
}

/// Ollama takes arguments as an object only. A call kept as a string (invalid JSON from an
/// OpenAI-compatible server) is parsed if it can be, else sent as `{}`: Ollama rejects a string.
fn arguments_object(arguments: Value) -> Value {
    match arguments {
        Value::Object(_) => arguments,
        Value::String(text) => match serde_json::from_str::<Value>(&text) {
            Ok(parsed @ Value::Object(_)) => parsed,
            _ => Value::Object(serde_json::Map::new()),
        },
        _ => Value::Object(serde_json::Map::new()),
    }
}

#[derive(Debug, Serialize)]
struct OutgoingToolCall {
    function: OutgoingFunction,
}

#[derive(Debug, Serialize)]
struct OutgoingFunction {
    name: String,
    arguments: Value,
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

/// `options`: `num_ctx` always, the rest only when set.
#[derive(Debug, Serialize)]
struct Options {
    num_ctx: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    top_p: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    top_k: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    num_predict: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    stop: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repeat_penalty: Option<f32>,
}

impl Options {
    fn new(options: &SamplingOptions, num_ctx: u32) -> Self {
        Self {
            num_ctx,
            temperature: options.temperature,
            top_p: options.top_p,
            top_k: options.top_k,
            seed: options.seed,
            num_predict: options.max_tokens,
            stop: options.stop.clone(),
            repeat_penalty: options.repeat_penalty,
        }
    }
}

/// One line of a chat stream.
#[derive(Debug, Deserialize)]
pub(super) struct ChatLine {
    #[serde(default)]
    pub(super) message: Option<LineMessage>,
    #[serde(default)]
    pub(super) done: bool,
    pub(super) done_reason: Option<String>,
    pub(super) prompt_eval_count: Option<u64>,
    pub(super) prompt_eval_duration: Option<u64>,
    pub(super) eval_count: Option<u64>,
    pub(super) eval_duration: Option<u64>,
    pub(super) error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct LineMessage {
    #[serde(default)]
    pub(super) content: String,
    #[serde(default)]
    pub(super) tool_calls: Vec<IncomingToolCall>,
}

#[derive(Debug, Deserialize)]
pub(super) struct IncomingToolCall {
    /// Newer servers give an id; older ones do not.
    pub(super) id: Option<String>,
    pub(super) function: IncomingFunction,
}

#[derive(Debug, Deserialize)]
pub(super) struct IncomingFunction {
    pub(super) name: String,
    /// An object per the documentation; tolerated as a JSON string too.
    #[serde(default)]
    pub(super) arguments: Value,
}

/// A line of a pull stream: progress or `{"error":"..."}`.
#[derive(Debug, Deserialize)]
pub(super) struct PullLine {
    pub(super) status: Option<String>,
    pub(super) digest: Option<String>,
    pub(super) total: Option<u64>,
    pub(super) completed: Option<u64>,
    pub(super) error: Option<String>,
}

/// `details` of tags, show and ps replies.
#[derive(Debug, Default, Deserialize)]
pub(super) struct Details {
    pub(super) family: Option<String>,
    pub(super) parameter_size: Option<String>,
    pub(super) quantization_level: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct TagsReply {
    #[serde(default)]
    pub(super) models: Vec<TagsModel>,
}

#[derive(Debug, Deserialize)]
pub(super) struct TagsModel {
    pub(super) name: String,
    #[serde(default)]
    pub(super) size: u64,
    #[serde(default)]
    pub(super) digest: String,
    #[serde(default)]
    pub(super) modified_at: String,
    #[serde(default)]
    pub(super) details: Details,
}

#[derive(Debug, Deserialize)]
pub(super) struct ShowReply {
    #[serde(default)]
    pub(super) details: Details,
    #[serde(default)]
    pub(super) model_info: BTreeMap<String, Value>,
    #[serde(default)]
    pub(super) capabilities: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct PsReply {
    #[serde(default)]
    pub(super) models: Vec<PsModel>,
}

#[derive(Debug, Deserialize)]
pub(super) struct PsModel {
    pub(super) name: String,
    #[serde(default)]
    pub(super) size: u64,
    #[serde(default)]
    pub(super) size_vram: u64,
    #[serde(default)]
    pub(super) digest: String,
    pub(super) expires_at: Option<String>,
    pub(super) context_length: Option<u64>,
}

#[derive(Debug, Deserialize)]
pub(super) struct VersionReply {
    pub(super) version: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::{ChatMessage, ToolCall};
    use serde_json::json;

    #[test]
    fn a_chat_body_carries_messages_tools_and_options() {
        let call = ToolCall {
            id: "call_0".into(),
            name: "get_weather".into(),
            arguments: json!({"city": "Tokyo"}),
        };
        let mut assistant = ChatMessage::assistant("");
        assistant.tool_calls.push(call.clone());
        let mut request = ChatRequest::new(
            "llama3.2",
            vec![
                ChatMessage::user("weather?"),
                assistant,
                ChatMessage::tool_result(&call, "sunny"),
            ],
        );
        request.tools.push(ToolSpec {
            name: "get_weather".into(),
            description: "Weather of a city".into(),
            parameters: json!({"type": "object"}),
        });
        request.options.temperature = Some(0.5);
        request.options.max_tokens = Some(64);
        request.options.stop = vec!["END".into()];

        let body = serde_json::to_value(ChatBody::new(request, 8192)).unwrap();
        assert_eq!(
            body,
            json!({
                "model": "llama3.2",
                "messages": [
                    {"role": "user", "content": "weather?"},
                    {"role": "assistant", "content": "", "tool_calls": [
                        {"function": {"name": "get_weather", "arguments": {"city": "Tokyo"}}}
                    ]},
                    {"role": "tool", "content": "sunny", "tool_name": "get_weather"}
                ],
                "tools": [{"type": "function", "function": {
                    "name": "get_weather", "description": "Weather of a city",
                    "parameters": {"type": "object"}}}],
                "options": {"num_ctx": 8192, "temperature": 0.5, "num_predict": 64, "stop": ["END"]},
                "stream": true
            })
        );
    }

    #[test]
    fn arguments_that_are_not_an_object_become_one() {
        assert_eq!(arguments_object(json!("{\"a\":1}")), json!({"a": 1}));
        assert_eq!(arguments_object(json!("{broken")), json!({}));
        assert_eq!(arguments_object(json!([1])), json!({}));
    }
}
