//! The model registry cache: what each backend last reported, so listings work while a server is
//! down and model selection need not ask every backend each time.

use rusqlite::params;
use serde::Serialize;

use super::Store;
use crate::error::Result;
use crate::time::{Millis, now_ms};

/// One cached model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegistryEntry {
    /// `ollama`, `openai` or `local`.
    pub backend: String,
    pub name: String,
    /// What the backend reported: family, parameters, quantisation, context, capabilities, size.
    pub details: serde_json::Value,
    pub refreshed_at: Millis,
}

impl Store {
    /// Replaces everything cached for `backend` with `models` (name, details) in one transaction.
    pub fn replace_registry(
        &mut self,
        backend: &str,
        models: &[(String, serde_json::Value)],
    ) -> Result<()> {
        let now = now_ms();
        let tx = self.write_transaction()?;
        tx.execute("DELETE FROM model_registry WHERE backend = ?1", [backend])?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR REPLACE INTO model_registry (backend, name, details, refreshed_at) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (name, details) in models {
                insert.execute(params![backend, name, details.to_string(), now])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Cached models, of one backend or all, by backend then name.
    pub fn registry(&self, backend: Option<&str>) -> Result<Vec<RegistryEntry>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT backend, name, details, refreshed_at FROM model_registry
              WHERE ?1 IS NULL OR backend = ?1 ORDER BY backend, name",
        )?;
        let rows = statement.query_map([backend], |row| {
            let details: String = row.get(2)?;
            Ok(RegistryEntry {
                backend: row.get(0)?,
                name: row.get(1)?,
                details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
                refreshed_at: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replacing_a_backend_keeps_the_others() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .replace_registry(
                "ollama",
                &[
                    ("a:1b".into(), json!({"size": 1})),
                    ("b:7b".into(), json!({"size": 7})),
                ],
            )
            .unwrap();
        store
            .replace_registry("local", &[("tiny.gguf".into(), json!({"arch": "llama"}))])
            .unwrap();
        store
            .replace_registry("ollama", &[("c:3b".into(), json!({"size": 3}))])
            .unwrap();
        let all = store.registry(None).unwrap();
        let names: Vec<(&str, &str)> = all
            .iter()
            .map(|e| (e.backend.as_str(), e.name.as_str()))
            .collect();
        assert_eq!(names, [("local", "tiny.gguf"), ("ollama", "c:3b")]);
        assert_eq!(
            store.registry(Some("ollama")).unwrap()[0].details,
            json!({"size": 3})
        );
    }
}
