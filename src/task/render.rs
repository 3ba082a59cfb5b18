//! How a running task looks: a spinner naming the role and step (on a terminal) or plain lines
//! on stderr, JSON lines on stdout with `--json`, and the closing summary on stdout.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agent_core::protocol::{AgentRole, Event, EventEnvelope, FinishReason, ToolEffectKind};
use agent_core::store::TaskRecord;
use agent_core::task::{Answer, TaskStatus};
use agent_tui::{Painter, Tone};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::io::AsyncBufReadExt;

use super::turn_progress::TurnProgress;
use crate::output::{note, print};

/// Renders a task's events; cheap to clone (shared state).
#[derive(Clone)]
pub struct Renderer {
    state: Arc<Mutex<State>>,
    bar: Option<ProgressBar>,
}

struct State {
    json: bool,
    painter: Painter,
    role: String,
    turn: u32,
    verify: Option<VerifySeen>,
    /// The model turn in flight, for the progress lines without a spinner.
    progress: Option<TurnProgress>,
}

#[derive(Clone)]
struct VerifySeen {
    command: String,
    passed: Option<bool>,
    detail: String,
}

impl Renderer {
    /// A renderer for `--json` (events on stdout) or for people (progress on stderr).
    pub fn new(json: bool, painter: Painter) -> Self {
        let bar = (!json && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed:.dim}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar.set_message("starting");
            bar
        });
        Self {
            state: Arc::new(Mutex::new(State {
                json,
                painter,
                role: String::new(),
                turn: 0,
                verify: None,
                progress: None,
            })),
            bar,
        }
    }

    /// The spinner, for an asker that must hide it while it asks.
    pub fn progress_handle(&self) -> Option<ProgressBar> {
        self.bar.clone()
    }

    /// Shows one event.
    pub fn event(&self, envelope: &EventEnvelope) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if state.json {
            if let Ok(line) = serde_json::to_string(envelope) {
                let mut stdout = std::io::stdout().lock();
                // A reader that went away is not our failure; the task goes on.
                let _ = writeln!(stdout, "{line}");
                let _ = stdout.flush();
            }
            return;
        }
        if self.bar.is_none() {
            state.track(&envelope.event);
        }
        if let Some(line) = state.line_for(&envelope.event) {
            self.line(&line);
        }
        if let (Some(bar), Some(message)) = (&self.bar, state.spinner_for(&envelope.event)) {
            bar.set_message(message);
        }
    }

    /// Called every second or so: without a spinner (stderr is no terminal), a line on the model
    /// turn in flight every [`super::turn_progress::EVERY`].
    pub fn tick(&self) {
        if self.bar.is_some() {
            return;
        }
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if state.json {
            return;
        }
        let Some(line) = state
            .progress
            .as_mut()
            .and_then(|progress| progress.due(std::time::Instant::now()))
        else {
            return;
        };
        let line = state.painter.paint(Tone::Dim, &format!("  {line}"));
        drop(state);
        self.line(&line);
    }

    /// A line of the front's own on stderr (not an event), above the spinner.
    pub fn notice(&self, text: &str) {
        self.line(text);
    }

    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| note(text)),
            None => note(text),
        }
    }

    /// Removes the spinner.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// The closing summary on stdout.
    pub fn summary(&self, task: &TaskRecord) -> anyhow::Result<()> {
        let Ok(state) = self.state.lock() else {
            return Ok(());
        };
        let painter = &state.painter;
        let tone = match task.status {
            TaskStatus::Succeeded => Tone::Good,
            TaskStatus::Cancelled => Tone::Warn,
            _ => Tone::Bad,
        };
        let mut out = String::new();
        let mut row = |label: &str, value: &str| {
            // Padded before painting: the colour codes take no columns.
            out.push_str(&format!(
                "{}{value}\n",
                painter.paint(Tone::Dim, &format!("{label:<9}"))
            ));
        };
        let summary = task.summary.clone().unwrap_or_default();
        row(
            "status",
            &format!("{}  {summary}", painter.paint(tone, task.status.as_str())),
        );
        row("task", &task.id);
        if let Some(branch) = &task.branch {
            row("branch", branch);
        }
        if let Some(commit) = &task.commit_id {
            row("commit", &commit.chars().take(12).collect::<String>());
        }
        if let Some(stat) = task.diff_stat.as_ref().filter(|s| s.files_changed > 0) {
            row("changes", &stat.to_string());
        }
        match &state.verify {
            Some(verify) => row("tests", &format!("`{}` {}", verify.command, verify.detail)),
            None => row("tests", "none run"),
        }
        row(
            "tokens",
            &format!(
                "{} prompt + {} completion",
                task.prompt_tokens, task.completion_tokens
            ),
        );
        if let (Some(start), Some(end)) =
            (task.started_at.or(Some(task.created_at)), task.finished_at)
        {
            row("time", &format!("{:.1} s", (end - start) as f64 / 1000.0));
        }
        let short: String = task.id.chars().take(8).collect();
        match task.status {
            TaskStatus::Succeeded if task.commit_id.is_some() => row(
                "next",
                &format!("agent task apply {short}   (review: agent task show {short})"),
            ),
            TaskStatus::Failed if task.commit_id.is_some() => row(
                "next",
                &format!(
                    "agent task logs {short}; the attempt is on the branch; agent task retry {short}"
                ),
            ),
            TaskStatus::Failed => row("next", &format!("agent task logs {short}")),
            _ => {}
        }
        print(&out)
    }
}

