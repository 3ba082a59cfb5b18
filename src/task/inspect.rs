//! `agent task list`, `show` and `logs [--follow]`: tasks and their event logs from the store.

use std::path::PathBuf;
use std::time::Duration;

use agent_core::protocol::{Event, EventEnvelope};
use agent_core::store::{Store, TaskQuery, TaskRecord};
use agent_core::task::TaskStatus;
use agent_core::task::role_models::{TaskView, role_models};
use agent_core::time::format_short;
use agent_tui::{Painter, Tone, event_log};
use anyhow::Result;

use crate::app::App;
use crate::exit::Exit;
use crate::output::{print, print_json};

pub fn list(
    app: &App,
    status: Option<TaskStatus>,
    repo: Option<PathBuf>,
    limit: usize,
    json: bool,
) -> Result<Exit> {
    let (resolved, store) = app.config_and_store()?;
    let query = TaskQuery {
        status,
        repo: repo.map(|dir| app.repo_filter(&dir)),
        limit,
        after: None,
    };
    let tasks = store.list_tasks(&query)?;
    if json {
        print_json(&serde_json::json!({ "tasks": tasks }))?;
        return Ok(Exit::Ok);
    }
    if tasks.is_empty() {
        print("no tasks yet; start one with: agent task run \"what to do\"\n")?;
        return Ok(Exit::Ok);
    }
    let painter = app.stdout_painter(&resolved);
    let mut out = String::new();
    for task in &tasks {
        let id: String = task.id.chars().take(8).collect();
        out.push_str(&format!(
            "{}  {} {} {}  {}\n",
            painter.paint(Tone::Dim, &id),
            painter.paint(
                event_log::status_tone(task.status),
                &format!("{:<10}", task.status.as_str())
            ),
            painter.paint(
                Tone::Dim,
                &format!("{:<9}", task.strategy.as_deref().unwrap_or("-"))
            ),
            painter.paint(Tone::Dim, &format_short(task.created_at)),
            task.title
        ));
    }
    print(&out)?;
    Ok(Exit::Ok)
}

pub fn show(app: &App, id: &str, json: bool) -> Result<Exit> {
    let (resolved, store) = app.config_and_store()?;
    // A task whose process is gone shows as ended, with the reason (best effort: a read-only
    // database still shows what it has).
    let _ = store.recover_orphaned_tasks();
    let task = store.task(&store.resolve_task_id(id)?)?;
    if json {
        let events = store.task_events(&task.id, 0)?;
        print_json(&TaskView::new(task, &events))?;
        return Ok(Exit::Ok);
    }
    let painter = app.stdout_painter(&resolved);
    print(&describe(&task, &store, &painter)?)?;
    Ok(Exit::Ok)
}

