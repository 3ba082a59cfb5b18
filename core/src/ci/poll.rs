//! One poll of a repository's workflow runs: a conditional request with the stored ETag (a 304
//! costs no rate limit), green runs that close earlier fix attempts, the newest failed run of
//! each workflow and branch handed to the fix flow, and how long to wait before the next poll.

use std::collections::HashMap;
use std::time::Duration;

use super::events::CiEvent;
use super::fix::{FAILED_CONCLUSIONS, FixSetup, RunHandled, fix_failed_run};
use crate::error::Result;
use crate::github::{Conditional, RateLimit, WorkflowRun};
use crate::store::Store;

/// What one poll found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollReport {
    /// GitHub answered 304: nothing changed.
    pub not_modified: bool,
    /// Failed runs handled this time (runs seen before are not handled again).
    pub handled: Vec<RunHandled>,
}

/// Polls the runs of `setup.repo` (on `branch`, or every branch) once and handles what it
/// found. The ETag is stored only after every run was handled, so a poll that failed half-way
/// reads the same answer again next time (runs already handled are recorded and skipped).
pub async fn poll_once(
    setup: &FixSetup<'_>,
    store: &mut Store,
    branch: Option<&str>,
    report: &mut (dyn FnMut(CiEvent) + Send),
) -> Result<PollReport> {
    let repo = setup.repo.to_string();
    // Attempts whose monitor went away long ago are ended first: they block nothing then.
    store.settle_abandoned_fix_attempts(ABANDONED_AFTER_MS)?;
    let etag = store.ci_etag(&repo, branch)?;
    let (runs, etag) = match setup
        .github
        .workflow_runs(setup.repo, branch, etag.as_deref())
        .await?
    {
        Conditional::NotModified => {
            report(CiEvent::NotModified { repo });
            return Ok(PollReport {
                not_modified: true,
                handled: Vec::new(),
            });
        }
        Conditional::Fresh { value, etag } => (value.workflow_runs, etag),
    };
    let plan = plan_runs(&runs);
    for run in &plan.green {
        let workflow = run.name.as_deref().unwrap_or("workflow");
        let branch = run.head_branch.as_deref().unwrap_or("");
        let closed = store.resolve_fix_attempts(&repo, branch, workflow, run.id)?;
        if closed > 0 {
            report(CiEvent::Resolved {
                workflow: workflow.to_string(),
                branch: branch.to_string(),
                attempts: closed,
            });
        }
    }
    let mut handled = Vec::new();
    for run in plan.failed {
        if store.ci_run_seen(&repo, run.id)? {
            continue;
        }
        handled.push(fix_failed_run(setup, store, run, report).await?);
        if *setup.stop.borrow() {
            // Stopping: the rest waits for the next watch (the ETag is not stored).
            return Ok(PollReport {
                not_modified: false,
                handled,
            });
        }
    }
    store.set_ci_etag(&repo, branch, etag.as_deref())?;
    Ok(PollReport {
        not_modified: false,
        handled,
    })
}

/// A `running` attempt whose task ended this long ago lost its monitor.
const ABANDONED_AFTER_MS: i64 = 10 * 60 * 1000;

/// The runs a poll acts on.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RunPlan<'a> {
    /// The newest completed run of a workflow and branch, when it succeeded.
    pub green: Vec<&'a WorkflowRun>,
    /// The newest completed run of a workflow and branch, when it failed; oldest first.
    pub failed: Vec<&'a WorkflowRun>,
}

/// Only the newest completed run of each (workflow, branch) counts: an older failure that a
/// later run already replaced is history.
pub fn plan_runs(runs: &[WorkflowRun]) -> RunPlan<'_> {
    let mut newest: HashMap<(&str, &str), &WorkflowRun> = HashMap::new();
    for run in runs
        .iter()
        .filter(|run| run.status.as_deref() == Some("completed"))
    {
        let key = (
            run.name.as_deref().unwrap_or(""),
            run.head_branch.as_deref().unwrap_or(""),
        );
        let entry = newest.entry(key).or_insert(run);
        if run.id > entry.id {
            *entry = run;
        }
    }
    let mut plan = RunPlan::default();
    for run in newest.into_values() {
        match run.conclusion.as_deref() {
            Some("success") => plan.green.push(run),
            Some(conclusion) if FAILED_CONCLUSIONS.contains(&conclusion) => plan.failed.push(run),
            _ => {}
        }
    }
    plan.green.sort_by_key(|run| run.id);
    plan.failed.sort_by_key(|run| run.id);
    plan
}

