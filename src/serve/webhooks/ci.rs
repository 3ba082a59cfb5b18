//! The hand-off of a failed workflow run to the CI fix flow (`agent ci`). This is the one
//! boundary between the webhook route and that flow: the route calls [`on_failed_run`] for a
//! `workflow_run` that completed with `failure` on a served repository, and records the line it
//! returns as the delivery's outcome.
//!
//! Not wired yet: the CI fix flow lives on another branch; until it is connected here, a failed
//! run is recorded (delivery outcome and the server's log) and nothing else happens.

use agent_core::github::webhook::WorkflowRunEvent;

use super::repos::ServedRepo;
use crate::serve::state::SharedState;

/// Hands a failed run to the CI fix flow; returns the delivery's outcome line.
pub async fn on_failed_run(
    _state: &SharedState,
    served: &ServedRepo,
    run: &WorkflowRunEvent,
) -> anyhow::Result<String> {
    tracing::info!(
        repo = %served.name,
        run_id = run.run.id,
        branch = run.run.head_branch.as_deref().unwrap_or(""),
        "workflow run failed: recorded (the CI fix flow is not connected to agent serve yet)"
    );
    Ok(format!(
        "recorded: run {} of {} failed (the CI fix flow is not connected to agent serve yet)",
        run.run.id, served.name
    ))
}
