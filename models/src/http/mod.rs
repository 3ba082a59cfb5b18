//! What the HTTP backends share: the reqwest client, base URLs, and turning transport failures
//! and error replies into [`ModelError`]s.

pub(crate) mod ndjson;

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;

use crate::error::{ModelError, Result};
use crate::text::error_chain;

/// A response body as it arrives.
pub(crate) type ByteStream = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// How long to wait for a TCP (and TLS) connection. There is no overall timeout: a model may
/// load for minutes and then stream for many more.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest excerpt of a server's reply quoted in an error message, in characters.
const EXCERPT_CHARS: usize = 200;

/// A client for one backend, with the connect timeout set.
pub(crate) fn build_client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .build()
        .map_err(|error| {
            ModelError::InvalidRequest(format!("cannot build an HTTP client: {error}"))
        })
}

/// Checks that `base_url` is an http(s) URL and returns it without a trailing slash, ready for
/// `format!("{base}/path")`.
pub(crate) fn normalize_base_url(backend: &'static str, base_url: &str) -> Result<String> {
    let trimmed = base_url.trim().trim_end_matches('/');
    match reqwest::Url::parse(trimmed) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {
            Ok(trimmed.to_owned())
        }
        Ok(_) => Err(ModelError::InvalidRequest(format!(
            "the {backend} URL `{base_url}` must start with http:// or https:// and name a host"
        ))),
        Err(error) => Err(ModelError::InvalidRequest(format!(
            "the {backend} URL `{base_url}` is not a URL: {error}"
        ))),
    }
}

/// The error for a request that got no response: refused, timed out, reset before the headers.
pub(crate) fn send_error(backend: &'static str, url: &str, error: reqwest::Error) -> ModelError {
    if error.is_builder() {
        return ModelError::InvalidRequest(format!("cannot build the request to {url}: {error}"));
    }
    ModelError::Unreachable {
        backend,
        url: url.to_owned(),
        source: Box::new(error),
    }
}

/// The error for a non-2xx response, from its status and the `error` message of its body.
///
/// A 404 whose message says a model was not found (Ollama: `model 'x' not found`; OpenAI:
/// `The model 'x' does not exist`) is [`ModelError::ModelNotFound`] when `model` is given; any
/// other 404 (a wrong base URL: `404 page not found`) stays [`ModelError::Http`]. llama.cpp's
/// `exceed_context_size_error` with its token counts is [`ModelError::ContextOverflow`].
pub(crate) async fn status_error(
    backend: &'static str,
    response: reqwest::Response,
    model: Option<&str>,
) -> ModelError {
    let status = response.status().as_u16();
    let body = match response.bytes().await {
        Ok(body) => String::from_utf8_lossy(&body).into_owned(),
        Err(error) => format!("(the error body could not be read: {error})"),
    };
    let json: Option<serde_json::Value> = serde_json::from_str(&body).ok();
    if let Some(overflow) = json.as_ref().and_then(context_overflow) {
        return overflow;
    }
    let message = json
        .as_ref()
        .and_then(error_message)
        .unwrap_or_else(|| excerpt(body.trim()));
    if let Some(model) = model {
        let lower = message.to_lowercase();
        let missing = lower.contains("not found") || lower.contains("does not exist");
        if status == 404 && lower.contains("model") && missing {
            return ModelError::ModelNotFound {
                backend,
                model: model.to_owned(),
            };
        }
    }
    let message = if message.is_empty() {
        "(empty body)".to_owned()
    } else {
        message
    };
    ModelError::Http {
        backend,
        status,
        message,
    }
}

/// The message of an error body: `{"error":"..."}` (Ollama), `{"error":{"message":"..."}}`
/// (OpenAI), or `{"message":"..."}` / `{"detail":"..."}` (some compatible servers).
pub(crate) fn error_message(body: &serde_json::Value) -> Option<String> {
    let error = body.get("error");
    let text = error
        .and_then(|error| error.get("message"))
        .or(error)
        .or_else(|| body.get("message"))
        .or_else(|| body.get("detail"))?;
    Some(match text {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    })
}

/// The start of `text`, at most [`EXCERPT_CHARS`] characters, with `…` when cut.
pub(crate) fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// The error for a body that ended (cleanly or not) before the final message.
pub(crate) fn ended_early(
    backend: &'static str,
    what: &str,
    error: Option<reqwest::Error>,
) -> ModelError {
    let message = match error {
        Some(error) => format!("stream ended before {what}: {}", error_chain(&error)),
        None => format!("stream ended before {what}"),
    };
    ModelError::Protocol { backend, message }
}

/// The error for a line or event that is not the JSON the protocol promises, quoting its start.
pub(crate) fn malformed(
    backend: &'static str,
    what: &str,
    text: &[u8],
    error: impl std::fmt::Display,
) -> ModelError {
    ModelError::Protocol {
        backend,
        message: format!(
            "malformed {what} ({error}): {}",
            excerpt(String::from_utf8_lossy(text).trim())
        ),
    }
}

/// llama.cpp's `{"error":{"type":"exceed_context_size_error","n_prompt_tokens":N,"n_ctx":M}}`.
fn context_overflow(body: &serde_json::Value) -> Option<ModelError> {
    let error = body.get("error")?;
    if error.get("type")?.as_str()? != "exceed_context_size_error" {
        return None;
    }
    let count = |key: &str| {
        error
            .get(key)
            .and_then(serde_json::Value::as_u64)
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
    };
    Some(ModelError::ContextOverflow {
        prompt_tokens: count("n_prompt_tokens")?,
        context_length: count("n_ctx")?,
        reserved: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn error_messages_come_from_either_wire_shape() {
        assert_eq!(
            error_message(&json!({"error": "model 'x' not found"})).as_deref(),
            Some("model 'x' not found")
        );
        assert_eq!(
            error_message(&json!({"error": {"message": "bad key", "type": "auth"}})).as_deref(),
            Some("bad key")
        );
        assert_eq!(
            error_message(&json!({"detail": "nope"})).as_deref(),
            Some("nope")
        );
        assert_eq!(error_message(&json!({"ok": true})), None);
    }

    #[test]
    fn excerpts_are_cut_at_a_character_boundary() {
        assert_eq!(excerpt("short"), "short");
        let long = "é".repeat(300);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn base_urls_must_be_http_and_lose_their_trailing_slash() {
        assert_eq!(
            normalize_base_url("openai", "http://127.0.0.1:8080/v1/")
                .ok()
                .as_deref(),
            Some("http://127.0.0.1:8080/v1")
        );
        assert!(matches!(
            normalize_base_url("openai", "ftp://host"),
            Err(ModelError::InvalidRequest(_))
        ));
        assert!(matches!(
            normalize_base_url("openai", "127.0.0.1:8080"),
            Err(ModelError::InvalidRequest(_))
        ));
    }

    #[test]
    fn llama_cpp_context_errors_carry_their_counts() {
        let body = json!({"error": {"code": 400, "message": "exceeds", "type": "exceed_context_size_error",
            "n_prompt_tokens": 5000, "n_ctx": 4096}});
        match context_overflow(&body) {
            Some(ModelError::ContextOverflow {
                prompt_tokens,
                context_length,
                ..
            }) => assert_eq!((prompt_tokens, context_length), (5000, 4096)),
            other => panic!("expected an overflow, got {other:?}"),
        }
        assert!(context_overflow(&json!({"error": {"type": "other"}})).is_none());
    }
}
