//! `agent ci status`: the failed runs the monitor saw, its fix attempts with their outcome and
//! pull request, and the fix success rate (the same summary as `GET /v1/dashboard`).

use agent_core::store::{CiSummary, FixOutcome, RunHandling};
use agent_core::time::format_short;
use agent_tui::Tone;
use anyhow::Result;

use crate::app::App;
use crate::exit::Exit;
use crate::output::{print, print_json};

pub fn run(app: &App, limit: usize, json: bool) -> Result<Exit> {
    let (resolved, store) = app.config_and_store()?;
    let summary = store.ci_summary(limit)?;
    if json {
        print_json(&summary_json(&summary))?;
        return Ok(Exit::Ok);
    }
    let painter = app.stdout_painter(&resolved);
    let counts = &summary.attempts;
    let mut out = format!(
        "{} failed run(s) seen; fix attempts: {} PR opened, {} failed, {} error, {} running; fix success rate {}\n",
        summary.runs_seen,
        counts.pr_opened,
        counts.failed,
        counts.error,
        counts.running,
        rate_text(counts.success_rate)
    );
    if summary.recent_attempts.is_empty() && summary.recent_runs.is_empty() {
        out.push_str("nothing yet; start the monitor in a checkout with: agent ci watch\n");
        print(&out)?;
        return Ok(Exit::Ok);
    }
    if !summary.recent_attempts.is_empty() {
        out.push_str("\nFix attempts\n");
    }
    for attempt in &summary.recent_attempts {
        let tone = match attempt.outcome {
            FixOutcome::PrOpened => Tone::Good,
            FixOutcome::Running => Tone::Warn,
            FixOutcome::Failed | FixOutcome::Error => Tone::Bad,
        };
        let task: String = attempt
            .task_id
            .as_deref()
            .unwrap_or("-")
            .chars()
            .take(8)
            .collect();
        out.push_str(&format!(
            "  #{:<4} {} {}  {} {} / {}  run {}  task {}",
            attempt.id,
            painter.paint(tone, &format!("{:<9}", attempt.outcome.as_str())),
            painter.paint(Tone::Dim, &format_short(attempt.created_at)),
            attempt.repo,
            attempt.workflow,
            attempt.jobs.join(", "),
            attempt.run_id,
            task
        ));
        if let Some(url) = &attempt.pr_url {
            out.push_str(&format!("  {url}"));
        }
        if let Some(error) = &attempt.error {
            out.push_str(&format!("\n         {}", painter.paint(Tone::Dim, error)));
        }
        out.push('\n');
    }
    if !summary.recent_runs.is_empty() {
        out.push_str("\nFailed runs\n");
    }
    for run in &summary.recent_runs {
        let handling = match run.handling {
            RunHandling::FixStarted => "fix started",
            RunHandling::Duplicate => "duplicate",
            RunHandling::Skipped => "skipped",
            RunHandling::Error => "error",
        };
        out.push_str(&format!(
            "  {:<12} {} {} on {}  {:<11}  {}\n",
            run.run_id, run.repo, run.workflow, run.branch, handling, run.html_url
        ));
    }
    print(&out)?;
    Ok(Exit::Ok)
}

/// The summary as `--json` and the dashboard route give it.
pub fn summary_json(summary: &CiSummary) -> serde_json::Value {
    serde_json::json!({
        "runs_seen": summary.runs_seen,
        "attempts": summary.attempts,
        "success_rate": summary.attempts.success_rate,
        "recent_attempts": summary.recent_attempts,
        "recent_runs": summary.recent_runs,
    })
}

fn rate_text(rate: Option<f64>) -> String {
    match rate {
        Some(rate) => format!("{:.0}%", rate * 100.0),
        None => "- (no attempt ended yet)".to_string(),
    }
}
