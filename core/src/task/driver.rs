//! The turn-loop driver: performs the [`TurnLoop`]'s effects (stream from the model, run a tool
//! under the approval policy) and feeds what happened back in, recording every step as an event.

use std::collections::VecDeque;
use std::time::Duration;

use agent_models::{
    ChatEvent, ChatMessage, ChatRequest, DoneReason, ToolCall, ToolSpec, estimate_prompt_tokens,
};
use futures_util::StreamExt;
use tokio::time::Instant;

use super::approval::ApprovalQuestion;
use super::approval::Approvals;
use super::context::{ModelTarget, TaskContext};
use super::gate::{self, ModelGate};
use super::role::{Role, read_only_tools};
use crate::cache::Lookup;
use crate::error::Result;
use crate::protocol::{ApprovalDecision, Event, FinishReason, ToolEffectKind};
use crate::store::{ModelCall, ModelCallOutcome, Store};
use crate::text::{error_chain, truncate_with_note as cap};
use crate::tools::{ToolEffect, Toolbox};
use crate::turn::{Effect, Input, Limits, RepetitionDetector, TurnLedger, TurnLoop, TurnOutcome};

/// How streamed text becomes `model_delta` events: the first piece at once, then the pieces
/// in between joined until `interval` has passed since the last event or `bytes` are waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeltaFlush {
    pub interval: Duration,
    pub bytes: usize,
}

impl DeltaFlush {
    /// A chat: its events are not stored, and a person reads along (20 events a second).
    pub const LIVE: DeltaFlush = DeltaFlush {
        interval: Duration::from_millis(50),
        bytes: usize::MAX,
    };
    /// A task: every event is a row of `task_events`, so a slow stream of thousands of tokens
    /// becomes one event per 2 s or 2 KiB (tens of rows a turn), still live enough for
    /// `task logs --follow`, the tasks view and SSE.
    pub const STORED: DeltaFlush = DeltaFlush {
        interval: Duration::from_secs(2),
        bytes: 2048,
    };
}
/// The most text one model reply may stream; past it the reply is cut (finish reason `length`)
/// and the model is told. Keeps a runaway model from filling memory, the store and every later
/// request.
pub const REPLY_LIMIT: usize = 1024 * 1024;
/// The largest tool call arguments taken (serialized JSON); a larger call is refused with a note
/// and its arguments are neither stored nor sent again.
pub const ARGUMENTS_LIMIT: usize = 256 * 1024;
/// The argument that stands in for arguments over [`ARGUMENTS_LIMIT`].
const OVERSIZE: &str = "oversize_arguments_bytes";
/// Tool output kept in a `tool_call_end` event (the model sees the tool's own capped output).
const EVENT_OUTPUT_LIMIT: usize = 8 * 1024;

/// What a turn loop's tool calls need: the tools, their schemas, and the approval policy with
/// what the person allowed so far.
pub struct ToolKit {
    pub toolbox: Toolbox,
    /// Every tool's schema (a role may get fewer; a bare chat gets none).
    pub specs: Vec<ToolSpec>,
    pub approvals: Approvals,
}

impl ToolKit {
    /// Every tool of `toolbox`, under `approvals`.
    pub fn new(toolbox: Toolbox, approvals: Approvals) -> Self {
        Self {
            specs: toolbox.specs(),
            toolbox,
            approvals,
        }
    }
}

