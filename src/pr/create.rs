//! `agent pr create [TASK]` and `agent task run --pr`: push a succeeded task's branch and open
//! its pull request (see `agent_core::github::publish_task`).

use std::path::Path;

use agent_core::github::{PublishOptions, Published, RepoName, publish_task};
use agent_core::store::TaskQuery;
use agent_core::task::TaskStatus;
use anyhow::Result;

use crate::app::App;
use crate::cli::PrCreateArgs;
use crate::exit::{Exit, UserError};
use crate::output::{note, print, print_json};

/// What to publish and how, from flags.
#[derive(Debug, Clone, Default)]
pub struct PublishRequest {
    pub github_repo: Option<String>,
    pub remote: String,
    pub base: Option<String>,
    pub title: Option<String>,
    pub draft: bool,
    pub labels: Vec<String>,
    pub reviewers: Vec<String>,
    pub fixes: Option<String>,
    pub force: bool,
}

pub(super) fn run(app: &App, args: PrCreateArgs) -> Result<Exit> {
    let dir = args
        .target
        .repo
        .as_deref()
        .map_or_else(|| app.cwd.clone(), |dir| app.cwd.join(dir));
    let task_id = match &args.task {
        Some(id) => app.config_and_store()?.1.resolve_task_id(id)?,
        None => newest_succeeded_task(app, &dir)?,
    };
    let request = PublishRequest {
        github_repo: args.target.github_repo.clone(),
        remote: args.target.remote.clone(),
        base: args.base,
        title: args.title,
        draft: args.draft,
        labels: args.label,
        reviewers: args.reviewer,
        fixes: args.fixes.map(|n| format!("#{n}")),
        force: args.force,
    };
    let published = publish(app, &task_id, &request)?;
    if args.json {
        print_json(&serde_json::json!({
            "task_id": task_id,
            "repo": published.repo.to_string(),
            "number": published.pull.number,
            "url": published.pull.html_url,
            "branch": published.branch,
            "created": published.created,
        }))?;
    } else {
        print(&format!("{}\n", published.pull.html_url))?;
    }
    Ok(Exit::Ok)
}

/// Publishes task `task_id` (a full id) as `request` says; says what it did on stderr.
pub fn publish(app: &App, task_id: &str, request: &PublishRequest) -> Result<Published> {
    let (resolved, mut store) = app.config_and_store()?;
    let task = store.task(task_id)?;
    let checkout = Path::new(&task.repo);
    let github = crate::github::client_in(app, checkout)?;
    let repo = match &request.github_repo {
        Some(name) => Some(RepoName::parse(name)?),
        None => None,
    };
    let options = PublishOptions {
        repo,
        remote: request.remote.clone(),
        base: request.base.clone(),
        title: request.title.clone(),
        draft: request.draft,
        labels: request.labels.clone(),
        reviewers: request.reviewers.clone(),
        fixes: request.fixes.clone(),
        notes: Vec::new(),
        force: request.force,
    };
    drop(resolved);
    let runtime = crate::models::runtime()?;
    let published = runtime.block_on(publish_task(&github, &mut store, task_id, &options))?;
    let verb = if published.created {
        "Opened"
    } else {
        "Found open"
    };
    note(&format!(
        "{verb} pull request {}#{} for branch {}: {}",
        published.repo, published.pull.number, published.branch, published.pull.html_url
    ));
    Ok(published)
}

/// The newest succeeded task of the repository at `dir`.
fn newest_succeeded_task(app: &App, dir: &Path) -> Result<String> {
    let (_, store) = app.config_and_store()?;
    let query = TaskQuery {
        status: Some(TaskStatus::Succeeded),
        repo: Some(app.repo_filter(dir)),
        limit: 1,
        after: None,
    };
    match store.list_tasks(&query)?.into_iter().next() {
        Some(task) => Ok(task.id),
        None => Err(UserError::not_found(
            "no succeeded task in this repository",
            "run one with `agent task run \"…\"`, or name a task: agent pr create TASK",
        )
        .into()),
    }
}
