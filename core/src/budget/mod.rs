//! Budgets on model calls, checked before every request in every mode (tasks, chats, `ask`,
//! `agent serve`, `agent pr review`, the tool-calling check; [`BudgetGuard`] wraps every model
//! the binary sets up): tokens of one task or chat session (`budget.task_tokens`), tokens of all calls
//! per UTC day (`budget.daily_tokens`) and what a UTC month's calls cost (`budget.monthly_cost`,
//! at `[prices."backend:model"]`). Usage is read from the store's `model_calls`, so every
//! process and every front counts against the same budget.

mod check;
mod guard;
mod money;
mod period;
mod report;

pub use check::{PendingRequest, check_request};
pub use guard::{BudgetGuard, BudgetRefusal, refusal};
pub use money::format_usd;
pub use period::{day_start, month_start, next_day_start, next_month_start};
pub use report::{BudgetReport, DayUsage, ModelCost, MonthUsage, report};

#[cfg(test)]
mod tests;

/// What the user can do about a budget that stopped a turn; `None` for limits that are not
/// budgets.
pub fn hint(kind: crate::protocol::LimitKind) -> Option<&'static str> {
    use crate::protocol::LimitKind;
    match kind {
        LimitKind::TaskTokens => Some(
            "see `agent budget`; raise it with: agent config set budget.task_tokens N (0 is no budget)",
        ),
        LimitKind::DailyTokens => Some(
            "see `agent budget`; wait until the day ends (UTC) or raise it: agent config set budget.daily_tokens N",
        ),
        LimitKind::MonthlyCost => Some(
            "see `agent budget`; wait until the month ends (UTC) or raise it: agent config set budget.monthly_cost DOLLARS",
        ),
        _ => None,
    }
}
