//! Leases on unfinished tasks: the process that runs a task records who it is
//! ([`Store::take_task_lease`]) and renews a heartbeat while it runs
//! ([`Store::renew_task_lease`]); any agent process that reads tasks first ends those whose
//! process is gone ([`Store::recover_orphaned_tasks`]), as cancelled with the reason, their
//! worktree and branch kept as a cancel keeps them (`agent task discard` removes them).
//!
//! A process is gone when the pid check says so ([`crate::process`]: same boot and pid
//! namespace, and the pid is free, a zombie or a later process), or — where that cannot be
//! checked — when its heartbeat is older than [`LEASE_TTL`].

use std::time::Duration;

use rusqlite::{OptionalExtension, params};

use super::Store;
use super::tasks::insert_task_event;
use crate::error::Result;
use crate::process::{Liveness, ProcessIdentity};
use crate::protocol::{Event, TaskStatusChange};
use crate::task::TaskStatus;
use crate::time::{Millis, now_ms};

/// How old a heartbeat may get before a task whose process cannot be checked counts as
/// orphaned. The runner renews every [`HEARTBEAT`], so this is many missed renewals.
pub const LEASE_TTL: Duration = Duration::from_secs(30);

/// How often a running task's process renews its lease.
pub const HEARTBEAT: Duration = Duration::from_secs(2);

/// A task ended because its process was gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveredTask {
    pub id: String,
    /// The process that was running it, when recorded.
    pub pid: Option<u32>,
    /// Why it was ended, as recorded on the task.
    pub reason: String,
}

/// An unfinished task's lease, as read.
struct Lease {
    id: String,
    pid: Option<u32>,
    started: Option<i64>,
    scope: Option<String>,
    heartbeat_at: Option<Millis>,
    created_at: Millis,
}

impl Store {
    /// Records that `owner` runs the task, with a fresh heartbeat.
    pub fn take_task_lease(&self, id: &str, owner: &ProcessIdentity) -> Result<()> {
        self.conn.execute(
            "UPDATE tasks SET pid = ?2, pid_started = ?3, pid_scope = ?4, heartbeat_at = ?5 WHERE id = ?1",
            params![id, owner.pid, owner.started, owner.scope, now_ms()],
        )?;
        Ok(())
    }

    /// Renews the heartbeat of a task `pid` runs. `false` when the task is no longer that
    /// process's to run: it has ended, or another process ended it as orphaned (the runner
    /// then stops it).
    pub fn renew_task_lease(&self, id: &str, pid: u32) -> Result<bool> {
        let changed = self.conn.execute(
            "UPDATE tasks SET heartbeat_at = ?3 WHERE id = ?1 AND pid = ?2 \
             AND status IN ('pending', 'running', 'verifying')",
            params![id, pid, now_ms()],
        )?;
        Ok(changed == 1)
    }

    /// Ends, as cancelled with the reason, every unfinished task whose process is gone, and
    /// returns them. Their logs get the status change and a `task_finished` event, so
    /// `task logs --follow` ends too. Nothing is written when no task is orphaned.
    pub fn recover_orphaned_tasks(&self) -> Result<Vec<RecoveredTask>> {
        let leases = self.unfinished_leases()?;
        let now = now_ms();
        let mut recovered = Vec::new();
        for lease in leases {
            let Some(reason) = orphaned(&lease, now) else {
                continue;
            };
            if self.end_orphan(&lease, &reason)? {
                recovered.push(RecoveredTask {
                    id: lease.id,
                    pid: lease.pid,
                    reason,
                });
            }
        }
        Ok(recovered)
    }

