//! `agent task run --attach` and `agent task retry --attach`: the task runs on `agent serve`,
//! and this process shows it exactly as a local run does (the same renderer, summary and exit
//! code), asks its approval questions on the terminal, and asks the server to cancel it on
//! Ctrl-C.

use std::io::IsTerminal;
use std::path::PathBuf;

use agent_core::protocol::Event;
use agent_core::store::TaskRecord;
use agent_core::task::Answer;
use anyhow::Result;
use serde::{Deserialize, Serialize};

use super::render::{Question, Renderer, ask_on_terminal};
use super::run::exit_for;
use crate::app::App;
use crate::attach::{EventStream, Server, segment};
use crate::cli::{self, TaskRunOptions};
use crate::exit::{Exit, UserError};

/// The body of `POST /v1/tasks`: the flags of `task run`.
#[derive(Debug, Serialize)]
struct CreateTask {
    description: String,
    repo: String,
    base: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    strategy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    approval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verify: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    planner_model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coder_model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reviewer_model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tester_model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_turns: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_iterations: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_review_rounds: Option<u32>,
    max_tool_calls: u32,
    max_tokens_total: u64,
    timeout_seconds: u64,
    answers_approvals: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    no_cache: bool,
}

/// What the server answers a started task with.
#[derive(Debug, Deserialize)]
struct Created {
    id: String,
}

/// `task run --attach`: `repo` is absolute (the server's machine resolves it).
pub fn run(
    app: &App,
    description: String,
    repo: PathBuf,
    base: String,
    options: TaskRunOptions,
) -> Result<Exit> {
    crate::attach::refuse_backend_flags(&options.backend)?;
    let server = crate::attach::locate(app, options.attach.as_deref().unwrap_or_default())?;
    super::run::note_uncommitted(&repo, &base, options.json);
    let body = CreateTask {
        description,
        repo: repo.display().to_string(),
        base,
        strategy: options.strategy,
        approval: options.approval,
        verify: options.verify,
        model: options.backend.model,
        planner_model: options.planner_model,
        coder_model: options.coder_model,
        reviewer_model: options.reviewer_model,
        tester_model: options.tester_model,
        max_turns: options.max_turns,
        max_iterations: options.max_iterations,
        max_review_rounds: options.max_review_rounds,
        max_tool_calls: options.max_tool_calls,
        max_tokens_total: options.max_tokens_total,
        timeout_seconds: options.timeout,
        answers_approvals: interactive(),
        no_cache: options.no_cache,
    };
    attach(app, &server, options.json, "/v1/tasks".to_string(), &body)
}

/// `task retry --attach`: the server runs the stored request again, as it was.
pub fn retry(app: &App, id: &str, options: TaskRunOptions) -> Result<Exit> {
    crate::attach::refuse_backend_flags(&options.backend)?;
    if let Some(flag) = changed_run_flag(&options) {
        return Err(UserError::usage(
            format!("{flag} cannot be used with `task retry --attach`: the server runs the task's stored request as it was"),
            "leave it out, or start the task anew: agent task run --attach … with the flags you want",
        )
        .into());
    }
    let server = crate::attach::locate(app, options.attach.as_deref().unwrap_or_default())?;
    let path = format!("/v1/tasks/{}/retry", segment(id));
    attach(app, &server, options.json, path, &serde_json::json!({}))
}

/// The first flag of `task run` given a value that `retry --attach` cannot pass on.
fn changed_run_flag(options: &TaskRunOptions) -> Option<&'static str> {
    [
        ("--strategy", options.strategy.is_some()),
        ("--max-iterations", options.max_iterations.is_some()),
        ("--max-review-rounds", options.max_review_rounds.is_some()),
        ("--planner-model", options.planner_model.is_some()),
        ("--coder-model", options.coder_model.is_some()),
        ("--reviewer-model", options.reviewer_model.is_some()),
        ("--tester-model", options.tester_model.is_some()),
        ("--approval", options.approval.is_some()),
        ("--verify", options.verify.is_some()),
        ("--max-turns", options.max_turns.is_some()),
        (
            "--max-tool-calls",
            options.max_tool_calls != cli::DEFAULT_MAX_TOOL_CALLS,
        ),
        (
            "--max-tokens-total",
            options.max_tokens_total != cli::DEFAULT_MAX_TOKENS_TOTAL,
        ),
        ("--timeout", options.timeout != cli::DEFAULT_TIMEOUT),
        ("--model", options.backend.model.is_some()),
        ("--no-cache", options.no_cache),
    ]
    .into_iter()
    .find_map(|(flag, given)| given.then_some(flag))
}

