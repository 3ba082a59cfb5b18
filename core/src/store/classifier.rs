//! Classifier versions (`classifier_versions`) and the finished tasks they learn from.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::Store;
use crate::error::{Error, Result};
use crate::time::Millis;

/// A stored classifier version, without its weights.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassifierVersion {
    pub id: i64,
    pub trained_at: Millis,
    pub samples: i64,
    pub accuracy: Option<f64>,
    pub macro_f1: Option<f64>,
    pub source: Option<String>,
    pub active: bool,
}

/// A version to store.
#[derive(Debug, Clone)]
pub struct NewClassifierVersion<'a> {
    pub trained_at: Millis,
    pub samples: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub source: &'a str,
    /// The model's JSON (`classifier::Model::to_json`).
    pub model: &'a str,
    /// JSON: the held-out scores of this version and of the one it was compared with.
    pub metrics: &'a str,
}

/// What a finished task took: its text and the effort observed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskEffort {
    pub id: String,
    pub description: String,
    pub repo: String,
    /// succeeded | failed
    pub status: String,
    pub strategy: Option<String>,
    /// Model requests made for the task.
    pub turns: i64,
    pub iterations: i64,
    pub review_rounds: i64,
    pub tokens: i64,
    pub files_changed: i64,
    pub lines_changed: i64,
    pub finished_at: Millis,
}

impl Store {
    /// Stores a version; `activate` makes it the current one (and no other).
    pub fn add_classifier_version(
        &self,
        version: &NewClassifierVersion<'_>,
        activate: bool,
    ) -> Result<i64> {
        let tx = self.write_transaction()?;
        if activate {
            tx.execute(
                "UPDATE classifier_versions SET active = 0 WHERE active = 1",
                [],
            )?;
        }
        tx.execute(
            "INSERT INTO classifier_versions \
             (trained_at, samples, accuracy, macro_f1, source, model, metrics, active) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                version.trained_at,
                version.samples as i64,
                version.accuracy,
                version.macro_f1,
                version.source,
                version.model,
                version.metrics,
                i64::from(activate),
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// Every stored version, newest first.
    pub fn classifier_versions(&self) -> Result<Vec<ClassifierVersion>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT id, trained_at, samples, accuracy, macro_f1, source, active \
             FROM classifier_versions ORDER BY id DESC",
        )?;
        let rows = statement
            .query_map([], |r| {
                Ok(ClassifierVersion {
                    id: r.get(0)?,
                    trained_at: r.get(1)?,
                    samples: r.get(2)?,
                    accuracy: r.get(3)?,
                    macro_f1: r.get(4)?,
                    source: r.get(5)?,
                    active: r.get::<_, i64>(6)? == 1,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The current version's id and model JSON; `None` when the shipped model is current.
    pub fn active_classifier(&self) -> Result<Option<(i64, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, model FROM classifier_versions WHERE active = 1 ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Makes version `id` current, or the shipped model when `id` is `None`.
    pub fn use_classifier_version(&self, id: Option<i64>) -> Result<()> {
        let tx = self.write_transaction()?;
        if let Some(id) = id {
            let exists: Option<i64> = tx
                .query_row(
                    "SELECT id FROM classifier_versions WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .optional()?;
            if exists.is_none() {
                return Err(Error::NotFound {
                    kind: "classifier version",
                    id: id.to_string(),
                });
            }
        }
        tx.execute(
            "UPDATE classifier_versions SET active = 0 WHERE active = 1",
            [],
        )?;
        if let Some(id) = id {
            tx.execute(
                "UPDATE classifier_versions SET active = 1 WHERE id = ?1",
                [id],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Tasks that succeeded or failed (finished at or after `since`), oldest first, with the
    /// effort they took.
    pub fn finished_task_efforts(&self, since: Option<Millis>) -> Result<Vec<TaskEffort>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT t.id, t.description, t.repo, t.status, t.strategy, \
                    (SELECT COUNT(*) FROM model_calls m WHERE m.task_id = t.id), \
                    COALESCE(t.iterations, 0), COALESCE(t.review_rounds, 0), \
                    COALESCE(t.prompt_tokens, 0) + COALESCE(t.completion_tokens, 0), \
                    COALESCE(json_extract(t.diff_stat, '$.files_changed'), 0), \
                    COALESCE(json_extract(t.diff_stat, '$.insertions'), 0) \
                      + COALESCE(json_extract(t.diff_stat, '$.deletions'), 0), \
                    t.finished_at \
             FROM tasks t \
             WHERE t.status IN ('succeeded', 'failed') AND t.finished_at IS NOT NULL \
               AND t.finished_at >= ?1 \
             ORDER BY t.finished_at, t.id",
        )?;
        let rows = statement
            .query_map([since.unwrap_or(i64::MIN)], |r| {
                Ok(TaskEffort {
                    id: r.get(0)?,
                    description: r.get(1)?,
                    repo: r.get(2)?,
                    status: r.get(3)?,
                    strategy: r.get(4)?,
                    turns: r.get(5)?,
                    iterations: r.get(6)?,
                    review_rounds: r.get(7)?,
                    tokens: r.get(8)?,
                    files_changed: r.get(9)?,
                    lines_changed: r.get(10)?,
                    finished_at: r.get(11)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

impl Store {
    /// The model JSON of version `id`.
    pub fn classifier_model(&self, id: i64) -> Result<String> {
        self.conn
            .query_row(
                "SELECT model FROM classifier_versions WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::NotFound {
                kind: "classifier version",
                id: id.to_string(),
            })
    }
}