impl State {
    /// Follows the model turn in flight (for [`Renderer::tick`]).
    fn track(&mut self, event: &Event) {
        let now = std::time::Instant::now();
        match event {
            Event::ModelBegin { role, turn, .. } => {
                self.progress = Some(TurnProgress::begin(role.as_str(), *turn, now));
            }
            Event::ModelDelta { text, .. } => {
                if let Some(progress) = &mut self.progress {
                    progress.text(text, now);
                }
            }
            Event::ModelEnd { .. } | Event::TaskFinished { .. } => self.progress = None,
            _ => {}
        }
    }

    fn line_for(&mut self, event: &Event) -> Option<String> {
        let p = &self.painter;
        Some(match event {
            Event::TaskCreated { title, .. } => {
                format!("{} {title}", p.paint(Tone::Strong, "task"))
            }
            Event::StrategySelected { reason, .. } => {
                p.paint(Tone::Dim, &format!("strategy {reason}"))
            }
            Event::ModelSelected {
                role, model, by, ..
            } => p.paint(
                Tone::Dim,
                &format!("{role} model {model} ({})", by.as_str().replace('_', " ")),
            ),
            Event::AbAssigned(assigned) => p.paint(
                Tone::Dim,
                &format!("A/B test {}: variant {}", assigned.test, assigned.variant),
            ),
            Event::PlanReady { plan } => {
                let mut text = format!(
                    "{} {} step(s)",
                    p.paint(Tone::Strong, "plan"),
                    plan.steps.len()
                );
                for (index, step) in plan.steps.iter().enumerate() {
                    text.push_str(&format!("\n  {}. {}", index + 1, step.title));
                }
                text
            }
            Event::ReviewVerdict {
                round,
                approved,
                comments,
            } => {
                let verdict = if *approved {
                    p.paint(Tone::Good, "approved")
                } else {
                    p.paint(Tone::Warn, "changes requested")
                };
                let mut text = format!(
                    "{} round {round}: {verdict}",
                    p.paint(Tone::Strong, "review")
                );
                for line in comments.lines().take(8) {
                    text.push_str("\n  ");
                    text.push_str(&p.paint(Tone::Dim, line));
                }
                text
            }
            Event::StepBegin {
                role: Some(role),
                iteration: Some(round),
                ..
            } if *role == AgentRole::Coder && *round > 1 => {
                p.paint(Tone::Dim, &format!("coder, round {round}"))
            }
            Event::WorkspaceReady {
                branch,
                base_commit,
                ..
            } => p.paint(
                Tone::Dim,
                &format!(
                    "worktree on {branch} from {}",
                    base_commit.chars().take(8).collect::<String>()
                ),
            ),
            Event::ModelBegin { role, turn, .. } => {
                self.role = role.to_string();
                self.turn = *turn;
                return None;
            }
            Event::ModelEnd {
                reason: FinishReason::Repetition,
                completion_tokens,
                ..
            } => p.paint(
                Tone::Warn,
                &format!(
                    "  {}'s reply kept repeating itself; stopped after {completion_tokens} tokens and the model was told",
                    self.role
                ),
            ),
            Event::ModelEnd {
                reason: FinishReason::Length,
                completion_tokens,
                ..
            } => p.paint(
                Tone::Warn,
                &format!(
                    "  {}'s reply was cut at {completion_tokens} tokens (task.max_turn_tokens); the model was told",
                    self.role
                ),
            ),
            Event::ToolCallBegin {
                name, arguments, ..
            } => format!(
                "  {} {}",
                p.paint(Tone::Tool, name),
                describe_arguments(arguments)
            ),
            Event::ToolCallEnd {
                ok: false, output, ..
            } => format!(
                "    {}",
                p.paint(Tone::Bad, output.lines().next().unwrap_or("failed"))
            ),
            Event::ApprovalDecision(decision) if !decision.approved => {
                format!(
                    "    {}",
                    p.paint(Tone::Warn, &format!("refused: {}", decision.reason))
                )
            }
            Event::VerifyBegin { command, .. } => {
                self.verify = Some(VerifySeen {
                    command: command.clone(),
                    passed: None,
                    detail: "did not finish".into(),
                });
                format!("{} {command}", p.paint(Tone::Strong, "verify"))
            }
            Event::VerifyEnd {
                passed,
                exit_code,
                timed_out,
                duration_ms,
                output,
            } => {
                let detail = if *passed {
                    format!("passed ({:.1} s)", *duration_ms as f64 / 1000.0)
                } else if *timed_out {
                    "timed out".to_string()
                } else {
                    format!(
                        "failed (exit code {})",
                        exit_code.map_or("none".to_string(), |c| c.to_string())
                    )
                };
                if let Some(verify) = &mut self.verify {
                    verify.passed = Some(*passed);
                    verify.detail = detail.clone();
                }
                let mut text = format!(
                    "{} {}",
                    p.paint(Tone::Strong, "verify"),
                    p.paint(if *passed { Tone::Good } else { Tone::Bad }, &detail)
                );
                if !passed {
                    let lines: Vec<&str> = output.lines().collect();
                    for line in &lines[lines.len().saturating_sub(15)..] {
                        text.push_str("\n  ");
                        text.push_str(&p.paint(Tone::Dim, line));
                    }
                }
                text
            }
            Event::LimitReached { limit, detail, .. } => {
                let mut text = format!("{} {detail}", p.paint(Tone::Warn, "limit"));
                if let Some(hint) = agent_core::budget::hint(*limit) {
                    text.push_str(&format!("\nhint: {hint}"));
                }
                text
            }
            Event::FallbackUsed { to, detail, .. } => {
                format!(
                    "{} {detail}; this turn goes to {to}",
                    p.paint(Tone::Warn, "fallback")
                )
            }
            Event::Error { message, hint, .. } => {
                let mut text = format!("{} {message}", p.paint(Tone::Bad, "error:"));
                if let Some(hint) = hint {
                    text.push_str(&format!("\nhint: {hint}"));
                }
                text
            }
            Event::Committed {
                commit,
                branch,
                subject,
                ..
            } => format!(
                "{} {} on {branch}: {subject}",
                p.paint(Tone::Strong, "commit"),
                commit.chars().take(8).collect::<String>()
            ),
            _ => return None,
        })
    }

