//! Runs one task end to end: record it, make its worktree, run its strategy, commit the
//! result on the task branch and finish with a status, reporting every step as an event.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use super::approval::{Approvals, Asker};
use super::context::{EventSink, ModelTarget, RolePrompt, StrategySettings, TaskContext};
use super::driver::ToolKit;
use super::finish;
use super::log::TaskLog;
use super::prompts::{self, PromptSources};
use super::role;
use super::strategy;
use crate::classifier;
use crate::classify;
use crate::error::{Error, Result};
use crate::git;
use crate::process::CommandPolicy;
use crate::protocol::{Event, SelectedBy, StepKind, StrategyKind, TaskSpec, TaskStatusChange};
use crate::repomap::{self, MapSettings};
use crate::store::{NewTask, Store, StoreOptions, TaskRecord};
use crate::task::TaskStatus;
use crate::tools::{SymbolIndex, ToolSettings, Toolbox, Workspace};
use crate::turn::TurnLedger;
use crate::untrusted::CommandAllowlist;
use crate::verify::{self, VerifyCommand};

/// Everything a task run needs besides the store.
pub struct RunRequest {
    /// The task as [`record_task`] stored it (before the request was handed to a thread, so
    /// its id answers queries at once).
    pub recorded: Recorded,
    pub spec: TaskSpec,
    /// The model of every role without one of its own.
    pub model: ModelTarget,
    /// Models of particular roles, by role name.
    pub role_models: HashMap<super::role::Role, ModelTarget>,
    /// What the session's routing decided (`ab_assigned`, `model_selected`), emitted after
    /// `strategy_selected` ([`crate::routing`]).
    pub routing_events: Vec<Event>,
    /// System prompt templates of roles that an A/B test variant set; they replace the role's
    /// prompt file.
    pub prompt_overrides: HashMap<super::role::Role, String>,
    /// Who answers approval questions ([`super::approval::NoTerminal`] when nobody can).
    pub asker: Box<dyn Asker>,
    /// Where task worktrees are created (one directory per task).
    pub worktrees_dir: PathBuf,
    /// The user's prompt overrides (`<config dir>/prompts`).
    pub user_prompts_dir: Option<PathBuf>,
    pub verify_timeout: Duration,
    pub tool_settings: ToolSettings,
    /// Extra environment for the check and the `run` tool (see [`super::build_cache`]).
    pub command_env: Vec<(String, String)>,
    /// How the check and the `run` tool's commands are started: environment without
    /// credentials, sandbox, network.
    pub commands: CommandPolicy,
    /// The MCP servers whose tools the task may use (none for a task started from untrusted
    /// text); started in the worktree when it is ready, stopped when the task ends.
    pub mcp_servers: Vec<crate::config::McpServerConfig>,
    /// The web tools (`fetch.tool`), when on. A task started from untrusted text never gets
    /// them.
    pub web: Option<crate::tools::WebTools>,
    /// Flips to true on Ctrl-C (or an Op::Cancel from a front).
    pub cancel: watch::Receiver<bool>,
    /// The repo map in the roles' prompts and the `symbols` tool.
    pub map: MapSettings,
    /// The budgets and fallback of the task's model requests.
    pub gate: super::gate::ModelGate,
}

/// A task as stored before it runs: its id and title, and the strategy chosen and why.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub task_id: String,
    title: String,
    kind: StrategyKind,
    chosen_by: SelectedBy,
    classification: classify::Classification,
    selection_reason: String,
    repo_text: String,
}

