//! MCP's streamable HTTP over the reqwest the rest of agent uses (rmcp's own reqwest client is
//! for reqwest 0.13 and would bring a second HTTP stack): POST a message, read a JSON answer or
//! an SSE stream, GET the server's stream, DELETE the session. Every body is capped before it
//! is parsed: a JSON answer at `max_json_response_size`, an SSE event at `max_sse_event_size`,
//! an error body at `max_error_response_size`. Redirects are not followed (a bearer token and a
//! session id stay with the configured origin).

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::{BoxStream, Stream, StreamExt as _};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue};
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use rmcp::transport::common::http_header::{
    EVENT_STREAM_MIME_TYPE, HEADER_LAST_EVENT_ID, HEADER_SESSION_ID, JSON_MIME_TYPE,
};
use rmcp::transport::streamable_http_client::{
    AuthRequiredError, SseError, StreamableHttpClient, StreamableHttpError,
    StreamableHttpPostResponse, StreamableHttpResponseLimits,
};
use sse_stream::{Sse, SseStream};

use super::error::quote;

/// How long connecting to a server may take (the startup and call timeouts bound the rest).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A reqwest client that speaks MCP's streamable HTTP.
#[derive(Clone, Debug)]
pub(crate) struct HttpClient {
    client: reqwest::Client,
    /// The last refusal of the credentials (`HTTP 401 Unauthorized …`): rmcp's error says only
    /// "Auth required".
    refusal: Arc<std::sync::Mutex<Option<String>>>,
}

impl HttpClient {
    pub(crate) fn new() -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            // A pooled connection whose last body was not read to the end stalls the next
            // request on some servers; MCP traffic is small.
            .pool_max_idle_per_host(0)
            .build()
            .map_err(|error| format!("cannot set up HTTP: {error}"))?;
        Ok(Self {
            client,
            refusal: Arc::default(),
        })
    }

    /// How the server last refused the credentials, if it did.
    pub(crate) fn refusal(&self) -> Option<String> {
        self.refusal
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// [`refused`], remembered for [`HttpClient::refusal`].
    fn refused(&self, response: &reqwest::Response) -> Option<Failure> {
        let (failure, description) = refused(response)?;
        *self
            .refusal
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(description);
        Some(failure)
    }
}

type Failure = StreamableHttpError<reqwest::Error>;

/// What a request carries besides its body.
fn headed(
    mut request: reqwest::RequestBuilder,
    session_id: Option<&str>,
    auth_token: Option<String>,
    custom_headers: HashMap<HeaderName, HeaderValue>,
) -> reqwest::RequestBuilder {
    if let Some(session_id) = session_id {
        request = request.header(HEADER_SESSION_ID, session_id);
    }
    if let Some(token) = auth_token {
        request = request.bearer_auth(token);
    }
    for (name, value) in custom_headers {
        request = request.header(name, value);
    }
    request
}

/// The `Content-Type` without parameters, lowercased.
fn media_type(response: &reqwest::Response) -> Option<String> {
    let value = response.headers().get(CONTENT_TYPE)?.to_str().ok()?;
    Some(value.split(';').next()?.trim().to_ascii_lowercase())
}

