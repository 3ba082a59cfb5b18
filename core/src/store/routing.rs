//! What the router learns from: per model, the finished tasks of one complexity class in which a
//! role's calls went to it, how many succeeded, and the tokens those calls took.

use rusqlite::params;
use serde::Serialize;

use super::Store;
use crate::error::Result;

/// One model's record for a role in a complexity class.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ModelOutcomes {
    pub backend: String,
    pub model: String,
    /// Finished tasks (succeeded or failed; cancelled ones say nothing of the model) in which
    /// the role called this model.
    pub tasks: u64,
    pub succeeded: u64,
    /// Prompt and completion tokens of the role's calls to this model in those tasks.
    pub tokens: u64,
}

impl Store {
    /// The record of every model `role` called in finished tasks of `complexity`, by model.
    pub fn model_outcomes(&self, role: &str, complexity: &str) -> Result<Vec<ModelOutcomes>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT backend, model, COUNT(*), SUM(status = 'succeeded'), SUM(tokens)
               FROM (SELECT c.backend AS backend, c.model AS model, t.status AS status,
                            SUM(coalesce(c.prompt_tokens, 0) + coalesce(c.completion_tokens, 0))
                                AS tokens
                       FROM model_calls c JOIN tasks t ON t.id = c.task_id
                      WHERE c.agent_role = ?1 AND t.complexity = ?2
                        AND t.status IN ('succeeded', 'failed')
                      GROUP BY c.task_id, c.backend, c.model)
              GROUP BY backend, model
              ORDER BY backend, model",
        )?;
        let rows = statement.query_map(params![role, complexity], |row| {
            Ok(ModelOutcomes {
                backend: row.get(0)?,
                model: row.get(1)?,
                tasks: row.get::<_, i64>(2)?.max(0).unsigned_abs(),
                succeeded: row.get::<_, i64>(3)?.max(0).unsigned_abs(),
                tokens: row.get::<_, i64>(4)?.max(0).unsigned_abs(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