/// Stores the task `spec` describes (status pending, leased by this process) under a new id:
/// its complexity estimated, its strategy chosen. Errors (not a git repository, an empty
/// description) leave nothing stored.
pub fn record_task(store: &Store, spec: &TaskSpec, model: &ModelTarget) -> Result<Recorded> {
    let repo_root = git::repository_root(&spec.repo)?;
    if spec.description.trim().is_empty() {
        return Err(Error::InvalidArgument(
            "the task description is empty".into(),
        ));
    }
    // The complexity is estimated either way (by the current trained classifier, see
    // `crate::classifier`); `auto` lets it choose the strategy, the cheaper one when unsure.
    let (classification, min_confidence) = classifier::classify_task(
        Some(store),
        &spec.description,
        classifier::Context {
            repo: Some(&repo_root),
            similar_files: None,
        },
    );
    let (kind, chosen_by, cheaper) = match spec.strategy.fixed() {
        Some(kind) => (kind, SelectedBy::Flag, None),
        None => {
            let (kind, cheaper) = classifier::choose_strategy(&classification, min_confidence);
            (kind, SelectedBy::Auto, cheaper)
        }
    };
    let selection_reason = match chosen_by {
        SelectedBy::Auto => format!(
            "{} task ({:.0}% sure: {}) → {}{}",
            classification.complexity,
            classification.confidence * 100.0,
            classification.reason,
            kind,
            cheaper.map(|why| format!(" ({why})")).unwrap_or_default()
        ),
        SelectedBy::Flag => format!(
            "--strategy {} (the task looks {}: {})",
            kind, classification.complexity, classification.reason
        ),
    };

    let task_id = crate::ids::new_id();
    let title = title_of(&spec.description);
    let spec_json = serde_json::to_string(&spec)?;
    let repo_text = repo_root.display().to_string();
    store.create_task(&NewTask {
        id: &task_id,
        title: &title,
        description: &spec.description,
        repo: &repo_text,
        strategy: kind.as_str(),
        model: &model.model,
        backend: &model.backend_name,
        approval: spec.approval.as_str(),
        spec_json: &spec_json,
        retry_of: spec.retry_of.as_deref(),
    })?;
    store.take_task_lease(&task_id, &crate::process::ProcessIdentity::current())?;
    if let Some(context_length) = model.context_length {
        store.set_task_context_length(&task_id, context_length)?;
    }
    store.set_task_selection(
        &task_id,
        classification.complexity.as_str(),
        f64::from(classification.confidence),
        &selection_reason,
    )?;
    Ok(Recorded {
        task_id,
        title,
        kind,
        chosen_by,
        classification,
        selection_reason,
        repo_text,
    })
}

