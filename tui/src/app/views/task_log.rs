//! A task's event log as coloured lines, worded like `agent task logs` (model text deltas
//! joined into paragraphs).

use agent_core::protocol::{Event, EventEnvelope};
use ratatui::style::{Color, Style};

use super::dashboard::status_style;
use crate::app::wrap::sanitize;

/// A task's events as `agent task logs` lines (model text deltas joined).
pub(crate) fn log_lines(events: &[EventEnvelope]) -> Vec<(Style, String)> {
    let mut out: Vec<(Style, String)> = Vec::new();
    let mut model_text: Option<String> = None;
    let flush = |text: &mut Option<String>, out: &mut Vec<(Style, String)>| {
        if let Some(text) = text.take() {
            for line in sanitize(&text).trim_end().lines() {
                out.push((Style::new().fg(Color::Magenta), format!("  {line}")));
            }
        }
    };
    for envelope in events {
        if let Event::ModelDelta { text, .. } = &envelope.event {
            model_text.get_or_insert_with(String::new).push_str(text);
            continue;
        }
        flush(&mut model_text, &mut out);
        let time = agent_core::time::format_rfc3339(envelope.at);
        if let Some((style, text)) = event_text(&envelope.event) {
            for (i, line) in sanitize(&text).lines().enumerate() {
                if i == 0 {
                    out.push((style, format!("{time} {line}")));
                } else {
                    out.push((style, format!("    {line}")));
                }
            }
        }
    }
    flush(&mut model_text, &mut out);
    out
}

fn event_text(event: &Event) -> Option<(Style, String)> {
    let plain = Style::new();
    let good_or_bad = |ok: bool| {
        if ok {
            Style::new().fg(Color::Green)
        } else {
            Style::new().fg(Color::Red)
        }
    };
    let text = match event {
        Event::TaskCreated {
            title,
            model,
            backend,
            ..
        } => (
            plain,
            format!("task created: {title} (model {model} on {backend})"),
        ),
        Event::TaskStatus(change) => (
            status_style(change.to.as_str()),
            format!(
                "status {} → {}{}",
                change.from,
                change.to,
                change
                    .reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            ),
        ),
        Event::StrategySelected { reason, .. } => (plain, format!("strategy: {reason}")),
        Event::PlanReady { plan } => (
            plain,
            format!("plan: {} step(s)\n{}", plan.steps.len(), plan.render()),
        ),
        Event::ReviewVerdict {
            round,
            approved,
            comments,
        } => (
            good_or_bad(*approved),
            format!(
                "review round {round}: {}\n{comments}",
                if *approved {
                    "approved"
                } else {
                    "changes requested"
                }
            ),
        ),
        Event::WorkspaceReady {
            branch, worktree, ..
        } => (plain, format!("worktree {worktree} on {branch}")),
        Event::StepBegin {
            step, role, detail, ..
        } => (
            Style::new().fg(Color::Cyan),
            format!(
                "step {} begins{}{}",
                format!("{step:?}").to_lowercase(),
                role.as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default(),
                if detail.is_empty() {
                    String::new()
                } else {
                    format!(": {detail}")
                }
            ),
        ),
        Event::StepEnd { ok, detail, .. } => (
            good_or_bad(*ok),
            format!(
                "step ends {}{}",
                if *ok { "ok" } else { "failed" },
                if detail.is_empty() {
                    String::new()
                } else {
                    format!(": {detail}")
                }
            ),
        ),
        Event::ModelBegin {
            role,
            model,
            turn,
            estimated_prompt_tokens,
            ..
        } => (
            plain,
            format!("{role} turn {turn} → {model} (~{estimated_prompt_tokens} prompt tokens)"),
        ),
        Event::ModelDelta { .. } => return None,
        Event::ModelEnd {
            reason,
            prompt_tokens,
            completion_tokens,
            duration_ms,
            ..
        } => (
            Style::new().fg(Color::DarkGray),
            format!(
                "model done: {reason}, {prompt_tokens}+{completion_tokens} tokens, {:.1} s",
                *duration_ms as f64 / 1000.0
            ),
        ),
        Event::ToolCallBegin {
            name, arguments, ..
        } => (
            Style::new().fg(Color::Blue),
            format!("tool {name} {arguments}"),
        ),
        Event::ToolCallEnd {
            name, ok, output, ..
        } => (
            good_or_bad(*ok),
            format!(
                "tool {name} {}: {}",
                if *ok { "ok" } else { "failed" },
                output.lines().next().unwrap_or("")
            ),
        ),
        Event::ApprovalRequest { kind, subject, .. } => (
            Style::new().fg(Color::Yellow),
            format!("approval asked: {kind:?} {subject}"),
        ),
        Event::ApprovalDecision(decision) => (
            good_or_bad(decision.approved),
            format!(
                "approval {} by {:?}",
                if decision.approved {
                    "given"
                } else {
                    "refused"
                },
                decision.by
            ),
        ),
        Event::Usage {
            role,
            total_prompt_tokens,
            total_completion_tokens,
            ..
        } => (
            Style::new().fg(Color::DarkGray),
            format!(
                "usage ({role}): {total_prompt_tokens}+{total_completion_tokens} tokens in total"
            ),
        ),
        Event::VerifyBegin { command, source } => (plain, format!("verify: {command} ({source})")),
        Event::VerifyEnd {
            passed,
            duration_ms,
            timed_out,
            ..
        } => (
            good_or_bad(*passed),
            format!(
                "verify {}{} in {:.1} s",
                if *passed { "passed" } else { "failed" },
                if *timed_out { " (timed out)" } else { "" },
                *duration_ms as f64 / 1000.0
            ),
        ),
        Event::LimitReached { limit, detail, .. } => (
            Style::new().fg(Color::Red),
            format!("limit reached: {}: {detail}", limit.as_str()),
        ),
        Event::Committed { commit, branch, .. } => {
            let short: String = commit.chars().take(10).collect();
            (
                Style::new().fg(Color::Green),
                format!("committed {short} on {branch}"),
            )
        }
        Event::Error { message, hint } => (
            Style::new().fg(Color::Red),
            match hint {
                Some(hint) => format!("error: {message}\nhint: {hint}"),
                None => format!("error: {message}"),
            },
        ),
        Event::TaskFinished {
            status, summary, ..
        } => (
            status_style(status.as_str()),
            format!("task finished: {status}: {summary}"),
        ),
    };
    Some(text)
}
