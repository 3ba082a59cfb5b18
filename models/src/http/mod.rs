//! What the HTTP backends share: the reqwest client, base URLs, waiting out a busy server
//! (429/503, [`send_patiently`]), and turning transport failures and error replies into
//! [`ModelError`]s.

pub(crate) mod ndjson;

use std::pin::Pin;
use std::time::{Duration, SystemTime};

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

/// How many times in all a request a server refused as busy (429, 503) is sent.
const BUSY_TRIES: u32 = 3;
/// The longest a request waits in all for a busy server; a server that asks for longer gets
/// its refusal reported instead.
const BUSY_PATIENCE: Duration = Duration::from_secs(30);
/// The wait before sending again to a 503 that names none (a server loading a model, a full
/// queue). A 429 without `Retry-After` is not sent again: it is usually a quota, not a moment.
const BUSY_DEFAULT_WAIT: Duration = Duration::from_secs(1);

/// Sends `request`; when the server answers 429 or 503 with a `Retry-After` (seconds or an HTTP
/// date) — or 503 without one — waits that long and sends it again, at most [`BUSY_TRIES`]
/// times in all and [`BUSY_PATIENCE`] of waiting. The last answer is returned whatever its
/// status; a request whose body cannot be cloned is sent once.
pub(crate) async fn send_patiently(
    request: reqwest::RequestBuilder,
) -> reqwest::Result<reqwest::Response> {
    let mut waited = Duration::ZERO;
    let mut tries = 1;
    let mut next = request.try_clone();
    let mut response = request.send().await?;
    while tries < BUSY_TRIES {
        let Some(wait) = busy_wait(&response, tries) else {
            break;
        };
        let Some(again) = next.take() else {
            break;
        };
        if waited + wait > BUSY_PATIENCE {
            break;
        }
        next = again.try_clone();
        tokio::time::sleep(wait).await;
        waited += wait;
        tries += 1;
        response = again.send().await?;
    }
    Ok(response)
}

/// How long a busy server asks to be left alone before try `tries + 1`, or `None` when the
/// answer is not "busy" (or says nothing usable about when).
fn busy_wait(response: &reqwest::Response, tries: u32) -> Option<Duration> {
    let status = response.status().as_u16();
    if status != 429 && status != 503 {
        return None;
    }
    let named = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| retry_after(value, SystemTime::now()));
    match named {
        Some(wait) => Some(wait),
        None if status == 503 => Some(BUSY_DEFAULT_WAIT * tries),
        None => None,
    }
}

/// A `Retry-After` value: delay seconds, or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`)
/// counted from `now` (a date already past is no wait).
fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = http_date(value)?;
    let now = now.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(at.saturating_sub(now)))
}

/// Seconds since the Unix epoch of an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form
/// HTTP servers send.
fn http_date(text: &str) -> Option<u64> {
    let mut parts = text.split_whitespace();
    let _weekday = parts.next()?;
    let day: u64 = parts.next()?.parse().ok()?;
    let month_name = parts.next()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|name| *name == month_name)? as u64
        + 1;
    let year: u64 = parts.next()?.parse().ok()?;
    let mut clock = parts.next()?.split(':').map(|n| n.parse::<u64>().ok());
    let (hour, minute, second) = (clock.next()??, clock.next()??, clock.next()??);
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || year < 1970 {
        return None;
    }
    // Days from 1970-01-01 to the date (the civil-from-days count, March-based years).
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let year_of_era = y % 400;
    let day_of_year = (153 * m + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = (era * 146_097 + day_of_era).checked_sub(719_468)?;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

/// The media type of a response (`text/html` of `text/html; charset=utf-8`), lower case.
pub(crate) fn media_type(response: &reqwest::Response) -> Option<String> {
    let value = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)?
        .to_str()
        .ok()?;
    let essence = value.split(';').next()?.trim().to_ascii_lowercase();
    (!essence.is_empty()).then_some(essence)
}

/// The error for a 2xx answer that is not the stream asked for: `what` the server answered
/// instead (its media type), with the error message of a JSON body or the start of any other.
pub(crate) async fn not_a_stream(
    backend: &'static str,
    media_type: &str,
    expected: &str,
    response: reqwest::Response,
) -> ModelError {
    let body = response.bytes().await.unwrap_or_default();
    let text = String::from_utf8_lossy(&body[..body.len().min(64 << 10)]);
    if let Some(message) = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .as_ref()
        .and_then(error_message)
    {
        return ModelError::ServerFailed { backend, message };
    }
    let start = excerpt(&text.split_whitespace().collect::<Vec<_>>().join(" "));
    ModelError::Protocol {
        backend,
        message: format!("the server answered {media_type}, not {expected}: {start}"),
    }
}

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
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470); // 07:27:50
        assert_eq!(retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            http_date("Thu, 29 Feb 2024 00:00:00 GMT"),
            Some(1_709_164_800)
        );
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 PST", now), None);
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
