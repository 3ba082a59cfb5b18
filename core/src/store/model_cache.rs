//! The answer cache's rows (`model_cache`): a kept answer by the hash of its request, its age
//! and hits; and the cache's counts for the dashboard (hits and misses from `model_calls`).

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::Store;
use crate::error::Result;
use crate::time::Millis;

/// The answer cache's numbers over a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CacheStats {
    /// Model calls answered from the cache.
    pub hits: u64,
    /// Cacheable model calls that asked the model.
    pub misses: u64,
    /// Answers kept now (expired ones included until they are looked up or purged).
    pub entries: u64,
}

impl CacheStats {
    /// Hits over cacheable calls, `None` when there was none.
    pub fn hit_rate(&self) -> Option<f64> {
        let total = self.hits + self.misses;
        (total > 0).then(|| self.hits as f64 / total as f64)
    }
}

impl Store {
    /// The answer kept under `key` if it was kept at or after `fresh_since`, counting the hit;
    /// an older one is deleted and reads as none.
    pub fn cached_answer(
        &self,
        key: &str,
        fresh_since: Millis,
        now: Millis,
    ) -> Result<Option<String>> {
        let found: Option<(String, Millis)> = self
            .conn
            .query_row(
                "SELECT response, created_at FROM model_cache WHERE key = ?1",
                [key],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let Some((response, created_at)) = found else {
            return Ok(None);
        };
        if created_at < fresh_since {
            self.conn
                .execute("DELETE FROM model_cache WHERE key = ?1", [key])?;
            return Ok(None);
        }
        self.conn.execute(
            "UPDATE model_cache SET hits = hits + 1, last_hit_at = ?2 WHERE key = ?1",
            params![key, now],
        )?;
        Ok(Some(response))
    }

    /// Keeps `response` (JSON, redacted here like every text the store writes) under `key`,
    /// replacing an older answer.
    pub fn keep_answer(
        &self,
        key: &str,
        backend: &str,
        model: &str,
        response: &str,
        now: Millis,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO model_cache (key, backend, model, response, created_at, hits)
             VALUES (?1, ?2, ?3, ?4, ?5, 0)",
            params![key, backend, model, self.redacted_json(response), now],
        )?;
        Ok(())
    }

    /// Deletes answers kept before `before`; returns how many.
    pub fn purge_model_cache(&self, before: Millis) -> Result<usize> {
        Ok(self
            .conn
            .execute("DELETE FROM model_cache WHERE created_at < ?1", [before])?)
    }

    /// Hits and misses of model calls made at or after `since`, and the answers kept now.
    pub fn cache_stats(&self, since: Millis) -> Result<CacheStats> {
        let (hits, misses): (u64, u64) = self.conn.query_row(
            "SELECT COALESCE(SUM(cache = 'hit'), 0), COALESCE(SUM(cache = 'miss'), 0)
               FROM model_calls WHERE created_at >= ?1 AND cache IS NOT NULL",
            [since],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let entries: u64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM model_cache", [], |row| row.get(0))?;
        Ok(CacheStats {
            hits,
            misses,
            entries,
        })
    }
}