/// What the driver needs from whoever runs a turn loop: a task ([`TaskContext`]) or a chat
/// session. Events go to its log and front; model calls and edit outcomes to its store.
pub trait TurnHost: Send {
    /// Records and forwards one event.
    fn emit(&mut self, event: Event) -> Result<()>;
    /// The model `role` talks to.
    fn model_for(&self, role: Role) -> ModelTarget;
    /// The tools, their schemas (a role may get fewer) and the approval policy.
    fn tools(&mut self) -> &mut ToolKit;
    /// The budget of the next loop.
    fn remaining_limits(&self) -> Limits;
    /// What the host has used so far, and its request ids.
    fn ledger(&mut self) -> &mut TurnLedger;
    /// The store model calls and edit outcomes go to.
    fn store(&self) -> &Store;
    /// Records a model call (the host fills in its task or conversation).
    fn record_model_call(&mut self, call: ModelCall) -> Result<()>;
    /// The budgets and fallback every model request goes through.
    fn gate(&mut self) -> &mut ModelGate;
    /// How streamed text is joined into events.
    fn delta_flush(&self) -> DeltaFlush {
        DeltaFlush::LIVE
    }
    /// Called with the messages the loop just added to its conversation (the model's reply, a
    /// tool's result), as soon as they exist; a chat stores them here.
    fn messages_added(&mut self, _messages: &[ChatMessage]) -> Result<()> {
        Ok(())
    }
    /// Resolves when the work is cancelled.
    fn cancelled(&self) -> impl std::future::Future<Output = ()> + Send + 'static;
    /// Resolves when the wall-time limit passes.
    fn time_up(&self) -> impl std::future::Future<Output = ()> + Send + 'static;
}

impl TurnHost for TaskContext {
    fn emit(&mut self, event: Event) -> Result<()> {
        TaskContext::emit(self, event)
    }

    fn model_for(&self, role: Role) -> ModelTarget {
        TaskContext::model_for(self, role)
    }

    fn tools(&mut self) -> &mut ToolKit {
        &mut self.tools
    }

    fn remaining_limits(&self) -> Limits {
        TaskContext::remaining_limits(self)
    }

    fn ledger(&mut self) -> &mut TurnLedger {
        &mut self.ledger
    }

    fn store(&self) -> &Store {
        TaskContext::store(self)
    }

    fn record_model_call(&mut self, mut call: ModelCall) -> Result<()> {
        call.task_id = Some(self.task_id.clone());
        TaskContext::store(self)
            .record_model_call(&call)
            .map(|_| ())
    }

    fn gate(&mut self) -> &mut ModelGate {
        &mut self.gate
    }

    fn delta_flush(&self) -> DeltaFlush {
        DeltaFlush::STORED
    }

    fn cancelled(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        TaskContext::cancelled(self)
    }

    fn time_up(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        TaskContext::time_up(self)
    }
}

/// Runs one role's turn loop to its end: `system` prompt, then `request` from the user.
/// Returns how it ended and the whole conversation (to continue it later).
pub async fn run_role<H: TurnHost>(
    ctx: &mut H,
    role: Role,
    system: String,
    request: String,
) -> Result<(TurnOutcome, Vec<ChatMessage>)> {
    let messages = vec![ChatMessage::system(system), ChatMessage::user(request)];
    run_loop(ctx, role, TurnLoop::new(messages, ctx.remaining_limits())).await
}

/// Continues a role's earlier conversation with one more user message (a failing check, a
/// reviewer's change request, the next step of a plan).
pub async fn continue_role<H: TurnHost>(
    ctx: &mut H,
    role: Role,
    mut messages: Vec<ChatMessage>,
    request: String,
) -> Result<(TurnOutcome, Vec<ChatMessage>)> {
    messages.push(ChatMessage::user(request));
    run_loop(ctx, role, TurnLoop::new(messages, ctx.remaining_limits())).await
}

/// Runs a prepared loop to its end.
#[tracing::instrument(name = "turn_loop", skip_all, fields(role = ?role))]
pub async fn run_loop<H: TurnHost>(
    ctx: &mut H,
    role: Role,
    mut turn: TurnLoop,
) -> Result<(TurnOutcome, Vec<ChatMessage>)> {
    let target = ctx.model_for(role);
    let tools: Vec<ToolSpec> = ctx
        .tools()
        .specs
        .iter()
        .filter(|spec| role.may_use(&spec.name))
        .cloned()
        .collect();
    let before = turn.used();
    let mut effects: VecDeque<Effect> = turn.start().into();
    let mut reported = turn.messages().len();
    let outcome = loop {
        if turn.messages().len() > reported {
            ctx.messages_added(&turn.messages()[reported..])?;
            reported = turn.messages().len();
        }
        let Some(effect) = effects.pop_front() else {
            // A machine that stops asking for work without finishing would be a bug; end
            // the loop rather than spin.
            break TurnOutcome::ModelFailed("the turn loop stopped without an outcome".into());
        };
        match effect {
            Effect::RequestModel {
                messages,
                turn: n,
                max_tokens,
            } => {
                let cap = OutputCap(max_tokens);
                for input in request_model(ctx, role, &target, &tools, messages, n, cap).await? {
                    effects.extend(turn.handle(input));
                }
            }
            Effect::RunTool(call) => {
                let input = run_tool(ctx, role, &target, call).await?;
                effects.extend(turn.handle(input));
            }
            Effect::Finish(outcome) => break outcome,
        }
    };
    if turn.messages().len() > reported {
        ctx.messages_added(&turn.messages()[reported..])?;
    }
    let used = turn.used();
    ctx.ledger().count_turns(
        used.turns - before.turns,
        used.tool_calls - before.tool_calls,
    );
    Ok((outcome, turn.messages().to_vec()))
}

