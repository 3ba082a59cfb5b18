//! GitHub: a REST client (pull requests, issues, reviews, Actions runs and logs), finding the
//! user's token, and the names users write (`owner/repo#12`, issue URLs, remote URLs).
//!
//! Everything GitHub sends — issue and PR text, comments, CI logs — is untrusted: callers hand it
//! to a model only marked as data. The token never leaves [`GitHubToken`] except as the request
//! header.

mod actions;
mod client;
mod credentials;
mod error;
mod issues;
mod publish;
mod pulls;
mod refs;
mod types;
mod untrusted;
pub mod webhook;

pub use actions::MAX_LOG_ARCHIVE;
pub use client::{Conditional, DEFAULT_API_URL, GitHub, RateLimit, host_of_api_url};
pub use credentials::{
    GitHubToken, ResolvedToken, TokenSource, gh_hosts_file, resolve_token, store_account,
    token_variables,
};
pub use error::GitHubError;
pub use publish::{
    CheckResult, PublishOptions, Published, publish_task, pull_request_body, remote_repo,
};
pub use pulls::{MergeMethod, NewPull};
pub use refs::{IssueRef, RepoName};
pub use types::{
    Comment, Issue, Job, Jobs, Label, MergeResult, NewReview, Permission, PullEnd, PullRequest,
    Repository, Review, ReviewComment, ReviewEvent, Step, User, WorkflowRun, WorkflowRuns,
};
pub use untrusted::untrusted_block;
