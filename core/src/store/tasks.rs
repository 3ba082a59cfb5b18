//! Tasks and their event logs: rows that follow the task life cycle, append-only event logs,
//! cross-process cancel requests, applied/undone bookkeeping and edit-form outcomes per model.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use super::Store;
use crate::error::{Error, Result};
use crate::git::DiffStat;
use crate::protocol::{EventEnvelope, SCHEMA_VERSION};
use crate::redact::Redactor;
use crate::task::TaskStatus;
use crate::time::{Millis, now_ms};

const KIND: &str = "task";

/// A task as stored (and as `agent serve` answers it: clients read it back).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    pub id: String,
    pub title: String,
    pub description: String,
    pub repo: String,
    pub base_commit: Option<String>,
    pub branch: Option<String>,
    pub worktree: Option<String>,
    pub strategy: Option<String>,
    pub complexity: Option<String>,
    pub model: Option<String>,
    pub backend: Option<String>,
    pub approval: Option<String>,
    pub verify_command: Option<String>,
    pub status: TaskStatus,
    pub summary: Option<String>,
    pub error: Option<String>,
    pub diff_stat: Option<DiffStat>,
    pub commit_id: Option<String>,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub created_at: Millis,
    pub started_at: Option<Millis>,
    pub finished_at: Option<Millis>,
    pub retry_of: Option<String>,
    /// The [`crate::protocol::TaskSpec`] it was started with, as JSON.
    #[serde(skip)]
    pub spec: Option<String>,
    pub pid: Option<u32>,
    pub cancel_requested_at: Option<Millis>,
    pub applied_commit: Option<String>,
    pub applied_to: Option<String>,
    pub applied_at: Option<Millis>,
    pub undone_at: Option<Millis>,
    /// How sure the complexity estimate was (0.5–0.95).
    pub complexity_confidence: Option<f64>,
    /// Why this strategy was chosen.
    pub selection_reason: Option<String>,
    /// Edit → check rounds run (Iterative).
    pub iterations: Option<u32>,
    /// Review rounds run (MultiAgent).
    pub review_rounds: Option<u32>,
    /// The planner's plan (MultiAgent).
    pub plan: Option<crate::task::plan::Plan>,
    /// The context window its model ran with, tokens (fitted to memory for local models).
    #[serde(default)]
    pub context_length: Option<u32>,
}

/// A task about to be recorded.
#[derive(Debug, Clone)]
pub struct NewTask<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub repo: &'a str,
    pub strategy: &'a str,
    pub model: &'a str,
    pub backend: &'a str,
    pub approval: &'a str,
    pub spec_json: &'a str,
    pub retry_of: Option<&'a str>,
}

/// How a task ended, written once with its final status.
#[derive(Debug, Clone, Default)]
pub struct TaskEnding {
    pub summary: String,
    pub error: Option<String>,
    pub diff_stat: Option<DiffStat>,
    pub commit_id: Option<String>,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// Filters for [`Store::list_tasks`].
#[derive(Debug, Clone, Default)]
pub struct TaskQuery {
    pub status: Option<TaskStatus>,
    pub repo: Option<String>,
    pub limit: usize,
    /// Only tasks listed after this one (a page's last task; see [`TaskCursor`]).
    pub after: Option<TaskCursor>,
}

/// Where a listing of tasks (newest first) stopped: the last task's creation time and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskCursor {
    pub created_at: Millis,
    pub id: String,
}

impl TaskCursor {
    /// The cursor after `task`.
    pub fn after(task: &TaskRecord) -> Self {
        Self {
            created_at: task.created_at,
            id: task.id.clone(),
        }
    }

    /// The cursor as one opaque token (`<created_at>.<id>`).
    pub fn encode(&self) -> String {
        format!("{}.{}", self.created_at, self.id)
    }

    /// A token from [`TaskCursor::encode`]; `None` for anything else.
    pub fn decode(token: &str) -> Option<Self> {
        let (created_at, id) = token.split_once('.')?;
        Some(Self {
            created_at: created_at.parse().ok()?,
            id: id.to_string(),
        })
    }
}

/// Edit outcomes of one model with one edit form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditOutcomeStats {
    pub backend: String,
    pub model: String,
    pub form: String,
    pub applied: u64,
    pub failed: u64,
}

