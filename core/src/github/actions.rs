//! GitHub Actions: workflow runs (polled with ETags), their jobs, and log archives.

use super::client::{Conditional, GitHub};
use super::error::GitHubError;
use super::refs::RepoName;
use super::types::{Jobs, WorkflowRuns};

/// Log archives larger than this are refused (a run's logs are usually a few MB).
pub const MAX_LOG_ARCHIVE: u64 = 64 * 1024 * 1024;

impl GitHub {
    /// Recent workflow runs, newest first, optionally on one branch; `etag` from the last poll.
    pub async fn workflow_runs(
        &self,
        repo: &RepoName,
        branch: Option<&str>,
        etag: Option<&str>,
    ) -> Result<Conditional<WorkflowRuns>, GitHubError> {
        let mut path = format!("repos/{repo}/actions/runs?per_page=30");
        if let Some(branch) = branch {
            path.push_str("&branch=");
            path.push_str(&super::pulls::encode_query(branch));
        }
        self.get_if_changed(&path, etag).await
    }

    /// The jobs of a run (its latest attempt).
    pub async fn run_jobs(&self, repo: &RepoName, run_id: u64) -> Result<Jobs, GitHubError> {
        self.get(&format!(
            "repos/{repo}/actions/runs/{run_id}/jobs?per_page=100"
        ))
        .await
    }

    /// The run's logs: a zip archive with one folder per job and one file per step. GitHub
    /// answers with a redirect to short-lived storage, which is followed without the token.
    pub async fn run_logs(&self, repo: &RepoName, run_id: u64) -> Result<Vec<u8>, GitHubError> {
        self.download(
            &format!("repos/{repo}/actions/runs/{run_id}/logs"),
            MAX_LOG_ARCHIVE,
        )
        .await
    }

    /// One job's log as plain text (also a redirect).
    pub async fn job_log(&self, repo: &RepoName, job_id: u64) -> Result<String, GitHubError> {
        let bytes = self
            .download(
                &format!("repos/{repo}/actions/jobs/{job_id}/logs"),
                MAX_LOG_ARCHIVE,
            )
            .await?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}
