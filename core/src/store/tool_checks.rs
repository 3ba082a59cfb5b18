//! The tool-calling check of each model (backend, model): how it calls tools, found once before
//! its first task and kept so later tasks send no check.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::Store;
use crate::error::Result;
use crate::time::{Millis, now_ms};

/// A stored check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToolCheckRecord {
    pub backend: String,
    pub model: String,
    /// `native`, `prompt` or `none`.
    pub format: String,
    /// What the model did, in one line.
    pub detail: String,
    pub checked_at: Millis,
}

/// The error of a tool-calling check's `model_calls` row when the check timed out.
pub const TOOL_CHECK_TIMED_OUT: &str = "timed out";

/// What [`Store::forget_tool_check`] makes of that error: no longer a reason to skip the check.
pub const TOOL_CHECK_FORGOTTEN: &str = "timed out (check forgotten)";

impl Store {
    /// The stored check of `model` on `backend`, if it was checked.
    pub fn tool_check(&self, backend: &str, model: &str) -> Result<Option<ToolCheckRecord>> {
        Ok(self
            .conn
            .query_row(
                "SELECT backend, model, format, detail, checked_at FROM model_tool_checks
                  WHERE backend = ?1 AND model = ?2",
                params![backend, model],
                |row| {
                    Ok(ToolCheckRecord {
                        backend: row.get(0)?,
                        model: row.get(1)?,
                        format: row.get(2)?,
                        detail: row.get(3)?,
                        checked_at: row.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Keeps (or replaces) the check of `model` on `backend`: `format` is `native`, `prompt` or
    /// `none`.
    pub fn record_tool_check(
        &self,
        backend: &str,
        model: &str,
        format: &str,
        detail: &str,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO model_tool_checks (backend, model, format, detail, checked_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![backend, model, format, self.redacted(detail), now_ms()],
        )?;
        Ok(())
    }

    /// Forgets the check of `model` on `backend`, so the next task checks it again: its result,
    /// and a check that timed out (its `model_calls` row keeps its tokens and time, its error
    /// reads [`TOOL_CHECK_FORGOTTEN`]). Returns whether there was a result.
    pub fn forget_tool_check(&self, backend: &str, model: &str) -> Result<bool> {
        let removed = self.conn.execute(
            "DELETE FROM model_tool_checks WHERE backend = ?1 AND model = ?2",
            params![backend, model],
        )?;
        self.conn.execute(
            "UPDATE model_calls SET error = ?4
              WHERE agent_role = 'tool_check' AND backend = ?1 AND model = ?2 AND error = ?3",
            params![backend, model, TOOL_CHECK_TIMED_OUT, TOOL_CHECK_FORGOTTEN],
        )?;
        Ok(removed > 0)
    }

    /// When the tool-calling check of `model` on `backend` last timed out (its `model_calls` row
    /// of role `tool_check` with the error [`TOOL_CHECK_TIMED_OUT`]), if it did at `since` or
    /// later.
    pub fn tool_check_timed_out_since(
        &self,
        backend: &str,
        model: &str,
        since: Millis,
    ) -> Result<Option<Millis>> {
        Ok(self
            .conn
            .query_row(
                "SELECT MAX(created_at) FROM model_calls
                  WHERE backend = ?1 AND model = ?2 AND created_at >= ?3
                    AND agent_role = 'tool_check' AND error = ?4",
                params![backend, model, since, TOOL_CHECK_TIMED_OUT],
                |row| row.get::<_, Option<Millis>>(0),
            )
            .optional()?
            .flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_is_kept_per_backend_and_model_and_can_be_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("agent.db"), &Default::default()).unwrap();
        assert_eq!(store.tool_check("ollama", "m").unwrap(), None);
        store
            .record_tool_check("ollama", "m", "prompt", "writes calls as text")
            .unwrap();
        store.record_tool_check("local", "m", "native", "").unwrap();
        let found = store.tool_check("ollama", "m").unwrap().unwrap();
        assert_eq!(
            (found.format.as_str(), found.detail.as_str()),
            ("prompt", "writes calls as text")
        );
        // A second check replaces the first.
        store
            .record_tool_check("ollama", "m", "none", "no call")
            .unwrap();
        assert_eq!(
            store.tool_check("ollama", "m").unwrap().unwrap().format,
            "none"
        );
        assert!(
            store
                .record_tool_check("ollama", "m", "sometimes", "")
                .is_err()
        );
        assert!(store.forget_tool_check("ollama", "m").unwrap());
        assert!(!store.forget_tool_check("ollama", "m").unwrap());
        assert_eq!(
            store.tool_check("local", "m").unwrap().unwrap().format,
            "native"
        );
    }

    #[test]
    fn a_timed_out_check_is_found_until_it_is_forgotten() {
        let store = Store::open_in_memory().unwrap();
        let call = |error: &str| crate::store::ModelCall {
            task_id: None,
            conversation_id: None,
            agent_role: Some("tool_check".into()),
            backend: "ollama".into(),
            model: "m".into(),
            prompt_tokens: None,
            completion_tokens: None,
            latency_ms: Some(2000),
            first_token_ms: None,
            outcome: crate::store::ModelCallOutcome::Error,
            error: Some(error.into()),
            cache: None,
            reused_prompt_tokens: None,
        };
        store
            .record_model_call(&call("cannot reach ollama"))
            .unwrap();
        assert_eq!(
            store.tool_check_timed_out_since("ollama", "m", 0).unwrap(),
            None
        );
        store
            .record_model_call(&call(TOOL_CHECK_TIMED_OUT))
            .unwrap();
        let at = store.tool_check_timed_out_since("ollama", "m", 0).unwrap();
        assert!(at.is_some());
        // Older than the window asked about: not found.
        let later = at.unwrap() + 1;
        assert_eq!(
            store
                .tool_check_timed_out_since("ollama", "m", later)
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .tool_check_timed_out_since("ollama", "other", 0)
                .unwrap(),
            None
        );
        store.forget_tool_check("ollama", "m").unwrap();
        assert_eq!(
            store.tool_check_timed_out_since("ollama", "m", 0).unwrap(),
            None
        );
    }
}
