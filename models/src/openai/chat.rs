//! [`OpenAiBackend`]: chat over `POST {base}/chat/completions` with server-sent events, chunks
//! turned into [`ChatEvent`]s, and the model list.

use std::collections::VecDeque;
use std::pin::Pin;
use std::time::Duration;

use eventsource_stream::{Event, EventStreamError, Eventsource};
use futures_core::Stream;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use super::BACKEND;
use super::api_key::ApiKey;
use super::tool_calls::ToolCallAssembler;
use super::wire::{ChatBody, Chunk, ModelsReply, Timings};
use crate::chat::{
    ChatBackend, ChatEvent, ChatRequest, ChatStream, DoneReason, IdentityFuture, Usage,
};
use crate::error::{ModelError, Result};
use crate::http;

/// A model a server offers, from `GET {base}/models`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAiModel {
    /// The name chat requests use.
    pub id: String,
    pub owned_by: Option<String>,
    /// Unix seconds, when reported.
    pub created: Option<i64>,
}

/// Chat with an OpenAI-compatible server: llama.cpp's server, vLLM, LM Studio, Ollama's `/v1`,
/// hosted APIs.
///
/// The context window is the server's: `ChatRequest::context_length` is not sent (the API has
/// no such parameter). These servers refuse an over-long prompt rather than cut it; llama.cpp's
/// refusal arrives as [`ModelError::ContextOverflow`].
#[derive(Debug, Clone)]
pub struct OpenAiBackend {
    http: reqwest::Client,
    base_url: String,
    api_key: Option<ApiKey>,
}

impl OpenAiBackend {
    /// A backend for the server at `base_url`, the prefix of `/chat/completions` (usually ending
    /// in `/v1`). `api_key` is sent as a bearer token; `None` for local servers that need none.
    pub fn new(base_url: &str, api_key: Option<String>) -> Result<Self> {
        Self::with_http_client(base_url, api_key, http::build_client()?)
    }

    /// A backend that sends through `http` (to share a connection pool or set proxies).
    pub fn with_http_client(
        base_url: &str,
        api_key: Option<String>,
        http: reqwest::Client,
    ) -> Result<Self> {
        Ok(Self {
            http,
            base_url: http::normalize_base_url(BACKEND, base_url)?,
            api_key: api_key.filter(|key| !key.is_empty()).map(ApiKey::new),
        })
    }

    /// The server's base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The models the server offers (`GET {base}/models`).
    pub async fn list_models(&self) -> Result<Vec<OpenAiModel>> {
        let request = self.http.get(format!("{}/models", self.base_url));
        let response = self.send(request, None).await?;
        let body = response
            .bytes()
            .await
            .map_err(|error| ModelError::Protocol {
                backend: BACKEND,
                message: format!("cannot read the model list: {error}"),
            })?;
        let reply: ModelsReply = serde_json::from_slice(&body)
            .map_err(|error| http::malformed(BACKEND, "model list", &body, error))?;
        Ok(reply
            .data
            .into_iter()
            .map(|entry| OpenAiModel {
                id: entry.id,
                owned_by: entry.owned_by,
                created: entry.created,
            })
            .collect())
    }

    /// Sends `request` with the key; maps connection failures and non-2xx statuses.
    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        model: Option<&str>,
    ) -> Result<reqwest::Response> {
        let request = match &self.api_key {
            // bearer_auth marks the header sensitive, so reqwest never prints it.
            Some(key) => request.bearer_auth(key.expose()),
            None => request,
        };
        let response = http::send_patiently(request)
            .await
            .map_err(|error| http::send_error(BACKEND, &self.base_url, error))?;
        if !response.status().is_success() {
            return Err(http::status_error(BACKEND, response, model).await);
        }
        Ok(response)
    }
}

impl ChatBackend for OpenAiBackend {
    fn name(&self) -> &'static str {
        BACKEND
    }

    fn chat(&self, request: ChatRequest) -> ChatStream {
        let state = ChatState {
            backend: self.clone(),
            model: request.model.clone(),
            request: Some(request),
            events: None,
            pending: VecDeque::new(),
            finished: false,
            tool_calls: ToolCallAssembler::default(),
            any_calls: false,
            finish_reason: None,
            timings: None,
            usage_sent: false,
        };
        Box::pin(futures_util::stream::unfold(
            state,
            |mut state| async move { state.next().await.map(|item| (item, state)) },
        ))
    }

    /// The server and the model's name: all an OpenAI-protocol server says of its weights.
    fn model_identity<'a>(&'a self, model: &'a str) -> IdentityFuture<'a> {
        Box::pin(std::future::ready(Some(format!(
            "openai {} {model}",
            self.base_url
        ))))
    }
}

type EventStream =
    Pin<Box<dyn Stream<Item = Result<Event, EventStreamError<reqwest::Error>>> + Send>>;

/// One chat call in progress: connects on the first poll, then turns events into chat events.
struct ChatState {
    backend: OpenAiBackend,
    model: String,
    /// The request, until it is sent.
    request: Option<ChatRequest>,
    events: Option<EventStream>,
    pending: VecDeque<Result<ChatEvent>>,
    finished: bool,
    tool_calls: ToolCallAssembler,
    any_calls: bool,
    finish_reason: Option<String>,
    timings: Option<Timings>,
    usage_sent: bool,
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