/// The most tokens one reply may have (a task role's `task.max_turn_tokens`); `None` leaves the
/// request's own `max_tokens`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OutputCap(pub Option<u32>);

/// One model request, streamed: text deltas go out as events, and the inputs for the machine
/// come back (ending in done, failed, cancel or time-up). Every model call of the core goes
/// through here: the events, the token counts and the `model_calls` row with its real finish
/// reason and duration. A reply that reaches `cap` is reported as truncated; one that keeps
/// repeating itself ([`RepetitionDetector`]) is stopped there (the stream dropped, which stops
/// the backend) and reported as repeated.
#[tracing::instrument(name = "model_call", skip_all, fields(model = %target.model, turn))]
pub(crate) async fn request_model<H: TurnHost>(
    ctx: &mut H,
    role: Role,
    target: &ModelTarget,
    tools: &[ToolSpec],
    messages: Vec<ChatMessage>,
    turn: u32,
    cap: OutputCap,
) -> Result<Vec<Input>> {
    let mut request = ChatRequest::new(target.model.clone(), redacted(ctx.store(), messages));
    request.tools = tools.to_vec();
    request.options = target.options.clone();
    if let OutputCap(Some(cap)) = cap {
        let asked = request.options.max_tokens.unwrap_or(cap);
        request.options.max_tokens = Some(asked.min(cap));
    }
    request.context_length = target.context_length;
    // Budgets and fallback: where the request goes, or the budget that stops it unsent.
    let target = &match gate::before_request(ctx, target, &mut request)? {
        Ok(chosen) => chosen,
        Err(hit) => return Ok(vec![Input::Stopped(hit)]),
    };
    // Kept to send again to the fallback if this server turns out to be down.
    let retry = ctx.gate().has_fallback().then(|| request.clone());
    let id = ctx.ledger().next_model_request_id();
    ctx.emit(Event::ModelBegin {
        id: id.clone(),
        role,
        model: target.model.clone(),
        turn,
        messages: request.messages.len(),
        estimated_prompt_tokens: estimate_prompt_tokens(&request),
    })?;

    let started = Instant::now();
    let mut first_token: Option<Duration> = None;
    // A temperature-0 request may be answered from the cache (crate::cache): no request then.
    let identity = target.cache.identity(target, &request).await;
    let mut cache = Lookup::start(ctx.store(), target, &request, identity);
    let mut stream = match cache.replay() {
        Some(kept) => kept,
        None => target.backend.chat(request),
    };
    let mut inputs = Vec::new();
    let mut pending_text = String::new();
    let flush = ctx.delta_flush();
    let mut last_flush: Option<Instant> = None;
    let mut usage = (0u64, 0u64);
    let mut reused: Option<u32> = None;
    let mut decode_speed = None;
    let mut reply_bytes = 0usize;
    let mut reason = FinishReason::Stop;
    let mut error: Option<String> = None;
    let mut stop: Option<Input> = None;
    let mut fall_back = false;
    let mut repetition = RepetitionDetector::new();
    let mut repeated = None;
    let mut answered = false;

    loop {
        let next = tokio::select! {
            item = stream.next() => item,
            () = ctx.cancelled() => {
                reason = FinishReason::Cancelled;
                stop = Some(Input::Cancel);
                break;
            }
            () = ctx.time_up() => {
                reason = FinishReason::Cancelled;
                stop = Some(Input::TimeUp);
                break;
            }
        };
        if let Some(Ok(event)) = &next {
            cache.observe(event);
        }
        if !answered {
            // The request is out and answered: what was held back not to slow it may start.
            answered = true;
            ctx.tools().toolbox.model_answered();
        }
        match next {
            Some(Ok(ChatEvent::TextDelta { text })) => {
                first_token.get_or_insert_with(|| started.elapsed());
                reply_bytes += text.len();
                if reply_bytes > REPLY_LIMIT {
                    reason = FinishReason::Length;
                    ctx.emit(Event::Error {
                        message: format!(
                            "the model's reply passed {} KiB and was cut there",
                            REPLY_LIMIT / 1024
                        ),
                        hint: Some("ask for less at a time, or lower max_tokens".into()),
                        class: None,
                    })?;
                    break;
                }
                pending_text.push_str(&text);
                let looping = repetition.push(&text).cloned();
                inputs.push(Input::ModelText(text));
                if let Some(found) = looping {
                    // Stopped here: dropping the stream stops the backend's generation.
                    reason = FinishReason::Repetition;
                    repeated = Some(found);
                    break;
                }
                if pending_text.len() >= flush.bytes
                    || last_flush.is_none_or(|at| at.elapsed() >= flush.interval)
                {
                    flush_text(ctx, &id, &mut pending_text)?;
                    last_flush = Some(Instant::now());
                }
            }
            Some(Ok(ChatEvent::ToolCall { mut call })) => {
                first_token.get_or_insert_with(|| started.elapsed());
                let size = call.arguments.to_string().len();
                if size > ARGUMENTS_LIMIT {
                    // Kept out of the store and of every later request: only its size remains.
                    call.arguments = serde_json::json!({ OVERSIZE: size });
                }
                inputs.push(Input::ModelToolCall(call));
            }
            Some(Ok(ChatEvent::Usage { usage: u })) => {
                usage = (u64::from(u.prompt_tokens), u64::from(u.completion_tokens));
                reused = Some(u.reused_prompt_tokens);
                decode_speed = u.decode_tokens_per_second();
            }
            Some(Ok(ChatEvent::Done { reason: done })) => {
                reason = match done {
                    DoneReason::Stop => FinishReason::Stop,
                    DoneReason::Length => FinishReason::Length,
                    DoneReason::ToolCalls => FinishReason::ToolCalls,
                };
            }
            Some(Err(failure)) => {
                reason = FinishReason::Error;
                let message = error_chain(&failure);
                // Down (or too small) before a word came back: the fallback takes the turn.
                if first_token.is_none()
                    && retry.is_some()
                    && gate::after_failure(ctx, target, &failure)
                {
                    error = Some(message);
                    fall_back = true;
                    break;
                }
                ctx.emit(Event::Error {
                    message: message.clone(),
                    hint: failure.hint(),
                    class: Some(crate::error::model_error_class(&failure)),
                })?;
                error = Some(message);
                break;
            }
            None => break,
        }
    }
    drop(stream);
    flush_text(ctx, &id, &mut pending_text)?;
    let cached = cache.outcome();
    let complete =
        stop.is_none() && error.is_none() && repeated.is_none() && reply_bytes <= REPLY_LIMIT;
    cache.keep(ctx.store(), target, complete);

    let duration = started.elapsed();
    let (total_prompt_tokens, total_completion_tokens) =
        ctx.ledger().count_tokens(usage.0, usage.1);
    ctx.emit(Event::ModelEnd {
        id,
        reason,
        prompt_tokens: usage.0 as u32,
        completion_tokens: usage.1 as u32,
        duration_ms: duration.as_millis() as u64,
        decode_tokens_per_second: decode_speed,
        cache: cached,
        reused_prompt_tokens: reused.unwrap_or(0),
    })?;
    ctx.emit(Event::Usage {
        role,
        prompt_tokens: usage.0,
        completion_tokens: usage.1,
        total_prompt_tokens,
        total_completion_tokens,
    })?;
    ctx.record_model_call(ModelCall {
        task_id: None,
        conversation_id: None,
        agent_role: Some(role.as_str().to_string()),
        backend: target.backend_name.clone(),
        model: target.model.clone(),
        prompt_tokens: Some(usage.0),
        completion_tokens: Some(usage.1),
        latency_ms: Some(duration.as_millis() as u64),
        first_token_ms: first_token.map(|d| d.as_millis() as u64),
        outcome: match reason {
            FinishReason::Error => ModelCallOutcome::Error,
            FinishReason::Cancelled | FinishReason::Repetition => ModelCallOutcome::Cancelled,
            FinishReason::Length => ModelCallOutcome::Length,
            FinishReason::Stop | FinishReason::ToolCalls => ModelCallOutcome::Ok,
        },
        error: error.clone(),
        cache: cached,
        reused_prompt_tokens: reused.map(u64::from),
    })?;
    if let (true, Some(request)) = (fall_back, retry) {
        let messages = request.messages;
        return Box::pin(request_model(ctx, role, target, tools, messages, turn, cap)).await;
    }
    if reason != FinishReason::Error && stop.is_none() {
        gate::after_success(ctx, target, usage.1, decode_speed, duration, first_token);
    }

    // Usage reaches the machine before the input that ends the request.
    inputs.push(Input::ModelUsage {
        prompt_tokens: usage.0,
        completion_tokens: usage.1,
    });
    if stop.is_none() && error.is_none() {
        // A reply without a usable call that meant to make one (a broken ```tool block, an
        // unknown tool): the model reads why, as with the backend's own prompt-level calls.
        if !inputs.iter().any(|i| matches!(i, Input::ModelToolCall(_))) && !tools.is_empty() {
            let text: String = inputs
                .iter()
                .filter_map(|i| match i {
                    Input::ModelText(text) => Some(text.as_str()),
                    _ => None,
                })
                .collect();
            if let Some(message) =
                agent_models::tool_format::parse_tool_calls(&text, tools).problem_message()
            {
                ctx.emit(Event::Error {
                    message: format!(
                        "the {role}'s tool calls could not be used: {}",
                        message
                            .lines()
                            .nth(1)
                            .unwrap_or("")
                            .trim_start_matches("- ")
                    ),
                    hint: Some("the model is told why and how to write them".into()),
                    class: None,
                })?;
                inputs.push(Input::ModelCallProblems(message));
            }
        }
        if let Some(found) = repeated {
            inputs.push(Input::ModelRepeated(found));
        } else if reason == FinishReason::Length {
            inputs.push(Input::ModelTruncated);
        }
    }
    inputs.push(match (stop, error) {
        (Some(stop), _) => stop,
        (None, Some(message)) => Input::ModelFailed(message),
        (None, None) => Input::ModelDone,
    });
    Ok(inputs)
}

