//! Test support shared by the core's unit tests: an in-process model that replays scripted
//! replies and keeps every request it was sent.

use std::sync::{Arc, Mutex};

use agent_models::{
    ChatBackend, ChatEvent, ChatRequest, ChatStream, DoneReason, ModelError, ToolCall, Usage,
};

/// Replies with the next scripted list of events for each request; keeps every request.
pub(crate) struct Scripted {
    pub(crate) replies: Mutex<Vec<Vec<ChatEvent>>>,
    pub(crate) seen: Arc<Mutex<Vec<ChatRequest>>>,
}

impl ChatBackend for Scripted {
    fn name(&self) -> &'static str {
        "openai"
    }

    fn model_identity<'a>(&'a self, model: &'a str) -> agent_models::IdentityFuture<'a> {
        Box::pin(std::future::ready(Some(format!("scripted {model}"))))
    }

    fn chat(&self, request: ChatRequest) -> ChatStream {
        self.seen.lock().unwrap().push(request);
        let mut replies = self.replies.lock().unwrap();
        if replies.is_empty() {
            // No reply scripted: never answer (a stalled server).
            return Box::pin(futures_util::stream::pending::<Result<ChatEvent, ModelError>>());
        }
        let events = replies.remove(0);
        let finished = events.iter().any(|e| matches!(e, ChatEvent::Done { .. }));
        let stream = futures_util::stream::iter(events.into_iter().map(Ok));
        if finished {
            Box::pin(stream)
        } else {
            // A reply that breaks off: the server stalls after these events.
            Box::pin(futures_util::StreamExt::chain(
                stream,
                futures_util::stream::pending(),
            ))
        }
    }
}

pub(crate) fn text(text: &str) -> Vec<ChatEvent> {
    vec![
        ChatEvent::TextDelta { text: text.into() },
        ChatEvent::Usage {
            usage: Usage {
                prompt_tokens: 10,
                completion_tokens: 2,
                ..Usage::default()
            },
        },
        ChatEvent::Done {
            reason: DoneReason::Stop,
        },
    ]
}

pub(crate) fn read(path: &str) -> Vec<ChatEvent> {
    vec![
        ChatEvent::ToolCall {
            call: ToolCall {
                id: "c1".into(),
                name: "read".into(),
                arguments: serde_json::json!({ "path": path }),
            },
        },
        ChatEvent::Done {
            reason: DoneReason::ToolCalls,
        },
    ]
}
