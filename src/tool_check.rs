//! The tool-calling check of a model before its first task: found once per model (backend and
//! name) with one tiny request ([`agent_models::tool_format::check_tools`]), kept in the store,
//! recorded as a model call (role `tool_check`). A model that calls tools only as text is then
//! driven in the prompt-level format ([`PromptTools`]); one that cannot call tools is refused for
//! tasks (chat and ask still work with it).

use std::sync::Arc;
use std::time::{Duration, Instant};

use agent_core::store::{ModelCall, ModelCallOutcome, Store};
use agent_core::task::ModelTarget;
use agent_models::tool_format::{PromptTools, ToolCheck, ToolFormat, check_tools};
use anyhow::Result;

use crate::exit::UserError;
use crate::models::block_on_thread;

/// How long the check may take: a model may have to be loaded first (Ollama, in-process).
const CHECK_TIMEOUT: Duration = Duration::from_secs(180);

/// The stored format of `target`'s model, if it was checked.
pub fn stored(store: &Store, target: &ModelTarget) -> Result<Option<(ToolFormat, String)>> {
    Ok(store
        .tool_check(&target.backend_name, &target.model)?
        .and_then(|record| Some((ToolFormat::from_name(&record.format)?, record.detail))))
}

/// Checks how `target` calls tools, keeps the result in `store` and records the call. `say`
/// gets the lines to show the user. `None` when the check could not run (the server is down,
/// it took too long): nothing is kept, the task runs as the backend is, and the next task checks
/// again.
pub fn check(
    store: &Store,
    target: &ModelTarget,
    say: &dyn Fn(&str),
) -> Result<Option<ToolFormat>> {
    say(&format!(
        "checking how {} calls tools (once per model)…",
        target.model
    ));
    let started = Instant::now();
    let backend = target.backend.clone();
    let model = target.model.clone();
    let context = target.context_length;
    let outcome = block_on_thread(async move {
        tokio::time::timeout(
            CHECK_TIMEOUT,
            check_tools(backend.as_ref(), &model, context),
        )
        .await
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
        });
    };
    let check = match outcome {
        Ok(Ok(check)) => check,
        Ok(Err(error)) => {
            record(None, Some(error.to_string()));
            say(&format!(
                "the tool-calling check of {} could not run ({error}); it runs again before the next task",
                target.model
            ));
            return Ok(None);
        }
        Err(_) => {
            record(None, Some("timed out".into()));
            say(&format!(
                "the tool-calling check of {} did not finish within {} s; it runs again before the next task",
                target.model,
                CHECK_TIMEOUT.as_secs()
            ));
            return Ok(None);
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
    Ok(Some(check.format))
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