/// Runs a task. Errors before the task exists (not a git repository, unknown strategy) are
/// returned; everything after that ends the task with a status and returns its record.
#[tracing::instrument(name = "task", skip_all, fields(task_id = %request.recorded.task_id))]
pub async fn run_task(
    store: Store,
    request: RunRequest,
    sink: EventSink,
) -> Result<(TaskRecord, Store)> {
    let RunRequest {
        recorded,
        spec,
        model,
        role_models,
        routing_events,
        prompt_overrides,
        asker,
        worktrees_dir,
        user_prompts_dir,
        verify_timeout,
        tool_settings,
        command_env,
        commands,
        mcp_servers,
        web,
        cancel,
        map,
        gate,
    } = request;
    let started = Instant::now();
    let repo_root = git::repository_root(&spec.repo)?;
    let Recorded {
        task_id,
        title,
        kind,
        chosen_by,
        classification,
        selection_reason,
        repo_text,
    } = recorded;
    let mut log = TaskLog::new(store, &task_id, sink);
    log.emit(Event::TaskCreated {
        title: title.clone(),
        description: spec.description.clone(),
        repo: repo_text.clone(),
        strategy: kind,
        model: model.model.clone(),
        backend: model.backend_name.clone(),
        approval: spec.approval,
    })?;
    log.emit(Event::StrategySelected {
        strategy: kind,
        complexity: classification.complexity,
        confidence: classification.confidence,
        reason: selection_reason.clone(),
        by: chosen_by,
    })?;
    for event in routing_events {
        log.emit(event)?;
    }
    log.store_mut()
        .set_task_status(&task_id, TaskStatus::Running)?;
    log.emit(Event::TaskStatus(TaskStatusChange {
        from: TaskStatus::Pending,
        to: TaskStatus::Running,
        reason: None,
    }))?;

    // The workspace: a worktree on a new branch, so the user's checkout is never touched.
    let step = log.begin_step(StepKind::Workspace, None, None, &spec.base)?;
    let short_id: String = task_id.chars().take(8).collect();
    let branch = format!("agent/{short_id}-{}", git::slug(&title));
    let worktree_path = worktrees_dir.join(&task_id);
    let worktree = match git::create_worktree(&repo_root, &worktree_path, &branch, &spec.base) {
        Ok(worktree) => worktree,
        Err(error) => {
            let message = error.to_string();
            log.end_step(step, false, &message)?;
            log.emit(Event::Error {
                message: message.clone(),
                hint: error.hint(),
                class: None,
            })?;
            return finish::fail_early(log, message, started).await;
        }
    };
    let focus = worktree
        .path
        .join(spec.repo.strip_prefix(&repo_root).unwrap_or(Path::new("")));
    let verify_command = match &spec.verify {
        Some(command) if !command.command.trim().is_empty() => Some(command.clone()),
        _ => verify::detect(&focus).or_else(|| verify::detect(&worktree.path)),
    };
    log.store().set_task_workspace(
        &task_id,
        &worktree.branch,
        &worktree.path.display().to_string(),
        &worktree.base_commit,
        verify_command.as_ref().map(|v| v.command.as_str()),
    )?;
    log.end_step(step, true, "")?;
    log.emit(Event::WorkspaceReady {
        branch: worktree.branch.clone(),
        worktree: worktree.path.display().to_string(),
        base_commit: worktree.base_commit.clone(),
    })?;

    // The map of the worktree (canonical, as the `symbols` tool's workspace is), ranked towards
    // the task.
    let map_root = worktree
        .path
        .canonicalize()
        .unwrap_or_else(|_| worktree.path.clone());
    let map_section = repomap::for_prompt(
        log.store_mut(),
        &map_root,
        &map,
        model.context_length.unwrap_or(repomap::ASSUMED_CONTEXT),
        &spec.description,
    );
    let prompts = role_prompts(
        &worktree.path,
        &focus,
        user_prompts_dir,
        verify_command.as_ref(),
        &prompt_overrides,
        &map_section,
    );
    // The task's commands may write the worktree (and its own git metadata, not the
    // repository's), a temporary directory of the task's own and the build directories.
    let scratch = commands.scratch_dir(&format!("task-{task_id}"));
    let temp_dir = scratch.as_ref().map(|dir| dir.path().to_path_buf());
    let writable: Vec<PathBuf> = git::linked_worktree_git_dir(&worktree.path)
        .into_iter()
        .collect();
    for (name, dir) in &command_env {
        if super::build_cache::is_build_dir(name) {
            // The shared build directories are the agent's; they must exist to be allowed.
            let _ = std::fs::create_dir_all(dir);
        }
    }
    // A task started from untrusted text: no credentials, no network for `run`, and only the
    // allowed commands (the check among them).
    let commands = match &spec.untrusted {
        Some(_) => commands.for_untrusted(),
        None => commands,
    };
    let allowlist = spec.untrusted.as_ref().map(|origin| {
        CommandAllowlist::new(
            &origin.allowed_commands,
            verify_command.iter().map(|check| check.command.clone()),
        )
    });
    let run_process = commands.settings(
        writable.clone(),
        temp_dir.clone(),
        command_env.clone(),
        commands.network_run,
    );
    let check_process = commands.settings(writable, temp_dir, command_env, commands.network_check);
    let toolbox = match Workspace::new(&worktree.path) {
        Ok(workspace) => {
            let toolbox = Toolbox::new(workspace, tool_settings)
                .with_base_commit(worktree.base_commit.clone())
                .with_process(run_process);
            match (&allowlist, web) {
                (Some(allowlist), _) => toolbox.with_command_allowlist(allowlist.clone()),
                (None, Some(web)) => toolbox.with_web(web),
                (None, None) => toolbox,
            }
        }
        Err(error) => {
            let message = format!("cannot use the worktree: {error}");
            log.emit(Event::Error {
                message: message.clone(),
                hint: None,
                class: None,
            })?;
            return finish::fail_early(log, message, started).await;
        }
    };
    // A task started from untrusted text reaches no MCP server: its tools act outside the
    // worktree and the sandbox.
    let toolbox = if spec.untrusted.is_none() && mcp_servers.iter().any(|server| server.enabled) {
        let launch = crate::mcp::Launch {
            base_env: commands.base_env.clone(),
            env_filter: commands.env_filter.clone(),
            workspace: worktree.path.clone(),
        };
        let cache = log.store().path().parent().map(crate::mcp::ToolCache::new);
        let (mcp, started) =
            crate::mcp::McpTools::connect(&mcp_servers, &launch, cache.as_ref()).await;
        for server in started {
            if let Err(error) = server.result {
                log.emit(Event::Error {
                    message: format!("{error}; its tools are left out of this task"),
                    hint: error.hint(),
                    class: Some(error.class()),
                })?;
            }
        }
        toolbox.with_mcp(mcp)
    } else {
        toolbox
    };
    let toolbox = if map.enabled {
        toolbox.with_symbols(SymbolIndex {
            database: log.store().path().to_path_buf(),
            options: StoreOptions::default(),
            redactor: log.store().redactor().cloned(),
        })
    } else {
        toolbox
    };
    let limits = spec.limits;
    let cancel = watch_cancel(cancel, log.store().path(), &task_id);
    let mut ctx = TaskContext {
        task_id: task_id.clone(),
        title: title.clone(),
        description: spec.description.clone(),
        worktree: worktree.path.clone(),
        base_commit: worktree.base_commit.clone(),
        branch: worktree.branch.clone(),
        model,
        role_models,
        tools: ToolKit::new(
            toolbox,
            match allowlist {
                Some(allowlist) => {
                    Approvals::new(spec.approval, asker).with_command_allowlist(allowlist)
                }
                None => Approvals::new(spec.approval, asker),
            },
        ),
        settings: StrategySettings {
            max_iterations: spec.max_iterations,
            max_review_rounds: spec.max_review_rounds,
        },
        verify: verify_command,
        verify_timeout,
        check_process,
        prompts,
        limits,
        ledger: TurnLedger::default(),
        gate,
        log,
        cancel,
        deadline: started + Duration::from_secs(limits.max_seconds),
        status: TaskStatus::Running,
    };

    let outcome = strategy::run(kind, &mut ctx).await?;
    let finished = finish::conclude(ctx, outcome, &repo_root, started).await;
    // The task's temporary directory goes with it.
    drop(scratch);
    finished
}

