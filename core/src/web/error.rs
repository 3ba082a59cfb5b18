//! The error type of `fetch` and the browser, with the class and hint a front shows.

use crate::error::ErrorClass;

/// Everything fetching a page or driving the browser can fail with.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WebError {
    /// The address is not an absolute http(s) URL. Retrying needs another address.
    #[error("`{url}` is not a web address: {reason}")]
    InvalidUrl { url: String, reason: String },

    /// The host is (or resolves to) a loopback, private, link-local, metadata or reserved
    /// address, and `fetch.allow_hosts` does not name it. Retrying does not help.
    #[error("refused to fetch {url}: {host} is {reason} ({address})")]
    Refused {
        url: String,
        host: String,
        address: std::net::IpAddr,
        reason: &'static str,
    },

    /// The host name does not resolve. Retrying may help if DNS was down.
    #[error("cannot resolve {host}: {message}")]
    Resolve { host: String, message: String },

    /// The connection failed or broke. Retrying may help.
    #[error("cannot fetch {url}: {message}")]
    Request { url: String, message: String },

    /// The page did not arrive within `fetch.timeout`.
    #[error("{url} did not answer within {seconds} s")]
    Timeout { url: String, seconds: u64 },

    /// The body is larger than `fetch.max_bytes`; nothing of it is used.
    #[error("{url} is larger than the limit of {limit} bytes")]
    TooLarge { url: String, limit: u64 },

    /// The server answered with an error status.
    #[error("{url} answered HTTP {status}")]
    Status { url: String, status: u16 },

    /// The page redirects to another host, which is not followed without being asked.
    #[error("{from} redirects to another host: {to}")]
    CrossHostRedirect { from: String, to: String },

    /// Redirects went on past the limit (a loop).
    #[error("{url} redirected more than {limit} times")]
    TooManyRedirects { url: String, limit: usize },

    /// The body is not text (an image, an archive); only `--raw` passes it on.
    #[error("{url} is {content_type}, not text")]
    NotText { url: String, content_type: String },

    /// No Chromium (or Chrome) was found on PATH or at `browser.path`.
    #[error("the browser needs Chromium, and none was found{where_looked}")]
    NoChromium { where_looked: String },

    /// A form step is not one of `fill SELECTOR=TEXT`, `click SELECTOR`, `wait SELECTOR`.
    #[error("bad browser step `{step}`: {reason}")]
    BadStep { step: String, reason: String },

    /// Chromium started but a step failed (it crashed, a command was refused, a timeout).
    #[error("browser: {message}")]
    Browser { message: String },
}

impl WebError {
    /// Which kind of failure this is, for exit codes.
    pub fn class(&self) -> ErrorClass {
        match self {
            WebError::InvalidUrl { .. }
            | WebError::Refused { .. }
            | WebError::NoChromium { .. }
            | WebError::BadStep { .. } => ErrorClass::Usage,
            WebError::Status {
                status: 404 | 410, ..
            } => ErrorClass::NotFound,
            _ => ErrorClass::Failure,
        }
    }

    /// What the user can do about it, when there is something.
    pub fn hint(&self) -> Option<String> {
        match self {
            WebError::Refused { host, .. } => Some(format!(
                "requests to addresses of this machine or its network are refused; if you trust {host}, allow it: agent config set fetch.allow_hosts {host}"
            )),
            WebError::Timeout { .. } => {
                Some("raise the limit with fetch.timeout (seconds), e.g. -c fetch.timeout=60".into())
            }
            WebError::TooLarge { .. } => Some(
                "raise the limit with fetch.max_bytes, e.g. -c fetch.max_bytes=20000000".into(),
            ),
            WebError::CrossHostRedirect { to, .. } => {
                Some(format!("fetch that address if you trust it: agent fetch {to}"))
            }
            WebError::BadStep { .. } => Some(
                "steps are `fill SELECTOR=TEXT`, `click SELECTOR` and `wait SELECTOR`, e.g. --step 'fill #q=rust' --step 'click button'".into(),
            ),
            WebError::NotText { .. } => {
                Some("`agent fetch --raw URL > FILE` saves it as it is".into())
            }
            WebError::NoChromium { .. } => Some(
                "install it (Debian/Ubuntu: sudo apt-get install chromium; Fedora: sudo dnf install chromium; macOS: brew install --cask chromium), or set browser.path to a Chromium or Chrome binary".into(),
            ),
            _ => None,
        }
    }

    /// The error as one line for the model.
    pub fn message(&self) -> String {
        crate::text::error_chain(self).replace('\n', " ")
    }
}
