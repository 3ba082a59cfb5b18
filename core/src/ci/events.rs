//! What the monitor reports as it works: one event per thing a watcher wants to know, each with
//! its one-line wording (`agent ci watch` prints them; the server logs them).

use std::fmt;

use serde::Serialize;

/// Something the CI monitor did or found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum CiEvent {
    /// The runs listing did not change since the last poll (a 304).
    NotModified { repo: String },
    /// A run failed.
    RunFailed {
        repo: String,
        run_id: u64,
        workflow: String,
        branch: String,
        jobs: Vec<String>,
        url: String,
    },
    /// A failed run was left alone.
    Skipped { run_id: u64, reason: String },
    /// Its failed jobs are already covered by open fix attempts.
    Duplicate { run_id: u64, attempts: Vec<i64> },
    /// A fix task started.
    FixStarted {
        attempt: i64,
        task_id: String,
        jobs: Vec<String>,
        step: Option<String>,
        base: String,
    },
    /// The fix did not reach a pull request.
    FixFailed {
        attempt: i64,
        task_id: Option<String>,
        reason: String,
    },
    /// The fix's check passed, its branch was pushed and the pull request opened.
    PrOpened {
        attempt: i64,
        task_id: String,
        branch: String,
        url: String,
    },
    /// A green run of the workflow on the branch closed earlier attempts.
    Resolved {
        workflow: String,
        branch: String,
        attempts: usize,
    },
    /// The rate limit is nearly spent: the next poll waits until `until` (Unix seconds).
    RateLimited { until: i64 },
}

impl fmt::Display for CiEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CiEvent::NotModified { repo } => write!(f, "{repo}: no new runs"),
            CiEvent::RunFailed {
                repo,
                run_id,
                workflow,
                branch,
                jobs,
                url,
            } => write!(
                f,
                "run failed: {repo} {workflow} #{run_id} on {branch} (jobs: {}) {url}",
                jobs.join(", ")
            ),
            CiEvent::Skipped { run_id, reason } => write!(f, "run #{run_id} skipped: {reason}"),
            CiEvent::Duplicate { run_id, attempts } => write!(
                f,
                "run #{run_id}: already being fixed (attempt {}), no new task",
                attempts
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            CiEvent::FixStarted {
                attempt,
                task_id,
                jobs,
                step,
                base,
            } => {
                write!(
                    f,
                    "fix task started: {task_id} (attempt {attempt}) for {}",
                    jobs.join(", ")
                )?;
                if let Some(step) = step {
                    write!(f, " / {step}")?;
                }
                write!(f, " from {}", short(base))
            }
            CiEvent::FixFailed {
                attempt,
                task_id,
                reason,
            } => match task_id {
                Some(task) => write!(f, "fix failed: task {task} (attempt {attempt}): {reason}"),
                None => write!(f, "fix failed (attempt {attempt}): {reason}"),
            },
            CiEvent::PrOpened {
                attempt,
                task_id,
                branch,
                url,
            } => write!(
                f,
                "PR opened: {url} (task {task_id}, branch {branch}, attempt {attempt})"
            ),
            CiEvent::Resolved {
                workflow,
                branch,
                attempts,
            } => write!(
                f,
                "{workflow} is green on {branch} again: {attempts} fix attempt(s) closed"
            ),
            CiEvent::RateLimited { until } => {
                let at = jiff::Timestamp::from_second(*until)
                    .map(|t| t.to_string())
                    .unwrap_or_else(|_| until.to_string());
                write!(f, "rate limit nearly spent: waiting until {at}")
            }
        }
    }
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}
