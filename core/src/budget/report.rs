//! What has been used today and this month, and what is left of each budget: `agent budget`,
//! `/v1/dashboard` and the chat's status line.

use serde::Serialize;

use crate::config::{Config, price_key};
use crate::error::Result;
use crate::store::Store;
use crate::time::{Millis, format_rfc3339};

use super::money::format_usd;
use super::period::{day_start, month_start, next_day_start, next_month_start};

/// Today's tokens and the daily budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayUsage {
    /// RFC 3339: the start of the day (UTC).
    pub since: String,
    pub resets_at: String,
    pub calls: u64,
    pub tokens: u64,
    /// `budget.daily_tokens`; `None`: no budget.
    pub limit: Option<u64>,
    pub left: Option<u64>,
}

/// One model's share of the month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelCost {
    pub backend: String,
    pub model: String,
    pub calls: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub cost_usd: f64,
    /// Whether `[prices]` has the model; an unpriced model counts as free.
    pub priced: bool,
}

/// This month's tokens and cost, and the monthly budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthUsage {
    pub since: String,
    pub resets_at: String,
    pub calls: u64,
    pub tokens: u64,
    pub cost_usd: f64,
    /// `budget.monthly_cost`; `None`: no budget.
    pub limit_usd: Option<f64>,
    pub left_usd: Option<f64>,
    pub models: Vec<ModelCost>,
    #[serde(skip)]
    cost_micros: u64,
    #[serde(skip)]
    left_micros: Option<u64>,
}

/// Usage and what is left of every budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetReport {
    pub today: DayUsage,
    pub month: MonthUsage,
    /// `budget.task_tokens`; `None`: no budget.
    pub task_tokens: Option<u64>,
}

/// The report at `now` under `config`'s budgets and prices.
pub fn report(store: &Store, config: &Config, now: Millis) -> Result<BudgetReport> {
    let budget = &config.budget;
    let day = store.usage_by_model_since(day_start(now))?;
    let month = store.usage_by_model_since(month_start(now))?;
    let day_calls = day.iter().map(|r| r.calls).sum();
    let day_tokens: u64 = day
        .iter()
        .map(|r| r.prompt_tokens + r.completion_tokens)
        .sum();
    let daily = (budget.daily_tokens > 0).then_some(budget.daily_tokens);
    let models: Vec<(ModelCost, u64)> = month
        .into_iter()
        .map(|row| {
            let price = config.prices.get(&price_key(&row.backend, &row.model));
            let micros = price.map_or(0, |p| {
                p.cost_micros(row.prompt_tokens, row.completion_tokens)
            });
            (
                ModelCost {
                    priced: price.is_some(),
                    cost_usd: micros as f64 / 1e6,
                    backend: row.backend,
                    model: row.model,
                    calls: row.calls,
                    prompt_tokens: row.prompt_tokens,
                    completion_tokens: row.completion_tokens,
                },
                micros,
            )
        })
        .collect();
    let cost_micros = models
        .iter()
        .map(|(_, m)| *m)
        .fold(0u64, u64::saturating_add);
    let limit_micros = budget.monthly_cost.micros;
    let left_micros = (limit_micros > 0).then(|| limit_micros.saturating_sub(cost_micros));
    Ok(BudgetReport {
        today: DayUsage {
            since: format_rfc3339(day_start(now)),
            resets_at: format_rfc3339(next_day_start(now)),
            calls: day_calls,
            tokens: day_tokens,
            limit: daily,
            left: daily.map(|limit| limit.saturating_sub(day_tokens)),
        },
        month: MonthUsage {
            since: format_rfc3339(month_start(now)),
            resets_at: format_rfc3339(next_month_start(now)),
            calls: models.iter().map(|(m, _)| m.calls).sum(),
            tokens: models
                .iter()
                .map(|(m, _)| m.prompt_tokens + m.completion_tokens)
                .sum(),
            cost_usd: cost_micros as f64 / 1e6,
            limit_usd: (limit_micros > 0).then(|| budget.monthly_cost.as_f64()),
            left_usd: left_micros.map(|m| m as f64 / 1e6),
            models: models.into_iter().map(|(m, _)| m).collect(),
            cost_micros,
            left_micros,
        },
        task_tokens: (budget.task_tokens > 0).then_some(budget.task_tokens),
    })
}

impl MonthUsage {
    /// This month's cost, as `$4.98`.
    pub fn cost_text(&self) -> String {
        format_usd(self.cost_micros)
    }

    /// What is left of the monthly budget, as `$0.02`, when there is one.
    pub fn left_text(&self) -> Option<String> {
        self.left_micros.map(format_usd)
    }

    /// Cloud models used this month that have no price (counted as free).
    pub fn unpriced(&self) -> Vec<String> {
        self.models
            .iter()
            .filter(|m| !m.priced && m.backend == "openai")
            .map(|m| price_key(&m.backend, &m.model))
            .collect()
    }
}

impl BudgetReport {
    /// What is left, in a few words for a status line: `8.2k tokens left today · $4.02 left this
    /// month`; `None` when no budget is set.
    pub fn left_summary(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(left) = self.today.left {
            parts.push(format!("{} tokens left today", compact(left)));
        }
        if let Some(left) = self.month.left_text() {
            parts.push(format!("{left} left this month"));
        }
        (!parts.is_empty()).then(|| parts.join(" · "))
    }
}

/// `950`, `8.2k`, `1.3M`.
fn compact(tokens: u64) -> String {
    match tokens {
        0..1_000 => tokens.to_string(),
        1_000..1_000_000 => format!("{:.1}k", tokens as f64 / 1e3),
        _ => format!("{:.1}M", tokens as f64 / 1e6),
    }
}
