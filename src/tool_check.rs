//! The tool-calling check of a model before its first task: found once per model (backend and
//! name) with one tiny request ([`agent_models::tool_format::check_tools`]), kept in the store,
//! recorded as a model call (role `tool_check`). A model that calls tools only as text is then
//! driven in the prompt-level format ([`PromptTools`]); one that cannot call tools is refused for
//! tasks (chat and ask still work with it). A check that fails is not sent again by the same
//! process; one that times out is not sent again for a day ([`RETRY_AFTER`]), so a task waits
//! for at most one check.

use std::sync::Arc;
use std::time::{Duration, Instant};

use agent_core::store::{ModelCall, ModelCallOutcome, Store, TOOL_CHECK_TIMED_OUT};
use agent_core::task::ModelTarget;
use agent_models::tool_format::{PromptTools, ToolCheck, ToolFormat, check_tools};
use anyhow::Result;

use crate::exit::UserError;
use crate::models::block_on_thread;

/// How long after a check timed out the model is checked again (`agent models use` sooner).
pub const RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// What is known of how a model calls tools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Known {
    /// Its check found `format` (the detail says what the model did).
    Checked(ToolFormat, String),
    /// Its check did not finish (why): tasks use the model as its backend drives it.
    Failed(String),
}

/// What the store knows of `target`'s model: its check, or a check that timed out within
/// [`RETRY_AFTER`].
pub fn stored(store: &Store, target: &ModelTarget) -> Result<Option<Known>> {
    if let Some(record) = store.tool_check(&target.backend_name, &target.model)?
        && let Some(format) = ToolFormat::from_name(&record.format)
    {
        return Ok(Some(Known::Checked(format, record.detail)));
    }
    let since = agent_core::time::now_ms().saturating_sub(RETRY_AFTER.as_millis() as i64);
    Ok(store
        .tool_check_timed_out_since(&target.backend_name, &target.model, since)?
        .map(|at| {
            Known::Failed(format!(
                "its tool-calling check timed out at {} UTC",
                agent_core::time::format_short(at)
            ))
        }))
}

/// Checks how `target` calls tools (waiting at most `timeout`), keeps the result in `store` and
/// records the call. `say` gets the lines to show the user. [`Known::Failed`] when the check
/// could not run (the server is down, a budget is spent) or took too long: the task runs as the
/// backend is; a timeout is kept (its `model_calls` row), so the next tasks within
/// [`RETRY_AFTER`] do not wait for it again.
pub fn check(
    store: &Store,
    target: &ModelTarget,
    timeout: Duration,
    say: &dyn Fn(&str),
) -> Result<Known> {
    say(&format!(
        "checking how {} calls tools (once per model)…",
        target.model
    ));
    let started = Instant::now();
    let backend = target.backend.clone();
    let model = target.model.clone();
    let context = target.context_length;
    let outcome = block_on_thread(async move {
        tokio::time::timeout(timeout, check_tools(backend.as_ref(), &model, context)).await
    })?;
    let latency_ms = Some(started.elapsed().as_millis() as u64);
    let record = |check: Option<&ToolCheck>, error: Option<String>| {
        let _ = store.record_model_call(&ModelCall {
            task_id: None,
            conversation_id: None,
            agent_role: Some("tool_check".into()),
            backend: target.backend_name.clone(),
            model: target.model.clone(),
            prompt_tokens: check.map(|c| u64::from(c.usage.prompt_tokens)),
            completion_tokens: check.map(|c| u64::from(c.usage.completion_tokens)),
            latency_ms,
            first_token_ms: None,
            outcome: if error.is_some() {
                ModelCallOutcome::Error
            } else {
                ModelCallOutcome::Ok
            },
            error,
            cache: None,
            reused_prompt_tokens: None,
        });
    };
    let check = match outcome {
        Ok(Ok(check)) => check,
        Ok(Err(error)) if agent_core::budget::refusal(&error).is_some() => {
            // Nothing was sent: the task's first request stops at the same budget.
            say(&format!(
                "the tool-calling check of {} was not sent: {error}",
                target.model
            ));
            return Ok(Known::Failed(error.to_string()));
        }
        Ok(Err(error)) => {
            record(None, Some(error.to_string()));
            say(&format!(
                "the tool-calling check of {} could not run ({error}); it runs again before the next task",
                target.model
            ));
            return Ok(Known::Failed(error.to_string()));
        }
        Err(_) => {
            record(None, Some(TOOL_CHECK_TIMED_OUT.into()));
            say(&format!(
                "the tool-calling check of {} did not finish within {} s; tasks use the model as it is, and it is checked again after {} h (or after `agent models use`; model.tool_check_timeout sets the wait)",
                target.model,
                timeout.as_secs(),
                RETRY_AFTER.as_secs() / 3600
            ));
            return Ok(Known::Failed(format!(
                "its tool-calling check did not finish within {} s",
                timeout.as_secs()
            )));
        }
    };
    record(Some(&check), None);
    store.record_tool_check(
        &target.backend_name,
        &target.model,
        check.format.as_str(),
        &check.detail,
    )?;
    say(&format!(
        "{}: {} ({})",
        target.model,
        check.detail,
        match check.format {
            ToolFormat::Native => "native tool calls",
            ToolFormat::Prompt => "driven in the prompt-level format",
            ToolFormat::None => "it cannot run tasks",
        }
    ));
    Ok(Known::Checked(check.format, check.detail))
}

/// `target` as it runs with `format`: driven in the prompt-level format when that is what works
/// and the backend does not do it itself (the in-process backend reads calls from text always).
pub fn apply(target: ModelTarget, format: ToolFormat) -> ModelTarget {
    if format == ToolFormat::Prompt && target.backend_name != "local" {
        return ModelTarget {
            backend: Arc::new(PromptTools::new(target.backend.clone())),
            ..target
        };
    }
    target
}

/// The error of a model whose check found no way to call tools.
pub fn refusal(model: &str, detail: &str) -> anyhow::Error {
    UserError::usage(
        format!("{model} cannot call tools, so it cannot run tasks ({detail})"),
        "chat and ask still work with it; for tasks choose another model: agent models use NAME (`agent models recommend` suggests one; choosing a model again checks it again)",
    )
    .into()
}