/// Whether approval questions can be asked here (as a local run decides).
fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Starts the task with `POST start` and shows it to its end.
fn attach(
    app: &App,
    server: &Server,
    json: bool,
    start: String,
    body: &impl Serialize,
) -> Result<Exit> {
    let resolved = app.user_config()?;
    let renderer = Renderer::new(json, app.stderr_painter(&resolved));
    let runtime = crate::models::front_runtime()?;
    let outcome = runtime.block_on(async {
        // Listening before the task starts: a Ctrl-C at any point from here on cancels it.
        let mut interrupts = crate::exit::Interrupts::listen();
        let created: Created = server.post(&start, body).await?;
        follow(server, &created.id, &renderer, &mut interrupts).await
    });
    renderer.finish();
    let record = outcome?;
    if !json {
        renderer.summary(&record)?;
    }
    Ok(exit_for(&record))
}

/// Shows the task's events until it finishes; its record at the end.
async fn follow(
    server: &Server,
    task_id: &str,
    renderer: &Renderer,
    interrupts: &mut crate::exit::Interrupts,
) -> Result<TaskRecord> {
    let short: String = task_id.chars().take(8).collect();
    let task_path = format!("/v1/tasks/{}", segment(task_id));
    let mut events = EventStream::new(
        server.clone(),
        format!("{task_path}/events"),
        format!(
            "the task may still run there: `agent task show {short}` on the server's machine says how it is"
        ),
    );
    let interactive = interactive();
    let mut cancelled = false;
    loop {
        tokio::select! {
            next = events.next() => match next? {
                Some(envelope) => {
                    if envelope.task_id != task_id {
                        continue;
                    }
                    renderer.event(&envelope);
                    match &envelope.event {
                        Event::ApprovalRequest { id, kind, subject, preview } if interactive => {
                            let question = Question {
                                id: id.clone(),
                                kind: *kind,
                                subject: subject.clone(),
                                preview: preview.clone(),
                            };
                            tokio::spawn(answer(server.clone(), renderer.clone(), question));
                        }
                        Event::TaskFinished { .. } => break,
                        _ => {}
                    }
                }
                // Ended without `task_finished`: a task ended by recovery has none; otherwise
                // the stream is resumed.
                None => {
                    let record: TaskRecord = server.get(&task_path).await?;
                    if record.status.is_final() {
                        return Ok(record);
                    }
                }
            },
            () = interrupts.recv() => {
                if cancelled {
                    return Err(UserError {
                        message: format!("stopped following task {short} before it ended"),
                        hint: Some(format!(
                            "it was asked to stop; `agent task show {short}` says how it ended"
                        )),
                        exit: Exit::Interrupted,
                    }
                    .into());
                }
                cancelled = true;
                // A task already over (409) needs no stop: its last events are on their way.
                let cancel = format!("{task_path}/cancel");
                if let Err(error) = server.post_unless_conflict(&cancel).await {
                    renderer.notice(&format!("cannot ask the task to stop: {error:#}"));
                }
            }
        }
    }
    server.get(&task_path).await
}

/// Asks `question` on the terminal and sends the answer; no answer (stdin closed) is a no.
async fn answer(server: Server, renderer: Renderer, question: Question) {
    let answer = ask_on_terminal(renderer.progress_handle(), &question).await;
    let (approved, always) = match answer {
        Some(Answer::Yes) => (true, false),
        Some(Answer::Always) => (true, true),
        _ => (false, false),
    };
    let path = format!("/v1/approvals/{}", segment(&question.id));
    let body = serde_json::json!({"approved": approved, "always": always});
    if let Err(error) = server.post::<serde_json::Value>(&path, &body).await {
        renderer.notice(&format!("the answer did not reach the server: {error}"));
    }
}