fn describe(task: &TaskRecord, store: &Store, painter: &Painter) -> Result<String> {
    let mut out = String::new();
    let mut row = |label: &str, value: &str| {
        if !value.is_empty() {
            // Padded before painting (escape codes would count), with at least one space.
            out.push_str(&format!(
                "{} {value}\n",
                painter.paint(Tone::Dim, &format!("{label:<10}"))
            ));
        }
    };
    row("task", &task.id);
    row("title", &task.title);
    row(
        "status",
        &painter.paint(event_log::status_tone(task.status), task.status.as_str()),
    );
    row("summary", task.summary.as_deref().unwrap_or(""));
    row("repo", &task.repo);
    row("branch", task.branch.as_deref().unwrap_or(""));
    row("worktree", task.worktree.as_deref().unwrap_or(""));
    row("base", task.base_commit.as_deref().unwrap_or(""));
    row("commit", task.commit_id.as_deref().unwrap_or(""));
    if let Some(stat) = &task.diff_stat {
        row("changes", &stat.to_string());
    }
    row("strategy", task.strategy.as_deref().unwrap_or(""));
    row("chosen", task.selection_reason.as_deref().unwrap_or(""));
    if let Some(complexity) = &task.complexity {
        let sure = task
            .complexity_confidence
            .map(|c| format!(" ({:.0}% sure)", c * 100.0))
            .unwrap_or_default();
        row("complexity", &format!("{complexity}{sure}"));
    }
    if let Some(iterations) = task.iterations {
        row("rounds", &iterations.to_string());
    }
    if let Some(rounds) = task.review_rounds {
        row("reviews", &rounds.to_string());
    }
    row(
        "model",
        &format!(
            "{} ({})",
            task.model.as_deref().unwrap_or("?"),
            task.backend.as_deref().unwrap_or("?")
        ),
    );
    if let Some(context) = task.context_length {
        row("context", &format!("{context} tokens"));
    }
    let events = store.task_events(&task.id, 0)?;
    for (index, chosen) in role_models(task, &events).iter().enumerate() {
        row(
            if index == 0 { "roles" } else { "" },
            &format!(
                "{:<9}{} ({}), {}: {}",
                chosen.role.as_str(),
                chosen.model,
                chosen.backend,
                chosen.by,
                chosen.reason
            ),
        );
    }
    row("approval", task.approval.as_deref().unwrap_or(""));
    row("verify", task.verify_command.as_deref().unwrap_or("none"));
    row(
        "tokens",
        &format!(
            "{} prompt + {} completion",
            task.prompt_tokens, task.completion_tokens
        ),
    );
    row("created", &format_short(task.created_at));
    if let Some(finished) = task.finished_at {
        row("finished", &format_short(finished));
    }
    if let Some(applied) = &task.applied_commit {
        let state = if task.undone_at.is_some() {
            " (undone)"
        } else {
            ""
        };
        row("applied", &format!("{applied}{state}"));
    }
    row("retry of", task.retry_of.as_deref().unwrap_or(""));
    row("request", &task.description);
    if let Some(plan) = &task.plan {
        let text = plan.render();
        let mut lines = text.lines();
        row("plan", lines.next().unwrap_or(""));
        for line in lines {
            row("", line);
        }
    }
    let tools = events
        .iter()
        .filter(|e| matches!(e.event, Event::ToolCallBegin { .. }))
        .count();
    let mut by_role: Vec<(String, usize)> = Vec::new();
    for event in &events {
        if let Event::ModelBegin { role, .. } = &event.event {
            match by_role.iter_mut().find(|(name, _)| name == role.as_str()) {
                Some((_, count)) => *count += 1,
                None => by_role.push((role.to_string(), 1)),
            }
        }
    }
    let turns: usize = by_role.iter().map(|(_, count)| count).sum();
    let roles = by_role
        .iter()
        .map(|(role, count)| format!("{role} {count}"))
        .collect::<Vec<_>>()
        .join(", ");
    row(
        "activity",
        &format!(
            "{turns} model turns ({roles}), {tools} tool calls, {} events (agent task logs {})",
            events.len(),
            &task.id[..8.min(task.id.len())]
        ),
    );
    Ok(out)
}

pub fn logs(app: &App, id: &str, follow: bool, json: bool) -> Result<Exit> {
    let (resolved, store) = app.config_and_store()?;
    let id = store.resolve_task_id(id)?;
    let painter = app.stdout_painter(&resolved);
    let mut after = 0;
    loop {
        let events = store.task_events(&id, after)?;
        let mut finished = false;
        for envelope in &events {
            after = envelope.seq;
            finished |= matches!(envelope.event, Event::TaskFinished { .. });
            if json {
                print(&format!("{}\n", serde_json::to_string(envelope)?))?;
            } else if let Some(line) = log_line(envelope, &painter) {
                print(&format!("{line}\n"))?;
            }
        }
        if !follow || finished {
            return Ok(Exit::Ok);
        }
        // A task whose process died is ended here (which writes its last events).
        let _ = store.recover_orphaned_tasks();
        let task = store.task(&id)?;
        if task.status.is_final() {
            // One more read catches events written between the two queries.
            let rest = store.task_events(&id, after)?;
            for envelope in &rest {
                if json {
                    print(&format!("{}\n", serde_json::to_string(envelope)?))?;
                } else if let Some(line) = log_line(envelope, &painter) {
                    print(&format!("{line}\n"))?;
                }
            }
            return Ok(Exit::Ok);
        }
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// One event as lines of `task logs`: the time, then the wording agent-tui gives every log.
fn log_line(envelope: &EventEnvelope, painter: &Painter) -> Option<String> {
    let (tone, text) = event_log::describe(&envelope.event)?;
    let paint = |line: &str| match tone {
        Some(tone) => painter.paint(tone, line),
        None => line.to_string(),
    };
    let time = painter.paint(Tone::Dim, &agent_core::time::format_rfc3339(envelope.at));
    let indent = if matches!(envelope.event, Event::ModelDelta { .. }) {
        "  "
    } else {
        ""
    };
    let mut lines = text.trim_end().lines();
    let mut out = format!("{time}  {indent}{}", paint(lines.next().unwrap_or("")));
    for line in lines {
        out.push_str(&format!("\n    {}", paint(line)));
    }
    Some(out)
}
