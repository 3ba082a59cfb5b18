//! `agent task run --issue owner/repo#123`: the task is the issue, its title and body handed to
//! the model as untrusted data, and the pull request says which issue it fixes.

use std::path::Path;

use agent_core::github::{IssueRef, remote_repo, untrusted_block};
use anyhow::Result;

use crate::app::App;
use crate::output::note;

/// A task made from an issue.
pub struct IssueTask {
    /// The user's own words (`extra`) and the issue, fenced as untrusted data.
    pub description: String,
    /// How the PR names the issue: `#N` when the checkout's origin is the issue's repository,
    /// else `owner/repo#N`.
    pub fixes: String,
    /// The issue's title, for the PR.
    pub title: String,
}

/// The task for `reference` (with the user's own `extra` words first).
pub fn task_from_issue(app: &App, repo: &Path, reference: &str, extra: &str) -> Result<IssueTask> {
    let issue_ref = IssueRef::parse(reference)?;
    let github = crate::github::client_in(app, repo)?;
    let runtime = crate::models::runtime()?;
    let issue = runtime.block_on(github.issue(&issue_ref))?;
    let same_repo = runtime
        .block_on(remote_repo(repo, "origin", &github.host()))
        .is_ok_and(|origin| origin == issue_ref.repo);
    let fixes = if same_repo {
        format!("#{}", issue_ref.number)
    } else {
        issue_ref.to_string()
    };
    note(&format!(
        "Task from issue {issue_ref}: {}",
        agent_core::text::truncate_at_char_boundary(issue.title.trim(), 100)
    ));
    let mut description = format!("Resolve GitHub issue {issue_ref}.");
    if !extra.trim().is_empty() {
        description.push_str(&format!(" {}", extra.trim()));
    }
    let text = format!(
        "Title: {}\n\n{}",
        issue.title.trim(),
        issue.body.as_deref().unwrap_or("").trim()
    );
    description.push_str("\n\n");
    description.push_str(&untrusted_block(&format!("issue {issue_ref}"), &text));
    Ok(IssueTask {
        description,
        fixes,
        title: issue.title.trim().to_string(),
    })
}
