//! A/B tests and which task got which variant (`ab_tests`, `ab_assignments`).

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use super::Store;
use crate::error::{Error, Result};
use crate::time::{Millis, now_ms};

/// A stored A/B test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AbTestRecord {
    pub id: String,
    pub name: String,
    /// JSON array of `{name, settings, weight}` (see [`crate::routing::ab`]).
    pub variants: String,
    /// `running` or `stopped`.
    pub status: String,
    pub created_at: Millis,
    pub stopped_at: Option<Millis>,
    /// The variant kept when the test was stopped.
    pub winner: Option<String>,
}

/// The tasks one variant of a test got, and how the finished ones went.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AbVariantTotals {
    pub variant: String,
    /// Every task assigned to the variant.
    pub assigned: u64,
    /// Assigned tasks that succeeded or failed (the ones the comparison counts).
    pub finished: u64,
    pub succeeded: u64,
    /// Prompt and completion tokens of the finished tasks.
    pub tokens: u64,
    /// Wall time of the finished tasks, from start (or creation) to end, in milliseconds.
    pub duration_ms: u64,
}

const COLUMNS: &str = "id, name, variants, status, created_at, stopped_at, winner";

fn record(row: &Row<'_>) -> rusqlite::Result<AbTestRecord> {
    Ok(AbTestRecord {
        id: row.get(0)?,
        name: row.get(1)?,
        variants: row.get(2)?,
        status: row.get(3)?,
        created_at: row.get(4)?,
        stopped_at: row.get(5)?,
        winner: row.get(6)?,
    })
}

impl Store {
    /// Stores a new running test. A name already taken (by a running or a stopped test) is
    /// refused.
    pub fn create_ab_test(&self, id: &str, name: &str, variants_json: &str) -> Result<()> {
        let tx = self.write_transaction()?;
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM ab_tests WHERE name = ?1)",
            [name],
            |row| row.get(0),
        )?;
        if taken {
            return Err(Error::AbTest {
                message: format!("an A/B test named `{name}` exists already"),
                hint: "choose another name; `agent ab list` shows the tests".into(),
            });
        }
        tx.execute(
            "INSERT INTO ab_tests (id, name, variants, status, created_at)
             VALUES (?1, ?2, ?3, 'running', ?4)",
            params![id, name, variants_json, now_ms()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every test, newest first.
    pub fn ab_tests(&self) -> Result<Vec<AbTestRecord>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM ab_tests ORDER BY created_at DESC, name"
        ))?;
        let rows = statement.query_map([], record)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The running tests, oldest first (the order their settings apply in).
    pub fn running_ab_tests(&self) -> Result<Vec<AbTestRecord>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM ab_tests WHERE status = 'running' ORDER BY created_at, name"
        ))?;
        let rows = statement.query_map([], record)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The test called `name`.
    pub fn ab_test(&self, name: &str) -> Result<AbTestRecord> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM ab_tests WHERE name = ?1"),
                [name],
                record,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound {
                kind: "A/B test",
                id: name.to_string(),
            })
    }

    /// Records that `task_id` runs with `variant` of test `test_id`.
    pub fn assign_ab_variant(&self, test_id: &str, task_id: &str, variant: &str) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO ab_assignments (test_id, task_id, variant) VALUES (?1, ?2, ?3)",
            params![test_id, task_id, variant],
        )?;
        Ok(())
    }

    /// The tasks of each variant of a test that has any, by variant name.
    pub fn ab_variant_totals(&self, test_id: &str) -> Result<Vec<AbVariantTotals>> {
        let mut statement = self.conn.prepare(
            "SELECT a.variant, COUNT(*),
                    SUM(t.status IN ('succeeded', 'failed')),
                    SUM(t.status = 'succeeded'),
                    SUM(CASE WHEN t.status IN ('succeeded', 'failed')
                             THEN t.prompt_tokens + t.completion_tokens ELSE 0 END),
                    SUM(CASE WHEN t.status IN ('succeeded', 'failed')
                             THEN max(0, coalesce(t.finished_at, 0)
                                         - coalesce(t.started_at, t.created_at))
                             ELSE 0 END)
               FROM ab_assignments a JOIN tasks t ON t.id = a.task_id
              WHERE a.test_id = ?1
              GROUP BY a.variant
              ORDER BY a.variant",
        )?;
        let count = |row: &Row<'_>, index: usize| -> rusqlite::Result<u64> {
            Ok(row
                .get::<_, Option<i64>>(index)?
                .unwrap_or(0)
                .max(0)
                .unsigned_abs())
        };
        let rows = statement.query_map([test_id], |row| {
            Ok(AbVariantTotals {
                variant: row.get(0)?,
                assigned: count(row, 1)?,
                finished: count(row, 2)?,
                succeeded: count(row, 3)?,
                tokens: count(row, 4)?,
                duration_ms: count(row, 5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Stops a running test, keeping `winner`. A stopped test is refused.
    pub fn stop_ab_test(&self, test_id: &str, winner: &str) -> Result<()> {
        let changed = self.conn.execute(
            "UPDATE ab_tests SET status = 'stopped', stopped_at = ?2, winner = ?3
              WHERE id = ?1 AND status = 'running'",
            params![test_id, now_ms(), winner],
        )?;
        if changed == 0 {
            return Err(Error::AbTest {
                message: "the A/B test is not running".into(),
                hint: "`agent ab list` shows which tests run".into(),
            });
        }
        Ok(())
    }
}