/// One cancel signal for the task: the front's (Ctrl-C, a Cancel op) or a request recorded in
/// the store by `agent task cancel` in another process, polled on a thread of its own. The same
/// thread renews the task's lease until the task is over; a lease another process took away
/// (it found the task orphaned) stops the task too.
fn watch_cancel(
    mut external: watch::Receiver<bool>,
    database: &Path,
    task_id: &str,
) -> watch::Receiver<bool> {
    let (sender, receiver) = watch::channel(*external.borrow());
    let sender = std::sync::Arc::new(sender);
    let forward = sender.clone();
    tokio::spawn(async move {
        loop {
            if *external.borrow_and_update() {
                let _ = forward.send(true);
                return;
            }
            if external.changed().await.is_err() || forward.is_closed() {
                return;
            }
        }
    });
    if database.exists() {
        let database = database.to_path_buf();
        let task_id = task_id.to_string();
        std::thread::spawn(move || {
            let Ok(store) = Store::open(&database, &crate::store::StoreOptions::default()) else {
                return;
            };
            let pid = std::process::id();
            let mut renewed = std::time::Instant::now();
            while !sender.is_closed() {
                if !*sender.borrow() && store.task_cancel_requested(&task_id).unwrap_or(false) {
                    let _ = sender.send(true);
                }
                if renewed.elapsed() >= crate::store::HEARTBEAT {
                    renewed = std::time::Instant::now();
                    if let Ok(false) = store.renew_task_lease(&task_id, pid) {
                        let _ = sender.send(true);
                    }
                }
                std::thread::sleep(CANCEL_POLL);
            }
        });
    }
    receiver
}

/// How often the store is checked for a cancel request from another process.
const CANCEL_POLL: Duration = Duration::from_millis(300);

