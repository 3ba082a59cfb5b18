//! A finished webhook task published: its change checked for credentials the server knows, then
//! `agent_core::github::publish_task` (the branch pushed to the checkout's `origin`, the pull
//! request opened against the default branch with the repository's template, `Fixes #N` for an
//! issue and who asked).

use agent_core::github::webhook::CommentEvent;
use agent_core::github::{GitHub, PublishOptions, Published, publish_task};
use agent_core::store::TaskRecord;
use anyhow::{Context, Result, bail};

use super::repos::ServedRepo;
use crate::serve::state::SharedState;

/// Publishes `task`. A change that contains a credential of the server (a secret-looking
/// variable's value, the API key, a stored GitHub token) is not pushed.
pub async fn publish(
    state: &SharedState,
    github: &GitHub,
    served: &ServedRepo,
    task: &TaskRecord,
    comment: &CommentEvent,
) -> Result<Published> {
    let (Some(base), Some(commit)) = (task.base_commit.clone(), task.commit_id.clone()) else {
        bail!("the task made no commit to publish");
    };
    let checkout = served.checkout.clone();
    let diff = tokio::task::spawn_blocking(move || committed_diff(&checkout, &base, &commit))
        .await
        .context("reading the change stopped unexpectedly")??;
    if state.app.redactor(&state.resolved).finds(&diff) {
        bail!("the change contains a credential of this server; it was not pushed");
    }
    let options = PublishOptions {
        repo: Some(served.name.clone()),
        remote: "origin".to_string(),
        fixes: (!comment.issue.is_pull).then(|| format!("#{}", comment.issue.number)),
        notes: vec![format!(
            "Asked for by @{} in {}.",
            comment.author, comment.html_url
        )],
        ..PublishOptions::default()
    };
    let opener = state.clone();
    let mut store = tokio::task::spawn_blocking(move || opener.app.open_store(&opener.resolved))
        .await
        .context("opening the store stopped unexpectedly")??;
    Ok(publish_task(github, &mut store, &task.id, &options).await?)
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
