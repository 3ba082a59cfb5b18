//! The record of every model call: backend, model, tokens, timings and outcome.

use rusqlite::params;
use serde::Serialize;

use super::Store;
use crate::error::Result;
use crate::protocol::CacheOutcome;
use crate::time::{Millis, now_ms};

/// How a model call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelCallOutcome {
    /// The model finished its answer.
    Ok,
    /// The answer stopped at the token limit.
    Length,
    /// The caller stopped the call.
    Cancelled,
    /// The backend failed.
    Error,
}

impl ModelCallOutcome {
    fn as_str(self) -> &'static str {
        match self {
            ModelCallOutcome::Ok => "ok",
            ModelCallOutcome::Length => "length",
            ModelCallOutcome::Cancelled => "cancelled",
            ModelCallOutcome::Error => "error",
        }
    }

    /// The outcome stored as `name`; anything unknown reads as an error.
    fn from_name(name: &str) -> Self {
        match name {
            "ok" => ModelCallOutcome::Ok,
            "length" => ModelCallOutcome::Length,
            "cancelled" => ModelCallOutcome::Cancelled,
            _ => ModelCallOutcome::Error,
        }
    }
}

/// One model call to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelCall {
    pub task_id: Option<String>,
    pub conversation_id: Option<String>,
    /// The agent role that made the call (planner, coder, chat, ...).
    pub agent_role: Option<String>,
    pub backend: String,
    pub model: String,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    pub latency_ms: Option<u64>,
    pub first_token_ms: Option<u64>,
    pub outcome: ModelCallOutcome,
    pub error: Option<String>,
    /// Whether the answer cache answered it (`hit`), or it was cacheable and asked (`miss`).
    pub cache: Option<CacheOutcome>,
    /// Prompt tokens the backend did not compute again: a local model's cache of the previous
    /// request or its prefill kept by an earlier process (see [`agent_models::Usage`]).
    pub reused_prompt_tokens: Option<u64>,
}

/// Token totals over a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct UsageTotals {
    pub calls: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// What one model was used for over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelUsage {
    pub backend: String,
    pub model: String,
    pub calls: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

impl Store {
    /// Records a model call; returns its row id.
    pub fn record_model_call(&self, call: &ModelCall) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO model_calls (task_id, conversation_id, agent_role, backend, model, prompt_tokens,
                    completion_tokens, latency_ms, first_token_ms, outcome, error, created_at, cache,
                    reused_prompt_tokens)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                call.task_id,
                call.conversation_id,
                call.agent_role,
                call.backend,
                call.model,
                call.prompt_tokens,
                call.completion_tokens,
                call.latency_ms,
                call.first_token_ms,
                call.outcome.as_str(),
                self.redacted_option(call.error.as_deref()),
                now_ms(),
                call.cache.map(CacheOutcome::as_str),
                call.reused_prompt_tokens,
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Calls and tokens of model calls made at or after `since`.
    pub fn usage_since(&self, since: Millis) -> Result<UsageTotals> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0)
               FROM model_calls WHERE created_at >= ?1",
            [since],
            |row| {
                Ok(UsageTotals {
                    calls: row.get(0)?,
                    prompt_tokens: row.get(1)?,
                    completion_tokens: row.get(2)?,
                })
            },
        )?)
    }

    /// Calls and tokens of each (backend, model) called at or after `since`, most tokens first.
    pub fn usage_by_model_since(&self, since: Millis) -> Result<Vec<ModelUsage>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT backend, model, COUNT(*), COALESCE(SUM(prompt_tokens), 0),
                    COALESCE(SUM(completion_tokens), 0)
               FROM model_calls WHERE created_at >= ?1
              GROUP BY backend, model
              ORDER BY COALESCE(SUM(prompt_tokens), 0) + COALESCE(SUM(completion_tokens), 0) DESC,
                       backend, model",
        )?;
        let rows = statement.query_map([since], |row| {
            Ok(ModelUsage {
                backend: row.get(0)?,
                model: row.get(1)?,
                calls: row.get(2)?,
                prompt_tokens: row.get(3)?,
                completion_tokens: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The last `limit` model calls, oldest first.
    pub fn recent_model_calls(&self, limit: usize) -> Result<Vec<ModelCall>> {
        let mut statement = self.conn.prepare(
            "SELECT task_id, conversation_id, agent_role, backend, model, prompt_tokens,
                    completion_tokens, latency_ms, first_token_ms, outcome, error, cache,
                    reused_prompt_tokens
               FROM (SELECT * FROM model_calls ORDER BY id DESC LIMIT ?1) ORDER BY id",
        )?;
        let rows = statement.query_map([limit as i64], |row| {
            let outcome: String = row.get(9)?;
            Ok(ModelCall {
                task_id: row.get(0)?,
                conversation_id: row.get(1)?,
                agent_role: row.get(2)?,
                backend: row.get(3)?,
                model: row.get(4)?,
                prompt_tokens: row.get(5)?,
                completion_tokens: row.get(6)?,
                latency_ms: row.get(7)?,
                first_token_ms: row.get(8)?,
                outcome: ModelCallOutcome::from_name(&outcome),
                error: row.get(10)?,
                cache: row
                    .get::<_, Option<String>>(11)?
                    .as_deref()
                    .and_then(CacheOutcome::from_name),
                reused_prompt_tokens: row.get(12)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
