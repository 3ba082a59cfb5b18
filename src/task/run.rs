//! `agent task run` and `agent task retry`: build the task from flags and configuration, run it
//! with progress on stderr, and print a summary (or every event with `--json`) on stdout.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use agent_core::protocol::{AgentRole, Event, Op, TaskSpec};
use agent_core::settings::{self, TaskOverrides, TaskRequest};
use agent_core::store::TaskRecord;
use agent_core::task::{Answer, TaskStatus};
use anyhow::{Context, Result};

use super::render::{Question, Renderer, ask_on_terminal};
use crate::app::App;
use crate::cli::{BackendArg, TaskRunArgs, TaskRunOptions};
use crate::exit::{Exit, UserError};
use crate::models::front_runtime;
use crate::session::FlagModels;

/// How long the process waits, after a task's last event, for the task's thread to clean up.
const SETTLE_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

pub fn run(app: &App, args: TaskRunArgs) -> Result<Exit> {
    let repo = args
        .repo
        .as_deref()
        .map(|dir| app.cwd.join(dir))
        .unwrap_or_else(|| app.cwd.clone());
    let (description, fixes, title) = match &args.issue {
        Some(reference) => {
            let task = super::issue::task_from_issue(app, &repo, reference, &args.description)?;
            (task.description, Some(task.fixes), Some(task.title))
        }
        None => (args.description, None, None),
    };
    if description.trim().is_empty() {
        return Err(UserError::usage(
            "the task description is empty",
            "say what to do: agent task run \"fix the failing test in parser.rs\"",
        )
        .into());
    }
    if args.options.attach.is_some() {
        if args.pr {
            return Err(UserError::usage(
                "--pr does not work with --attach yet",
                "run the task with --attach, then `agent pr create TASK`",
            )
            .into());
        }
        return super::attached::run(app, description, repo, args.base, args.options);
    }
    let json = args.options.json;
    let record = execute(app, description, repo, args.base, args.options, None)?;
    if args.pr && record.status == agent_core::task::TaskStatus::Succeeded {
        let request = crate::pr::PublishRequest {
            remote: "origin".into(),
            draft: args.draft,
            fixes,
            title,
            ..crate::pr::PublishRequest::default()
        };
        let published = crate::pr::publish(app, &record.id, &request).with_context(|| {
            format!(
                "task {} succeeded, but its pull request could not be opened (retry with `agent pr create {}`)",
                record.id, record.id
            )
        })?;
        if !json {
            crate::output::print(&format!("{}\n", published.pull.html_url))?;
        }
    }
    Ok(exit_for(&record))
}

pub fn retry(app: &App, id: &str, mut options: TaskRunOptions) -> Result<Exit> {
    if options.attach.is_some() {
        return super::attached::retry(app, id, options);
    }
    let (_, store) = app.config_and_store()?;
    let id = store.resolve_task_id(id)?;
    let original = store.task(&id)?;
    let spec: Option<TaskSpec> = original
        .spec
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    let (base, repo) = match &spec {
        Some(spec) => (spec.base.clone(), spec.repo.clone()),
        None => ("HEAD".to_string(), PathBuf::from(&original.repo)),
    };
    if let Some(spec) = &spec {
        options.strategy = options.strategy.or(Some(spec.strategy.to_string()));
        options.max_iterations = options.max_iterations.or(Some(spec.max_iterations));
        options.max_review_rounds = options.max_review_rounds.or(Some(spec.max_review_rounds));
        options.verify = options
            .verify
            .or(spec.verify.as_ref().map(|v| v.command.clone()));
    }
    // The original backend and model, unless the flags name others.
    if options.backend.model.is_none() && options.backend.backend.is_none() {
        options.backend.model = original.model.clone();
        options.backend.backend = original.backend.as_deref().and_then(|b| match b {
            "ollama" => Some(BackendArg::Ollama),
            "openai" => Some(BackendArg::Openai),
            "local" => Some(BackendArg::Local),
            _ => None,
        });
    }
    drop(store);
    let record = execute(app, original.description, repo, base, options, Some(id))?;
    Ok(exit_for(&record))
}

