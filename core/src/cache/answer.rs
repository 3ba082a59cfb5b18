//! A kept answer: what the model streamed (text and tool calls in order), its usage and why it
//! ended; recorded from a live stream and replayed as one.

use agent_models::{ChatEvent, ChatStream, DoneReason, ModelError, Usage};
use serde::{Deserialize, Serialize};

/// An answer as the cache keeps it (JSON in `model_cache.response`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedAnswer {
    /// Text deltas (adjacent ones joined) and tool calls, in the order they came.
    pub events: Vec<ChatEvent>,
    /// What the model spent on it the time it answered.
    #[serde(default)]
    pub usage: Option<Usage>,
    pub done: DoneReason,
}

impl CachedAnswer {
    /// The answer as a stream: its text as deltas and its tool calls, then done. No usage: a
    /// hit spends no tokens.
    pub fn into_stream(self) -> ChatStream {
        let mut events: Vec<Result<ChatEvent, ModelError>> =
            self.events.into_iter().map(Ok).collect();
        events.push(Ok(ChatEvent::Done { reason: self.done }));
        Box::pin(futures_util::stream::iter(events))
    }
}

/// Collects a live answer; it becomes a [`CachedAnswer`] only once the model said it is done.
#[derive(Debug, Default)]
pub struct Recorder {
    events: Vec<ChatEvent>,
    usage: Option<Usage>,
    done: Option<DoneReason>,
}

impl Recorder {
    /// Notes one event of the stream.
    pub fn observe(&mut self, event: &ChatEvent) {
        match event {
            ChatEvent::TextDelta { text } => {
                if let Some(ChatEvent::TextDelta { text: last }) = self.events.last_mut() {
                    last.push_str(text);
                } else {
                    self.events.push(event.clone());
                }
            }
            ChatEvent::ToolCall { .. } => self.events.push(event.clone()),
            ChatEvent::Usage { usage } => self.usage = Some(*usage),
            ChatEvent::Done { reason } => self.done = Some(*reason),
        }
    }

    /// The complete answer, `None` when the stream ended without `done`.
    pub fn finish(self) -> Option<CachedAnswer> {
        Some(CachedAnswer {
            events: self.events,
            usage: self.usage,
            done: self.done?,
        })
    }
}

#[cfg(test)]
mod tests {
    use agent_models::ToolCall;
    use futures_util::StreamExt;

    use super::*;

    #[test]
    fn a_recorded_answer_replays_its_text_and_calls_in_order() {
        let call = ToolCall {
            id: "c1".into(),
            name: "read".into(),
            arguments: serde_json::json!({"path": "a"}),
        };
        let mut recorder = Recorder::default();
        for event in [
            ChatEvent::TextDelta { text: "Hel".into() },
            ChatEvent::TextDelta { text: "lo".into() },
            ChatEvent::ToolCall { call: call.clone() },
            ChatEvent::Usage {
                usage: Usage {
                    prompt_tokens: 9,
                    completion_tokens: 2,
                    ..Usage::default()
                },
            },
            ChatEvent::Done {
                reason: DoneReason::ToolCalls,
            },
        ] {
            recorder.observe(&event);
        }
        let answer = recorder.finish().unwrap();
        let json = serde_json::to_string(&answer).unwrap();
        let back: CachedAnswer = serde_json::from_str(&json).unwrap();
        assert_eq!(back, answer);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let replayed: Vec<ChatEvent> =
            runtime.block_on(back.into_stream().map(|e| e.unwrap()).collect::<Vec<_>>());
        assert_eq!(
            replayed,
            vec![
                ChatEvent::TextDelta {
                    text: "Hello".into()
                },
                ChatEvent::ToolCall { call },
                ChatEvent::Done {
                    reason: DoneReason::ToolCalls
                },
            ]
        );
    }

    #[test]
    fn an_answer_that_never_finished_is_not_kept() {
        let mut recorder = Recorder::default();
        recorder.observe(&ChatEvent::TextDelta { text: "par".into() });
        assert_eq!(recorder.finish(), None);
    }
}
