//! What stands between a turn and its model request: the budgets ([`crate::budget`]) and the
//! fallback ([`crate::fallback`]). Every host of the turn loop (a task, a chat, `ask`) keeps one
//! [`ModelGate`]; `driver::request_model` asks it where each request goes, or whether it goes
//! at all. The task budget is the gate's own (only the turn loop knows what its task used); the
//! day's and the month's are the model's [`crate::budget::BudgetGuard`]'s, asked here before
//! the request is announced.

use std::time::Duration;

use agent_models::{ChatRequest, ModelError, estimate_prompt_tokens};

use super::context::ModelTarget;
use super::driver::TurnHost;
use crate::budget::{PendingRequest, check_request, refusal};
use crate::config::{BudgetConfig, Config, Prices};
use crate::error::Result;
use crate::fallback::{self, Fallback, model_name};
use crate::protocol::{Event, FallbackReason};
use crate::time::now_ms;
use crate::turn::LimitHit;

/// The budgets and the fallback of one task or chat session, and whether its turns go to the
/// fallback now.
#[derive(Clone, Default)]
pub struct ModelGate {
    budget: BudgetConfig,
    prices: Prices,
    fallback: Option<Fallback>,
    /// Why turns go to the fallback (said once, in a `fallback_used` event); from then on the
    /// session stays on it.
    engaged: Option<FallbackReason>,
    /// A reason seen after a request (a slow turn, a server that was down), acted on by the next
    /// request.
    pending: Option<(FallbackReason, String)>,
}

impl ModelGate {
    /// The gate of `config`'s budgets and prices, with `fallback` (resolved by the front from
    /// `fallback.*`; `None`: no fallback).
    pub fn new(config: &Config, fallback: Option<ModelTarget>) -> Self {
        Self {
            // The day's and the month's budgets are checked by the model's guard.
            budget: BudgetConfig {
                task_tokens: config.budget.task_tokens,
                ..BudgetConfig::default()
            },
            prices: config.prices.clone(),
            fallback: fallback.map(|target| Fallback {
                target,
                min_tokens_per_second: config.fallback.min_tokens_per_second,
            }),
            engaged: None,
            pending: None,
        }
    }

    /// Whether a fallback is configured and not in use yet.
    pub fn has_fallback(&self) -> bool {
        self.can_fall_back()
    }

    /// Whether a failed request may be sent again to the fallback.
    fn can_fall_back(&self) -> bool {
        self.fallback.is_some() && self.engaged.is_none()
    }
}

/// Where the request goes: `target`, or the fallback (after a `fallback_used` event), with
/// `request` rewritten for it; or the budget it would cross.
pub(crate) fn before_request<H: TurnHost>(
    ctx: &mut H,
    target: &ModelTarget,
    request: &mut ChatRequest,
) -> Result<std::result::Result<ModelTarget, LimitHit>> {
    let gate = ctx.gate();
    let mut chosen = target.clone();
    let mut switch = None;
    if let Some(fallback) = &gate.fallback {
        if gate.engaged.is_some() {
            chosen = fallback.target.clone();
        } else if let Some(pending) = gate.pending.take() {
            switch = Some(pending);
        } else if let Some(detail) = fallback::context_misfit(request, target) {
            switch = Some((FallbackReason::Context, detail));
        }
        if switch.is_some() {
            chosen = fallback.target.clone();
        }
    }
    let (budget, prices) = (gate.budget, gate.prices.clone());
    retarget(request, &chosen);
    let pending = PendingRequest {
        backend: &chosen.backend_name,
        model: &chosen.model,
        session_tokens: ctx.ledger().used.tokens(),
        estimated_prompt_tokens: u64::from(estimate_prompt_tokens(request)),
    };
    let mut hit = check_request(ctx.store(), &budget, &prices, &pending, now_ms())?;
    if hit.is_none() {
        // A refusal that is not a budget's (the guard cannot read the store) comes back from
        // the request itself, as its error.
        hit = chosen
            .backend
            .admit(request)
            .err()
            .and_then(|error| refusal(&error).cloned());
    }
    if let Some(mut hit) = hit {
        if let Some((_, why)) = &switch {
            hit.detail = format!(
                "{why}; the fallback {} is not used: {}",
                model_name(&chosen),
                hit.detail
            );
        }
        return Ok(Err(hit));
    }
    if let Some((reason, detail)) = switch {
        ctx.gate().engaged = Some(reason);
        ctx.emit(Event::FallbackUsed {
            reason,
            from: model_name(target),
            to: model_name(&chosen),
            detail,
        })?;
    }
    Ok(Ok(chosen))
}

/// Whether a request to `target` that failed with `error` before anything came back goes to the
/// fallback; if so, the next request is sent there (its `fallback_used` event says why).
pub(crate) fn after_failure<H: TurnHost>(
    ctx: &mut H,
    target: &ModelTarget,
    error: &ModelError,
) -> bool {
    let gate = ctx.gate();
    let Some(reason) = fallback::failure_reason(error).filter(|_| gate.can_fall_back()) else {
        return false;
    };
    gate.pending = Some((
        reason,
        format!(
            "{}: {}",
            model_name(target),
            crate::text::error_chain(error)
        ),
    ));
    true
}

/// Notes a finished request's speed: under `fallback.min_tokens_per_second`, the next turns go
/// to the fallback.
pub(crate) fn after_success<H: TurnHost>(
    ctx: &mut H,
    target: &ModelTarget,
    completion_tokens: u64,
    backend_speed: Option<f64>,
    duration: Duration,
    first_token: Option<Duration>,
) {
    let gate = ctx.gate();
    let Some(min) = gate
        .fallback
        .as_ref()
        .filter(|_| gate.can_fall_back())
        .map(|f| f.min_tokens_per_second)
    else {
        return;
    };
    if let Some(speed) =
        fallback::too_slow(min, completion_tokens, backend_speed, duration, first_token)
    {
        gate.pending = Some((
            FallbackReason::Slow,
            format!(
                "{} decoded {speed:.1} tokens/s, under fallback.min_tokens_per_second = {min}",
                model_name(target)
            ),
        ));
    }
}

/// `request` as `target` takes it: its model, sampling options and context. The request's
/// `max_tokens` (a task role's per-turn cap) still bounds the new target's.
fn retarget(request: &mut ChatRequest, target: &ModelTarget) {
    let cap = request.options.max_tokens;
    request.model = target.model.clone();
    request.options = target.options.clone();
    if let Some(cap) = cap {
        request.options.max_tokens =
            Some(request.options.max_tokens.map_or(cap, |own| own.min(cap)));
    }
    request.context_length = target.context_length;
}