/// How long to wait before the next poll: `interval`, or until the rate limit resets (at most
/// an hour) when less than a twentieth of it (at least 10 requests) is left. `now` is Unix seconds; the
/// second value is the reset waited for.
pub fn next_wait(rate: Option<RateLimit>, now: i64, interval: Duration) -> (Duration, Option<i64>) {
    if let Some(rate) = rate {
        let reserve = (rate.limit / 20).max(10);
        if rate.remaining <= reserve && rate.reset > now {
            // GitHub's window is an hour: a reset further away is a clock that is off.
            let seconds = ((rate.reset - now + 1) as u64).min(3600);
            return (Duration::from_secs(seconds).max(interval), Some(rate.reset));
        }
    }
    (interval, None)
}

/// How long to wait after GitHub refused for the rate limit: until `reset` (Unix seconds),
/// else a minute; at most an hour.
pub fn rate_limited_wait(reset: Option<i64>, now: i64) -> Duration {
    let seconds = match reset {
        Some(reset) if reset > now => (reset - now + 1) as u64,
        _ => 60,
    };
    Duration::from_secs(seconds.min(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        id: u64,
        name: &str,
        branch: &str,
        status: &str,
        conclusion: Option<&str>,
    ) -> WorkflowRun {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": name, "head_branch": branch, "head_sha": "abc1234",
            "status": status, "conclusion": conclusion, "html_url": format!("https://x/runs/{id}")
        }))
        .unwrap()
    }

    #[test]
    fn only_the_newest_completed_run_of_a_workflow_and_branch_counts() {
        let runs = vec![
            run(5, "CI", "main", "in_progress", None),
            run(4, "CI", "main", "completed", Some("failure")),
            run(3, "CI", "main", "completed", Some("failure")),
            run(2, "CI", "dev", "completed", Some("failure")),
            run(6, "CI", "dev", "completed", Some("success")),
            run(1, "Lint", "main", "completed", Some("timed_out")),
            run(7, "Docs", "main", "completed", Some("cancelled")),
        ];
        let plan = plan_runs(&runs);
        let ids = |runs: &[&WorkflowRun]| runs.iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(ids(&plan.failed), [1, 4]);
        assert_eq!(ids(&plan.green), [6]);
    }

    #[test]
    fn polls_wait_for_the_reset_when_the_limit_is_nearly_spent() {
        let interval = Duration::from_secs(60);
        let plenty = RateLimit {
            limit: 5000,
            remaining: 4000,
            reset: 2000,
        };
        assert_eq!(next_wait(Some(plenty), 1000, interval), (interval, None));
        assert_eq!(next_wait(None, 1000, interval), (interval, None));
        let low = RateLimit {
            limit: 5000,
            remaining: 200,
            reset: 2000,
        };
        assert_eq!(
            next_wait(Some(low), 1000, interval),
            (Duration::from_secs(1001), Some(2000))
        );
        // An unauthenticated limit of 60 keeps a reserve of 10.
        let small = RateLimit {
            limit: 60,
            remaining: 11,
            reset: 2000,
        };
        assert_eq!(next_wait(Some(small), 1000, interval).1, None);
        let small = RateLimit {
            limit: 60,
            remaining: 10,
            reset: 2000,
        };
        assert_eq!(next_wait(Some(small), 1000, interval).1, Some(2000));
        let far = RateLimit {
            limit: 5000,
            remaining: 0,
            reset: 1_000_000,
        };
        assert_eq!(
            next_wait(Some(far), 1000, interval).0,
            Duration::from_secs(3600)
        );
        // A reset in the past waits the interval.
        assert_eq!(next_wait(Some(low), 3000, interval), (interval, None));
        assert_eq!(
            rate_limited_wait(Some(1100), 1000),
            Duration::from_secs(101)
        );
        assert_eq!(rate_limited_wait(None, 1000), Duration::from_secs(60));
        assert_eq!(
            rate_limited_wait(Some(100_000), 1000),
            Duration::from_secs(3600)
        );
    }
}
