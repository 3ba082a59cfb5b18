//! The hand-off of a failed workflow run to the CI fix flow: the route calls [`on_failed_run`]
//! for a `workflow_run` that completed with `failure` on a served repository, and records the
//! line it returns as the delivery's outcome. The flow is `agent_core::ci::fix_failed_run`, the
//! one `agent ci watch` runs: the same failure signatures (a job that fails again while its fix
//! is open starts nothing, whichever of the two saw it first), the same untrusted-origin task,
//! the same PR linking the run. A server that stops cancels the fix task.

use agent_core::ci::{CiEvent, FixSetup, fix_failed_run};
use agent_core::github::webhook::WorkflowRunEvent;
use agent_core::settings::TaskOverrides;

use super::repos::ServedRepo;
use crate::serve::state::SharedState;

/// The git remote of a served checkout that fixes are fetched from and pushed to.
const REMOTE: &str = "origin";

/// Hands a failed run to the CI fix flow; returns the delivery's outcome line.
pub async fn on_failed_run(
    state: &SharedState,
    served: &ServedRepo,
    run: &WorkflowRunEvent,
) -> anyhow::Result<String> {
    let github = crate::github::client_in(&state.app, &served.checkout)?;
    let resolved = state.app.config_in(&served.checkout)?;
    let app = state.app.clone();
    let config = resolved.clone();
    // The fix holds its own connection for as long as it runs (the pool's are for requests).
    let mut store = tokio::task::spawn_blocking(move || app.open_store(&config)).await??;
    let setup = FixSetup {
        session: &state.session,
        github: &github,
        repo: &served.name,
        checkout: &served.checkout,
        remote: REMOTE,
        config: &resolved.config,
        overrides: &TaskOverrides::default(),
        stop: state.stopping_signal(),
    };
    let mut last = String::new();
    fix_failed_run(&setup, &mut store, &run.run, &mut |event: CiEvent| {
        tracing::info!(repo = %served.name, run_id = run.run.id, "{event}");
        last = event.to_string();
    })
    .await?;
    Ok(format!("ci run {}: {last}", run.run.id))
}