/// `messages` with every credential the store's redactor knows replaced: what a command or a
/// check printed (an `env`, a config dump) never goes back to the model.
fn redacted(store: &Store, mut messages: Vec<ChatMessage>) -> Vec<ChatMessage> {
    if let Some(redactor) = store.redactor() {
        for message in &mut messages {
            if let std::borrow::Cow::Owned(clean) = redactor.redact(&message.content) {
                message.content = clean;
            }
        }
    }
    messages
}

fn flush_text<H: TurnHost>(ctx: &mut H, id: &str, pending: &mut String) -> Result<()> {
    if pending.is_empty() {
        return Ok(());
    }
    let text = std::mem::take(pending);
    ctx.emit(Event::ModelDelta {
        id: id.to_string(),
        text,
    })
}

/// One tool call: approval, then the tool (raced against cancel and the deadline).
#[tracing::instrument(name = "tool_call", skip_all, fields(tool = %call.name))]
async fn run_tool<H: TurnHost>(
    ctx: &mut H,
    role: Role,
    target: &ModelTarget,
    call: ToolCall,
) -> Result<Input> {
    ctx.emit(Event::ToolCallBegin {
        id: call.id.clone(),
        name: call.name.clone(),
        arguments: call.arguments.clone(),
    })?;
    if let Some(size) = call.arguments.get(OVERSIZE).and_then(|v| v.as_u64()) {
        let output = format!(
            "refused: the arguments were {size} bytes; the limit is {} KiB. Send the change in smaller pieces (several edits or writes)",
            ARGUMENTS_LIMIT / 1024
        );
        return refuse(ctx, call, output);
    }
    if !role.may_use(&call.name) {
        let output = format!(
            "refused: the {} cannot use `{}`; its tools are {}",
            role,
            call.name,
            read_only_tools()
        );
        return refuse(ctx, call, output);
    }
    // `approval = "auto"` on an MCP server: its tools run without asking.
    let mut preapproved = false;
    let (kind, subject, preview) = match ctx.tools().toolbox.effect(&call) {
        ToolEffect::Read => (ToolEffectKind::Read, call.name.clone(), String::new()),
        ToolEffect::Write { path, preview } => (ToolEffectKind::Write, path, preview),
        ToolEffect::Command { command } => (ToolEffectKind::Command, command, String::new()),
        ToolEffect::Mcp(mcp) => {
            preapproved = mcp.auto;
            (
                ToolEffectKind::Mcp,
                format!("{}.{}", mcp.server, mcp.tool),
                mcp.preview,
            )
        }
        ToolEffect::Network { url } => (ToolEffectKind::Network, url, String::new()),
    };
    // A command an untrusted task may not run is refused before any person is asked.
    if let Some(refusal) = ctx.tools().approvals.screen(kind, &subject) {
        return refuse(ctx, call, refusal.reason);
    }
    if !preapproved && ctx.tools().approvals.needs_asking(kind, &subject) {
        let question = ApprovalQuestion {
            call_id: call.id.clone(),
            kind,
            subject: subject.clone(),
            preview: preview.clone(),
        };
        ctx.emit(Event::ApprovalRequest {
            id: call.id.clone(),
            kind,
            subject,
            preview,
        })?;
        let cancelled = ctx.cancelled();
        let decision = tokio::select! {
            decision = ctx.tools().approvals.decide(&question) => Some(decision),
            () = cancelled => None,
        };
        let Some(decision) = decision else {
            return Ok(Input::Cancel);
        };
        ctx.emit(Event::ApprovalDecision(ApprovalDecision {
            id: call.id.clone(),
            approved: decision.approved,
            by: decision.by,
            reason: decision.reason.clone(),
        }))?;
        if !decision.approved {
            let output = format!(
                "refused: {}. Do not retry this call; finish the task another way or explain what is needed",
                decision.reason
            );
            return refuse(ctx, call, output);
        }
    }

    let (cancelled, time_up) = (ctx.cancelled(), ctx.time_up());
    let result = tokio::select! {
        output = ctx.tools().toolbox.call(&call) => Some(output),
        () = cancelled => None,
        () = time_up => {
            return Ok(Input::TimeUp);
        }
    };
    let Some(output) = result else {
        return Ok(Input::Cancel);
    };
    if let Some((form, applied)) = output.edit {
        ctx.store().record_edit_outcome(
            &target.backend_name,
            &target.model,
            form.as_str(),
            applied,
        )?;
    }
    ctx.emit(Event::ToolCallEnd {
        id: call.id.clone(),
        name: call.name.clone(),
        ok: !output.is_error,
        output: cap(&output.text, EVENT_OUTPUT_LIMIT),
        changed_paths: output.changed_paths.clone(),
        diff: output
            .diff
            .as_deref()
            .map(|diff| cap(diff, EVENT_OUTPUT_LIMIT)),
    })?;
    Ok(Input::ToolResult {
        call_id: call.id,
        output: output.text,
    })
}

/// Ends a tool call that was not run: the event, and `output` as what the model reads.
fn refuse<H: TurnHost>(ctx: &mut H, call: ToolCall, output: String) -> Result<Input> {
    ctx.emit(Event::ToolCallEnd {
        id: call.id.clone(),
        name: call.name.clone(),
        ok: false,
        output: output.clone(),
        changed_paths: Vec::new(),
        diff: None,
    })?;
    Ok(Input::ToolResult {
        call_id: call.id,
        output,
    })
}
