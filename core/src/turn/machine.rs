//! The turn loop as a pure state machine: inputs in, effects out, no IO and no async.
//!
//! One loop is one role working on its request: ask the model, run the tools it calls one by
//! one, feed their results back, and ask again, until the model replies without a tool call
//! or a limit, a failure or a cancel ends it. The driver ([`super::driver`]) performs the
//! effects and feeds what happened back in.

use std::collections::VecDeque;

use agent_models::{ChatMessage, ToolCall};

use super::limits::{LimitHit, Limits, Usage};
use super::repetition::Repetition;
use crate::protocol::LimitKind;

/// Replies stopped for repeating themselves that one loop takes; the next one ends it.
pub const MAX_REPETITIONS: u32 = 2;
/// Replies whose tool calls could not be used that one loop sends back with why; after these a
/// reply without a usable call is taken as the last word.
pub const MAX_CALL_PROBLEMS: u32 = 3;

/// What happened, as far as the loop is concerned.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Text streamed from the model.
    ModelText(String),
    /// The model asked for a tool.
    ModelToolCall(ToolCall),
    /// Token counts of the current request.
    ModelUsage {
        prompt_tokens: u64,
        completion_tokens: u64,
    },
    /// The reply stopped at the output limit (`length`), before the model finished it.
    ModelTruncated,
    /// The reply was stopped because it kept repeating itself.
    ModelRepeated(Repetition),
    /// The reply meant to call tools but no call could be used; the message says why and how
    /// to write one (sent back to the model).
    ModelCallProblems(String),
    /// The model's reply is complete (or was stopped: see the inputs above).
    ModelDone,
    /// The request failed.
    ModelFailed(String),
    /// A tool call finished (or was refused); `output` is what the model will read.
    ToolResult { call_id: String, output: String },
    /// The wall-time limit passed.
    TimeUp,
    /// The user (or a front) cancelled.
    Cancel,
    /// A budget stopped the request before it was sent.
    Stopped(LimitHit),
}

/// What the driver should do next.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Send these messages to the model; `turn` counts requests from 1; `max_tokens` caps the
    /// reply (the loop's [`Limits::max_turn_tokens`]).
    RequestModel {
        messages: Vec<ChatMessage>,
        turn: u32,
        max_tokens: Option<u32>,
    },
    /// Run (or refuse, under the approval policy) this tool call.
    RunTool(ToolCall),
    /// The loop is over.
    Finish(TurnOutcome),
}

/// How a loop ended.
#[derive(Debug, Clone, PartialEq)]
pub enum TurnOutcome {
    /// The model replied without calling a tool; this is its last text.
    Completed {
        final_text: String,
    },
    /// A limit was reached first.
    Limit(LimitHit),
    /// The model could not be reached or its reply broke off.
    ModelFailed(String),
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    AwaitingModel,
    RunningTool,
    Finished,
}

/// One role's conversation with the model, and where it stands.
#[derive(Debug, Clone)]
pub struct TurnLoop {
    messages: Vec<ChatMessage>,
    limits: Limits,
    used: Usage,
    state: State,
    reply_text: String,
    reply_calls: Vec<ToolCall>,
    queued_calls: VecDeque<ToolCall>,
    running_call: Option<String>,
    calls_seen: u32,
    /// The current reply stopped at the output limit.
    truncated: bool,
    /// The current reply was stopped for repeating itself.
    repeated: Option<Repetition>,
    /// Replies of this loop stopped for repeating themselves.
    repetitions: u32,
    /// Why the current reply's calls could not be used.
    call_problems: Option<String>,
    /// Replies of this loop sent back for unusable calls.
    problem_notes: u32,
}

impl TurnLoop {
    /// A loop over `messages` (system prompt, then the request) under `limits`.
    pub fn new(messages: Vec<ChatMessage>, limits: Limits) -> Self {
        Self {
            messages,
            limits,
            used: Usage::default(),
            state: State::Idle,
            reply_text: String::new(),
            reply_calls: Vec::new(),
            queued_calls: VecDeque::new(),
            running_call: None,
            calls_seen: 0,
            truncated: false,
            repeated: None,
            repetitions: 0,
            call_problems: None,
            problem_notes: 0,
        }
    }

    /// The conversation so far.
    pub fn messages(&self) -> &[ChatMessage] {
        &self.messages
    }

    /// What this loop has used.
    pub fn used(&self) -> Usage {
        self.used
    }

    /// Whether the loop has ended.
    pub fn is_finished(&self) -> bool {
        self.state == State::Finished
    }

    /// The first effect: the first model request (or a limit, if the budget is already spent).
    pub fn start(&mut self) -> Vec<Effect> {
        if self.state != State::Idle {
            return Vec::new();
        }
        self.request_model()
    }

