//! The CI monitor's records: the ETag of each watched listing, the failed runs seen, and the
//! fix attempts with the failure signatures they cover.
//!
//! The rule that keeps one failure from starting many tasks: a failure signature is
//! (repository, branch, workflow, job). A failed run starts a fix only for the failed jobs whose
//! signature no *open* attempt covers — open meaning not resolved (no later run of that workflow
//! on that branch succeeded) and not ended in `error` (an attempt that could not run, say the
//! logs were unreachable, blocks nothing). So while a fix runs, after it opened a PR that is not
//! merged yet, and after it failed, the same job failing again starts nothing; once the workflow
//! is green on the branch again, the next failure is new.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::Store;
use crate::error::{Error, Result};
use crate::time::{Millis, now_ms};

/// How a fix attempt ended (or that it has not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FixOutcome {
    /// Its task runs.
    Running,
    /// The task's check passed, the branch was pushed and the pull request opened.
    PrOpened,
    /// The task ended without a passing check (failed or cancelled).
    Failed,
    /// It could not run to the end: logs unreadable, the task refused, the push or the PR failed.
    Error,
}

impl FixOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            FixOutcome::Running => "running",
            FixOutcome::PrOpened => "pr_opened",
            FixOutcome::Failed => "failed",
            FixOutcome::Error => "error",
        }
    }

    fn parse(text: &str) -> FixOutcome {
        match text {
            "running" => FixOutcome::Running,
            "pr_opened" => FixOutcome::PrOpened,
            "failed" => FixOutcome::Failed,
            _ => FixOutcome::Error,
        }
    }
}

/// What was done about a failed run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunHandling {
    /// A fix attempt started for it.
    FixStarted,
    /// Every failed job is covered by an open attempt already.
    Duplicate,
    /// Not for the monitor (a pull request's run, no failed job, a newer run on the branch).
    Skipped,
    /// Handling it failed before a task could start.
    Error,
}

impl RunHandling {
    pub fn as_str(self) -> &'static str {
        match self {
            RunHandling::FixStarted => "fix_started",
            RunHandling::Duplicate => "duplicate",
            RunHandling::Skipped => "skipped",
            RunHandling::Error => "error",
        }
    }

    fn parse(text: &str) -> RunHandling {
        match text {
            "fix_started" => RunHandling::FixStarted,
            "duplicate" => RunHandling::Duplicate,
            "skipped" => RunHandling::Skipped,
            _ => RunHandling::Error,
        }
    }
}

/// A failed run the monitor saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CiRun {
    pub repo: String,
    pub run_id: u64,
    pub workflow: String,
    pub branch: String,
    pub head_sha: String,
    pub html_url: String,
    pub conclusion: String,
    pub failed_jobs: Vec<String>,
    pub handling: RunHandling,
    pub attempt_id: Option<i64>,
    pub note: Option<String>,
    pub seen_at: Millis,
}

/// A fix attempt to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFixAttempt {
    pub repo: String,
    pub branch: String,
    pub workflow: String,
    pub run_id: u64,
    pub run_url: String,
    pub head_sha: String,
    /// The failed jobs of the run; the attempt covers those no open attempt covers.
    pub jobs: Vec<String>,
}

/// The answer to [`Store::claim_fix_attempt`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixClaim {
    /// A new attempt `id` covers `jobs` (the failed jobs no open attempt covered).
    Started { id: i64, jobs: Vec<String> },
    /// Every failed job is covered by these open attempts: nothing was recorded.
    Covered { attempts: Vec<i64> },
}

/// A fix attempt as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixAttempt {
    pub id: i64,
    pub repo: String,
    pub branch: String,
    pub workflow: String,
    pub jobs: Vec<String>,
    pub step: Option<String>,
    pub run_id: u64,
    pub run_url: String,
    pub head_sha: String,
    pub task_id: Option<String>,
    pub outcome: FixOutcome,
    pub pr_url: Option<String>,
    pub error: Option<String>,
    pub created_at: Millis,
    pub finished_at: Option<Millis>,
    pub resolved_at: Option<Millis>,
}

/// Attempts by outcome, and the share that opened a PR.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FixCounts {
    pub running: u64,
    pub pr_opened: u64,
    pub failed: u64,
    pub error: u64,
    /// `pr_opened / (pr_opened + failed + error)`; `None` before any attempt ended.
    pub success_rate: Option<f64>,
}

