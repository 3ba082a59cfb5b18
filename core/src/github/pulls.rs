//! Pull requests: open, list, read, diff, merge, close, request reviewers, review.

use serde::Serialize;

use super::client::GitHub;
use super::error::GitHubError;
use super::refs::RepoName;
use super::types::{MergeResult, NewReview, PullRequest, Review};

/// What `POST /repos/{o}/{r}/pulls` takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewPull {
    pub title: String,
    /// The branch with the changes (`branch`, or `owner:branch` for a fork).
    pub head: String,
    /// The branch to merge into.
    pub base: String,
    pub body: String,
    pub draft: bool,
}

/// How `agent pr merge` merges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MergeMethod {
    Merge,
    Squash,
    Rebase,
}

impl GitHub {
    /// Opens a pull request.
    pub async fn create_pull(
        &self,
        repo: &RepoName,
        pull: &NewPull,
    ) -> Result<PullRequest, GitHubError> {
        self.post(&format!("repos/{repo}/pulls"), pull).await
    }

    /// Pull requests in `state` (`open`, `closed`, `all`), newest first, at most 100; `head`
    /// filters by `owner:branch`.
    pub async fn list_pulls(
        &self,
        repo: &RepoName,
        state: &str,
        head: Option<&str>,
    ) -> Result<Vec<PullRequest>, GitHubError> {
        let mut path = format!("repos/{repo}/pulls?state={state}&per_page=100");
        if let Some(head) = head {
            path.push_str("&head=");
            path.push_str(&encode_query(head));
        }
        self.get(&path).await
    }

    /// One pull request.
    pub async fn pull(&self, repo: &RepoName, number: u64) -> Result<PullRequest, GitHubError> {
        self.get(&format!("repos/{repo}/pulls/{number}")).await
    }

    /// The pull request's unified diff.
    pub async fn pull_diff(&self, repo: &RepoName, number: u64) -> Result<String, GitHubError> {
        self.get_text(
            &format!("repos/{repo}/pulls/{number}"),
            "application/vnd.github.diff",
        )
        .await
    }

    /// Merges it.
    pub async fn merge_pull(
        &self,
        repo: &RepoName,
        number: u64,
        method: MergeMethod,
    ) -> Result<MergeResult, GitHubError> {
        self.put(
            &format!("repos/{repo}/pulls/{number}/merge"),
            &serde_json::json!({ "merge_method": method }),
        )
        .await
    }

    /// Closes it without merging.
    pub async fn close_pull(
        &self,
        repo: &RepoName,
        number: u64,
    ) -> Result<PullRequest, GitHubError> {
        self.patch(
            &format!("repos/{repo}/pulls/{number}"),
            &serde_json::json!({ "state": "closed" }),
        )
        .await
    }

    /// Asks `reviewers` (user logins) to review it.
    pub async fn request_reviewers(
        &self,
        repo: &RepoName,
        number: u64,
        reviewers: &[String],
    ) -> Result<(), GitHubError> {
        let _: serde_json::Value = self
            .post(
                &format!("repos/{repo}/pulls/{number}/requested_reviewers"),
                &serde_json::json!({ "reviewers": reviewers }),
            )
            .await?;
        Ok(())
    }

    /// Posts one review with its line comments and verdict.
    pub async fn create_review(
        &self,
        repo: &RepoName,
        number: u64,
        review: &NewReview,
    ) -> Result<Review, GitHubError> {
        self.post(&format!("repos/{repo}/pulls/{number}/reviews"), review)
            .await
    }
}

/// Percent-encodes a query value (`owner:branch` may hold `/`, `+`, `&`).
pub(crate) fn encode_query(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b':' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
