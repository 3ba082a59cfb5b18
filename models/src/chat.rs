//! The one chat API every backend speaks: a request with messages, tools and sampling options,
//! answered by a stream of events (text deltas, tool calls, usage, done).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use futures_core::Stream;
use serde::{Deserialize, Serialize};

use crate::error::ModelError;
use crate::role::Role;

/// One message of a chat, as sent to a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
    /// Calls the assistant made in this message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    /// For a `tool` message: the id of the call it answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
    /// For a `tool` message: the name of the tool that produced it (Ollama wants the name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_name: Option<String>,
}

impl ChatMessage {
    /// A message with only text.
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
            tool_calls: Vec::new(),
            tool_call_id: None,
            tool_name: None,
        }
    }

    /// A system message.
    pub fn system(content: impl Into<String>) -> Self {
        Self::new(Role::System, content)
    }

    /// A user message.
    pub fn user(content: impl Into<String>) -> Self {
        Self::new(Role::User, content)
    }

    /// An assistant message.
    pub fn assistant(content: impl Into<String>) -> Self {
        Self::new(Role::Assistant, content)
    }

    /// The result of a tool call, sent back to the model.
    pub fn tool_result(call: &ToolCall, content: impl Into<String>) -> Self {
        Self {
            role: Role::Tool,
            content: content.into(),
            tool_calls: Vec::new(),
            tool_call_id: Some(call.id.clone()),
            tool_name: Some(call.name.clone()),
        }
    }
}

/// A call of a tool by the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    /// The backend's id for the call, or one made up when the backend gives none.
    pub id: String,
    pub name: String,
    /// The arguments as JSON (an object for well-formed calls).
    pub arguments: serde_json::Value,
}

/// A tool the model may call, described by a JSON Schema of its arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    /// JSON Schema of the arguments object.
    pub parameters: serde_json::Value,
}

/// Sampling and length options; `None` leaves the backend's default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SamplingOptions {
    pub temperature: Option<f32>,
    pub top_p: Option<f32>,
    pub top_k: Option<u32>,
    pub seed: Option<u64>,
    /// At most this many tokens in the answer.
    pub max_tokens: Option<u32>,
    /// Stop when the answer would contain one of these strings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stop: Vec<String>,
    pub repeat_penalty: Option<f32>,
}

/// One chat call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    /// The model's name as the backend knows it (an Ollama tag, a server's model id, a GGUF path).
    pub model: String,
    pub messages: Vec<ChatMessage>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<ToolSpec>,
    #[serde(default)]
    pub options: SamplingOptions,
    /// The context window to run with, in tokens. Backends that can set it (Ollama's `num_ctx`,
    /// candle) always do; a prompt that does not fit is refused, never truncated silently.
    pub context_length: Option<u32>,
}

impl ChatRequest {
    /// A request for `model` with `messages` and default options.
    pub fn new(model: impl Into<String>, messages: Vec<ChatMessage>) -> Self {
        Self {
            model: model.into(),
            messages,
            tools: Vec::new(),
            options: SamplingOptions::default(),
            context_length: None,
        }
    }
}

/// Token counts and timings of one call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    /// Time spent reading the prompt (prefill), when the backend reports it.
    pub prompt_duration: Option<Duration>,
    /// Time spent generating the answer (decode), when the backend reports it.
    pub completion_duration: Option<Duration>,
    /// Prompt tokens not computed again: their keys and values were already in the in-process
    /// backend's cache (the previous request's) or in a prefill kept by an earlier process. 0
    /// when the backend does not say.
    #[serde(default)]
    pub reused_prompt_tokens: u32,
}

impl Usage {
    /// Answer tokens per second, when the decode time is known.
    pub fn decode_tokens_per_second(&self) -> Option<f64> {
        let seconds = self.completion_duration?.as_secs_f64();
        (seconds > 0.0).then(|| f64::from(self.completion_tokens) / seconds)
    }