/// Every role's prompts with the check and the repository's instructions filled in. The map
/// opens each role's first request, unless the role's prompt asks for it in place (`{{map}}`, an
/// override's choice: the system prompt then differs from task to task).
fn role_prompts(
    worktree: &Path,
    focus: &Path,
    user_prompts_dir: Option<PathBuf>,
    verify: Option<&VerifyCommand>,
    overrides: &HashMap<super::role::Role, String>,
    map: &str,
) -> HashMap<super::role::Role, RolePrompt> {
    let sources = PromptSources {
        repo_dir: Some(prompts::repo_prompts_dir(worktree)),
        user_dir: user_prompts_dir,
    };
    let verify_sentence = verify
        .map(|v| format!("When you finish, `{}` runs to check your work.", v.command))
        .unwrap_or_default();
    let instructions = prompts::instructions_block(worktree, focus);
    role::ALL
        .iter()
        .map(|role| {
            let template = match overrides.get(role) {
                Some(text) => text.clone(),
                None => sources
                    .load(role.as_str())
                    .map(|p| p.text)
                    .unwrap_or_default(),
            };
            let map_in_place = template.contains(prompts::MAP_PLACEHOLDER);
            let system = prompts::render(
                &template,
                &[
                    ("verify", &verify_sentence),
                    ("instructions", &instructions),
                    ("map", map),
                ],
            );
            let prompt = RolePrompt {
                system: system.trim_end().to_string(),
                map: if map_in_place {
                    String::new()
                } else {
                    map.to_string()
                },
            };
            (*role, prompt)
        })
        .collect()
}

/// A task's title: the first line of its description, at most 72 characters.
pub fn title_of(description: &str) -> String {
    let line = description.trim().lines().next().unwrap_or("").trim();
    if line.chars().count() <= 72 {
        return line.to_string();
    }
    let mut title: String = line.chars().take(71).collect();
    title.push('…');
    title
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::role::{CODER, PLANNER};

    const MAP_A: &str = "\nRepository map (the most used definitions, `path:` then `line: code`):\ncalc.py:\n  1: def add(a, b):";
    const MAP_B: &str = "\nRepository map (the most used definitions, `path:` then `line: code`):\ngeometry.py:\n  1: def area(w, h):";

    #[test]
    fn the_map_opens_the_first_request_and_the_system_prompt_is_the_same_for_every_task() {
        let repo = tempfile::tempdir().unwrap();
        std::fs::write(repo.path().join("AGENTS.md"), "Run make test.\n").unwrap();
        let verify = VerifyCommand {
            command: "make test".into(),
            source: crate::verify::VerifySource::Flag,
        };
        let prompts = |map: &str| {
            role_prompts(
                repo.path(),
                repo.path(),
                None,
                Some(&verify),
                &HashMap::new(),
                map,
            )
        };
        let (a, b) = (prompts(MAP_A), prompts(MAP_B));
        for role in role::ALL {
            assert_eq!(a[&role].system, b[&role].system, "{role:?}");
            assert!(!a[&role].system.contains("Repository map"), "{role:?}");
        }
        let coder = &a[&CODER];
        assert!(coder.system.contains("`make test` runs to check your work"));
        assert!(coder.system.contains("Run make test."));
        assert_eq!(
            coder.opening("fix add".into()),
            format!("{}\n\nfix add", MAP_A.trim())
        );
        // No map: the request as it is.
        assert_eq!(prompts("")[&PLANNER].opening("plan".into()), "plan");
    }

    #[test]
    fn a_prompt_that_places_the_map_itself_keeps_it_there() {
        let repo = tempfile::tempdir().unwrap();
        let overrides = HashMap::from([(CODER, "House rules.\n{{map}}".to_string())]);
        let prompts = role_prompts(repo.path(), repo.path(), None, None, &overrides, MAP_A);
        let coder = &prompts[&CODER];
        assert_eq!(coder.system, format!("House rules.\n{MAP_A}"));
        assert_eq!(coder.opening("fix add".into()), "fix add");
        assert!(
            prompts[&PLANNER]
                .opening("plan".into())
                .starts_with("Repository map")
        );
    }
}
