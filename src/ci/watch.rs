//! `agent ci watch`: polls the checkout's GitHub repository for failed Actions runs and hands
//! each to `agent_core::ci::fix_failed_run`, printing one line per event on stdout. Ctrl-C (or
//! SIGTERM, SIGHUP) stops it: a running fix task is cancelled and recorded as such (exit 130).

use std::time::Duration;

use agent_core::ci::{CiEvent, FixSetup, next_wait, poll_once, rate_limited_wait};
use agent_core::github::GitHubError;
use agent_core::settings::{TaskOverrides, TaskRequest, resolve_task};
use agent_core::store::FixOutcome;
use anyhow::Result;

use crate::app::App;
use crate::cli::CiWatchArgs;
use crate::exit::{Exit, Interrupts, UserError};
use crate::models::front_runtime;
use crate::output::{note, print};
use crate::session::FlagModels;

pub fn run(app: &App, args: CiWatchArgs) -> Result<Exit> {
    let checkout = agent_core::git::repository_root(&app.cwd).map_err(|_| {
        UserError::usage(
            format!("{} is not in a git checkout", app.cwd.display()),
            "run `agent ci watch` in a clone of the repository it watches (its fixes branch from there)",
        )
    })?;
    let resolved = app.config_in(&checkout)?;
    let github = crate::github::client_in(app, &checkout)?;
    let repo = crate::github::repo_name(&github, &checkout, args.repo.as_deref(), &args.remote)?;
    let overrides = TaskOverrides {
        approval: args.approval.clone(),
        verify: args.verify.clone(),
        max_iterations: args.max_iterations,
        timeout_seconds: Some(args.timeout),
        strategy: Some("iterative".into()),
        ..TaskOverrides::default()
    };
    // Bad settings are said now, not at the first failure.
    resolve_task(
        TaskRequest {
            description: "check".into(),
            repo: checkout.clone(),
            base: "HEAD".into(),
            retry_of: None,
        },
        overrides.clone(),
        &resolved.config,
    )?;
    let models = FlagModels::new(app, &resolved, &args.backend);
    models.select(None)?;
    let session = crate::session::start(app, &resolved, models);
    let mut store = app.open_store(&resolved)?;
    let branch = args.branch.as_deref();
    let interval = Duration::from_secs(args.interval);
    if !args.once {
        note(&format!(
            "watching {repo}{} every {} s (Ctrl-C stops)",
            branch.map(|b| format!(" on {b}")).unwrap_or_default(),
            args.interval
        ));
    }

    let runtime = front_runtime()?;
    runtime.block_on(async {
        let (stop_sender, stop) = tokio::sync::watch::channel(false);
        let setup = FixSetup {
            session: &session,
            github: &github,
            repo: &repo,
            checkout: &checkout,
            remote: &args.remote,
            config: &resolved.config,
            overrides: &overrides,
            stop,
        };
        let mut interrupts = Interrupts::listen();
        let mut report = |event: CiEvent| {
            let _ = print(&format!("{}\n", printable(&event.to_string())));
        };
        loop {
            let mut interrupted = false;
            let result = {
                let poll = poll_once(&setup, &mut store, branch, &mut report);
                tokio::pin!(poll);
                tokio::select! {
                    result = &mut poll => result,
                    () = interrupts.recv() => {
                        interrupted = true;
                        let _ = stop_sender.send(true);
                        // The poll cancels its fix task and records how it ended.
                        poll.await
                    }
                }
            };
            if interrupted {
                if let Err(error) = &result {
                    note(&format!("error: {}", printable(&format!("{error:#}"))));
                }
                return Ok(Exit::Interrupted);
            }
            if args.once {
                let report = result?;
                let failed = report.handled.iter().any(|handled| {
                    matches!(
                        handled.outcome,
                        Some(FixOutcome::Failed | FixOutcome::Error)
                    )
                });
                return Ok(if failed { Exit::Failure } else { Exit::Ok });
            }
            let now = jiff::Timestamp::now().as_second();
            let wait = match result {
                Ok(_) => {
                    let (wait, until) = next_wait(github.rate_limit(), now, interval);
                    if let Some(until) = until {
                        report(CiEvent::RateLimited { until });
                    }
                    wait
                }
                Err(agent_core::Error::GitHub(GitHubError::RateLimited { reset })) => {
                    let wait = rate_limited_wait(reset, now);
                    report(CiEvent::RateLimited {
                        until: now + wait.as_secs() as i64,
                    });
                    wait
                }
                Err(error) if fatal(&error) => return Err(error.into()),
                Err(error) => {
                    note(&format!(
                        "error: {} (trying again in {} s)",
                        printable(&format!("{error:#}")),
                        interval.as_secs()
                    ));
                    interval
                }
            };
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = interrupts.recv() => return Ok(Exit::Interrupted),
            }
        }
    })
}

/// Errors that polling again cannot fix: the token, the repository's name, the database.
fn fatal(error: &agent_core::Error) -> bool {
    use agent_core::ErrorClass;
    match error {
        agent_core::Error::GitHub(github) => matches!(
            github,
            GitHubError::NoToken { .. }
                | GitHubError::Unauthorized { .. }
                | GitHubError::NotFound { .. }
                | GitHubError::BadReference(_)
        ),
        other => matches!(other.class(), ErrorClass::Storage | ErrorClass::Usage),
    }
}

/// A line with names from GitHub in it, safe for a terminal (no escapes, no control bytes).
fn printable(line: &str) -> String {
    line.chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}