    fn spinner_for(&self, event: &Event) -> Option<String> {
        Some(match event {
            Event::StepBegin {
                step,
                role,
                iteration,
                ..
            } => {
                let mut text = role.map_or_else(|| step.to_string(), |role| role.to_string());
                if let Some(round) = iteration {
                    text.push_str(&format!(" · round {round}"));
                }
                text
            }
            Event::ModelBegin { role, turn, .. } => format!("{role} · turn {turn} · thinking"),
            Event::ToolCallBegin {
                name, arguments, ..
            } => format!(
                "{} · turn {} · {name} {}",
                self.role,
                self.turn,
                describe_arguments(arguments)
            ),
            Event::VerifyBegin { command, .. } => format!("verify · {command}"),
            _ => return None,
        })
    }
}

/// A tool call's arguments in a few words: its path, command or pattern.
fn describe_arguments(arguments: &serde_json::Value) -> String {
    for key in ["path", "command", "pattern"] {
        if let Some(value) = arguments.get(key).and_then(|v| v.as_str()) {
            let value = value.lines().next().unwrap_or("");
            let short: String = value.chars().take(80).collect();
            return short;
        }
    }
    String::new()
}

/// Asks approval questions on the terminal (stderr + stdin), hiding the spinner meanwhile.
/// An approval question shown on the terminal.
pub struct Question {
    pub id: String,
    pub kind: ToolEffectKind,
    pub subject: String,
    pub preview: String,
}

/// Asks `question` on the terminal (the spinner paused meanwhile) and reads the answer from
/// stdin; `None` when stdin is closed.
pub async fn ask_on_terminal(bar: Option<ProgressBar>, question: &Question) -> Option<Answer> {
    let what = match question.kind {
        ToolEffectKind::Command => format!("run `{}`", question.subject),
        ToolEffectKind::Write => format!("write {}", question.subject),
        ToolEffectKind::Read => format!("use {}", question.subject),
        ToolEffectKind::Mcp => format!(
            "call the MCP tool {} (\"always\" covers the whole server)",
            question.subject
        ),
        ToolEffectKind::Network => format!(
            "fetch {} (always: every address on {})",
            question.subject,
            agent_core::web::domain_of(&question.subject).unwrap_or_default()
        ),
    };
    let mut text = String::new();
    if !question.preview.is_empty() {
        text.push_str(&question.preview);
        if !text.ends_with('\n') {
            text.push('\n');
        }
    }
    text.push_str(&format!(
        "Allow the task to {what}? [y]es / [n]o / [a]lways: "
    ));
    if let Some(bar) = &bar {
        bar.disable_steady_tick();
        bar.suspend(|| eprint!("{text}"));
    } else {
        eprint!("{text}");
    }
    let mut line = String::new();
    let mut stdin = tokio::io::BufReader::new(tokio::io::stdin());
    let read = stdin.read_line(&mut line).await;
    if let Some(bar) = &bar {
        bar.enable_steady_tick(Duration::from_millis(120));
    }
    match read {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(match line.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => Answer::Yes,
            "a" | "always" => Answer::Always,
            _ => Answer::No,
        }),
    }
}