    /// Feeds one input in and returns what to do next. Inputs that make no sense in the
    /// current state (a tool result while waiting for the model) are ignored.
    pub fn handle(&mut self, input: Input) -> Vec<Effect> {
        if self.state == State::Finished {
            return Vec::new();
        }
        match input {
            Input::Cancel => self.finish(TurnOutcome::Cancelled),
            Input::Stopped(hit) => self.finish(TurnOutcome::Limit(hit)),
            Input::TimeUp => self.finish(TurnOutcome::Limit(self.limits.wall_time_hit())),
            Input::ModelText(text) if self.state == State::AwaitingModel => {
                self.reply_text.push_str(&text);
                Vec::new()
            }
            Input::ModelToolCall(mut call) if self.state == State::AwaitingModel => {
                self.calls_seen += 1;
                if call.id.trim().is_empty() {
                    call.id = format!("call_{}", self.calls_seen);
                }
                self.reply_calls.push(call);
                Vec::new()
            }
            Input::ModelUsage {
                prompt_tokens,
                completion_tokens,
            } if self.state == State::AwaitingModel => {
                self.used.prompt_tokens += prompt_tokens;
                self.used.completion_tokens += completion_tokens;
                Vec::new()
            }
            Input::ModelTruncated if self.state == State::AwaitingModel => {
                self.truncated = true;
                Vec::new()
            }
            Input::ModelRepeated(found) if self.state == State::AwaitingModel => {
                self.repeated = Some(found);
                Vec::new()
            }
            Input::ModelCallProblems(message) if self.state == State::AwaitingModel => {
                self.call_problems = Some(message);
                Vec::new()
            }
            Input::ModelDone if self.state == State::AwaitingModel => self.reply_complete(),
            Input::ModelFailed(message) if self.state == State::AwaitingModel => {
                self.finish(TurnOutcome::ModelFailed(message))
            }
            Input::ToolResult { call_id, output }
                if self.state == State::RunningTool
                    && self.running_call.as_deref() == Some(call_id.as_str()) =>
            {
                let call = self
                    .reply_calls
                    .iter()
                    .find(|c| c.id == call_id)
                    .cloned()
                    .unwrap_or(ToolCall {
                        id: call_id,
                        name: String::new(),
                        arguments: serde_json::Value::Null,
                    });
                self.messages.push(ChatMessage::tool_result(&call, output));
                self.running_call = None;
                self.next_tool_or_request()
            }
            _ => Vec::new(),
        }
    }

    fn reply_complete(&mut self) -> Vec<Effect> {
        let text = std::mem::take(&mut self.reply_text);
        if let Some(found) = self.repeated.take() {
            return self.reply_repeated(&text, found);
        }
        let mut message = ChatMessage::assistant(text.clone());
        message.tool_calls = self.reply_calls.clone();
        self.messages.push(message);
        if self.reply_calls.is_empty() {
            // Cut at a task role's output cap: the model is told and goes on, rather than the
            // half answer being taken for its last word.
            if let (true, Some(cap)) = (self.truncated, self.limits.max_turn_tokens) {
                self.messages.push(ChatMessage::user(truncated_note(cap)));
                return self.request_model();
            }
            // Calls it meant to make but wrote so that none could be used: told why.
            if let Some(problems) = self.call_problems.take()
                && self.problem_notes < MAX_CALL_PROBLEMS
            {
                self.problem_notes += 1;
                self.messages.push(ChatMessage::user(problems));
                return self.request_model();
            }
            return self.finish(TurnOutcome::Completed { final_text: text });
        }
        self.queued_calls = self.reply_calls.iter().cloned().collect();
        self.next_tool_or_request()
    }

    /// A reply stopped for looping: only its start is kept (the loop would fill the context),
    /// its tool calls are dropped, and the model is told, or the loop ends after
    /// [`MAX_REPETITIONS`].
    fn reply_repeated(&mut self, text: &str, found: Repetition) -> Vec<Effect> {
        self.repetitions += 1;
        self.messages
            .push(ChatMessage::assistant(found.keep_of(text)));
        if self.repetitions >= MAX_REPETITIONS {
            return self.finish(TurnOutcome::Limit(LimitHit {
                kind: LimitKind::Repetition,
                value: u64::from(MAX_REPETITIONS),
                detail: format!(
                    "the model's reply kept repeating itself (\"{}\" {} times in a row) in {} replies; it was stopped each time (a small model often loops: try a larger model or a narrower task)",
                    found.quote(),
                    found.repeats,
                    self.repetitions
                ),
                used: Some(u64::from(self.repetitions)),
            }));
        }
        self.messages.push(ChatMessage::user(repeated_note(&found)));
        self.request_model()
    }

    fn next_tool_or_request(&mut self) -> Vec<Effect> {
        match self.queued_calls.pop_front() {
            Some(call) => {
                if let Some(hit) = self.limits.before_tool_call(&self.used) {
                    return self.finish(TurnOutcome::Limit(hit));
                }
                self.used.tool_calls += 1;
                self.state = State::RunningTool;
                self.running_call = Some(call.id.clone());
                vec![Effect::RunTool(call)]
            }
            None => self.request_model(),
        }
    }

    fn request_model(&mut self) -> Vec<Effect> {
        if let Some(hit) = self.limits.before_request(&self.used) {
            return self.finish(TurnOutcome::Limit(hit));
        }
        self.used.turns += 1;
        self.state = State::AwaitingModel;
        self.reply_text.clear();
        self.reply_calls.clear();
        self.truncated = false;
        self.repeated = None;
        self.call_problems = None;
        vec![Effect::RequestModel {
            messages: self.messages.clone(),
            turn: self.used.turns,
            max_tokens: self.limits.max_turn_tokens,
        }]
    }

    fn finish(&mut self, outcome: TurnOutcome) -> Vec<Effect> {
        self.state = State::Finished;
        self.queued_calls.clear();
        vec![Effect::Finish(outcome)]
    }
}

/// What the model reads after a reply cut at the per-turn output cap.
pub fn truncated_note(cap: u32) -> String {
    format!(
        "[Your last answer was cut off: one answer may be at most {cap} tokens. Continue from where it stopped, or call a tool; keep each answer short.]"
    )
}

/// What the model reads after a reply stopped for repeating itself.
pub fn repeated_note(found: &Repetition) -> String {
    format!(
        "[Your last answer repeated itself (\"{}\" {} times in a row) and was stopped. Do not repeat text. Take the next step instead: call one tool, or give a short final answer.]",
        found.quote(),
        found.repeats
    )
}
