//! The check before a model request: would it cross a budget? The prompt's estimated tokens
//! count (the completion cannot be known before it is written), so the last request of a
//! budget may end a little over it, never start over it.

use crate::config::{BudgetConfig, Price, Prices, price_key};
use crate::error::Result;
use crate::protocol::LimitKind;
use crate::store::Store;
use crate::time::{Millis, format_short};
use crate::turn::LimitHit;

use super::money::format_usd;
use super::period::{day_start, month_start, next_day_start, next_month_start};

/// The request about to be sent.
#[derive(Debug, Clone, Copy)]
pub struct PendingRequest<'a> {
    /// `ollama`, `openai` or `local`.
    pub backend: &'a str,
    pub model: &'a str,
    /// Tokens the task (or chat session) has used so far.
    pub session_tokens: u64,
    /// The prompt's estimated tokens.
    pub estimated_prompt_tokens: u64,
}

/// The first budget `request` would cross, if any, with a one-line explanation. Reads today's and
/// this month's usage from `store` only for the budgets that are set.
pub fn check_request(
    store: &Store,
    budget: &BudgetConfig,
    prices: &Prices,
    request: &PendingRequest<'_>,
    now: Millis,
) -> Result<Option<LimitHit>> {
    let needs = request.estimated_prompt_tokens;
    if budget.task_tokens > 0 && crosses(request.session_tokens, needs, budget.task_tokens) {
        return Ok(Some(LimitHit {
            kind: LimitKind::TaskTokens,
            value: budget.task_tokens,
            used: Some(request.session_tokens),
            detail: format!(
                "budget reached: this task (or chat) used {} of its {} tokens (budget.task_tokens) and the next request needs about {needs} more",
                request.session_tokens, budget.task_tokens
            ),
        }));
    }
    if budget.daily_tokens > 0 {
        let used = store.usage_since(day_start(now))?;
        let used = used.prompt_tokens + used.completion_tokens;
        if crosses(used, needs, budget.daily_tokens) {
            return Ok(Some(LimitHit {
                kind: LimitKind::DailyTokens,
                value: budget.daily_tokens,
                used: Some(used),
                detail: format!(
                    "budget reached: {used} of {} tokens used today (budget.daily_tokens) and the next request needs about {needs} more; it resets at {} UTC",
                    budget.daily_tokens,
                    format_short(next_day_start(now))
                ),
            }));
        }
    }
    let limit = budget.monthly_cost.micros;
    let price = prices
        .get(&price_key(request.backend, request.model))
        .copied()
        .unwrap_or_default();
    if limit > 0 && !price.is_free() {
        let spent = month_cost(store, prices, now)?;
        let next = price.cost_micros(needs, 0);
        if crosses(spent, next, limit) {
            return Ok(Some(LimitHit {
                kind: LimitKind::MonthlyCost,
                value: limit,
                used: Some(spent),
                detail: format!(
                    "budget reached: {} of {} spent this month (budget.monthly_cost) and the next request to {}:{} costs about {} more; it resets at {} UTC",
                    format_usd(spent),
                    format_usd(limit),
                    request.backend,
                    request.model,
                    format_usd(next),
                    format_short(next_month_start(now))
                ),
            }));
        }
    }
    Ok(None)
}

/// Whether `used` plus `next` passes `limit` (or `used` has reached it already).
fn crosses(used: u64, next: u64, limit: u64) -> bool {
    used >= limit || used.saturating_add(next) > limit
}

/// What this month's calls cost at `prices`, in micro-dollars.
pub(crate) fn month_cost(store: &Store, prices: &Prices, now: Millis) -> Result<u64> {
    Ok(store
        .usage_by_model_since(month_start(now))?
        .iter()
        .map(|row| {
            prices
                .get(&price_key(&row.backend, &row.model))
                .map_or(0, |price: &Price| {
                    price.cost_micros(row.prompt_tokens, row.completion_tokens)
                })
        })
        .fold(0u64, u64::saturating_add))
}
