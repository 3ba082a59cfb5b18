//! What talking to GitHub can fail with, and what the user can do about each case.

use crate::error::ErrorClass;

/// An error from the GitHub API or from finding its credentials.
#[derive(Debug, thiserror::Error)]
pub enum GitHubError {
    /// No token in the environment, the keyring, the credentials file or gh's config.
    #[error("no GitHub token found for {host}")]
    NoToken { host: String },

    /// The token was refused (401): expired, revoked or mistyped.
    #[error("GitHub refused the token ({source_name}): {message}")]
    Unauthorized {
        source_name: String,
        message: String,
    },

    /// The token lacks a permission, or the resource is protected (403 without a rate limit).
    #[error("GitHub forbids this: {message}")]
    Forbidden { message: String },

    /// The primary or secondary rate limit is spent; `reset` is a Unix time when known.
    #[error("GitHub's rate limit is spent{}", reset_text(*.reset))]
    RateLimited { reset: Option<i64> },

    /// The repository, issue, pull request or run does not exist (or the token cannot see it).
    #[error("not found on GitHub: {what}")]
    NotFound { what: String },

    /// GitHub rejected the request's content (422): a PR that exists already, a bad branch.
    #[error("GitHub rejected the request: {message}")]
    Unprocessable { message: String },

    /// Another status (5xx, 409...).
    #[error("GitHub answered {status}: {message}")]
    Status { status: u16, message: String },

    /// The request did not reach GitHub or its answer was cut off.
    #[error("cannot reach GitHub at {url}: {message}")]
    Transport { url: String, message: String },

    /// GitHub's answer is not the JSON this program expects.
    #[error("unexpected answer from GitHub ({what}): {message}")]
    Decode { what: String, message: String },

    /// The user named something this program cannot parse (`owner/repo#12`, a URL).
    #[error("{0}")]
    BadReference(String),

    /// Which repository on GitHub is meant cannot be told from the checkout (no such remote, or
    /// one on another host).
    #[error("{0}")]
    UnknownRepository(String),

    /// `git push` (or another git command for GitHub) failed.
    #[error("git {action} failed: {message}")]
    Git { action: String, message: String },

    /// agent's secret store (keyring, credentials file) cannot be read or written.
    #[error("cannot use the {store}: {message}")]
    SecretStore { store: String, message: String },

    /// A downloaded log archive is not a readable zip file.
    #[error("cannot read the log archive: {0}")]
    Archive(String),
}

fn reset_text(reset: Option<i64>) -> String {
    match reset.and_then(|at| jiff::Timestamp::from_second(at).ok()) {
        Some(at) => format!(" until {at}"),
        None => String::new(),
    }
}

impl GitHubError {
    /// How a front should treat it (exit code, HTTP status).
    pub fn class(&self) -> ErrorClass {
        match self {
            GitHubError::NoToken { .. }
            | GitHubError::BadReference(_)
            | GitHubError::UnknownRepository(_) => ErrorClass::Usage,
            GitHubError::NotFound { .. } => ErrorClass::NotFound,
            GitHubError::Decode { .. } | GitHubError::Archive(_) => ErrorClass::InvalidData,
            GitHubError::SecretStore { .. } => ErrorClass::Storage,
            GitHubError::Unauthorized { .. }
            | GitHubError::Forbidden { .. }
            | GitHubError::RateLimited { .. }
            | GitHubError::Unprocessable { .. }
            | GitHubError::Status { .. }
            | GitHubError::Transport { .. }
            | GitHubError::Git { .. } => ErrorClass::Failure,
        }
    }

    /// The next step the user can take.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            GitHubError::NoToken { .. } => {
                "set GH_TOKEN, run `agent auth github` to store a token, or sign in with `gh auth login`".into()
            }
            GitHubError::Unauthorized { .. } => {
                "make a new token (repo and workflow scopes) and store it with `agent auth github`".into()
            }
            GitHubError::Forbidden { .. } => {
                "the token needs write access to the repository (contents, pull requests, issues)".into()
            }
            GitHubError::RateLimited { .. } => "wait for the reset, or use a token (60 requests an hour without one)".into(),
            GitHubError::NotFound { .. } => {
                "check the name; a private repository looks missing to a token that cannot see it".into()
            }
            GitHubError::Transport { .. } => {
                "check the network and `github.api_url` (`agent config show`)".into()
            }
            GitHubError::BadReference(_) => {
                "write owner/repo#123 or paste the issue's URL".into()
            }
            GitHubError::UnknownRepository(_) => {
                "pass --github-repo OWNER/NAME, or run it in a checkout whose remote is on GitHub"
                    .into()
            }
            GitHubError::Git { .. } => {
                "check the remote (`git remote -v`) and that you may push to it".into()
            }
            GitHubError::Unprocessable { .. }
            | GitHubError::Status { .. }
            | GitHubError::Decode { .. }
            | GitHubError::Archive(_)
            | GitHubError::SecretStore { .. } => return None,
        })
    }
}
