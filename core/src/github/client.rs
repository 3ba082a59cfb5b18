//! The REST client: one `reqwest` client, the token as a sensitive bearer header, GitHub's
//! media type and API version, errors mapped by status, the rate limit read from every answer,
//! and conditional requests (ETag → 304) for polling without spending the limit.

use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::credentials::{ResolvedToken, TokenSource};
use super::error::GitHubError;

const API_VERSION: &str = "2022-11-28";
const MEDIA_TYPE: &str = "application/vnd.github+json";
const TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The public API's base URL.
pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// The rate limit as the last answer reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RateLimit {
    pub limit: u64,
    pub remaining: u64,
    /// Unix time when the window resets.
    pub reset: i64,
}

/// The answer to a conditional GET.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conditional<T> {
    /// 304: nothing changed since the ETag given (and no rate limit spent).
    NotModified,
    /// The current value and its ETag for the next request.
    Fresh { value: T, etag: Option<String> },
}

/// A GitHub REST API client.
#[derive(Debug)]
pub struct GitHub {
    http: reqwest::Client,
    api_url: String,
    token: Option<ResolvedToken>,
    rate: Mutex<Option<RateLimit>>,
}

impl GitHub {
    /// A client of `api_url` (`https://api.github.com`, `https://HOST/api/v3`, a test server).
    pub fn new(api_url: &str, token: Option<ResolvedToken>) -> Result<GitHub, GitHubError> {
        let api_url = api_url.trim().trim_end_matches('/').to_string();
        let parsed = reqwest::Url::parse(&api_url).map_err(|error| {
            GitHubError::BadReference(format!("`{api_url}` is not a URL: {error}"))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(GitHubError::BadReference(format!(
                "`{api_url}` is not an http(s) URL"
            )));
        }
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(MEDIA_TYPE));
        headers.insert(
            "x-github-api-version",
            HeaderValue::from_static(API_VERSION),
        );
        let http = reqwest::Client::builder()
            .user_agent(concat!("agent/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TIMEOUT)
            .build()
            .map_err(|error| GitHubError::Transport {
                url: api_url.clone(),
                message: error.to_string(),
            })?;
        Ok(GitHub {
            http,
            api_url,
            token,
            rate: Mutex::new(None),
        })
    }

    /// The API's base URL.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    /// The host whose token this client needs (see [`host_of_api_url`]).
    pub fn host(&self) -> String {
        host_of_api_url(&self.api_url)
    }

    /// Where the token came from, when there is one.
    pub fn token_source(&self) -> Option<&TokenSource> {
        self.token.as_ref().map(|token| &token.source)
    }

    /// The token, for the one other place it is sent: `git push` to the same host.
    pub(crate) fn token(&self) -> Option<&super::credentials::GitHubToken> {
        self.token.as_ref().map(|resolved| &resolved.token)
    }

    /// The rate limit reported by the last answer.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        *self
            .rate
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `GET path` as JSON.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, GitHubError> {
        let response = self.send(self.request(Method::GET, path), path).await?;
        decode(response, path).await
    }

    /// `GET path` with `If-None-Match: etag`; a 304 costs no rate limit.
    pub async fn get_if_changed<T: DeserializeOwned>(
        &self,
        path: &str,
        etag: Option<&str>,
    ) -> Result<Conditional<T>, GitHubError> {
        let mut request = self.request(Method::GET, path);
        if let Some(etag) = etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        let response = self.send(request, path).await?;
        if response.status() == StatusCode::NOT_MODIFIED {
            return Ok(Conditional::NotModified);
        }
        let etag = response
            .headers()
            .get(header::ETAG)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        Ok(Conditional::Fresh {
            value: decode(response, path).await?,
            etag,
        })
    }

    /// `GET path` as text with another media type (`application/vnd.github.diff`).
    pub async fn get_text(&self, path: &str, accept: &str) -> Result<String, GitHubError> {
        let request = self
            .request(Method::GET, path)
            .header(header::ACCEPT, accept);
        let response = self.send(request, path).await?;
        response
            .text()
            .await
            .map_err(|error| self.transport(path, error))
    }

    /// `GET path` as bytes, following redirects (log archives redirect to storage on another
    /// host; the token is not sent there: reqwest drops it on a cross-host redirect).
    pub async fn download(&self, path: &str, max_bytes: u64) -> Result<Vec<u8>, GitHubError> {
        let mut response = self.send(self.request(Method::GET, path), path).await?;
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| self.transport(path, error))?
        {
            bytes.extend_from_slice(&chunk);
            if bytes.len() as u64 > max_bytes {
                return Err(GitHubError::Archive(format!(
                    "{path} is larger than {max_bytes} bytes"
                )));
            }
        }
        Ok(bytes)
    }

    /// `POST path` with a JSON body.
    pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, GitHubError> {
        self.with_body(Method::POST, path, body).await
    }

    /// `PATCH path` with a JSON body.
    pub async fn patch<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, GitHubError> {
        self.with_body(Method::PATCH, path, body).await
    }

    /// `PUT path` with a JSON body.
    pub async fn put<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, GitHubError> {
        self.with_body(Method::PUT, path, body).await
    }

    async fn with_body<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<T, GitHubError> {
        let response = self
            .send(self.request(method, path).json(body), path)
            .await?;
        decode(response, path).await
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let url = format!("{}/{}", self.api_url, path.trim_start_matches('/'));
        let request = self.http.request(method, url);
        match &self.token {
            Some(resolved) => {
                match HeaderValue::from_str(&format!("Bearer {}", resolved.token.expose())) {
                    Ok(mut value) => {
                        value.set_sensitive(true);
                        request.header(header::AUTHORIZATION, value)
                    }
                    Err(_) => request,
                }
            }
            None => request,
        }
    }

    /// Sends, records the rate limit, and turns an error status into a [`GitHubError`].
    async fn send(&self, request: RequestBuilder, path: &str) -> Result<Response, GitHubError> {
        let response = request
            .send()
            .await
            .map_err(|error| self.transport(path, error))?;
        let rate = rate_limit_of(response.headers());
        if let Some(rate) = rate {
            *self
                .rate
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(rate);
        }
        let status = response.status();
        if status.is_success() || status == StatusCode::NOT_MODIFIED {
            return Ok(response);
        }
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<i64>().ok());
        let body = response.text().await.unwrap_or_default();
        let message = error_message(&body, status);
        Err(match status.as_u16() {
            401 => GitHubError::Unauthorized {
                source_name: self
                    .token_source()
                    .map_or_else(|| "no token".to_string(), ToString::to_string),
                message,
            },
            403 | 429 if rate.is_some_and(|rate| rate.remaining == 0) || retry_after.is_some() => {
                GitHubError::RateLimited {
                    reset: match retry_after {
                        Some(seconds) => Some(jiff::Timestamp::now().as_second() + seconds),
                        None => rate.map(|rate| rate.reset),
                    },
                }
            }
            403 => GitHubError::Forbidden { message },
            404 => GitHubError::NotFound {
                what: path.split('?').next().unwrap_or(path).to_string(),
            },
            422 => GitHubError::Unprocessable { message },
            status => GitHubError::Status { status, message },
        })
    }