fn execute(
    app: &App,
    description: String,
    repo: PathBuf,
    base: String,
    options: TaskRunOptions,
    retry_of: Option<String>,
) -> Result<TaskRecord> {
    let resolved = app.config_in(&repo)?;
    let spec = settings::resolve_task(
        TaskRequest {
            description,
            repo,
            base,
            retry_of,
        },
        overrides(&options),
        &resolved.config,
    )?;
    // Not a repository, or no such base, is said before anything about models (the session
    // checks both again).
    let root = agent_core::git::repository_root(&spec.repo)?;
    agent_core::git::resolve_base(&root, &spec.base).map_err(agent_core::Error::from)?;
    // The models are set up here first, so that one that cannot be used fails with the
    // binary's own hint before anything is recorded.
    let models = FlagModels::new(app, &resolved, &options.backend);
    models.for_tasks(models.select(None)?)?;
    for (role, model) in &spec.role_models {
        models
            .select(Some(model))
            .and_then(|target| models.for_tasks(target))
            .with_context(|| format!("cannot use the {role}'s model"))?;
    }

    note_uncommitted(&spec.repo, &spec.base, options.json);
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let painter = app.stderr_painter(&resolved);
    let renderer = Renderer::new(options.json, painter);

    let session = crate::session::start(app, &resolved, models);
    let mut events = session.subscribe();
    let submitted = session.submit(Op::RunTask {
        spec,
        answers_approvals: interactive,
    })?;
    let task_id = submitted.task_id().unwrap_or_default().to_string();

    let runtime = front_runtime()?;
    runtime.block_on(async {
        let mut interrupts = crate::exit::Interrupts::listen();
        let mut interrupted = false;
        // Progress lines on a stderr that is no terminal (the renderer decides).
        let mut ticks = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            tokio::select! {
                _ = ticks.tick() => renderer.tick(),
                envelope = events.recv() => {
                    let Some(envelope) = envelope else { break };
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
                            let asking = session.clone();
                            let bar = renderer.progress_handle();
                            tokio::spawn(async move {
                                let answer = ask_on_terminal(bar, &question).await;
                                // No answer (stdin closed) is a no.
                                let (approved, always) = match answer {
                                    Some(Answer::Yes) => (true, false),
                                    Some(Answer::Always) => (true, true),
                                    _ => (false, false),
                                };
                                let _ = asking.submit(Op::Approve { id: question.id, approved, always });
                            });
                        }
                        Event::TaskFinished { .. } => break,
                        _ => {}
                    }
                }
                () = interrupts.recv(), if !interrupted => {
                    interrupted = true;
                    let _ = session.submit(Op::Cancel { task_id: task_id.clone() });
                }
            }
        }
        // The task's thread still cleans up (its temporary directory) after the last event.
        session.settle(&task_id, SETTLE_LIMIT).await;
    });
    renderer.finish();
    // The store is opened once the task is over: while it runs, its own connection is the only
    // one this process needs (less memory for the whole run).
    let record = app
        .open_store(&resolved)?
        .task(&task_id)
        .context("the task could not run")?;
    if !options.json {
        renderer.summary(&record)?;
    }
    Ok(record)
}

/// Says (without `--json`) that uncommitted changes in `repo` are not part of a task from HEAD.
pub(super) fn note_uncommitted(repo: &Path, base: &str, json: bool) {
    if json || base != "HEAD" {
        return;
    }
    let changed = agent_core::git::repository_root(repo)
        .and_then(|root| agent_core::git::uncommitted_changes(&root))
        .unwrap_or(0);
    if changed > 0 {
        crate::output::note(&format!(
            "note: {changed} file(s) with uncommitted changes are not part of the task; it starts from HEAD (commit them first to include them)"
        ));
    }
}

/// What the flags of `task run` choose; the rest comes from the configuration.
fn overrides(options: &TaskRunOptions) -> TaskOverrides {
    let role_models = [
        (AgentRole::Planner, &options.planner_model),
        (AgentRole::Coder, &options.coder_model),
        (AgentRole::Reviewer, &options.reviewer_model),
        (AgentRole::Tester, &options.tester_model),
    ]
    .into_iter()
    .filter_map(|(role, model)| Some((role, model.clone()?)))
    .collect();
    TaskOverrides {
        strategy: options.strategy.clone(),
        approval: options.approval.clone(),
        verify: options.verify.clone(),
        max_turns: options.max_turns,
        max_iterations: options.max_iterations,
        max_review_rounds: options.max_review_rounds,
        max_tool_calls: Some(options.max_tool_calls),
        max_tokens_total: Some(options.max_tokens_total),
        timeout_seconds: Some(options.timeout),
        model: None,
        role_models,
        no_cache: options.no_cache,
    }
}

/// The exit code of a finished task: 0 succeeded, 1 failed, 130 cancelled.
pub fn exit_for(record: &TaskRecord) -> Exit {
    match record.status {
        TaskStatus::Succeeded => Exit::Ok,
        TaskStatus::Cancelled => Exit::Interrupted,
        _ => Exit::Failure,
    }
}

/// Where task worktrees live: `<data dir>/worktrees/<task id>`.
pub fn worktrees_dir(app: &App) -> PathBuf {
    app.paths.data_dir.join("worktrees")
}
