//! The routes of the API, the OpenAPI document generated from their types, and the layers
//! every request passes (request id, tracing, CORS, origin, token, rate, body size, timeout).

pub mod conversations;
pub mod dashboard;
pub mod events;
pub mod models;
pub mod system;
pub mod tasks;
pub mod webhooks;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, StatusCode};
use axum::routing::{get, post};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use utoipa::OpenApi;

use super::error::ApiError;
use super::guard;
use super::page;
use super::state::SharedState;

/// The largest request body taken (a task description, a chat message).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// How long a request may take to produce its response head (streams then run on).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The OpenAPI document of every route.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "agent",
        description = "The HTTP API of `agent serve`. Every route but /healthz, this description (/openapi.json, /docs), the dashboard page and POST /v1/webhooks/github (signed by GitHub instead) needs `Authorization: Bearer <token>`; errors are `{error, hint}`."
    ),
    paths(
        system::healthz, system::readyz, system::metrics, system::stats, system::classify_text,
        dashboard::dashboard,
        system::pending, system::answer,
        tasks::list, tasks::create, tasks::show, tasks::cancel, tasks::apply, tasks::discard,
        tasks::retry, tasks::undo,
        events::task_events, events::all_events,
        conversations::list, conversations::create, conversations::show, conversations::search,
        conversations::turn, conversations::interrupt, conversations::attachment,
        models::list, models::show, models::machine, models::recommend, models::pull,
        webhooks::github, webhooks::deliveries,
    ),
    components(schemas(super::error::ErrorBody)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

/// Declares the bearer token in the document.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The whole application.
pub fn router(state: SharedState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let routes = Router::new()
        .route("/", get(page::index))
        .route("/favicon.ico", get(page::favicon))
        .route("/docs", get(page::docs))
        .route("/openapi.json", get(page::openapi))
        .route("/healthz", get(system::healthz))
        .route("/readyz", get(system::readyz))
        .route("/metrics", get(system::metrics))
        .route("/v1/stats", get(system::stats))
        .route("/v1/dashboard", get(dashboard::dashboard))
        .route("/v1/classify", post(system::classify_text))
        .route("/v1/approvals", get(system::pending))
        .route("/v1/approvals/{id}", post(system::answer))
        .route("/v1/tasks", get(tasks::list).post(tasks::create))
        .route("/v1/tasks/{id}", get(tasks::show))
        .route("/v1/tasks/{id}/cancel", post(tasks::cancel))
        .route("/v1/tasks/{id}/apply", post(tasks::apply))
        .route("/v1/tasks/{id}/discard", post(tasks::discard))
        .route("/v1/tasks/{id}/retry", post(tasks::retry))
        .route("/v1/tasks/{id}/events", get(events::task_events))
        .route("/v1/undo", post(tasks::undo))
        .route("/v1/events", get(events::all_events))
        .route(
            "/v1/conversations",
            get(conversations::list).post(conversations::create),
        )
        .route("/v1/conversations/{id}", get(conversations::show))
        .route("/v1/conversations/{id}/turns", post(conversations::turn))
        .route(
            "/v1/conversations/{id}/interrupt",
            post(conversations::interrupt),
        )
        .route("/v1/search", get(conversations::search))
        .route("/v1/attachments/{sha256}", get(conversations::attachment))
        .route("/v1/models", get(models::list))
        .route("/v1/models/recommend", get(models::recommend))
        .route("/v1/models/pull", post(models::pull))
        .route("/v1/models/{name}", get(models::show))
        .route("/v1/machine", get(models::machine))
        .route("/v1/webhooks/github", post(webhooks::github))
        .route("/v1/webhooks/github/deliveries", get(webhooks::deliveries))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::guard,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::measure,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ));
    routes
        .layer(guard::cors(&state.cors_origins))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .on_response(
                    tower_http::trace::DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Micros),
                )
                .make_span_with(|request: &axum::http::Request<axum::body::Body>| {
                    let id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                        request_id = %id,
                    )
                }),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no route {}", uri.path()),
        Some("see /openapi.json for the routes".to_string()),
    )
}
