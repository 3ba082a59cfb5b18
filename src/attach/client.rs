//! Requests to `agent serve` with the bearer token. Its `{error, hint}` answers, and an address
//! where nothing answers, become the CLI's one-line errors with a hint and an exit code.

use std::time::Duration;

use anyhow::Result;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Token;
use crate::exit::{Exit, UserError};

/// How long a request (not a stream) may take; the server answers within 60 s or times out.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(90);

/// A running server and how to speak to it; cheap to clone.
#[derive(Clone)]
pub struct Server {
    url: String,
    token: Token,
    http: reqwest::Client,
}

/// Why an event stream could not be opened.
pub enum StreamError {
    /// Worth another try: nothing answered, or the server was briefly unavailable.
    Retry(String),
    /// The server refused the stream for good (a wrong token, an unknown task).
    Fatal(anyhow::Error),
}

impl Server {
    pub fn new(url: String, token: Token) -> Result<Self> {
        Ok(Self {
            url: url.trim_end_matches('/').to_string(),
            token,
            http: crate::models::reqwest_client()?,
        })
    }

    /// The server's address, as the user named it (or it announced itself).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `GET path`, its JSON answer.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.call(self.request(Method::GET, path)).await
    }

    /// `GET path?query`, its JSON answer.
    pub async fn get_query<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T> {
        self.call(self.request(Method::GET, path).query(query))
            .await
    }

    /// `POST path` with a JSON body, its JSON answer.
    pub async fn post<T: DeserializeOwned>(&self, path: &str, body: &impl Serialize) -> Result<T> {
        self.call(self.request(Method::POST, path).json(body)).await
    }

    /// `POST path` without a body, where a conflict (the thing is already in the state asked
    /// for, or past it) is no error.
    pub async fn post_unless_conflict(&self, path: &str) -> Result<()> {
        let response = self
            .request(Method::POST, path)
            .timeout(REQUEST_TIMEOUT)
            .send()
            .await
            .map_err(|error| self.unreachable(&error))?;
        let status = response.status();
        if status.is_success() || status == StatusCode::CONFLICT {
            return Ok(());
        }
        Err(self.refused(response).await)
    }

    /// `POST path` with a JSON body whose answer is an event stream (a chat turn's).
    pub async fn post_stream(&self, path: &str, body: &impl Serialize) -> Result<Response> {
        let response = self
            .request(Method::POST, path)
            .header(reqwest::header::ACCEPT, "text/event-stream")
            .json(body)
            .send()
            .await
            .map_err(|error| self.unreachable(&error))?;
        if !response.status().is_success() {
            return Err(self.refused(response).await);
        }
        self.event_stream(path, response)
    }

    /// Opens the event stream at `path`, resuming after `last_event_id`.
    pub async fn open_stream(
        &self,
        path: &str,
        last_event_id: Option<&str>,
    ) -> Result<Response, StreamError> {
        let mut request = self
            .request(Method::GET, path)
            .header(reqwest::header::ACCEPT, "text/event-stream");
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id);
        }
        let response = request
            .send()
            .await
            .map_err(|error| StreamError::Retry(root_cause(&error)))?;
        let status = response.status();
        if matches!(
            status,
            StatusCode::TOO_MANY_REQUESTS
                | StatusCode::BAD_GATEWAY
                | StatusCode::SERVICE_UNAVAILABLE
                | StatusCode::GATEWAY_TIMEOUT
        ) {
            return Err(StreamError::Retry(format!("the server answered {status}")));
        }
        // `POST /v1/tasks` answers before the task is in the server's store: until the stream
        // has brought something, an unknown task may be one about to be recorded.
        if status == StatusCode::NOT_FOUND && last_event_id.is_none() {
            return Err(StreamError::Retry(format!("the server answered {status}")));
        }
        if !status.is_success() {
            return Err(StreamError::Fatal(self.refused(response).await));
        }
        self.event_stream(path, response)
            .map_err(StreamError::Fatal)
    }

    /// `response`, when it is an event stream.
    fn event_stream(&self, path: &str, response: Response) -> Result<Response> {
        let media_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("");
        if !media_type.starts_with("text/event-stream") {
            return Err(anyhow::anyhow!(
                "{} answered {path} with `{media_type}`, not an event stream",
                self.url
            ));
        }
        Ok(response)
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let request = self.http.request(method, format!("{}{path}", self.url));
        match &self.token.secret {
            Some(secret) => request.bearer_auth(secret),
            None => request,
        }
    }

    async fn call<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T> {
        let response = request
            .timeout(REQUEST_TIMEOUT)
            .send()
            .await
            .map_err(|error| self.unreachable(&error))?;
        if !response.status().is_success() {
            return Err(self.refused(response).await);
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|error| self.unreachable(&error))?;
        serde_json::from_slice(&bytes).map_err(|error| {
            anyhow::anyhow!(
                "{} answered with JSON this agent does not understand ({error})",
                self.url
            )
        })
    }

    /// A request that got no answer.
    fn unreachable(&self, error: &reqwest::Error) -> anyhow::Error {
        let cause = root_cause(error);
        if error.is_connect() {
            return UserError {
                message: format!("no agent serve at {} ({cause})", self.url),
                hint: Some(
                    "start one with `agent serve` (it prints its address), or check the URL"
                        .to_string(),
                ),
                exit: Exit::Failure,
            }
            .into();
        }
        if error.is_timeout() {
            return anyhow::anyhow!("agent serve at {} did not answer in time", self.url);
        }
        anyhow::anyhow!("the request to agent serve at {} failed: {cause}", self.url)
    }

    /// A request the server answered with an error: its message and hint, at the exit code of
    /// the status (the inverse of the server's mapping of exit classes to statuses).
    pub async fn refused(&self, response: Response) -> anyhow::Error {
        #[derive(serde::Deserialize)]
        struct ErrorBody {
            error: String,
            #[serde(default)]
            hint: Option<String>,
        }
        let status = response.status();
        let body = response
            .bytes()
            .await
            .ok()
            .and_then(|bytes| serde_json::from_slice::<ErrorBody>(&bytes).ok());
        let (message, hint) = match body {
            Some(body) => (body.error, body.hint),
            None => (
                format!("agent serve at {} answered {status}", self.url),
                None,
            ),
        };
        let exit = match status {
            StatusCode::BAD_REQUEST
            | StatusCode::UNAUTHORIZED
            | StatusCode::FORBIDDEN
            | StatusCode::PAYLOAD_TOO_LARGE
            | StatusCode::UNPROCESSABLE_ENTITY => Exit::Usage,
            StatusCode::NOT_FOUND => Exit::NotFound,
            _ => Exit::Failure,
        };
        if status == StatusCode::UNAUTHORIZED {
            return UserError {
                message: format!("agent serve at {} refused the token: {message}", self.url),
                hint: Some(self.token_hint()),
                exit,
            }
            .into();
        }
        UserError {
            message,
            hint,
            exit,
        }
        .into()
    }

    fn token_hint(&self) -> String {
        const WHERE: &str = "`agent serve --check` on its machine says where the token is";
        match (&self.token.secret, self.token.source.as_str()) {
            (_, "AGENT_SERVE_TOKEN") => format!(
                "AGENT_SERVE_TOKEN does not hold this server's token: set it to the server's ({WHERE})"
            ),
            (None, file) => format!(
                "no token: {file} cannot be read; set AGENT_SERVE_TOKEN to the server's token ({WHERE})"
            ),
            (Some(_), file) => format!(
                "{file} does not hold this server's token: set AGENT_SERVE_TOKEN to the server's ({WHERE})"
            ),
        }
    }
}

/// The innermost cause of a request's failure ("Connection refused (os error 111)").
fn root_cause(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// `id` as one path segment: unreserved characters as they are, every other byte escaped.
pub fn segment(id: &str) -> String {
    id.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_escaped_as_one_segment() {
        assert_eq!(super::segment("call_1-a.b~"), "call_1-a.b~");
        assert_eq!(super::segment("a/b c?"), "a%2Fb%20c%3F");
    }
}
