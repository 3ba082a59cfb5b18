//! The reviewer's one model call: the prompt (credentials redacted) streamed to the chosen
//! model, no tools, the answer collected (at most 1 MiB), and the call's record for
//! `model_calls`.

use std::time::{Duration, Instant};

use agent_models::{ChatEvent, ChatMessage, ChatRequest, DoneReason, ModelError};
use futures_util::StreamExt;

use super::ReviewError;
use crate::redact::Redactor;
use crate::store::{ModelCall, ModelCallOutcome};
use crate::task::ModelTarget;

/// The most answer the call reads.
const REPLY_LIMIT: usize = 1024 * 1024;

/// The model's answer and how the call went.
#[derive(Debug)]
pub struct ModelReply {
    pub text: String,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    /// Prompt tokens the backend did not compute again (see [`agent_models::Usage`]).
    pub reused_prompt_tokens: Option<u64>,
    pub latency: Duration,
    pub first_token: Option<Duration>,
    /// Whether the answer stopped at the token limit (or the 1 MiB cap).
    pub cut: bool,
    pub error: Option<ModelError>,
}

impl ModelReply {
    /// The `model_calls` row of this call.
    pub fn record(&self, target: &ModelTarget) -> ModelCall {
        ModelCall {
            task_id: None,
            conversation_id: None,
            agent_role: Some("reviewer".into()),
            backend: target.backend_name.clone(),
            model: target.model.clone(),
            prompt_tokens: self.prompt_tokens,
            completion_tokens: self.completion_tokens,
            latency_ms: Some(self.latency.as_millis() as u64),
            first_token_ms: self.first_token.map(|d| d.as_millis() as u64),
            outcome: match (&self.error, self.cut) {
                (Some(_), _) => ModelCallOutcome::Error,
                (None, true) => ModelCallOutcome::Length,
                (None, false) => ModelCallOutcome::Ok,
            },
            error: self
                .error
                .as_ref()
                .map(|error| crate::text::error_chain(error)),
            cache: None,
            reused_prompt_tokens: self.reused_prompt_tokens,
        }
    }

    /// The answer's text, or why there is none.
    pub fn into_text(self) -> Result<String, ReviewError> {
        if let Some(error) = self.error {
            return Err(ReviewError::Model(error));
        }
        if self.text.trim().is_empty() {
            return Err(ReviewError::EmptyAnswer);
        }
        Ok(self.text)
    }
}

/// Sends `messages` to the model and collects its answer. Dropping the future stops the call.
pub async fn ask(
    target: &ModelTarget,
    messages: Vec<ChatMessage>,
    redactor: Option<&Redactor>,
) -> ModelReply {
    let messages = messages
        .into_iter()
        .map(|mut message| {
            if let Some(redactor) = redactor
                && let std::borrow::Cow::Owned(clean) = redactor.redact(&message.content)
            {
                message.content = clean;
            }
            message
        })
        .collect();
    let mut request = ChatRequest::new(target.model.clone(), messages);
    request.options = target.options.clone();
    request.context_length = target.context_length;
    let started = Instant::now();
    let mut reply = ModelReply {
        text: String::new(),
        prompt_tokens: None,
        completion_tokens: None,
        reused_prompt_tokens: None,
        latency: Duration::ZERO,
        first_token: None,
        cut: false,
        error: None,
    };
    let mut stream = target.backend.chat(request);
    while let Some(event) = stream.next().await {
        match event {
            Ok(ChatEvent::TextDelta { text }) => {
                reply.first_token.get_or_insert_with(|| started.elapsed());
                reply.text.push_str(&text);
                if reply.text.len() > REPLY_LIMIT {
                    let end = reply.text.floor_char_boundary(REPLY_LIMIT);
                    reply.text.truncate(end);
                    reply.cut = true;
                    break;
                }
            }
            // No tools were offered; a call is not an answer.
            Ok(ChatEvent::ToolCall { .. }) => {}
            Ok(ChatEvent::Usage { usage }) => {
                reply.prompt_tokens = Some(u64::from(usage.prompt_tokens));
                reply.completion_tokens = Some(u64::from(usage.completion_tokens));
                reply.reused_prompt_tokens = Some(u64::from(usage.reused_prompt_tokens));
            }
            Ok(ChatEvent::Done { reason }) => {
                reply.cut |= reason == DoneReason::Length;
            }
            Err(error) => {
                reply.error = Some(error);
                break;
            }
        }
    }
    reply.latency = started.elapsed();
    reply
}
