//! `/v1/tasks`: create a task with the options of `agent task run`, list and show tasks, and
//! cancel, apply, discard or retry one. Each handler is a thin translation to the session or
//! the core's task functions.

use std::collections::BTreeMap;

use agent_core::protocol::{AgentRole, Op, TaskSpec};
use agent_core::settings::{self, TaskOverrides, TaskRequest};
use agent_core::store::{TaskCursor, TaskQuery, TaskRecord};
use agent_core::task::TaskStatus;
use agent_core::task::role_models::TaskView;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::serve::error::{ApiError, ApiJson, ApiQuery, JsonOrDefault, absolute_path};
use crate::serve::state::SharedState;

/// A task to run: the options of `agent task run`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTask {
    /// What to do, in words.
    pub description: String,
    /// The repository: an absolute path on the server's machine.
    pub repo: String,
    /// The commit to start from [default: HEAD].
    #[serde(default)]
    pub base: Option<String>,
    /// auto, single, iterative or multi [default: task.strategy].
    #[serde(default)]
    pub strategy: Option<String>,
    /// auto, on-write, on-command or always [default: task.approval].
    #[serde(default)]
    pub approval: Option<String>,
    /// The command that checks the work [default: task.verify, or detected].
    #[serde(default)]
    pub verify: Option<String>,
    /// The model [default: the server's].
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub planner_model: Option<String>,
    #[serde(default)]
    pub coder_model: Option<String>,
    #[serde(default)]
    pub reviewer_model: Option<String>,
    #[serde(default)]
    pub tester_model: Option<String>,
    #[serde(default)]
    pub max_turns: Option<u32>,
    #[serde(default)]
    pub max_iterations: Option<u32>,
    #[serde(default)]
    pub max_review_rounds: Option<u32>,
    #[serde(default)]
    pub max_tool_calls: Option<u32>,
    #[serde(default)]
    pub max_tokens_total: Option<u64>,
    /// Seconds the task may take.
    #[serde(default)]
    pub timeout_seconds: Option<u64>,
    /// Whether a client answers the task's questions (`POST /v1/approvals/{id}`); without one,
    /// the approval policy refuses what it would ask about [default: true].
    #[serde(default)]
    pub answers_approvals: Option<bool>,
    /// Ask the model even where the answer cache holds the answer; keep nothing [default: false].
    #[serde(default)]
    pub no_cache: bool,
}

/// A task that was started.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: String,
    /// Where its events stream (SSE).
    pub events: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only tasks with this status.
    pub status: Option<String>,
    /// Only tasks of this repository (its root, as stored).
    pub repo: Option<String>,
    /// At most this many (1–500) [default: 50].
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A page of tasks, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskPage {
    #[schema(value_type = Vec<Object>)]
    pub tasks: Vec<TaskRecord>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyBody {
    /// Apply even when the checkout has changes of its own in the files the task touched.
    #[serde(default)]
    pub force: bool,
}

/// An applied task.
#[derive(Debug, Serialize, ToSchema)]
pub struct Applied {
    pub commit: String,
    pub repo: String,
}

/// What a discard removed.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiscardedBody {
    pub branches: Vec<String>,
}

/// A task whose stop was asked for.
#[derive(Debug, Serialize, ToSchema)]
pub struct Cancelling {
    pub id: String,
    pub status: String,
}

const MAX_PAGE: usize = 500;

#[utoipa::path(get, path = "/v1/tasks", params(ListParams), tag = "tasks",
    responses((status = 200, body = TaskPage), (status = 400, body = crate::serve::error::ErrorBody)))]
pub async fn list(
    State(state): State<SharedState>,
    RawQuery(raw): RawQuery,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Response, ApiError> {
    let status = match params.status.as_deref() {
        Some(name) => Some(TaskStatus::from_name(name).ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("unknown status `{name}`"),
                Some(format!(
                    "one of: {}",
                    TaskStatus::ALL.map(TaskStatus::as_str).join(", ")
                )),
            )
        })?),
        None => None,
    };
    let after =
        match params.cursor.as_deref() {
            Some(token) => Some(TaskCursor::decode(token).ok_or_else(|| {
                ApiError::bad_request("the cursor is not one this server gave out")
            })?),
            None => None,
        };
    let limit = params.limit.unwrap_or(50).clamp(1, MAX_PAGE);
    let query = TaskQuery {
        status,
        repo: params.repo,
        limit,
        after,
    };
    // Unchanged database, same question: the answer given last time.
    let key = format!("tasks?{}", raw.unwrap_or_default());
    let version = state.cache.version();
    if let Some(body) = version.and_then(|version| state.cache.get(&key, version)) {
        return Ok(json_body(body));
    }
    let tasks = state
        .stores
        .run(move |store| Ok(store.list_tasks_as_stored(&query)?))
        .await?;
    let next_cursor = (tasks.len() == limit)
        .then(|| tasks.last().map(|task| TaskCursor::after(task).encode()))
        .flatten();
    let body = serde_json::to_vec(&TaskPage { tasks, next_cursor })
        .map(bytes::Bytes::from)
        .map_err(|error| ApiError::from(anyhow::Error::new(error)))?;
    if let Some(version) = version {
        state.cache.put(key, version, body.clone());
    }
    Ok(json_body(body))
}

