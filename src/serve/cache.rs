//! Answers of read-only routes kept while the database is unchanged. A connection that never
//! writes asks SQLite for `PRAGMA data_version`, which changes whenever any other connection
//! (a task's thread, another handler, another agent process) commits. A dashboard or a script
//! polling the task list then costs a lookup, not a query, until something happens.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use bytes::Bytes;

/// Bytes of answers kept; beyond it the cache starts over (a page of 50 tasks is ~50 KB).
const MAX_BYTES: usize = 2 * 1024 * 1024;

/// Cached answers by key, with the database version they were computed at.
pub struct ReadCache {
    watcher: Mutex<Option<rusqlite::Connection>>,
    entries: Mutex<Entries>,
}

/// The answers and their total size.
#[derive(Default)]
struct Entries {
    answers: HashMap<String, (i64, Bytes)>,
    bytes: usize,
}

impl ReadCache {
    /// A cache over the database at `path`; without a watcher connection nothing is cached.
    pub fn new(path: &Path) -> Self {
        let watcher = rusqlite::Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .ok();
        Self {
            watcher: Mutex::new(watcher),
            entries: Mutex::default(),
        }
    }

    /// The database's version now (`None`: unknown, do not cache).
    pub fn version(&self) -> Option<i64> {
        let watcher = self.watcher.lock().unwrap_or_else(PoisonError::into_inner);
        watcher
            .as_ref()?
            .pragma_query_value(None, "data_version", |row| row.get(0))
            .ok()
    }

    /// The answer cached for `key` at `version`.
    pub fn get(&self, key: &str, version: i64) -> Option<Bytes> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .answers
            .get(key)
            .filter(|(at, _)| *at == version)
            .map(|(_, body)| body.clone())
    }

    /// Keeps `body` as the answer for `key` at `version` (read before the answer was computed,
    /// so a change made meanwhile makes it stale at once rather than hiding).
    pub fn put(&self, key: String, version: i64, body: Bytes) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, old)) = entries.answers.remove(&key) {
            entries.bytes -= old.len();
        }
        if entries.bytes + body.len() > MAX_BYTES {
            entries.answers.clear();
            entries.bytes = 0;
        }
        if body.len() <= MAX_BYTES {
            entries.bytes += body.len();
            entries.answers.insert(key, (version, body));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_by_another_connection_makes_answers_stale() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let writer = rusqlite::Connection::open(&path).unwrap();
        writer.execute_batch("CREATE TABLE t (x)").unwrap();
        let cache = ReadCache::new(&path);
        let before = cache.version().unwrap();
        cache.put("k".into(), before, Bytes::from_static(b"old"));
        assert_eq!(cache.get("k", cache.version().unwrap()).unwrap(), "old");
        // Answers beyond the byte budget push the older ones out.
        let big = Bytes::from(vec![b'x'; MAX_BYTES / 2 + 1]);
        cache.put("a".into(), before, big.clone());
        cache.put("b".into(), before, big);
        assert!(cache.get("a", before).is_none());
        assert!(cache.get("b", before).is_some());
        writer.execute("INSERT INTO t VALUES (1)", []).unwrap();
        let after = cache.version().unwrap();
        assert_ne!(after, before);
        assert!(cache.get("b", after).is_none());
    }
}