/// Refusals of the credentials, as errors of their own (they end the handshake at once).
fn refused(response: &reqwest::Response) -> Option<(Failure, String)> {
    let status = response.status();
    if status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN {
        return None;
    }
    let challenge = response
        .headers()
        .get(reqwest::header::WWW_AUTHENTICATE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let description = format!("HTTP {status} {}", quote(challenge, 120))
        .trim_end()
        .to_string();
    Some((
        StreamableHttpError::AuthRequired(AuthRequiredError::new(description.clone())),
        description,
    ))
}

/// At most `limit` bytes of the body; `Err` when it is longer.
async fn bounded_body(response: reqwest::Response, limit: usize) -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(StreamableHttpError::Client)?;
        if body.len() + chunk.len() > limit {
            return Err(StreamableHttpError::ResponseBodyTooLarge { max_size: limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The first `limit` bytes of a body, as text for an error message.
async fn body_prefix(response: reqwest::Response, limit: usize) -> String {
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(Ok(chunk)) = stream.next().await {
        body.extend_from_slice(&chunk);
        if body.len() >= limit {
            body.truncate(limit);
            break;
        }
    }
    quote(&String::from_utf8_lossy(&body), 200)
}

/// An SSE body whose events may each be at most `limit` bytes.
fn sse(response: reqwest::Response, limit: usize) -> BoxStream<'static, Result<Sse, SseError>> {
    let bytes = EventSizeLimit {
        inner: response.bytes_stream().boxed(),
        limit,
        since_boundary: 0,
        after_newline: false,
        failed: false,
    };
    SseStream::from_bytes_stream(bytes).boxed()
}

/// Passes bytes through until an event (the text between blank lines) grows past `limit`.
struct EventSizeLimit {
    inner: BoxStream<'static, reqwest::Result<Bytes>>,
    limit: usize,
    since_boundary: usize,
    after_newline: bool,
    failed: bool,
}

impl Stream for EventSizeLimit {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.failed {
            return Poll::Ready(None);
        }
        match self.inner.poll_next_unpin(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                for byte in chunk.iter() {
                    match byte {
                        b'\n' if self.after_newline => self.since_boundary = 0,
                        b'\n' => self.after_newline = true,
                        b'\r' => {}
                        _ => self.after_newline = false,
                    }
                    self.since_boundary += 1;
                    if self.since_boundary > self.limit {
                        self.failed = true;
                        let limit = self.limit;
                        return Poll::Ready(Some(Err(std::io::Error::other(format!(
                            "an event of the server's stream passed {limit} bytes"
                        )))));
                    }
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(error))) => {
                self.failed = true;
                Poll::Ready(Some(Err(std::io::Error::other(error))))
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl StreamableHttpClient for HttpClient {
    type Error = reqwest::Error;

    async fn post_message(
        &self,
        uri: Arc<str>,
        message: ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        auth_token: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> Result<StreamableHttpPostResponse, Failure> {
        self.post_message_with_response_limits(
            uri,
            message,
            session_id,
            auth_token,
            custom_headers,
            StreamableHttpResponseLimits::default(),
        )
        .await
    }

    async fn post_message_with_max_sse_event_size(
        &self,
        uri: Arc<str>,
        message: ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        auth_token: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
        max_sse_event_size: usize,
    ) -> Result<StreamableHttpPostResponse, Failure> {
        let mut limits = StreamableHttpResponseLimits::default();
        limits.max_sse_event_size = max_sse_event_size;
        self.post_message_with_response_limits(
            uri,
            message,
            session_id,
            auth_token,
            custom_headers,
            limits,
        )
        .await
    }

    async fn post_message_with_response_limits(
        &self,
        uri: Arc<str>,
        message: ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        auth_token: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
        limits: StreamableHttpResponseLimits,
    ) -> Result<StreamableHttpPostResponse, Failure> {
        let request = self.client.post(uri.as_ref()).header(
            ACCEPT,
            format!("{JSON_MIME_TYPE}, {EVENT_STREAM_MIME_TYPE}"),
        );
        let had_session = session_id.is_some();
        let request = headed(request, session_id.as_deref(), auth_token, custom_headers);
        let response = request
            .json(&message)
            .send()
            .await
            .map_err(StreamableHttpError::Client)?;
        if let Some(refusal) = self.refused(&response) {
            return Err(refusal);
        }
        let status = response.status();
        if status == StatusCode::ACCEPTED || status == StatusCode::NO_CONTENT {
            return Ok(StreamableHttpPostResponse::Accepted);
        }
        if status == StatusCode::NOT_FOUND && had_session {
            return Err(StreamableHttpError::SessionExpired);
        }
        let awaits_nothing = !matches!(message, ClientJsonRpcMessage::Request(_));
        let new_session = response
            .headers()
            .get(HEADER_SESSION_ID)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        let kind = media_type(&response);
        if !status.is_success() {
            if kind.as_deref() == Some(JSON_MIME_TYPE) {
                let body = bounded_body(response, limits.max_json_response_size).await?;
                if let Ok(error @ ServerJsonRpcMessage::Error(_)) =
                    serde_json::from_slice::<ServerJsonRpcMessage>(&body)
                {
                    return Ok(StreamableHttpPostResponse::Json(error, new_session));
                }
                let text = quote(&String::from_utf8_lossy(&body), 200);
                return Err(StreamableHttpError::UnexpectedServerResponse(
                    format!("HTTP {status}: {text}").into(),
                ));
            }
            let text = body_prefix(response, limits.max_error_response_size).await;
            return Err(StreamableHttpError::UnexpectedServerResponse(
                format!("HTTP {status}: {text}")
                    .trim_end()
                    .to_string()
                    .into(),
            ));
        }
        match kind.as_deref() {
            Some(EVENT_STREAM_MIME_TYPE) => Ok(StreamableHttpPostResponse::Sse(
                sse(response, limits.max_sse_event_size),
                new_session,
            )),
            Some(JSON_MIME_TYPE) => {
                let body = bounded_body(response, limits.max_json_response_size).await?;
                match serde_json::from_slice::<ServerJsonRpcMessage>(&body) {
                    Ok(parsed) => Ok(StreamableHttpPostResponse::Json(parsed, new_session)),
                    Err(_) if awaits_nothing => Ok(StreamableHttpPostResponse::Accepted),
                    Err(error) => Err(StreamableHttpError::UnexpectedServerResponse(
                        format!(
                            "not a JSON-RPC message ({error}): {}",
                            quote(&String::from_utf8_lossy(&body), 120)
                        )
                        .into(),
                    )),
                }
            }
            _ if awaits_nothing => Ok(StreamableHttpPostResponse::Accepted),
            other => Err(StreamableHttpError::UnexpectedContentType(
                other.map(|kind| quote(kind, 60)),
            )),
        }
    }

    async fn delete_session(
        &self,
        uri: Arc<str>,
        session_id: Arc<str>,
        auth_token: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> Result<(), Failure> {
        let request = headed(
            self.client.delete(uri.as_ref()),
            Some(&session_id),
            auth_token,
            custom_headers,
        );
        let response = request.send().await.map_err(StreamableHttpError::Client)?;
        if response.status() == StatusCode::METHOD_NOT_ALLOWED {
            return Ok(());
        }
        response
            .error_for_status()
            .map(|_| ())
            .map_err(StreamableHttpError::Client)
    }

    async fn get_stream(
        &self,
        uri: Arc<str>,
        session_id: Option<Arc<str>>,
        last_event_id: Option<String>,
        auth_token: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> Result<BoxStream<'static, Result<Sse, SseError>>, Failure> {
        self.get_stream_with_max_sse_event_size(
            uri,
            session_id,
            last_event_id,
            auth_token,
            custom_headers,
            StreamableHttpResponseLimits::default().max_sse_event_size,
        )
        .await
    }

    async fn get_stream_with_max_sse_event_size(
        &self,
        uri: Arc<str>,
        session_id: Option<Arc<str>>,
        last_event_id: Option<String>,
        auth_token: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
        max_sse_event_size: usize,
    ) -> Result<BoxStream<'static, Result<Sse, SseError>>, Failure> {
        let mut request = self
            .client
            .get(uri.as_ref())
            .header(ACCEPT, EVENT_STREAM_MIME_TYPE);
        if let Some(last_event_id) = last_event_id {
            request = request.header(HEADER_LAST_EVENT_ID, last_event_id);
        }
        let request = headed(request, session_id.as_deref(), auth_token, custom_headers);
        let response = request.send().await.map_err(StreamableHttpError::Client)?;
        if response.status() == StatusCode::METHOD_NOT_ALLOWED {
            return Err(StreamableHttpError::ServerDoesNotSupportSse);
        }
        if let Some(refusal) = self.refused(&response) {
            return Err(refusal);
        }
        let response = response
            .error_for_status()
            .map_err(StreamableHttpError::Client)?;
        if media_type(&response).as_deref() != Some(EVENT_STREAM_MIME_TYPE) {
            return Err(StreamableHttpError::ServerDoesNotSupportSse);
        }
        Ok(sse(response, max_sse_event_size))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_event_past_the_limit_ends_the_stream_with_an_error() {
        let chunks: Vec<reqwest::Result<Bytes>> = vec![
            Ok(Bytes::from_static(b"data: small\n\n")),
            Ok(Bytes::from(format!("data: {}\n\n", "x".repeat(100)))),
        ];
        let mut limited = EventSizeLimit {
            inner: futures_util::stream::iter(chunks).boxed(),
            limit: 32,
            since_boundary: 0,
            after_newline: false,
            failed: false,
        };
        assert!(limited.next().await.unwrap().is_ok());
        let error = limited.next().await.unwrap().unwrap_err();
        assert!(error.to_string().contains("32 bytes"), "{error}");
        assert!(limited.next().await.is_none());
    }
}
