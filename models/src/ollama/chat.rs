//! [`OllamaBackend`]: chat over `POST /api/chat`, its NDJSON lines turned into [`ChatEvent`]s,
//! and the checks that the prompt was not cut to fit the context window.
//!
//! Ollama drops what does not fit `num_ctx` without saying so, so this backend always sends
//! `num_ctx` and refuses to pass off a cut prompt as an answer:
//!
//! 1. Before sending, the prompt is checked against `num_ctx` with the rough estimate of
//!    [`fits_context`] (characters / 4, plus `max_tokens` when set). This is the only way to
//!    catch the server dropping whole old messages, which leaves no trace in its counts.
//! 2. After the final line, by the server's own counts: when `prompt_eval_count >= num_ctx` the
//!    prompt filled the window (the runner cut it to exactly the window); when the answer
//!    stopped with `done_reason: "length"` and `prompt_eval_count + eval_count >= num_ctx` while
//!    `num_predict` was not what stopped it, the window ran out mid-answer. Either is
//!    [`ModelError::ContextOverflow`], sent after the usage.
//!
//! A `prompt_eval_count` *smaller* than expected is not used as a signal: Ollama may reuse a
//! cached prompt prefix and count fewer tokens, so it would cry wolf.

use std::collections::VecDeque;

use serde_json::Value;

use super::BACKEND;
use super::client::{OllamaClient, saturating_u32};
use super::wire::{ChatBody, ChatLine, IncomingToolCall};
use crate::chat::{
    ChatBackend, ChatEvent, ChatRequest, ChatStream, DoneReason, IdentityFuture, ToolCall, Usage,
};
use crate::context::fits_context;
use crate::error::{ModelError, Result};
use crate::http::{self, ndjson::NdjsonLines};

/// `num_ctx` for requests that name no context length, unless the backend is given another.
pub const DEFAULT_CONTEXT_LENGTH: u32 = 8192;

/// Chat with models served by Ollama.
///
/// Speaks Ollama's documented HTTP protocol with reqwest rather than through the ollama-rs
/// crate: ollama-rs reports stream errors as `()` with no detail and prints malformed lines to
/// stderr with `eprintln!`, which garbles a terminal UI. The protocol is small; owning it gives
/// every failure a message and keeps output where the caller puts it.
#[derive(Debug, Clone)]
pub struct OllamaBackend {
    client: OllamaClient,
    default_context_length: u32,
}

impl OllamaBackend {
    /// A backend over `client`, sending `num_ctx = default_context_length` for requests whose
    /// `context_length` is `None`.
    pub fn new(client: OllamaClient, default_context_length: u32) -> Self {
        Self {
            client,
            default_context_length,
        }
    }

    /// The client, for the management calls (list, show, pull, …).
    pub fn client(&self) -> &OllamaClient {
        &self.client
    }

    /// The `num_ctx` a request will be sent with.
    pub fn context_length_for(&self, request: &ChatRequest) -> u32 {
        request
            .context_length
            .unwrap_or(self.default_context_length)
    }

    /// The pre-check [`OllamaBackend::chat`] runs before sending, for callers that want it
    /// earlier (to trim history before asking): [`fits_context`] with this request's `num_ctx`.
    pub fn fits_context(&self, request: &ChatRequest) -> Result<()> {
        fits_context(request, self.context_length_for(request))
    }
}

impl ChatBackend for OllamaBackend {
    fn name(&self) -> &'static str {
        BACKEND
    }

    fn chat(&self, request: ChatRequest) -> ChatStream {
        let state = ChatState {
            client: self.client.clone(),
            model: request.model.clone(),
            num_ctx: self.context_length_for(&request),
            num_predict: request.options.max_tokens,
            request: Some(request),
            lines: None,
            pending: VecDeque::new(),
            finished: false,
            calls: 0,
        };
        Box::pin(futures_util::stream::unfold(
            state,
            |mut state| async move { state.next().await.map(|item| (item, state)) },
        ))
    }

    /// The digest `GET /api/tags` reports for the model (a re-pulled tag has a new one).
    fn model_identity<'a>(&'a self, model: &'a str) -> IdentityFuture<'a> {
        Box::pin(async move {
            let models = self.client.list().await.ok()?;
            let tagged = format!("{model}:latest");
            models
                .into_iter()
                .find(|m| m.name == model || m.name == tagged)
                .filter(|m| !m.digest.is_empty())
                .map(|m| format!("ollama {}", m.digest))
        })
    }
}

/// One chat call in progress: connects on the first poll, then turns lines into events.
struct ChatState {
    client: OllamaClient,
    model: String,
    num_ctx: u32,
    num_predict: Option<u32>,
    /// The request, until it is sent.
    request: Option<ChatRequest>,
    lines: Option<NdjsonLines>,
    pending: VecDeque<Result<ChatEvent>>,
    finished: bool,
    /// Tool calls seen so far (for made-up ids and the done reason).
    calls: usize,
}