    fn unfinished_leases(&self) -> Result<Vec<Lease>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT id, pid, pid_started, pid_scope, heartbeat_at, created_at FROM tasks \
             WHERE status IN ('pending', 'running', 'verifying')",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(Lease {
                id: row.get(0)?,
                pid: row.get::<_, Option<i64>>(1)?.map(|pid| pid as u32),
                started: row.get(2)?,
                scope: row.get(3)?,
                heartbeat_at: row.get(4)?,
                created_at: row.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Ends one orphaned task in one write transaction, unless it moved on since it was read
    /// (ended, or its owner renewed the lease after all). Whether it was ended here.
    fn end_orphan(&self, lease: &Lease, reason: &str) -> Result<bool> {
        let transaction = self.write_transaction()?;
        let current = transaction
            .query_row(
                "SELECT status, heartbeat_at, pid, started_at, created_at, branch, prompt_tokens, \
                 completion_tokens FROM tasks WHERE id = ?1",
                [&lease.id],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, Option<Millis>>(1)?,
                        row.get::<_, Option<i64>>(2)?,
                        row.get::<_, Option<Millis>>(3)?,
                        row.get::<_, Millis>(4)?,
                        row.get::<_, Option<String>>(5)?,
                        row.get::<_, i64>(6)?,
                        row.get::<_, i64>(7)?,
                    ))
                },
            )
            .optional()?;
        let Some((status, heartbeat_at, pid, started_at, created_at, branch, prompt, completion)) =
            current
        else {
            return Ok(false);
        };
        let from = TaskStatus::from_name(&status).unwrap_or(TaskStatus::Failed);
        let same_owner = pid.map(|pid| pid as u32) == lease.pid;
        if from.is_final() || heartbeat_at != lease.heartbeat_at || !same_owner {
            return Ok(false);
        }
        let now = now_ms();
        let summary = format!("interrupted: {reason}");
        transaction.execute(
            "UPDATE tasks SET status = ?2, finished_at = ?3, summary = ?4, error = ?5 WHERE id = ?1",
            params![lease.id, TaskStatus::Cancelled.as_str(), now, summary, reason],
        )?;
        let redactor = self.redactor.as_deref();
        insert_task_event(
            &transaction,
            redactor,
            &lease.id,
            Event::TaskStatus(TaskStatusChange {
                from,
                to: TaskStatus::Cancelled,
                reason: Some(reason.to_string()),
            }),
        )?;
        insert_task_event(
            &transaction,
            redactor,
            &lease.id,
            Event::TaskFinished {
                status: TaskStatus::Cancelled,
                summary,
                branch,
                commit: None,
                diff_stat: None,
                prompt_tokens: prompt.max(0) as u64,
                completion_tokens: completion.max(0) as u64,
                duration_ms: (now - started_at.unwrap_or(created_at)).max(0) as u64,
            },
        )?;
        transaction.commit()?;
        Ok(true)
    }
}

