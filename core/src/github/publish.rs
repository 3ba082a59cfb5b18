//! From a finished task to a pull request: push the task's branch, then open a PR whose body
//! fills the repository's template (or a built-in one) with the task's summary, its check
//! result, the diff stat and how to see the task. Publishing twice finds the open PR instead of
//! failing, and records a `pull_request_opened` event on the task either way.

use std::path::Path;

use base64::Engine;

use super::client::GitHub;
use super::error::GitHubError;
use super::pulls::NewPull;
use super::refs::RepoName;
use super::types::PullRequest;
use crate::error::{Error, Result};
use crate::protocol::Event;
use crate::store::{Store, TaskRecord};
use crate::task::TaskStatus;

/// Where the PR template may be, in the order GitHub looks.
const TEMPLATE_PATHS: &[&str] = &[
    ".github/pull_request_template.md",
    ".github/PULL_REQUEST_TEMPLATE.md",
    "pull_request_template.md",
    "PULL_REQUEST_TEMPLATE.md",
    "docs/pull_request_template.md",
    "docs/PULL_REQUEST_TEMPLATE.md",
];
const MAX_TEMPLATE_BYTES: u64 = 64 * 1024;

/// How to publish a task.
#[derive(Debug, Clone, Default)]
pub struct PublishOptions {
    /// The repository on GitHub.
    pub repo: Option<RepoName>,
    /// The git remote to push to.
    pub remote: String,
    /// The branch to merge into; `None` is the repository's default branch.
    pub base: Option<String>,
    /// The PR's title; `None` is the task's title.
    pub title: Option<String>,
    pub draft: bool,
    pub labels: Vec<String>,
    pub reviewers: Vec<String>,
    /// The issue the PR closes, as GitHub links it: `#12` or `owner/repo#12`.
    pub fixes: Option<String>,
    /// Lines added to the body (a CI run's link, who asked).
    pub notes: Vec<String>,
    /// Push with `--force-with-lease` (only when asked).
    pub force: bool,
}

/// What publishing did.
#[derive(Debug, Clone)]
pub struct Published {
    pub pull: PullRequest,
    pub repo: RepoName,
    pub branch: String,
    /// False when an open PR for the branch existed already.
    pub created: bool,
}

/// Pushes the task's branch and opens its pull request (see the module doc).
pub async fn publish_task(
    github: &GitHub,
    store: &mut Store,
    task_id: &str,
    options: &PublishOptions,
) -> Result<Published> {
    let task = store.task(task_id)?;
    let branch = publishable_branch(&task)?;
    let checkout = Path::new(&task.repo);
    let repo = match &options.repo {
        Some(repo) => repo.clone(),
        None => remote_repo(checkout, &options.remote, &github.host()).await?,
    };
    push(github, checkout, &options.remote, &branch, options.force).await?;

    let head_label = format!("{}:{branch}", repo.owner);
    let open = github.list_pulls(&repo, "open", Some(&head_label)).await?;
    let (pull, created) = match open.into_iter().next() {
        Some(existing) => (existing, false),
        None => {
            let base = match &options.base {
                Some(base) => base.clone(),
                None => github.repository(&repo).await?.default_branch,
            };
            let verify = last_check(store, &task.id)?;
            let template = read_template(checkout);
            let body = pull_request_body(&task, verify.as_ref(), template.as_deref(), options);
            let new = NewPull {
                title: options.title.clone().unwrap_or_else(|| task.title.clone()),
                head: branch.clone(),
                base,
                body,
                draft: options.draft,
            };
            let pull = github.create_pull(&repo, &new).await?;
            let issue = super::refs::IssueRef {
                repo: repo.clone(),
                number: pull.number,
            };
            if !options.labels.is_empty() {
                github.add_labels(&issue, &options.labels).await?;
            }
            if !options.reviewers.is_empty() {
                github
                    .request_reviewers(&repo, pull.number, &options.reviewers)
                    .await?;
            }
            (pull, true)
        }
    };
    store.append_task_event(
        &task.id,
        Event::PullRequestOpened {
            repo: repo.to_string(),
            number: pull.number,
            url: pull.html_url.clone(),
            branch: branch.clone(),
        },
    )?;
    Ok(Published {
        pull,
        repo,
        branch,
        created,
    })
}

/// The task's branch, when the task succeeded with a commit on it.
fn publishable_branch(task: &TaskRecord) -> Result<String> {
    let refuse = |message: String| {
        Error::TaskState {
        message,
        hint: "only a succeeded task with a commit can become a pull request; `agent task show ID` says why it ended".into(),
    }
    };
    if task.status != TaskStatus::Succeeded {
        return Err(refuse(format!(
            "task {} {}; there is nothing to publish",
            task.id,
            task.status.as_str()
        )));
    }
    match (&task.branch, &task.commit_id) {
        (Some(branch), Some(_)) => Ok(branch.clone()),
        _ => Err(refuse(format!("task {} made no commit", task.id))),
    }
}

