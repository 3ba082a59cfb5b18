//! Cloud fallback (`fallback.backend` / `fallback.model`): when the configured model's server is
//! down, when it decodes slower than `fallback.min_tokens_per_second` over a turn, or when the
//! prompt does not fit its context, the turn goes to the fallback model instead, within the
//! budgets, and a `fallback_used` event says so. This module decides; `task::gate` wires the
//! decision into the one model-request path.

use std::time::Duration;

use agent_models::{ChatRequest, ModelError, fits_context};

use crate::protocol::FallbackReason;
use crate::task::ModelTarget;

/// The fallback model and when a turn goes to it.
#[derive(Clone)]
pub struct Fallback {
    pub target: ModelTarget,
    /// Decode speed (tokens/s) under which later turns go to the fallback; 0 never.
    pub min_tokens_per_second: u32,
}

/// Replies shorter than this say too little about decode speed to switch models over.
pub const MIN_TOKENS_MEASURED: u64 = 8;

/// `backend:model`, as events name a model.
pub fn model_name(target: &ModelTarget) -> String {
    format!("{}:{}", target.backend_name, target.model)
}

/// Why `request` should not go to `target`: it does not fit its context window (by the rough
/// estimate), if `target` has a known one.
pub fn context_misfit(request: &ChatRequest, target: &ModelTarget) -> Option<String> {
    let context = target.context_length?;
    fits_context(request, context)
        .err()
        .map(|error| format!("{} cannot take the prompt: {error}", model_name(target)))
}

/// Whether a request that failed before anything came back should go to the fallback: the
/// server could not be reached, or the backend found the prompt too long for its context.
pub fn failure_reason(error: &ModelError) -> Option<FallbackReason> {
    match error {
        ModelError::Unreachable { .. } => Some(FallbackReason::Unreachable),
        ModelError::ContextOverflow { .. } => Some(FallbackReason::Context),
        _ => None,
    }
}

/// The decode speed of a finished request, when it is under `min` tokens/s: the backend's own
/// measure when it gives one, else completion tokens over the time after the first token.
pub fn too_slow(
    min: u32,
    completion_tokens: u64,
    backend_speed: Option<f64>,
    duration: Duration,
    first_token: Option<Duration>,
) -> Option<f64> {
    if min == 0 || completion_tokens < MIN_TOKENS_MEASURED {
        return None;
    }
    let speed = backend_speed.or_else(|| {
        let decoding = duration.saturating_sub(first_token.unwrap_or_default());
        let seconds = decoding.as_secs_f64();
        (seconds > 0.0).then(|| completion_tokens as f64 / seconds)
    })?;
    (speed < f64::from(min)).then_some(speed)
}

#[cfg(test)]
mod tests;
