//! [`PromptTools`]: any backend driven in the prompt-level tool format. A request with tools goes
//! out as [`plain_request`] (the tools in the system prompt, earlier calls and results as text)
//! and the answer comes back through a [`ToolCallFilter`], so the calls the model writes arrive
//! as [`ChatEvent::ToolCall`]s as if it had called them natively.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;

use super::{ToolCallFilter, plain_request};
use crate::chat::{ChatBackend, ChatEvent, ChatRequest, ChatStream, IdentityFuture, Usage};
use crate::error::Result;

/// Wraps a backend whose model calls tools only as text (its tool-calling check chose the
/// prompt-level format). Requests without tools pass through untouched.
pub struct PromptTools {
    inner: Arc<dyn ChatBackend>,
}

impl PromptTools {
    pub fn new(inner: Arc<dyn ChatBackend>) -> Self {
        Self { inner }
    }
}

impl ChatBackend for PromptTools {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn chat(&self, request: ChatRequest) -> ChatStream {
        if request.tools.is_empty() {
            return self.inner.chat(request);
        }
        let filter = ToolCallFilter::new(&request.tools);
        let inner = self.inner.chat(plain_request(request));
        Box::pin(Filtered {
            inner,
            filter,
            queue: VecDeque::new(),
            usage: None,
            ended: false,
        })
    }

    /// What the inner backend (and any guard in front of it) admits, asked with the request as
    /// this format sends it.
    fn admit(&self, request: &ChatRequest) -> Result<()> {
        if request.tools.is_empty() {
            return self.inner.admit(request);
        }
        self.inner.admit(&plain_request(request.clone()))
    }

    /// The inner model's identity, marked: the same request is sent differently in this format.
    fn model_identity<'a>(&'a self, model: &'a str) -> IdentityFuture<'a> {
        Box::pin(async move {
            let inner = self.inner.model_identity(model).await?;
            Some(format!("{inner} prompt-tools"))
        })
    }
}

/// The inner answer with its text passed through the filter: prose as it comes, the calls at
/// the end, then usage, then done (with `tool_calls` as the reason when calls were found).
struct Filtered {
    inner: ChatStream,
    filter: ToolCallFilter,
    queue: VecDeque<Result<ChatEvent>>,
    usage: Option<Usage>,
    ended: bool,
}

impl Stream for Filtered {
    type Item = Result<ChatEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(event) = this.queue.pop_front() {
                return Poll::Ready(Some(event));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            let Some(item) = futures_core::ready!(this.inner.as_mut().poll_next(cx)) else {
                // Ended without `Done` (the inner stream reports why, or was dropped).
                this.ended = true;
                continue;
            };
            match item {
                Ok(ChatEvent::TextDelta { text }) => {
                    let ready = this.filter.push(&text);
                    if !ready.is_empty() {
                        this.queue
                            .push_back(Ok(ChatEvent::TextDelta { text: ready }));
                    }
                }
                Ok(ChatEvent::Usage { usage }) => this.usage = Some(usage),
                Ok(ChatEvent::Done { reason }) => {
                    this.queue.extend(this.filter.finish().into_iter().map(Ok));
                    if let Some(usage) = this.usage.take() {
                        this.queue.push_back(Ok(ChatEvent::Usage { usage }));
                    }
                    this.queue.push_back(Ok(ChatEvent::Done {
                        reason: this.filter.done_reason(reason),
                    }));
                    this.ended = true;
                }
                // A native call despite the rewrite, or an error: passed on as it is.
                other => {
                    let failed = other.is_err();
                    this.queue.push_back(other);
                    this.ended |= failed;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::{ChatMessage, DoneReason, ToolSpec};
    use crate::role::Role;
    use futures_util::StreamExt;
    use std::sync::Mutex;

    /// Answers every request with the same text pieces, and keeps the requests.
    struct Canned {
        pieces: Vec<&'static str>,
        seen: Mutex<Vec<ChatRequest>>,
    }

    impl ChatBackend for Canned {
        fn name(&self) -> &'static str {
            "openai"
        }

        fn chat(&self, request: ChatRequest) -> ChatStream {
            self.seen.lock().unwrap().push(request);
            let mut events: Vec<Result<ChatEvent>> = self
                .pieces
                .iter()
                .map(|text| {
                    Ok(ChatEvent::TextDelta {
                        text: text.to_string(),
                    })
                })
                .collect();
            events.push(Ok(ChatEvent::Usage {
                usage: Usage {
                    prompt_tokens: 10,
                    completion_tokens: 5,
                    ..Usage::default()
                },
            }));
            events.push(Ok(ChatEvent::Done {
                reason: DoneReason::Stop,
            }));
            Box::pin(futures_util::stream::iter(events))
        }
    }

    fn read_tool() -> ToolSpec {
        ToolSpec {
            name: "read".into(),
            description: "Read a file".into(),
            parameters: serde_json::json!({"type": "object",
                "properties": {"path": {"type": "string"}}, "required": ["path"]}),
        }
    }

    fn run(backend: &PromptTools, request: ChatRequest) -> Vec<ChatEvent> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            backend
                .chat(request)
                .map(|event| event.unwrap())
                .collect()
                .await
        })
    }

    #[test]
    fn calls_written_as_text_come_back_as_calls() {
        let canned = Arc::new(Canned {
            pieces: vec![
                "Let me look.\n```tool\n{\"name\": \"read\", ",
                "\"arguments\": {\"path\": \"calc.py\"}}\n```",
            ],
            seen: Mutex::default(),
        });
        let backend = PromptTools::new(canned.clone());
        let mut request = ChatRequest::new(
            "m",
            vec![
                ChatMessage::system("Be brief."),
                ChatMessage::user("read it"),
            ],
        );
        request.tools = vec![read_tool()];
        let events = run(&backend, request);
        assert_eq!(
            events[0],
            ChatEvent::TextDelta {
                text: "Let me look.\n".into()
            }
        );
        let calls: Vec<&ChatEvent> = events
            .iter()
            .filter(|e| matches!(e, ChatEvent::ToolCall { .. }))
            .collect();
        assert_eq!(calls.len(), 1);
        let ChatEvent::ToolCall { call } = calls[0] else {
            unreachable!()
        };
        assert_eq!(
            (call.name.as_str(), &call.arguments),
            ("read", &serde_json::json!({"path": "calc.py"}))
        );
        assert!(matches!(events[events.len() - 2], ChatEvent::Usage { .. }));
        assert_eq!(
            events.last(),
            Some(&ChatEvent::Done {
                reason: DoneReason::ToolCalls
            })
        );
        // The server got the prompt-level request: no tools, the tool list in the system prompt.
        let seen = canned.seen.lock().unwrap();
        assert!(seen[0].tools.is_empty());
        assert_eq!(seen[0].messages[0].role, Role::System);
        assert!(seen[0].messages[0].content.contains("read(path: string)"));
    }

    #[test]
    fn a_request_without_tools_passes_through() {
        let canned = Arc::new(Canned {
            pieces: vec!["{\"name\": \"read\"}"],
            seen: Mutex::default(),
        });
        let backend = PromptTools::new(canned.clone());
        let request = ChatRequest::new("m", vec![ChatMessage::user("hi")]);
        let events = run(&backend, request.clone());
        assert_eq!(
            events[0],
            ChatEvent::TextDelta {
                text: "{\"name\": \"read\"}".into()
            }
        );
        assert_eq!(canned.seen.lock().unwrap()[0], request);
    }
}
