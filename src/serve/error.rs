//! Errors as the API answers them: a status and `{"error": …, "hint": …}`, with the CLI's exit
//! classes mapped to HTTP statuses, and JSON and query extractors whose rejections look the same.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::exit::{Exit, classify};

/// An error response.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

/// The JSON body of every error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, one line.
    pub error: String,
    /// What to do about it, when agent knows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, error: impl Into<String>, hint: Option<String>) -> Self {
        Self {
            status,
            body: ErrorBody {
                error: error.into(),
                hint,
            },
        }
    }

    pub fn bad_request(error: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error, None)
    }

    pub fn not_found(what: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            format!("no {what} matches `{id}`"),
            None,
        )
    }

    /// An error of the core or the binary, with its hint, at the status of its exit class.
    /// `usage` is the status of a usage error: 400 for a bad parameter, 422 for a well-formed
    /// request the core refused (a path that is not a repository, an unknown strategy).
    pub fn from_anyhow(error: &anyhow::Error, usage: StatusCode) -> Self {
        let (exit, hint) = classify(error);
        let status = match exit {
            Exit::Usage => usage,
            Exit::NotFound => StatusCode::NOT_FOUND,
            Exit::InvalidData => StatusCode::UNPROCESSABLE_ENTITY,
            Exit::Storage => StatusCode::SERVICE_UNAVAILABLE,
            Exit::Interrupted => StatusCode::CONFLICT,
            Exit::Ok | Exit::Failure => StatusCode::INTERNAL_SERVER_ERROR,
        };
        // Like the CLI's report: credentials in the environment never reach a client.
        static REDACTOR: std::sync::LazyLock<agent_core::redact::Redactor> =
            std::sync::LazyLock::new(|| {
                agent_core::redact::Redactor::from_env(
                    &agent_core::env::EnvSnapshot::capture(),
                    [],
                    [],
                )
            });
        let message = REDACTOR.redact(&format!("{error:#}")).into_owned();
        Self::new(
            status,
            message,
            hint.map(|h| REDACTOR.redact(&h).into_owned()),
        )
    }
}

/// `text` as a path on the server's machine, which a request must give whole: a relative path
/// would mean the server's working directory, which no client knows.
pub fn absolute_path(text: &str) -> Result<std::path::PathBuf, ApiError> {
    let path = std::path::PathBuf::from(text);
    if path.is_absolute() {
        Ok(path)
    } else {
        Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("`{text}` is not an absolute path"),
            Some("give the repository's absolute path on the server's machine".to_string()),
        ))
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> Self {
        Self::from_anyhow(&error, StatusCode::BAD_REQUEST)
    }
}

impl From<agent_core::Error> for ApiError {
    fn from(error: agent_core::Error) -> Self {
        Self::from(anyhow::Error::new(error))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}

/// A JSON body; a malformed one is a 400 naming the parse error, a too-large one a 413.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    let status = rejection.status();
    let hint = match status {
        StatusCode::PAYLOAD_TOO_LARGE => Some("send a smaller body".to_string()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            Some("send the header Content-Type: application/json".to_string())
        }
        _ => Some("see /openapi.json for the request's shape".to_string()),
    };
    ApiError::new(status, rejection.body_text(), hint)
}

/// A JSON body that may be left out (an empty body is `T::default()`).
pub struct JsonOrDefault<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for JsonOrDefault<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = bytes::Bytes::from_request(request, state)
            .await
            .map_err(|rejection| ApiError::new(rejection.status(), rejection.body_text(), None))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(T::default()));
        }
        serde_json::from_slice(&bytes).map(Self).map_err(|error| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("Failed to deserialize the JSON body: {error}"),
                Some("see /openapi.json for the request's shape".to_string()),
            )
        })
    }
}

/// Query parameters; a malformed one is a 400 naming it.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(query_rejection(rejection)),
        }
    }
}

fn query_rejection(rejection: QueryRejection) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        rejection.body_text(),
        Some("see /openapi.json for the parameters".to_string()),
    )
}