/// A JSON answer from bytes already encoded.
fn json_body(body: bytes::Bytes) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

#[utoipa::path(get, path = "/v1/tasks/{id}", tag = "tasks",
    params(("id" = String, Path, description = "a task id or a unique prefix")),
    responses((status = 200, body = Object), (status = 404, body = crate::serve::error::ErrorBody)))]
pub async fn show(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> Result<Json<TaskView>, ApiError> {
    let task = state
        .stores
        .run(move |store| {
            let id = store.resolve_task_id(&id)?;
            let task = store.task(&id)?;
            let events = store.task_events(&id, 0)?;
            Ok(TaskView::new(task, &events))
        })
        .await?;
    Ok(Json(task))
}

#[utoipa::path(post, path = "/v1/tasks", tag = "tasks", request_body = CreateTask,
    responses((status = 201, body = Created), (status = 400, body = crate::serve::error::ErrorBody),
        (status = 422, body = crate::serve::error::ErrorBody)))]
pub async fn create(
    State(state): State<SharedState>,
    ApiJson(body): ApiJson<CreateTask>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    refuse_when_stopping(&state)?;
    if body.description.trim().is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the task description is empty",
            Some("say what to do, e.g. \"fix the failing test in parser.rs\"".to_string()),
        ));
    }
    let repo = absolute_path(&body.repo)?;
    let answers = body.answers_approvals.unwrap_or(true);
    let request = TaskRequest {
        description: body.description.clone(),
        repo,
        base: body.base.clone().unwrap_or_else(|| "HEAD".to_string()),
        retry_of: None,
    };
    let overrides = overrides(&body);
    start(state, answers, move |state| {
        let resolved = state.app.config_quiet(&request.repo)?;
        Ok(settings::resolve_task(
            request,
            overrides,
            &resolved.config,
        )?)
    })
    .await
}

#[utoipa::path(post, path = "/v1/tasks/{id}/retry", tag = "tasks",
    params(("id" = String, Path, description = "a task id or a unique prefix")),
    responses((status = 201, body = Created), (status = 404, body = crate::serve::error::ErrorBody)))]
pub async fn retry(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    refuse_when_stopping(&state)?;
    let original = state
        .stores
        .run(move |store| {
            let id = store.resolve_task_id(&id)?;
            Ok(store.task(&id)?)
        })
        .await?;
    start(state, true, move |_| {
        let spec: Option<TaskSpec> = original
            .spec
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok());
        let mut spec = spec.ok_or_else(|| {
            crate::exit::UserError::usage(
                format!("task {} has no stored request to run again", original.id),
                "it was made by an older agent: start it anew with POST /v1/tasks",
            )
        })?;
        spec.retry_of = Some(original.id.clone());
        Ok(spec)
    })
    .await
}

/// Builds the spec (on the blocking pool: configuration and models may touch the disk and the
/// network), checks its models like `agent task run` does, and submits it.
async fn start(
    state: SharedState,
    answers_approvals: bool,
    spec: impl FnOnce(&SharedState) -> anyhow::Result<TaskSpec> + Send + 'static,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let worker = state.clone();
    let started = tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        let spec = spec(&worker)?;
        let root = agent_core::git::repository_root(&spec.repo)?;
        agent_core::git::resolve_base(&root, &spec.base).map_err(agent_core::Error::from)?;
        let model = worker.models.select(spec.model.as_deref())?;
        worker.models.for_tasks(model)?;
        for model in spec.role_models.values() {
            let target = worker.models.select(Some(model))?;
            worker.models.for_tasks(target)?;
        }
        let submitted = worker.session.submit(Op::RunTask {
            spec,
            answers_approvals,
        })?;
        Ok(submitted.task_id().unwrap_or_default().to_string())
    })
    .await
    .map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "starting the task stopped unexpectedly",
            None,
        )
    })?;
    let id =
        started.map_err(|error| ApiError::from_anyhow(&error, StatusCode::UNPROCESSABLE_ENTITY))?;
    let events = format!("/v1/tasks/{id}/events");
    Ok((StatusCode::CREATED, Json(Created { id, events })))
}

#[utoipa::path(post, path = "/v1/tasks/{id}/cancel", tag = "tasks",
    params(("id" = String, Path, description = "a task id or a unique prefix")),
    responses((status = 202, body = Cancelling), (status = 404, body = crate::serve::error::ErrorBody),
        (status = 409, body = crate::serve::error::ErrorBody)))]
pub async fn cancel(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Cancelling>), ApiError> {
    let session = state.session.clone();
    let task = state
        .stores
        .run(move |store| {
            let id = store.resolve_task_id(&id)?;
            store.recover_orphaned_tasks()?;
            let task = store.task(&id)?;
            if !task.status.is_final() {
                if session.is_running(&id) {
                    session.submit(Op::Cancel {
                        task_id: id.clone(),
                    })?;
                } else {
                    // Run by another agent process: it checks the store for the request.
                    store.request_task_cancel(&id)?;
                }
            }
            Ok(task)
        })
        .await?;
    if task.status.is_final() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("task {} already {}", short(&task.id), task.status),
            None,
        ));
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(Cancelling {
            id: task.id,
            status: "cancelling".to_string(),
        }),
    ))
}

