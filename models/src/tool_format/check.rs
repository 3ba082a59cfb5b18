//! The tool-calling check: one tiny request with one tool, `add_numbers`, shows whether a model
//! writes a well-formed call natively; when it does not, what it wrote is read in the
//! prompt-level format, and only when that holds no call either is the prompt-level request
//! itself tried. A model that writes no well-formed call either way cannot run tasks.

use futures_util::StreamExt;
use serde_json::{Value, json};

use super::{parse_tool_calls, plain_request};
use crate::chat::{
    ChatBackend, ChatEvent, ChatMessage, ChatRequest, SamplingOptions, ToolCall, ToolSpec, Usage,
};
use crate::error::{ModelError, Result};

/// The one tool of the check. Servers in tests recognise the check by it.
pub const CHECK_TOOL: &str = "add_numbers";

/// The longest answer the check lets a model write, tokens.
const CHECK_MAX_TOKENS: u32 = 160;

/// How a model calls tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ToolFormat {
    /// Through the backend's own tool-calling API.
    Native,
    /// As text in the prompt-level format ([`plain_request`] and
    /// [`ToolCallFilter`](super::ToolCallFilter)).
    Prompt,
    /// Not at all: it cannot run tasks.
    None,
}

impl ToolFormat {
    /// `native`, `prompt` or `none`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ToolFormat::Native => "native",
            ToolFormat::Prompt => "prompt",
            ToolFormat::None => "none",
        }
    }

    /// The format stored as `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "native" => Some(ToolFormat::Native),
            "prompt" => Some(ToolFormat::Prompt),
            "none" => Some(ToolFormat::None),
            _ => None,
        }
    }
}

/// What the check found.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCheck {
    pub format: ToolFormat,
    /// One line on what the model did, for the user and the store.
    pub detail: String,
    /// Requests sent (1 or 2).
    pub requests: u32,
    /// Tokens of all the requests together.
    pub usage: Usage,
}

/// The check's tool: add two integers.
pub fn check_tool() -> ToolSpec {
    ToolSpec {
        name: CHECK_TOOL.to_string(),
        description: "Add two integers and return the sum.".to_string(),
        parameters: json!({
            "type": "object",
            "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
            "required": ["a", "b"]
        }),
    }
}

/// The check's request for `model`: the tool offered natively, greedy sampling, a short answer.
pub fn check_request(model: &str, context_length: Option<u32>) -> ChatRequest {
    ChatRequest {
        model: model.to_string(),
        messages: vec![
            ChatMessage::system(
                "You can call tools. When a tool can do what is asked, call it instead of answering.",
            ),
            ChatMessage::user(format!(
                "Use the {CHECK_TOOL} tool to add 2 and 3. Reply with the tool call only."
            )),
        ],
        tools: vec![check_tool()],
        options: SamplingOptions {
            temperature: Some(0.0),
            seed: Some(0),
            max_tokens: Some(CHECK_MAX_TOKENS),
            ..SamplingOptions::default()
        },
        context_length,
    }
}

/// Whether `call` is the call the check asks for: `add_numbers` (in any case, `-` or `_`) with
/// an object holding `a` and `b` as integers (or integer strings).
pub fn is_well_formed(call: &ToolCall) -> bool {
    let name = call.name.to_ascii_lowercase().replace('-', "_");
    let name = name.strip_prefix("functions.").unwrap_or(&name);
    let integer = |value: Option<&Value>| match value {
        Some(Value::Number(number)) => number.as_i64().is_some(),
        Some(Value::String(text)) => text.trim().parse::<i64>().is_ok(),
        _ => false,
    };
    name == CHECK_TOOL && integer(call.arguments.get("a")) && integer(call.arguments.get("b"))
}

/// Runs the check against `backend`. Errors that say nothing about the model (the server is
/// down, the model is missing) are returned; a backend that refuses the tools of the native
/// request (a 4xx, a failure in the stream) counts as no native call.
pub async fn check_tools(
    backend: &dyn ChatBackend,
    model: &str,
    context_length: Option<u32>,
) -> Result<ToolCheck> {
    let request = check_request(model, context_length);
    let mut usage = Usage::default();
    let refused = match collect(backend, request.clone()).await {
        Ok(reply) => {
            add_usage(&mut usage, reply.usage);
            if reply.calls.iter().any(is_well_formed) {
                return Ok(ToolCheck {
                    format: ToolFormat::Native,
                    detail: "it calls tools natively".into(),
                    requests: 1,
                    usage,
                });
            }
            if holds_a_call(&reply.text) {
                return Ok(ToolCheck {
                    format: ToolFormat::Prompt,
                    detail: "it writes tool calls as text".into(),
                    requests: 1,
                    usage,
                });
            }
            None
        }
        Err(error) if says_no_to_tools(&error) => Some(error.to_string()),
        Err(error) => return Err(error),
    };
    let reply = collect(backend, plain_request(request)).await?;
    add_usage(&mut usage, reply.usage);
    if reply.calls.iter().any(is_well_formed) || holds_a_call(&reply.text) {
        return Ok(ToolCheck {
            format: ToolFormat::Prompt,
            detail: "it calls tools in the prompt-level format".into(),
            requests: 2,
            usage,
        });
    }
    let native = refused.map_or_else(
        || "no call natively".to_string(),
        |why| format!("the native request was refused ({why})"),
    );
    Ok(ToolCheck {
        format: ToolFormat::None,
        detail: format!("{native}, and no well-formed call in the prompt-level format"),
        requests: 2,
        usage,
    })
}