/// The `owner/name` of a remote whose URL is on `host`.
pub async fn remote_repo(checkout: &Path, remote: &str, host: &str) -> Result<RepoName> {
    // The configured URL as written: `get-url` would expand `insteadOf` rewrites.
    let key = format!("remote.{remote}.url");
    let url = git(checkout, &["config", "--get", &key], &[])
        .await
        .map_err(|_| {
            Error::GitHub(GitHubError::UnknownRepository(format!(
                "cannot tell which GitHub repository is meant: no remote `{remote}` in {}",
                checkout.display()
            )))
        })?;
    RepoName::from_remote_url(url.trim(), host).ok_or_else(|| {
        Error::GitHub(GitHubError::UnknownRepository(format!(
            "cannot tell which GitHub repository is meant: remote `{remote}` ({}) is not on {host}",
            crate::redact::redact_url_credentials(url.trim())
        )))
    })
}

/// `git push REMOTE BRANCH`. The remote's own credentials are used; for an https remote on the
/// GitHub host the token is added as an extra header through the environment (never the
/// command line, where other users could read it).
async fn push(
    github: &GitHub,
    checkout: &Path,
    remote: &str,
    branch: &str,
    force: bool,
) -> Result<()> {
    let url = git(checkout, &["remote", "get-url", "--push", remote], &[]).await?;
    let mut env: Vec<(String, String)> = vec![("GIT_TERMINAL_PROMPT".into(), "0".into())];
    let host = github.host();
    if let Some(token) = github.token()
        && url.trim().starts_with(&format!("https://{host}/"))
    {
        let basic = base64::engine::general_purpose::STANDARD
            .encode(format!("x-access-token:{}", token.expose()));
        env.extend([
            ("GIT_CONFIG_COUNT".into(), "1".into()),
            (
                "GIT_CONFIG_KEY_0".into(),
                format!("http.https://{host}/.extraheader"),
            ),
            (
                "GIT_CONFIG_VALUE_0".into(),
                format!("AUTHORIZATION: basic {basic}"),
            ),
        ]);
    }
    let refspec = format!("refs/heads/{branch}:refs/heads/{branch}");
    let mut args = vec!["push", "--porcelain"];
    if force {
        args.push("--force-with-lease");
    }
    args.extend([remote, refspec.as_str()]);
    git(checkout, &args, &env).await.map(|_| ())
}

async fn git(dir: &Path, args: &[&str], env: &[(String, String)]) -> Result<String> {
    let output = tokio::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|error| GitHubError::Git {
            action: args.first().copied().unwrap_or("").to_string(),
            message: format!("cannot run git: {error}"),
        })?;
    if output.status.success() {
        return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let reason = stderr
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty() && !line.starts_with("hint:"))
        .unwrap_or("no output");
    Err(GitHubError::Git {
        action: args.first().copied().unwrap_or("").to_string(),
        message: crate::redact::redact_url_credentials(reason.trim()).into_owned(),
    }
    .into())
}

/// The task's last check: passed, and the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    pub passed: bool,
    pub command: String,
}

fn last_check(store: &Store, task_id: &str) -> Result<Option<CheckResult>> {
    let mut command = String::new();
    let mut result = None;
    for envelope in store.task_events(task_id, 0)? {
        match envelope.event {
            Event::VerifyBegin { command: c, .. } => command = c,
            Event::VerifyEnd { passed, .. } => {
                result = Some(CheckResult {
                    passed,
                    command: command.clone(),
                })
            }
            _ => {}
        }
    }
    Ok(result)
}

fn read_template(checkout: &Path) -> Option<String> {
    TEMPLATE_PATHS.iter().find_map(|relative| {
        let path = checkout.join(relative);
        let metadata = std::fs::symlink_metadata(&path).ok()?;
        if !metadata.is_file() || metadata.len() > MAX_TEMPLATE_BYTES {
            return None;
        }
        std::fs::read_to_string(path).ok()
    })
}

/// The PR body: the repository's template with the summary and check filled in under its
/// matching headings (else the built-in layout), then the changes, `Fixes #N`, notes and a
/// footer naming the task.
pub fn pull_request_body(
    task: &TaskRecord,
    check: Option<&CheckResult>,
    template: Option<&str>,
    options: &PublishOptions,
) -> String {
    let summary = task
        .summary
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| task.title.clone());
    let check_line = match check {
        Some(CheckResult {
            passed: true,
            command,
        }) => format!("✅ `{command}` passed on the task's branch."),
        Some(CheckResult {
            passed: false,
            command,
        }) => format!("❌ `{command}` failed on the task's branch."),
        None => "No check ran (none was detected or configured).".to_string(),
    };
    let mut body = match template {
        Some(template) => fill_template(template, &summary, &check_line),
        None => format!("## Summary\n\n{summary}\n\n## Check\n\n{check_line}\n"),
    };
    if let Some(stat) = &task.diff_stat {
        body.push_str(&format!("\n## Changes\n\n{stat}\n\n"));
        for file in stat.files.iter().take(50) {
            body.push_str(&format!("- `{file}`\n"));
        }
        if stat.files.len() > 50 {
            body.push_str(&format!("- … and {} more\n", stat.files.len() - 50));
        }
    }
    if let Some(issue) = &options.fixes {
        body.push_str(&format!("\nFixes {issue}\n"));
    }
    for note in &options.notes {
        body.push_str(&format!("\n{note}\n"));
    }
    body.push_str(&format!(
        "\n---\nMade by agent, task `{}` (`agent task show {}`).\n",
        task.id, task.id
    ));
    body
}