#[utoipa::path(post, path = "/v1/tasks/{id}/apply", tag = "tasks", request_body = ApplyBody,
    params(("id" = String, Path, description = "a task id or a unique prefix")),
    responses((status = 200, body = Applied), (status = 404, body = crate::serve::error::ErrorBody),
        (status = 409, body = crate::serve::error::ErrorBody)))]
pub async fn apply(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    JsonOrDefault(body): JsonOrDefault<ApplyBody>,
) -> Result<Json<Applied>, ApiError> {
    let force = body.force;
    let applied = state
        .stores
        .run(move |store| {
            let id = store.resolve_task_id(&id)?;
            Ok(agent_core::task::apply::apply_task(store, &id, force)?)
        })
        .await
        .map_err(conflict_for_usage)?;
    Ok(Json(Applied {
        commit: applied.commit,
        repo: applied.repo.display().to_string(),
    }))
}

#[utoipa::path(post, path = "/v1/tasks/{id}/discard", tag = "tasks",
    params(("id" = String, Path, description = "a task id or a unique prefix")),
    responses((status = 200, body = DiscardedBody), (status = 404, body = crate::serve::error::ErrorBody),
        (status = 409, body = crate::serve::error::ErrorBody)))]
pub async fn discard(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> Result<Json<DiscardedBody>, ApiError> {
    let worktrees = state.app.paths.data_dir.join("worktrees");
    let discarded = state
        .stores
        .run(move |store| {
            let id = store.resolve_task_id(&id)?;
            Ok(agent_core::task::discard::discard_task(
                store, &id, &worktrees,
            )?)
        })
        .await
        .map_err(conflict_for_usage)?;
    Ok(Json(DiscardedBody {
        branches: discarded.branches,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UndoBody {
    /// The repository (an absolute path) whose last applied task is taken back.
    pub repo: String,
}

/// What an undo did.
#[derive(Debug, Serialize, ToSchema)]
pub struct UndoneBody {
    pub task_id: String,
    pub title: String,
    /// `reset` (the branch moved back) or `reverted` (a revert commit was added).
    pub how: String,
    /// The new HEAD, or the revert commit.
    pub commit: String,
}

#[utoipa::path(post, path = "/v1/undo", tag = "tasks", request_body = UndoBody,
    responses((status = 200, body = UndoneBody), (status = 409, body = crate::serve::error::ErrorBody),
        (status = 422, body = crate::serve::error::ErrorBody)))]
pub async fn undo(
    State(state): State<SharedState>,
    ApiJson(body): ApiJson<UndoBody>,
) -> Result<Json<UndoneBody>, ApiError> {
    let repo = absolute_path(&body.repo)?;
    let undone = state
        .stores
        .run(move |store| Ok(agent_core::task::apply::undo_last(store, &repo)?))
        .await
        .map_err(conflict_for_usage)?;
    let (how, commit) = match undone.outcome {
        agent_core::git::UndoOutcome::Reset { head } => ("reset", head),
        agent_core::git::UndoOutcome::Reverted { commit } => ("reverted", commit),
    };
    Ok(Json(UndoneBody {
        task_id: undone.task.id,
        title: undone.task.title,
        how: how.to_string(),
        commit,
    }))
}

/// A task in the wrong state for what was asked (still running, nothing to apply) is a
/// conflict with its current state, not a malformed request.
fn conflict_for_usage(error: ApiError) -> ApiError {
    if error.status == StatusCode::BAD_REQUEST {
        ApiError {
            status: StatusCode::CONFLICT,
            ..error
        }
    } else {
        error
    }
}

pub(crate) fn refuse_when_stopping(state: &SharedState) -> Result<(), ApiError> {
    if state.is_stopping() {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is stopping",
            Some("start it again, then retry".to_string()),
        ));
    }
    Ok(())
}

fn overrides(body: &CreateTask) -> TaskOverrides {
    let role_models: BTreeMap<AgentRole, String> = [
        (AgentRole::Planner, &body.planner_model),
        (AgentRole::Coder, &body.coder_model),
        (AgentRole::Reviewer, &body.reviewer_model),
        (AgentRole::Tester, &body.tester_model),
    ]
    .into_iter()
    .filter_map(|(role, model)| Some((role, model.clone()?)))
    .collect();
    TaskOverrides {
        strategy: body.strategy.clone(),
        approval: body.approval.clone(),
        verify: body.verify.clone(),
        max_turns: body.max_turns,
        max_iterations: body.max_iterations,
        max_review_rounds: body.max_review_rounds,
        max_tool_calls: body.max_tool_calls,
        max_tokens_total: body.max_tokens_total,
        timeout_seconds: body.timeout_seconds,
        model: body.model.clone(),
        role_models,
        no_cache: body.no_cache,
    }
}

fn short(id: &str) -> &str {
    &id[..id.len().min(8)]
}
