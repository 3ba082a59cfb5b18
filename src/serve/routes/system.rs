//! Probes, metrics, dashboard numbers, classification of a task text, and the pending
//! approval questions with their answers.

use agent_core::classifier;
use agent_core::classify::Classification;
use agent_core::protocol::{EventEnvelope, Op};
use agent_core::store::DashboardStats;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::serve::error::{ApiError, ApiJson};
use crate::serve::state::SharedState;

/// A probe's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub ok: bool,
    pub version: String,
}

#[utoipa::path(get, path = "/healthz", tag = "system",
    responses((status = 200, body = Health, description = "the process is up (no token needed)")))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        ok: true,
        version: env!("CARGO_PKG_VERSION").to_string(),
    })
}

#[utoipa::path(get, path = "/readyz", tag = "system",
    responses((status = 200, body = Health, description = "the database answers and the server takes work"),
        (status = 503, body = crate::serve::error::ErrorBody)))]
pub async fn readyz(State(state): State<SharedState>) -> Result<Json<Health>, ApiError> {
    if state.is_stopping() {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is stopping",
            None,
        ));
    }
    state
        .stores
        .run(|store| Ok(store.schema_version()?))
        .await
        .map_err(|error| ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            ..error
        })?;
    Ok(Json(Health {
        ok: true,
        version: env!("CARGO_PKG_VERSION").to_string(),
    }))
}

#[utoipa::path(get, path = "/metrics", tag = "system",
    responses((status = 200, description = "Prometheus text format")))]
pub async fn metrics(State(state): State<SharedState>) -> Result<impl IntoResponse, ApiError> {
    let by_status = state
        .stores
        .run(|store| Ok(store.dashboard_stats(agent_core::time::now_ms())?.by_status))
        .await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(&by_status),
    ))
}

#[utoipa::path(get, path = "/v1/stats", tag = "system",
    responses((status = 200, body = Object, description = "tasks by status, success by strategy and model, tokens today and this week, recent tasks")))]
pub async fn stats(State(state): State<SharedState>) -> Result<Json<DashboardStats>, ApiError> {
    let stats = state
        .stores
        .run(|store| Ok(store.dashboard_stats(agent_core::time::now_ms())?))
        .await?;
    Ok(Json(stats))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassifyBody {
    /// A task description.
    pub text: String,
}

#[utoipa::path(post, path = "/v1/classify", tag = "system", request_body = ClassifyBody,
    responses((status = 200, body = Object, description = "complexity (simple, medium, complex), confidence and the reason")))]
pub async fn classify_text(
    State(state): State<SharedState>,
    ApiJson(body): ApiJson<ClassifyBody>,
) -> Result<Json<Classification>, ApiError> {
    // The classifier `auto` uses: the current trained version in the store, else the shipped one.
    let classification = state
        .stores
        .run(move |store| {
            let (classification, _) = classifier::classify_task(
                Some(store),
                &body.text,
                classifier::Context {
                    repo: None,
                    similar_files: None,
                },
            );
            Ok(classification)
        })
        .await?;
    Ok(Json(classification))
}

/// Questions waiting for an answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingApprovals {
    /// Their `approval_request` events (with `task_id` or `chat_id`), oldest first.
    #[schema(value_type = Vec<Object>)]
    pub approvals: Vec<EventEnvelope>,
}

#[utoipa::path(get, path = "/v1/approvals", tag = "approvals",
    responses((status = 200, body = PendingApprovals)))]
pub async fn pending(State(state): State<SharedState>) -> Json<PendingApprovals> {
    Json(PendingApprovals {
        approvals: state.session.pending_approvals(),
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalAnswer {
    /// Yes or no.
    pub approved: bool,
    /// Yes to every call like this one for the rest of the task or chat.
    #[serde(default)]
    pub always: bool,
}

/// An answer taken.
#[derive(Debug, Serialize, ToSchema)]
pub struct Answered {
    pub id: String,
    pub approved: bool,
}

#[utoipa::path(post, path = "/v1/approvals/{id}", tag = "approvals", request_body = ApprovalAnswer,
    params(("id" = String, Path, description = "the `id` of the approval_request event (its tool call)")),
    responses((status = 200, body = Answered), (status = 404, body = crate::serve::error::ErrorBody)))]
pub async fn answer(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ApprovalAnswer>,
) -> Result<Json<Answered>, ApiError> {
    state.session.submit(Op::Approve {
        id: id.clone(),
        approved: body.approved,
        always: body.always,
    })?;
    Ok(Json(Answered {
        id,
        approved: body.approved,
    }))
}