/// Puts `summary` under the template's first heading about a summary or description, and
/// `check` under its first heading about tests or checks; what has no heading goes on top.
fn fill_template(template: &str, summary: &str, check: &str) -> String {
    let heading_index = |words: &[&str]| {
        template.lines().position(|line| {
            let line = line.trim_start();
            line.starts_with('#') && {
                let lower = line.to_lowercase();
                words.iter().any(|word| lower.contains(word))
            }
        })
    };
    let summary_at = heading_index(&["summary", "description", "what", "changes"]);
    let check_at = heading_index(&["test", "check", "verif"]);
    let mut out = String::new();
    if summary_at.is_none() {
        out.push_str(&format!("{summary}\n\n"));
    }
    if check_at.is_none() {
        out.push_str(&format!("{check}\n\n"));
    }
    for (index, line) in template.lines().enumerate() {
        out.push_str(line);
        out.push('\n');
        if Some(index) == summary_at {
            out.push_str(&format!("\n{summary}\n"));
        }
        if Some(index) == check_at {
            out.push_str(&format!("\n{check}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::DiffStat;

    fn task() -> TaskRecord {
        serde_json::from_value(serde_json::json!({
            "id": "t-1a2b3c", "title": "Fix the greeting", "description": "Fix the greeting",
            "repo": "/tmp/repo", "status": "succeeded", "branch": "agent/t-1a2b3c-fix",
            "commit_id": "abc123", "prompt_tokens": 0, "completion_tokens": 0, "created_at": 0,
        }))
        .unwrap()
    }

    #[test]
    fn the_built_in_body_has_summary_check_changes_and_fixes() {
        let mut task = task();
        task.summary = Some("Fixed the typo in the greeting.".into());
        task.diff_stat = Some(DiffStat {
            files_changed: 1,
            insertions: 1,
            deletions: 1,
            files: vec!["src/greet.rs".into()],
        });
        let check = CheckResult {
            passed: true,
            command: "cargo test".into(),
        };
        let options = PublishOptions {
            fixes: Some("#12".into()),
            notes: vec!["CI run: https://github.com/o/r/actions/runs/9".into()],
            ..PublishOptions::default()
        };
        let body = pull_request_body(&task, Some(&check), None, &options);
        assert!(
            body.starts_with("## Summary\n\nFixed the typo in the greeting."),
            "{body}"
        );
        assert!(body.contains("✅ `cargo test` passed"), "{body}");
        assert!(body.contains("1 file changed"), "{body}");
        assert!(body.contains("- `src/greet.rs`"), "{body}");
        assert!(body.contains("\nFixes #12\n"), "{body}");
        assert!(body.contains("actions/runs/9"), "{body}");
        assert!(
            body.contains(&format!("agent task show {}", task.id)),
            "{body}"
        );
    }

    #[test]
    fn a_template_is_filled_under_its_headings() {
        let template = "## What does this change?\n<!-- describe -->\n\n## How was it tested?\n\n## Checklist\n- [ ] docs\n";
        let filled = fill_template(template, "SUMMARY", "CHECK");
        let summary = filled.find("SUMMARY").unwrap();
        let check = filled.find("CHECK").unwrap();
        assert!(filled.find("## What does").unwrap() < summary);
        assert!(summary < filled.find("## How was it tested").unwrap());
        assert!(filled.find("## How was it tested").unwrap() < check);
        assert!(check < filled.find("## Checklist").unwrap());
        assert!(filled.contains("- [ ] docs"));

        let bare = fill_template("Thanks for contributing!\n", "SUMMARY", "CHECK");
        assert!(bare.starts_with("SUMMARY\n\nCHECK\n\nThanks"), "{bare}");
    }

    #[test]
    fn only_a_succeeded_task_with_a_commit_is_published() {
        let mut task = task();
        assert!(publishable_branch(&task).is_ok());
        task.commit_id = None;
        assert!(matches!(
            publishable_branch(&task),
            Err(Error::TaskState { .. })
        ));
        task.commit_id = Some("abc".into());
        task.status = TaskStatus::Failed;
        assert!(matches!(
            publishable_branch(&task),
            Err(Error::TaskState { .. })
        ));
    }
}
