//! `agent task run` and `agent task retry`: build the task from flags and configuration, run it
//! with progress on stderr, and print a summary (or every event with `--json`) on stdout.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;

use agent_core::config::{Approval, ResolvedConfig};
use agent_core::protocol::TaskSpec;
use agent_core::store::TaskRecord;
use agent_core::task::{self, Asker, ModelTarget, NoTerminal, RunRequest, TaskStatus};
use agent_core::tools::ToolSettings;
use agent_core::turn::Limits;
use agent_core::verify::{VerifyCommand, VerifySource};
use anyhow::{Context, Result};

use super::render::{Renderer, TerminalAsker};
use crate::app::App;
use crate::backend::select;
use crate::cli::{BackendArg, TaskRunArgs, TaskRunOptions};
use crate::exit::{Exit, UserError};
use crate::models::runtime;

pub fn run(app: &App, args: TaskRunArgs) -> Result<Exit> {
    if args.description.trim().is_empty() {
        return Err(UserError::usage(
            "the task description is empty",
            "say what to do: agent task run \"fix the failing test in parser.rs\"",
        )
        .into());
    }
    let repo = args
        .repo
        .as_deref()
        .map(|dir| app.cwd.join(dir))
        .unwrap_or_else(|| app.cwd.clone());
    execute(app, args.description, repo, args.base, args.options, None)
}

pub fn retry(app: &App, id: &str, mut options: TaskRunOptions) -> Result<Exit> {
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
        options.strategy = options.strategy.or(Some(spec.strategy.clone()));
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
    execute(app, original.description, repo, base, options, Some(id))
}

fn execute(
    app: &App,
    description: String,
    repo: PathBuf,
    base: String,
    options: TaskRunOptions,
    retry_of: Option<String>,
) -> Result<Exit> {
    let resolved = app.config_in(&repo)?;
    let store = app.open_store(&resolved)?;
    let config = &resolved.config;
    let approval = match &options.approval {
        Some(name) => Approval::from_name(name).ok_or_else(|| {
            UserError::usage(
                format!("unknown approval policy `{name}`"),
                "use one of: auto, on-write, on-command, always",
            )
        })?,
        None => config.task.approval,
    };
    let strategy = options
        .strategy
        .clone()
        .unwrap_or_else(|| config.task.strategy.clone());
    if !task::strategy::NAMES.contains(&strategy.as_str()) {
        return Err(UserError::usage(
            format!("unknown strategy `{strategy}`"),
            format!("use one of: {}", task::strategy::NAMES.join(", ")),
        )
        .into());
    }
    let selected = select(app, &resolved, &options.backend)?;
    let role_models = role_models(app, &resolved, &options, &selected.model)?;
    let limits = Limits {
        max_turns: options.max_turns.unwrap_or(config.task.max_turns),
        max_tool_calls: options.max_tool_calls,
        max_tokens: options.max_tokens_total,
        max_seconds: options.timeout,
    };
    let spec = TaskSpec {
        description,
        repo: repo.canonicalize().unwrap_or(repo),
        base,
        strategy,
        verify: match (&options.verify, &config.task.verify) {
            (Some(command), _) => Some(VerifyCommand {
                command: command.clone(),
                source: VerifySource::Flag,
            }),
            (None, Some(command)) => Some(VerifyCommand {
                command: command.clone(),
                source: VerifySource::Config,
            }),
            (None, None) => None,
        },
        approval: approval.as_str().to_string(),
        limits,
        retry_of,
        max_iterations: options
            .max_iterations
            .unwrap_or(config.task.max_iterations)
            .max(1),
        max_review_rounds: options
            .max_review_rounds
            .unwrap_or(config.task.max_review_rounds),
    };
    let model = selected.into_target();

    if !options.json && spec.base == "HEAD" {
        let changed = agent_core::git::repository_root(&spec.repo)
            .and_then(|root| agent_core::git::uncommitted_changes(&root))
            .unwrap_or(0);
        if changed > 0 {
            crate::output::note(&format!(
                "note: {changed} file(s) with uncommitted changes are not part of the task; it starts from HEAD (commit them first to include them)"
            ));
        }
    }
    let spec_repo = spec.repo.clone();
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let painter = app.stderr_painter(&resolved);
    let renderer = Renderer::new(options.json, painter);
    let asker: Box<dyn Asker> = if interactive {
        Box::new(TerminalAsker::new(renderer.progress_handle()))
    } else {
        Box::new(NoTerminal)
    };
    let (cancel_tx, cancel_rx) = tokio::sync::watch::channel(false);
    let request = RunRequest {
        spec,
        model,
        role_models,
        approval,
        asker,
        worktrees_dir: worktrees_dir(app),
        user_prompts_dir: Some(app.paths.config_dir.join("prompts")),
        verify_timeout: agent_core::verify::DEFAULT_TIMEOUT,
        tool_settings: ToolSettings::default(),
        command_env: agent_core::git::repository_root(&spec_repo)
            .map(|root| task::build_cache::command_env(&root, &app.paths.cache_dir, &app.env))
            .unwrap_or_default(),
        commands: app.command_policy(config),
        cancel: cancel_rx,
    };
    let sink_renderer = renderer.clone();
    let sink = Box::new(move |envelope: &agent_core::protocol::EventEnvelope| {
        sink_renderer.event(envelope);
    });

    let runtime = runtime()?;
    let result = runtime.block_on(async move {
        let interrupt = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                let _ = cancel_tx.send(true);
            }
        });
        let result = task::run_task(store, request, sink).await;
        interrupt.abort();
        result
    });
    renderer.finish();
    let (record, _store) = result.context("the task could not run")?;
    if !options.json {
        renderer.summary(&record)?;
    }
    Ok(exit_for(&record))
}

/// The models of roles that have their own (`--planner-model`, `roles.planner.model`, …), on
/// the same backend as the default model.
fn role_models(
    app: &App,
    resolved: &ResolvedConfig,
    options: &TaskRunOptions,
    default_model: &str,
) -> Result<HashMap<String, ModelTarget>> {
    let roles = &resolved.config.roles;
    let wanted = [
        (
            "planner",
            options.planner_model.clone().or(roles.planner.clone()),
        ),
        ("coder", options.coder_model.clone().or(roles.coder.clone())),
        (
            "reviewer",
            options.reviewer_model.clone().or(roles.reviewer.clone()),
        ),
        (
            "tester",
            options.tester_model.clone().or(roles.tester.clone()),
        ),
    ];
    let mut models = HashMap::new();
    for (role, model) in wanted {
        let Some(model) = model.filter(|m| !m.trim().is_empty() && m != default_model) else {
            continue;
        };
        let mut backend = options.backend.clone();
        backend.model = Some(model);
        let selected = select(app, resolved, &backend)
            .with_context(|| format!("cannot use the {role}'s model"))?;
        models.insert(role.to_string(), selected.into_target());
    }
    Ok(models)
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
