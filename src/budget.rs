//! `agent budget`: today's and this month's model usage and what is left of each budget (the
//! same report as `GET /v1/dashboard`'s `budget`), and the few words the chat's status line shows.

use agent_core::budget::{BudgetReport, report};
use agent_core::config::ResolvedConfig;
use agent_core::time::now_ms;
use agent_tui::Tone;
use anyhow::Result;

use crate::app::App;
use crate::exit::Exit;
use crate::output::{print, print_json};

pub fn run(app: &App, json: bool) -> Result<Exit> {
    let (resolved, store) = app.config_and_store()?;
    let report = report(&store, &resolved.config, now_ms())?;
    if json {
        print_json(&report)?;
        return Ok(Exit::Ok);
    }
    let painter = app.stdout_painter(&resolved);
    print(&render(&report, &|tone, text| painter.paint(tone, text)))?;
    Ok(Exit::Ok)
}

/// The report as text.
fn render(report: &BudgetReport, paint: &dyn Fn(Tone, &str) -> String) -> String {
    // What is left, red once nothing is.
    let left = |left: Option<(String, bool)>| match left {
        Some((text, true)) => paint(Tone::Bad, &format!("{text} left")),
        Some((text, false)) => paint(Tone::Good, &format!("{text} left")),
        None => paint(Tone::Dim, "no budget"),
    };
    let today = &report.today;
    let month = &report.month;
    let mut out = format!(
        "today       {} tokens in {} call(s){}  {}\n",
        today.tokens,
        today.calls,
        today
            .limit
            .map(|limit| format!(" of {limit}"))
            .unwrap_or_default(),
        left(today.left.map(|n| (format!("{n} tokens"), n == 0))),
    );
    out.push_str(&format!(
        "this month  {} tokens in {} call(s), {}{}  {}\n",
        month.tokens,
        month.calls,
        month.cost_text(),
        month
            .limit_usd
            .map(|limit| format!(" of ${limit:.2}"))
            .unwrap_or_default(),
        left(
            month
                .left_text()
                .map(|text| (text, month.left_usd == Some(0.0)))
        ),
    ));
    out.push_str(&format!(
        "per task    {}\n",
        report
            .task_tokens
            .map_or_else(|| paint(Tone::Dim, "no budget"), |n| format!("{n} tokens")),
    ));
    if !month.models.is_empty() {
        out.push_str("\nThis month by model\n");
    }
    for model in &month.models {
        let cost = if model.priced {
            format!("${:.4}", model.cost_usd)
        } else {
            paint(Tone::Dim, "no price")
        };
        out.push_str(&format!(
            "  {}:{}  {} call(s), {} prompt + {} completion tokens, {cost}\n",
            model.backend, model.model, model.calls, model.prompt_tokens, model.completion_tokens
        ));
    }
    let unpriced = month.unpriced();
    if !unpriced.is_empty() {
        out.push_str(&format!(
            "\nnote: {} has no price and counts as free; add [prices.\"{}\"] with input_per_mtok and output_per_mtok to your config\n",
            unpriced.join(", "),
            unpriced[0]
        ));
    }
    out.push_str(&paint(
        Tone::Dim,
        &format!(
            "days and months are UTC; today resets at {}\n",
            today.resets_at
        ),
    ));
    out
}

/// What is left of the budgets in a few words (the chat's status line); `None` when no budget is
/// set or the store cannot be read.
pub fn left_summary(app: &App, resolved: &ResolvedConfig) -> Option<String> {
    let budget = &resolved.config.budget;
    if budget.daily_tokens == 0 && budget.monthly_cost.is_zero() {
        return None;
    }
    let store = app.open_store(resolved).ok()?;
    report(&store, &resolved.config, now_ms())
        .ok()?
        .left_summary()
}
