//! Aggregates for the TUI's dashboard: tasks by status, success per strategy and per model,
//! tokens over recent periods, and the latest tasks.

use rusqlite::params;
use serde::Serialize;

use super::Store;
use crate::error::Result;
use crate::time::Millis;

/// What the dashboard shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DashboardStats {
    /// (status, tasks)
    pub by_status: Vec<(String, u64)>,
    /// (strategy, succeeded, finished)
    pub success_by_strategy: Vec<(String, u64, u64)>,
    /// (model, succeeded, finished)
    pub success_by_model: Vec<(String, u64, u64)>,
    pub tokens_today: u64,
    pub tokens_week: u64,
    /// The newest tasks: (id, status, title, created_at)
    pub recent: Vec<(String, String, String, Millis)>,
}

const DAY_MS: Millis = 24 * 60 * 60 * 1000;

impl Store {
    /// The dashboard's numbers as of `now` ("today" is the last 24 hours, "week" the last 7 days).
    pub fn dashboard_stats(&self, now: Millis) -> Result<DashboardStats> {
        let mut stats = DashboardStats::default();
        let mut statement = self.conn.prepare_cached(
            "SELECT status, COUNT(*) FROM tasks GROUP BY status ORDER BY COUNT(*) DESC, status",
        )?;
        stats.by_status = statement
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<_>>()?;
        stats.success_by_strategy = self.success_by("strategy")?;
        stats.success_by_model = self.success_by("models")?;
        let tokens = |since: Millis| -> Result<u64> {
            Ok(self.conn.query_row(
                "SELECT COALESCE(SUM(COALESCE(prompt_tokens, 0) + COALESCE(completion_tokens, 0)), 0) \
                 FROM model_calls WHERE created_at >= ?1",
                [since],
                |r| r.get::<_, i64>(0),
            )? as u64)
        };
        stats.tokens_today = tokens(now - DAY_MS)?;
        stats.tokens_week = tokens(now - 7 * DAY_MS)?;
        let mut statement = self.conn.prepare_cached(
            "SELECT id, status, title, created_at FROM tasks ORDER BY created_at DESC, id DESC LIMIT 8",
        )?;
        stats.recent = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(stats)
    }

    /// (value, succeeded, finished) of finished tasks grouped by `column` (a fixed name).
    fn success_by(&self, column: &'static str) -> Result<Vec<(String, u64, u64)>> {
        let sql = format!(
            "SELECT COALESCE({column}, '?'), SUM(status = 'succeeded'), COUNT(*) FROM tasks \
             WHERE status IN ('succeeded', 'failed', 'cancelled') GROUP BY 1 ORDER BY COUNT(*) DESC, 1"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map(params![], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)? as u64,
                r.get::<_, i64>(2)? as u64,
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{ModelCall, ModelCallOutcome, NewTask};
    use crate::task::TaskStatus;

    #[test]
    fn the_dashboard_counts_tasks_success_and_tokens() {
        let mut store = Store::open_in_memory().unwrap();
        for (id, strategy, model, end) in [
            ("a", "single", "tiny", TaskStatus::Succeeded),
            ("b", "single", "tiny", TaskStatus::Failed),
            ("c", "multi", "big", TaskStatus::Succeeded),
            ("d", "iterative", "tiny", TaskStatus::Running),
        ] {
            store
                .create_task(&NewTask {
                    id,
                    title: id,
                    description: id,
                    repo: "/r",
                    strategy,
                    model,
                    backend: "openai",
                    approval: "auto",
                    spec_json: "{}",
                    retry_of: None,
                })
                .unwrap();
            store.set_task_status(id, TaskStatus::Running).unwrap();
            if end != TaskStatus::Running {
                store.set_task_status(id, end).unwrap();
            }
        }
        store
            .record_model_call(&ModelCall {
                task_id: None,
                conversation_id: None,
                agent_role: None,
                backend: "openai".into(),
                model: "tiny".into(),
                prompt_tokens: Some(100),
                completion_tokens: Some(20),
                latency_ms: None,
                first_token_ms: None,
                outcome: ModelCallOutcome::Ok,
                error: None,
                cache: None,
                reused_prompt_tokens: None,
            })
            .unwrap();
        let stats = store.dashboard_stats(crate::time::now_ms()).unwrap();
        assert_eq!(stats.by_status[0], ("succeeded".to_string(), 2));
        assert!(stats.by_status.contains(&("running".to_string(), 1)));
        assert_eq!(
            stats.success_by_strategy,
            vec![("single".to_string(), 1, 2), ("multi".to_string(), 1, 1)]
        );
        assert_eq!(
            stats.success_by_model,
            vec![("tiny".to_string(), 1, 2), ("big".to_string(), 1, 1)]
        );
        assert_eq!((stats.tokens_today, stats.tokens_week), (120, 120));
        assert_eq!(stats.recent.len(), 4);
        let later = store
            .dashboard_stats(crate::time::now_ms() + 2 * DAY_MS)
            .unwrap();
        assert_eq!((later.tokens_today, later.tokens_week), (0, 120));
    }
}
