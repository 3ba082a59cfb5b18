//! Issues and their comments, labels, and who may write to a repository.

use super::client::GitHub;
use super::error::GitHubError;
use super::refs::{IssueRef, RepoName};
use super::types::{Comment, Issue, Permission, Repository};

impl GitHub {
    /// The repository (its default branch).
    pub async fn repository(&self, repo: &RepoName) -> Result<Repository, GitHubError> {
        self.get(&format!("repos/{repo}")).await
    }

    /// One issue (or pull request, read as an issue).
    pub async fn issue(&self, issue: &IssueRef) -> Result<Issue, GitHubError> {
        self.get(&format!("repos/{}/issues/{}", issue.repo, issue.number))
            .await
    }

    /// Comments on an issue or pull request.
    pub async fn comment(&self, issue: &IssueRef, body: &str) -> Result<Comment, GitHubError> {
        self.post(
            &format!("repos/{}/issues/{}/comments", issue.repo, issue.number),
            &serde_json::json!({ "body": body }),
        )
        .await
    }

    /// Adds labels to an issue or pull request.
    pub async fn add_labels(&self, issue: &IssueRef, labels: &[String]) -> Result<(), GitHubError> {
        let _: serde_json::Value = self
            .post(
                &format!("repos/{}/issues/{}/labels", issue.repo, issue.number),
                &serde_json::json!({ "labels": labels }),
            )
            .await?;
        Ok(())
    }

    /// `login`'s permission on the repository (`admin`, `write`, `read`, `none`...).
    pub async fn permission(
        &self,
        repo: &RepoName,
        login: &str,
    ) -> Result<Permission, GitHubError> {
        self.get(&format!(
            "repos/{repo}/collaborators/{}/permission",
            super::pulls::encode_query(login)
        ))
        .await
    }
}