impl ChatState {
    async fn next(&mut self) -> Option<Result<ChatEvent>> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if self.finished {
                return None;
            }
            if let Err(error) = self.step().await {
                self.pending.push_back(Err(error));
                self.finished = true;
            }
        }
    }

    /// Connects, or reads one line and queues its events.
    async fn step(&mut self) -> Result<()> {
        if let Some(request) = self.request.take() {
            let response = send(&self.client, &self.model, self.num_ctx, request).await?;
            self.lines = Some(NdjsonLines::new(Box::pin(response.bytes_stream())));
        }
        let Some(lines) = self.lines.as_mut() else {
            return Err(http::ended_early(BACKEND, "done", None));
        };
        match lines.next_line().await {
            None => Err(http::ended_early(BACKEND, "done", None)),
            Some(Err(error)) => Err(error.into_model_error(BACKEND, "done")),
            Some(Ok(line)) => self.handle_line(&line),
        }
    }

    fn handle_line(&mut self, line: &[u8]) -> Result<()> {
        let mut parsed: ChatLine = serde_json::from_slice(line)
            .map_err(|error| http::malformed(BACKEND, "chat line", line, error))?;
        if let Some(message) = parsed.error {
            return Err(ModelError::ServerFailed {
                backend: BACKEND,
                message,
            });
        }
        if let Some(message) = parsed.message.take() {
            if !message.content.is_empty() {
                self.pending.push_back(Ok(ChatEvent::TextDelta {
                    text: message.content,
                }));
            }
            for call in message.tool_calls {
                let call = self.tool_call(call);
                self.pending.push_back(Ok(ChatEvent::ToolCall { call }));
            }
        }
        if parsed.done {
            self.finished = true;
            self.finish(&parsed)?;
        }
        Ok(())
    }

    fn tool_call(&mut self, call: IncomingToolCall) -> ToolCall {
        let id = call
            .id
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| format!("call_{}", self.calls));
        self.calls += 1;
        let arguments = match call.function.arguments {
            Value::Null => Value::Object(serde_json::Map::new()),
            Value::String(text) => serde_json::from_str(&text).unwrap_or(Value::String(text)),
            other => other,
        };
        ToolCall {
            id,
            name: call.function.name,
            arguments,
        }
    }

    /// Queues usage and done for the final line, or fails when the context overflowed.
    fn finish(&mut self, line: &ChatLine) -> Result<()> {
        let prompt_tokens = line.prompt_eval_count.map(saturating_u32);
        let completion_tokens = line.eval_count.map(saturating_u32);
        if prompt_tokens.is_some() || completion_tokens.is_some() {
            let usage = Usage {
                prompt_tokens: prompt_tokens.unwrap_or(0),
                completion_tokens: completion_tokens.unwrap_or(0),
                prompt_duration: line
                    .prompt_eval_duration
                    .map(std::time::Duration::from_nanos),
                completion_duration: line.eval_duration.map(std::time::Duration::from_nanos),
                reused_prompt_tokens: 0,
            };
            self.pending.push_back(Ok(ChatEvent::Usage { usage }));
        }
        if let Some(prompt_tokens) = prompt_tokens {
            let answer_tokens = completion_tokens.unwrap_or(0);
            let done_reason = line.done_reason.as_deref();
            if let Some(overflow) = context_overflow(
                prompt_tokens,
                answer_tokens,
                done_reason,
                self.num_ctx,
                self.num_predict,
            ) {
                return Err(overflow);
            }
        }
        let reason = if self.calls > 0 {
            DoneReason::ToolCalls
        } else if line.done_reason.as_deref() == Some("length") {
            DoneReason::Length
        } else {
            DoneReason::Stop
        };
        self.pending.push_back(Ok(ChatEvent::Done { reason }));
        Ok(())
    }
}

/// Runs the pre-check and sends the chat request. (A free function: a `&self` held across the
/// await would make the stream need a `Sync` body.)
async fn send(
    client: &OllamaClient,
    model: &str,
    num_ctx: u32,
    request: ChatRequest,
) -> Result<reqwest::Response> {
    if num_ctx == 0 {
        return Err(ModelError::InvalidRequest(
            "the context length must be at least 1 token".to_owned(),
        ));
    }
    fits_context(&request, num_ctx)?;
    let body = ChatBody::new(request, num_ctx);
    let http_request = client.http().post(client.url("/api/chat")).json(&body);
    client.send(http_request, Some(model)).await
}

/// The post-check of the module documentation, on the final line's counts.
fn context_overflow(
    prompt_tokens: u32,
    answer_tokens: u32,
    done_reason: Option<&str>,
    num_ctx: u32,
    num_predict: Option<u32>,
) -> Option<ModelError> {
    if prompt_tokens >= num_ctx {
        return Some(ModelError::ContextOverflow {
            prompt_tokens,
            context_length: num_ctx,
            reserved: num_predict.unwrap_or(0),
        });
    }
    let window_full = prompt_tokens.saturating_add(answer_tokens) >= num_ctx;
    let stopped_by_limit = num_predict.is_some_and(|limit| answer_tokens >= limit);
    if done_reason == Some("length") && window_full && !stopped_by_limit {
        return Some(ModelError::ContextOverflow {
            prompt_tokens,
            context_length: num_ctx,
            reserved: answer_tokens,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prompt_that_filled_the_window_overflows() {
        assert!(matches!(
            context_overflow(4096, 10, Some("stop"), 4096, None),
            Some(ModelError::ContextOverflow {
                prompt_tokens: 4096,
                context_length: 4096,
                ..
            })
        ));
        assert!(context_overflow(4095, 0, Some("stop"), 4096, None).is_none());
    }

    #[test]
    fn an_answer_cut_by_the_window_overflows_but_one_cut_by_its_limit_does_not() {
        assert!(context_overflow(4000, 96, Some("length"), 4096, None).is_some());
        assert!(context_overflow(4000, 96, Some("length"), 4096, Some(96)).is_none());
        assert!(context_overflow(4000, 50, Some("length"), 4096, Some(50)).is_none());
        assert!(context_overflow(100, 50, Some("length"), 4096, None).is_none());
        assert!(context_overflow(4000, 96, Some("stop"), 4096, None).is_none());
    }
}