const COLUMNS: &str = "id, title, description, repo, base_commit, branch, worktree, strategy, \
    complexity, models, backend, approval, verify_command, status, summary, error, diff_stat, \
    commit_id, prompt_tokens, completion_tokens, created_at, started_at, finished_at, retry_of, \
    spec, pid, cancel_requested_at, applied_commit, applied_to, applied_at, undone_at, \
    complexity_confidence, selection_reason, iterations, review_rounds, plan, context_length";

impl Store {
    /// Records a new task (status pending). Its title, description and spec are redacted.
    pub fn create_task(&self, task: &NewTask) -> Result<TaskRecord> {
        let title = self.redacted(task.title);
        let description = self.redacted(task.description);
        let spec_json = self.redacted_json(task.spec_json);
        self.conn.execute(
            "INSERT INTO tasks (id, title, description, repo, strategy, models, backend, approval, \
             spec, retry_of, status, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                task.id,
                title,
                description,
                task.repo,
                task.strategy,
                task.model,
                task.backend,
                task.approval,
                spec_json,
                task.retry_of,
                TaskStatus::Pending.as_str(),
                now_ms(),
            ],
        )?;
        self.task(task.id)
    }

    /// Records the context window the task's model runs with.
    pub fn set_task_context_length(&self, id: &str, context_length: u32) -> Result<()> {
        self.conn.execute(
            "UPDATE tasks SET context_length = ?2 WHERE id = ?1",
            params![id, context_length],
        )?;
        Ok(())
    }

    /// The task with exactly this id.
    pub fn task(&self, id: &str) -> Result<TaskRecord> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM tasks WHERE id = ?1"),
                [id],
                task_from_row,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound {
                kind: KIND,
                id: id.to_string(),
            })
    }

    /// The full id of the task whose id is `id` or starts with it (if only one does).
    pub fn resolve_task_id(&self, id: &str) -> Result<String> {
        self.resolve_id_prefix("tasks", KIND, id)
    }

    /// Tasks, newest first.
    ///
    /// Tasks whose process ended without finishing them are ended first
    /// ([`Store::recover_orphaned_tasks`]), so no front shows them running forever. That is
    /// best effort: a listing from a database that cannot be written still lists.
    pub fn list_tasks(&self, query: &TaskQuery) -> Result<Vec<TaskRecord>> {
        let _ = self.recover_orphaned_tasks();
        self.list_tasks_as_stored(query)
    }

    /// [`Store::list_tasks`] without ending orphaned tasks first: for a caller that recovers
    /// them on its own schedule (the server, every few seconds), so a listing never writes.
    pub fn list_tasks_as_stored(&self, query: &TaskQuery) -> Result<Vec<TaskRecord>> {
        let limit = if query.limit == 0 { 50 } else { query.limit };
        // Only the filters asked for are in the statement, so SQLite walks the index that
        // matches them (status or repository, then creation) and stops after one page.
        let mut conditions = Vec::new();
        let mut values: Vec<&dyn rusqlite::ToSql> = Vec::new();
        let status = query.status.map(TaskStatus::as_str);
        if let Some(status) = &status {
            values.push(status);
            conditions.push(format!("status = ?{}", values.len()));
        }
        if let Some(repo) = &query.repo {
            values.push(repo);
            conditions.push(format!("repo = ?{}", values.len()));
        }
        if let Some(cursor) = &query.after {
            values.push(&cursor.created_at);
            values.push(&cursor.id);
            conditions.push(format!(
                "(created_at, id) < (?{}, ?{})",
                values.len() - 1,
                values.len()
            ));
        }
        let limit = limit as i64;
        values.push(&limit);
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM tasks {filter} ORDER BY created_at DESC, id DESC LIMIT ?{}",
            values.len()
        ))?;
        let rows = statement.query_map(values.as_slice(), task_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Moves a task to `to`, if the life cycle allows it from its current status. Sets
    /// `started_at` on the first move to running and `finished_at` on a final status.
    pub fn set_task_status(&mut self, id: &str, to: TaskStatus) -> Result<TaskStatus> {
        let transaction = self.write_transaction()?;
        let from: String = transaction
            .query_row("SELECT status FROM tasks WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::NotFound {
                kind: KIND,
                id: id.to_string(),
            })?;
        let from = TaskStatus::from_name(&from).unwrap_or(TaskStatus::Failed);
        if !from.can_become(to) {
            return Err(Error::InvalidTransition {
                id: id.to_string(),
                from,
                to,
            });
        }
        let now = now_ms();
        transaction.execute(
            "UPDATE tasks SET status = ?2, \
             started_at = CASE WHEN ?2 = 'running' THEN coalesce(started_at, ?3) ELSE started_at END, \
             finished_at = CASE WHEN ?2 IN ('succeeded', 'failed', 'cancelled') THEN ?3 ELSE finished_at END \
             WHERE id = ?1",
            params![id, to.as_str(), now],
        )?;
        transaction.commit()?;
        Ok(from)
    }

    /// Records the task's worktree, branch and base commit.
    pub fn set_task_workspace(
        &self,
        id: &str,
        branch: &str,
        worktree: &str,
        base_commit: &str,
        verify_command: Option<&str>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE tasks SET branch = ?2, worktree = ?3, base_commit = ?4, verify_command = ?5 WHERE id = ?1",
            params![
                id,
                branch,
                worktree,
                base_commit,
                self.redacted_option(verify_command)
            ],
        )?;
        Ok(())
    }

    /// Forgets the task's worktree once it has been removed (its branch stays).
    pub fn clear_task_worktree(&self, id: &str) -> Result<()> {
        self.conn
            .execute("UPDATE tasks SET worktree = NULL WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Records the estimated complexity and why the strategy was chosen.
    pub fn set_task_selection(
        &self,
        id: &str,
        complexity: &str,
        confidence: f64,
        reason: &str,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE tasks SET complexity = ?2, complexity_confidence = ?3, selection_reason = ?4 WHERE id = ?1",
            params![id, complexity, confidence, self.redacted(reason)],
        )?;
        Ok(())
    }

    /// Records how many edit → check rounds have started.
    pub fn set_task_iterations(&self, id: &str, iterations: u32) -> Result<()> {
        self.conn.execute(
            "UPDATE tasks SET iterations = ?2 WHERE id = ?1",
            params![id, iterations],
        )?;
        Ok(())
    }

    /// Records how many review rounds have run.
    pub fn set_task_review_rounds(&self, id: &str, rounds: u32) -> Result<()> {
        self.conn.execute(
            "UPDATE tasks SET review_rounds = ?2 WHERE id = ?1",
            params![id, rounds],
        )?;
        Ok(())
    }

    /// Records the planner's plan (JSON).
    pub fn set_task_plan(&self, id: &str, plan_json: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE tasks SET plan = ?2 WHERE id = ?1",
            params![id, self.redacted_json(plan_json)],
        )?;
        Ok(())
    }

    /// Forgets the task's branch once it has been deleted (a task that committed nothing).
    pub fn clear_task_branch(&self, id: &str) -> Result<()> {
        self.conn
            .execute("UPDATE tasks SET branch = NULL WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Records which process runs the task.
    pub fn set_task_pid(&self, id: &str, pid: u32) -> Result<()> {
        self.conn
            .execute("UPDATE tasks SET pid = ?2 WHERE id = ?1", params![id, pid])?;
        Ok(())
    }

    /// Writes how a task ended (summary, diff, commit, tokens); the status is set separately.
    /// The summary and error are redacted.
    pub fn set_task_ending(&self, id: &str, ending: &TaskEnding) -> Result<()> {
        let diff_stat = ending
            .diff_stat
            .as_ref()
            .map(serde_json::to_string)
            .transpose()?;
        self.conn.execute(
            "UPDATE tasks SET summary = ?2, error = ?3, diff_stat = ?4, commit_id = ?5, \
             prompt_tokens = ?6, completion_tokens = ?7 WHERE id = ?1",
            params![
                id,
                self.redacted(&ending.summary),
                self.redacted_option(ending.error.as_deref()),
                diff_stat,
                ending.commit_id,
                ending.prompt_tokens as i64,
                ending.completion_tokens as i64,
            ],
        )?;
        Ok(())
    }

    /// Asks the process running a task to stop it (it polls this).
    pub fn request_task_cancel(&self, id: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE tasks SET cancel_requested_at = coalesce(cancel_requested_at, ?2) WHERE id = ?1",
            params![id, now_ms()],
        )?;
        Ok(())
    }

    /// Whether someone asked to cancel the task.
    pub fn task_cancel_requested(&self, id: &str) -> Result<bool> {
        let at: Option<Option<i64>> = self
            .conn
            .query_row(
                "SELECT cancel_requested_at FROM tasks WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(matches!(at, Some(Some(_))))
    }

    /// Records that the task's commit was applied in `repo` as `commit`.
    pub fn mark_task_applied(&self, id: &str, repo: &str, commit: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE tasks SET applied_commit = ?2, applied_to = ?3, applied_at = ?4, undone_at = NULL WHERE id = ?1",
            params![id, commit, repo, now_ms()],
        )?;
        Ok(())
    }

    /// Records that an applied task was undone.
    pub fn mark_task_undone(&self, id: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE tasks SET undone_at = ?2 WHERE id = ?1",
            params![id, now_ms()],
        )?;
        Ok(())
    }

    /// The task applied most recently in `repo` and not undone since.
    pub fn last_applied_task(&self, repo: &str) -> Result<Option<TaskRecord>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM tasks WHERE applied_to = ?1 AND applied_at IS NOT NULL \
                     AND undone_at IS NULL ORDER BY applied_at DESC LIMIT 1"
                ),
                [repo],
                task_from_row,
            )
            .optional()?)
    }

    /// Appends an event to a task's log and returns it in its envelope (with its sequence
    /// number). The write is committed before this returns. With a redactor, the event is
    /// redacted before it is written, and the envelope returned (which fronts print) is the
    /// redacted one.
    pub fn append_task_event(
        &mut self,
        task_id: &str,
        event: crate::protocol::Event,
    ) -> Result<EventEnvelope> {
        let transaction = self.write_transaction()?;
        let envelope = insert_task_event(&transaction, self.redactor.as_deref(), task_id, event)?;
        transaction.commit()?;
        Ok(envelope)
    }

    /// A task's events with a sequence number above `after`, in order. The `payload` column
    /// holds the whole [`EventEnvelope`] as JSON, exactly as `--json` prints it.
    pub fn task_events(&self, task_id: &str, after: u64) -> Result<Vec<EventEnvelope>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT payload FROM task_events WHERE task_id = ?1 AND seq > ?2 ORDER BY seq",
        )?;
        let rows =
            statement.query_map(params![task_id, after as i64], |r| r.get::<_, String>(0))?;
        let mut events = Vec::new();
        for payload in rows {
            // An event this build does not know (written by a newer agent) is skipped, as the
            // protocol asks of every reader.
            if let Ok(envelope) = serde_json::from_str(&payload?) {
                events.push(envelope);
            }
        }
        Ok(events)
    }

    /// Events of every task in the order they were stored, after the feed position `after`
    /// (0: from the start), at most `limit`: each with its position, the cursor of the next call.
    pub fn feed_events(&self, after: i64, limit: usize) -> Result<Vec<(i64, EventEnvelope)>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT f.id, e.payload FROM event_feed f \
             JOIN task_events e ON e.task_id = f.task_id AND e.seq = f.seq \
             WHERE f.id > ?1 ORDER BY f.id LIMIT ?2",
        )?;
        let rows = statement.query_map(params![after, limit as i64], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut events = Vec::new();
        for row in rows {
            let (position, payload) = row?;
            if let Ok(envelope) = serde_json::from_str(&payload) {
                events.push((position, envelope));
            }
        }
        Ok(events)
    }

    /// The feed position of the newest stored event (0 when there is none): where a reader that
    /// wants only new events starts.
    pub fn feed_head(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM event_feed", [], |r| {
                r.get(0)
            })?)
    }

    /// Counts one edit by `model` in `form` as applied or failed.
    pub fn record_edit_outcome(
        &self,
        backend: &str,
        model: &str,
        form: &str,
        applied: bool,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO edit_outcomes (backend, model, form, applied, failed) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (backend, model, form) DO UPDATE SET applied = applied + excluded.applied, \
             failed = failed + excluded.failed",
            params![
                backend,
                model,
                form,
                i64::from(applied),
                i64::from(!applied)
            ],
        )?;
        Ok(())
    }

    /// Edit outcomes per model and form.
    pub fn edit_outcomes(&self) -> Result<Vec<EditOutcomeStats>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT backend, model, form, applied, failed FROM edit_outcomes ORDER BY backend, model, form",
        )?;
        let rows = statement.query_map([], |r| {
            Ok(EditOutcomeStats {
                backend: r.get(0)?,
                model: r.get(1)?,
                form: r.get(2)?,
                applied: r.get::<_, i64>(3)? as u64,
                failed: r.get::<_, i64>(4)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// Appends `event` to the log of `task_id` inside the caller's write transaction; the event is
/// redacted first when there is a redactor (see [`Store::append_task_event`]).
pub(super) fn insert_task_event(
    conn: &Connection,
    redactor: Option<&Redactor>,
    task_id: &str,
    event: crate::protocol::Event,
) -> Result<EventEnvelope> {
    let last: i64 = conn.query_row(
        "SELECT coalesce(max(seq), 0) FROM task_events WHERE task_id = ?1",
        [task_id],
        |r| r.get(0),
    )?;
    let mut envelope = EventEnvelope {
        v: SCHEMA_VERSION,
        task_id: task_id.to_string(),
        chat_id: None,
        seq: last as u64 + 1,
        at: now_ms(),
        event,
    };
    let mut payload = serde_json::to_string(&envelope)?;
    if let Some(redactor) = redactor
        && redactor.finds(&payload)
    {
        let mut value = serde_json::to_value(&envelope)?;
        redactor.redact_value(&mut value);
        payload = serde_json::to_string(&value)?;
        // The redacted strings keep every field's type, so this reads back; if it ever did
        // not, the log still holds the redacted payload and the front gets a marker.
        envelope = serde_json::from_value(value).unwrap_or_else(|_| EventEnvelope {
            event: crate::protocol::Event::Error {
                message: "an event was redacted and cannot be shown".into(),
                hint: None,
                class: None,
            },
            ..envelope
        });
    }
    conn.execute(
        "INSERT INTO task_events (task_id, seq, kind, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            task_id,
            envelope.seq as i64,
            envelope.event.kind(),
            payload,
            envelope.at
        ],
    )?;
    Ok(envelope)
}

fn task_from_row(row: &Row) -> rusqlite::Result<TaskRecord> {
    let status: String = row.get("status")?;
    let diff_stat: Option<String> = row.get("diff_stat")?;
    Ok(TaskRecord {
        id: row.get("id")?,
        title: row.get("title")?,
        description: row.get("description")?,
        repo: row.get("repo")?,
        base_commit: row.get("base_commit")?,
        branch: row.get("branch")?,
        worktree: row.get("worktree")?,
        strategy: row.get("strategy")?,
        complexity: row.get("complexity")?,
        model: row.get("models")?,
        backend: row.get("backend")?,
        approval: row.get("approval")?,
        verify_command: row.get("verify_command")?,
        status: TaskStatus::from_name(&status).unwrap_or(TaskStatus::Failed),
        summary: row.get("summary")?,
        error: row.get("error")?,
        diff_stat: diff_stat.and_then(|text| serde_json::from_str(&text).ok()),
        commit_id: row.get("commit_id")?,
        prompt_tokens: row.get::<_, i64>("prompt_tokens")? as u64,
        completion_tokens: row.get::<_, i64>("completion_tokens")? as u64,
        created_at: row.get("created_at")?,
        started_at: row.get("started_at")?,
        finished_at: row.get("finished_at")?,
        retry_of: row.get("retry_of")?,
        spec: row.get("spec")?,
        pid: row.get::<_, Option<i64>>("pid")?.map(|p| p as u32),
        cancel_requested_at: row.get("cancel_requested_at")?,
        applied_commit: row.get("applied_commit")?,
        applied_to: row.get("applied_to")?,
        applied_at: row.get("applied_at")?,
        undone_at: row.get("undone_at")?,
        complexity_confidence: row.get("complexity_confidence")?,
        selection_reason: row.get("selection_reason")?,
        iterations: row.get::<_, Option<i64>>("iterations")?.map(|n| n as u32),
        review_rounds: row
            .get::<_, Option<i64>>("review_rounds")?
            .map(|n| n as u32),
        plan: row
            .get::<_, Option<String>>("plan")?
            .and_then(|text| serde_json::from_str(&text).ok()),
        context_length: row
            .get::<_, Option<i64>>("context_length")?
            .and_then(|n| u32::try_from(n).ok()),
    })
}

#[cfg(test)]
#[path = "tasks_tests.rs"]
mod tests;