/// What `agent ci status` and `/v1/dashboard` show.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CiSummary {
    /// Failed runs seen, all time.
    pub runs_seen: u64,
    pub attempts: FixCounts,
    /// The newest failed runs seen.
    pub recent_runs: Vec<CiRun>,
    /// The newest fix attempts.
    pub recent_attempts: Vec<FixAttempt>,
}

const ATTEMPT_COLUMNS: &str = "id, repo, branch, workflow, step, run_id, run_url, head_sha, task_id, \
     outcome, pr_url, error, created_at, finished_at, resolved_at";

impl Store {
    /// The ETag of the last runs listing of `repo` on `branch` (`None`: every branch).
    pub fn ci_etag(&self, repo: &str, branch: Option<&str>) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT etag FROM ci_poll_state WHERE repo = ?1 AND branch = ?2",
                params![repo, branch.unwrap_or("")],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }

    /// Records a poll of `repo` on `branch` and the ETag its answer had.
    pub fn set_ci_etag(&self, repo: &str, branch: Option<&str>, etag: Option<&str>) -> Result<()> {
        self.conn.execute(
            "INSERT INTO ci_poll_state (repo, branch, etag, polled_at) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (repo, branch) DO UPDATE SET etag = excluded.etag, polled_at = excluded.polled_at",
            params![repo, branch.unwrap_or(""), etag, now_ms()],
        )?;
        Ok(())
    }

    /// Whether run `run_id` of `repo` was seen (and handled) already.
    pub fn ci_run_seen(&self, repo: &str, run_id: u64) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM ci_runs WHERE repo = ?1 AND run_id = ?2",
                params![repo, run_id as i64],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Records a failed run and what was done about it; a run recorded before stays as it was.
    pub fn record_ci_run(&self, run: &CiRun) -> Result<()> {
        let jobs = serde_json::to_string(&run.failed_jobs)?;
        self.conn.execute(
            "INSERT OR IGNORE INTO ci_runs (repo, run_id, workflow, branch, head_sha, html_url, \
             conclusion, failed_jobs, handling, attempt_id, note, seen_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                run.repo,
                run.run_id as i64,
                run.workflow,
                run.branch,
                run.head_sha,
                run.html_url,
                run.conclusion,
                self.redacted_json(&jobs),
                run.handling.as_str(),
                run.attempt_id,
                self.redacted_option(run.note.as_deref()),
                run.seen_at,
            ],
        )?;
        Ok(())
    }

    /// Starts a fix attempt for the failed jobs of `new` that no open attempt covers, in one
    /// write transaction (two monitors of the same repository cannot both start one).
    pub fn claim_fix_attempt(&self, new: &NewFixAttempt) -> Result<FixClaim> {
        let tx = self.write_transaction()?;
        let mut covered_by = Vec::new();
        let mut uncovered = Vec::new();
        {
            let mut statement = tx.prepare_cached(
                "SELECT a.id FROM ci_attempt_jobs j JOIN ci_fix_attempts a ON a.id = j.attempt_id \
                 WHERE j.repo = ?1 AND j.branch = ?2 AND j.workflow = ?3 AND j.job = ?4 \
                   AND a.resolved_at IS NULL AND a.outcome != 'error' \
                 ORDER BY a.id DESC LIMIT 1",
            )?;
            for job in &new.jobs {
                let open: Option<i64> = statement
                    .query_row(params![new.repo, new.branch, new.workflow, job], |r| {
                        r.get(0)
                    })
                    .optional()?;
                match open {
                    Some(id) => {
                        if !covered_by.contains(&id) {
                            covered_by.push(id);
                        }
                    }
                    None => {
                        if !uncovered.contains(job) {
                            uncovered.push(job.clone());
                        }
                    }
                }
            }
        }
        if uncovered.is_empty() {
            tx.commit()?;
            return Ok(FixClaim::Covered {
                attempts: covered_by,
            });
        }
        tx.execute(
            "INSERT INTO ci_fix_attempts (repo, branch, workflow, run_id, run_url, head_sha, \
             outcome, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running', ?7)",
            params![
                new.repo,
                new.branch,
                new.workflow,
                new.run_id as i64,
                new.run_url,
                new.head_sha,
                now_ms()
            ],
        )?;
        let id = tx.last_insert_rowid();
        for job in &uncovered {
            tx.execute(
                "INSERT OR IGNORE INTO ci_attempt_jobs (attempt_id, repo, branch, workflow, job) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, new.repo, new.branch, new.workflow, job],
            )?;
        }
        tx.commit()?;
        Ok(FixClaim::Started {
            id,
            jobs: uncovered,
        })
    }

    /// Notes the fix task of attempt `id` and the failed step it works on.
    pub fn set_fix_task(&self, id: i64, task_id: &str, step: Option<&str>) -> Result<()> {
        self.conn.execute(
            "UPDATE ci_fix_attempts SET task_id = ?2, step = ?3 WHERE id = ?1",
            params![id, task_id, self.redacted_option(step)],
        )?;
        Ok(())
    }

    /// Ends attempt `id` (an attempt that ended already keeps its first ending).
    pub fn finish_fix_attempt(
        &self,
        id: i64,
        outcome: FixOutcome,
        pr_url: Option<&str>,
        error: Option<&str>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE ci_fix_attempts SET outcome = ?2, pr_url = ?3, error = ?4, finished_at = ?5 \
             WHERE id = ?1 AND outcome = 'running'",
            params![
                id,
                outcome.as_str(),
                pr_url,
                self.redacted_option(error),
                now_ms()
            ],
        )?;
        Ok(())
    }

    /// A run of `workflow` on `branch` succeeded: the attempts on failures of that workflow
    /// from earlier runs are resolved (the next failure is new). Returns how many.
    pub fn resolve_fix_attempts(
        &self,
        repo: &str,
        branch: &str,
        workflow: &str,
        succeeded_run: u64,
    ) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE ci_fix_attempts SET resolved_at = ?5 WHERE resolved_at IS NULL \
             AND repo = ?1 AND branch = ?2 AND workflow = ?3 AND run_id < ?4 AND outcome != 'running'",
            params![repo, branch, workflow, succeeded_run as i64, now_ms()],
        )?)
    }

    /// Attempts still `running` whose task ended more than `grace_ms` ago (their monitor went
    /// away before it could finish them) are ended: `failed` when the task did not succeed,
    /// `error` when it did but no PR was opened. Returns how many.
    pub fn settle_abandoned_fix_attempts(&self, grace_ms: Millis) -> Result<usize> {
        let before = now_ms() - grace_ms;
        let tx = self.write_transaction()?;
        let failed = tx.execute(
            "UPDATE ci_fix_attempts SET outcome = 'failed', finished_at = ?1, \
             error = 'its task ended ' || (SELECT status FROM tasks t WHERE t.id = task_id) \
             WHERE outcome = 'running' AND task_id IN (SELECT id FROM tasks WHERE \
             status IN ('failed', 'cancelled') AND finished_at < ?2)",
            params![now_ms(), before],
        )?;
        let orphaned = tx.execute(
            "UPDATE ci_fix_attempts SET outcome = 'error', finished_at = ?1, \
             error = 'its monitor stopped before the pull request was opened' \
             WHERE outcome = 'running' AND (task_id IN (SELECT id FROM tasks WHERE \
             status = 'succeeded' AND finished_at < ?2) OR (task_id IS NULL AND created_at < ?2))",
            params![now_ms(), before],
        )?;
        tx.commit()?;
        Ok(failed + orphaned)
    }

    /// One attempt.
    pub fn fix_attempt(&self, id: i64) -> Result<FixAttempt> {
        let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM ci_fix_attempts WHERE id = ?1");
        let attempt = self
            .conn
            .query_row(&sql, [id], read_attempt)
            .optional()?
            .ok_or_else(|| Error::NotFound {
                kind: "fix attempt",
                id: id.to_string(),
            })?;
        self.with_jobs(attempt)
    }

    /// The monitor's numbers and its newest `limit` runs and attempts.
    pub fn ci_summary(&self, limit: usize) -> Result<CiSummary> {
        let mut summary = CiSummary {
            runs_seen: self
                .conn
                .query_row("SELECT COUNT(*) FROM ci_runs", [], |r| r.get::<_, i64>(0))?
                as u64,
            ..CiSummary::default()
        };
        let mut statement = self
            .conn
            .prepare_cached("SELECT outcome, COUNT(*) FROM ci_fix_attempts GROUP BY outcome")?;
        let rows =
            statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (outcome, count) = row?;
            let count = count as u64;
            match FixOutcome::parse(&outcome) {
                FixOutcome::Running => summary.attempts.running += count,
                FixOutcome::PrOpened => summary.attempts.pr_opened += count,
                FixOutcome::Failed => summary.attempts.failed += count,
                FixOutcome::Error => summary.attempts.error += count,
            }
        }
        let counts = &mut summary.attempts;
        let ended = counts.pr_opened + counts.failed + counts.error;
        counts.success_rate = (ended > 0).then(|| counts.pr_opened as f64 / ended as f64);

        let mut statement = self.conn.prepare_cached(
            "SELECT repo, run_id, workflow, branch, head_sha, html_url, conclusion, failed_jobs, \
             handling, attempt_id, note, seen_at FROM ci_runs ORDER BY seen_at DESC, run_id DESC LIMIT ?1",
        )?;
        summary.recent_runs = statement
            .query_map([limit as i64], |r| {
                let jobs: String = r.get(7)?;
                Ok(CiRun {
                    repo: r.get(0)?,
                    run_id: r.get::<_, i64>(1)? as u64,
                    workflow: r.get(2)?,
                    branch: r.get(3)?,
                    head_sha: r.get(4)?,
                    html_url: r.get(5)?,
                    conclusion: r.get(6)?,
                    failed_jobs: serde_json::from_str(&jobs).unwrap_or_default(),
                    handling: RunHandling::parse(&r.get::<_, String>(8)?),
                    attempt_id: r.get(9)?,
                    note: r.get(10)?,
                    seen_at: r.get(11)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;

        let sql = format!(
            "SELECT {ATTEMPT_COLUMNS} FROM ci_fix_attempts ORDER BY created_at DESC, id DESC LIMIT ?1"
        );
        let mut statement = self.conn.prepare_cached(&sql)?;
        let attempts = statement
            .query_map([limit as i64], read_attempt)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        summary.recent_attempts = attempts
            .into_iter()
            .map(|attempt| self.with_jobs(attempt))
            .collect::<Result<_>>()?;
        Ok(summary)
    }

    fn with_jobs(&self, mut attempt: FixAttempt) -> Result<FixAttempt> {
        let mut statement = self.conn.prepare_cached(
            "SELECT job FROM ci_attempt_jobs WHERE attempt_id = ?1 ORDER BY rowid",
        )?;
        attempt.jobs = statement
            .query_map([attempt.id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(attempt)
    }
}

fn read_attempt(r: &rusqlite::Row<'_>) -> rusqlite::Result<FixAttempt> {
    Ok(FixAttempt {
        id: r.get(0)?,
        repo: r.get(1)?,
        branch: r.get(2)?,
        workflow: r.get(3)?,
        jobs: Vec::new(),
        step: r.get(4)?,
        run_id: r.get::<_, i64>(5)? as u64,
        run_url: r.get(6)?,
        head_sha: r.get(7)?,
        task_id: r.get(8)?,
        outcome: FixOutcome::parse(&r.get::<_, String>(9)?),
        pr_url: r.get(10)?,
        error: r.get(11)?,
        created_at: r.get(12)?,
        finished_at: r.get(13)?,
        resolved_at: r.get(14)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(run_id: u64, jobs: &[&str]) -> NewFixAttempt {
        NewFixAttempt {
            repo: "o/r".into(),
            branch: "main".into(),
            workflow: "CI".into(),
            run_id,
            run_url: format!("https://github.com/o/r/actions/runs/{run_id}"),
            head_sha: "abc".into(),
            jobs: jobs.iter().map(|j| j.to_string()).collect(),
        }
    }

    fn started(claim: FixClaim) -> (i64, Vec<String>) {
        match claim {
            FixClaim::Started { id, jobs } => (id, jobs),
            other => panic!("expected a new attempt, got {other:?}"),
        }
    }

    #[test]
    fn a_second_failure_of_the_same_job_starts_nothing_while_an_attempt_is_open() {
        let store = Store::open_in_memory().unwrap();
        let (first, jobs) = started(store.claim_fix_attempt(&failure(1, &["test"])).unwrap());
        assert_eq!(jobs, ["test"]);
        // While it runs.
        assert_eq!(
            store.claim_fix_attempt(&failure(2, &["test"])).unwrap(),
            FixClaim::Covered {
                attempts: vec![first]
            }
        );
        // After it failed, too.
        store
            .finish_fix_attempt(first, FixOutcome::Failed, None, Some("check failed"))
            .unwrap();
        assert!(matches!(
            store.claim_fix_attempt(&failure(3, &["test"])).unwrap(),
            FixClaim::Covered { .. }
        ));
        // Another job of the same run is a new failure; only it is covered by the new attempt.
        let (second, jobs) = started(
            store
                .claim_fix_attempt(&failure(4, &["test", "lint"]))
                .unwrap(),
        );
        assert_eq!(jobs, ["lint"]);
        assert_eq!(store.fix_attempt(second).unwrap().jobs, ["lint"]);
        // Another branch is another signature.
        let mut other_branch = failure(5, &["test"]);
        other_branch.branch = "dev".into();
        started(store.claim_fix_attempt(&other_branch).unwrap());
    }

    #[test]
    fn errors_block_nothing_and_a_green_run_resolves_the_earlier_attempts() {
        let store = Store::open_in_memory().unwrap();
        let (first, _) = started(store.claim_fix_attempt(&failure(1, &["test"])).unwrap());
        store
            .finish_fix_attempt(first, FixOutcome::Error, None, Some("logs unreachable"))
            .unwrap();
        let (second, _) = started(store.claim_fix_attempt(&failure(2, &["test"])).unwrap());
        store
            .finish_fix_attempt(second, FixOutcome::PrOpened, Some("https://pr/1"), None)
            .unwrap();
        assert!(matches!(
            store.claim_fix_attempt(&failure(3, &["test"])).unwrap(),
            FixClaim::Covered { .. }
        ));
        // A success of another workflow, or of an older run, resolves nothing.
        assert_eq!(
            store
                .resolve_fix_attempts("o/r", "main", "Lint", 9)
                .unwrap(),
            0
        );
        assert_eq!(
            store.resolve_fix_attempts("o/r", "main", "CI", 1).unwrap(),
            0
        );
        assert_eq!(
            store.resolve_fix_attempts("o/r", "main", "CI", 9).unwrap(),
            2
        );
        started(store.claim_fix_attempt(&failure(10, &["test"])).unwrap());
    }

    #[test]
    fn the_summary_counts_outcomes_and_the_success_rate() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.ci_summary(10).unwrap().attempts.success_rate, None);
        let outcomes = [
            FixOutcome::PrOpened,
            FixOutcome::PrOpened,
            FixOutcome::Failed,
        ];
        for (index, outcome) in outcomes.into_iter().enumerate() {
            let mut new = failure(index as u64 + 1, &["test"]);
            new.branch = format!("b{index}");
            let (id, _) = started(store.claim_fix_attempt(&new).unwrap());
            store.finish_fix_attempt(id, outcome, None, None).unwrap();
            // A second ending does not change the first.
            store
                .finish_fix_attempt(id, FixOutcome::Error, None, None)
                .unwrap();
        }
        started(store.claim_fix_attempt(&failure(9, &["test"])).unwrap());
        store
            .record_ci_run(&CiRun {
                repo: "o/r".into(),
                run_id: 9,
                workflow: "CI".into(),
                branch: "main".into(),
                head_sha: "abc".into(),
                html_url: "https://run/9".into(),
                conclusion: "failure".into(),
                failed_jobs: vec!["test".into()],
                handling: RunHandling::FixStarted,
                attempt_id: None,
                note: None,
                seen_at: 5,
            })
            .unwrap();
        assert!(store.ci_run_seen("o/r", 9).unwrap());
        assert!(!store.ci_run_seen("o/r", 8).unwrap());
        let summary = store.ci_summary(10).unwrap();
        assert_eq!(summary.runs_seen, 1);
        assert_eq!(summary.recent_runs[0].failed_jobs, ["test"]);
        assert_eq!(summary.recent_runs[0].handling, RunHandling::FixStarted);
        assert_eq!(
            (
                summary.attempts.running,
                summary.attempts.pr_opened,
                summary.attempts.failed
            ),
            (1, 2, 1)
        );
        let rate = summary.attempts.success_rate.unwrap();
        assert!((rate - 2.0 / 3.0).abs() < 1e-9, "{rate}");
        assert_eq!(summary.recent_attempts.len(), 4);
        assert_eq!(summary.recent_attempts[0].run_id, 9);
    }

    #[test]
    fn etags_are_kept_per_repository_and_branch() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.ci_etag("o/r", None).unwrap(), None);
        store.set_ci_etag("o/r", None, Some("\"a\"")).unwrap();
        store
            .set_ci_etag("o/r", Some("dev"), Some("\"b\""))
            .unwrap();
        store.set_ci_etag("o/r", None, Some("\"c\"")).unwrap();
        assert_eq!(
            store.ci_etag("o/r", None).unwrap().as_deref(),
            Some("\"c\"")
        );
        assert_eq!(
            store.ci_etag("o/r", Some("dev")).unwrap().as_deref(),
            Some("\"b\"")
        );
    }
}