    /// Connects, or reads one event and queues what it says.
    async fn step(&mut self) -> Result<()> {
        if let Some(request) = self.request.take() {
            let http_request = self
                .backend
                .http
                .post(format!("{}/chat/completions", self.backend.base_url))
                .json(&ChatBody::new(request));
            let response = self.backend.send(http_request, Some(&self.model)).await?;
            // A web page (a wrong base URL behind a proxy, a login page) is said to be one.
            if let Some(media_type) = http::media_type(&response)
                && media_type != "text/event-stream"
            {
                return Err(
                    http::not_a_stream(BACKEND, &media_type, "an event stream", response).await,
                );
            }
            self.events = Some(Box::pin(response.bytes_stream().eventsource()));
        }
        let Some(events) = self.events.as_mut() else {
            return Err(http::ended_early(BACKEND, "done", None));
        };
        match events.next().await {
            // Servers that skip `[DONE]` after a finish reason are forgiven.
            None if self.finish_reason.is_some() => {
                self.done();
                Ok(())
            }
            None => Err(http::ended_early(BACKEND, "done", None)),
            Some(Err(EventStreamError::Transport(error))) => {
                Err(http::ended_early(BACKEND, "done", Some(error)))
            }
            Some(Err(error)) => Err(ModelError::Protocol {
                backend: BACKEND,
                message: format!("malformed event stream: {error}"),
            }),
            Some(Ok(event)) => self.handle_event(event),
        }
    }

    fn handle_event(&mut self, event: Event) -> Result<()> {
        let data = event.data.trim();
        if data == "[DONE]" {
            self.done();
            return Ok(());
        }
        if event.event == "error" {
            return Err(server_failed(data));
        }
        let chunk: Chunk = serde_json::from_str(data)
            .map_err(|error| http::malformed(BACKEND, "event", data.as_bytes(), error))?;
        if chunk.error.is_some() {
            return Err(server_failed(data));
        }
        for choice in chunk.choices.into_iter().filter(|choice| choice.index == 0) {
            if let Some(text) = choice.delta.content.filter(|text| !text.is_empty()) {
                self.pending.push_back(Ok(ChatEvent::TextDelta { text }));
            }
            if !choice.delta.tool_calls.is_empty() {
                self.tool_calls.push(choice.delta.tool_calls);
            }
            if let Some(reason) = choice.finish_reason {
                self.finish_reason = Some(reason);
                self.flush_tool_calls();
            }
        }
        if chunk.timings.is_some() {
            self.timings = chunk.timings;
        }
        if let Some(usage) = chunk.usage.filter(|_| !self.usage_sent) {
            self.usage_sent = true;
            let milliseconds = |ms: Option<f64>| {
                ms.filter(|ms| ms.is_finite() && *ms >= 0.0)
                    .map(|ms| Duration::from_secs_f64(ms / 1000.0))
            };
            let timings = self.timings.as_ref();
            let usage = Usage {
                prompt_tokens: saturating_u32(usage.prompt_tokens),
                completion_tokens: saturating_u32(usage.completion_tokens),
                prompt_duration: milliseconds(timings.and_then(|t| t.prompt_ms)),
                completion_duration: milliseconds(timings.and_then(|t| t.predicted_ms)),
                // llama.cpp's `timings.cache_n`, else OpenAI's `cached_tokens`.
                reused_prompt_tokens: timings
                    .and_then(|t| t.cache_n)
                    .or_else(|| {
                        usage
                            .prompt_tokens_details
                            .as_ref()
                            .and_then(|d| d.cached_tokens)
                    })
                    .map(saturating_u32)
                    .unwrap_or(0),
            };
            self.pending.push_back(Ok(ChatEvent::Usage { usage }));
        }
        Ok(())
    }

    fn flush_tool_calls(&mut self) {
        for call in self.tool_calls.finish() {
            self.any_calls = true;
            self.pending.push_back(Ok(ChatEvent::ToolCall { call }));
        }
    }

    /// Queues the last calls and done.
    fn done(&mut self) {
        self.flush_tool_calls();
        let reason = if self.any_calls {
            DoneReason::ToolCalls
        } else {
            match self.finish_reason.as_deref() {
                Some("length") => DoneReason::Length,
                Some("tool_calls" | "function_call") => DoneReason::ToolCalls,
                _ => DoneReason::Stop,
            }
        };
        self.pending.push_back(Ok(ChatEvent::Done { reason }));
        self.finished = true;
    }
}

/// The error for an `error` chunk or event, with the server's message.
fn server_failed(data: &str) -> ModelError {
    let message = serde_json::from_str::<serde_json::Value>(data)
        .ok()
        .and_then(|body| http::error_message(&body))
        .unwrap_or_else(|| http::excerpt(data));
    ModelError::ServerFailed {
        backend: BACKEND,
        message,
    }
}

fn saturating_u32(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}