    fn transport(&self, path: &str, error: reqwest::Error) -> GitHubError {
        GitHubError::Transport {
            url: format!("{}/{}", self.api_url, path.trim_start_matches('/')),
            message: error.without_url().to_string(),
        }
    }
}

/// The web host of an API URL: `api.github.com` → `github.com`; `https://ghe/api/v3` → `ghe`.
pub fn host_of_api_url(api_url: &str) -> String {
    let host = reqwest::Url::parse(api_url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_string))
        .unwrap_or_default();
    match host.strip_prefix("api.") {
        Some("github.com") => "github.com".to_string(),
        _ => host,
    }
}

async fn decode<T: DeserializeOwned>(response: Response, path: &str) -> Result<T, GitHubError> {
    let bytes = response
        .bytes()
        .await
        .map_err(|error| GitHubError::Transport {
            url: path.to_string(),
            message: error.without_url().to_string(),
        })?;
    // 204 No Content decodes as JSON null.
    let bytes: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
    serde_json::from_slice(bytes).map_err(|error| GitHubError::Decode {
        what: path.split('?').next().unwrap_or(path).to_string(),
        message: error.to_string(),
    })
}

fn rate_limit_of(headers: &HeaderMap) -> Option<RateLimit> {
    let number = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<i64>().ok())
    };
    Some(RateLimit {
        limit: u64::try_from(number("x-ratelimit-limit")?).ok()?,
        remaining: u64::try_from(number("x-ratelimit-remaining")?).ok()?,
        reset: number("x-ratelimit-reset")?,
    })
}

/// GitHub's `{message, errors: [{message}|{code, field}]}` as one line.
fn error_message(body: &str, status: StatusCode) -> String {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
        return status.canonical_reason().unwrap_or("error").to_string();
    };
    let mut message = value["message"].as_str().unwrap_or("").to_string();
    if let Some(errors) = value["errors"].as_array() {
        let details: Vec<String> = errors
            .iter()
            .filter_map(|error| {
                // An entry is an object, or (as in "Can not approve your own pull request") a string.
                error
                    .as_str()
                    .or(error["message"].as_str())
                    .map(str::to_string)
                    .or_else(|| {
                        Some(format!(
                            "{} {}",
                            error["field"].as_str()?,
                            error["code"].as_str().unwrap_or("invalid")
                        ))
                    })
            })
            .collect();
        if !details.is_empty() {
            message = format!("{message} ({})", details.join("; "));
        }
    }
    let line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::text::truncate_at_char_boundary(&line, 300).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_urls_name_their_web_host() {
        assert_eq!(host_of_api_url("https://api.github.com"), "github.com");
        assert_eq!(host_of_api_url("https://ghe.corp/api/v3"), "ghe.corp");
        assert_eq!(host_of_api_url("http://127.0.0.1:9000"), "127.0.0.1");
    }

    #[test]
    fn error_bodies_become_one_line() {
        let body = r#"{"message":"Validation Failed","errors":[{"message":"A pull request already exists for o:b."},{"field":"head","code":"invalid"}]}"#;
        assert_eq!(
            error_message(body, StatusCode::UNPROCESSABLE_ENTITY),
            "Validation Failed (A pull request already exists for o:b.; head invalid)"
        );
        let own = r#"{"message":"Unprocessable Entity","errors":["Can not approve your own pull request"]}"#;
        assert_eq!(
            error_message(own, StatusCode::UNPROCESSABLE_ENTITY),
            "Unprocessable Entity (Can not approve your own pull request)"
        );
        assert_eq!(
            error_message("<html>", StatusCode::BAD_GATEWAY),
            "Bad Gateway"
        );
    }

    #[test]
    fn a_token_never_prints() {
        let token = ResolvedToken {
            token: super::super::GitHubToken::new("ghp_secret"),
            source: TokenSource::Environment {
                variable: "GH_TOKEN".into(),
            },
        };
        let client = GitHub::new("https://api.github.com", Some(token)).unwrap();
        assert!(!format!("{client:?}").contains("ghp_secret"));
    }
}
