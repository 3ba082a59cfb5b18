//! `agent pr list|show|checkout|merge|close|comment`: the everyday pull request commands.

use std::io::Read;
use std::path::PathBuf;

use agent_core::github::{GitHub, IssueRef, MergeMethod, PullRequest, RepoName};
use anyhow::{Context, Result};

use crate::app::App;
use crate::cli::GitHubTarget;
use crate::exit::{Exit, UserError};
use crate::output::{note, print, print_json};

/// The client, the repository and the local checkout a command works on.
struct Target {
    github: GitHub,
    repo: RepoName,
    dir: PathBuf,
}

fn target(app: &App, target: &GitHubTarget) -> Result<Target> {
    let dir = target
        .repo
        .as_deref()
        .map_or_else(|| app.cwd.clone(), |dir| app.cwd.join(dir));
    let github = crate::github::client_in(app, &dir)?;
    let repo =
        crate::github::repo_name(&github, &dir, target.github_repo.as_deref(), &target.remote)?;
    Ok(Target { github, repo, dir })
}

pub fn list(app: &App, target_args: &GitHubTarget, state: &str, json: bool) -> Result<Exit> {
    let Target { github, repo, .. } = target(app, target_args)?;
    let pulls = crate::models::runtime()?.block_on(github.list_pulls(&repo, state, None))?;
    if json {
        print_json(&pulls)?;
        return Ok(Exit::Ok);
    }
    if pulls.is_empty() {
        note(&format!("No {state} pull requests in {repo}."));
    }
    let mut out = String::new();
    for pull in &pulls {
        out.push_str(&format!(
            "#{:<5} {:<8} {:<40} {}\n",
            pull.number,
            state_of(pull),
            clip(&pull.title, 40),
            pull.head.branch
        ));
    }
    print(&out)?;
    Ok(Exit::Ok)
}

/// `text` cut to `max` characters, with `…` when cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn state_of(pull: &PullRequest) -> &str {
    if pull.merged {
        "merged"
    } else if pull.draft && pull.state == "open" {
        "draft"
    } else {
        &pull.state
    }
}

pub fn show(app: &App, number: u64, target_args: &GitHubTarget, json: bool) -> Result<Exit> {
    let Target { github, repo, .. } = target(app, target_args)?;
    let pull = crate::models::runtime()?.block_on(github.pull(&repo, number))?;
    if json {
        print_json(&pull)?;
        return Ok(Exit::Ok);
    }
    print(&format!(
        "{repo}#{} {}\nstate    {}\nbranch   {} → {}\nauthor   {}\nurl      {}\n\n{}\n",
        pull.number,
        pull.title,
        state_of(&pull),
        pull.head.branch,
        pull.base.branch,
        pull.user.login,
        pull.html_url,
        pull.body.as_deref().unwrap_or("").trim()
    ))?;
    Ok(Exit::Ok)
}

/// Fetches the PR's head into a local branch of the same name and checks it out.
pub fn checkout(app: &App, number: u64, target_args: &GitHubTarget) -> Result<Exit> {
    let Target { github, repo, dir } = target(app, target_args)?;
    let pull = crate::models::runtime()?.block_on(github.pull(&repo, number))?;
    let branch = pull.head.branch.clone();
    if branch.starts_with('-') || branch.contains("..") {
        return Err(UserError::usage(
            format!("the pull request's branch name `{branch}` is not safe to check out"),
            "check it out by hand",
        )
        .into());
    }
    // A fork's branch is not on the remote under its name; GitHub keeps every PR's head at
    // refs/pull/N/head.
    let same_repo = pull
        .head
        .label
        .split_once(':')
        .is_none_or(|(owner, _)| owner == repo.owner);
    let source = if same_repo {
        format!("refs/heads/{branch}")
    } else {
        format!("refs/pull/{number}/head")
    };
    let refspec = format!("+{source}:refs/heads/{branch}");
    git(&dir, &["fetch", "--", &target_args.remote, &refspec])?;
    git(&dir, &["checkout", &branch])?;
    note(&format!("Checked out {repo}#{number} on branch {branch}."));
    Ok(Exit::Ok)
}

fn git(dir: &std::path::Path, args: &[&str]) -> Result<()> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .context("cannot run git")?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(agent_core::github::GitHubError::Git {
        action: args.first().copied().unwrap_or("").to_string(),
        message: stderr.lines().last().unwrap_or("").trim().to_string(),
    }
    .into())
}

pub fn merge(
    app: &App,
    number: u64,
    target_args: &GitHubTarget,
    squash: bool,
    rebase: bool,
) -> Result<Exit> {
    let Target { github, repo, .. } = target(app, target_args)?;
    let method = match (squash, rebase) {
        (true, _) => MergeMethod::Squash,
        (_, true) => MergeMethod::Rebase,
        _ => MergeMethod::Merge,
    };
    let result = crate::models::runtime()?.block_on(github.merge_pull(&repo, number, method))?;
    note(&format!(
        "Merged {repo}#{number}{}.",
        result
            .sha
            .map(|sha| format!(" as {}", sha.chars().take(12).collect::<String>()))
            .unwrap_or_default()
    ));
    Ok(Exit::Ok)
}

pub fn close(app: &App, number: u64, target_args: &GitHubTarget) -> Result<Exit> {
    let Target { github, repo, .. } = target(app, target_args)?;
    crate::models::runtime()?.block_on(github.close_pull(&repo, number))?;
    note(&format!("Closed {repo}#{number}."));
    Ok(Exit::Ok)
}

pub fn comment(app: &App, number: u64, body: &str, target_args: &GitHubTarget) -> Result<Exit> {
    let text = if body == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the comment from stdin")?;
        text
    } else {
        body.to_string()
    };
    if text.trim().is_empty() {
        return Err(UserError::usage(
            "the comment is empty",
            "agent pr comment N \"text\" (or - to read it from stdin)",
        )
        .into());
    }
    let Target { github, repo, .. } = target(app, target_args)?;
    let issue = IssueRef { repo, number };
    let posted = crate::models::runtime()?.block_on(github.comment(&issue, &text))?;
    print(&format!("{}\n", posted.html_url))?;
    Ok(Exit::Ok)
}