    /// Prompt tokens per second, when the prefill time is known.
    pub fn prefill_tokens_per_second(&self) -> Option<f64> {
        let seconds = self.prompt_duration?.as_secs_f64();
        (seconds > 0.0).then(|| f64::from(self.prompt_tokens) / seconds)
    }
}

/// Why an answer ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DoneReason {
    /// The model finished (end of sequence or a stop string).
    Stop,
    /// The token limit was reached.
    Length,
    /// The model stopped to call tools.
    ToolCalls,
}

/// What a chat stream yields, in order: text deltas and tool calls, then usage, then done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChatEvent {
    /// More answer text.
    TextDelta { text: String },
    /// A complete tool call (assembled across chunks where the wire splits it).
    ToolCall { call: ToolCall },
    /// Token counts and timings; sent once, before `Done`, when the backend reports them.
    Usage { usage: Usage },
    /// The answer is complete.
    Done { reason: DoneReason },
}

/// A stream of chat events. Dropping it cancels the call (the connection or the generation
/// thread stops).
pub type ChatStream = Pin<Box<dyn Stream<Item = Result<ChatEvent, ModelError>> + Send>>;

/// What [`ChatBackend::model_identity`] answers: a future of the identity, if one is known.
pub type IdentityFuture<'a> = Pin<Box<dyn Future<Output = Option<String>> + Send + 'a>>;

/// A backend that can answer chat requests.
pub trait ChatBackend: Send + Sync {
    /// The backend's short name, as in `--backend` and the model_calls table: `ollama`, `openai`, `local`.
    fn name(&self) -> &'static str;

    /// Starts a chat call. Failures to connect arrive as the stream's first item.
    fn chat(&self, request: ChatRequest) -> ChatStream;

    /// Whether `request` may be sent now. A guard in front of the backend (a budget) answers
    /// [`ModelError::Refused`], and its `chat` refuses the same way, so nothing gets past it;
    /// asking first only lets a caller stop before it announces the request. Plain backends
    /// admit everything (the default); wrappers ask what they wrap.
    fn admit(&self, _request: &ChatRequest) -> Result<(), ModelError> {
        Ok(())
    }

    /// What names `model`'s weights on this backend, for caching answers: an Ollama model's
    /// digest, a GGUF file's path, size and modification time, a server's URL and model name.
    /// Two calls that answer the same text must mean the same weights; `None` (the default)
    /// when the backend cannot tell, and then nothing is cached.
    fn model_identity<'a>(&'a self, _model: &'a str) -> IdentityFuture<'a> {
        Box::pin(std::future::ready(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialize_with_a_type_tag() {
        let event = ChatEvent::TextDelta { text: "hi".into() };
        assert_eq!(
            serde_json::to_string(&event).unwrap(),
            r#"{"type":"text_delta","text":"hi"}"#
        );
        let done = ChatEvent::Done {
            reason: DoneReason::ToolCalls,
        };
        assert_eq!(
            serde_json::to_string(&done).unwrap(),
            r#"{"type":"done","reason":"tool_calls"}"#
        );
    }

    #[test]
    fn tokens_per_second_needs_a_duration() {
        let usage = Usage {
            prompt_tokens: 100,
            completion_tokens: 50,
            prompt_duration: Some(Duration::from_millis(500)),
            completion_duration: Some(Duration::from_secs(2)),
            reused_prompt_tokens: 0,
        };
        assert_eq!(usage.decode_tokens_per_second(), Some(25.0));
        assert_eq!(usage.prefill_tokens_per_second(), Some(200.0));
        assert_eq!(Usage::default().decode_tokens_per_second(), None);
    }

    #[test]
    fn a_tool_result_answers_its_call() {
        let call = ToolCall {
            id: "c1".into(),
            name: "read".into(),
            arguments: serde_json::json!({}),
        };
        let message = ChatMessage::tool_result(&call, "ok");
        assert_eq!(message.role, Role::Tool);
        assert_eq!(message.tool_call_id.as_deref(), Some("c1"));
        assert_eq!(message.tool_name.as_deref(), Some("read"));
    }
}
