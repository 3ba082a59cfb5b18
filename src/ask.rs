//! `agent ask "prompt"`: one question, the answer streamed to stdout, the exchange kept in history
//! and the call recorded in model_calls.

use std::io::Write;
use std::time::Instant;

use agent_core::store::{ModelCall, ModelCallOutcome, NewMessage};
use agent_models::{ChatEvent, ChatMessage, ChatRequest, DoneReason, Role, Usage};
use agent_tui::Tone;
use agent_tui::text::one_line;
use anyhow::Result;
use futures_util::StreamExt;

use crate::app::App;
use crate::backend::{explain_missing_model, select};
use crate::cli::AskArgs;
use crate::exit::Exit;
use crate::models::runtime;
use crate::output::note;

/// How the stream ended.
enum Ending {
    Done(DoneReason),
    Interrupted,
    Failed(anyhow::Error),
}

pub fn run(app: &App, args: AskArgs) -> Result<Exit> {
    let (resolved, mut store) = app.config_and_store()?;
    let selected = select(app, &resolved, &args.backend)?;
    let mut messages = Vec::new();
    if let Some(system) = &args.system {
        messages.push(ChatMessage::system(system.clone()));
    }
    messages.push(ChatMessage::user(args.prompt.clone()));
    let request = ChatRequest {
        options: selected.options.clone(),
        context_length: Some(selected.context_length),
        ..ChatRequest::new(selected.model.clone(), messages)
    };

    let started = Instant::now();
    let mut first_token_ms = None;
    let mut answer = String::new();
    let mut usage = Usage::default();
    let runtime = runtime()?;
    let ending = runtime.block_on(async {
        let mut stream = selected.backend.chat(request);
        let mut stdout = std::io::stdout().lock();
        loop {
            let next = tokio::select! {
                next = stream.next() => next,
                _ = tokio::signal::ctrl_c() => return Ending::Interrupted,
            };
            let event = match next {
                None => {
                    return Ending::Failed(anyhow::anyhow!(
                        "the model stream ended without finishing"
                    ));
                }
                Some(Err(error)) => return Ending::Failed(error.into()),
                Some(Ok(event)) => event,
            };
            if args.json {
                let line = serde_json::to_string(&event).unwrap_or_default();
                if let Err(error) = writeln!(stdout, "{line}").and_then(|()| stdout.flush()) {
                    return Ending::Failed(error.into());
                }
            }
            match event {
                ChatEvent::TextDelta { text } => {
                    first_token_ms.get_or_insert_with(|| started.elapsed().as_millis() as u64);
                    answer.push_str(&text);
                    if !args.json
                        && let Err(error) = stdout
                            .write_all(text.as_bytes())
                            .and_then(|()| stdout.flush())
                    {
                        return Ending::Failed(error.into());
                    }
                }
                ChatEvent::ToolCall { .. } => {}
                ChatEvent::Usage { usage: reported } => usage = reported,
                ChatEvent::Done { reason } => return Ending::Done(reason),
            }
        }
    });
    // Dropping the stream (above) cancelled the call; the runtime can go.
    drop(runtime);
    if !args.json && !answer.is_empty() && !answer.ends_with('\n') {
        let _ = writeln!(std::io::stdout());
    }

    let outcome = match &ending {
        Ending::Done(DoneReason::Length) => ModelCallOutcome::Length,
        Ending::Done(_) => ModelCallOutcome::Ok,
        Ending::Interrupted => ModelCallOutcome::Cancelled,
        Ending::Failed(_) => ModelCallOutcome::Error,
    };
    let error_text = match &ending {
        Ending::Failed(error) => Some(error.to_string()),
        _ => None,
    };
    let conversation = store.create_conversation(
        &one_line(&args.prompt, 80),
        app.repo_root().as_deref().and_then(|p| p.to_str()),
    )?;
    if let Some(system) = &args.system {
        store.append_message(
            &conversation.id,
            NewMessage {
                role: Some(Role::System),
                content: system.clone(),
                ..NewMessage::default()
            },
        )?;
    }
    store.append_message(
        &conversation.id,
        NewMessage {
            role: Some(Role::User),
            content: args.prompt.clone(),
            ..NewMessage::default()
        },
    )?;
    if !answer.is_empty() {
        store.append_message(
            &conversation.id,
            NewMessage {
                role: Some(Role::Assistant),
                content: answer.clone(),
                model: Some(selected.model.clone()),
                prompt_tokens: Some(u64::from(usage.prompt_tokens)),
                completion_tokens: Some(u64::from(usage.completion_tokens)),
                ..NewMessage::default()
            },
        )?;
    }
    store.record_model_call(&ModelCall {
        task_id: None,
        conversation_id: Some(conversation.id.clone()),
        agent_role: Some("ask".into()),
        backend: selected.backend_name.into(),
        model: selected.model.clone(),
        prompt_tokens: Some(u64::from(usage.prompt_tokens)),
        completion_tokens: Some(u64::from(usage.completion_tokens)),
        latency_ms: Some(started.elapsed().as_millis() as u64),
        first_token_ms,
        outcome,
        error: error_text,
    })?;

    match ending {
        Ending::Failed(error) => Err(explain_missing_model(app, &store, &selected, error)),
        Ending::Interrupted => {
            note("interrupted");
            Ok(Exit::Interrupted)
        }
        Ending::Done(reason) => {
            if !args.quiet && !args.json {
                let painter = app.stderr_painter(&resolved);
                let speed = usage
                    .decode_tokens_per_second()
                    .map(|s| format!(", {s:.1} tokens/s"))
                    .unwrap_or_default();
                let cut = if reason == DoneReason::Length {
                    " (stopped at the token limit)"
                } else {
                    ""
                };
                note(&painter.paint(
                    Tone::Dim,
                    &format!(
                        "{} via {} · {} prompt + {} answer tokens{speed}{cut}",
                        selected.model,
                        selected.backend_name,
                        usage.prompt_tokens,
                        usage.completion_tokens
                    ),
                ));
            }
            Ok(Exit::Ok)
        }
    }
}