/// Why the task of `lease` counts as orphaned at `now`, or `None` while its process may still
/// be running it.
fn orphaned(lease: &Lease, now: Millis) -> Option<String> {
    let liveness = match lease.pid {
        Some(pid) => ProcessIdentity {
            pid,
            started: lease.started,
            scope: lease.scope.clone(),
        }
        .liveness(),
        None => Liveness::Unknown,
    };
    let process = match lease.pid {
        Some(pid) => format!("its process {pid}"),
        None => "the process that created it".to_string(),
    };
    match liveness {
        Liveness::Running => None,
        Liveness::Ended => Some(format!("{process} ended without finishing")),
        Liveness::Unknown => {
            // A task recorded before leases existed has no heartbeat: it counts from its start.
            let beat = lease.heartbeat_at.unwrap_or(lease.created_at);
            let silent = Duration::from_millis((now - beat).max(0) as u64);
            (silent > LEASE_TTL).then(|| {
                format!(
                    "{process} stopped renewing its lease {}s ago without finishing",
                    silent.as_secs()
                )
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewTask;

    fn new_task(store: &Store, id: &str) {
        store
            .create_task(&NewTask {
                id,
                title: "fix it",
                description: "fix it",
                repo: "/repo",
                strategy: "single",
                model: "m",
                backend: "openai",
                approval: "auto",
                spec_json: "{}",
                retry_of: None,
            })
            .unwrap();
    }

    fn running(store: &mut Store, id: &str, owner: &ProcessIdentity) {
        new_task(store, id);
        store.take_task_lease(id, owner).unwrap();
        store.set_task_status(id, TaskStatus::Running).unwrap();
    }

    /// A process that has exited, in this pid namespace.
    fn ended_process() -> ProcessIdentity {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        ProcessIdentity {
            pid,
            ..ProcessIdentity::current()
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_task_whose_process_ended_is_cancelled_with_the_reason_and_its_log_finished() {
        let mut store = Store::open_in_memory().unwrap();
        running(&mut store, "alive", &ProcessIdentity::current());
        let dead = ended_process();
        running(&mut store, "orphan", &dead);
        store
            .set_task_workspace("orphan", "agent/orphan", "/wt/orphan", "abc", None)
            .unwrap();

        let recovered = store.recover_orphaned_tasks().unwrap();
        assert_eq!(recovered.len(), 1, "{recovered:?}");
        assert_eq!(recovered[0].id, "orphan");
        let reason = format!("its process {} ended without finishing", dead.pid);
        assert_eq!(recovered[0].reason, reason);

        let task = store.task("orphan").unwrap();
        assert_eq!(task.status, TaskStatus::Cancelled);
        assert_eq!(task.error.as_deref(), Some(reason.as_str()));
        assert!(task.finished_at.is_some());
        // Kept for `task discard`, as a cancel keeps them.
        assert_eq!(task.worktree.as_deref(), Some("/wt/orphan"));
        assert_eq!(task.branch.as_deref(), Some("agent/orphan"));
        let events = store.task_events("orphan", 0).unwrap();
        let kinds: Vec<_> = events.iter().map(|e| e.event.kind()).collect();
        assert_eq!(kinds, ["task_status", "task_finished"]);
        assert_eq!(store.task("alive").unwrap().status, TaskStatus::Running);

        // Once is enough; the renewal of the dead owner is refused.
        assert!(store.recover_orphaned_tasks().unwrap().is_empty());
        assert!(!store.renew_task_lease("orphan", dead.pid).unwrap());
        assert!(store.renew_task_lease("alive", std::process::id()).unwrap());
    }

    #[test]
    fn where_the_pid_cannot_be_checked_the_heartbeat_decides() {
        let mut store = Store::open_in_memory().unwrap();
        let elsewhere = ProcessIdentity {
            pid: 1,
            started: Some(1),
            scope: Some("another machine".into()),
        };
        running(&mut store, "fresh", &elsewhere);
        running(&mut store, "stale", &elsewhere);
        let old = now_ms() - LEASE_TTL.as_millis() as i64 - 5_000;
        store
            .conn
            .execute(
                "UPDATE tasks SET heartbeat_at = ?1 WHERE id = 'stale'",
                [old],
            )
            .unwrap();
        // A task from before leases: no heartbeat, long ago.
        new_task(&store, "legacy");
        store
            .conn
            .execute(
                "UPDATE tasks SET created_at = ?1, pid = 1 WHERE id = 'legacy'",
                [old],
            )
            .unwrap();

        let mut ids: Vec<_> = store
            .recover_orphaned_tasks()
            .unwrap()
            .into_iter()
            .map(|task| task.id)
            .collect();
        ids.sort();
        assert_eq!(ids, ["legacy", "stale"]);
        assert_eq!(store.task("fresh").unwrap().status, TaskStatus::Running);
        let stale = store.task("stale").unwrap();
        assert_eq!(stale.status, TaskStatus::Cancelled);
        assert!(
            stale
                .summary
                .as_deref()
                .is_some_and(|s| s.starts_with("interrupted: its process 1 stopped renewing")),
            "{stale:?}"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn listing_tasks_recovers_first() {
        let mut store = Store::open_in_memory().unwrap();
        running(&mut store, "orphan", &ended_process());
        let tasks = store
            .list_tasks(&crate::store::TaskQuery::default())
            .unwrap();
        assert_eq!(tasks[0].status, TaskStatus::Cancelled);
    }
}
