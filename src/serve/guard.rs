//! The checks in front of every route, in order: the request's web origin (a page of another
//! site gets 403 even on loopback), the bearer token (401; a webhook path is signed instead and
//! its handler checks the signature), and the token's rate (429 with `Retry-After`), and the
//! announced body size (413). Then the metrics of each answered request.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::state::{ServerState, SharedState};
use super::token::Token;

/// Paths anyone may fetch: the liveness probe, the dashboard's page, and the API's description
/// (as a document and as a page). None holds data: they are the same for every install, and
/// everything the page shows comes from API calls that need the token.
const OPEN_PATHS: &[&str] = &["/healthz", "/", "/favicon.ico", "/openapi.json", "/docs"];

/// Paths authenticated by a signature over the body instead of the bearer token (GitHub's
/// webhooks): their handler refuses an unsigned request with 401 before doing anything. They
/// share one rate bucket.
const SIGNED_PATHS: &[&str] = &["/v1/webhooks/github"];

/// Origin, token and rate checks.
pub async fn guard(State(state): State<SharedState>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    if let Some(origin) = headers.get(header::ORIGIN)
        && !origin_allowed(&state, origin, headers.get(header::HOST))
    {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "requests from this web origin are not allowed",
            Some("add the origin to serve.cors_origins to let its pages call agent".to_string()),
        )
        .into_response();
    }
    if OPEN_PATHS.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    let signed = SIGNED_PATHS.contains(&request.uri().path());
    let authorization = if signed {
        b"signed-webhook".as_slice()
    } else {
        let Some(authorization) = headers
            .get(header::AUTHORIZATION)
            .map(HeaderValue::as_bytes)
        else {
            return unauthorized("this request has no Authorization header");
        };
        if !state.token.accepts(authorization) {
            return unauthorized("the bearer token is not this server's");
        }
        authorization
    };
    // A body announced larger than the limit is refused before any of it is read.
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if announced.is_some_and(|length| length > super::routes::BODY_LIMIT) {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the request body is larger than {} KiB",
                super::routes::BODY_LIMIT / 1024
            ),
            Some("send a smaller body".to_string()),
        )
        .into_response();
    }
    if let Err(wait) = state
        .limiter
        .take(Token::fingerprint(authorization), Instant::now())
    {
        let seconds = wait.as_secs().max(1);
        let mut response = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too many requests with this token",
            Some(format!(
                "wait {seconds} s, or raise serve.rate_limit (requests per second)"
            )),
        )
        .into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return response;
    }
    next.run(request).await
}

fn unauthorized(why: &str) -> Response {
    let mut response = ApiError::new(
        StatusCode::UNAUTHORIZED,
        why,
        Some(
            "send Authorization: Bearer <token>; `agent serve --check` says where the token is"
                .to_string(),
        ),
    )
    .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"agent\""),
    );
    response
}

/// An origin is allowed when it is listed in `serve.cors_origins`, or when it is the server's
/// own, reached by an address of this machine (its dashboard). A page of another site that
/// rebinds its DNS name to 127.0.0.1 sends its own name as `Host`, so it is not "the server's
/// own".
fn origin_allowed(state: &ServerState, origin: &HeaderValue, host: Option<&HeaderValue>) -> bool {
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if state.cors_origins.iter().any(|allowed| allowed == origin) {
        return true;
    }
    let Some(host) = host.and_then(|h| h.to_str().ok()) else {
        return false;
    };
    origin.strip_prefix("http://") == Some(host) && is_own_host(host, state.local_addr)
}

/// Whether `host` (a `Host` header) names this server by a loopback name or its bound address.
fn is_own_host(host: &str, local: std::net::SocketAddr) -> bool {
    let port = local.port();
    let loopback = [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ];
    loopback.iter().any(|name| name == host) || host == local.to_string()
}

/// Counts each answered request by its route template (`/v1/tasks/{id}`, never the id).
pub async fn measure(State(state): State<SharedState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = next.run(request).await;
    state.metrics.request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// The CORS headers for `serve.cors_origins` (none when it is empty), answered for preflight
/// requests before any token is asked for.
pub fn cors(origins: &[String]) -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed))
        .allow_methods([
            axum::http::Method::GET,
            axum::http::Method::POST,
            axum::http::Method::DELETE,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::HeaderName::from_static("last-event-id"),
        ])
        .expose_headers([
            header::HeaderName::from_static("x-request-id"),
            header::RETRY_AFTER,
        ])
        .max_age(std::time::Duration::from_secs(600))
}
