//! The tasks of a session: checked when submitted (so a front learns at once that a path is not
//! a repository or a model unknown), then run to their end on a thread of their own.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::watch;

use super::approvals::{Owner, SessionAsker};
use super::hub::unstored_task_event;
use super::{Shared, lock, thread_runtime};
use crate::error::{Error, Result};
use crate::protocol::{Event, TaskSpec};
use crate::store::Store;
use crate::task::{Asker, EventSink, NoTerminal, RunRequest, TaskStatus, build_cache, runner};

/// Checks `spec`, resolves its models and starts the task; returns its id.
pub(crate) fn start(
    shared: &Arc<Shared>,
    spec: TaskSpec,
    answers_approvals: bool,
) -> Result<String> {
    if spec.description.trim().is_empty() {
        return Err(Error::InvalidArgument(
            "the task description is empty".into(),
        ));
    }
    let repo_root = crate::git::repository_root(&spec.repo)?;
    // A repository without commits or an unknown base is the op's error, not a failed task.
    crate::git::resolve_base(&repo_root, &spec.base)?;
    let setup = &shared.setup;
    let store = shared.open_store()?;
    let mut spec = spec;
    if setup.models.named() {
        spec.pinned_roles
            .extend(crate::protocol::AgentRole::TASK_ROLES);
    }
    // Running A/B tests, then the router: each role's model chosen once, for the whole task.
    let mut coin = crate::routing::rng(setup.config.routing.seed, 0);
    let enrollment =
        crate::routing::ab::enroll(&store, &mut spec, &mut || rand::Rng::random(&mut coin))?;
    let model = setup.models.resolve(spec.model.as_deref())?;
    // The class the runner records for the task (the current trained classifier), so the
    // router reads the history of the same classes.
    let complexity = crate::classifier::classify_task(
        Some(&store),
        &spec.description,
        crate::classifier::Context {
            repo: Some(&repo_root),
            similar_files: None,
        },
    )
    .0
    .complexity;
    let default = crate::routing::Candidate {
        spec: model.model.clone(),
        backend: model.backend_name.clone(),
        model: model.model.clone(),
    };
    let selections = crate::routing::route_task(
        &store,
        &setup.config.routing,
        &mut spec,
        &default,
        complexity,
        &enrollment.models,
    )?;
    let mut routing_events: Vec<Event> = enrollment
        .assignments
        .iter()
        .map(|(_, variant)| Event::AbAssigned(variant.clone()))
        .collect();
    routing_events.extend(selections);
    let mut role_models = HashMap::new();
    for (role, name) in &spec.role_models {
        if name.trim().is_empty() || *name == model.model {
            continue;
        }
        role_models.insert(*role, setup.models.resolve(Some(name))?);
    }
    // Each model as it runs tasks (checked for tool calls once per model; refused if it has none).
    let mut model = setup.models.for_tasks(model)?;
    model.cache.configure(&setup.config.cache, spec.no_cache);
    let role_models = role_models
        .into_iter()
        .map(|(role, target)| {
            let mut target = setup.models.for_tasks(target)?;
            target.cache.configure(&setup.config.cache, spec.no_cache);
            Ok((role, target))
        })
        .collect::<Result<HashMap<_, _>>>()?;
    let gate = crate::task::ModelGate::new(&setup.config, setup.models.fallback()?);
    // Stored before the op returns: a front may ask about the task the moment it has its id.
    let recorded = runner::record_task(&store, &spec, &model)?;
    let task_id = recorded.task_id.clone();
    for (test_id, variant) in &enrollment.assignments {
        if let Err(error) = store.assign_ab_variant(test_id, &task_id, &variant.variant) {
            // A task whose assignment was lost would skew the test: it does not run.
            let mut store = store;
            let _ = store.set_task_status(&task_id, TaskStatus::Failed);
            return Err(error);
        }
    }
    let (cancel, cancel_receiver) = watch::channel(false);
    let asker: Box<dyn Asker> = if answers_approvals {
        Box::new(SessionAsker::new(
            shared.approvals.clone(),
            Owner::Task(task_id.clone()),
            setup.approval_timeout,
        ))
    } else {
        Box::new(NoTerminal)
    };
    let request = RunRequest {
        recorded,
        command_env: build_cache::command_env(&repo_root, &setup.cache_dir, &setup.env),
        spec,
        model,
        role_models,
        routing_events,
        prompt_overrides: enrollment.prompts,
        asker,
        worktrees_dir: setup.worktrees_dir.clone(),
        user_prompts_dir: setup.user_prompts_dir.clone(),
        verify_timeout: setup.verify_timeout,
        tool_settings: setup.tool_settings,
        commands: setup.commands.clone(),
        mcp_servers: setup.config.mcp_servers.clone(),
        web: setup.web_tools(),
        cancel: cancel_receiver,
        map: (&setup.config.map).into(),
        gate,
    };
    lock(&shared.tasks).insert(task_id.clone(), cancel);
    let thread_shared = shared.clone();
    let thread_task_id = task_id.clone();
    let spawned = std::thread::Builder::new()
        .name(format!("task-{}", &task_id[..8.min(task_id.len())]))
        .spawn(move || run(thread_shared, thread_task_id, store, request));
    if let Err(source) = spawned {
        lock(&shared.tasks).remove(&task_id);
        // The recorded task never runs: it ends as failed rather than waiting forever.
        if let Ok(mut store) = shared.open_store() {
            let _ = store.set_task_status(&task_id, TaskStatus::Failed);
        }
        return Err(Error::Io {
            action: "start a thread for the task in",
            path: setup.worktrees_dir.clone(),
            source,
        });
    }
    Ok(task_id)
}

/// The task's thread: the whole run, its events published as they are stored.
fn run(shared: Arc<Shared>, task_id: String, store: Store, request: RunRequest) {
    let publisher = shared.clone();
    let sink: EventSink = Box::new(move |envelope| publisher.publish(envelope));
    let result = match thread_runtime() {
        Ok(runtime) => runtime
            .block_on(runner::run_task(store, request, sink))
            // The connection serves the next task of the session.
            .map(|(_, store)| shared.keep_store(store)),
        Err(source) => Err(Error::Io {
            action: "start the runtime of task",
            path: task_id.clone().into(),
            source,
        }),
    };
    if let Err(error) = result {
        // The store could not take the task's end (or it never started): the fronts still hear
        // how it ended.
        let message = error.to_string();
        shared.publish(&unstored_task_event(
            &task_id,
            Event::Error {
                message: message.clone(),
                hint: error.hint(),
                class: None,
            },
        ));
        shared.publish(&unstored_task_event(
            &task_id,
            Event::TaskFinished {
                status: TaskStatus::Failed,
                summary: message,
                branch: None,
                commit: None,
                diff_stat: None,
                prompt_tokens: 0,
                completion_tokens: 0,
                duration_ms: 0,
            },
        ));
    }
    lock(&shared.tasks).remove(&task_id);
}

/// Stops a task: one of this session's at once; another process's through the store (it polls
/// for cancel requests).
pub(crate) fn cancel(shared: &Shared, task_id: &str) -> Result<()> {
    if let Some(switch) = lock(&shared.tasks).get(task_id) {
        // A question waiting for an answer is dropped by the cancel itself.
        let _ = switch.send(true);
        return Ok(());
    }
    let store = shared.open_store()?;
    let id = store.resolve_task_id(task_id)?;
    // A task whose process died ends here and now; a live one is asked to stop.
    store.recover_orphaned_tasks()?;
    store.request_task_cancel(&id)?;
    Ok(())
}