/// Whether `text` holds the check's call in any form the prompt-level parser reads.
fn holds_a_call(text: &str) -> bool {
    parse_tool_calls(text, &[check_tool()])
        .calls
        .iter()
        .any(is_well_formed)
}

/// Errors that mean "not with tools" rather than "not at all".
fn says_no_to_tools(error: &ModelError) -> bool {
    match error {
        ModelError::Http { status, .. } => {
            (400..500).contains(status) && ![401, 403, 404, 429].contains(status)
        }
        ModelError::ServerFailed { .. } | ModelError::InvalidRequest(_) => true,
        _ => false,
    }
}

fn add_usage(total: &mut Usage, more: Usage) {
    total.prompt_tokens += more.prompt_tokens;
    total.completion_tokens += more.completion_tokens;
}

/// A whole answer: its text, calls and usage.
struct Reply {
    text: String,
    calls: Vec<ToolCall>,
    usage: Usage,
}

async fn collect(backend: &dyn ChatBackend, request: ChatRequest) -> Result<Reply> {
    let mut stream = backend.chat(request);
    let mut reply = Reply {
        text: String::new(),
        calls: Vec::new(),
        usage: Usage::default(),
    };
    while let Some(event) = stream.next().await {
        match event? {
            ChatEvent::TextDelta { text } => reply.text.push_str(&text),
            ChatEvent::ToolCall { call } => reply.calls.push(call),
            ChatEvent::Usage { usage } => reply.usage = usage,
            ChatEvent::Done { .. } => break,
        }
    }
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::chat::{ChatStream, DoneReason};

    /// Answers each request with the next scripted reply; keeps the requests.
    struct Script {
        replies: Mutex<Vec<Result<Vec<ChatEvent>>>>,
        seen: Mutex<Vec<ChatRequest>>,
    }

    impl Script {
        fn new(replies: Vec<Result<Vec<ChatEvent>>>) -> Self {
            Self {
                replies: Mutex::new(replies),
                seen: Mutex::default(),
            }
        }
    }

    impl ChatBackend for Script {
        fn name(&self) -> &'static str {
            "openai"
        }

        fn chat(&self, request: ChatRequest) -> ChatStream {
            self.seen.lock().unwrap().push(request);
            let reply = self.replies.lock().unwrap().remove(0);
            let events: Vec<Result<ChatEvent>> = match reply {
                Ok(mut events) => {
                    events.push(ChatEvent::Done {
                        reason: DoneReason::Stop,
                    });
                    events.into_iter().map(Ok).collect()
                }
                Err(error) => vec![Err(error)],
            };
            Box::pin(futures_util::stream::iter(events))
        }
    }

    fn text(text: &str) -> Result<Vec<ChatEvent>> {
        Ok(vec![ChatEvent::TextDelta { text: text.into() }])
    }

    fn call(name: &str, arguments: Value) -> Result<Vec<ChatEvent>> {
        Ok(vec![ChatEvent::ToolCall {
            call: ToolCall {
                id: "c1".into(),
                name: name.into(),
                arguments,
            },
        }])
    }

    fn check(script: &Script) -> ToolCheck {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime
            .block_on(check_tools(script, "m", Some(4096)))
            .unwrap()
    }

    #[test]
    fn a_native_call_is_native_after_one_request() {
        let script = Script::new(vec![call(CHECK_TOOL, json!({"a": 2, "b": 3}))]);
        let found = check(&script);
        assert_eq!((found.format, found.requests), (ToolFormat::Native, 1));
        let seen = script.seen.lock().unwrap();
        assert_eq!(seen[0].tools[0].name, CHECK_TOOL);
        assert_eq!(seen[0].context_length, Some(4096));
    }

    #[test]
    fn a_call_written_as_text_is_the_prompt_format() {
        let script = Script::new(vec![text(
            "<tool_call>{\"name\": \"add_numbers\", \"arguments\": {\"a\": 2, \"b\": 3}}</tool_call>",
        )]);
        assert_eq!(check(&script).format, ToolFormat::Prompt);
        assert_eq!(script.seen.lock().unwrap().len(), 1);
    }

    #[test]
    fn without_a_native_call_the_prompt_level_request_is_tried() {
        let script = Script::new(vec![
            text("5"),
            text("```tool\n{\"name\":\"add_numbers\",\"arguments\":{\"a\":\"2\",\"b\":3}}\n```"),
        ]);
        let found = check(&script);
        assert_eq!((found.format, found.requests), (ToolFormat::Prompt, 2));
        let seen = script.seen.lock().unwrap();
        assert!(seen[1].tools.is_empty(), "the second request is plain");
        assert!(
            seen[1].messages[0]
                .content
                .contains("add_numbers(a: integer")
        );
    }

    #[test]
    fn a_refused_native_request_falls_back_and_no_call_is_none() {
        let refused = Err(ModelError::Http {
            backend: "ollama",
            status: 400,
            message: "m does not support tools".into(),
        });
        let script = Script::new(vec![refused, text("The sum is 5.")]);
        let found = check(&script);
        assert_eq!(found.format, ToolFormat::None);
        assert!(found.detail.contains("does not support tools"), "{found:?}");
        // A malformed call (no `b`) is no call either.
        let script = Script::new(vec![call(CHECK_TOOL, json!({"a": 2})), text("")]);
        assert_eq!(check(&script).format, ToolFormat::None);
    }

    #[test]
    fn a_server_that_is_down_is_an_error_not_a_verdict() {
        let script = Script::new(vec![Err(ModelError::ModelNotFound {
            backend: "ollama",
            model: "m".into(),
        })]);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert!(runtime.block_on(check_tools(&script, "m", None)).is_err());
    }
}
