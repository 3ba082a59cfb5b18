//! GitHub webhooks in `agent serve` (`POST /v1/webhooks/github`): what the server does with a
//! delivery whose signature checked out and whose id is new. The answer goes back at once (GitHub
//! waits 10 s at most); the work — asking GitHub who wrote a comment, running the task, opening
//! the pull request, replying — runs in the background and records its outcome on the delivery.
//!
//! - `secret.rs`: the secret from `serve.webhook_secret_file`.
//! - `repos.rs`: `github.repos`, the served repositories and their checkouts.
//! - `comment.rs`: `/agent <text>` comments → a task under the untrusted policy → a reply.
//! - `publish.rs`: the task's branch pushed, its pull request opened.
//! - `ci.rs`: a failed workflow run handed to the CI fix flow.

pub mod ci;
pub mod comment;
pub mod publish;
pub mod repos;
pub mod secret;

use std::path::PathBuf;

use agent_core::config::Config;
use agent_core::github::webhook::WebhookEvent;
use anyhow::Result;

use self::repos::ServedRepo;
use self::secret::WebhookSecret;
use crate::serve::state::SharedState;

/// Webhooks as configured: the secret and the served repositories.
#[derive(Debug)]
pub struct Webhooks {
    pub secret: WebhookSecret,
    pub repos: Vec<ServedRepo>,
}

impl Webhooks {
    /// The webhook setup of `config`; `None` when `serve.webhook_secret_file` is unset (the
    /// route then answers 404). A relative file name is taken from `cwd`.
    pub fn load(config: &Config, cwd: &std::path::Path) -> Result<Option<Self>> {
        let Some(file) = &config.serve.webhook_secret_file else {
            return Ok(None);
        };
        let secret = WebhookSecret::load(&cwd.join(PathBuf::from(file)))?;
        let repos = repos::parse(&config.github.repos)?;
        if repos.is_empty() {
            tracing::warn!(
                "webhooks are on but github.repos lists no repository: every delivery will be ignored"
            );
        }
        Ok(Some(Self { secret, repos }))
    }
}

/// Work a delivery started, to run in the background; it returns the delivery's outcome.
pub type Work = std::pin::Pin<Box<dyn std::future::Future<Output = String> + Send>>;

/// How a delivery was taken: the HTTP status, the outcome recorded (and answered) now, and the
/// work to run in the background (see [`spawn_recorded`]).
pub struct Taken {
    /// 200 for `ping`, 202 for everything else.
    pub pong: bool,
    pub outcome: String,
    pub work: Option<Work>,
}

/// Decides what to do with a delivery; does nothing itself.
pub fn dispatch(state: &SharedState, webhooks: &Webhooks, event: WebhookEvent) -> Taken {
    let ignored = |why: String| Taken {
        pong: false,
        outcome: format!("ignored: {why}"),
        work: None,
    };
    if event.is_stale(jiff::Timestamp::now()) {
        return ignored("the event is older than 7 days".to_string());
    }
    let served = event
        .repo()
        .and_then(|name| repos::find(&webhooks.repos, name))
        .cloned();
    match event {
        WebhookEvent::Ping(ping) => Taken {
            pong: true,
            outcome: format!("pong: {}", ping.zen),
            work: None,
        },
        WebhookEvent::Comment(comment) => {
            if comment.action != "created" {
                return ignored(format!("a comment was {}", comment.action));
            }
            if comment.agent_command().is_none() {
                return ignored("the comment does not start with /agent".to_string());
            }
            let Some(served) = served else {
                return ignored(format!("{} is not in github.repos", comment.repo));
            };
            let outcome = format!(
                "accepted: /agent from @{} on {}#{}",
                comment.author, comment.repo, comment.issue.number
            );
            Taken {
                pong: false,
                outcome,
                work: Some(Box::pin(comment::handle(state.clone(), comment, served))),
            }
        }
        WebhookEvent::WorkflowRun(run) => {
            if !run.failed() {
                return ignored(format!(
                    "run {} is {} ({})",
                    run.run.id,
                    run.action,
                    run.run.conclusion.as_deref().unwrap_or("no conclusion")
                ));
            }
            let Some(served) = served else {
                return ignored(format!("{} is not in github.repos", run.repo));
            };
            let outcome = format!("accepted: run {} of {} failed", run.run.id, run.repo);
            let worker = state.clone();
            Taken {
                pong: false,
                outcome,
                work: Some(Box::pin(async move {
                    match ci::on_failed_run(&worker, &served, &run).await {
                        Ok(outcome) => outcome,
                        Err(error) => format!("failed: {error:#}"),
                    }
                })),
            }
        }
        WebhookEvent::Other { event, action, .. } => ignored(match action {
            Some(action) => format!("agent does not act on `{event}` ({action})"),
            None => format!("agent does not act on `{event}`"),
        }),
    }
}

/// Runs `work` in the background and records the outcome it returns on the delivery.
pub fn spawn_recorded(state: &SharedState, delivery: &str, work: Work) {
    let state = state.clone();
    let delivery = delivery.to_string();
    tokio::spawn(async move {
        // A panic in the work still ends the delivery with an outcome.
        let outcome = tokio::spawn(work)
            .await
            .unwrap_or_else(|error| format!("failed: the work stopped unexpectedly ({error})"));
        tracing::info!(%delivery, %outcome, "webhook delivery done");
        record(&state, &delivery, outcome).await;
    });
}

/// Records what became of a delivery.
pub async fn record(state: &SharedState, delivery: &str, outcome: String) {
    let delivery = delivery.to_string();
    let recorded = state
        .stores
        .run(move |store| Ok(store.set_webhook_outcome(&delivery, &outcome)?))
        .await;
    if let Err(error) = recorded {
        tracing::warn!(error = %error.body.error, "cannot record a webhook delivery's outcome");
    }
}
