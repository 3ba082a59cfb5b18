//! `agent ask "prompt"`: one question to a bare chat of the session (no tools, no built-in
//! system prompt), the answer streamed to stdout, the exchange kept in history and the call
//! recorded in model_calls by the core; `--json` prints the session's events.

use std::io::Write;

use agent_core::ErrorClass;
use agent_core::protocol::{CacheOutcome, ChatSpec, Event, EventEnvelope, FinishReason, Op};
use agent_tui::Tone;
use anyhow::Result;

use crate::app::App;
use crate::backend::explain_missing_model;
use crate::cli::AskArgs;
use crate::exit::{Exit, UserError};
use crate::models::front_runtime;
use crate::output::note;
use crate::session::FlagModels;

/// The chat id of the question in this process's session.
const ASK_CHAT: &str = "ask";

/// What the answer's events said, for the summary and the exit code.
#[derive(Default)]
struct Outcome {
    reason: Option<FinishReason>,
    prompt_tokens: u32,
    completion_tokens: u32,
    /// Prompt tokens the backend did not compute again (a kept prefill, a cache).
    reused_prompt_tokens: u32,
    decode_tokens_per_second: Option<f64>,
    /// Answered from the answer cache.
    cached: bool,
    error: Option<(String, Option<String>, Option<ErrorClass>)>,
    interrupted: bool,
    /// The model that answered (`backend:model`), when a fallback took the question.
    fallback: Option<String>,
    /// Whether the answer's text ended with a newline.
    ends_with_newline: bool,
    printed: bool,
}

pub fn run(app: &App, args: AskArgs) -> Result<Exit> {
    let (resolved, store) = app.config_and_store()?;
    let models = FlagModels::new(app, &resolved, &args.backend);
    let target = models.select(None)?;
    let session = crate::session::start(app, &resolved, models.clone());
    let mut events = session.subscribe();
    session.submit(Op::OpenChat {
        chat_id: ASK_CHAT.into(),
        spec: ChatSpec {
            repo: app.repo_root().unwrap_or_else(|| app.cwd.clone()),
            resume: None,
            model: None,
            approval: None,
            bare: true,
            system: args.system.clone(),
            answers_approvals: false,
            no_cache: args.no_cache,
        },
    })?;
    session.submit(Op::UserTurn {
        chat_id: ASK_CHAT.into(),
        text: args.prompt.clone(),
    })?;

    let runtime = front_runtime()?;
    let outcome = runtime.block_on(async {
        let mut interrupts = crate::exit::Interrupts::listen();
        let mut outcome = Outcome::default();
        let mut stdout = std::io::stdout().lock();
        loop {
            let envelope = tokio::select! {
                envelope = events.recv() => envelope,
                () = interrupts.recv(), if !outcome.interrupted => {
                    outcome.interrupted = true;
                    let _ = session.submit(Op::Interrupt { chat_id: ASK_CHAT.into() });
                    continue;
                }
            };
            let Some(envelope) = envelope else { break };
            if envelope.chat_id.as_deref() != Some(ASK_CHAT) {
                continue;
            }
            if let Err(error) = show(&mut stdout, &envelope, args.json, &mut outcome) {
                // stdout went away (a closed pipe): stop the answer.
                let _ = session.submit(Op::Interrupt {
                    chat_id: ASK_CHAT.into(),
                });
                outcome.error = Some((error.to_string(), None, Some(ErrorClass::Failure)));
            }
            if matches!(envelope.event, Event::TurnEnd { .. }) {
                break;
            }
        }
        outcome
    });
    let _ = session.submit(Op::CloseChat {
        chat_id: ASK_CHAT.into(),
    });
    drop(runtime);
    if !args.json && outcome.printed && !outcome.ends_with_newline {
        let _ = writeln!(std::io::stdout());
    }

    if let Some((message, hint, class)) = outcome.error {
        let class = class.unwrap_or(ErrorClass::Failure);
        if class == ErrorClass::NotFound {
            let endpoint = models.endpoint(None).unwrap_or_default();
            return Err(explain_missing_model(
                app,
                &store,
                &target.backend_name,
                &endpoint,
                &target.model,
                message,
            )
            .into());
        }
        return Err(UserError {
            message,
            hint,
            exit: Exit::for_class(class),
        }
        .into());
    }
    if outcome.interrupted {
        note("interrupted");
        return Ok(Exit::Interrupted);
    }
    if !args.quiet && !args.json {
        let painter = app.stderr_painter(&resolved);
        let speed = outcome
            .decode_tokens_per_second
            .map(|s| format!(", {s:.1} tokens/s"))
            .unwrap_or_default();
        let cut = if outcome.reason == Some(FinishReason::Length) {
            " (stopped at the token limit)"
        } else {
            ""
        };
        let via = outcome
            .fallback
            .clone()
            .unwrap_or_else(|| format!("{} via {}", target.model, target.backend_name));
        let reused = match outcome.reused_prompt_tokens {
            0 => String::new(),
            reused => format!(" ({reused} reused)"),
        };
        let line = if outcome.cached {
            format!(
                "{via} · from the answer cache, no tokens spent (--no-cache asks the model){cut}"
            )
        } else {
            format!(
                "{via} · {} prompt{reused} + {} answer tokens{speed}{cut}",
                outcome.prompt_tokens, outcome.completion_tokens
            )
        };
        note(&painter.paint(Tone::Dim, &line));
    }
    Ok(Exit::Ok)
}

/// Prints one event (the answer's text, or the event as a JSON line) and notes what it says.
fn show(
    stdout: &mut impl Write,
    envelope: &EventEnvelope,
    json: bool,
    outcome: &mut Outcome,
) -> std::io::Result<()> {
    if json {
        let line = serde_json::to_string(envelope).unwrap_or_default();
        writeln!(stdout, "{line}")?;
        stdout.flush()?;
    }
    match &envelope.event {
        Event::ModelDelta { text, .. } if !json && !text.is_empty() => {
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
            outcome.printed = true;
            outcome.ends_with_newline = text.ends_with('\n');
        }
        Event::ModelEnd {
            reason,
            prompt_tokens,
            completion_tokens,
            decode_tokens_per_second,
            cache,
            reused_prompt_tokens,
            ..
        } => {
            outcome.cached = *cache == Some(CacheOutcome::Hit);
            outcome.reason = Some(*reason);
            outcome.prompt_tokens = *prompt_tokens;
            outcome.completion_tokens = *completion_tokens;
            outcome.reused_prompt_tokens = *reused_prompt_tokens;
            outcome.decode_tokens_per_second = *decode_tokens_per_second;
        }
        Event::Error {
            message,
            hint,
            class,
        } => outcome.error = Some((message.clone(), hint.clone(), *class)),
        // A budget stopped the question before it was sent: one line, exit 1.
        Event::LimitReached { limit, detail, .. } => {
            outcome.error = Some((
                detail.clone(),
                agent_core::budget::hint(*limit).map(str::to_string),
                Some(ErrorClass::Failure),
            ));
        }
        Event::FallbackUsed { to, detail, .. } => {
            crate::output::note(&format!("fallback: {detail}; asking {to} instead"));
            outcome.fallback = Some(to.clone());
        }
        _ => {}
    }
    Ok(())
}
