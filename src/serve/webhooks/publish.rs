//! A finished webhook task's branch pushed to the checkout's `origin` and its pull request
//! opened against the repository's default branch, `Fixes #N` for an issue.

use agent_core::github::webhook::CommentEvent;
use agent_core::github::{GitHub, NewPull, PullRequest};
use agent_core::store::TaskRecord;
use anyhow::{Context, Result, bail};

use super::comment::branch_of;
use super::repos::ServedRepo;
use crate::serve::state::SharedState;

/// Pushes the task's branch and opens its pull request. A change that contains a credential
/// the server knows (a secret-looking variable's value, the API key) is not pushed.
pub async fn publish(
    state: &SharedState,
    github: &GitHub,
    served: &ServedRepo,
    task: &TaskRecord,
    comment: &CommentEvent,
) -> Result<PullRequest> {
    let branch = branch_of(task)?.to_string();
    let (Some(base), Some(commit)) = (task.base_commit.clone(), task.commit_id.clone()) else {
        bail!("the task has no commit to publish");
    };
    let checkout = served.checkout.clone();
    let diff = tokio::task::spawn_blocking(move || committed_diff(&checkout, &base, &commit))
        .await
        .context("reading the change stopped unexpectedly")??;
    if state.app.redactor(&state.resolved).finds(&diff) {
        bail!("the change contains a credential of this server; it was not pushed");
    }
    let checkout = served.checkout.clone();
    let pushed = branch.clone();
    tokio::task::spawn_blocking(move || push(&checkout, &pushed))
        .await
        .context("the push stopped unexpectedly")??;
    let repository = github.repository(&served.name).await?;
    let mut body = task.summary.clone().unwrap_or_default();
    if !comment.issue.is_pull {
        body.push_str(&format!("\n\nFixes #{}", comment.issue.number));
    }
    body.push_str(&format!(
        "\n\nAsked for by @{} in {}.\n\n<sub>agent task `{}`</sub>",
        comment.author, comment.html_url, task.id
    ));
    let pull = github
        .create_pull(
            &served.name,
            &NewPull {
                title: task.title.clone(),
                head: branch,
                base: repository.default_branch,
                body: body.trim().to_string(),
                draft: false,
            },
        )
        .await?;
    Ok(pull)
}

/// The patch from `base` to `commit`, as plain git prints it (no external diff or text
/// conversion drivers).
fn committed_diff(checkout: &std::path::Path, base: &str, commit: &str) -> Result<String> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(checkout)
        .args([
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            base,
            commit,
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .context("cannot run git")?;
    if !output.status.success() {
        bail!(
            "git diff failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// `git push origin BRANCH` in the checkout.
fn push(checkout: &std::path::Path, branch: &str) -> Result<()> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(checkout)
        .args(["push", "--quiet", "origin"])
        .arg(format!("refs/heads/{branch}:refs/heads/{branch}"))
        .stdin(std::process::Stdio::null())
        .output()
        .context("cannot run git")?;
    if !output.status.success() {
        bail!(
            "git push failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}
